//! Appointments: listing, booking, moving, status changes, a client's
//! appointments and the client's self-booking link.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::SystemClock;
use myomap_store::AppointmentStatus;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{DayRange, RangeParams, appointment_json, range};
use crate::AppState;
use crate::api::clients::parse_id;
use crate::api::record::link_json;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};
use myomap_clinic::schedule::{self as scheduling, BookingRequest, zone_of};

/// Appointments over some days (clinic time), of one therapist or all.
#[utoipa::path(
    get,
    path = "/api/v1/appointments",
    operation_id = "list_appointments",
    tag = "scheduling",
    security(("bearer" = [])),
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default today, clinic time)."),
        ("days" = Option<u16>, Query, description = "Number of days, 1–62 (default 7)."),
        ("therapist" = Option<String>, Query, description = "Only this therapist's appointments."),
    ),
    responses(
        (status = 200, description = "`{\"appointments\": [...]}` in start order, cancelled ones included.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<RangeParams>,
) -> Result<Json<Value>, Problem> {
    let zone = zone_of(&actor);
    let DayRange { start, end, .. } = range(&params, &zone)?;
    let appointments = state
        .store
        .clinic(&actor)
        .appointments_between(params.therapist.as_deref().filter(|t| !t.is_empty()), start, end)
        .await?;
    Ok(Json(json!({
        "appointments": appointments.iter().map(|a| appointment_json(a, &zone)).collect::<Vec<_>>(),
    })))
}

/// Book an appointment, or a series with `repeat` and `every_days` (all or nothing). A double booking of the therapist, the room or the client is refused (409) naming the appointment in the way.
#[utoipa::path(
    post,
    path = "/api/v1/appointments",
    operation_id = "book_appointment",
    tag = "scheduling",
    security(("bearer" = [])),
    request_body = schemas::BookingRequest,
    responses(
        (status = 201, description = "The appointment (the first of a series, with `series` listing them all); reminders are queued in the outbox.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn book(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<BookingRequest>,
) -> Result<Response, Problem> {
    let zone = zone_of(&actor);
    let booked = scheduling::book(&state.store, &actor, &state.messages(), &body).await?;
    let first = booked.first().ok_or_else(|| Problem::not_found("appointment"))?;
    let mut answer = appointment_json(first, &zone);
    if booked.len() > 1 {
        answer["series"] = booked.iter().map(|a| appointment_json(a, &zone)).collect();
    }
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// One appointment.
#[utoipa::path(
    get,
    path = "/api/v1/appointments/{id}",
    operation_id = "get_appointment",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The appointment's id.")),
    responses(
        (status = 200, description = "The appointment.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let found = state.store.clinic(&actor).appointment(&id).await?;
    Ok(Json(appointment_json(&found, &zone_of(&actor))))
}

/// Move an appointment (time, therapist or room); the same double-booking rule applies and its reminder is replaced.
#[utoipa::path(
    post,
    path = "/api/v1/appointments/{id}/reschedule",
    operation_id = "reschedule_appointment",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The appointment's id.")),
    request_body(content = Object, description = "`version` plus the fields of a booking (`therapist_id`, `starts_at`, `minutes`, optional `room_id`, `outside_hours`)."),
    responses(
        (status = 200, description = "The moved appointment.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn reschedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, Problem> {
    // Flattened structs cannot deny unknown fields; read the version apart.
    let mut body = body;
    let version = body
        .as_object_mut()
        .and_then(|o| o.remove("version"))
        .and_then(|v| v.as_i64())
        .ok_or_else(|| {
            Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                "version",
                "the version you read is required (a whole number)",
            )
        })?;
    let time: BookingRequest = serde_json::from_value(body)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", e.to_string()))?;
    let moved = scheduling::reschedule(&state.store, &actor, &state.messages(), &id, version, &time).await?;
    Ok(Json(appointment_json(&moved, &zone_of(&actor))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `cancelled`, `no_show`, `attended` or `booked`.
    status: String,
    version: i64,
}

/// Cancel an appointment (its reminder is withdrawn) or record a no-show or attendance.
#[utoipa::path(
    post,
    path = "/api/v1/appointments/{id}/status",
    operation_id = "set_appointment_status",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The appointment's id.")),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The appointment.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<Value>, Problem> {
    let status = AppointmentStatus::parse(&body.status).ok_or_else(|| {
        Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "status",
            format!(
                "must be booked, cancelled, no_show or attended, not \"{}\"",
                body.status
            ),
        )
    })?;
    let changed = scheduling::set_status(
        &state.store,
        &actor,
        &SystemClock,
        state.config.mailer.is_some(),
        &id,
        body.version,
        status,
    )
    .await?;
    Ok(Json(appointment_json(&changed, &zone_of(&actor))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingLinkBody {
    /// Whom the client books with.
    therapist_id: String,
}

/// A single-use link through which the client books one appointment among the therapist's free slots (14 days).
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/booking-link",
    operation_id = "booking_link",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = BookingLinkBody,
    responses(
        (status = 201, description = "The link.", body = schemas::IssuedLink),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn booking_link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BookingLinkBody>,
) -> Result<Response, Problem> {
    let link =
        myomap_clinic::online_booking::request_link(&state.store, &actor, parse_id(&id)?, &body.therapist_id).await?;
    Ok((StatusCode::CREATED, Json(link_json(&state.config.public_url, &link))).into_response())
}

/// A client's appointments, latest first.
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/appointments",
    operation_id = "client_appointments",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "`{\"appointments\": [...]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn client_appointments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let scope = state.store.clinic(&actor);
    let client = parse_id(&id)?;
    scope.get_client(client).await?;
    let zone = zone_of(&actor);
    let found = scope.client_appointments(client).await?;
    Ok(Json(
        json!({"appointments": found.iter().map(|a| appointment_json(a, &zone)).collect::<Vec<_>>()}),
    ))
}
