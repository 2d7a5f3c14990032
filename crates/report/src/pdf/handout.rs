//! The client's home-care handout: the progress report's page, fonts,
//! colours and layout helpers, with its own sections.

use super::{
    ACCENT_DARK, ACCENT_TINT, BODY_LEADING, BODY_SIZE, CONTENT_W, GRID, INK, LEFT, Layout, MUTED, Op, PANEL, RIGHT,
    WHITE, clean, emit_document, footers, title_block_of, wrap_at_most,
};
use crate::text::{Font, to_winansi, width, wrap};
use crate::{HandoutData, HandoutStretch, ReportError};

const TITLE: &str = "Home-care plan";
const HEADING: &str = "Your home-care plan";

/// The tick boxes: one per day of the week, in a column at the right.
const DAYS: [&str; 7] = ["M", "T", "W", "T", "F", "S", "S"];
const BOX: f32 = 11.0;
const BOX_GAP: f32 = 4.0;
const BOXES_W: f32 = 7.0 * BOX + 6.0 * BOX_GAP;
const BOXES_X: f32 = RIGHT - BOXES_W;
/// The stretch text column, left of the boxes.
const TEXT_W: f32 = BOXES_X - LEFT - 18.0;

const STRETCH_HEADER_H: f32 = 20.0;
const ROW_PAD: f32 = 8.0;
const TITLE_SIZE: f32 = 10.5;
const TITLE_LEADING: f32 = 13.0;
const SMALL_SIZE: f32 = 9.5;
const SMALL_LEADING: f32 = 12.5;
const NOTE_SIZE: f32 = 9.0;
const NOTE_LEADING: f32 = 12.0;

/// Renders the home-care handout as an A4 PDF.
///
/// In order: the clinic and title with the date; a panel with who it is
/// for and who prepared it; *Your stretches* (a table that repeats its
/// header on a new page: each stretch's title, instructions, dose and how
/// it should feel, beside seven tick boxes headed M T W T F S S; "No
/// stretches in this plan." when empty); *Advice* (each title and text;
/// left out when empty); *Questions or concerns?* with
/// [`HandoutData::contact`] (left out when empty). A stretch never breaks
/// across pages; long advice may. Every footer carries who prepared the
/// handout, the clinic and "Page n of m".
///
/// Text is set in the built-in Helvetica fonts; characters they cannot draw
/// are replaced as described in the crate docs.
///
/// # Errors
///
/// [`ReportError::Pdf`] when the PDF library fails to build or serialise
/// the document.
pub fn render_handout_pdf(data: &HandoutData) -> Result<Vec<u8>, ReportError> {
    let pages = layout(data);
    emit_document(TITLE, &data.client_name, &pages)
}

fn layout(data: &HandoutData) -> Vec<Vec<Op>> {
    let mut l = Layout::start(TITLE, &data.client_name, &data.prepared_on);
    title_block_of(&mut l, &data.clinic, HEADING, &data.prepared_on);
    who(&mut l, data);
    stretches(&mut l, &data.stretches);
    advice(&mut l, &data.advice);
    contact(&mut l, &data.contact);

    let by = clean(&data.prepared_by, "");
    let clinic = clean(&data.clinic, "");
    let footer = match (by.is_empty(), clinic.is_empty()) {
        (false, false) => format!("Prepared by {by} · {clinic}"),
        (false, true) => format!("Prepared by {by}"),
        (true, _) => clinic,
    };
    let mut pages = l.pages;
    footers(&mut pages, &footer);
    pages
}

