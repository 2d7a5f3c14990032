//! A therapist's weekly template of working hours and breaks, and the open
//! spans it gives on a calendar day.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

use crate::error::hhmm;
use crate::{Interval, ScheduleError, resolve_wall_clock};

/// Whether a template row is time the therapist works or a break inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Work,
    Break,
}

/// One row of a therapist's weekly template, in wall-clock time.
///
/// Wall-clock because that is how a clinic thinks of its hours ("Mondays
/// 09:00 to 17:00" stays true across a clock change); the zone is the
/// clinic's and is applied only when a real day is asked for. JSON:
/// `{"weekday":"monday","starts":"09:00","ends":"17:00","kind":"work"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursBlock {
    #[serde(with = "weekday_text")]
    pub weekday: Weekday,
    #[serde(with = "time_text")]
    pub starts: Time,
    #[serde(with = "time_text")]
    pub ends: Time,
    pub kind: BlockKind,
}

/// A validated weekly template: work blocks on one weekday do not overlap
/// (they may touch); each break lies inside one work block; each row starts
/// before it ends; times are whole minutes on a 5-minute mark.
///
/// JSON is the list of rows, checked by [`WeeklyHours::new`] when read.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<HoursBlock>", into = "Vec<HoursBlock>")]
pub struct WeeklyHours {
    blocks: Vec<HoursBlock>,
}

impl WeeklyHours {
    /// Checks a template. Errors name the row, counted from 1 in the order
    /// given, and the problem; the first problem found is reported.
    pub fn new(blocks: Vec<HoursBlock>) -> Result<WeeklyHours, ScheduleError> {
        for (index, block) in blocks.iter().enumerate() {
            check_row(index, block)?;
        }
        for (index, block) in blocks.iter().enumerate() {
            match block.kind {
                BlockKind::Work => {
                    let earlier = blocks[..index].iter().position(|other| {
                        other.kind == BlockKind::Work
                            && other.weekday == block.weekday
                            && other.starts < block.ends
                            && block.starts < other.ends
                    });
                    if let Some(other) = earlier {
                        return Err(ScheduleError::Overlap {
                            field: format!("hours[{index}].starts"),
                            index,
                            other,
                            weekday: block.weekday,
                        });
                    }
                }
                BlockKind::Break => {
                    let inside = blocks.iter().any(|work| {
                        work.kind == BlockKind::Work
                            && work.weekday == block.weekday
                            && work.starts <= block.starts
                            && block.ends <= work.ends
                    });
                    if !inside {
                        return Err(ScheduleError::BreakOutsideWork {
                            field: format!("hours[{index}].starts"),
                            index,
                            weekday: block.weekday,
                        });
                    }
                }
            }
        }
        let mut blocks = blocks;
        blocks.sort_by_key(|b| {
            let kind = matches!(b.kind, BlockKind::Break);
            (b.weekday.to_monday_zero_offset(), b.starts, kind, b.ends)
        });
        Ok(WeeklyHours { blocks })
    }

    /// The rows, sorted by weekday (Monday first), then start time.
    pub fn blocks(&self) -> &[HoursBlock] {
        &self.blocks
    }

    /// Whether there are no rows at all (the therapist takes no bookings).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The open spans of one calendar day in the clinic's zone: work minus
    /// breaks, as absolute intervals, earliest first. Touching work blocks
    /// make one span.
    ///
    /// Each wall-clock boundary becomes an instant by
    /// [`resolve_wall_clock`]: a time that does not exist (spring-forward
    /// gap) moves forward to the first instant that exists after it; an
    /// ambiguous one (fall-back fold) takes the earlier instant. So in
    /// London 09:00–17:00 is 8 real hours on both change days, 00:30–03:00
    /// is 1.5 real hours on 2026-03-29 and 3.5 on 2026-10-25, and a span
    /// that falls wholly inside a gap is dropped.
    pub fn open_on(&self, date: Date, zone: &TimeZone) -> Vec<Interval> {
        self.open_spans(date, zone)
            .into_iter()
            .map(|span| span.interval)
            .collect()
    }

