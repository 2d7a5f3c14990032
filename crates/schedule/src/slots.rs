//! Free appointment slots from working hours, existing bookings and a
//! lead time.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::hours::minute_time;
use crate::wall::occurrences;
use crate::{AppointmentLength, Interval, ScheduleError, WeeklyHours};

/// What to search for: `days` calendar days from `first_day`, slots of
/// `length` whose wall-clock starts are `step_minutes` apart, none starting
/// before `not_before` (typically now plus the clinic's lead time).
#[derive(Clone, Debug)]
pub struct SlotRequest {
    pub first_day: Date,
    /// 1 to 62: about two months, enough for any booking page.
    pub days: u16,
    pub length: AppointmentLength,
    /// A multiple of 5 from 5 to 60.
    pub step_minutes: u16,
    pub not_before: Timestamp,
}

impl SlotRequest {
    /// Checks `days` and `step_minutes`.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if !(1..=62).contains(&self.days) {
            return Err(ScheduleError::Days { days: self.days });
        }
        if !(5..=60).contains(&self.step_minutes) || !self.step_minutes.is_multiple_of(5) {
            return Err(ScheduleError::Step {
                step: self.step_minutes,
            });
        }
        Ok(())
    }
}

/// Free starting points: each slot `[s, s + length)` lies wholly inside one
/// open span of its day (see [`WeeklyHours::open_on`]), overlaps no busy
/// interval, starts at or after `not_before`, and starts at a wall-clock
/// time on the step grid counted from the open span's wall-clock start
/// (span 09:00, step 15: 09:00, 09:15, ...). Sorted, no duplicates.
///
/// Lengths are absolute time, so across a daylight-saving change a
/// 60-minute slot is 60 real minutes. A grid time that does not exist that
/// day (spring-forward gap) offers no slot; one that happens twice
/// (fall-back fold) offers both instants if they fit the span.
pub fn free_slots(
    request: &SlotRequest,
    hours: &WeeklyHours,
    zone: &TimeZone,
    busy: &[Interval],
) -> Result<Vec<Interval>, ScheduleError> {
    request.validate()?;
    let mut slots = Vec::new();
    let mut day = request.first_day;
    for _ in 0..request.days {
        for span in hours.open_spans(day, zone) {
            // Only the busy times that touch this span can block its slots.
            let in_span: Vec<&Interval> = busy.iter().filter(|b| b.overlaps(&span.interval)).collect();
            let grid = (span.from..span.to).step_by(usize::from(request.step_minutes));
            for time in grid.filter_map(minute_time) {
                for start in occurrences(day.to_datetime(time), zone) {
                    let slot = Interval::starting_at(start, request.length);
                    if start >= request.not_before
                        && span.interval.contains(&slot)
                        && !in_span.iter().any(|b| b.overlaps(&slot))
                    {
                        slots.push(slot);
                    }
                }
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    slots.sort();
    slots.dedup();
    Ok(slots)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn request(days: u16, step_minutes: u16, minutes: u16) -> SlotRequest {
        SlotRequest {
            first_day: date(2026, 6, 1),
            days,
            length: AppointmentLength::try_from(minutes).unwrap(),
            step_minutes,
            not_before: "2026-01-01T00:00:00Z".parse().unwrap(),
        }
    }

    fn starts(slots: &[Interval]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.to_zoned(TimeZone::UTC).strftime("%a %H:%M").to_string())
            .collect()
    }

    fn iv(a: &str, b: &str) -> Interval {
        Interval::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    #[test]
    fn request_limits_name_the_field() {
        let hours = WeeklyHours::standard_week();
        let err = |r: SlotRequest| free_slots(&r, &hours, &TimeZone::UTC, &[]).unwrap_err();
        let e = err(request(0, 15, 60));
        assert_eq!(
            (e.to_string().as_str(), e.field()),
            ("days must be from 1 to 62, not 0", "days")
        );
        assert_eq!(
            err(request(63, 15, 60)).to_string(),
            "days must be from 1 to 62, not 63"
        );
        let e = err(request(7, 7, 60));
        assert_eq!(
            (e.to_string().as_str(), e.field()),
            (
                "step_minutes must be a multiple of 5 from 5 to 60, not 7",
                "step_minutes"
            )
        );
        assert!(free_slots(&request(7, 0, 60), &hours, &TimeZone::UTC, &[]).is_err());
        assert!(free_slots(&request(7, 65, 60), &hours, &TimeZone::UTC, &[]).is_err());
        assert!(free_slots(&request(62, 60, 60), &hours, &TimeZone::UTC, &[]).is_ok());
        assert!(free_slots(&request(1, 5, 60), &hours, &TimeZone::UTC, &[]).is_ok());
    }

    #[test]
    fn grid_from_each_span_start_around_the_break() {
        // Monday 2026-06-01: 09:00–12:30 and 13:15–17:00 open.
        let slots = free_slots(&request(1, 30, 60), &WeeklyHours::standard_week(), &TimeZone::UTC, &[]).unwrap();
        assert_eq!(
            starts(&slots),
            [
                "Mon 09:00",
                "Mon 09:30",
                "Mon 10:00",
                "Mon 10:30",
                "Mon 11:00",
                "Mon 11:30",
                "Mon 13:15",
                "Mon 13:45",
                "Mon 14:15",
                "Mon 14:45",
                "Mon 15:15",
                "Mon 15:45",
            ]
        );
        assert!(slots.iter().all(|s| s.minutes() == 60));
    }

    #[test]
    fn busy_and_lead_time_remove_slots() {
        let hours = WeeklyHours::standard_week();
        let mut r = request(2, 30, 90);
        r.not_before = "2026-06-01T15:00:00Z".parse().unwrap();
        let busy = [
            iv("2026-06-02T09:00:00Z", "2026-06-02T10:00:00Z"),
            iv("2026-06-02T14:00:00Z", "2026-06-02T14:30:00Z"),
        ];
        let slots = free_slots(&r, &hours, &TimeZone::UTC, &busy).unwrap();
        assert_eq!(
            starts(&slots),
            [
                // Monday's afternoon grid is 13:15, 13:45, ...; 15:45 would end
                // after 17:00. Tuesday loses what overlaps the busy times; 10:00
                // only touches one and stays free.
                "Mon 15:15",
                "Tue 10:00",
                "Tue 10:30",
                "Tue 11:00",
                "Tue 14:45",
                "Tue 15:15",
            ]
        );
    }

    #[test]
    fn no_hours_no_slots() {
        let slots = free_slots(&request(62, 5, 30), &WeeklyHours::default(), &TimeZone::UTC, &[]).unwrap();
        assert!(slots.is_empty());
    }
}
