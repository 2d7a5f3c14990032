//! The calendar pages: a therapist's day (the agenda with each client's
//! flags, free slots to book) and week, the booking form, an appointment
//! with its actions, the calendar settings (hours, rooms, feed, time zone)
//! and the messages waiting in the outbox.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use myomap_clinic::SystemClock;
use myomap_clinic::schedule::{self as scheduling, BookingRequest, day_span, local_time, zone_of};
use myomap_domain::{ClientId, ValidationErrors};
use myomap_plans::PlanDraft;
use myomap_schedule::{AppointmentLength, WeeklyHours, week_of, weekday_name};
use myomap_store::{
    Actor, Appointment, AppointmentStatus, ClinicScope, HoursRow, OutboxMessage, PlanStatus, StaffMember, StoreError,
};
use serde::Deserialize;

use super::record::{Pairs, client_id, store_err, value};
use super::{Layout, MessagePage, PageActor, PageError, as_store_error, render};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct DayParams {
    day: Option<String>,
    therapist: Option<String>,
    notice: Option<String>,
}

pub struct AgendaRow {
    pub id: String,
    pub time: String,
    pub client_id: String,
    pub client_name: String,
    pub minutes: u16,
    pub room: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub flags: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "schedule_day.html")]
struct DayPage {
    layout: Layout,
    day: String,
    day_label: String,
    previous: String,
    next: String,
    therapist_id: String,
    therapist_name: String,
    therapists: Vec<(String, String)>,
    agenda: Vec<AgendaRow>,
    away: Vec<String>,
    free: Vec<(String, String)>,
    open_hours: String,
    zone: String,
    clinical: bool,
}

fn parse_day(text: Option<&str>, zone: &TimeZone) -> Date {
    text.and_then(|d| d.parse().ok())
        .unwrap_or_else(|| scheduling::today_at(zone, &SystemClock))
}

/// The therapist a page is about: the one asked for, else the signed-in
/// person when they treat clients, else the first on the staff.
async fn chosen_therapist(
    scope: &ClinicScope<'_>,
    actor: &Actor,
    asked: Option<&str>,
) -> Result<(StaffMember, Vec<StaffMember>), StoreError> {
    let therapists = scope.therapists().await?;
    let chosen = asked
        .and_then(|id| therapists.iter().find(|t| t.id == id))
        .or_else(|| therapists.iter().find(|t| t.id == actor.user_id.to_string()))
        .or_else(|| therapists.first())
        .cloned()
        .ok_or(StoreError::NotFound("therapist"))?;
    Ok((chosen, therapists))
}

fn options(therapists: &[StaffMember]) -> Vec<(String, String)> {
    therapists.iter().map(|t| (t.id.clone(), t.name.clone())).collect()
}

