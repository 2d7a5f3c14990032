//! The calendar's use cases between the faces and the rules: the clinic's
//! zone, a therapist's stored hours as a validated template, reading a
//! requested start time, checking it against the hours, booking (a series
//! at once) and moving with the reminder queued, cancelling with a notice
//! to the client queued in the same transaction, time off, whom a client
//! books with by default, and the iCalendar feed. The API, the pages and
//! the demo data share all of it.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use myomap_domain::ValidationErrors;
use myomap_schedule::{
    AppointmentLength, BlockKind, HoursBlock, IcsEvent, Interval, ScheduleError, SlotRequest, WeeklyHours,
};
use myomap_store::{
    Actor, Appointment, AppointmentStatus, CalendarFeed, ClinicScope, Delivery, HoursRow, NoteRecord, NoteStatus,
    OutboxDraft, PlanStatus, StaffMember, Store, StoredPlan,
};

use crate::messages::{Messages, clinic_signature, signed};
use crate::{ClinicError, Clock, zone_named};

/// How far ahead reminders go out.
const REMINDER_LEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

pub fn zone_of(actor: &Actor) -> TimeZone {
    zone_named(&actor.time_zone)
}

/// Today in the clinic's zone.
pub fn today_at(zone: &TimeZone, clock: &dyn Clock) -> Date {
    clock.now().to_zoned(zone.clone()).date()
}

pub fn invalid(e: &ScheduleError) -> ValidationErrors {
    ValidationErrors::single(e.field(), e.to_string())
}

fn kind_str(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Work => "work",
        BlockKind::Break => "break",
    }
}

