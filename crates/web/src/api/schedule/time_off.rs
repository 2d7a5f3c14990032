//! A therapist's time off.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{DayRange, RangeParams, SlotParams, range};
use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};
use myomap_clinic::schedule::{self as scheduling, zone_of};

fn time_off_json(t: &myomap_store::TimeOff, zone: &jiff::tz::TimeZone) -> Value {
    json!({
        "id": t.id,
        "therapist_id": t.therapist_id,
        "therapist_name": t.therapist_name,
        "starts_at": t.starts_at.to_string(),
        "ends_at": t.ends_at.to_string(),
        "local_start": t.starts_at.to_zoned(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        "local_end": t.ends_at.to_zoned(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        "reason": t.reason,
    })
}

/// A therapist's time off over some days (default: the next 62).
#[utoipa::path(
    get,
    path = "/api/v1/therapists/{id}/time-off",
    operation_id = "list_time_off",
    tag = "scheduling",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The therapist's user id."),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default today)."),
        ("days" = Option<u16>, Query, description = "1–62 (default 62)."),
    ),
    responses(
        (status = 200, description = "`{\"time_off\": [{\"id\", \"starts_at\", \"ends_at\", \"local_start\", \"local_end\", \"reason\"}]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn time_off(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<SlotParams>,
) -> Result<Json<Value>, Problem> {
    let zone = zone_of(&actor);
    let DayRange { start, end, .. } = range(
        &RangeParams {
            from: params.from,
            days: params.days.or(Some("62".into())),
            therapist: None,
        },
        &zone,
    )?;
    let found = state
        .store
        .clinic(&actor)
        .time_off_between(Some(&id), start, end)
        .await?;
    Ok(Json(
        json!({"time_off": found.iter().map(|t| time_off_json(t, &zone)).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimeOff {
    /// Clinic wall clock (`2026-08-03T00:00`) or RFC 3339.
    starts_at: String,
    ends_at: String,
    #[serde(default)]
    reason: String,
}

/// Record time off (refused, naming the first, while booked appointments fall in it).
#[utoipa::path(
    post,
    path = "/api/v1/therapists/{id}/time-off",
    operation_id = "add_time_off",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The therapist's user id.")),
    request_body = NewTimeOff,
    responses(
        (status = 201, description = "The time off.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn add_time_off(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewTimeOff>,
) -> Result<Response, Problem> {
    let zone = zone_of(&actor);
    let added = scheduling::add_time_off(
        &state.store.clinic(&actor),
        &zone,
        &id,
        &body.starts_at,
        &body.ends_at,
        &body.reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(time_off_json(&added, &zone))).into_response())
}

/// Remove time off.
#[utoipa::path(
    delete,
    path = "/api/v1/time-off/{id}",
    operation_id = "remove_time_off",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The time off's id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn remove_time_off(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).remove_time_off(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
