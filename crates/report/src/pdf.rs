//! The PDF progress report.
//!
//! Rendering happens in two passes. The layout pass walks the sections and
//! turns them into drawing operations on pages (top-down coordinates in
//! points), opening a new page whenever the next line, table row or row of
//! charts would run into the footer. Only then is the page count known, so
//! the footers ("Page n of m") are added and the emit pass hands everything
//! to `printpdf`.

use printpdf::lopdf::content::Operation;
use printpdf::path::{PaintMode, WindingOrder};
use printpdf::{
    BuiltinFont, Color, IndirectFontRef, Line, LineDashPattern, Mm, PdfDocument, PdfLayerReference, Point, Pt, Rect,
};

use crate::scale::{Geometry, PlacedPoint, PlotBox, direction, format_number, tick_values, value_range, with_unit};
use crate::text::{Font, ascii_fold, to_winansi, truncate, width, wrap};
use crate::{ChartSeries, OutcomeRow, ReportData, ReportError};

pub(crate) mod handout;

// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 50.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const LEFT: f32 = MARGIN_X;
const RIGHT: f32 = PAGE_W - MARGIN_X;
/// Where content starts on the first page (below the title block) and on
/// the following ones (below the running header).
const FIRST_PAGE_TOP: f32 = 110.0;
const NEXT_PAGE_TOP: f32 = 64.0;
/// Content must end above this line; the footer sits below it.
const CONTENT_BOTTOM: f32 = PAGE_H - 62.0;

const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 14.0;

#[derive(Debug, Clone, Copy)]
struct Rgb(f32, f32, f32);

const fn hex(v: u32) -> Rgb {
    Rgb(
        ((v >> 16) & 0xff) as f32 / 255.0,
        ((v >> 8) & 0xff) as f32 / 255.0,
        (v & 0xff) as f32 / 255.0,
    )
}

const INK: Rgb = hex(0x1f2933);
const MUTED: Rgb = hex(0x5f6b7a);
const ACCENT: Rgb = hex(0x0f766e);
const ACCENT_DARK: Rgb = hex(0x115e59);
const ACCENT_TINT: Rgb = hex(0xe3f1ef);
const PANEL: Rgb = hex(0xf4f7f7);
const RULE: Rgb = hex(0xd5dbe1);
const GRID: Rgb = hex(0xe6e9ed);
const ZEBRA: Rgb = hex(0xf8fafb);
const BAR: Rgb = hex(0x5fa9a1);
const SECOND: Rgb = hex(0xb45309);
const GOOD: Rgb = hex(0x15803d);
const BAD: Rgb = hex(0xb91c1c);
const WHITE: Rgb = hex(0xffffff);

/// One drawing operation, in points from the page's top-left corner.
#[derive(Debug, Clone)]
enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        font: Font,
        colour: Rgb,
        text: String,
    },
    Stroke {
        points: Vec<(f32, f32)>,
        width: f32,
        colour: Rgb,
        dash: Option<(i64, i64)>,
        closed: bool,
    },
    /// `y` is the top edge.
    FillRect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Rgb,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Rgb,
        stroke: Option<(Rgb, f32)>,
    },
}

/// The layout pass: pages of operations and a cursor.
struct Layout {
    pages: Vec<Vec<Op>>,
    /// The top of the free space on the current page.
    y: f32,
    running_header: String,
    prepared_on: String,
}

impl Layout {
    fn new(data: &ReportData) -> Self {
        Layout::start(
            &clean(&data.title, "Progress report"),
            &data.client_name,
            &data.prepared_on,
        )
    }