/// A template from its stored rows (validated again: rows are data).
pub fn weekly_hours(rows: &[HoursRow]) -> Result<WeeklyHours, ValidationErrors> {
    let mut blocks = Vec::with_capacity(rows.len());
    let mut errors = ValidationErrors::default();
    for (i, row) in rows.iter().enumerate() {
        let at = |part: &str| format!("hours[{i}].{part}");
        let weekday = myomap_schedule::parse_weekday(&at("weekday"), &row.weekday);
        let starts = myomap_schedule::parse_time(&at("starts"), &row.starts);
        let ends = myomap_schedule::parse_time(&at("ends"), &row.ends);
        let kind = match row.kind.as_str() {
            "work" => Some(BlockKind::Work),
            "break" => Some(BlockKind::Break),
            other => {
                errors.add(at("kind"), format!("must be work or break, not \"{other}\""));
                None
            }
        };
        match (weekday, starts, ends, kind) {
            (Ok(weekday), Ok(starts), Ok(ends), Some(kind)) => blocks.push(HoursBlock {
                weekday,
                starts,
                ends,
                kind,
            }),
            (w, s, e, _) => {
                for err in [w.err(), s.err(), e.err()].into_iter().flatten() {
                    errors.add(err.field(), err.to_string());
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    WeeklyHours::new(blocks).map_err(|e| invalid(&e))
}

pub fn hours_rows(hours: &WeeklyHours) -> Vec<HoursRow> {
    hours
        .blocks()
        .iter()
        .map(|b| HoursRow {
            weekday: myomap_schedule::weekday_name(b.weekday).to_lowercase(),
            starts: b.starts.strftime("%H:%M").to_string(),
            ends: b.ends.strftime("%H:%M").to_string(),
            kind: kind_str(b.kind).to_owned(),
        })
        .collect()
}

/// A therapist's template; none stored yet means no open hours.
pub async fn hours_of(scope: &ClinicScope<'_>, therapist_id: &str) -> Result<WeeklyHours, ClinicError> {
    let rows = scope.working_hours(therapist_id).await?;
    weekly_hours(&rows).map_err(ClinicError::Invalid)
}

/// A start time as RFC 3339 with an offset (`2026-03-29T09:00:00+01:00`,
/// `...Z`) or as the clinic's wall clock (`2026-03-29T09:00`). A wall-clock
/// time that the clocks skip is refused rather than guessed.
pub fn parse_start(field: &str, text: &str, zone: &TimeZone) -> Result<Timestamp, ValidationErrors> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let civil: DateTime = text.parse().map_err(|_| {
        ValidationErrors::single(
            field,
            format!("must be a date and time like 2026-03-29T09:00 (clinic time) or with an offset, not \"{text}\""),
        )
    })?;
    let ambiguous = zone.to_ambiguous_zoned(civil);
    if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        return Err(ValidationErrors::single(
            field,
            format!(
                "{text} does not exist in {} (the clocks go forward then)",
                zone.iana_name().unwrap_or("the clinic's zone")
            ),
        ));
    }
    ambiguous
        .compatible()
        .map(|z| z.timestamp())
        .map_err(|e| ValidationErrors::single(field, e.to_string()))
}

pub fn length(field: &str, minutes: u16) -> Result<AppointmentLength, ValidationErrors> {
    AppointmentLength::try_from(minutes).map_err(|e| ValidationErrors::single(field, e.to_string()))
}

/// "Tue 3 Mar 2026, 10:00" in the clinic's zone.
pub fn local_text(ts: Timestamp, zone: &TimeZone) -> String {
    ts.to_zoned(zone.clone()).strftime("%a %-d %b %Y, %H:%M").to_string()
}

pub fn local_time(ts: Timestamp, zone: &TimeZone) -> String {
    ts.to_zoned(zone.clone()).strftime("%H:%M").to_string()
}

pub fn local_date(ts: Timestamp, zone: &TimeZone) -> Date {
    ts.to_zoned(zone.clone()).date()
}

/// The absolute span of one local day (23 or 25 hours across a change).
pub fn day_span(day: Date, zone: &TimeZone) -> (Timestamp, Timestamp) {
    let start = day
        .to_zoned(zone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let end = day
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(zone.clone()).ok())
        .map_or(start, |z: Zoned| z.timestamp());
    (start, end)
}

/// The absolute span of `days` local days from `first` (its own length
/// across clock changes).
pub fn days_span(first: Date, days: u16, zone: &TimeZone) -> (Timestamp, Timestamp) {
    let last = first
        .checked_add(jiff::Span::new().days(i64::from(days.max(1)) - 1))
        .unwrap_or(first);
    (day_span(first, zone).0, day_span(last, zone).1)
}

/// Refuses a time outside the therapist's open hours, naming them.
pub fn check_within_hours(
    field: &str,
    hours: &WeeklyHours,
    zone: &TimeZone,
    interval: &Interval,
) -> Result<(), ValidationErrors> {
    let day = local_date(interval.start, zone);
    let open = hours.open_on(day, zone);
    if open.iter().any(|span| span.contains(interval)) {
        return Ok(());
    }
    let spans = open
        .iter()
        .map(|s| format!("{}–{}", local_time(s.start, zone), local_time(s.end, zone)))
        .collect::<Vec<_>>()
        .join(", ");
    let weekday = myomap_schedule::weekday_name(day.weekday());
    Err(ValidationErrors::single(
        field,
        if spans.is_empty() {
            format!("the therapist does not work on {weekday}s; choose another day")
        } else {
            format!("outside the therapist's hours on {weekday} ({spans}); choose a time inside them")
        },
    ))
}

/// Free slots of a therapist over some days, from the stored appointments.
pub fn free_slots(
    hours: &WeeklyHours,
    zone: &TimeZone,
    busy: &[(Timestamp, Timestamp)],
    first_day: Date,
    days: u16,
    length: AppointmentLength,
    not_before: Timestamp,
) -> Result<Vec<Interval>, ValidationErrors> {
    let busy: Vec<Interval> = busy.iter().filter_map(|(s, e)| Interval::new(*s, *e).ok()).collect();
    let request = SlotRequest {
        first_day,
        days,
        length,
        step_minutes: 15,
        not_before,
    };
    myomap_schedule::free_slots(&request, hours, zone, &busy).map_err(|e| invalid(&e))
}

/// A therapist's free slots over `days` local days from `first_day`: their
/// hours less their appointments and time off, none before now. The one
/// composition behind the API's slot list and the day page's open times.
/// Someone who is not one of the clinic's therapists has no slots to ask
/// for: not found.
pub async fn therapist_free_slots(
    scope: &ClinicScope<'_>,
    clock: &dyn Clock,
    therapist: &str,
    first_day: Date,
    days: u16,
    length: AppointmentLength,
) -> Result<Vec<Interval>, ClinicError> {
    if !scope.therapists().await?.iter().any(|t| t.id == therapist) {
        return Err(ClinicError::NotFound("therapist"));
    }
    let zone = zone_of(scope.actor());
    let (start, end) = days_span(first_day, days, &zone);
    let hours = hours_of(scope, therapist).await?;
    let busy = busy_of(
        &scope.appointments_between(Some(therapist), start, end).await?,
        &scope.time_off_between(Some(therapist), start, end).await?,
    );
    free_slots(&hours, &zone, &busy, first_day, days, length, clock.now()).map_err(ClinicError::Invalid)
}

/// The times a therapist cannot be booked: appointments that hold their
/// time, and time off.
pub fn busy_of(appointments: &[Appointment], time_off: &[myomap_store::TimeOff]) -> Vec<(Timestamp, Timestamp)> {
    appointments
        .iter()
        .filter(|a| a.status.occupies_time())
        .map(|a| (a.starts_at, a.ends_at))
        .chain(time_off.iter().map(|t| (t.starts_at, t.ends_at)))
        .collect()
}

/// The reminder a booking queues: a day before (or at once when the
/// appointment is closer than that), by the relay when there is one.
/// Clients may cancel through their appointment link until this long
/// before the start; the reminder goes out a day before, leaving time.
pub const CLIENT_CANCEL_NOTICE: jiff::SignedDuration = jiff::SignedDuration::from_hours(12);

pub struct ReminderFacts<'a> {
    /// Where client links live (`https://host/c/`): with it the reminder
    /// carries the appointment's own link, to see or cancel it.
    pub link_base: Option<String>,
    pub clinic_name: &'a str,
    pub client_given_name: &'a str,
    pub recipient: Option<String>,
    pub starts_at: Timestamp,
    pub length: AppointmentLength,
    pub therapist_name: &'a str,
}

pub fn reminder(facts: ReminderFacts<'_>, zone: &TimeZone, relay: bool, clock: &dyn Clock) -> Option<OutboxDraft> {
    let ReminderFacts {
        link_base,
        clinic_name,
        client_given_name,
        recipient,
        starts_at: appointment_start,
        length,
        therapist_name,
    } = facts;
    let now = clock.now();
    if appointment_start <= now {
        return None;
    }
    let send_after = appointment_start
        .checked_sub(REMINDER_LEAD)
        .ok()
        .filter(|t| *t > now)
        .unwrap_or(now);
    let when = local_text(appointment_start, zone);
    Some(OutboxDraft {
        kind: "reminder".into(),
        recipient,
        title: format!("{clinic_name}: your appointment on {when}"),
        body: format!(
            "Hello {client_given_name},\n\n\
             This is a reminder of your appointment at {clinic_name}:\n\
             {when}, {} with {therapist_name}.\n\n\
             Please wear comfortable clothing and drink some water beforehand.\n\
             If you cannot come, let the clinic know as early as you can so\n\
             someone else can have the time.\n{}",
            length.label(),
            link_base.map_or_else(String::new, |base| format!(
                "\nTo see or cancel this appointment (online until {} hours before):\n{base}{}\n",
                CLIENT_CANCEL_NOTICE.as_hours(),
                myomap_store::APPOINTMENT_LINK_MARKER
            ))
        ),
        send_after,
        delivery: if relay { Delivery::Relay } else { Delivery::ByHand },
    })
}

/// The message telling a client the clinic cancelled their appointment.
pub fn cancellation_notice(
    actor: &Actor,
    appointment: &myomap_store::Appointment,
    recipient: &myomap_store::Recipient,
    relay: bool,
    now: Timestamp,
) -> OutboxDraft {
    let clinic = &actor.clinic_name;
    let when = local_text(appointment.starts_at, &zone_of(actor));
    OutboxDraft {
        kind: "cancellation".into(),
        recipient: recipient.email.clone(),
        title: format!("{clinic}: your appointment on {when} is cancelled"),
        body: format!(
            "Hello {},\n\n\
             Your appointment at {clinic} on {when} with {} has been cancelled.\n\
             Please contact the clinic to book a new time.\n",
            recipient.given_name, appointment.therapist_name
        ),
        send_after: now,
        delivery: if relay { Delivery::Relay } else { Delivery::ByHand },
    }
}

/// Sets an appointment's status the same way from both faces; cancelling
/// one still to come tells the client (by the relay when `relay`).
pub async fn set_status(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    relay: bool,
    id: &str,
    version: i64,
    status: myomap_store::AppointmentStatus,
) -> Result<myomap_store::Appointment, ClinicError> {
    let signature = clinic_signature(store, actor).await?;
    let now = clock.now();
    Ok(store
        .clinic(actor)
        .set_appointment_status_and_notify(id, version, status, |appointment, recipient| {
            Some(signed(
                cancellation_notice(actor, appointment, recipient, relay, now),
                &signature,
            ))
        })
        .await?)
}

/// Initials only: a calendar feed leaves the clinic's system (phones,
/// cloud calendars), so it names clients as little as possible.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect()
}