/// Who the handout is for and who prepared it, in a shaded panel, and a
/// line on how to use it.
fn who(l: &mut Layout, data: &HandoutData) {
    const PAD: f32 = 10.0;
    const GAP: f32 = 20.0;
    let col_w = (CONTENT_W - 2.0 * PAD - GAP) / 2.0;
    let cells = [
        ("PREPARED FOR", clean(&data.client_name, "Not recorded")),
        ("PREPARED BY", clean(&data.prepared_by, "Not recorded")),
    ];
    let wrapped: Vec<(&str, Vec<String>)> = cells
        .iter()
        .map(|(label, value)| (*label, wrap_at_most(value, Font::Regular, 10.5, col_w, 3)))
        .collect();
    let lines = wrapped.iter().map(|c| c.1.len()).max().unwrap_or(1).max(1);
    let h = 2.0 * PAD + 12.0 + 14.0 * lines as f32;
    let top = l.y + 4.0;
    l.fill(LEFT, top, CONTENT_W, h, PANEL);
    for (i, (label, lines)) in wrapped.iter().enumerate() {
        let x = LEFT + PAD + i as f32 * (col_w + GAP);
        l.text(x, top + PAD + 7.0, 7.0, Font::Bold, MUTED, label);
        for (k, line) in lines.iter().enumerate() {
            l.text(x, top + PAD + 22.0 + 14.0 * k as f32, 10.5, Font::Regular, INK, line);
        }
    }
    l.y = top + h + 10.0;
    l.paragraph(
        "Do these stretches and follow this advice between your sessions. Tick a box on each day you do a stretch, \
         and bring this sheet to your next visit.",
        LEFT,
        CONTENT_W,
        SMALL_SIZE,
        SMALL_LEADING,
        Font::Regular,
        MUTED,
    );
}

fn stretch_header(l: &mut Layout) {
    let y = l.y;
    l.fill(LEFT, y, CONTENT_W, STRETCH_HEADER_H, ACCENT_TINT);
    l.text(LEFT + 6.0, y + 13.5, 8.5, Font::Bold, ACCENT_DARK, "Stretch");
    for (i, day) in DAYS.iter().enumerate() {
        let cx = BOXES_X + i as f32 * (BOX + BOX_GAP) + BOX / 2.0;
        let w = width(day, Font::Bold, 8.5);
        l.text(cx - w / 2.0, y + 13.5, 8.5, Font::Bold, ACCENT_DARK, day);
    }
    l.y = y + STRETCH_HEADER_H;
}

/// A stretch's lines, each part capped so that a row always fits a page.
struct StretchLines {
    title: Vec<String>,
    instructions: Vec<String>,
    dose: Vec<String>,
    feel: Vec<String>,
}

impl StretchLines {
    fn of(stretch: &HandoutStretch) -> Self {
        let lines = |text: &str, font, size, max| wrap_at_most(&to_winansi(text.trim()), font, size, TEXT_W, max);
        let mut title = lines(&stretch.title, Font::Bold, TITLE_SIZE, 3);
        if title.is_empty() {
            title.push("Stretch".to_string());
        }
        StretchLines {
            title,
            instructions: lines(&stretch.instructions, Font::Regular, SMALL_SIZE, 30),
            dose: lines(&stretch.dose, Font::Bold, NOTE_SIZE, 2),
            feel: lines(&stretch.feel, Font::Regular, NOTE_SIZE, 8),
        }
    }

    fn height(&self) -> f32 {
        let notes = self.dose.len() + self.feel.len();
        let gap = if notes > 0 { 4.0 } else { 0.0 };
        2.0 * ROW_PAD
            + TITLE_LEADING * self.title.len() as f32
            + SMALL_LEADING * self.instructions.len() as f32
            + gap
            + NOTE_LEADING * notes as f32
    }
}