    /// A layout whose following pages are headed "`title` · `client`" and
    /// "Prepared on `prepared_on`" (`title` already cleaned).
    fn start(title: &str, client: &str, prepared_on: &str) -> Self {
        let client = to_winansi(client.trim());
        let running_header = if client.is_empty() {
            title.to_string()
        } else {
            format!("{title} · {client}")
        };
        Layout {
            pages: vec![Vec::new()],
            y: FIRST_PAGE_TOP,
            running_header,
            prepared_on: to_winansi(prepared_on.trim()),
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        let header = self.running_header.clone();
        let avail = CONTENT_W * 0.7;
        self.text(
            LEFT,
            38.0,
            8.0,
            Font::Regular,
            MUTED,
            &truncate(&header, Font::Regular, 8.0, avail),
        );
        if !self.prepared_on.is_empty() {
            let right = format!("Prepared on {}", self.prepared_on);
            self.text_right(RIGHT, 38.0, 8.0, Font::Regular, MUTED, &right);
        }
        self.hline(LEFT, RIGHT, 45.0, 0.5, RULE);
        self.y = NEXT_PAGE_TOP;
    }

    /// Starts a new page unless `h` points still fit on this one.
    /// Returns whether it did.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > CONTENT_BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, font: Font, colour: Rgb, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            y,
            size,
            font,
            colour,
            text: text.to_string(),
        });
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, font: Font, colour: Rgb, text: &str) {
        let w = width(text, font, size);
        self.text(right - w, y, size, font, colour, text);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, w: f32, colour: Rgb) {
        self.ops().push(Op::Stroke {
            points: vec![(x1, y), (x2, y)],
            width: w,
            colour,
            dash: None,
            closed: false,
        });
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.ops().push(Op::FillRect { x, y, w, h, colour });
    }

    /// A section heading, kept on one page with the first `keep` points of
    /// what follows it.
    fn heading(&mut self, title: &str, keep: f32) {
        let top_of_page = self.y <= NEXT_PAGE_TOP || (self.y <= FIRST_PAGE_TOP && self.pages.len() == 1);
        let gap = if top_of_page { 0.0 } else { 16.0 };
        if !self.ensure(gap + 26.0 + keep) {
            self.y += gap;
        }
        let y = self.y;
        self.text(LEFT, y + 13.0, 12.5, Font::Bold, ACCENT_DARK, title);
        self.hline(LEFT, RIGHT, y + 19.0, 0.6, RULE);
        self.y = y + 27.0;
    }

    /// Wrapped text, one line at a time so that it may break across pages.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(&mut self, text: &str, x: f32, w: f32, size: f32, leading: f32, font: Font, colour: Rgb) {
        for line in wrap(&to_winansi(text), font, size, w) {
            self.ensure(leading);
            let y = self.y;
            self.text(x, y + size, size, font, colour, &line);
            self.y += leading;
        }
    }

    /// A "Label   value" pair with the value wrapped beside the label.
    fn field(&mut self, label: &str, value: &str) {
        const LABEL_W: f32 = 86.0;
        let lines = wrap(
            &clean(value, "Not recorded"),
            Font::Regular,
            BODY_SIZE,
            CONTENT_W - LABEL_W,
        );
        for (i, line) in lines.iter().enumerate() {
            self.ensure(BODY_LEADING);
            let y = self.y + BODY_SIZE;
            if i == 0 {
                self.text(LEFT, y, 9.0, Font::Bold, MUTED, label);
            }
            self.text(LEFT + LABEL_W, y, BODY_SIZE, Font::Regular, INK, line);
            self.y += BODY_LEADING;
        }
        self.y += 4.0;
    }
}

/// Like [`wrap`], but at most `max_lines` lines, the last one cut with an
/// ellipsis: for blocks that cannot break across pages (table rows, panel
/// cells), so that no text can make one taller than a page.
fn wrap_at_most(text: &str, font: Font, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(text, font, size, width);
    if lines.len() > max_lines && max_lines > 0 {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(truncate(&rest, font, size, width));
    }
    lines
}

