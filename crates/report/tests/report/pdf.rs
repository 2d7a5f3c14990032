//! The PDF progress report, checked with poppler's command-line tools
//! (`pdftotext`, `pdfinfo`, `pdftoppm`; Debian package `poppler-utils`).
//! A missing tool fails the test: these checks are never skipped.

use std::path::PathBuf;

use crate::poppler::{Scratch, first_page_png, page_count, poppler, squeeze, text_of, text_of_page, write};

use myomap_report::{ChartPoint, ChartSeries, ReportData, render_pdf};

const HEADINGS: [&str; 8] = [
    "Identification",
    "Condition and suitability",
    "Sessions attended",
    "Outcome measures",
    "Progress charts",
    "Trigger points treated most",
    "Home-care advice given",
    "Plan",
];

fn write_pdf(data: &ReportData, test: &str) -> (Scratch, PathBuf) {
    write(&render_pdf(data).expect("render the report"), test)
}

#[test]
fn the_report_has_every_section_in_order() {
    let (_dir, pdf) = write_pdf(&crate::fixture::sample_report(), "sections");
    let text = text_of(&pdf);
    let flat = squeeze(&text);
    let mut last = 0;
    for heading in HEADINGS {
        let at = flat[last..]
            .find(heading)
            .map(|i| i + last)
            .unwrap_or_else(|| panic!("heading {heading:?} missing or out of order in:\n{text}"));
        last = at + heading.len();
    }
    for expected in [
        "Amélie Kowalczyk",
        "1984-03-17",
        "Harbourside Myotherapy & Remedial Massage",
        "2026-11-21",
        "Suitable with precautions: gentle pressure only",
        "8 sessions, 2026-09-01 to 2026-11-20",
        "Upper trapezius (right) tp1",
        "8 times",
        "Chin tucks, 10 repetitions",
        "Continue fortnightly sessions",
        "Prepared by j.moreau@harbourside.example with Myomap",
        "Neck Disability Index (%)",
        "Before session",
        "After session",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing from:\n{text}");
    }
    // An outcome row reads across one line: measure, baseline, latest, change, verdict.
    let row = text
        .lines()
        .map(squeeze)
        .find(|l| l.starts_with("Neck Disability Index "))
        .unwrap_or_else(|| panic!("no outcome row for the NDI in:\n{text}"));
    assert_eq!(row, "Neck Disability Index 42% 24% -18 points meaningful improvement");
}

#[test]
fn every_page_is_numbered() {
    let (_dir, pdf) = write_pdf(&crate::fixture::sample_report(), "numbers");
    let pages = page_count(&pdf);
    assert!(pages >= 1);
    // Twelve trigger points and four charts do not fit on one page.
    assert!(pages >= 2, "{pages} pages");
    for n in 1..=pages {
        let text = text_of_page(&pdf, n);
        assert!(
            squeeze(&text).contains(&format!("Page {n} of {pages}")),
            "page {n}:\n{text}"
        );
    }
    let info = poppler("pdfinfo", &[], &pdf, &[]);
    assert!(info.contains("A4"), "{info}");
    assert!(info.contains("Progress report - Amelie Kowalczyk"), "{info}");
}

#[test]
fn the_first_page_renders_to_png() {
    let (dir, pdf) = write_pdf(&crate::fixture::sample_report(), "png");
    first_page_png(&pdf, &dir.0);
}

#[test]
fn long_lists_continue_on_new_pages() {
    let mut data = crate::fixture::sample_report();
    data.trigger_points = (1..=70)
        .map(|i| (format!("Trigger point number {i}"), 71 - i))
        .collect();
    data.home_care = (1..=60)
        .map(|i| format!("Advice item {i}: a longer line of home-care advice that wraps onto a second line in the report, to be sure wrapped lines paginate too."))
        .collect();
    data.outcomes = (1..=40)
        .flat_map(|_| crate::fixture::sample_report().outcomes)
        .collect();
    data.charts = (0..5).flat_map(|_| crate::fixture::sample_report().charts).collect();
    let (_dir, pdf) = write_pdf(&data, "long");
    let pages = page_count(&pdf);
    assert!(pages >= 6, "{pages} pages");
    let flat = squeeze(&text_of(&pdf));
    for i in 1..=70 {
        assert!(
            flat.contains(&format!("Trigger point number {i} ")),
            "trigger point {i} lost"
        );
    }
    for i in 1..=60 {
        assert!(flat.contains(&format!("Advice item {i}:")), "advice {i} lost");
    }
    assert!(flat.contains("paginate too."));
    assert!(flat.contains(&format!("Page {pages} of {pages}")));
    // The outcome table repeats its header on the pages it continues on.
    let header_pages = (1..=pages)
        .filter(|&n| squeeze(&text_of_page(&pdf, n)).contains("Measure Baseline Latest Change Verdict"))
        .count();
    assert!(header_pages >= 2, "table header on {header_pages} pages");
}

#[test]
fn empty_sections_say_so_and_odd_characters_are_mapped() {
    let data = ReportData {
        clinic: "Klinika Łódź".into(),
        title: "Progress report".into(),
        prepared_on: "2026-11-21".into(),
        client_name: "Łukasz Żółć-Dvořák".into(),
        date_of_birth: "1990-01-01".into(),
        condition: "Low back pain ≥ 3 months → sciatica; Δ unclear 日本".into(),
        suitability: "Suitable".into(),
        sessions_attended: "1 session".into(),
        charts: vec![ChartSeries {
            title: "Oswestry Disability Index (%)".into(),
            unit: "%".into(),
            points: vec![ChartPoint {
                label: "2026-11-21".into(),
                value: 36.0,
            }],
            min: 0.0,
            max: 100.0,
            ..ChartSeries::default()
        }],
        ..ReportData::default()
    };
    let (_dir, pdf) = write_pdf(&data, "empty");
    assert!(page_count(&pdf) >= 1);
    let flat = squeeze(&text_of(&pdf));
    // Latin-1 letters stay, others lose their accents (WinAnsi fonts).
    assert!(flat.contains("Lukasz Zólc-Dvorák"), "{flat}");
    assert!(flat.contains("Klinika Lódz"), "{flat}");
    assert!(flat.contains("36%"), "a lone measurement is labelled: {flat}");
    assert!(
        flat.contains("Low back pain >= 3 months -> sciatica; ? unclear ??"),
        "{flat}"
    );
    assert!(flat.contains("No outcome measures recorded."), "{flat}");
    assert!(flat.matches("None recorded.").count() >= 3, "{flat}");
    for heading in HEADINGS {
        assert!(flat.contains(heading), "{heading} missing");
    }
}
