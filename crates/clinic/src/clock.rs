//! Time as an input, so a use case is testable at any instant and "today"
//! is the clinic's day, not the server's.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Where a use case reads the current instant from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A stopped clock, for tests and for replaying a moment.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// A clinic's time zone from its IANA name; an unknown one reads as UTC.
pub fn zone_named(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// The calendar day at `now` in the clinic's time zone (an IANA name).
pub fn today_in(zone: &str, clock: &dyn Clock) -> Date {
    clock.now().to_zoned(zone_named(zone)).date()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn today_is_the_clinic_s_day_not_the_server_s() {
        // 23:30 in Los Angeles is 07:30 the next day in UTC.
        let late_evening = FixedClock("2026-11-26T07:30:00Z".parse().unwrap());
        assert_eq!(
            today_in("America/Los_Angeles", &late_evening),
            jiff::civil::date(2026, 11, 25)
        );
        assert_eq!(today_in("UTC", &late_evening), jiff::civil::date(2026, 11, 26));
        assert_eq!(today_in("Not/AZone", &late_evening), jiff::civil::date(2026, 11, 26));
    }
}