/// `text` reduced to WinAnsi and trimmed, or `fallback` when empty.
fn clean(text: &str, fallback: &str) -> String {
    let t = to_winansi(text.trim());
    let t = t.trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// Renders the progress report as an A4 PDF.
///
/// Sections, in this order, each under its heading: *Identification*
/// (client, date of birth, clinic, report date), *Condition and
/// suitability*, *Sessions attended*, *Outcome measures* (measure, baseline,
/// latest, change, verdict), *Progress charts* (two per row, drawn with
/// vector lines), *Trigger points treated most* (most treated first, with
/// bars), *Home-care advice given* ("None recorded." when empty), *Plan*.
/// Pages break wherever content would run into the footer; the outcome
/// table repeats its header on a new page; a heading never ends a page.
/// Every footer carries [`ReportData::footer`] and "Page n of m".
/// Blocks that cannot break across pages (a table row, an identification
/// cell, a chart title, a trigger point's name) are cut with an ellipsis
/// rather than run off the page.
///
/// Text is set in the built-in Helvetica fonts; characters they cannot draw
/// are replaced as described in the crate docs.
///
/// # Errors
///
/// [`ReportError::Pdf`] when the PDF library fails to build or serialise
/// the document.
pub fn render_pdf(data: &ReportData) -> Result<Vec<u8>, ReportError> {
    let pages = layout(data);
    emit(data, &pages)
}

fn layout(data: &ReportData) -> Vec<Vec<Op>> {
    let mut l = Layout::new(data);
    title_block(&mut l, data);
    identification(&mut l, data);

    l.heading("Condition and suitability", 2.0 * BODY_LEADING);
    l.field("Condition", &data.condition);
    l.field("Suitability", &data.suitability);

    l.heading("Sessions attended", BODY_LEADING);
    let sessions = clean(&data.sessions_attended, "None recorded.");
    l.paragraph(&sessions, LEFT, CONTENT_W, BODY_SIZE, BODY_LEADING, Font::Regular, INK);

    outcome_table(&mut l, &data.outcomes);
    charts(&mut l, &data.charts);
    trigger_points(&mut l, &data.trigger_points);
    home_care(&mut l, &data.home_care);

    l.heading("Plan", BODY_LEADING);
    let paragraphs: Vec<&str> = data.plan.lines().map(str::trim).filter(|p| !p.is_empty()).collect();
    if paragraphs.is_empty() {
        l.paragraph(
            "None recorded.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
    }
    for p in paragraphs {
        l.paragraph(p, LEFT, CONTENT_W, BODY_SIZE, BODY_LEADING, Font::Regular, INK);
        l.y += 4.0;
    }

    let mut pages = l.pages;
    footers(&mut pages, &clean(&data.footer, ""));
    pages
}

fn title_block(l: &mut Layout, data: &ReportData) {
    let title = clean(&data.title, "Progress report");
    title_block_of(l, &data.clinic, &title, &data.prepared_on);
}

/// The first page's title block: the clinic, a large title (already
/// cleaned) with the date on the right, and a rule.
fn title_block_of(l: &mut Layout, clinic: &str, title: &str, prepared_on: &str) {
    let clinic = clean(clinic, "");
    l.text(
        LEFT,
        56.0,
        10.0,
        Font::Bold,
        ACCENT,
        &truncate(&clinic, Font::Bold, 10.0, CONTENT_W),
    );
    let prepared = clean(prepared_on, "");
    let prepared = if prepared.is_empty() {
        prepared
    } else {
        format!("Prepared on {prepared}")
    };
    let prepared_w = width(&prepared, Font::Regular, 9.0);
    let title = truncate(title, Font::Bold, 22.0, CONTENT_W - prepared_w - 16.0);
    l.text(LEFT, 84.0, 22.0, Font::Bold, INK, &title);
    l.text_right(RIGHT, 84.0, 9.0, Font::Regular, MUTED, &prepared);
    l.hline(LEFT, RIGHT, 95.0, 1.6, ACCENT);
    l.y = FIRST_PAGE_TOP;
}

/// Client, date of birth, clinic and report date in a shaded two-column panel.
fn identification(l: &mut Layout, data: &ReportData) {
    const PAD: f32 = 10.0;
    const GAP: f32 = 20.0;
    let col_w = (CONTENT_W - 2.0 * PAD - GAP) / 2.0;
    let cells = [
        ("CLIENT", clean(&data.client_name, "Not recorded")),
        ("DATE OF BIRTH", clean(&data.date_of_birth, "Not recorded")),
        ("CLINIC", clean(&data.clinic, "Not recorded")),
        ("REPORT DATE", clean(&data.prepared_on, "Not recorded")),
    ];
    let wrapped: Vec<(&str, Vec<String>)> = cells
        .iter()
        .map(|(label, value)| (*label, wrap_at_most(value, Font::Regular, 10.5, col_w, 4)))
        .collect();
    let row_h = |a: &[String], b: &[String]| 12.0 + 14.0 * a.len().max(b.len()).max(1) as f32 + 10.0;
    let rows: Vec<f32> = wrapped
        .chunks(2)
        .map(|c| row_h(&c[0].1, c.get(1).map_or(&[][..], |x| &x.1)))
        .collect();
    let total: f32 = rows.iter().sum::<f32>() + 2.0 * PAD - 10.0;

    l.heading("Identification", total.min(200.0));
    let top = l.y;
    l.fill(LEFT, top, CONTENT_W, total, PANEL);
    let mut y = top + PAD;
    for (row, h) in wrapped.chunks(2).zip(&rows) {
        for (i, (label, lines)) in row.iter().enumerate() {
            let x = LEFT + PAD + i as f32 * (col_w + GAP);
            l.text(x, y + 7.0, 7.0, Font::Bold, MUTED, label);
            for (k, line) in lines.iter().enumerate() {
                l.text(x, y + 22.0 + 14.0 * k as f32, 10.5, Font::Regular, INK, line);
            }
        }
        y += h;
    }
    l.y = top + total + 4.0;
}

const OUTCOME_COLUMNS: [(&str, f32); 5] = [
    ("Measure", 163.0),
    ("Baseline", 66.0),
    ("Latest", 66.0),
    ("Change", 66.0),
    ("Verdict", CONTENT_W - 163.0 - 3.0 * 66.0),
];
const CELL_PAD: f32 = 6.0;
/// A table row must fit on a page: 40 lines of 12 points do.
const MAX_CELL_LINES: usize = 40;
const TABLE_SIZE: f32 = 9.0;
const TABLE_LEADING: f32 = 12.0;

fn table_header(l: &mut Layout) {
    let y = l.y;
    l.fill(LEFT, y, CONTENT_W, 20.0, ACCENT_TINT);
    let mut x = LEFT;
    for (name, w) in OUTCOME_COLUMNS {
        l.text(x + CELL_PAD, y + 13.5, 8.5, Font::Bold, ACCENT_DARK, name);
        x += w;
    }
    l.y = y + 20.0;
}

fn verdict_colour(verdict: &str) -> Rgb {
    let v = verdict.to_ascii_lowercase();
    if v.contains("worse") {
        BAD
    } else if v.contains("improv") {
        GOOD
    } else {
        MUTED
    }
}

fn outcome_table(l: &mut Layout, rows: &[OutcomeRow]) {
    if rows.is_empty() {
        l.heading("Outcome measures", BODY_LEADING);
        l.paragraph(
            "No outcome measures recorded.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
        return;
    }
    l.heading("Outcome measures", 20.0 + 2.0 * TABLE_LEADING + 8.0);
    table_header(l);
    for (n, row) in rows.iter().enumerate() {
        let cells = [&row.measure, &row.baseline, &row.latest, &row.change, &row.verdict];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(OUTCOME_COLUMNS)
            .enumerate()
            .map(|(i, (text, (_, w)))| {
                let font = if i == 0 { Font::Bold } else { Font::Regular };
                let inner = if i == 4 {
                    w - 2.0 * CELL_PAD - 9.0
                } else {
                    w - 2.0 * CELL_PAD
                };
                let lines = wrap_at_most(&to_winansi(text), font, TABLE_SIZE, inner, MAX_CELL_LINES);
                if lines.is_empty() { vec!["-".to_string()] } else { lines }
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let h = TABLE_LEADING * lines as f32 + 9.0;
        if l.ensure(h) {
            table_header(l);
        }
        let y = l.y;
        if n % 2 == 1 {
            l.fill(LEFT, y, CONTENT_W, h, ZEBRA);
        }
        let mut x = LEFT;
        for (i, (cell, (_, w))) in wrapped.iter().zip(OUTCOME_COLUMNS).enumerate() {
            let (font, colour, indent) = match i {
                0 => (Font::Bold, INK, 0.0),
                4 => (Font::Regular, verdict_colour(&row.verdict), 9.0),
                _ => (Font::Regular, INK, 0.0),
            };
            if i == 4 {
                l.ops().push(Op::Circle {
                    cx: x + CELL_PAD + 2.8,
                    cy: y + 5.0 + TABLE_SIZE * 0.55,
                    r: 2.8,
                    fill: colour,
                    stroke: None,
                });
            }
            for (k, line) in cell.iter().enumerate() {
                l.text(
                    x + CELL_PAD + indent,
                    y + 4.5 + TABLE_SIZE + TABLE_LEADING * k as f32,
                    TABLE_SIZE,
                    font,
                    colour,
                    line,
                );
            }
            x += w;
        }
        l.hline(LEFT, RIGHT, y + h, 0.5, GRID);
        l.y = y + h;
    }
}

const CHART_GAP: f32 = 14.0;
const CHART_H: f32 = 178.0;

fn charts(l: &mut Layout, charts: &[ChartSeries]) {
    if charts.is_empty() {
        l.heading("Progress charts", BODY_LEADING);
        l.paragraph(
            "No charts.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
        return;
    }
    l.heading("Progress charts", CHART_H);
    let w = (CONTENT_W - CHART_GAP) / 2.0;
    for (i, pair) in charts.chunks(2).enumerate() {
        // Titles get up to two lines; both charts of a row get the same
        // number so that their plots line up.
        let titles: Vec<Vec<String>> = pair.iter().map(|s| chart_title(s, w - 2.0 * CHART_PAD)).collect();
        let title_lines = titles.iter().map(Vec::len).max().unwrap_or(1);
        let h = CHART_H + CHART_TITLE_LEADING * (title_lines - 1) as f32;
        if i > 0 {
            l.y += CHART_GAP;
        }
        l.ensure(h);
        let y = l.y;
        for (k, (series, title)) in pair.iter().zip(&titles).enumerate() {
            let x = LEFT + k as f32 * (w + CHART_GAP);
            chart(l, series, title, title_lines, (x, y, w, h));
        }
        l.y = y + h;
    }
}

const CHART_PAD: f32 = 9.0;
const CHART_TITLE_LEADING: f32 = 11.0;

/// A chart's title in at most two lines, the second cut with an ellipsis.
fn chart_title(series: &ChartSeries, max: f32) -> Vec<String> {
    let title = clean(&series.title, "Untitled measure");
    let mut lines = wrap_at_most(&title, Font::Bold, 9.0, max, 2);
    if lines.is_empty() {
        lines.push(title);
    }
    lines
}

/// Draws one chart in the box at (`x`, `y`) of `w` by `h` points, with its
/// title already broken into lines (`title_lines` is the row's most).
fn chart(
    l: &mut Layout,
    series: &ChartSeries,
    title: &[String],
    title_lines: usize,
    (x, y, w, h): (f32, f32, f32, f32),
) {
    const PAD: f32 = CHART_PAD;
    l.ops().push(Op::Stroke {
        points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        width: 0.6,
        colour: RULE,
        dash: None,
        closed: true,
    });
    for (k, line) in title.iter().enumerate() {
        l.text(
            x + PAD,
            y + PAD + 8.0 + CHART_TITLE_LEADING * k as f32,
            9.0,
            Font::Bold,
            INK,
            line,
        );
    }
    let own_lines = CHART_TITLE_LEADING * (title.len().max(1) - 1) as f32;
    l.text(
        x + PAD,
        y + PAD + 19.0 + own_lines,
        7.0,
        Font::Regular,
        MUTED,
        direction(series),
    );
    let below_title = CHART_TITLE_LEADING * (title_lines - 1) as f32;

    let (lo, hi) = value_range(series);
    let widest_tick = tick_values(lo, hi)
        .into_iter()
        .map(|v| width(&format_number(v), Font::Regular, 6.5))
        .fold(0.0_f32, f32::max);
    let has_legend = series.second.is_some() || series.first_legend.is_some();
    let plot = PlotBox {
        left: f64::from(x + PAD + widest_tick + 5.0),
        right: f64::from(x + w - PAD - 2.0),
        top: f64::from(y + PAD + 30.0 + below_title),
        bottom: f64::from(y + h - if has_legend { 34.0 } else { 22.0 }),
    };
    let label_w = series
        .points
        .iter()
        .chain(series.second.iter().flat_map(|(_, p)| p.iter()))
        .map(|p| width(&to_winansi(&p.label), Font::Regular, 6.5))
        .fold(0.0_f32, f32::max);
    let g = Geometry::new(series, plot, f64::from(label_w));
    let (left, right, top, bottom) = (plot.left as f32, plot.right as f32, plot.top as f32, plot.bottom as f32);

    for (v, ty) in &g.ticks {
        let ty = *ty as f32;
        l.hline(left, right, ty, 0.4, GRID);
        l.text_right(left - 4.0, ty + 2.3, 6.5, Font::Regular, MUTED, &format_number(*v));
    }
    l.ops().push(Op::Stroke {
        points: vec![(left, top), (left, bottom), (right, bottom)],
        width: 0.6,
        colour: MUTED,
        dash: None,
        closed: false,
    });
    for &i in &g.shown_labels {
        if let Some((label, lx)) = g.categories.get(i) {
            let lx = *lx as f32;
            let label = to_winansi(label);
            let lw = width(&label, Font::Regular, 6.5);
            let lx0 = (lx - lw / 2.0).clamp(x + 2.0, x + w - 2.0 - lw);
            l.ops().push(Op::Stroke {
                points: vec![(lx, bottom), (lx, bottom + 2.5)],
                width: 0.5,
                colour: MUTED,
                dash: None,
                closed: false,
            });
            l.text(lx0, bottom + 10.0, 6.5, Font::Regular, MUTED, &label);
        }
    }

    if g.first.is_empty() && g.second.is_empty() {
        let msg = "No measurements yet";
        let mw = width(msg, Font::Regular, 8.0);
        l.text(
            (left + right - mw) / 2.0,
            (top + bottom) / 2.0,
            8.0,
            Font::Regular,
            MUTED,
            msg,
        );
    }
    line(l, &g.second, &series.unit, top, SECOND, true);
    line(l, &g.first, &series.unit, top, ACCENT, false);

    if has_legend {
        let ly = y + h - 9.0;
        let mut lx = x + PAD;
        let first_name = series.first_legend.clone().unwrap_or_else(|| clean(&series.title, ""));
        let mut entries = vec![(first_name, false)];
        if let Some((name, _)) = &series.second {
            entries.push((name.clone(), true));
        }
        for (name, dashed) in entries {
            let name = to_winansi(&name);
            let colour = if dashed { SECOND } else { ACCENT };
            l.ops().push(Op::Stroke {
                points: vec![(lx, ly - 2.3), (lx + 16.0, ly - 2.3)],
                width: 1.4,
                colour,
                dash: dashed.then_some((3, 2)),
                closed: false,
            });
            let avail = (x + w - PAD) - (lx + 20.0);
            let name = truncate(&name, Font::Regular, 7.0, avail.max(10.0));
            l.text(lx + 20.0, ly, 7.0, Font::Regular, INK, &name);
            lx += 20.0 + width(&name, Font::Regular, 7.0) + 14.0;
        }
    }
}

fn line(l: &mut Layout, points: &[PlacedPoint], unit: &str, top: f32, colour: Rgb, dashed: bool) {
    if points.len() > 1 {
        l.ops().push(Op::Stroke {
            points: points.iter().map(|p| (p.x as f32, p.y as f32)).collect(),
            width: if dashed { 1.2 } else { 1.5 },
            colour,
            dash: dashed.then_some((3, 2)),
            closed: false,
        });
    }
    if let [only] = points {
        // A lone measurement gets its value written beside it.
        let text = to_winansi(&with_unit(only.value, unit));
        let tw = width(&text, Font::Bold, 7.0);
        let (x, y) = (only.x as f32, only.y as f32);
        let above = y - 5.0 > top + 8.0;
        l.text(
            x - tw / 2.0,
            if above { y - 5.0 } else { y + 10.0 },
            7.0,
            Font::Bold,
            colour,
            &text,
        );
    }
    for p in points {
        let (fill, stroke) = if dashed {
            (WHITE, (colour, 1.0))
        } else {
            (colour, (WHITE, 0.8))
        };
        l.ops().push(Op::Circle {
            cx: p.x as f32,
            cy: p.y as f32,
            r: 2.4,
            fill,
            stroke: Some(stroke),
        });
    }
}

fn trigger_points(l: &mut Layout, points: &[(String, u32)]) {
    const ROW: f32 = 16.0;
    const NAME_W: f32 = 250.0;
    const COUNT_W: f32 = 56.0;
    if points.is_empty() {
        l.heading("Trigger points treated most", BODY_LEADING);
        l.paragraph(
            "None recorded.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
        return;
    }
    l.heading("Trigger points treated most", 2.0 * ROW);
    let mut sorted: Vec<&(String, u32)> = points.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.1));
    let most = sorted.first().map_or(1, |p| p.1).max(1);
    let bar_x = LEFT + NAME_W + 12.0;
    let bar_max = CONTENT_W - NAME_W - 12.0 - COUNT_W - 8.0;
    for (name, count) in sorted {
        let lines = wrap_at_most(&clean(name, "Unnamed point"), Font::Regular, 9.5, NAME_W, 6);
        let h = ROW + 12.0 * (lines.len().max(1) - 1) as f32;
        l.ensure(h);
        let y = l.y;
        for (k, line) in lines.iter().enumerate() {
            l.text(LEFT, y + 11.0 + 12.0 * k as f32, 9.5, Font::Regular, INK, line);
        }
        let bar = bar_max * (*count as f32) / (most as f32);
        l.fill(bar_x, y + 4.0, bar_max, 8.0, GRID);
        if bar > 0.0 {
            l.fill(bar_x, y + 4.0, bar, 8.0, BAR);
        }
        let label = if *count == 1 {
            "1 time".to_string()
        } else {
            format!("{count} times")
        };
        l.text_right(RIGHT, y + 11.0, 9.0, Font::Regular, MUTED, &label);
        l.y = y + h;
    }
}

fn home_care(l: &mut Layout, advice: &[String]) {
    let items: Vec<String> = advice.iter().map(|a| clean(a, "")).filter(|a| !a.is_empty()).collect();
    l.heading("Home-care advice given", BODY_LEADING);
    if items.is_empty() {
        l.paragraph(
            "None recorded.",
            LEFT,
            CONTENT_W,
            BODY_SIZE,
            BODY_LEADING,
            Font::Regular,
            MUTED,
        );
        return;
    }
    for item in items {
        let lines = wrap(&item, Font::Regular, BODY_SIZE, CONTENT_W - 14.0);
        // Short items stay on one page; long ones may break.
        if lines.len() <= 4 {
            l.ensure(BODY_LEADING * lines.len() as f32);
        }
        for (k, line) in lines.iter().enumerate() {
            l.ensure(BODY_LEADING);
            let y = l.y;
            if k == 0 {
                l.ops().push(Op::Circle {
                    cx: LEFT + 3.5,
                    cy: y + BODY_SIZE * 0.68,
                    r: 1.7,
                    fill: ACCENT,
                    stroke: None,
                });
            }
            l.text(LEFT + 14.0, y + BODY_SIZE, BODY_SIZE, Font::Regular, INK, line);
            l.y += BODY_LEADING;
        }
        l.y += 3.0;
    }
}

fn footers(pages: &mut [Vec<Op>], footer: &str) {
    let total = pages.len();
    for (i, ops) in pages.iter_mut().enumerate() {
        let number = format!("Page {} of {}", i + 1, total);
        let number_w = width(&number, Font::Regular, 8.0);
        let y = PAGE_H - 30.0;
        ops.push(Op::Stroke {
            points: vec![(LEFT, PAGE_H - 44.0), (RIGHT, PAGE_H - 44.0)],
            width: 0.5,
            colour: RULE,
            dash: None,
            closed: false,
        });
        let text = truncate(footer, Font::Regular, 8.0, CONTENT_W - number_w - 20.0);
        if !text.is_empty() {
            ops.push(Op::Text {
                x: LEFT,
                y,
                size: 8.0,
                font: Font::Regular,
                colour: MUTED,
                text,
            });
        }
        ops.push(Op::Text {
            x: RIGHT - number_w,
            y,
            size: 8.0,
            font: Font::Regular,
            colour: MUTED,
            text: number,
        });
    }
}

fn colour(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(c.0, c.1, c.2, None))
}

fn point(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y),
    }
}

fn emit(data: &ReportData, pages: &[Vec<Op>]) -> Result<Vec<u8>, ReportError> {
    let title = clean(&data.title, "Progress report");
    emit_document(&title, &data.client_name, pages)
}

/// Writes the pages as a PDF whose metadata title is "`title` - `client`".
fn emit_document(title: &str, client: &str, pages: &[Vec<Op>]) -> Result<Vec<u8>, ReportError> {
    let pdf_err = |e: printpdf::Error| ReportError::Pdf(e.to_string());
    // printpdf writes the document title as UTF-8 bytes in a string that
    // readers take for PDFDocEncoding: keep it ASCII.
    let title = format!("{title} - {}", clean(client, ""));
    let title = ascii_fold(title.trim_end_matches([' ', '-']));
    let (doc, first_page, first_layer) = PdfDocument::new(title, Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), "Report");
    let regular = doc.add_builtin_font(BuiltinFont::Helvetica).map_err(pdf_err)?;
    let bold = doc.add_builtin_font(BuiltinFont::HelveticaBold).map_err(pdf_err)?;
    for (i, ops) in pages.iter().enumerate() {
        let (page, layer) = if i == 0 {
            (first_page, first_layer)
        } else {
            doc.add_page(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), "Report")
        };
        let layer = doc.get_page(page).get_layer(layer);
        for op in ops {
            emit_op(&layer, op, &regular, &bold);
        }
    }
    doc.save_to_bytes().map_err(pdf_err)
}

