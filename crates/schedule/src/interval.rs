//! Spans of absolute time and the double-booking check.

use jiff::Timestamp;

use crate::{AppointmentLength, ScheduleError};

/// A half-open span of absolute time `[start, end)`.
///
/// Appointments and open hours are compared as instants, never as wall-clock
/// times, so a daylight-saving change cannot make two bookings look apart
/// when they are not. Half-open so that back-to-back appointments (one ends
/// at 10:00, the next starts at 10:00) do not conflict.
///
/// The fields are public for storage; [`Interval::new`] is the checked way
/// to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Interval {
    /// An interval from `start` to `end`; `end` must be after `start`.
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Interval, ScheduleError> {
        if end > start {
            Ok(Interval { start, end })
        } else {
            Err(ScheduleError::IntervalOrder { start, end })
        }
    }

    /// An appointment of `length` starting at `start`: the end is `start`
    /// plus that many minutes of absolute time, so a 60-minute appointment
    /// over a clock change is still 60 real minutes. At the very end of the
    /// representable range (year 9999) the end saturates there.
    pub fn starting_at(start: Timestamp, length: AppointmentLength) -> Interval {
        let end = start.checked_add(length.duration()).unwrap_or(Timestamp::MAX);
        Interval { start, end }
    }

    /// Whether the two share any instant. Touching ends do not overlap.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this interval.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The length in whole minutes of absolute time (rounded toward zero).
    pub fn minutes(&self) -> i64 {
        self.end.duration_since(self.start).as_mins()
    }
}

/// The first existing interval (with its caller's key) that a candidate
/// overlaps, for refusing double bookings: the caller keys each existing
/// appointment by its id and can name the one in the way.
pub fn first_conflict<'a, K>(candidate: &Interval, existing: &'a [(K, Interval)]) -> Option<&'a (K, Interval)> {
    existing.iter().find(|(_, interval)| candidate.overlaps(interval))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn iv(a: &str, b: &str) -> Interval {
        Interval::new(ts(a), ts(b)).unwrap()
    }

    #[test]
    fn new_requires_end_after_start() {
        let a = ts("2026-03-29T08:00:00Z");
        let err = Interval::new(a, a).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the appointment ends at 2026-03-29T08:00:00Z, which is not after it starts at 2026-03-29T08:00:00Z"
        );
        assert_eq!(err.field(), "starts_at");
        assert!(Interval::new(ts("2026-03-29T09:00:00Z"), a).is_err());
    }

    #[test]
    fn starting_at_counts_absolute_minutes() {
        let sixty = AppointmentLength::try_from(60).unwrap();
        let i = Interval::starting_at(ts("2026-03-29T00:30:00Z"), sixty);
        assert_eq!(i.end, ts("2026-03-29T01:30:00Z"));
        assert_eq!(i.minutes(), 60);
        let end = Interval::starting_at(Timestamp::MAX, sixty);
        assert_eq!(end.end, Timestamp::MAX);
    }

    #[test]
    fn touching_does_not_overlap() {
        let a = iv("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z");
        let b = iv("2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z");
        let c = iv("2026-01-05T09:59:00Z", "2026-01-05T10:30:00Z");
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&a) && b.overlaps(&c));
        assert!(a.overlaps(&a));
    }

    #[test]
    fn contains_is_inclusive_of_ends() {
        let day = iv("2026-01-05T09:00:00Z", "2026-01-05T17:00:00Z");
        assert!(day.contains(&day));
        assert!(day.contains(&iv("2026-01-05T16:00:00Z", "2026-01-05T17:00:00Z")));
        assert!(!day.contains(&iv("2026-01-05T16:30:00Z", "2026-01-05T17:30:00Z")));
    }

    #[test]
    fn first_conflict_names_the_first_overlapping_booking() {
        let existing = [
            ("a", iv("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z")),
            ("b", iv("2026-01-05T10:30:00Z", "2026-01-05T11:30:00Z")),
            ("c", iv("2026-01-05T11:00:00Z", "2026-01-05T12:00:00Z")),
        ];
        let wanted = iv("2026-01-05T10:00:00Z", "2026-01-05T11:15:00Z");
        assert_eq!(first_conflict(&wanted, &existing).map(|(k, _)| *k), Some("b"));
        let free = iv("2026-01-05T10:00:00Z", "2026-01-05T10:30:00Z");
        assert_eq!(first_conflict(&free, &existing), None);
    }
}
