//! Myomap's calendar rules: appointment lengths, a therapist's weekly hours
//! and breaks, free slots, double-booking checks, booking cadence for
//! treatment plans, and iCalendar feeds.
//!
//! Pure computation: no I/O, no async, no clock. The storage and web crates
//! keep appointments and templates and pass "now" in; this crate says what
//! is valid and what is free.
//!
//! # The time model
//!
//! - **Appointments are instants.** Every booking, busy period and slot is
//!   an [`Interval`]: a half-open `[start, end)` of absolute time
//!   ([`jiff::Timestamp`]). Stored and compared that way, two appointments
//!   conflict exactly when they share real time, whatever the clocks did,
//!   and a 60-minute appointment is always 60 real minutes.
//! - **Working hours are wall-clock.** A [`WeeklyHours`] template is rows of
//!   weekday, `HH:MM` start and end, work or break ([`HoursBlock`]), in the
//!   clinic's IANA time zone (`Europe/London`), because "Mondays 09:00 to
//!   17:00" stays true across a clock change. The zone is applied only when
//!   a real date is asked for: [`WeeklyHours::open_on`] turns one day's
//!   work-minus-breaks into intervals.
//! - **Daylight saving.** Wall-clock boundaries become instants by
//!   [`resolve_wall_clock`]. A time that does not exist (the spring-forward
//!   gap, 01:00–02:00 in London on 2026-03-29) moves forward to the first
//!   instant that exists after it, the moment of the change; a time that
//!   happens twice (the fall-back fold, 01:00–02:00 on 2026-10-25) takes
//!   the earlier instant. So 09:00–17:00 is 8 real hours on both days, and
//!   a 00:30–03:00 block is 1.5 real hours in March and 3.5 in October.
//! - **Slots** ([`free_slots`]) start on a wall-clock grid counted from the
//!   start of each open span (09:00, 09:15, ...), so the booking page shows
//!   tidy times; a grid time lost in a gap offers nothing and one repeated
//!   in a fold offers both instants. Each slot is checked in absolute time
//!   against the open span, the busy intervals and the lead time.
//!
//! # Errors
//!
//! One type, [`ScheduleError`]. Messages are written for the person who
//! typed the input ("hours row 2: ends at 09:00, before it starts at
//! 12:00"), and [`ScheduleError::field`] names the field for the web layer.

pub mod cadence;
pub mod error;
pub mod hours;
pub mod ics;
pub mod interval;
pub mod length;
pub mod slots;
pub mod wall;
pub mod week;

pub use cadence::earliest_next_visit;
pub use error::ScheduleError;
pub use hours::{BlockKind, HoursBlock, WeeklyHours, parse_time, parse_weekday, weekday_name};
pub use ics::{IcsEvent, calendar};
pub use interval::{Interval, first_conflict};
pub use length::AppointmentLength;
pub use slots::{SlotRequest, free_slots};
pub use wall::resolve_wall_clock;
pub use week::week_of;
