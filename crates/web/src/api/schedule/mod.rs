//! The calendar in JSON: staff, rooms, working hours, appointments (book,
//! move, cancel, no-show, attended), free slots, calendar feeds, booking
//! links, and the outbox of messages to clients. This module holds the
//! appointment's JSON shape and the day-span queries several endpoints read.

pub mod appointments;
pub mod clinic;
pub mod feed;
pub mod hours;
pub mod outbox;
pub mod slots;
pub mod time_off;

use axum::http::StatusCode;
use jiff::civil::Date;
use myomap_clinic::SystemClock;
use myomap_store::Appointment;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Problem;
use myomap_clinic::schedule as scheduling;

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

#[derive(Deserialize)]
pub struct RangeParams {
    from: Option<String>,
    days: Option<String>,
    therapist: Option<String>,
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

#[derive(Deserialize)]
pub struct SlotParams {
    from: Option<String>,
    days: Option<String>,
    minutes: Option<String>,
}