fn emit_op(layer: &PdfLayerReference, op: &Op, regular: &IndirectFontRef, bold: &IndirectFontRef) {
    match op {
        Op::Text {
            x,
            y,
            size,
            font,
            colour: c,
            text,
        } => {
            let font = match font {
                Font::Regular => regular,
                Font::Bold => bold,
            };
            layer.set_fill_color(colour(*c));
            layer.use_text(text.as_str(), *size, Mm::from(Pt(*x)), Mm::from(Pt(PAGE_H - y)), font);
        }
        Op::Stroke {
            points,
            width,
            colour: c,
            dash,
            closed,
        } => {
            layer.save_graphics_state();
            layer.set_outline_color(colour(*c));
            layer.set_outline_thickness(*width);
            layer.set_line_join_style(printpdf::LineJoinStyle::Round);
            if let Some((on, off)) = dash {
                layer.set_line_dash_pattern(LineDashPattern {
                    dash_1: Some(*on),
                    gap_1: Some(*off),
                    ..LineDashPattern::default()
                });
            }
            layer.add_line(Line {
                points: points.iter().map(|(x, y)| (point(*x, *y), false)).collect(),
                is_closed: *closed,
            });
            layer.restore_graphics_state();
        }
        Op::FillRect { x, y, w, h, colour: c } => {
            layer.set_fill_color(colour(*c));
            layer.add_rect(Rect {
                ll: point(*x, y + h),
                ur: point(x + w, *y),
                mode: PaintMode::Fill,
                winding: WindingOrder::NonZero,
            });
        }
        Op::Circle {
            cx,
            cy,
            r,
            fill,
            stroke,
        } => {
            // Four cubic Béziers; k is the usual circle approximation.
            let k = 0.552_284_8 * r;
            let (cx, cy) = (*cx, PAGE_H - cy);
            let r = *r;
            layer.save_graphics_state();
            layer.set_fill_color(colour(*fill));
            if let Some((c, w)) = stroke {
                layer.set_outline_color(colour(*c));
                layer.set_outline_thickness(*w);
            }
            let ops = [
                ("m", vec![cx + r, cy]),
                ("c", vec![cx + r, cy + k, cx + k, cy + r, cx, cy + r]),
                ("c", vec![cx - k, cy + r, cx - r, cy + k, cx - r, cy]),
                ("c", vec![cx - r, cy - k, cx - k, cy - r, cx, cy - r]),
                ("c", vec![cx + k, cy - r, cx + r, cy - k, cx + r, cy]),
            ];
            for (name, args) in ops {
                layer.add_operation(Operation::new(name, args.into_iter().map(Into::into).collect()));
            }
            layer.add_operation(Operation::new(if stroke.is_some() { "b" } else { "f" }, vec![]));
            layer.restore_graphics_state();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_with_home_care(n: usize) -> ReportData {
        ReportData {
            client_name: "Test Client".into(),
            home_care: (0..n)
                .map(|i| format!("Advice number {i}, stretch gently twice a day"))
                .collect(),
            ..ReportData::default()
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

    #[test]
    fn long_lists_break_onto_new_pages_and_stay_inside_the_margins() {
        let pages = layout(&data_with_home_care(120));
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (_, y, text) in texts(&pages) {
            let in_footer = text.starts_with("Page ");
            assert!(y > 0.0 && y < PAGE_H, "{text} at {y}");
            if !in_footer {
                assert!(y <= CONTENT_BOTTOM + 1.0, "{text} runs into the footer at {y}");
            }
        }
        let all: Vec<String> = texts(&pages).into_iter().map(|t| t.2).collect();
        for i in 0..120 {
            assert!(
                all.iter().any(|t| t.starts_with(&format!("Advice number {i},"))),
                "advice {i} lost"
            );
        }
        let total = pages.len();
        for n in 1..=total {
            assert!(all.contains(&format!("Page {n} of {total}")));
        }
    }

    #[test]
    fn headings_come_in_order_and_empty_sections_say_so() {
        let pages = layout(&ReportData::default());
        let all: Vec<String> = texts(&pages).into_iter().map(|t| t.2).collect();
        let order = [
            "Identification",
            "Condition and suitability",
            "Sessions attended",
            "Outcome measures",
            "Progress charts",
            "Trigger points treated most",
            "Home-care advice given",
            "Plan",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|h| all.iter().position(|t| t == h).unwrap_or(usize::MAX))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1] && w[1] != usize::MAX),
            "{positions:?}"
        );
        assert!(all.iter().filter(|t| *t == "None recorded.").count() >= 3);
    }

    #[test]
    fn huge_cells_stay_on_the_page() {
        let huge = "word ".repeat(5000);
        let data = ReportData {
            client_name: huge.clone(),
            outcomes: vec![OutcomeRow {
                measure: huge.clone(),
                verdict: huge.clone(),
                ..OutcomeRow::default()
            }],
            trigger_points: vec![(huge.clone(), 3)],
            charts: vec![ChartSeries {
                title: huge.clone(),
                ..ChartSeries::default()
            }],
            plan: huge,
            ..ReportData::default()
        };
        let pages = layout(&data);
        for (_, y, text) in texts(&pages) {
            assert!(y <= CONTENT_BOTTOM + 1.0 || y >= PAGE_H - 31.0, "{text} at {y}");
        }
        assert!(render_pdf(&data).is_ok());
    }

    #[test]
    fn a_heading_is_never_last_on_a_page() {
        for n in 0..60 {
            let pages = layout(&data_with_home_care(n));
            for ops in &pages {
                let page_texts: Vec<(f32, &str)> = ops
                    .iter()
                    .filter_map(|op| match op {
                        Op::Text { y, text, .. } if *y <= CONTENT_BOTTOM => Some((*y, text.as_str())),
                        _ => None,
                    })
                    .collect();
                let lowest = page_texts
                    .iter()
                    .fold((0.0_f32, ""), |acc, t| if t.0 > acc.0 { *t } else { acc });
                assert_ne!(lowest.1, "Home-care advice given", "with {n} items");
                assert_ne!(lowest.1, "Plan", "with {n} items");
            }
        }
    }

    fn any_series() -> impl proptest::strategy::Strategy<Value = ChartSeries> {
        use proptest::prelude::*;
        let point = (any::<String>(), any::<f64>()).prop_map(|(label, value)| crate::ChartPoint { label, value });
        let points = prop::collection::vec(point, 0..12);
        (
            any::<String>(),
            points.clone(),
            any::<f64>(),
            any::<f64>(),
            any::<bool>(),
            prop::option::of((any::<String>(), points)),
        )
            .prop_map(|(title, points, min, max, higher_is_better, second)| ChartSeries {
                title,
                unit: "%".into(),
                points,
                min,
                max,
                higher_is_better,
                second,
                first_legend: None,
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Whatever the data, the report renders, and nothing but the
        /// footer is drawn below the content area or off the page.
        #[test]
        fn any_data_renders(
            name in proptest::prelude::any::<String>(),
            plan in proptest::prelude::any::<String>(),
            rows in proptest::collection::vec(proptest::prelude::any::<(String, String, String, String, String)>(), 0..8),
            charts in proptest::collection::vec(any_series(), 0..5),
            points in proptest::collection::vec(proptest::prelude::any::<(String, u32)>(), 0..20),
            advice in proptest::collection::vec(proptest::prelude::any::<String>(), 0..10),
        ) {
            let data = ReportData {
                client_name: name.clone(),
                clinic: name,
                plan,
                outcomes: rows
                    .into_iter()
                    .map(|(measure, baseline, latest, change, verdict)| OutcomeRow { measure, baseline, latest, change, verdict })
                    .collect(),
                charts,
                trigger_points: points,
                home_care: advice,
                ..ReportData::default()
            };
            let pages = layout(&data);
            for (_, y, text) in texts(&pages) {
                proptest::prop_assert!(y.is_finite() && y > 0.0 && y < PAGE_H, "{} at {}", text, y);
                proptest::prop_assert!(y <= CONTENT_BOTTOM + 1.0 || text.starts_with("Page ") || y >= PAGE_H - 31.0, "{} at {}", text, y);
            }
            let pdf = render_pdf(&data);
            proptest::prop_assert!(pdf.is_ok_and(|b| b.starts_with(b"%PDF-")));
        }
    }
}
