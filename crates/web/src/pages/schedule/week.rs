//! A therapist's week: each day's hours, appointments and time off.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_schedule::week_of;
use myomap_store::{Appointment, AppointmentStatus};

use super::{AgendaRow, DayParams, agenda_row, away_line, chosen_therapist, hours_text, options, parse_day};
use crate::AppState;
use crate::pages::record::store_err;
use crate::pages::{Layout, PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, day_span, zone_of};

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
