//! The clinic's calendar settings: its time zone, the staff with
//! calendars, treatment rooms.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// The clinic's staff who have calendars, and its time zone.
#[utoipa::path(
    get,
    path = "/api/v1/staff",
    operation_id = "list_staff",
    tag = "scheduling",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"time_zone\": \"Europe/London\", \"therapists\": [{\"id\", \"name\", \"email\", \"role\"}], \"rooms\": [{\"id\", \"name\"}]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn staff(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, Problem> {
    let scope = state.store.clinic(&actor);
    let therapists = scope.therapists().await?;
    let rooms = scope.rooms().await?;
    Ok(Json(json!({
        "time_zone": actor.time_zone,
        "therapists": therapists.iter().map(|t| json!({"id": t.id, "name": t.name, "email": t.email, "role": t.role.as_str()})).collect::<Vec<_>>(),
        "rooms": rooms.iter().map(|r| json!({"id": r.id, "name": r.name})).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    name: String,
}

/// Add a treatment room (owner or front desk).
#[utoipa::path(
    post,
    path = "/api/v1/rooms",
    operation_id = "add_room",
    tag = "scheduling",
    security(("bearer" = [])),
    request_body = NewRoom,
    responses(
        (status = 201, description = "`{\"id\", \"name\"}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn add_room(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewRoom>,
) -> Result<Response, Problem> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "name",
            "a room needs a name of 1 to 60 characters",
        ));
    }
    let room = state.store.clinic(&actor).add_room(name).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": room.id, "name": room.name}))).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicSettings {
    /// An IANA time zone name, e.g. `Europe/London`: the calendar's wall clock.
    time_zone: String,
}

/// The caller's clinic: its name and time zone.
#[utoipa::path(
    get,
    path = "/api/v1/clinic",
    operation_id = "get_clinic",
    tag = "scheduling",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"name\", \"time_zone\"}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn clinic(ApiActor(actor): ApiActor) -> Json<Value> {
    Json(json!({"name": actor.clinic_name, "time_zone": actor.time_zone}))
}

/// Set the clinic's time zone (owner only). Stored appointments keep their instants; working hours are read in the new zone.
#[utoipa::path(
    put,
    path = "/api/v1/clinic",
    operation_id = "set_clinic",
    tag = "scheduling",
    security(("bearer" = [])),
    request_body = ClinicSettings,
    responses(
        (status = 200, description = "`{\"name\", \"time_zone\"}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn set_clinic(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClinicSettings>,
) -> Result<Json<Value>, Problem> {
    let zone = body.time_zone.trim();
    if jiff::tz::TimeZone::get(zone).is_err() {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "time_zone",
            format!("\"{zone}\" is not a time zone name; use one like Europe/London or America/New_York"),
        ));
    }
    state.store.clinic(&actor).set_time_zone(zone).await?;
    Ok(Json(json!({"name": actor.clinic_name, "time_zone": zone})))
}
