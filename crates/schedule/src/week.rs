//! Calendar weeks, Monday first as in the UK and ISO 8601.

use jiff::civil::Date;

/// Monday of the week containing `date`, and the six days after it, for
/// the week view. At the very edges of the calendar (year -9999 or 9999)
/// days that do not exist repeat the nearest one.
pub fn week_of(date: Date) -> [Date; 7] {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    let monday = date.saturating_sub(jiff::Span::new().days(back));
    let mut days = [monday; 7];
    for (offset, day) in (0i64..).zip(days.iter_mut()) {
        *day = monday.saturating_add(jiff::Span::new().days(offset));
    }
    days
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    #[test]
    fn monday_first_for_every_day_of_a_week() {
        let expected: Vec<Date> = (23..=29).map(|d| date(2026, 3, d)).collect();
        for d in 23..=29 {
            assert_eq!(week_of(date(2026, 3, d)).to_vec(), expected, "March {d}");
        }
        assert_eq!(week_of(date(2026, 3, 29))[0].weekday(), Weekday::Monday);
    }

    #[test]
    fn crosses_month_and_year_ends() {
        let w = week_of(date(2027, 1, 1));
        assert_eq!(w[0], date(2026, 12, 28));
        assert_eq!(w[6], date(2027, 1, 3));
        assert_eq!(week_of(date(2024, 3, 1))[3], date(2024, 2, 29));
    }
}