    /// A default template for the demo and for new therapists: Monday to
    /// Friday 09:00–17:00 with a 12:30–13:15 break.
    pub fn standard_week() -> WeeklyHours {
        const NINE: Time = jiff::civil::time(9, 0, 0, 0);
        const FIVE: Time = jiff::civil::time(17, 0, 0, 0);
        const LUNCH: Time = jiff::civil::time(12, 30, 0, 0);
        const BACK: Time = jiff::civil::time(13, 15, 0, 0);
        let mut blocks = Vec::new();
        for weekday in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ] {
            blocks.push(HoursBlock {
                weekday,
                starts: NINE,
                ends: FIVE,
                kind: BlockKind::Work,
            });
            blocks.push(HoursBlock {
                weekday,
                starts: LUNCH,
                ends: BACK,
                kind: BlockKind::Break,
            });
        }
        WeeklyHours { blocks }
    }

    /// The open spans of `date` with their wall-clock bounds (minutes of the
    /// day), which the slot grid is counted from.
    pub(crate) fn open_spans(&self, date: Date, zone: &TimeZone) -> Vec<OpenSpan> {
        self.open_minutes(date.weekday())
            .into_iter()
            .filter_map(|(from, to)| {
                let start = resolve_wall_clock(date.to_datetime(minute_time(from)?), zone)?;
                let end = resolve_wall_clock(date.to_datetime(minute_time(to)?), zone)?;
                let interval = Interval::new(start, end).ok()?;
                Some(OpenSpan { from, to, interval })
            })
            .collect()
    }

    /// Work minus breaks on `weekday`, in minutes of the day.
    fn open_minutes(&self, weekday: Weekday) -> Vec<(u16, u16)> {
        let rows = |kind: BlockKind| {
            self.blocks
                .iter()
                .filter(move |b| b.weekday == weekday && b.kind == kind)
                .map(|b| (minute_of(b.starts), minute_of(b.ends)))
        };
        let mut work: Vec<(u16, u16)> = Vec::new();
        for (from, to) in rows(BlockKind::Work) {
            match work.last_mut() {
                Some(last) if last.1 == from => last.1 = to,
                _ => work.push((from, to)),
            }
        }
        let breaks: Vec<(u16, u16)> = rows(BlockKind::Break).collect();
        let mut open = Vec::new();
        for (from, to) in work {
            let mut cursor = from;
            for &(b_from, b_to) in &breaks {
                if b_to <= cursor || b_from >= to {
                    continue;
                }
                if b_from > cursor {
                    open.push((cursor, b_from));
                }
                cursor = cursor.max(b_to);
            }
            if cursor < to {
                open.push((cursor, to));
            }
        }
        open
    }
}

impl TryFrom<Vec<HoursBlock>> for WeeklyHours {
    type Error = ScheduleError;

    fn try_from(blocks: Vec<HoursBlock>) -> Result<Self, Self::Error> {
        WeeklyHours::new(blocks)
    }
}

impl From<WeeklyHours> for Vec<HoursBlock> {
    fn from(hours: WeeklyHours) -> Self {
        hours.blocks
    }
}

/// One open span of a day: wall-clock minutes `[from, to)` and the instants.
pub(crate) struct OpenSpan {
    pub(crate) from: u16,
    pub(crate) to: u16,
    pub(crate) interval: Interval,
}

