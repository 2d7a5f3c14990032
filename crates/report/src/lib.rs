//! Myomap's progress-report rendering: an SVG line chart for the web pages
//! ([`svg_chart`]), a PDF progress report for a client or a referring
//! physician ([`render_pdf`]) and the client's home-care handout
//! ([`render_handout_pdf`]).
//!
//! # What it does
//!
//! Both functions take **prepared** data: plain strings and numbers that the
//! caller has already fetched, scored, classified and formatted
//! ([`ChartSeries`], [`ReportData`]). This crate only lays them out:
//!
//! - [`svg_chart`] gives a standalone `<svg>` element: accessible
//!   (`role="img"`, `<title>`, `aria-label`), every text XML-escaped, no
//!   inline `style` (the web layer's Content-Security-Policy forbids it):
//!   looks come from class names (`progress-chart`, `chart-line`,
//!   `chart-point` ...) and presentation attributes.
//! - [`render_pdf`] gives the bytes of an A4 PDF with the sections of the
//!   progress report in a fixed order (identification; condition and
//!   suitability; sessions attended; outcome measures; progress charts;
//!   trigger points treated most; home-care advice given; plan), the charts
//!   drawn natively as vector lines (the same geometry as the SVG), page
//!   breaks wherever content overflows (table headers repeat), and
//!   "Page n of m" in every footer.
//! - [`render_handout_pdf`] gives the A4 home-care handout in the same style:
//!   who it is for and from, the stretches (each with its instructions, dose
//!   and how it should feel, beside a row of seven tick boxes, one per day
//!   of the week), the advice, and how to reach the clinic; "Page n of m" in
//!   every footer.
//!
//! # What it must not do
//!
//! No I/O of any kind: no database, no HTTP, no file system, no fonts or
//! images loaded at run time, no environment. It does not score, classify or
//! decide anything clinical either: verdicts such as "meaningful improvement"
//! arrive as text. (The PDF library stamps the creation time from the clock
//! into the document's metadata; nothing else is read.)
//!
//! # Fonts and characters
//!
//! The PDF uses the base-14 fonts Helvetica and Helvetica-Bold, which every
//! PDF viewer has, so nothing is embedded and the file stays small. Those
//! fonts draw the WinAnsi (Windows-1252) characters only: ASCII, Latin-1
//! (é, ü, ñ, ², ° ...) and curly quotes, dashes, the bullet and the euro
//! sign. Other characters are mapped before layout: letters of Latin
//! Extended-A lose their accents (ł → l, ő → o, ș → s), a few symbols get an
//! ASCII spelling (≤ → `<=`, → → `->`, the minus sign → `-`), and anything
//! else (Greek, Cyrillic, CJK, emoji) becomes `?`. The SVG keeps every
//! character as it is, since browsers have the fonts.

mod metrics;
mod pdf;
mod scale;
mod svg;
mod text;

pub use pdf::handout::render_handout_pdf;
pub use pdf::render_pdf;
pub use svg::svg_chart;

/// One measurement on a chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartPoint {
    /// Where on the x axis, e.g. the date `"2026-11-02"`.
    pub label: String,
    pub value: f64,
}

/// One chart: a measure over time, optionally with a second, dashed line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartSeries {
    /// E.g. `"Neck Disability Index (%)"`.
    pub title: String,
    /// E.g. `"%"`, `"points"`, `"kg/cm²"`, `"/10"`; shown with values in tooltips.
    pub unit: String,
    /// In time order; may hold a single point (or none).
    pub points: Vec<ChartPoint>,
    /// The scale's range (e.g. 0..100): the y axis. Values outside it are
    /// drawn at the nearest end; an unusable range (`min >= max`, not finite)
    /// falls back to the data's own.
    pub min: f64,
    pub max: f64,
    pub higher_is_better: bool,
    /// A second line drawn dashed, same labels (e.g. NPRS after the session
    /// next to before): its legend and its points.
    pub second: Option<(String, Vec<ChartPoint>)>,
    /// The legend of the first line, if it needs one.
    pub first_legend: Option<String>,
}

/// One row of the outcome table, already formatted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutcomeRow {
    pub measure: String,
    pub baseline: String,
    pub latest: String,
    pub change: String,
    /// `"meaningful improvement"`, `"no meaningful change"`,
    /// `"meaningful worsening"` or `"no MCID"`; improvement is set in green,
    /// worsening in red, anything else in grey.
    pub verdict: String,
}

/// Everything the PDF progress report shows, already prepared.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportData {
    pub clinic: String,
    /// E.g. `"Progress report"`.
    pub title: String,
    /// The report's date.
    pub prepared_on: String,
    pub client_name: String,
    pub date_of_birth: String,
    pub condition: String,
    /// E.g. `"Suitable with precautions: gentle pressure only …"`.
    pub suitability: String,
    /// E.g. `"8 sessions, 2026-09-01 to 2026-11-20"`.
    pub sessions_attended: String,
    pub outcomes: Vec<OutcomeRow>,
    pub charts: Vec<ChartSeries>,
    /// Trigger point (e.g. `"Upper trapezius (right) tp1"`) and how many
    /// times it was treated; the report lists them most treated first.
    pub trigger_points: Vec<(String, u32)>,
    pub home_care: Vec<String>,
    /// Line breaks start new paragraphs.
    pub plan: String,
    /// E.g. `"Prepared by therapist@… with Myomap"`; on every page.
    pub footer: String,
}

/// Everything the home-care handout shows, already prepared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoutData {
    pub clinic: String,
    pub client_name: String,
    /// The handout's date.
    pub prepared_on: String,
    /// The therapist, e.g. `"Julie Moreau, NMT"`.
    pub prepared_by: String,
    /// In the order to do them.
    pub stretches: Vec<HandoutStretch>,
    /// Title and text of each piece of advice, in order.
    pub advice: Vec<(String, String)>,
    /// How to reach the clinic; line breaks start new lines. The section is
    /// left out when empty.
    pub contact: String,
}

/// One stretch of the handout, already worded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoutStretch {
    /// E.g. `"Upper trapezius (right)"`.
    pub title: String,
    pub instructions: String,
    /// E.g. `"Hold 30 s · 3 times · twice a day"`.
    pub dose: String,
    /// What it should and should not feel like.
    pub feel: String,
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The PDF library failed to assemble or serialise the document.
    #[error("could not write the PDF: {0}")]
    Pdf(String),
}
