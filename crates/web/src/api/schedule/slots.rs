//! A therapist's free slots.

use axum::Json;
use axum::extract::{Path, State};
use myomap_clinic::SystemClock;
use serde_json::{Value, json};

use super::{DayRange, RangeParams, SlotParams, range};
use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiQuery;
use myomap_clinic::schedule::{self as scheduling, zone_of};

/// Free slots of a therapist: inside working hours, clear of appointments, on a 15-minute grid.
#[utoipa::path(
    get,
    path = "/api/v1/therapists/{id}/slots",
    operation_id = "free_slots",
    tag = "scheduling",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The therapist's user id."),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default today)."),
        ("days" = Option<u16>, Query, description = "1–62 (default 7)."),
        ("minutes" = Option<u16>, Query, description = "30, 45, 60, 75 or 90 (default 60)."),
    ),
    responses(
        (status = 200, description = "`{\"slots\": [{\"starts_at\", \"ends_at\", \"local_start\"}]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn slots(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<SlotParams>,
) -> Result<Json<Value>, Problem> {
    let zone = zone_of(&actor);
    let DayRange { from, days, .. } = range(
        &RangeParams {
            from: params.from,
            days: params.days,
            therapist: None,
        },
        &zone,
    )?;
    let minutes = match params.minutes.as_deref().filter(|m| !m.is_empty()) {
        Some(text) => text.parse::<u16>().unwrap_or(0),
        None => 60,
    };
    let length = scheduling::length("minutes", minutes).map_err(Problem::invalid)?;
    let scope = state.store.clinic(&actor);
    let free = scheduling::therapist_free_slots(&scope, &SystemClock, &id, from, days, length).await?;
    Ok(Json(json!({
        "slots": free.iter().map(|s| json!({
            "starts_at": s.start.to_string(),
            "ends_at": s.end.to_string(),
            "local_start": s.start.to_zoned(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        })).collect::<Vec<_>>(),
    })))
}
