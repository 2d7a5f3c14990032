//! A therapist's working hours: the weekly form's lines and saving them.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_domain::ValidationErrors;
use myomap_schedule::weekday_name;
use myomap_store::{HoursRow, StoreError};

use super::settings::settings_page;
use crate::AppState;
use crate::pages::record::{Pairs, store_err, value};
use crate::pages::{PageActor, PageError, render};
use myomap_clinic::schedule as scheduling;

/// One weekday of the hours form: work from/to and one break.
pub struct HoursLine {
    pub weekday: String,
    pub label: &'static str,
    pub work: (String, String),
    pub pause: (String, String),
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

pub(super) fn hours_lines(rows: &[HoursRow]) -> Vec<HoursLine> {
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
