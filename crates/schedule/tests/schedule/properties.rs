//! Properties of free slots over random templates, bookings, days (the DST
//! weeks of 2026 included) and zones.

use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use myomap_schedule::{AppointmentLength, BlockKind, HoursBlock, Interval, SlotRequest, WeeklyHours, free_slots};
use proptest::prelude::*;

const ZONES: [&str; 4] = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney"];

/// The clock-change days of 2026 in the zones above.
const CHANGES: [(i8, i8); 6] = [(3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1)];

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// A minute of the day on the 5-minute grid, often in the small hours
/// where the clocks change.
fn grid_minute() -> impl Strategy<Value = u16> {
    prop_oneof![(0u16..288).prop_map(|m| m * 5), (0u16..48).prop_map(|m| m * 5)]
}

/// One weekday's rows: up to two work blocks (distinct cut points, so they
/// never overlap; sometimes touching) each with an optional break inside.
fn day_rows(weekday: Weekday) -> impl Strategy<Value = Vec<HoursBlock>> {
    (
        proptest::collection::vec(grid_minute(), 0..=4),
        any::<bool>(),
        proptest::collection::vec(proptest::option::of((0u16..64, 0u16..64)), 2),
    )
        .prop_map(move |(mut cuts, touch, breaks)| {
            cuts.sort_unstable();
            cuts.dedup();
            let mut work: Vec<(u16, u16)> = cuts.chunks_exact(2).map(|c| (c[0], c[1])).collect();
            if touch && work.len() == 2 {
                work[1].0 = work[0].1;
            }
            let mut rows = Vec::new();
            for (&(from, to), brk) in work.iter().zip(&breaks) {
                rows.push(block(weekday, from, to, BlockKind::Work));
                if let Some((a, b)) = brk {
                    let steps = (to - from) / 5;
                    let start = from + (steps * a / 64) * 5;
                    let room = (to - start) / 5;
                    let end = start + 5 + ((room - 1) * b / 64) * 5;
                    rows.push(block(weekday, start, end, BlockKind::Break));
                }
            }
            rows
        })
}

fn block(weekday: Weekday, from: u16, to: u16, kind: BlockKind) -> HoursBlock {
    let t = |m: u16| jiff::civil::time((m / 60) as i8, (m % 60) as i8, 0, 0);
    HoursBlock {
        weekday,
        starts: t(from),
        ends: t(to),
        kind,
    }
}

fn template() -> impl Strategy<Value = Vec<HoursBlock>> {
    WEEK.map(day_rows).prop_map(|days| days.into_iter().flatten().collect())
}

/// A day in 2026, a third of the time in the week before a clock change.
fn first_day() -> impl Strategy<Value = Date> {
    prop_oneof![
        2 => (0i64..365).prop_map(|d| date(2026, 1, 1) + jiff::Span::new().days(d)),
        1 => (proptest::sample::select(CHANGES.to_vec()), 0i64..7)
            .prop_map(|((m, d), back)| date(2026, m, d) - jiff::Span::new().days(back)),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    blocks: Vec<HoursBlock>,
    zone: &'static str,
    request: SlotRequest,
    busy: Vec<Interval>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        template(),
        proptest::sample::select(ZONES.to_vec()),
        first_day(),
        1u16..=9,
        proptest::sample::select(AppointmentLength::ALL.to_vec()),
        proptest::sample::select(vec![5u16, 10, 15, 30]),
        -1440i64..(10 * 1440),
        proptest::collection::vec((0i64..(10 * 1440), 5i64..240), 0..8),
    )
        .prop_map(|(blocks, zone, first_day, days, length, step_minutes, lead, busy)| {
            let midnight = first_day.to_zoned(TimeZone::UTC).unwrap().timestamp();
            let at = |minutes: i64| midnight + SignedDuration::from_mins(minutes);
            Case {
                blocks,
                zone,
                request: SlotRequest {
                    first_day,
                    days,
                    length,
                    step_minutes,
                    not_before: at(lead),
                },
                busy: busy
                    .into_iter()
                    .map(|(start, len)| Interval::new(at(start), at(start + len)).unwrap())
                    .collect(),
            }
        })
}

/// Minutes of the day open by the template on `weekday`, worked out
/// independently of the crate: a minute is open when some work row covers
/// it and no break does.
fn open_minutes(hours: &WeeklyHours, weekday: Weekday) -> [bool; 1440] {
    let mut open = [false; 1440];
    let minute = |t: jiff::civil::Time| usize::from(t.hour() as u8) * 60 + usize::from(t.minute() as u8);
    for kind in [BlockKind::Work, BlockKind::Break] {
        for b in hours.blocks().iter().filter(|b| b.weekday == weekday && b.kind == kind) {
            open[minute(b.starts)..minute(b.ends)].fill(kind == BlockKind::Work);
        }
    }
    open
}