fn stretches(l: &mut Layout, stretches: &[HandoutStretch]) {
    if stretches.is_empty() {
        l.heading("Your stretches", BODY_LEADING);
        l.paragraph(
            "No stretches in this plan.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
        return;
    }
    let rows: Vec<StretchLines> = stretches.iter().map(StretchLines::of).collect();
    let first = rows.first().map_or(0.0, StretchLines::height);
    l.heading("Your stretches", STRETCH_HEADER_H + first);
    stretch_header(l);
    for row in &rows {
        let h = row.height();
        if l.ensure(h) {
            stretch_header(l);
        }
        let top = l.y;
        let mut y = top + ROW_PAD;
        for line in &row.title {
            l.text(LEFT, y + TITLE_SIZE, TITLE_SIZE, Font::Bold, INK, line);
            y += TITLE_LEADING;
        }
        for line in &row.instructions {
            l.text(LEFT, y + SMALL_SIZE, SMALL_SIZE, Font::Regular, INK, line);
            y += SMALL_LEADING;
        }
        if !row.dose.is_empty() || !row.feel.is_empty() {
            y += 4.0;
        }
        for line in &row.dose {
            l.text(LEFT, y + NOTE_SIZE, NOTE_SIZE, Font::Bold, ACCENT_DARK, line);
            y += NOTE_LEADING;
        }
        for line in &row.feel {
            l.text(LEFT, y + NOTE_SIZE, NOTE_SIZE, Font::Regular, MUTED, line);
            y += NOTE_LEADING;
        }
        for i in 0..DAYS.len() {
            let x = BOXES_X + i as f32 * (BOX + BOX_GAP);
            let y = top + ROW_PAD + 0.5;
            l.fill(x, y, BOX, BOX, WHITE);
            l.ops().push(Op::Stroke {
                points: vec![(x, y), (x + BOX, y), (x + BOX, y + BOX), (x, y + BOX)],
                width: 0.8,
                colour: MUTED,
                dash: None,
                closed: true,
            });
        }
        l.hline(LEFT, RIGHT, top + h, 0.5, GRID);
        l.y = top + h;
    }
}

fn advice(l: &mut Layout, items: &[(String, String)]) {
    let items: Vec<(String, String)> = items
        .iter()
        .map(|(title, text)| (clean(title, ""), clean(text, "")))
        .filter(|(title, text)| !title.is_empty() || !text.is_empty())
        .collect();
    if items.is_empty() {
        return;
    }
    l.heading("Advice", TITLE_LEADING + 2.0 * SMALL_LEADING);
    for (n, (title, text)) in items.iter().enumerate() {
        if n > 0 {
            l.y += 7.0;
        }
        let title_lines = wrap_at_most(title, Font::Bold, TITLE_SIZE, CONTENT_W, 3);
        let text_lines = wrap(text, Font::Regular, SMALL_SIZE, CONTENT_W);
        // The title stays with the first lines of its text (all of a short one).
        let keep = if text_lines.len() <= 5 { text_lines.len() } else { 2 };
        l.ensure(TITLE_LEADING * title_lines.len() as f32 + SMALL_LEADING * keep as f32);
        for line in &title_lines {
            let y = l.y;
            l.text(LEFT, y + TITLE_SIZE, TITLE_SIZE, Font::Bold, INK, line);
            l.y += TITLE_LEADING;
        }
        for line in &text_lines {
            l.ensure(SMALL_LEADING);
            let y = l.y;
            l.text(LEFT, y + SMALL_SIZE, SMALL_SIZE, Font::Regular, INK, line);
            l.y += SMALL_LEADING;
        }
    }
}

/// How to reach the clinic, in a shaded panel kept on one page.
fn contact(l: &mut Layout, contact: &str) {
    const PAD: f32 = 10.0;
    let lines: Vec<String> = contact
        .lines()
        .map(|line| clean(line, ""))
        .filter(|line| !line.is_empty())
        .flat_map(|line| wrap(&line, Font::Regular, BODY_SIZE, CONTENT_W - 2.0 * PAD))
        .take(12)
        .collect();
    if lines.is_empty() {
        return;
    }
    let h = 2.0 * PAD + BODY_LEADING * lines.len() as f32 - 4.0;
    l.heading("Questions or concerns?", h);
    let top = l.y;
    l.fill(LEFT, top, CONTENT_W, h, PANEL);
    for (k, line) in lines.iter().enumerate() {
        l.text(
            LEFT + PAD,
            top + PAD + BODY_SIZE + BODY_LEADING * k as f32 - 1.0,
            BODY_SIZE,
            Font::Regular,
            INK,
            line,
        );
    }
    l.y = top + h;
}

#[cfg(test)]
mod tests {
    use super::super::{CONTENT_BOTTOM, PAGE_H};
    use super::*;

    fn stretch(i: usize) -> HandoutStretch {
        HandoutStretch {
            title: format!("Stretch number {i}"),
            instructions: "Sit tall and tip the ear towards the other shoulder until a gentle pull is felt. ".repeat(3),
            dose: "Hold 30 s · 3 times · twice a day".into(),
            feel: "A gentle, even pull. Sharp pain, tingling or numbness: stop.".into(),
        }
    }

    fn texts(pages: &[Vec<Op>]) -> Vec<(usize, f32, String)> {
        pages
            .iter()
            .enumerate()
            .flat_map(|(p, ops)| {
                ops.iter().filter_map(move |op| match op {
                    Op::Text { y, text, .. } => Some((p, *y, text.clone())),
                    _ => None,
                })
            })
            .collect()
    }

    fn boxes(ops: &[Op]) -> usize {
        ops.iter()
            .filter(|op| matches!(op, Op::Stroke { closed: true, points, .. } if points.len() == 4))
            .count()
    }

    #[test]
    fn every_stretch_gets_a_row_of_seven_tick_boxes() {
        let data = HandoutData {
            client_name: "Test Client".into(),
            stretches: (0..3).map(stretch).collect(),
            ..HandoutData::default()
        };
        let pages = layout(&data);
        assert_eq!(pages.len(), 1);
        assert_eq!(boxes(&pages[0]), 3 * 7);
    }

    #[test]
    fn long_plans_break_between_stretches_and_stay_inside_the_margins() {
        let data = HandoutData {
            client_name: "Test Client".into(),
            stretches: (0..20).map(stretch).collect(),
            advice: (0..30)
                .map(|i| (format!("Advice {i}"), "Drink water and move often. ".repeat(1 + i % 9)))
                .collect(),
            contact: "Call 01234 567890\nmail@example.org".into(),
            ..HandoutData::default()
        };
        let pages = layout(&data);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let all = texts(&pages);
        for (_, y, text) in &all {
            assert!(
                *y > 0.0 && (*y <= CONTENT_BOTTOM + 1.0 || *y >= PAGE_H - 31.0),
                "{text} at {y}"
            );
        }
        for i in 0..20 {
            let title = format!("Stretch number {i}");
            let page = all.iter().find(|t| t.2 == title).map(|t| t.0);
            // Its dose is on the same page: a stretch does not break.
            let dose_pages: Vec<usize> = all
                .iter()
                .skip_while(|t| t.2 != title)
                .filter(|t| t.2.starts_with("Hold 30 s"))
                .map(|t| t.0)
                .take(1)
                .collect();
            assert_eq!(dose_pages.first().copied(), page, "{title}");
        }
        // The table header repeats on every page the stretches continue on.
        let header_pages: std::collections::BTreeSet<usize> =
            all.iter().filter(|t| t.2 == "Stretch").map(|t| t.0).collect();
        let stretch_pages: std::collections::BTreeSet<usize> = all
            .iter()
            .filter(|t| t.2.starts_with("Stretch number"))
            .map(|t| t.0)
            .collect();
        assert_eq!(header_pages, stretch_pages);
        let total = pages.len();
        for n in 1..=total {
            assert!(all.iter().any(|t| t.2 == format!("Page {n} of {total}")));
        }
        for i in 0..30 {
            assert!(all.iter().any(|t| t.2 == format!("Advice {i}")), "advice {i} lost");
        }
        assert!(all.iter().any(|t| t.2 == "mail@example.org"));
    }

    #[test]
    fn empty_sections_are_said_or_left_out() {
        let pages = layout(&HandoutData::default());
        let all: Vec<String> = texts(&pages).into_iter().map(|t| t.2).collect();
        assert!(all.contains(&"No stretches in this plan.".to_string()));
        assert!(!all.contains(&"Advice".to_string()));
        assert!(!all.contains(&"Questions or concerns?".to_string()));
        assert!(all.contains(&"Page 1 of 1".to_string()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Whatever the data, the handout renders, and nothing but the
        /// footer is drawn below the content area or off the page.
        #[test]
        fn any_data_renders(
            name in proptest::prelude::any::<String>(),
            stretches in proptest::collection::vec(proptest::prelude::any::<(String, String, String, String)>(), 0..10),
            advice in proptest::collection::vec(proptest::prelude::any::<(String, String)>(), 0..10),
            contact in proptest::prelude::any::<String>(),
        ) {
            let data = HandoutData {
                clinic: name.clone(),
                client_name: name.clone(),
                prepared_by: name,
                stretches: stretches
                    .into_iter()
                    .map(|(title, instructions, dose, feel)| HandoutStretch { title, instructions, dose, feel })
                    .collect(),
                advice,
                contact,
                ..HandoutData::default()
            };
            let pages = layout(&data);
            for (_, y, text) in texts(&pages) {
                proptest::prop_assert!(y.is_finite() && y > 0.0 && y < PAGE_H, "{} at {}", text, y);
                proptest::prop_assert!(y <= CONTENT_BOTTOM + 1.0 || y >= PAGE_H - 31.0, "{} at {}", text, y);
            }
            let pdf = render_handout_pdf(&data);
            proptest::prop_assert!(pdf.is_ok_and(|b| b.starts_with(b"%PDF-")));
        }
    }
}
