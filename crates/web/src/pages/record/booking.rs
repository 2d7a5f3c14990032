//! Online booking through a client's link: the therapist's free slots only,
//! starting no sooner than the client's treatment plan asks for, and one
//! booking per link (the link is used up by the booking's transaction).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use myomap_clinic::online_booking::{self, Booked, BookingRefused};
use myomap_clinic::schedule::{self as scheduling, local_text};
use myomap_clinic::{SystemClock, zone_named};
use myomap_store::StoreError;

use super::public::{link_problem, use_case_problem};
use super::{Pairs, value};
use crate::AppState;
use crate::pages::{Layout, MessagePage, render};

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

pub async fn public_open(state: &AppState, token: &str, problem: Option<String>) -> Response {
    let ctx = match online_booking::open(&state.store, &SystemClock, token).await {
        Ok(ctx) => ctx,
        Err(e) => return use_case_problem(e),
    };
    let zone = zone_named(&ctx.time_zone);
    let (offer, problem) = match online_booking::offer(&ctx, &SystemClock) {
        Ok(offer) => (Some(offer), problem),
        Err(why) => (None, Some(why.to_string())),
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
    match online_booking::book(&state.store, &state.messages(), token, value(pairs, "slot")).await {
        Ok(Booked {
            context,
            appointment,
            length,
        }) => render(
            StatusCode::OK,
            &MessagePage {
                layout: Layout::anonymous(),
                title: format!("You are booked, {}", context.grant.client_given_name),
                lines: vec![
                    format!(
                        "{} with {} ({}).",
                        local_text(appointment.starts_at, &zone_named(&context.time_zone)),
                        context.therapist.name,
                        length.label()
                    ),
                    format!(
                        "{} has your booking. If you cannot come, please let them know early.",
                        context.grant.clinic_name
                    ),
                ],
                links: Vec::new(),
                back: String::new(),
                back_label: String::new(),
            },
        ),
        Err(BookingRefused::ChooseAgain(why)) => public_open(state, token, Some(why)).await,
        Err(BookingRefused::Link(e)) => use_case_problem(e),
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
