//! Keeping online bookings to a treatment plan's frequency.

use jiff::civil::Date;

/// The earliest day a client may book online, given the day of their last
/// visit (or of the last one already booked) and the plan's interval in
/// days.
///
/// The rule: a client may book up to a quarter of the interval early,
/// rounded down, but never the same day; the gap is
/// `max(1, interval - interval / 4)` days. Weekly (7) gives 6 days, two
/// weeks (14) gives 11, every 2 days stays 2. A quarter keeps room for
/// real life (a Monday client moving to Saturday) without letting a weekly
/// plan become twice a week. No last visit means no constraint: `None`.
/// Dates saturate at the end of the calendar (9999-12-31).
pub fn earliest_next_visit(last_visit: Option<Date>, interval_days: u16) -> Option<Date> {
    let gap = (interval_days - interval_days / 4).max(1);
    let last = last_visit?;
    Some(last.saturating_add(jiff::Span::new().days(i64::from(gap))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn examples_from_the_rule() {
        let last = date(2026, 3, 2);
        let gap = |interval| {
            let next = earliest_next_visit(Some(last), interval).unwrap();
            (next - last).get_days()
        };
        assert_eq!(gap(7), 6);
        assert_eq!(gap(14), 11);
        assert_eq!(gap(2), 2);
        assert_eq!(gap(1), 1);
        assert_eq!(gap(0), 1);
        assert_eq!(gap(3), 3);
        assert_eq!(gap(4), 3);
        assert_eq!(gap(28), 21);
    }

    #[test]
    fn no_last_visit_means_no_constraint() {
        assert_eq!(earliest_next_visit(None, 7), None);
    }

    #[test]
    fn crosses_months_and_saturates() {
        assert_eq!(earliest_next_visit(Some(date(2026, 2, 25)), 7), Some(date(2026, 3, 3)));
        assert_eq!(
            earliest_next_visit(Some(jiff::civil::Date::MAX), 7),
            Some(jiff::civil::Date::MAX)
        );
    }
}
