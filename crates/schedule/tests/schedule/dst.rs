//! Daylight-saving days: open hours and slots on the clock-change Sundays
//! of 2026 in London and New York.

use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use myomap_schedule::{AppointmentLength, BlockKind, HoursBlock, Interval, SlotRequest, WeeklyHours, free_slots};

/// Sunday 00:30–03:00 (across the change) and 09:00–17:00.
fn sunday_hours() -> WeeklyHours {
    let block = |starts: &str, ends: &str| HoursBlock {
        weekday: Weekday::Sunday,
        starts: starts.parse().unwrap(),
        ends: ends.parse().unwrap(),
        kind: BlockKind::Work,
    };
    WeeklyHours::new(vec![block("00:30", "03:00"), block("09:00", "17:00")]).unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn span(a: &str, b: &str) -> Interval {
    Interval::new(ts(a), ts(b)).unwrap()
}

fn open(zone: &str, day: Date) -> Vec<Interval> {
    sunday_hours().open_on(day, &TimeZone::get(zone).unwrap())
}

fn slots(zone: &str, day: Date, step_minutes: u16) -> Vec<Interval> {
    let request = SlotRequest {
        first_day: day,
        days: 1,
        length: AppointmentLength::try_from(60).unwrap(),
        step_minutes,
        not_before: ts("2026-01-01T00:00:00Z"),
    };
    free_slots(&request, &sunday_hours(), &TimeZone::get(zone).unwrap(), &[]).unwrap()
}

fn wall(zone: &str, t: Timestamp) -> Zoned {
    t.to_zoned(TimeZone::get(zone).unwrap())
}

#[test]
fn london_spring_forward_gap() {
    let spans = open("Europe/London", date(2026, 3, 29));
    assert_eq!(
        spans,
        [
            // 00:30 GMT to 03:00 BST: the lost hour is not worked.
            span("2026-03-29T00:30:00Z", "2026-03-29T02:00:00Z"),
            span("2026-03-29T08:00:00Z", "2026-03-29T16:00:00Z"),
        ]
    );
    assert_eq!(spans[0].minutes(), 90);
    assert_eq!(spans[1].minutes(), 8 * 60);
}

#[test]
fn london_fall_back_fold() {
    let spans = open("Europe/London", date(2026, 10, 25));
    assert_eq!(
        spans,
        [
            // 00:30 BST (the evening before in UTC) to 03:00 GMT.
            span("2026-10-24T23:30:00Z", "2026-10-25T03:00:00Z"),
            span("2026-10-25T09:00:00Z", "2026-10-25T17:00:00Z"),
        ]
    );
    assert_eq!(spans[0].minutes(), 210);
    assert_eq!(spans[1].minutes(), 8 * 60);
}

#[test]
fn new_york_gap_and_fold() {
    let march = open("America/New_York", date(2026, 3, 8));
    assert_eq!(
        march,
        [
            span("2026-03-08T05:30:00Z", "2026-03-08T07:00:00Z"),
            span("2026-03-08T13:00:00Z", "2026-03-08T21:00:00Z"),
        ]
    );
    let november = open("America/New_York", date(2026, 11, 1));
    assert_eq!(
        november,
        [
            span("2026-11-01T04:30:00Z", "2026-11-01T08:00:00Z"),
            span("2026-11-01T14:00:00Z", "2026-11-01T22:00:00Z"),
        ]
    );
    let minutes = |v: &[Interval]| v.iter().map(Interval::minutes).collect::<Vec<_>>();
    assert_eq!(minutes(&march), [90, 480]);
    assert_eq!(minutes(&november), [210, 480]);
}

#[test]
fn block_inside_the_gap_is_dropped_and_breaks_resolve_too() {
    let row = |starts: &str, ends: &str, kind| HoursBlock {
        weekday: Weekday::Sunday,
        starts: starts.parse().unwrap(),
        ends: ends.parse().unwrap(),
        kind,
    };
    let hours = WeeklyHours::new(vec![
        row("01:10", "01:50", BlockKind::Work),
        row("00:00", "01:00", BlockKind::Work),
        row("02:00", "04:00", BlockKind::Work),
        row("02:30", "03:00", BlockKind::Break),
    ])
    .unwrap();
    let london = TimeZone::get("Europe/London").unwrap();
    assert_eq!(
        hours.open_on(date(2026, 3, 29), &london),
        [
            span("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"),
            span("2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"),
            span("2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"),
        ]
    );
}

/// Wall-clock minutes of the day at which `t` starts, in `zone`.
fn wall_minute(zone: &str, t: Timestamp) -> i32 {
    let z = wall(zone, t);
    i32::from(z.hour()) * 60 + i32::from(z.minute())
}

fn check_slots_are_real_hours_on_the_grid(zone: &str, day: Date, step: u16) {
    let found = slots(zone, day, step);
    assert!(!found.is_empty());
    for slot in &found {
        assert_eq!(slot.minutes(), 60, "{zone} {slot:?}");
        assert_eq!(wall(zone, slot.start).date(), day);
        // The grid counts from the start of the slot's block.
        let minute = wall_minute(zone, slot.start);
        let anchor = if minute < 9 * 60 { 30 } else { 9 * 60 };
        assert_eq!((minute - anchor) % i32::from(step), 0, "{slot:?}");
    }
    assert!(found.windows(2).all(|w| w[0].start < w[1].start));
}

#[test]
fn slots_on_change_days_are_60_real_minutes_on_the_grid() {
    for (zone, day) in [
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
    ] {
        for step in [5, 10, 15, 30, 60] {
            check_slots_are_real_hours_on_the_grid(zone, day, step);
        }
    }
}

#[test]
fn london_march_early_block_slots() {
    let early: Vec<String> = slots("Europe/London", date(2026, 3, 29), 15)
        .iter()
        .filter(|s| s.start < ts("2026-03-29T05:00:00Z"))
        .map(|s| {
            format!(
                "{}–{}",
                wall("Europe/London", s.start).strftime("%H:%M"),
                wall("Europe/London", s.end).strftime("%H:%M")
            )
        })
        .collect();
    // 01:00–01:45 do not exist that night; 00:45 GMT plus an hour is 02:45 BST.
    assert_eq!(early, ["00:30–02:30", "00:45–02:45", "02:00–03:00"]);
}

#[test]
fn london_october_early_block_uses_the_repeated_hour() {
    let early: Vec<String> = slots("Europe/London", date(2026, 10, 25), 15)
        .iter()
        .filter(|s| s.start < ts("2026-10-25T05:00:00Z"))
        .map(|s| s.start.strftime("%H:%M").to_string())
        .collect();
    // Every quarter hour of real time from 00:30 BST until the last hour
    // that ends by 03:00 GMT: the 01:xx wall times happen twice.
    assert_eq!(
        early,
        [
            "23:30", "23:45", "00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45", "02:00"
        ]
    );
}

#[test]
fn day_hours_give_the_same_slots_on_change_days() {
    for (zone, day) in [
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
    ] {
        let day_slots: Vec<String> = slots(zone, day, 15)
            .iter()
            .filter(|s| wall(zone, s.start).hour() >= 9)
            .map(|s| wall(zone, s.start).strftime("%H:%M").to_string())
            .collect();
        assert_eq!(day_slots.len(), 29, "{zone} {day}: 09:00 to 16:00 by quarters");
        assert_eq!(day_slots.first().map(String::as_str), Some("09:00"));
        assert_eq!(day_slots.last().map(String::as_str), Some("16:00"));
    }
}
