//! Online booking through a client's link: the therapist's free slots only,
//! starting no sooner than the client's treatment plan asks for, and one
//! booking per link (the link is used up by the booking's transaction).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use myomap_clinic::schedule::{self as scheduling, ReminderFacts, local_text};
use myomap_clinic::{SystemClock, zone_named};
use myomap_plans::PlanDraft;
use myomap_schedule::{AppointmentLength, Interval, earliest_next_visit};
use myomap_store::{BookingContext, StoreError};

use super::public::link_problem;
use super::{Pairs, value};
use crate::AppState;
use crate::pages::{Layout, MessagePage, render};

/// Days of free slots a booking page offers.
const DAYS_OFFERED: u16 = 14;
/// A client cannot book a slot starting sooner than this.
const LEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

struct DaySlots {
    label: String,
    slots: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "booking_public.html")]
struct BookingPage {
    layout: Layout,
    token: String,
    given_name: String,
    clinic: String,
    therapist: String,
    length_label: String,
    cadence: Option<String>,
    upcoming: Vec<String>,
    days: Vec<DaySlots>,
    problem: Option<String>,
}

/// The slots offered and the length booked, from the link's context.
struct Offer {
    length: AppointmentLength,
    cadence: Option<String>,
    slots: Vec<Interval>,
}

fn offer(ctx: &BookingContext) -> Result<Offer, String> {
    let zone = zone_named(&ctx.time_zone);
    let hours = scheduling::weekly_hours(&ctx.hours)
        .map_err(|_| "Online booking is not set up for this therapist yet; please call the clinic.".to_owned())?;
    let plan: Option<PlanDraft> = ctx.active_plan.clone().and_then(|p| serde_json::from_value(p).ok());
    let length = plan
        .as_ref()
        .and_then(|p| AppointmentLength::try_from(p.session_minutes).ok())
        .unwrap_or(AppointmentLength::try_from(60).map_err(|e| e.to_string())?);
    let today = scheduling::today_at(&zone, &SystemClock);
    let last_visit = ctx.last_visit.as_deref().and_then(|d| d.parse().ok());
    let earliest = plan
        .as_ref()
        .and_then(|p| earliest_next_visit(last_visit, p.interval_days));
    let first_day = earliest.filter(|e| *e > today).unwrap_or(today);
    let cadence = plan.as_ref().map(|p| {
        format!(
            "Your treatment plan sees you about every {} days, so the first day offered is {}.",
            p.interval_days,
            first_day.strftime("%A %-d %B")
        )
    });
    let not_before = Timestamp::now().checked_add(LEAD).unwrap_or_else(|_| Timestamp::now());
    let booked_days: Vec<jiff::civil::Date> = ctx
        .upcoming
        .iter()
        .map(|a| scheduling::local_date(a.starts_at, &zone))
        .collect();
    let slots = scheduling::free_slots(&hours, &zone, &ctx.busy, first_day, DAYS_OFFERED, length, not_before)
        .map_err(|e| e.to_string())?
        .into_iter()
        // Half-hour starts keep the page short on a phone, and a day on
        // which the client is already booked is not offered again.
        .filter(|s| {
            let local = s.start.to_zoned(zone.clone());
            local.minute() % 30 == 0 && !booked_days.contains(&local.date())
        })
        .collect();
    Ok(Offer { length, cadence, slots })
}

fn until() -> Timestamp {
    Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * (i64::from(DAYS_OFFERED) + 70)))
        .unwrap_or_else(|_| Timestamp::now())
}

pub async fn public_open(state: &AppState, token: &str, problem: Option<String>) -> Response {
    let ctx = match state.store.booking_by_link(token, until()).await {
        Ok(ctx) => ctx,
        Err(e) => return link_problem(e),
    };
    let zone = zone_named(&ctx.time_zone);
    let (offer, problem) = match offer(&ctx) {
        Ok(offer) => (Some(offer), problem),
        Err(why) => (None, Some(why)),
    };
    let mut days: Vec<DaySlots> = Vec::new();
    for slot in offer.as_ref().map(|o| o.slots.as_slice()).unwrap_or_default() {
        let local = slot.start.to_zoned(zone.clone());
        let label = local.strftime("%A %-d %B").to_string();
        let entry = (slot.start.to_string(), local.strftime("%H:%M").to_string());
        match days.last_mut() {
            Some(day) if day.label == label => day.slots.push(entry),
            _ => days.push(DaySlots {
                label,
                slots: vec![entry],
            }),
        }
    }
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &BookingPage {
            layout: Layout::anonymous(),
            token: token.to_owned(),
            given_name: ctx.grant.client_given_name.clone(),
            clinic: ctx.grant.clinic_name.clone(),
            therapist: ctx.therapist.name.clone(),
            length_label: offer.as_ref().map(|o| o.length.label()).unwrap_or_default(),
            cadence: offer.as_ref().and_then(|o| o.cadence.clone()),
            upcoming: ctx
                .upcoming
                .iter()
                .map(|a| format!("{} with {}", local_text(a.starts_at, &zone), a.therapist_name))
                .collect(),
            days,
            problem,
        },
    )
}