/// Each client's flags for the agenda: suitability, soreness alerts,
/// plan alerts. Reading them is a read of the clinical record (audited),
/// so only clinical roles get them.
pub(crate) async fn agenda_flags(
    scope: &ClinicScope<'_>,
    clients: &[ClientId],
) -> Result<HashMap<ClientId, Vec<(&'static str, String)>>, StoreError> {
    let flagged = scope.flagged_checkins(myomap_clinic::notes::DASHBOARD_DAYS).await?;
    let mut unique: Vec<ClientId> = clients.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut out = HashMap::new();
    for record in scope.client_records(&unique).await? {
        let client = &record.client.id;
        let mut flags: Vec<(&'static str, String)> = Vec::new();
        match record.intake.as_ref().and_then(|i| i.screening.as_ref()) {
            Some(s) if s.outcome == "refer_first" => {
                // The urgency decides what the front desk does with the
                // booking today, so it is on the agenda, not only the intake.
                let urgency = myomap_clinic::screening::urgency_view(&s.outcome, &s.verdict)
                    .map_or_else(|| "Routine".to_owned(), |u| u.label);
                flags.push(("refer", format!("Refer first ({urgency})")));
            }
            Some(s) if s.outcome == "suitable_with_precautions" => flags.push(("precautions", "Precautions".into())),
            Some(s) if s.outcome == "suitable" => flags.push(("suitable", "Suitable".into())),
            // Never read as suitable: see myomap_clinic::screening.
            Some(s) => flags.push(("refer", myomap_clinic::screening::outcome_label(&s.outcome).into())),
            None => flags.push(("missing", "No intake yet".into())),
        }
        if flagged.iter().any(|f| f.client_id == *client) {
            flags.push(("refer", "Soreness alert".into()));
        }
        for stored in record.plans.iter().filter(|p| p.status == PlanStatus::Active) {
            if let Ok(plan) = serde_json::from_value::<PlanDraft>(stored.plan.clone()) {
                let progress = myomap_clinic::treatment_plans::plan_progress(
                    stored,
                    &plan,
                    &record.notes,
                    &record.assessments,
                    &record.questionnaires,
                );
                for alert in progress.alerts {
                    flags.push((
                        "precautions",
                        match alert {
                            myomap_plans::PlanAlert::ReassessmentDue => "Re-assessment due".into(),
                            myomap_plans::PlanAlert::PlannedSessionsDoneWithoutImprovement => {
                                "Plan done, no improvement".into()
                            }
                            myomap_plans::PlanAlert::PlannedSessionsDone => "Planned sessions done".into(),
                        },
                    ));
                }
            }
        }
        out.insert(*client, flags);
    }
    Ok(out)
}

pub(crate) fn agenda_row(a: &Appointment, zone: &TimeZone, flags: Vec<(&'static str, String)>) -> AgendaRow {
    AgendaRow {
        id: a.id.clone(),
        time: format!("{}–{}", local_time(a.starts_at, zone), local_time(a.ends_at, zone)),
        client_id: a.client_id.to_string(),
        client_name: a.client_name.clone(),
        minutes: a.minutes,
        room: a.room_name.clone().unwrap_or_default(),
        status: a.status.as_str(),
        status_label: a.status.label(),
        flags,
    }
}

/// "Away 09:00–17:00 (holiday)" for the part of the time off on `day`.
fn away_line(t: &myomap_store::TimeOff, day: Date, zone: &TimeZone) -> String {
    let (start, end) = day_span(day, zone);
    let from = if t.starts_at <= start {
        "start of day".to_owned()
    } else {
        local_time(t.starts_at, zone)
    };
    let to = if t.ends_at >= end {
        "end of day".to_owned()
    } else {
        local_time(t.ends_at, zone)
    };
    let span = if t.starts_at <= start && t.ends_at >= end {
        "all day".to_owned()
    } else {
        format!("{from}–{to}")
    };
    if t.reason.is_empty() {
        format!("Away {span}")
    } else {
        format!("Away {span} ({})", t.reason)
    }
}

fn hours_text(hours: &WeeklyHours, day: Date, zone: &TimeZone) -> String {
    let spans: Vec<String> = hours
        .open_on(day, zone)
        .iter()
        .map(|s| format!("{}–{}", local_time(s.start, zone), local_time(s.end, zone)))
        .collect();
    if spans.is_empty() {
        "Not working".into()
    } else {
        spans.join(", ")
    }
}

pub async fn day(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let zone = zone_of(&actor);
    let scope = state.store.clinic(&actor);
    let day = parse_day(params.day.as_deref(), &zone);
    let (therapist, therapists) = chosen_therapist(&scope, &actor, params.therapist.as_deref())
        .await
        .map_err(store_err(&actor))?;
    let (start, end) = day_span(day, &zone);
    let appointments = scope
        .appointments_between(Some(&therapist.id), start, end)
        .await
        .map_err(store_err(&actor))?;
    let time_off = scope
        .time_off_between(Some(&therapist.id), start, end)
        .await
        .map_err(store_err(&actor))?;
    let away = time_off.iter().map(|t| away_line(t, day, &zone)).collect();
    let clinical = actor.role.reads_clinical_record();
    let shown: Vec<&Appointment> = appointments
        .iter()
        .filter(|a| a.status != AppointmentStatus::Cancelled)
        .collect();
    let mut flags = if clinical {
        let ids: Vec<ClientId> = shown.iter().map(|a| a.client_id).collect();
        agenda_flags(&scope, &ids).await.map_err(store_err(&actor))?
    } else {
        HashMap::new()
    };
    let agenda = shown
        .iter()
        .map(|a| agenda_row(a, &zone, flags.remove(&a.client_id).unwrap_or_default()))
        .collect();
    let hours = scheduling::hours_of(&scope, &therapist.id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let length = AppointmentLength::try_from(60).map_err(|e| store_err(&actor)(StoreError::Internal(e.to_string())))?;
    let free = scheduling::free_slots(
        &hours,
        &zone,
        &scheduling::busy_of(&appointments, &time_off),
        day,
        1,
        length,
        jiff::Timestamp::now(),
    )
    .unwrap_or_default()
    .into_iter()
    .filter(|s| s.start.to_zoned(zone.clone()).minute() % 30 == 0)
    .map(|s| {
        (
            s.start.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string(),
            local_time(s.start, &zone),
        )
    })
    .collect();
    let mut layout = Layout::signed_in(&actor, "schedule");
    layout.notice = params.notice.filter(|n| !n.is_empty());
    let page = DayPage {
        layout,
        day: day.to_string(),
        day_label: day.strftime("%A %-d %B %Y").to_string(),
        previous: day.yesterday().unwrap_or(day).to_string(),
        next: day.tomorrow().unwrap_or(day).to_string(),
        therapist_id: therapist.id.clone(),
        therapist_name: therapist.name.clone(),
        therapists: options(&therapists),
        agenda,
        away,
        free,
        open_hours: hours_text(&hours, day, &zone),
        zone: actor.time_zone.clone(),
        clinical,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One line of a week column, in time order: an appointment or time off.
pub struct WeekEntry {
    pub at: jiff::Timestamp,
    pub row: Option<AgendaRow>,
    pub away: Option<String>,
}

pub struct WeekDay {
    pub date: String,
    pub label: String,
    pub hours: String,
    pub entries: Vec<WeekEntry>,
}

#[derive(Template)]
#[template(path = "schedule_week.html")]
struct WeekPage {
    layout: Layout,
    therapist_id: String,
    therapist_name: String,
    therapists: Vec<(String, String)>,
    week_label: String,
    previous: String,
    next: String,
    days: Vec<WeekDay>,
    booked_minutes: u32,
}

pub async fn week(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let zone = zone_of(&actor);
    let scope = state.store.clinic(&actor);
    let days = week_of(parse_day(params.day.as_deref(), &zone));
    let (therapist, therapists) = chosen_therapist(&scope, &actor, params.therapist.as_deref())
        .await
        .map_err(store_err(&actor))?;
    let (start, end) = scheduling::days_span(days[0], 7, &zone);
    let appointments = scope
        .appointments_between(Some(&therapist.id), start, end)
        .await
        .map_err(store_err(&actor))?;
    let hours = scheduling::hours_of(&scope, &therapist.id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let time_off = scope
        .time_off_between(Some(&therapist.id), start, end)
        .await
        .map_err(store_err(&actor))?;
    let shown: Vec<&Appointment> = appointments
        .iter()
        .filter(|a| a.status != AppointmentStatus::Cancelled)
        .collect();
    let booked_minutes = shown.iter().map(|a| u32::from(a.minutes)).sum();
    let week_days = days
        .iter()
        .map(|d| WeekDay {
            date: d.to_string(),
            label: d.strftime("%a %-d %b").to_string(),
            hours: hours_text(&hours, *d, &zone),
            entries: {
                let (day_start, day_end) = day_span(*d, &zone);
                let mut entries: Vec<WeekEntry> = time_off
                    .iter()
                    .filter(|t| t.starts_at < day_end && t.ends_at > day_start)
                    .map(|t| WeekEntry {
                        at: t.starts_at.max(day_start),
                        row: None,
                        away: Some(away_line(t, *d, &zone)),
                    })
                    .chain(
                        shown
                            .iter()
                            .filter(|a| scheduling::local_date(a.starts_at, &zone) == *d)
                            .map(|a| WeekEntry {
                                at: a.starts_at,
                                row: Some(agenda_row(a, &zone, Vec::new())),
                                away: None,
                            }),
                    )
                    .collect();
                entries.sort_by_key(|e| e.at);
                entries
            },
        })
        .collect();
    let page = WeekPage {
        layout: Layout::signed_in(&actor, "schedule"),
        therapist_id: therapist.id.clone(),
        therapist_name: therapist.name.clone(),
        therapists: options(&therapists),
        week_label: format!("{} – {}", days[0].strftime("%-d %b"), days[6].strftime("%-d %b %Y")),
        previous: days[0]
            .checked_sub(jiff::Span::new().days(7))
            .unwrap_or(days[0])
            .to_string(),
        next: days[0]
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(days[0])
            .to_string(),
        days: week_days,
        booked_minutes,
    };
    Ok(render(StatusCode::OK, &page))
}

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
        outside_hours: super::record::checked(pairs, "outside_hours"),
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
        super::percent_encode(notice)
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

/// One weekday of the hours form: work from/to and one break.
pub struct HoursLine {
    pub weekday: String,
    pub label: &'static str,
    pub work: (String, String),
    pub pause: (String, String),
}

#[derive(Template)]
#[template(path = "schedule_settings.html")]
struct SettingsPage {
    layout: Layout,
    therapist_id: String,
    therapist_name: String,
    therapists: Vec<(String, String)>,
    lines: Vec<HoursLine>,
    rooms: Vec<String>,
    zone: String,
    owner: bool,
    errors: ValidationErrors,
    csrf: String,
    /// (id, span, reason) of upcoming time off.
    time_off: Vec<(String, String, String)>,
    typed_off: (String, String, String),
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn hours_lines(rows: &[HoursRow]) -> Vec<HoursLine> {
    WEEKDAYS
        .iter()
        .map(|day| {
            let pick = |kind: &str| {
                rows.iter()
                    .find(|r| r.weekday == *day && r.kind == kind)
                    .map(|r| (r.starts.clone(), r.ends.clone()))
                    .unwrap_or_default()
            };
            HoursLine {
                weekday: (*day).to_owned(),
                label: weekday_label(day),
                work: pick("work"),
                pause: pick("break"),
            }
        })
        .collect()
}

fn weekday_label(day: &str) -> &'static str {
    myomap_schedule::parse_weekday("weekday", day).map_or("", weekday_name)
}

async fn settings_page(
    state: &AppState,
    actor: &Actor,
    therapist: Option<&str>,
    typed: Option<Vec<HoursLine>>,
    errors: ValidationErrors,
) -> Result<SettingsPage, PageError> {
    let scope = state.store.clinic(actor);
    let (chosen, therapists) = chosen_therapist(&scope, actor, therapist)
        .await
        .map_err(store_err(actor))?;
    let lines = match typed {
        Some(lines) => lines,
        None => hours_lines(&scope.working_hours(&chosen.id).await.map_err(store_err(actor))?),
    };
    Ok(SettingsPage {
        layout: Layout::signed_in(actor, "schedule"),
        therapist_id: chosen.id.clone(),
        therapist_name: chosen.name.clone(),
        therapists: options(&therapists),
        lines,
        rooms: scope
            .rooms()
            .await
            .map_err(store_err(actor))?
            .into_iter()
            .map(|r| r.name)
            .collect(),
        zone: actor.time_zone.clone(),
        owner: actor.role == myomap_domain::Role::Owner,
        errors,
        csrf: actor.csrf_token.clone(),
        time_off: {
            let zone = zone_of(actor);
            let now = jiff::Timestamp::now();
            let until = now
                .checked_add(jiff::SignedDuration::from_hours(24 * 400))
                .unwrap_or(now);
            scope
                .time_off_between(Some(&chosen.id), now, until)
                .await
                .map_err(store_err(actor))?
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        format!(
                            "{} – {}",
                            scheduling::local_text(t.starts_at, &zone),
                            scheduling::local_text(t.ends_at, &zone)
                        ),
                        t.reason.clone(),
                    )
                })
                .collect()
        },
        typed_off: Default::default(),
    })
}

pub async fn settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let mut page = settings_page(
        &state,
        &actor,
        params.therapist.as_deref(),
        None,
        ValidationErrors::default(),
    )
    .await?;
    page.layout.notice = params.notice.filter(|n| !n.is_empty());
    Ok(render(StatusCode::OK, &page))
}

pub async fn save_hours(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let therapist = value(&pairs, "therapist").to_owned();
    let lines: Vec<HoursLine> = WEEKDAYS
        .iter()
        .map(|day| {
            let field = |part: &str| value(&pairs, &format!("{day}_{part}")).trim().to_owned();
            HoursLine {
                weekday: (*day).to_owned(),
                label: weekday_label(day),
                work: (field("work_starts"), field("work_ends")),
                pause: (field("break_starts"), field("break_ends")),
            }
        })
        .collect();
    let mut rows = Vec::new();
    for line in &lines {
        for (kind, (starts, ends)) in [("work", &line.work), ("break", &line.pause)] {
            if !starts.is_empty() || !ends.is_empty() {
                rows.push(HoursRow {
                    weekday: line.weekday.clone(),
                    starts: starts.clone(),
                    ends: ends.clone(),
                    kind: kind.to_owned(),
                });
            }
        }
    }
    let checked = scheduling::weekly_hours(&rows);
    let saved = match checked {
        Ok(hours) => state
            .store
            .clinic(&actor)
            .set_working_hours(&therapist, &scheduling::hours_rows(&hours))
            .await
            .map_err(|e| match e {
                StoreError::Invalid(errors) => Ok(errors),
                other => Err(other),
            }),
        Err(errors) => Err(Ok(errors)),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!(
            "/schedule/settings?therapist={therapist}&notice=Working+hours+saved"
        ))
        .into_response()),
        Err(Ok(errors)) => {
            // Name the weekday rather than the row number of a form the
            // person never saw as rows.
            let mut named = ValidationErrors::default();
            for e in errors.0 {
                let row = e
                    .field
                    .strip_prefix("hours[")
                    .and_then(|r| r.split_once(']'))
                    .and_then(|(i, _)| i.parse::<usize>().ok())
                    .and_then(|i| rows.get(i));
                let message = e.message.split_once(": ").map_or(e.message.as_str(), |(_, m)| m);
                match row {
                    Some(r) => named.add("hours", format!("{} {}: {message}", weekday_label(&r.weekday), r.kind)),
                    None => named.add("hours", e.message.clone()),
                }
            }
            let page = settings_page(&state, &actor, Some(&therapist), Some(lines), named).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(Err(e)) => Err(store_err(&actor)(e)),
    }
}

pub async fn add_room(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let name = value(&pairs, "name").trim();
    let refused = if name.is_empty() || name.chars().count() > 60 {
        Some("A room needs a name of 1 to 60 characters.".to_owned())
    } else {
        match state.store.clinic(&actor).add_room(name).await {
            Ok(_) => None,
            Err(StoreError::Conflict(m)) => Some(m),
            Err(e) => return Err(store_err(&actor)(e)),
        }
    };
    match refused {
        None => Ok(Redirect::to("/schedule/settings?notice=Room+added").into_response()),
        Some(message) => {
            let page = settings_page(&state, &actor, None, None, ValidationErrors::single("room", message)).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn set_time_zone(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let zone = value(&pairs, "time_zone").trim();
    if TimeZone::get(zone).is_err() {
        let page = settings_page(
            &state,
            &actor,
            None,
            None,
            ValidationErrors::single(
                "time_zone",
                format!("\"{zone}\" is not a time zone name; use one like Europe/London or America/New_York"),
            ),
        )
        .await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    state
        .store
        .clinic(&actor)
        .set_time_zone(zone)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/schedule/settings?notice=Time+zone+saved").into_response())
}

pub async fn renew_feed(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let therapist = value(&pairs, "therapist");
    let token = state
        .store
        .clinic(&actor)
        .renew_calendar_feed(therapist)
        .await
        .map_err(store_err(&actor))?;
    Ok(render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::signed_in(&actor, "schedule"),
            title: "Calendar feed".into(),
            lines: vec![
                "Subscribe to this address in a calendar app (it is shown once; any older address stops working)."
                    .into(),
                "Clients appear by their initials only.".into(),
            ],
            links: vec![super::record::links::ShownLink {
                label: "iCalendar feed".into(),
                url: crate::api::schedule::feed_url(&state.config.public_url, &token),
                expires: "Works until it is renewed".into(),
                email: None,
            }],
            back: format!("/schedule/settings?therapist={therapist}"),
            back_label: "Back to calendar settings".into(),
        },
    ))
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
            links: vec![super::record::links::issued(&state, &actor, &link)],
            back: format!("/clients/{id}"),
            back_label: "Back to the client".into(),
        },
    ))
}

