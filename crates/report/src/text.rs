//! Text for the PDF: reduction to the WinAnsi character set of the base-14
//! fonts, measuring with their metrics, and line wrapping.
//!
//! The PDF uses the built-in Helvetica fonts, which draw only the 218
//! characters of WinAnsiEncoding (ASCII, Latin-1 and a few typographic
//! marks such as curly quotes, dashes and the bullet). Everything else is
//! mapped here, before measuring, to the closest ASCII:
//!
//! - letters of Latin Extended-A and a few of Extended-B (Polish, Czech,
//!   Romanian, Turkish, Baltic, Hungarian ...) lose their accent
//!   (`ł` → `l`, `ő` → `o`, `ș` → `s`, `Ĳ` → `IJ`);
//! - a few symbols get an ASCII spelling (`≤` → `<=`, `≥` → `>=`, `→` → `->`,
//!   `−` (minus) and the Unicode hyphens → `-`, `′` → `'`, `″` → `"`);
//! - tabs, line breaks and other control characters become a space, spaces of
//!   other widths become a plain space, soft hyphens and zero-width characters
//!   are dropped;
//! - anything else (Greek, Cyrillic, CJK, emoji ...) becomes `?`.

use crate::metrics::{HELVETICA, HELVETICA_BOLD};

/// Which of the two fonts a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

/// Base letters for U+0100..=U+017F; `*` marks the letters WinAnsi has
/// (Œ œ Š š Ÿ Ž ž), `#` the ligatures Ĳ ĳ, spelt with two letters.
const LATIN_EXTENDED_A: &[u8; 128] = b"AaAaAaCcCcCcCcDd\
DdEeEeEeEeEeGgGg\
GgGgHhHhIiIiIiIi\
Ii##JjKkkLlLlLlL\
lLlNnNnNnnNnOoOo\
Oo**RrRrRrSsSsSs\
**TtTtTtUuUuUuUu\
UuUuWwYy*ZzZz**s";

/// The WinAnsiEncoding byte of a character, if the encoding has it.
pub(crate) fn winansi_byte(c: char) -> Option<u8> {
    let cp = u32::from(c);
    match cp {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(cp).ok(),
        _ => {
            let b = match c {
                '€' => 0x80,
                '‚' => 0x82,
                'ƒ' => 0x83,
                '„' => 0x84,
                '…' => 0x85,
                '†' => 0x86,
                '‡' => 0x87,
                'ˆ' => 0x88,
                '‰' => 0x89,
                'Š' => 0x8A,
                '‹' => 0x8B,
                'Œ' => 0x8C,
                'Ž' => 0x8E,
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                '˜' => 0x98,
                '™' => 0x99,
                'š' => 0x9A,
                '›' => 0x9B,
                'œ' => 0x9C,
                'ž' => 0x9E,
                'Ÿ' => 0x9F,
                _ => return None,
            };
            Some(b)
        }
    }
}

/// `text` with every character the base-14 fonts cannot draw replaced as
/// described in the module docs. The result contains only characters for
/// which [`winansi_byte`] is `Some`.
pub(crate) fn to_winansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{A0}' {
            out.push(' ');
            continue;
        }
        if c == '\u{AD}' {
            continue;
        }
        if winansi_byte(c).is_some() {
            out.push(c);
            continue;
        }
        let cp = u32::from(c);
        if (0x100..=0x17F).contains(&cp) {
            let idx = usize::try_from(cp - 0x100).unwrap_or(0);
            match LATIN_EXTENDED_A.get(idx).copied() {
                Some(b'#') if c == 'Ĳ' => out.push_str("IJ"),
                Some(b'#') => out.push_str("ij"),
                Some(b) if b != b'*' => out.push(char::from(b)),
                _ => out.push('?'),
            }
            continue;
        }
        match c {
            c if c.is_control() => out.push(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
            '\u{2010}'..='\u{2012}' | '\u{2015}' | '\u{2212}' => out.push('-'),
            'Ș' | 'Ş' => out.push('S'),
            'ș' | 'ş' => out.push('s'),
            'Ț' | 'Ţ' => out.push('T'),
            'ț' | 'ţ' => out.push('t'),
            'ǎ' => out.push('a'),
            'ǐ' => out.push('i'),
            'ǒ' => out.push('o'),
            'ǔ' => out.push('u'),
            'Ə' => out.push('E'),
            'ə' => out.push('e'),
            '′' => out.push('\''),
            '″' => out.push('"'),
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            '≠' => out.push_str("!="),
            '≈' => out.push('~'),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '↔' => out.push_str("<->"),
            '✓' | '✔' => out.push_str("yes"),
            _ => out.push('?'),
        }
    }
    out
}

/// Base letters of U+00C0..=U+00FF (`*` for the few spelt otherwise).
const LATIN_1_LETTERS: &[u8; 64] = b"AAAAAA*CEEEEIIIIDNOOOOOxOUUUUY**aaaaaa*ceeeeiiiidnooooo/ouuuuy*y";

