//! The one error type of the crate. Messages are shown to users as written,
//! so each names the field or row and says what is wrong in plain English;
//! [`ScheduleError::field`] gives the machine name of the field for a 422.

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};

use crate::hours::weekday_name;

/// Why a schedule input was refused.
///
/// The template-row variants carry the row's 0-based `index` and its
/// `field` name (`hours[1].ends`) so the web layer can point at the input.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum ScheduleError {
    /// An appointment length that is not one of the offered types.
    #[error("appointment length must be 30, 45, 60, 75 or 90 minutes, not {minutes}")]
    Length { minutes: u16 },

    /// An interval whose end is not after its start. Reported against
    /// `starts_at`, the field a booking form has (the end follows from it and
    /// the length).
    #[error("the appointment ends at {end}, which is not after it starts at {start}")]
    IntervalOrder { start: Timestamp, end: Timestamp },

    /// Text that is not an `HH:MM` time of day.
    #[error("{field}: \"{text}\" is not a time of day; write it as HH:MM, from 00:00 to 23:59")]
    Time { field: String, text: String },

    /// Text that is not an English weekday name.
    #[error("{field}: \"{text}\" is not a day of the week; write monday to sunday")]
    Weekday { field: String, text: String },

    /// A template time with seconds, or minutes off the 5-minute grid.
    #[error("hours row {}: {edge} at {}, which is not on a 5-minute mark", .index + 1, hhmm(*.time))]
    OffGrid {
        field: String,
        index: usize,
        edge: &'static str,
        time: Time,
    },

    /// A template row that ends before it starts.
    #[error("hours row {}: ends at {}, before it starts at {}", .index + 1, hhmm(*.ends), hhmm(*.starts))]
    EndsBeforeStart {
        field: String,
        index: usize,
        starts: Time,
        ends: Time,
    },

    /// A template row that ends when it starts.
    #[error("hours row {}: starts and ends at {}, so it has no length", .index + 1, hhmm(*.starts))]
    NoLength { field: String, index: usize, starts: Time },

    /// Two work rows on the same weekday that overlap.
    #[error("hours row {}: this {} work block overlaps row {}", .index + 1, weekday_name(*.weekday), .other + 1)]
    Overlap {
        field: String,
        index: usize,
        other: usize,
        weekday: Weekday,
    },

    /// A break row not wholly inside one work row of its weekday.
    #[error("hours row {}: this {} break is not inside a single {} work block", .index + 1, weekday_name(*.weekday), weekday_name(*.weekday))]
    BreakOutsideWork {
        field: String,
        index: usize,
        weekday: Weekday,
    },

    /// A slot search over too few or too many days.
    #[error("days must be from 1 to 62, not {days}")]
    Days { days: u16 },

    /// A slot grid step that is not 5, 10, ... 60 minutes.
    #[error("step_minutes must be a multiple of 5 from 5 to 60, not {step}")]
    Step { step: u16 },
}

impl ScheduleError {
    /// The name of the input field the error concerns, for a web form or a
    /// JSON body: `minutes`, `starts_at`, `days`, `step_minutes`, the field
    /// given to [`parse_time`](crate::parse_time) / [`parse_weekday`](crate::parse_weekday),
    /// or `hours[i].starts` / `hours[i].ends` for a template row. The `i`
    /// there is the 0-based index into the rows passed to
    /// [`WeeklyHours::new`](crate::WeeklyHours::new), like the JSON array
    /// index and as `myomap-plans` numbers `goals[i]`, while the message
    /// counts rows from 1 as a person does (`hours[1].ends` goes with
    /// "hours row 2: ...").
    pub fn field(&self) -> &str {
        match self {
            ScheduleError::Length { .. } => "minutes",
            ScheduleError::IntervalOrder { .. } => "starts_at",
            ScheduleError::Time { field, .. } | ScheduleError::Weekday { field, .. } => field,
            ScheduleError::OffGrid { field, .. }
            | ScheduleError::EndsBeforeStart { field, .. }
            | ScheduleError::NoLength { field, .. }
            | ScheduleError::Overlap { field, .. }
            | ScheduleError::BreakOutsideWork { field, .. } => field,
            ScheduleError::Days { .. } => "days",
            ScheduleError::Step { .. } => "step_minutes",
        }
    }
}

/// A time of day as `HH:MM`, or `HH:MM:SS` when it has seconds, so an
/// off-grid time is shown as it really is.
pub(crate) fn hhmm(time: Time) -> String {
    if time.second() == 0 && time.subsec_nanosecond() == 0 {
        format!("{:02}:{:02}", time.hour(), time.minute())
    } else {
        format!("{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second())
    }
}