/// The feed as of `generated` (its DTSTAMP: with METHOD:PUBLISH that is
/// when this copy of the calendar was made).
pub fn ics_feed(feed: &CalendarFeed, generated: Timestamp) -> String {
    let events: Vec<IcsEvent> = feed
        .appointments
        .iter()
        .filter_map(|a| {
            Some(IcsEvent {
                uid: format!("{}@myomap", a.id),
                interval: Interval::new(a.starts_at, a.ends_at).ok()?,
                summary: format!("{} – {} min", initials(&a.client_name), a.minutes),
                location: a.room_name.clone(),
                description: match a.status {
                    AppointmentStatus::NoShow => Some("No-show".into()),
                    AppointmentStatus::Attended => Some("Attended".into()),
                    _ => None,
                },
                cancelled: a.status == AppointmentStatus::Cancelled,
                updated: generated,
            })
        })
        .collect();
    myomap_schedule::calendar(&format!("{} · {}", feed.therapist_name, feed.clinic_name), &events)
}

/// Reads and records time off typed by staff (API or form).
pub async fn add_time_off(
    scope: &ClinicScope<'_>,
    zone: &TimeZone,
    therapist_id: &str,
    starts_at: &str,
    ends_at: &str,
    reason: &str,
) -> Result<myomap_store::TimeOff, ClinicError> {
    let mut errors = ValidationErrors::default();
    let start = parse_start("starts_at", starts_at, zone)
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let end = parse_start("ends_at", ends_at, zone)
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let reason = reason.trim();
    if reason.chars().count() > 200 {
        errors.add("reason", "at most 200 characters");
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            errors.add("ends_at", "must be after the start");
        } else if end.duration_since(start) > jiff::SignedDuration::from_hours(24 * 366) {
            errors.add("ends_at", "time off is at most a year at a time");
        }
    }
    match (start, end) {
        (Some(start), Some(end)) if errors.is_empty() => {
            Ok(scope.add_time_off(therapist_id, start, end, reason).await?)
        }
        _ => Err(ClinicError::Invalid(errors)),
    }
}