/// `text` in plain ASCII (for the document title in the PDF metadata):
/// [`to_winansi`], then Latin-1 letters without accents, curly quotes and
/// dashes straight, anything else `?`.
pub(crate) fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in to_winansi(text).chars() {
        let cp = u32::from(c);
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let folded = match c {
            'Æ' => "AE",
            'æ' => "ae",
            'Þ' => "Th",
            'þ' => "th",
            'ß' => "ss",
            'Œ' => "OE",
            'œ' => "oe",
            'Š' => "S",
            'š' => "s",
            'Ž' => "Z",
            'ž' => "z",
            'Ÿ' => "Y",
            '‘' | '’' | '‚' => "'",
            '“' | '”' | '„' => "\"",
            '–' | '—' => "-",
            '…' => "...",
            '•' | '·' => "*",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
        } else if (0xC0..=0xFF).contains(&cp) {
            let idx = usize::try_from(cp - 0xC0).unwrap_or(0);
            match LATIN_1_LETTERS.get(idx) {
                Some(b) if *b != b'*' => out.push(char::from(*b)),
                _ => out.push('?'),
            }
        } else if c == '\u{A0}' {
            out.push(' ');
        } else {
            out.push('?');
        }
    }
    out
}

/// Advance width of one character in points (after [`to_winansi`]).
fn char_width(c: char, font: Font, size: f32) -> f32 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let units = winansi_byte(c)
        .and_then(|b| table.get(usize::from(b)).copied())
        .filter(|w| *w > 0)
        .unwrap_or(556);
    f32::from(units) * size / 1000.0
}

/// Width of `text` (already reduced with [`to_winansi`]) in points.
pub(crate) fn width(text: &str, font: Font, size: f32) -> f32 {
    text.chars().map(|c| char_width(c, font, size)).sum()
}

/// `text` cut to fit `max` points, ending with an ellipsis when cut.
pub(crate) fn truncate(text: &str, font: Font, size: f32, max: f32) -> String {
    if width(text, font, size) <= max {
        return text.to_string();
    }
    let ellipsis = char_width('…', font, size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = char_width(c, font, size);
        if used + w + ellipsis > max {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end();
    format!("{trimmed}…")
}

/// Breaks `text` (already reduced with [`to_winansi`]) into lines no wider
/// than `max` points: at spaces where possible, inside a word only when the
/// word alone is too wide. Runs of spaces collapse; an empty text gives no
/// lines.
pub(crate) fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    let space = char_width(' ', font, size);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word, font, size);
        let needed = if line.is_empty() { w } else { line_w + space + w };
        if needed <= max {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w = needed;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if w <= max {
            line.push_str(word);
            line_w = w;
            continue;
        }
        // A word wider than the line: break it between characters.
        for c in word.chars() {
            let cw = char_width(c, font, size);
            if line_w + cw > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += cw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_winansi_and_maps_the_rest() {
        assert_eq!(
            to_winansi("Zoë Müller, kg/cm² – “ok” • 5€"),
            "Zoë Müller, kg/cm² – “ok” • 5€"
        );
        assert_eq!(to_winansi("Łukasz Wałęsa, Ștefan Čapek"), "Lukasz Walesa, Stefan Capek");
        assert_eq!(to_winansi("NPRS ≤ 3 → good, −2"), "NPRS <= 3 -> good, -2");
        assert_eq!(to_winansi("a\tb\nc\u{AD}d"), "a b cd");
        assert_eq!(to_winansi("Δ 日本 🙂"), "? ?? ?");
        assert_eq!(to_winansi("Ĳssel ĳs Œuvre"), "IJssel ijs Œuvre");
        for c in to_winansi("ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ").chars() {
            assert!(winansi_byte(c).is_some(), "{c:?}");
            assert_ne!(c, '?');
        }
    }

    #[test]
    fn folds_to_ascii_for_metadata() {
        assert_eq!(
            ascii_fold("Amélie Kowalczyk – Łódź, Ærø ß"),
            "Amelie Kowalczyk - Lodz, AEro ss"
        );
        assert!(ascii_fold("ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿ").is_ascii());
        assert!(!ascii_fold("ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿ").contains('?'));
    }

    #[test]
    fn measures_with_helvetica_metrics() {
        // "Hello" in Helvetica: H 722 + e 556 + l 222 + l 222 + o 556 = 2278.
        assert!((width("Hello", Font::Regular, 10.0) - 22.78).abs() < 1e-3);
        // Bold: 722 + 556 + 278 + 278 + 611 = 2445.
        assert!((width("Hello", Font::Bold, 10.0) - 24.45).abs() < 1e-3);
    }

    #[test]
    fn wraps_at_spaces_and_breaks_long_words() {
        let lines = wrap("one two three four five six", Font::Regular, 10.0, 60.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(width(l, Font::Regular, 10.0) <= 60.0, "{l}");
        }
        assert_eq!(lines.join(" "), "one two three four five six");
        let long = "x".repeat(100);
        let lines = wrap(&long, Font::Regular, 10.0, 50.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
        assert!(wrap("   ", Font::Regular, 10.0, 50.0).is_empty());
    }

    #[test]
    fn truncates_with_an_ellipsis() {
        let t = truncate(
            "Prepared by a therapist with a very long address",
            Font::Regular,
            8.0,
            80.0,
        );
        assert!(t.ends_with('…'));
        assert!(width(&t, Font::Regular, 8.0) <= 80.0);
        assert_eq!(truncate("short", Font::Regular, 8.0, 80.0), "short");
    }
}