/// The checks on one row alone: 5-minute marks, then start before end.
fn check_row(index: usize, block: &HoursBlock) -> Result<(), ScheduleError> {
    for (edge, time) in [("starts", block.starts), ("ends", block.ends)] {
        let whole = time.second() == 0 && time.subsec_nanosecond() == 0;
        if !whole || time.minute() % 5 != 0 {
            return Err(ScheduleError::OffGrid {
                field: format!("hours[{index}].{edge}"),
                index,
                edge,
                time,
            });
        }
    }
    let field = format!("hours[{index}].ends");
    if block.ends < block.starts {
        return Err(ScheduleError::EndsBeforeStart {
            field,
            index,
            starts: block.starts,
            ends: block.ends,
        });
    }
    if block.ends == block.starts {
        return Err(ScheduleError::NoLength {
            field,
            index,
            starts: block.starts,
        });
    }
    Ok(())
}

/// Minutes since midnight of a whole-minute time.
fn minute_of(time: Time) -> u16 {
    // Hours are 0..=23 and minutes 0..=59, so this is at most 1439.
    time.hour().unsigned_abs() as u16 * 60 + time.minute().unsigned_abs() as u16
}

/// The time of day `minutes` after midnight, if before 24:00.
pub(crate) fn minute_time(minutes: u16) -> Option<Time> {
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

/// Reads an `HH:MM` time of day, 00:00 to 23:59 (a one-digit hour is
/// accepted too). `field` names the input in the error.
pub fn parse_time(field: &str, text: &str) -> Result<Time, ScheduleError> {
    let refuse = || ScheduleError::Time {
        field: field.to_owned(),
        text: text.to_owned(),
    };
    let (hour, minute) = text.trim().split_once(':').ok_or_else(refuse)?;
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i8>().ok())
            .flatten()
    };
    let hour = digits(hour, 2).filter(|h| *h <= 23).ok_or_else(refuse)?;
    let minute = digits(minute, 2)
        .filter(|m| *m <= 59 && minute.len() == 2)
        .ok_or_else(refuse)?;
    Time::new(hour, minute, 0, 0).map_err(|_| refuse())
}

/// Reads an English weekday name, `monday` to `sunday`, in any case.
/// `field` names the input in the error.
pub fn parse_weekday(field: &str, text: &str) -> Result<Weekday, ScheduleError> {
    WEEK.into_iter()
        .find(|w| weekday_name(*w).eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| ScheduleError::Weekday {
            field: field.to_owned(),
            text: text.to_owned(),
        })
}

/// The English name of a weekday as shown to people: "Monday".
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Serde for a weekday as its lowercase English name, `"monday"`.
mod weekday_text {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(weekday: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::weekday_name(*weekday).to_ascii_lowercase())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_weekday("weekday", &text).map_err(D::Error::custom)
    }
}