pub async fn public_book(state: &AppState, token: &str, pairs: &Pairs) -> Response {
    let ctx = match state.store.booking_by_link(token, until()).await {
        Ok(ctx) => ctx,
        Err(e) => return link_problem(e),
    };
    let Ok(start) = value(pairs, "slot").parse::<Timestamp>() else {
        return public_open(state, token, Some("Choose one of the times below.".into())).await;
    };
    let offer = match offer(&ctx) {
        Ok(offer) => offer,
        Err(why) => return public_open(state, token, Some(why)).await,
    };
    // Only a time the page offered: inside the hours, free, and not sooner
    // than the plan's cadence.
    let Some(slot) = offer.slots.iter().find(|s| s.start == start).copied() else {
        return public_open(
            state,
            token,
            Some("That time is not available any more; choose another.".into()),
        )
        .await;
    };
    let zone = zone_named(&ctx.time_zone);
    let messages = state.messages();
    let reminder = scheduling::reminder(
        ReminderFacts {
            link_base: Some(messages.client_link("")),
            clinic_name: &ctx.grant.clinic_name,
            client_given_name: &ctx.grant.client_given_name,
            recipient: ctx.client_email.clone(),
            starts_at: slot.start,
            length: offer.length,
            therapist_name: &ctx.therapist.name,
        },
        &zone,
        messages.relay,
        messages.clock,
    );
    match state
        .store
        .book_via_link(token, slot.start, slot.end, offer.length.minutes(), reminder)
        .await
    {
        Ok(booked) => render(
            StatusCode::OK,
            &MessagePage {
                layout: Layout::anonymous(),
                title: format!("You are booked, {}", ctx.grant.client_given_name),
                lines: vec![
                    format!(
                        "{} with {} ({}).",
                        local_text(booked.starts_at, &zone),
                        ctx.therapist.name,
                        offer.length.label()
                    ),
                    format!(
                        "{} has your booking. If you cannot come, please let them know early.",
                        ctx.grant.clinic_name
                    ),
                ],
                links: Vec::new(),
                back: String::new(),
                back_label: String::new(),
            },
        ),
        Err(StoreError::Conflict(_)) => {
            public_open(
                state,
                token,
                Some("Someone has just taken that time; choose another.".into()),
            )
            .await
        }
        Err(e) => link_problem(e),
    }
}

#[derive(Template)]
#[template(path = "appointment_public.html")]
struct AppointmentPublicPage {
    layout: Layout,
    token: String,
    given_name: String,
    clinic: String,
    when: String,
    with: String,
    length: String,
    room: String,
    can_cancel: bool,
    /// Cancelled, no-show or attended: said instead of offering anything.
    settled: Option<&'static str>,
    notice_hours: i64,
    problem: Option<String>,
}

/// The client's view of one appointment, with a way to cancel it while
/// there is still notice enough.
pub async fn appointment_open(state: &AppState, token: &str, problem: Option<String>) -> Response {
    let (grant, appointment, zone) = match state.store.appointment_by_link(token).await {
        Ok(found) => found,
        Err(e) => return link_problem(e),
    };
    let zone = zone_named(&zone);
    let can_cancel = appointment.status == myomap_store::AppointmentStatus::Booked
        && appointment.starts_at.duration_since(Timestamp::now()) >= scheduling::CLIENT_CANCEL_NOTICE;
    render(
        if problem.is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        },
        &AppointmentPublicPage {
            layout: Layout::anonymous(),
            token: token.to_owned(),
            given_name: grant.client_given_name,
            clinic: grant.clinic_name,
            when: local_text(appointment.starts_at, &zone),
            with: appointment.therapist_name,
            length: format!("{} minutes", appointment.minutes),
            room: appointment.room_name.unwrap_or_default(),
            can_cancel,
            settled: (appointment.status != myomap_store::AppointmentStatus::Booked)
                .then(|| appointment.status.label()),
            notice_hours: scheduling::CLIENT_CANCEL_NOTICE.as_hours(),
            problem,
        },
    )
}

pub async fn appointment_cancel(state: &AppState, token: &str) -> Response {
    match state
        .store
        .cancel_via_link(token, scheduling::CLIENT_CANCEL_NOTICE)
        .await
    {
        Ok((cancelled, zone)) => {
            let zone = zone_named(&zone);
            render(
                StatusCode::OK,
                &MessagePage {
                    layout: Layout::anonymous(),
                    title: "Your appointment is cancelled".into(),
                    lines: vec![
                        format!(
                            "{} with {} is cancelled; the clinic sees it straight away.",
                            local_text(cancelled.starts_at, &zone),
                            cancelled.therapist_name
                        ),
                        "Thank you for letting us know. You can book again through the clinic.".into(),
                    ],
                    links: Vec::new(),
                    back: String::new(),
                    back_label: String::new(),
                },
            )
        }
        Err(StoreError::Conflict(message)) => appointment_open(state, token, Some(message)).await,
        Err(e) => link_problem(e),
    }
}
