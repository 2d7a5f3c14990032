//! iCalendar (RFC 5545) text for calendar feeds, written by hand: the part
//! of the format a feed of appointments needs is small.

use jiff::Timestamp;

use crate::Interval;

/// One appointment as a calendar event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable across updates so calendar apps replace rather than duplicate.
    pub uid: String,
    pub interval: Interval,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    /// Cancelled events stay in the feed so subscribers remove them.
    pub cancelled: bool,
    /// When the appointment last changed; written as DTSTAMP.
    pub updated: Timestamp,
}

/// A `VCALENDAR` named `name` holding `events`, as RFC 5545 text.
///
/// Times are written in UTC (`20260329T080000Z`), so no `VTIMEZONE` is
/// needed and every app shows them in its own zone. Lines end in CRLF; text
/// values are escaped (backslash, semicolon, comma, newline) and control
/// characters other than tab dropped; lines longer than 75 octets are
/// folded without splitting a UTF-8 character, each continuation starting
/// with one space.
pub fn calendar(name: &str, events: &[IcsEvent]) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Myomap//Schedule//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape_text(name)));
    for event in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape_text(&event.uid)));
        line(format!("DTSTAMP:{}", utc(event.updated)));
        line(format!("DTSTART:{}", utc(event.interval.start)));
        line(format!("DTEND:{}", utc(event.interval.end)));
        line(format!("SUMMARY:{}", escape_text(&event.summary)));
        if let Some(location) = &event.location {
            line(format!("LOCATION:{}", escape_text(location)));
        }
        if let Some(description) = &event.description {
            line(format!("DESCRIPTION:{}", escape_text(description)));
        }
        let status = if event.cancelled { "CANCELLED" } else { "CONFIRMED" };
        line(format!("STATUS:{status}"));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// An instant as an RFC 5545 UTC date-time, `20260329T080000Z`.
fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value escaped per RFC 5545 §3.3.11. Any line break (CRLF, LF or
/// CR) becomes `\n`; other control characters are not allowed and dropped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` and CRLF, folded so no line exceeds 75 octets.
fn fold_into(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn event(summary: &str, description: Option<&str>) -> IcsEvent {
        IcsEvent {
            uid: "3f1c@myomap".into(),
            interval: Interval::new(
                "2026-03-29T08:00:00Z".parse().unwrap(),
                "2026-03-29T09:00:00Z".parse().unwrap(),
            )
            .unwrap(),
            summary: summary.into(),
            location: Some("Room 2, Main St; rear".into()),
            description: description.map(Into::into),
            cancelled: false,
            updated: "2026-03-01T12:34:56Z".parse().unwrap(),
        }
    }

    /// Undoes the folding: CRLF followed by one space joins lines.
    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn whole_calendar_shape() {
        let text = calendar("Anna's clinic", &[event("Massage, 60 minutes", None)]);
        let expected = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Myomap//Schedule//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Anna's clinic",
            "BEGIN:VEVENT",
            "UID:3f1c@myomap",
            "DTSTAMP:20260301T123456Z",
            "DTSTART:20260329T080000Z",
            "DTEND:20260329T090000Z",
            "SUMMARY:Massage\\, 60 minutes",
            "LOCATION:Room 2\\, Main St\\; rear",
            "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
        .join("\r\n");
        assert_eq!(text, expected);
    }

    #[test]
    fn cancelled_and_empty() {
        let mut e = event("x", None);
        e.cancelled = true;
        assert!(calendar("c", &[e]).contains("\r\nSTATUS:CANCELLED\r\n"));
        let empty = calendar("c", &[]);
        assert!(!empty.contains("VEVENT"));
        assert!(empty.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
        assert_eq!(escape_text("tab\tbell\u{7}"), "tab\tbell");
        assert_eq!(escape_text("Müller: ok"), "Müller: ok");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let description = format!("{}\nsecond line; {}", "é".repeat(60), "ü中😀".repeat(30));
        let text = calendar("Clinic", &[event(&"Long summary ".repeat(12), Some(&description))]);
        assert!(text.ends_with("\r\n"));
        for line in text.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        // Every \n is part of a CRLF.
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        let unfolded = unfold(&text);
        let expected_description = format!(
            "DESCRIPTION:{}\\nsecond line\\; {}\r\n",
            "é".repeat(60),
            "ü中😀".repeat(30)
        );
        assert!(unfolded.contains(&expected_description));
        assert!(unfolded.contains(&format!("SUMMARY:{}\r\n", "Long summary ".repeat(12))));
        // A folded line is full: the next character would not have fitted.
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        for pair in lines.windows(2) {
            if let Some(rest) = pair[1].strip_prefix(' ') {
                let next = rest.chars().next().unwrap();
                assert!(pair[0].len() + next.len_utf8() > 75, "{pair:?}");
            }
        }
    }

    #[test]
    fn folding_exactly_at_the_limit() {
        let mut out = String::new();
        fold_into(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));
        let mut out = String::new();
        fold_into(&mut out, &"a".repeat(76));
        assert_eq!(out, format!("{}\r\n a\r\n", "a".repeat(75)));
        let mut out = String::new();
        fold_into(&mut out, &format!("{}€", "a".repeat(73)));
        assert_eq!(out, format!("{}\r\n €\r\n", "a".repeat(73)));
    }
}