/// Serde for a time of day as `"HH:MM"`.
mod time_text {
    use jiff::civil::Time;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(time: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hhmm(*time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_time("time", &text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn row(weekday: Weekday, starts: &str, ends: &str, kind: BlockKind) -> HoursBlock {
        HoursBlock {
            weekday,
            starts: starts.parse().unwrap(),
            ends: ends.parse().unwrap(),
            kind,
        }
    }

    fn work(weekday: Weekday, starts: &str, ends: &str) -> HoursBlock {
        row(weekday, starts, ends, BlockKind::Work)
    }

    fn lunch(weekday: Weekday, starts: &str, ends: &str) -> HoursBlock {
        row(weekday, starts, ends, BlockKind::Break)
    }

    fn refuse(blocks: Vec<HoursBlock>) -> (String, String) {
        let err = WeeklyHours::new(blocks).unwrap_err();
        (err.to_string(), err.field().to_owned())
    }

    use Weekday::{Monday, Tuesday};

    #[test]
    fn row_errors_name_the_row_and_problem() {
        assert_eq!(
            refuse(vec![work(Monday, "09:00", "17:00"), work(Tuesday, "12:00", "09:00")]),
            (
                "hours row 2: ends at 09:00, before it starts at 12:00".into(),
                "hours[1].ends".into()
            )
        );
        assert_eq!(
            refuse(vec![work(Monday, "09:00", "09:00")]),
            (
                "hours row 1: starts and ends at 09:00, so it has no length".into(),
                "hours[0].ends".into()
            )
        );
        assert_eq!(
            refuse(vec![work(Monday, "09:07", "17:00")]),
            (
                "hours row 1: starts at 09:07, which is not on a 5-minute mark".into(),
                "hours[0].starts".into()
            )
        );
        assert_eq!(
            refuse(vec![work(Monday, "09:00", "17:00:30")]),
            (
                "hours row 1: ends at 17:00:30, which is not on a 5-minute mark".into(),
                "hours[0].ends".into()
            )
        );
    }

    #[test]
    fn overlapping_work_is_refused_touching_is_not() {
        assert_eq!(
            refuse(vec![
                work(Monday, "09:00", "12:00"),
                work(Tuesday, "10:00", "11:00"),
                work(Monday, "11:55", "17:00"),
            ]),
            (
                "hours row 3: this Monday work block overlaps row 1".into(),
                "hours[2].starts".into()
            )
        );
        let hours = WeeklyHours::new(vec![work(Monday, "12:00", "17:00"), work(Monday, "09:00", "12:00")]).unwrap();
        let london = TimeZone::get("Europe/London").unwrap();
        let open = hours.open_on(date(2026, 6, 1), &london);
        assert_eq!(open.len(), 1, "touching blocks make one span");
        assert_eq!(open[0].minutes(), 8 * 60);
    }

    #[test]
    fn breaks_must_lie_inside_one_work_block() {
        assert_eq!(
            refuse(vec![
                work(Monday, "09:00", "12:00"),
                work(Monday, "12:00", "17:00"),
                lunch(Monday, "11:30", "12:30")
            ]),
            (
                "hours row 3: this Monday break is not inside a single Monday work block".into(),
                "hours[2].starts".into()
            )
        );
        assert!(WeeklyHours::new(vec![lunch(Tuesday, "12:00", "13:00"), work(Monday, "09:00", "17:00")]).is_err());
        assert!(WeeklyHours::new(vec![lunch(Monday, "09:00", "17:00"), work(Monday, "09:00", "17:00")]).is_ok());
    }

    #[test]
    fn blocks_are_sorted_monday_first_then_start() {
        let hours = WeeklyHours::new(vec![
            work(Weekday::Sunday, "10:00", "12:00"),
            lunch(Monday, "12:00", "12:30"),
            work(Monday, "13:00", "17:00"),
            work(Monday, "08:00", "12:30"),
        ])
        .unwrap();
        let order: Vec<(Weekday, Time)> = hours.blocks().iter().map(|b| (b.weekday, b.starts)).collect();
        assert_eq!(
            order,
            [
                (Monday, time(8, 0, 0, 0)),
                (Monday, time(12, 0, 0, 0)),
                (Monday, time(13, 0, 0, 0)),
                (Weekday::Sunday, time(10, 0, 0, 0))
            ]
        );
        assert!(!hours.is_empty());
        assert!(WeeklyHours::default().is_empty());
    }

    #[test]
    fn open_on_subtracts_breaks() {
        let utc = TimeZone::UTC;
        let hours = WeeklyHours::new(vec![
            work(Monday, "09:00", "17:00"),
            lunch(Monday, "12:30", "13:15"),
            lunch(Monday, "13:00", "13:30"),
            lunch(Monday, "16:30", "17:00"),
        ])
        .unwrap();
        let spans: Vec<(String, String)> = hours
            .open_on(date(2026, 6, 1), &utc)
            .iter()
            .map(|i| (i.start.to_string(), i.end.to_string()))
            .collect();
        assert_eq!(
            spans,
            [
                ("2026-06-01T09:00:00Z".to_string(), "2026-06-01T12:30:00Z".to_string()),
                ("2026-06-01T13:30:00Z".to_string(), "2026-06-01T16:30:00Z".to_string()),
            ]
        );
        assert!(hours.open_on(date(2026, 6, 2), &utc).is_empty(), "no Tuesday rows");
    }

    #[test]
    fn standard_week_is_valid() {
        let week = WeeklyHours::standard_week();
        assert_eq!(WeeklyHours::new(week.blocks().to_vec()), Ok(week.clone()));
        let open = week.open_on(date(2026, 6, 5), &TimeZone::UTC);
        assert_eq!(open.iter().map(Interval::minutes).sum::<i64>(), 8 * 60 - 45);
        assert!(week.open_on(date(2026, 6, 6), &TimeZone::UTC).is_empty(), "Saturday");
    }

    #[test]
    fn parse_time_accepts_hh_mm_only() {
        assert_eq!(parse_time("starts", "09:05"), Ok(time(9, 5, 0, 0)));
        assert_eq!(parse_time("starts", "9:05"), Ok(time(9, 5, 0, 0)));
        assert_eq!(parse_time("starts", "23:59"), Ok(time(23, 59, 0, 0)));
        assert_eq!(parse_time("starts", "00:00"), Ok(time(0, 0, 0, 0)));
        for bad in [
            "24:00", "12:60", "12:5", "1200", "", "ab:cd", "+1:00", "12:00:00", "123:00",
        ] {
            assert!(parse_time("starts", bad).is_err(), "{bad}");
        }
        let err = parse_time("hours[0].starts", "25:00").unwrap_err();
        assert_eq!(
            err.to_string(),
            "hours[0].starts: \"25:00\" is not a time of day; write it as HH:MM, from 00:00 to 23:59"
        );
        assert_eq!(err.field(), "hours[0].starts");
    }

    #[test]
    fn weekdays_by_name() {
        assert_eq!(parse_weekday("weekday", "monday"), Ok(Monday));
        assert_eq!(parse_weekday("weekday", "SUNDAY"), Ok(Weekday::Sunday));
        let err = parse_weekday("weekday", "mon").unwrap_err();
        assert_eq!(
            err.to_string(),
            "weekday: \"mon\" is not a day of the week; write monday to sunday"
        );
        assert_eq!(err.field(), "weekday");
        assert_eq!(weekday_name(Weekday::Wednesday), "Wednesday");
        for w in WEEK {
            assert_eq!(parse_weekday("w", weekday_name(w)), Ok(w));
        }
    }

    #[test]
    fn json_round_trip() {
        let json = r#"{"weekday":"monday","starts":"09:00","ends":"17:00","kind":"work"}"#;
        let block: HoursBlock = serde_json::from_str(json).unwrap();
        assert_eq!(block, work(Monday, "09:00", "17:00"));
        assert_eq!(serde_json::to_string(&block).unwrap(), json);
        let brk = r#"{"weekday":"friday","starts":"12:30","ends":"13:15","kind":"break"}"#;
        assert_eq!(serde_json::from_str::<HoursBlock>(brk).unwrap().kind, BlockKind::Break);
        for bad in [
            r#"{"weekday":"monday","starts":"09:00","ends":"17:00","kind":"work","x":1}"#,
            r#"{"weekday":"mon","starts":"09:00","ends":"17:00","kind":"work"}"#,
            r#"{"weekday":"monday","starts":"9am","ends":"17:00","kind":"work"}"#,
            r#"{"weekday":"monday","starts":"09:00","ends":"17:00","kind":"lunch"}"#,
        ] {
            assert!(serde_json::from_str::<HoursBlock>(bad).is_err(), "{bad}");
        }
        let week = WeeklyHours::standard_week();
        let text = serde_json::to_string(&week).unwrap();
        assert_eq!(serde_json::from_str::<WeeklyHours>(&text).unwrap(), week);
        let invalid = format!("[{json},{json}]");
        let err = serde_json::from_str::<WeeklyHours>(&invalid).unwrap_err();
        assert!(
            err.to_string()
                .contains("hours row 2: this Monday work block overlaps row 1"),
            "{err}"
        );
    }
}