/// A booking or a move as typed by staff (API or form), before checking.
/// (The API documents it with a mirror in its OpenAPI schemas.)
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// The client's id (not needed when moving an appointment).
    #[serde(default)]
    pub client_id: String,
    pub therapist_id: String,
    #[serde(default)]
    pub room_id: Option<String>,
    /// `2026-03-29T09:00` in the clinic's time zone, or RFC 3339 with an offset.
    pub starts_at: String,
    /// 30, 45, 60, 75 or 90.
    pub minutes: u16,
    #[serde(default)]
    pub note: String,
    /// Book even outside the therapist's working hours.
    #[serde(default)]
    pub outside_hours: bool,
    /// Book this many appointments in a series (1–20; default 1), all or
    /// nothing: a plan's sessions in one go.
    #[serde(default)]
    pub repeat: Option<u16>,
    /// Days between the appointments of a series (1–60; default 7), at the
    /// same wall-clock time.
    #[serde(default)]
    pub every_days: Option<u16>,
}

/// Most appointments booked in one series.
pub const MAX_SERIES: u16 = 20;

/// What a booking request names, checked once against the clinic (the
/// therapist, the room, the length, the therapist's hours): every start of
/// a series is then checked against it without asking the store again.
pub struct CheckedBooking {
    therapist: myomap_store::StaffMember,
    room_id: Option<String>,
    length: AppointmentLength,
    /// `None` when the request books outside the hours on purpose.
    hours: Option<WeeklyHours>,
}