pub struct MessageRow {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub title: String,
    pub body: String,
    pub recipient: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub when: String,
    pub attempts: i64,
    pub last_error: String,
    pub needs_attention: bool,
    pub can_retry: bool,
    /// Sending it by hand is offered where the relay will not send it: no
    /// relay on this server, no address for the client, or it failed.
    pub can_mark_sent: bool,
    /// Where a section begins: "Needs you", "Going out" or "Sent".
    pub group_heading: Option<&'static str>,
    /// Where a day begins within a section: the clinic-local day it is due
    /// (or went out).
    pub day_heading: Option<String>,
}

/// Messages in the order the front desk works through them: what needs
/// someone first, then what is still to go out, soonest first in both, and
/// what went out last, newest first.
fn message_rows(messages: &[OutboxMessage], zone: &TimeZone, relay: bool) -> Vec<MessageRow> {
    let mut ordered: Vec<&OutboxMessage> = messages.iter().collect();
    let rank = |m: &OutboxMessage| match m.status {
        _ if m.status.needs_attention() => 0,
        myomap_store::OutboxStatus::Queued => 1,
        _ => 2,
    };
    ordered.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| {
            if rank(a) == 2 {
                b.sent_at
                    .unwrap_or(b.send_after)
                    .cmp(&a.sent_at.unwrap_or(a.send_after))
            } else {
                a.send_after.cmp(&b.send_after)
            }
        })
    });
    let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    let mut previous: Option<(usize, String)> = None;
    ordered
        .into_iter()
        .map(|m| {
            let mut row = message_row(m, zone, relay);
            let date = m.sent_at.unwrap_or(m.send_after).to_zoned(zone.clone()).date();
            let group = rank(m);
            let day = if date == today {
                "Today".to_owned()
            } else if Some(date) == today.tomorrow().ok() {
                "Tomorrow".to_owned()
            } else if Some(date) == today.yesterday().ok() {
                "Yesterday".to_owned()
            } else {
                date.strftime("%A %-d %B %Y").to_string()
            };
            let new_group = previous.as_ref().is_none_or(|(g, _)| *g != group);
            let new_day = new_group || previous.as_ref().is_none_or(|(_, d)| *d != day);
            row.group_heading = new_group.then_some(["Needs you", "Going out", "Sent"][group]);
            row.day_heading = new_day.then(|| day.clone());
            previous = Some((group, day));
            row
        })
        .collect()
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<MessageRow>,
    relay: bool,
    csrf: String,
}

