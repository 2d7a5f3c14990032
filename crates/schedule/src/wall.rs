//! Wall-clock times to instants: the one place the daylight-saving rules of
//! this crate live.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// The instant a wall-clock time in `zone` stands for, by the crate's rule:
///
/// - a time that exists once is that instant;
/// - a time in a spring-forward gap (01:30 in London on 2026-03-29) does not
///   exist, and moves forward to the first instant that exists after it:
///   the moment of the change (01:00 UTC, which the clocks show as 02:00);
/// - a time in a fall-back fold (01:30 in London on 2026-10-25) happens
///   twice, and is taken as the earlier instant (01:30 BST, 00:30 UTC).
///
/// So a working day keeps its wall-clock shape, and the map is monotone:
/// a later wall-clock time never gives an earlier instant. `None` only
/// beyond the range jiff can represent (years -9999 and 9999).
pub fn resolve_wall_clock(datetime: DateTime, zone: &TimeZone) -> Option<Timestamp> {
    match zone.to_ambiguous_timestamp(datetime).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(datetime).ok(),
        AmbiguousOffset::Fold { before, after } => {
            // The larger offset gives the earlier instant.
            before.max(after).to_timestamp(datetime).ok()
        }
        AmbiguousOffset::Gap { before, after } => {
            // Read with the offset after the change, the time lands before
            // the change; the next transition from there is the change.
            let early = after.to_timestamp(datetime).ok()?;
            match zone.following(early).next() {
                Some(change) => Some(change.timestamp()),
                None => before.to_timestamp(datetime).ok(),
            }
        }
    }
}

/// Every instant at which the clocks in `zone` show `datetime`: none in a
/// gap, two in a fold (earlier first), otherwise one. Slots use this so the
/// repeated hour of a fall-back night is bookable both times round.
pub(crate) fn occurrences(datetime: DateTime, zone: &TimeZone) -> Vec<Timestamp> {
    match zone.to_ambiguous_timestamp(datetime).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(datetime).ok().into_iter().collect(),
        AmbiguousOffset::Gap { .. } => Vec::new(),
        AmbiguousOffset::Fold { before, after } => {
            let mut both: Vec<Timestamp> = [before, after]
                .into_iter()
                .filter_map(|offset| offset.to_timestamp(datetime).ok())
                .collect();
            both.sort();
            both
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn resolve(zone: &str, dt: &str) -> String {
        let zone = TimeZone::get(zone).unwrap();
        resolve_wall_clock(dt.parse().unwrap(), &zone).unwrap().to_string()
    }

    #[test]
    fn gap_moves_forward_to_the_change() {
        assert_eq!(resolve("Europe/London", "2026-03-29T01:00"), "2026-03-29T01:00:00Z");
        assert_eq!(resolve("Europe/London", "2026-03-29T01:30"), "2026-03-29T01:00:00Z");
        assert_eq!(resolve("Europe/London", "2026-03-29T02:00"), "2026-03-29T01:00:00Z");
        assert_eq!(resolve("Europe/London", "2026-03-29T00:59"), "2026-03-29T00:59:00Z");
        assert_eq!(resolve("America/New_York", "2026-03-08T02:30"), "2026-03-08T07:00:00Z");
    }

    #[test]
    fn fold_takes_the_earlier_instant() {
        assert_eq!(resolve("Europe/London", "2026-10-25T01:30"), "2026-10-25T00:30:00Z");
        assert_eq!(resolve("Europe/London", "2026-10-25T02:00"), "2026-10-25T02:00:00Z");
        assert_eq!(resolve("America/New_York", "2026-11-01T01:30"), "2026-11-01T05:30:00Z");
    }

    #[test]
    fn occurrences_in_gap_and_fold() {
        let london = TimeZone::get("Europe/London").unwrap();
        assert!(occurrences("2026-03-29T01:30".parse().unwrap(), &london).is_empty());
        let twice: Vec<String> = occurrences("2026-10-25T01:30".parse().unwrap(), &london)
            .iter()
            .map(|t| t.to_string())
            .collect();
        assert_eq!(twice, ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]);
        assert_eq!(occurrences("2026-06-01T09:00".parse().unwrap(), &london).len(), 1);
    }
}
