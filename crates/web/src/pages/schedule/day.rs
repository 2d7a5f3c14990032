//! A therapist's day: the agenda with each client's flags, time off and
//! the free slots to book.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_domain::ClientId;
use myomap_schedule::AppointmentLength;
use myomap_store::{Appointment, AppointmentStatus, StoreError};

use super::{
    AgendaRow, DayParams, agenda_flags, agenda_row, away_line, chosen_therapist, hours_text, options, parse_day,
};
use crate::AppState;
use crate::pages::record::store_err;
use crate::pages::{Layout, PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, day_span, local_time, zone_of};

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