/// Checks (a) to (d) for one result.
fn check_slots(case: &Case, hours: &WeeklyHours, busy: &[Interval], slots: &[Interval]) -> Result<(), TestCaseError> {
    let zone = TimeZone::get(case.zone).unwrap();
    let step = usize::from(case.request.step_minutes);
    let last_day = case.request.first_day + jiff::Span::new().days(i64::from(case.request.days) - 1);
    for slot in slots {
        // (a) no double booking.
        prop_assert!(!busy.iter().any(|b| b.overlaps(slot)), "{slot:?} overlaps busy");
        // (c) lead time.
        prop_assert!(slot.start >= case.request.not_before);
        prop_assert_eq!(slot.minutes(), i64::from(case.request.length.minutes()));
        // (b) inside an open span of its own day, within the requested days.
        let start = slot.start.to_zoned(zone.clone());
        let day = start.date();
        prop_assert!(case.request.first_day <= day && day <= last_day, "{slot:?} on {day}");
        prop_assert!(
            hours.open_on(day, &zone).iter().any(|span| span.contains(slot)),
            "{slot:?} not inside an open span of {day}"
        );
        // ... and on the wall clock: the start is an open minute (in work,
        // outside every break) on the grid counted from its span's start.
        let open = open_minutes(hours, day.weekday());
        let s = usize::from(start.hour() as u8) * 60 + usize::from(start.minute() as u8);
        prop_assert!(open[s], "{slot:?} starts at a closed wall-clock minute");
        let span_start = (0..=s).rev().take_while(|&m| open[m]).last().unwrap();
        prop_assert_eq!(
            (s - span_start) % step,
            0,
            "{:?} off the grid from {}",
            slot,
            span_start
        );
        // When the slot does not cross a clock change, its whole wall-clock
        // span is open minutes; across a change its end instant is checked
        // against the absolute span above instead.
        let end = slot.end.to_zoned(zone.clone());
        if start.offset() == end.offset() {
            prop_assert_eq!(end.date(), day);
            let e = usize::from(end.hour() as u8) * 60 + usize::from(end.minute() as u8);
            prop_assert!((s..e).all(|m| open[m]), "{slot:?} covers a closed wall-clock minute");
        }
    }
    // (d) strictly increasing.
    prop_assert!(slots.windows(2).all(|w| w[0].start < w[1].start));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn generated_templates_are_valid(blocks in template()) {
        prop_assert!(WeeklyHours::new(blocks).is_ok());
    }

    #[test]
    fn slots_are_free_open_on_grid_and_sorted(case in case()) {
        let hours = WeeklyHours::new(case.blocks.clone()).unwrap();
        let zone = TimeZone::get(case.zone).unwrap();
        let slots = free_slots(&case.request, &hours, &zone, &case.busy).unwrap();
        check_slots(&case, &hours, &case.busy, &slots)?;
    }

    #[test]
    fn greedy_booking_never_double_books(case in case()) {
        let hours = WeeklyHours::new(case.blocks.clone()).unwrap();
        let zone = TimeZone::get(case.zone).unwrap();
        let mut busy = case.busy.clone();
        let mut booked: Vec<Interval> = Vec::new();
        for _ in 0..12 {
            let slots = free_slots(&case.request, &hours, &zone, &busy).unwrap();
            check_slots(&case, &hours, &busy, &slots)?;
            let Some(first) = slots.first() else { break };
            booked.push(*first);
            busy.push(*first);
        }
        for (i, a) in booked.iter().enumerate() {
            for b in &booked[i + 1..] {
                prop_assert!(!a.overlaps(b), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn never_panics_and_empty_hours_give_nothing(
        zone in proptest::sample::select(ZONES.to_vec()),
        first_day in first_day(),
        days in 0u16..100,
        step_minutes in 0u16..100,
        length in proptest::sample::select(AppointmentLength::ALL.to_vec()),
        lead in any::<i32>(),
        blocks in template(),
    ) {
        let zone = TimeZone::get(zone).unwrap();
        let request = SlotRequest {
            first_day,
            days,
            length,
            step_minutes,
            not_before: Timestamp::UNIX_EPOCH + SignedDuration::from_secs(i64::from(lead) * 60),
        };
        let valid = (1..=62).contains(&days) && (5..=60).contains(&step_minutes) && step_minutes % 5 == 0;
        let empty = free_slots(&request, &WeeklyHours::default(), &zone, &[]);
        prop_assert_eq!(empty.is_ok(), valid);
        prop_assert!(empty.map(|s| s.is_empty()).unwrap_or(true));
        let hours = WeeklyHours::new(blocks).unwrap();
        prop_assert_eq!(free_slots(&request, &hours, &zone, &[]).is_ok(), valid);
    }
}
