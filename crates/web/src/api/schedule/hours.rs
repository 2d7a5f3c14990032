//! A therapist's weekly working hours.

use axum::Json;
use axum::extract::{Path, State};
use myomap_store::HoursRow;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;
use myomap_clinic::schedule as scheduling;

fn hours_json(rows: &[HoursRow]) -> Value {
    json!({"hours": rows.iter().map(|r| json!({"weekday": r.weekday, "starts": r.starts, "ends": r.ends, "kind": r.kind})).collect::<Vec<_>>()})
}

/// A therapist's weekly hours (work and breaks, clinic time).
#[utoipa::path(
    get,
    path = "/api/v1/therapists/{id}/hours",
    operation_id = "get_hours",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The therapist's user id.")),
    responses(
        (status = 200, description = "`{\"hours\": [{\"weekday\": \"monday\", \"starts\": \"09:00\", \"ends\": \"17:00\", \"kind\": \"work\"}]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn hours(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(hours_json(&state.store.clinic(&actor).working_hours(&id).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    /// Rows of `{"weekday", "starts", "ends", "kind": "work"|"break"}`.
    #[schema(value_type = Vec<Object>)]
    hours: Vec<HoursRowBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursRowBody {
    weekday: String,
    starts: String,
    ends: String,
    kind: String,
}

/// Replace a therapist's weekly hours (the owner, or the therapist).
#[utoipa::path(
    put,
    path = "/api/v1/therapists/{id}/hours",
    operation_id = "set_hours",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The therapist's user id.")),
    request_body = HoursBody,
    responses(
        (status = 200, description = "The hours as stored, sorted.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn set_hours(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HoursBody>,
) -> Result<Json<Value>, Problem> {
    let rows: Vec<HoursRow> = body
        .hours
        .into_iter()
        .map(|r| HoursRow {
            weekday: r.weekday,
            starts: r.starts,
            ends: r.ends,
            kind: r.kind,
        })
        .collect();
    let hours = scheduling::weekly_hours(&rows).map_err(Problem::invalid)?;
    let scope = state.store.clinic(&actor);
    scope.set_working_hours(&id, &scheduling::hours_rows(&hours)).await?;
    Ok(Json(hours_json(&scope.working_hours(&id).await?)))
}
