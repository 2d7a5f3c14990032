//! A therapist's secret iCalendar feed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use myomap_clinic::schedule as scheduling;

/// A new secret iCalendar feed address for a therapist (the old one stops working).
#[utoipa::path(
    post,
    path = "/api/v1/therapists/{id}/calendar-feed",
    operation_id = "renew_calendar_feed",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The therapist's user id.")),
    responses(
        (status = 201, description = "`{\"url\": \".../calendar/TOKEN.ics\"}`: subscribe to it in a calendar app. Clients appear by initials only.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn renew_feed(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let token = state.store.clinic(&actor).renew_calendar_feed(&id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"url": feed_url(&state.config.public_url, &token)})),
    )
        .into_response())
}

pub fn feed_url(public_url: &str, token: &str) -> String {
    let link = myomap_clinic::messages::client_link(public_url, token);
    link.replace("/c/", "/calendar/") + ".ics"
}

/// A therapist's calendar as iCalendar text; the secret in the address is the only credential.
#[utoipa::path(
    get,
    path = "/calendar/{token}",
    operation_id = "calendar_feed",
    tag = "scheduling",
    params(("token" = String, Path, description = "The feed secret followed by `.ics`.")),
    responses(
        (status = 200, description = "`text/calendar`: the appointments from 30 days ago on.", content_type = "text/calendar", body = String),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, Problem> {
    let token = token
        .strip_suffix(".ics")
        .ok_or_else(|| Problem::not_found("calendar"))?;
    let from = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(30 * 24))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let calendar = state.store.calendar_feed(token, from).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        scheduling::ics_feed(&calendar, jiff::Timestamp::now()),
    )
        .into_response())
}
