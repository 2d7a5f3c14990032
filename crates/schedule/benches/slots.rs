//! The slot finder over realistic loads: a standard week, one busy
//! therapist (six appointments a day), 14 and 62 days, across the October
//! clock change in London.

#![allow(clippy::unwrap_used)]

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use myomap_schedule::{AppointmentLength, Interval, SlotRequest, WeeklyHours, free_slots};

fn main() {
    divan::main();
}

fn busy(days: i64) -> Vec<Interval> {
    let start: Timestamp = "2026-10-12T08:00:00Z".parse().unwrap();
    (0..days)
        .flat_map(|d| {
            (0..6).map(move |n| {
                let s = start + SignedDuration::from_hours(24 * d) + SignedDuration::from_mins(75 * n);
                Interval::new(s, s + SignedDuration::from_mins(60)).unwrap()
            })
        })
        .collect()
}

#[divan::bench(args = [14, 62])]
fn free_slots_for_days(bencher: divan::Bencher, days: u16) {
    let hours = WeeklyHours::standard_week();
    let zone = TimeZone::get("Europe/London").unwrap();
    let busy = busy(i64::from(days));
    let request = SlotRequest {
        first_day: jiff::civil::date(2026, 10, 12),
        days,
        length: AppointmentLength::try_from(60).unwrap(),
        step_minutes: 15,
        not_before: "2026-10-01T00:00:00Z".parse().unwrap(),
    };
    bencher.bench(|| free_slots(divan::black_box(&request), &hours, &zone, &busy).unwrap());
}