fn message_row(m: &OutboxMessage, zone: &TimeZone, relay: bool) -> MessageRow {
    MessageRow {
        id: m.id.clone(),
        client_id: m.client_id.map(|id| id.to_string()).unwrap_or_default(),
        client_name: m.client_name.clone(),
        title: m.title.clone(),
        body: m.body.clone(),
        recipient: m.recipient.clone().unwrap_or_default(),
        status: m.status.as_str(),
        status_label: m.status.label(),
        when: scheduling::local_text(m.sent_at.unwrap_or(m.send_after), zone),
        attempts: m.attempts,
        last_error: m.last_error.clone().unwrap_or_default(),
        needs_attention: m.status.needs_attention(),
        can_mark_sent: match m.status {
            myomap_store::OutboxStatus::ByHand | myomap_store::OutboxStatus::Failed => true,
            myomap_store::OutboxStatus::Queued => !relay || m.recipient.is_none(),
            myomap_store::OutboxStatus::Sent | myomap_store::OutboxStatus::Cancelled => false,
        },
        group_heading: None,
        day_heading: None,
        can_retry: relay
            && m.recipient.is_some()
            && matches!(
                m.status,
                myomap_store::OutboxStatus::Failed | myomap_store::OutboxStatus::Queued
            ),
    }
}

