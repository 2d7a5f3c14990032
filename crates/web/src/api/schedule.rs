//! The calendar in JSON: staff, rooms, working hours, appointments (book,
//! move, cancel, no-show, attended), free slots, calendar feeds, booking
//! links, and the outbox of messages to clients.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use myomap_clinic::SystemClock;
use myomap_clinic::messages::client_link;
use myomap_clinic::schedule::{self as scheduling, BookingRequest, zone_of};
use myomap_store::{Appointment, AppointmentStatus, HoursRow, OutboxMessage};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::record::link_json;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};

pub fn appointment_json(a: &Appointment, zone: &jiff::tz::TimeZone) -> Value {
    json!({
        "id": a.id,
        "client_id": a.client_id,
        "client_name": a.client_name,
        "therapist_id": a.therapist_id,
        "therapist_name": a.therapist_name,
        "room_id": a.room_id,
        "room_name": a.room_name,
        "starts_at": a.starts_at.to_string(),
        "ends_at": a.ends_at.to_string(),
        "local_start": a.starts_at.to_zoned(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        "minutes": a.minutes,
        "status": a.status.as_str(),
        "note": a.note,
        "version": a.version,
    })
}

fn message_json(m: &OutboxMessage) -> Value {
    json!({
        "id": m.id,
        "client_id": m.client_id,
        "client_name": m.client_name,
        "kind": m.kind,
        "recipient": m.recipient,
        "title": m.title,
        "body": m.body,
        "status": m.status.as_str(),
        "send_after": m.send_after.to_string(),
        "attempts": m.attempts,
        "last_error": m.last_error,
        "created_at": m.created_at.to_string(),
        "sent_at": m.sent_at.map(|t| t.to_string()),
    })
}

fn parse_date(field: &str, text: &str) -> Result<Date, Problem> {
    text.parse().map_err(|_| {
        Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            field,
            format!("must be a date like 2026-03-29, not \"{text}\""),
        )
    })
}

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

#[derive(Deserialize)]
pub struct RangeParams {
    from: Option<String>,
    days: Option<String>,
    therapist: Option<String>,
}

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

/// The days a query asks for, and their absolute span.
struct DayRange {
    from: Date,
    days: u16,
    start: jiff::Timestamp,
    end: jiff::Timestamp,
}

fn range(params: &RangeParams, zone: &jiff::tz::TimeZone) -> Result<DayRange, Problem> {
    let from = match params.from.as_deref().filter(|f| !f.is_empty()) {
        Some(text) => parse_date("from", text)?,
        None => scheduling::today_at(zone, &SystemClock),
    };
    let days = match params.days.as_deref().filter(|d| !d.is_empty()) {
        Some(text) => text
            .parse::<u16>()
            .ok()
            .filter(|d| (1..=62).contains(d))
            .ok_or_else(|| {
                Problem::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid input",
                    "days",
                    format!("must be a whole number of days from 1 to 62, not \"{text}\""),
                )
            })?,
        None => 7,
    };
    let (start, end) = scheduling::days_span(from, days, zone);
    Ok(DayRange { from, days, start, end })
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

#[derive(Deserialize)]
pub struct SlotParams {
    from: Option<String>,
    days: Option<String>,
    minutes: Option<String>,
}

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
    let scope = state.store.clinic(&actor);
    if !scope.therapists().await?.iter().any(|t| t.id == id) {
        return Err(Problem::not_found("therapist"));
    }
    let DayRange { from, days, start, end } = range(
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
    let hours = scheduling::hours_of(&scope, &id).await?;
    let busy = scheduling::busy_of(
        &scope.appointments_between(Some(&id), start, end).await?,
        &scope.time_off_between(Some(&id), start, end).await?,
    );
    let free = scheduling::free_slots(&hours, &zone, &busy, from, days, length, jiff::Timestamp::now())
        .map_err(Problem::invalid)?;
    Ok(Json(json!({
        "slots": free.iter().map(|s| json!({
            "starts_at": s.start.to_string(),
            "ends_at": s.end.to_string(),
            "local_start": s.start.to_zoned(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        })).collect::<Vec<_>>(),
    })))
}

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
    let link = client_link(public_url, token);
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

#[derive(Deserialize)]
pub struct OutboxParams {
    attention: Option<String>,
}

/// Messages to clients: those waiting for a person (to send by hand, or failed after every retry) first.
#[utoipa::path(
    get,
    path = "/api/v1/outbox",
    operation_id = "list_outbox",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("attention" = Option<bool>, Query, description = "Only messages waiting for a person.")),
    responses(
        (status = 200, description = "`{\"messages\": [{\"id\", \"client_id\", \"client_name\", \"kind\", \"recipient\", \"title\", \"body\", \"status\" (queued, by_hand, sent, failed, cancelled), \"send_after\", \"attempts\", \"last_error\", \"created_at\", \"sent_at\"}]}`. A sent message's body no longer carries client links.", body = Object),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn outbox(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> Result<Json<Value>, Problem> {
    let attention = matches!(params.attention.as_deref(), Some("true" | "1"));
    let messages = state.store.clinic(&actor).outbox(attention, 200).await?;
    Ok(Json(
        json!({"messages": messages.iter().map(message_json).collect::<Vec<_>>()}),
    ))
}

/// Record that a message was sent by hand.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/sent",
    operation_id = "outbox_sent_by_hand",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id.")),
    responses(
        (status = 204, description = "Marked sent."),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn outbox_sent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).mark_sent_by_hand(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Try a failed message again through the relay now.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    operation_id = "outbox_retry",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id.")),
    responses(
        (status = 204, description = "Queued again."),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn outbox_retry(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).retry_message(&id).await?;
    Ok(StatusCode::NO_CONTENT)
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
