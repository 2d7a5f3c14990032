//! Online booking through a client's link: the therapist's free slots
//! only, starting no sooner than the client's treatment plan asks for, on
//! half-hour starts and not on a day the client is already booked; one
//! booking per link (the link is used up by the booking's transaction).

use jiff::Timestamp;
use myomap_domain::ClientId;
use myomap_plans::PlanDraft;
use myomap_schedule::{AppointmentLength, Interval, earliest_next_visit};
use myomap_store::{Actor, Appointment, BookingContext, IssuedLink, Store, StoreError};

use crate::messages::Messages;
use crate::schedule::{ReminderFacts, free_slots, local_date, reminder, today_at, weekly_hours};
use crate::{ClinicError, Clock, zone_named};

/// Days of free slots a booking page offers.
pub const DAYS_OFFERED: u16 = 14;
/// A client cannot book a slot starting sooner than this.
const LEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// The slots offered and the length booked, from the link's context.
pub struct Offer {
    pub length: AppointmentLength,
    /// Why the first day offered is not today, when a plan decides it.
    pub cadence: Option<String>,
    pub slots: Vec<Interval>,
}

/// What the link offers now; a therapist without hours offers nothing and
/// says so.
pub fn offer(ctx: &BookingContext, clock: &dyn Clock) -> Result<Offer, ClinicError> {
    let zone = zone_named(&ctx.time_zone);
    let hours = weekly_hours(&ctx.hours).map_err(|_| {
        ClinicError::Conflict("Online booking is not set up for this therapist yet; please call the clinic.".into())
    })?;
    let plan: Option<PlanDraft> = ctx.active_plan.clone().and_then(|p| serde_json::from_value(p).ok());
    let length = match plan
        .as_ref()
        .and_then(|p| AppointmentLength::try_from(p.session_minutes).ok())
    {
        Some(length) => length,
        None => AppointmentLength::try_from(60).map_err(|e| ClinicError::Internal(e.to_string()))?,
    };
    let today = today_at(&zone, clock);
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
    let now = clock.now();
    let not_before = now.checked_add(LEAD).unwrap_or(now);
    let booked_days: Vec<jiff::civil::Date> = ctx.upcoming.iter().map(|a| local_date(a.starts_at, &zone)).collect();
    let slots = free_slots(&hours, &zone, &ctx.busy, first_day, DAYS_OFFERED, length, not_before)
        .map_err(ClinicError::Invalid)?
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

/// How far ahead the link's context reads the therapist's appointments:
/// past the last day offered, with room for a plan's cadence.
fn until(clock: &dyn Clock) -> Timestamp {
    let now = clock.now();
    now.checked_add(jiff::SignedDuration::from_hours(24 * (i64::from(DAYS_OFFERED) + 70)))
        .unwrap_or(now)
}

/// The booking link's context: the client, the therapist, their hours and
/// what is booked already.
pub async fn open(store: &Store, clock: &dyn Clock, token: &str) -> Result<BookingContext, ClinicError> {
    Ok(store.booking_by_link(token, until(clock)).await?)
}

/// A booking made through the link.
pub struct Booked {
    pub context: BookingContext,
    pub appointment: Appointment,
    pub length: AppointmentLength,
}

/// Why a booking through the link was not made.
#[derive(Debug, thiserror::Error)]
pub enum BookingRefused {
    /// The link cannot book (unknown, used up, expired).
    #[error(transparent)]
    Link(#[from] ClinicError),
    /// The client should choose again, told why, from what is offered now.
    #[error("{0}")]
    ChooseAgain(String),
}

/// Books the slot starting at `slot` (RFC 3339, as the page offered it)
/// if the link still offers it, with its reminder queued.
pub async fn book(store: &Store, messages: &Messages<'_>, token: &str, slot: &str) -> Result<Booked, BookingRefused> {
    let context = open(store, messages.clock, token).await?;
    let Ok(start) = slot.parse::<Timestamp>() else {
        return Err(BookingRefused::ChooseAgain("Choose one of the times below.".into()));
    };
    let offer = offer(&context, messages.clock).map_err(|why| BookingRefused::ChooseAgain(why.to_string()))?;
    // Only a time the page offered: inside the hours, free, and not sooner
    // than the plan's cadence.
    let Some(slot) = offer.slots.iter().find(|s| s.start == start).copied() else {
        return Err(BookingRefused::ChooseAgain(
            "That time is not available any more; choose another.".into(),
        ));
    };
    let reminder = reminder(
        ReminderFacts {
            link_base: Some(messages.client_link("")),
            clinic_name: &context.grant.clinic_name,
            client_given_name: &context.grant.client_given_name,
            recipient: context.client_email.clone(),
            starts_at: slot.start,
            length: offer.length,
            therapist_name: &context.therapist.name,
        },
        &zone_named(&context.time_zone),
        messages.relay,
        messages.clock,
    );
    match store
        .book_via_link(token, slot.start, slot.end, offer.length.minutes(), reminder)
        .await
    {
        Ok(appointment) => Ok(Booked {
            context,
            appointment,
            length: offer.length,
        }),
        Err(StoreError::Conflict(_)) => Err(BookingRefused::ChooseAgain(
            "Someone has just taken that time; choose another.".into(),
        )),
        Err(e) => Err(BookingRefused::Link(e.into())),
    }
}

/// How long a booking link stays open.
pub const LINK_TTL: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 60 * 60);

/// A single-use link for the client to book one appointment with the
/// therapist online.
pub async fn request_link(
    store: &Store,
    actor: &Actor,
    client: ClientId,
    therapist_id: &str,
) -> Result<IssuedLink, ClinicError> {
    Ok(store.clinic(actor).booking_link(client, therapist_id, LINK_TTL).await?)
}
