//! Booking an appointment, the appointment page with its actions (status,
//! move) and the client's self-booking link.

use crate::pages::as_store_error;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use myomap_clinic::SystemClock;
use myomap_domain::{ClientId, ValidationErrors};
use myomap_schedule::AppointmentLength;
use myomap_store::{Actor, Appointment, AppointmentStatus, StoreError};
use serde::Deserialize;

use super::{AgendaRow, agenda_row, options};
use crate::AppState;
use crate::pages::record::{Pairs, client_id, store_err, value};
use crate::pages::{Layout, MessagePage, PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, BookingRequest, local_time, zone_of};

#[derive(Deserialize, Default)]
pub struct BookParams {
    client: Option<String>,
    therapist: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "booking_form.html")]
struct BookingForm {
    safety: Option<myomap_clinic::screening::SafetyBanner>,
    layout: Layout,
    heading: String,
    action: String,
    client_id: String,
    client_name: String,
    search: String,
    matches: Vec<(String, String)>,
    therapists: Vec<(String, String)>,
    therapist_id: String,
    rooms: Vec<(String, String)>,
    room_id: String,
    start: String,
    minutes: String,
    lengths: Vec<u16>,
    note: String,
    outside_hours: bool,
    version: String,
    errors: ValidationErrors,
    zone: String,
    csrf: String,
    repeat: String,
    every_days: String,
}

impl BookingForm {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }
}