impl CheckedBooking {
    /// The request's fields and its first start.
    pub async fn load(
        scope: &ClinicScope<'_>,
        zone: &TimeZone,
        request: &BookingRequest,
    ) -> Result<(CheckedBooking, Timestamp), ClinicError> {
        let mut errors = ValidationErrors::default();
        let length = length("minutes", request.minutes)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let start = parse_start("starts_at", &request.starts_at, zone)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        if request.note.chars().count() > 500 {
            errors.add("note", "at most 500 characters");
        }
        let therapist = scope
            .therapists()
            .await?
            .into_iter()
            .find(|t| t.id == request.therapist_id);
        if therapist.is_none() {
            errors.add("therapist_id", "no therapist of this clinic has this id");
        }
        let room_id = request.room_id.clone().filter(|r| !r.is_empty());
        if let Some(room) = &room_id
            && !scope.rooms().await?.iter().any(|r| &r.id == room)
        {
            errors.add("room_id", "no room of this clinic has this id");
        }
        let (Some(length), Some(start), Some(therapist)) = (length, start, therapist) else {
            return Err(ClinicError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(ClinicError::Invalid(errors));
        }
        let hours = if request.outside_hours {
            None
        } else {
            Some(hours_of(scope, &therapist.id).await?)
        };
        Ok((
            CheckedBooking {
                therapist,
                room_id,
                length,
                hours,
            },
            start,
        ))
    }

    /// The appointment's time starting at `start`, inside the hours.
    pub fn time_at(&self, start: Timestamp, zone: &TimeZone) -> Result<myomap_store::NewTime, ValidationErrors> {
        let interval = Interval::starting_at(start, self.length);
        if let Some(hours) = &self.hours {
            check_within_hours("starts_at", hours, zone, &interval)?;
        }
        Ok(myomap_store::NewTime {
            therapist_id: self.therapist.id.clone(),
            room_id: self.room_id.clone(),
            starts_at: interval.start,
            ends_at: interval.end,
            minutes: self.length.minutes(),
        })
    }

    /// The reminder for an appointment at `start` with this therapist.
    pub fn reminder(
        &self,
        messages: &Messages<'_>,
        actor: &Actor,
        client: &myomap_domain::Client,
        start: Timestamp,
    ) -> Option<OutboxDraft> {
        reminder(
            ReminderFacts {
                link_base: Some(messages.client_link("")),
                clinic_name: &actor.clinic_name,
                client_given_name: &client.given_name,
                recipient: client.email.clone(),
                starts_at: start,
                length: self.length,
                therapist_name: &self.therapist.name,
            },
            &zone_of(actor),
            messages.relay,
            messages.clock,
        )
    }
}

/// The starts of a series: the same wall-clock time every `every_days`
/// days, each read as a typed start would be (a wall time the clocks skip
/// is refused).
fn series_starts(
    request: &BookingRequest,
    first: Timestamp,
    zone: &TimeZone,
) -> Result<Vec<Timestamp>, ValidationErrors> {
    let repeat = request.repeat.unwrap_or(1);
    let every = request.every_days.unwrap_or(7);
    let mut errors = ValidationErrors::default();
    if !(1..=MAX_SERIES).contains(&repeat) {
        errors.add(
            "repeat",
            format!("must be from 1 to {MAX_SERIES} appointments, not {repeat}"),
        );
    }
    if !(1..=60).contains(&every) {
        errors.add("every_days", format!("must be from 1 to 60 days, not {every}"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let wall = first.to_zoned(zone.clone()).datetime();
    (0..usize::from(repeat))
        .map(|k| {
            let days = i64::try_from(k).unwrap_or(0) * i64::from(every);
            let at = wall
                .checked_add(jiff::Span::new().days(days))
                .map_err(|e| ValidationErrors::single("every_days", e.to_string()))?;
            let typed = at.strftime("%Y-%m-%dT%H:%M").to_string();
            parse_start("starts_at", &typed, zone).map_err(|errors| in_series(errors, k + 1, repeat.into(), &typed))
        })
        .collect()
}

/// Errors of one appointment of a series say which one (a single booking's
/// stay as they are).
fn in_series(errors: ValidationErrors, n: usize, count: usize, when: &str) -> ValidationErrors {
    if count == 1 {
        return errors;
    }
    let mut named = ValidationErrors::default();
    for e in errors.0 {
        named.add(e.field, format!("appointment {n} of {count} ({when}): {}", e.message));
    }
    named
}

/// Books for staff: checks every appointment of the request (a series
/// when `repeat` > 1), then books them with their reminders in one
/// transaction.
pub async fn book(
    store: &Store,
    actor: &Actor,
    messages: &Messages<'_>,
    request: &BookingRequest,
) -> Result<Vec<Appointment>, ClinicError> {
    let scope = store.clinic(actor);
    let zone = zone_of(actor);
    let client: myomap_domain::ClientId = request
        .client_id
        .parse()
        .map_err(|_| ClinicError::field("client_id", "must be a client's id (a UUID)"))?;
    let (checked, first) = CheckedBooking::load(&scope, &zone, request).await?;
    let starts = series_starts(request, first, &zone).map_err(ClinicError::Invalid)?;
    let details = scope.get_client(client).await?;
    let signature = clinic_signature(store, actor).await?;
    let count = starts.len();
    let mut series = Vec::with_capacity(count);
    for (n, start) in starts.into_iter().enumerate() {
        let time = checked.time_at(start, &zone).map_err(|errors| {
            let when = start.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
            ClinicError::Invalid(in_series(errors, n + 1, count, &when))
        })?;
        let reminder = checked
            .reminder(messages, actor, &details, time.starts_at)
            .map(|draft| signed(draft, &signature));
        series.push((
            myomap_store::NewAppointment {
                client,
                therapist_id: time.therapist_id,
                room_id: time.room_id,
                starts_at: time.starts_at,
                ends_at: time.ends_at,
                minutes: time.minutes,
                note: request.note.trim().to_owned(),
            },
            reminder,
        ));
    }
    Ok(scope.book_series(&series).await?)
}

/// Moves an appointment for staff, replacing its reminder.
pub async fn reschedule(
    store: &Store,
    actor: &Actor,
    messages: &Messages<'_>,
    id: &str,
    version: i64,
    request: &BookingRequest,
) -> Result<Appointment, ClinicError> {
    let scope = store.clinic(actor);
    let zone = zone_of(actor);
    let current = scope.appointment(id).await?;
    let (checked, start) = CheckedBooking::load(&scope, &zone, request).await?;
    let time = checked.time_at(start, &zone).map_err(ClinicError::Invalid)?;
    let client = scope.get_client(current.client_id).await?;
    let signature = clinic_signature(store, actor).await?;
    let reminder = checked
        .reminder(messages, actor, &client, time.starts_at)
        .map(|draft| signed(draft, &signature));
    Ok(scope.reschedule(id, version, &time, reminder).await?)
}

/// Whom a client books with unless someone chooses otherwise: the therapist
/// of their latest appointment that was not cancelled, else whoever signed
/// their latest note, else whoever wrote their active plan. `None` for a
/// client nobody has treated yet. Only therapists on the staff list count.
pub fn own_therapist<'a>(
    staff: &'a [StaffMember],
    appointments: &[Appointment],
    notes: &[NoteRecord],
    plans: &[StoredPlan],
) -> Option<&'a StaffMember> {
    let by_id = |id: &str| staff.iter().find(|s| s.id == id);
    let by_email = |email: &str| staff.iter().find(|s| s.email == email);
    let booked = appointments
        .iter()
        .filter(|a| a.status != AppointmentStatus::Cancelled)
        .max_by_key(|a| a.starts_at)
        .and_then(|a| by_id(&a.therapist_id));
    let signed = || {
        notes
            .iter()
            .filter(|n| n.status == NoteStatus::Signed)
            .max_by(|a, b| (a.note.date.as_str(), a.created_at).cmp(&(b.note.date.as_str(), b.created_at)))
            .and_then(|n| n.signed_by.as_deref())
            .and_then(by_email)
    };
    let planned = || {
        plans
            .iter()
            .filter(|p| p.status == PlanStatus::Active)
            .max_by_key(|p| p.created_at)
            .and_then(|p| by_email(&p.created_by))
    };
    booked.or_else(signed).or_else(planned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn starts_read_as_clinic_time_or_with_an_offset() {
        let london = zone_named("Europe/London");
        let summer = parse_start("starts_at", "2026-07-01T09:00", &london).unwrap();
        assert_eq!(summer.to_string(), "2026-07-01T08:00:00Z");
        let explicit = parse_start("starts_at", "2026-07-01T09:00:00Z", &london).unwrap();
        assert_eq!(explicit.to_string(), "2026-07-01T09:00:00Z");
        let gap = parse_start("starts_at", "2026-03-29T01:30", &london).unwrap_err();
        assert!(gap.to_string().contains("does not exist"), "{gap}");
        let junk = parse_start("starts_at", "tomorrow", &london).unwrap_err();
        assert_eq!(junk.0[0].field, "starts_at");
    }

    proptest::proptest! {
        /// Any wall-clock minute of 2026 in London reads back as itself,
        /// except the skipped hour, which is refused naming the field; an
        /// RFC 3339 instant reads back exactly.
        #[test]
        fn start_times_read_back_as_typed(minute in 0i64..(365 * 24 * 60), zone_name in proptest::sample::select(vec!["Europe/London", "America/New_York", "UTC"])) {
            let zone = zone_named(zone_name);
            let civil = jiff::civil::date(2026, 1, 1)
                .to_datetime(jiff::civil::Time::midnight())
                .checked_add(jiff::Span::new().minutes(minute))
                .unwrap();
            let typed = civil.strftime("%Y-%m-%dT%H:%M").to_string();
            let in_gap = matches!(zone.to_ambiguous_zoned(civil).offset(), jiff::tz::AmbiguousOffset::Gap { .. });
            match parse_start("starts_at", &typed, &zone) {
                Ok(ts) => {
                    proptest::prop_assert!(!in_gap, "{typed} is skipped by the clocks");
                    proptest::prop_assert_eq!(ts.to_zoned(zone.clone()).datetime(), civil);
                    proptest::prop_assert_eq!(parse_start("starts_at", &ts.to_string(), &zone).unwrap(), ts);
                }
                Err(errors) => {
                    proptest::prop_assert!(in_gap, "{typed}: {errors}");
                    proptest::prop_assert_eq!(errors.0[0].field.as_str(), "starts_at");
                }
            }
        }

        /// Nothing typed makes the reader panic, and every refusal names the field.
        #[test]
        fn any_text_is_read_or_refused_by_name(text in ".{0,40}") {
            if let Err(errors) = parse_start("starts_at", &text, &zone_named("Europe/London")) {
                proptest::prop_assert_eq!(errors.0[0].field.as_str(), "starts_at");
            }
        }
    }

    #[test]
    fn a_day_across_the_clock_change_is_23_or_25_hours() {
        let london = zone_named("Europe/London");
        let (s, e) = day_span("2026-03-29".parse().unwrap(), &london);
        assert_eq!(e.duration_since(s).as_hours(), 23);
        let (s, e) = day_span("2026-10-25".parse().unwrap(), &london);
        assert_eq!(e.duration_since(s).as_hours(), 25);
    }

    #[test]
    fn feeds_name_clients_by_initials() {
        assert_eq!(initials("Ada Byron"), "A.B.");
        assert_eq!(initials("maya  okafor"), "M.O.");
    }

    #[test]
    fn stored_rows_are_validated_with_their_row_number() {
        let rows = vec![HoursRow {
            weekday: "funday".into(),
            starts: "09:00".into(),
            ends: "17:00".into(),
            kind: "work".into(),
        }];
        let err = weekly_hours(&rows).unwrap_err();
        assert_eq!(err.0[0].field, "hours[0].weekday", "{err}");
    }

    #[test]
    fn the_feed_as_a_calendar_app_reads_it() {
        let appointment = |id: &str, start: &str, status, room: Option<&str>| Appointment {
            id: id.into(),
            client_id: "0195f6a0-0000-7000-8000-000000000001".parse().unwrap(),
            client_name: "Ada Lovelace-Byron".into(),
            therapist_id: "t1".into(),
            therapist_name: "Sam Rivera".into(),
            room_id: room.map(|_| "r1".into()),
            room_name: room.map(str::to_owned),
            starts_at: start.parse().unwrap(),
            ends_at: start.parse::<Timestamp>().unwrap() + jiff::SignedDuration::from_mins(60),
            minutes: 60,
            status,
            note: String::new(),
            version: 1,
        };
        let feed = CalendarFeed {
            therapist_name: "Sam Rivera".into(),
            clinic_name: "Harbour Street Clinic, Bristol".into(),
            time_zone: "Europe/London".into(),
            appointments: vec![
                appointment(
                    "a1",
                    "2026-03-27T09:00:00Z",
                    AppointmentStatus::Attended,
                    Some("Room 1"),
                ),
                appointment("a2", "2026-03-30T08:00:00Z", AppointmentStatus::Booked, None),
                appointment(
                    "a3",
                    "2026-03-31T08:00:00Z",
                    AppointmentStatus::Cancelled,
                    Some("Room 2; upstairs"),
                ),
            ],
        };
        let ics = ics_feed(&feed, "2026-03-26T12:00:00Z".parse().unwrap());
        assert!(ics.lines().all(|l| l.len() <= 75), "folded");
        insta::assert_snapshot!(ics.replace("\r\n", "\n"));
    }
}