pub async fn outbox(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let zone = zone_of(&actor);
    let relay = state.config.mailer.is_some();
    let messages = state
        .store
        .clinic(&actor)
        .outbox(false, 200)
        .await
        .map_err(store_err(&actor))?;
    let mut layout = Layout::signed_in(&actor, "messages");
    layout.notice = params.notice.filter(|n| !n.is_empty());
    Ok(render(
        StatusCode::OK,
        &OutboxPage {
            layout,
            messages: message_rows(&messages, &zone, relay),
            relay,
            csrf: actor.csrf_token.clone(),
        },
    ))
}

pub async fn message_sent(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .mark_sent_by_hand(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/messages?notice=Marked+as+sent").into_response())
}

pub async fn message_retry(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .retry_message(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/messages?notice=Queued+again").into_response())
}

pub async fn add_time_off(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let therapist = value(&pairs, "therapist").to_owned();
    let (starts, ends, reason) = (
        value(&pairs, "off_starts"),
        value(&pairs, "off_ends"),
        value(&pairs, "off_reason"),
    );
    let scope = state.store.clinic(&actor);
    match scheduling::add_time_off(&scope, &zone_of(&actor), &therapist, starts, ends, reason)
        .await
        .map_err(as_store_error)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/schedule/settings?therapist={therapist}&notice=Time+off+saved"
        ))
        .into_response()),
        Err(e) => {
            let errors = match e {
                StoreError::Invalid(errors) => {
                    let mut named = ValidationErrors::default();
                    for e in errors.0 {
                        named.add("time_off", e.message);
                    }
                    named
                }
                StoreError::Conflict(m) | StoreError::Forbidden(m) => ValidationErrors::single("time_off", m),
                other => return Err(store_err(&actor)(other)),
            };
            let mut page = settings_page(&state, &actor, Some(&therapist), None, errors).await?;
            page.typed_off = (starts.to_owned(), ends.to_owned(), reason.to_owned());
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn remove_time_off(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .remove_time_off(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to(&format!(
        "/schedule/settings?therapist={}&notice=Time+off+removed",
        value(&pairs, "therapist")
    ))
    .into_response())
}