async fn booking_form(
    state: &AppState,
    actor: &Actor,
    request: &BookingRequest,
    search: &str,
    errors: ValidationErrors,
) -> Result<BookingForm, PageError> {
    let scope = state.store.clinic(actor);
    let (client_name, safety) = match request.client_id.parse::<ClientId>() {
        Ok(id) => (
            scope
                .get_client(id)
                .await
                .map(|c| format!("{} {}", c.given_name, c.family_name))
                .map_err(store_err(actor))?,
            myomap_clinic::screening::safety_banner_for(&scope, id)
                .await
                .map_err(store_err(actor))?,
        ),
        Err(_) => (String::new(), None),
    };
    let matches = if client_name.is_empty() && !search.trim().is_empty() {
        scope
            .list_clients(&myomap_store::ClientQuery {
                search: search.trim().to_owned(),
                include_archived: false,
                page: 1,
                after: None,
            })
            .await
            .map_err(store_err(actor))?
            .clients
            .iter()
            .take(20)
            .map(|c| {
                (
                    c.id.to_string(),
                    format!("{}, {} ({})", c.family_name, c.given_name, c.date_of_birth),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let therapists = scope.therapists().await.map_err(store_err(actor))?;
    let rooms = scope.rooms().await.map_err(store_err(actor))?;
    Ok(BookingForm {
        safety,
        layout: Layout::signed_in(actor, "schedule"),
        heading: "Book an appointment".into(),
        action: "/schedule/book".into(),
        client_id: request.client_id.clone(),
        client_name,
        search: search.to_owned(),
        matches,
        therapist_id: if request.therapist_id.is_empty() {
            therapists
                .iter()
                .find(|t| t.id == actor.user_id.to_string())
                .or_else(|| therapists.first())
                .map(|t| t.id.clone())
                .unwrap_or_default()
        } else {
            request.therapist_id.clone()
        },
        therapists: options(&therapists),
        rooms: rooms.iter().map(|r| (r.id.clone(), r.name.clone())).collect(),
        room_id: request.room_id.clone().unwrap_or_default(),
        start: request.starts_at.clone(),
        minutes: request.minutes.to_string(),
        lengths: AppointmentLength::ALL.iter().map(|l| l.minutes()).collect(),
        note: request.note.clone(),
        outside_hours: request.outside_hours,
        version: String::new(),
        errors,
        zone: actor.time_zone.clone(),
        csrf: actor.csrf_token.clone(),
        repeat: request.repeat.unwrap_or(1).to_string(),
        every_days: request.every_days.unwrap_or(7).to_string(),
    })
}

pub async fn book_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<BookParams>,
) -> Result<Response, PageError> {
    let request = BookingRequest {
        client_id: params.client.unwrap_or_default(),
        therapist_id: params.therapist.unwrap_or_default(),
        starts_at: params.start.unwrap_or_default(),
        minutes: params.minutes.and_then(|m| m.parse().ok()).unwrap_or(60),
        ..BookingRequest::default()
    };
    let form = booking_form(
        &state,
        &actor,
        &request,
        params.q.as_deref().unwrap_or_default(),
        ValidationErrors::default(),
    )
    .await?;
    Ok(render(StatusCode::OK, &form))
}

fn request_from(pairs: &Pairs) -> BookingRequest {
    BookingRequest {
        client_id: value(pairs, "client").to_owned(),
        therapist_id: value(pairs, "therapist").to_owned(),
        room_id: Some(value(pairs, "room").to_owned()).filter(|r| !r.is_empty()),
        starts_at: value(pairs, "start").to_owned(),
        minutes: value(pairs, "minutes").parse().unwrap_or(0),
        note: value(pairs, "note").to_owned(),
        outside_hours: crate::pages::record::checked(pairs, "outside_hours"),
        repeat: Some(value(pairs, "repeat"))
            .filter(|r| !r.is_empty())
            .map(|r| r.parse().unwrap_or(0)),
        every_days: Some(value(pairs, "every_days"))
            .filter(|r| !r.is_empty())
            .map(|r| r.parse().unwrap_or(0)),
    }
}

/// A refusal shown on the form: a double booking belongs to the start time.
fn form_errors(e: StoreError) -> Result<ValidationErrors, StoreError> {
    match e {
        StoreError::Invalid(errors) => Ok(errors),
        StoreError::Conflict(message) => Ok(ValidationErrors::single("starts_at", message)),
        other => Err(other),
    }
}

fn day_link(a: &Appointment, zone: &TimeZone, notice: &str) -> String {
    format!(
        "/schedule?day={}&therapist={}&notice={}",
        scheduling::local_date(a.starts_at, zone),
        a.therapist_id,
        crate::pages::percent_encode(notice)
    )
}

pub async fn book(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let request = request_from(&pairs);
    match scheduling::book(&state.store, &actor, &state.messages(), &request)
        .await
        .map_err(as_store_error)
    {
        Ok(booked) => {
            let notice = if booked.len() > 1 {
                format!("{} appointments booked", booked.len())
            } else {
                "Appointment booked".to_owned()
            };
            match booked.first() {
                Some(first) => Ok(Redirect::to(&day_link(first, &zone_of(&actor), &notice)).into_response()),
                None => Err(store_err(&actor)(StoreError::NotFound("appointment"))),
            }
        }
        Err(e) => {
            let errors = form_errors(e).map_err(store_err(&actor))?;
            let form = booking_form(&state, &actor, &request, "", errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &form))
        }
    }
}

#[derive(Template)]
#[template(path = "appointment.html")]
struct AppointmentPage {
    layout: Layout,
    row: AgendaRow,
    when: String,
    therapist: String,
    note: String,
    version: i64,
    booked: bool,
    day_link: String,
    form: BookingForm,
    clinical: bool,
}

async fn appointment_page(
    state: &AppState,
    actor: &Actor,
    appointment: &Appointment,
    request: Option<BookingRequest>,
    errors: ValidationErrors,
) -> Result<AppointmentPage, PageError> {
    let zone = zone_of(actor);
    let request = request.unwrap_or_else(|| BookingRequest {
        client_id: appointment.client_id.to_string(),
        therapist_id: appointment.therapist_id.clone(),
        room_id: appointment.room_id.clone(),
        starts_at: appointment
            .starts_at
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string(),
        minutes: appointment.minutes,
        note: appointment.note.clone(),
        outside_hours: false,
        repeat: None,
        every_days: None,
    });
    let mut form = booking_form(state, actor, &request, "", errors).await?;
    form.heading = "Move this appointment".into();
    form.action = format!("/appointments/{}/move", appointment.id);
    form.version = appointment.version.to_string();
    Ok(AppointmentPage {
        layout: Layout::signed_in(actor, "schedule"),
        row: agenda_row(appointment, &zone, Vec::new()),
        when: scheduling::local_text(appointment.starts_at, &zone),
        therapist: appointment.therapist_name.clone(),
        note: appointment.note.clone(),
        version: appointment.version,
        booked: appointment.status == AppointmentStatus::Booked,
        day_link: day_link(appointment, &zone, ""),
        form,
        clinical: actor.role.writes_clinical_record(),
    })
}

pub async fn show_appointment(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let appointment = state
        .store
        .clinic(&actor)
        .appointment(&id)
        .await
        .map_err(store_err(&actor))?;
    let page = appointment_page(&state, &actor, &appointment, None, ValidationErrors::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn set_status(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let status = AppointmentStatus::parse(value(&pairs, "status"))
        .ok_or_else(|| store_err(&actor)(StoreError::NotFound("appointment status")))?;
    let version = value(&pairs, "version").parse().unwrap_or(0);
    let changed = scheduling::set_status(
        &state.store,
        &actor,
        &SystemClock,
        state.config.mailer.is_some(),
        &id,
        version,
        status,
    )
    .await
    .map_err(|e| PageError::from((e, &actor)))?;
    let notice = format!(
        "{} {}: {}",
        changed.client_name,
        local_time(changed.starts_at, &zone_of(&actor)),
        status.label()
    );
    Ok(Redirect::to(&day_link(&changed, &zone_of(&actor), &notice)).into_response())
}

pub async fn move_appointment(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let request = request_from(&pairs);
    let version = value(&pairs, "version").parse().unwrap_or(0);
    match scheduling::reschedule(&state.store, &actor, &state.messages(), &id, version, &request)
        .await
        .map_err(as_store_error)
    {
        Ok(moved) => Ok(Redirect::to(&day_link(&moved, &zone_of(&actor), "Appointment moved")).into_response()),
        Err(e) => {
            let errors = form_errors(e).map_err(store_err(&actor))?;
            let current = state
                .store
                .clinic(&actor)
                .appointment(&id)
                .await
                .map_err(store_err(&actor))?;
            let page = appointment_page(&state, &actor, &current, Some(request), errors).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn booking_link(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let link = myomap_clinic::online_booking::request_link(&state.store, &actor, client, value(&pairs, "therapist"))
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::signed_in(&actor, "clients"),
            title: "Booking link".into(),
            lines: vec![
                "Send this link to the client. It shows the therapist's free times, no sooner than the treatment plan asks for, and books one appointment.".into(),
                format!("It works once and expires on {}.", link.expires_at.to_zoned(myomap_clinic::schedule::zone_of(&actor)).date()),
            ],
            links: vec![crate::pages::record::links::issued(&state, &actor, &link)],
            back: format!("/clients/{id}"),
            back_label: "Back to the client".into(),
        },
    ))
}
