//! The PDF home-care handout, checked with poppler's command-line tools
//! (`pdftotext`, `pdfinfo`, `pdftoppm`; Debian package `poppler-utils`).
//! A missing tool fails the test: these checks are never skipped.

use std::path::{Path, PathBuf};

use crate::poppler::{Scratch, first_page_png, page_count, poppler, squeeze, text_of, text_of_page, write};
use myomap_report::{HandoutData, HandoutStretch, render_handout_pdf};

fn write_handout(data: &HandoutData, test: &str) -> (Scratch, PathBuf) {
    write(&render_handout_pdf(data).expect("render the handout"), test)
}

#[test]
fn the_handout_names_the_client_every_stretch_and_all_advice() {
    let data = crate::fixture::sample_handout();
    assert_eq!(data.stretches.len(), 5, "the sample merges the repeated muscle");
    assert_eq!(data.advice.len(), 6);
    let (_dir, pdf) = write_handout(&data, "handout-content");
    let text = text_of(&pdf);
    let flat = squeeze(&text);
    for expected in [
        "Harbourside Myotherapy & Remedial Massage",
        "Your home-care plan",
        "Prepared on 2026-11-21",
        "Amélie Kowalczyk",
        "Julie Moreau, NMT",
        "Your stretches",
        "Hold 30 s · 3 times · twice a day",
        "A gentle, even pull",
        "Advice",
        "Questions or concerns?",
        "reception@harbourside.example",
        "Prepared by Julie Moreau, NMT · Harbourside",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing from:\n{text}");
    }
    for stretch in &data.stretches {
        assert!(
            flat.contains(&stretch.title),
            "stretch {:?} missing from:\n{text}",
            stretch.title
        );
    }
    for (title, _) in &data.advice {
        assert!(flat.contains(title.as_str()), "advice {title:?} missing from:\n{text}");
    }
    assert!(flat.contains("Upper trapezius (right)"));
    // Sections in order.
    let at = |s: &str| flat.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("Your stretches") < at("Advice") && at("Advice") < at("Questions or concerns?"));
}

#[test]
fn the_handout_is_one_or_two_numbered_a4_pages() {
    let (_dir, pdf) = write_handout(&crate::fixture::sample_handout(), "handout-pages");
    let pages = page_count(&pdf);
    assert!((1..=2).contains(&pages), "{pages} pages");
    for n in 1..=pages {
        let text = text_of_page(&pdf, n);
        assert!(
            squeeze(&text).contains(&format!("Page {n} of {pages}")),
            "page {n}:\n{text}"
        );
    }
    let info = poppler("pdfinfo", &[], &pdf, &[]);
    assert!(info.contains("A4"), "{info}");
    assert!(info.contains("Home-care plan - Amelie Kowalczyk"), "{info}");
}

#[test]
fn the_first_page_renders_to_png() {
    let (dir, pdf) = write_handout(&crate::fixture::sample_handout(), "handout-png");
    first_page_png(&pdf, &dir.0);
}

#[test]
fn long_handouts_continue_on_new_pages() {
    let mut data = crate::fixture::sample_handout();
    let one = data.stretches[0].clone();
    data.stretches = (1..=15)
        .map(|i| HandoutStretch {
            title: format!("Stretch number {i}"),
            ..one.clone()
        })
        .collect();
    data.advice = (1..=25)
        .map(|i| (format!("Advice item {i}"), "Walk a little every day. ".repeat(i)))
        .collect();
    let (_dir, pdf) = write_handout(&data, "handout-long");
    let pages = page_count(&pdf);
    assert!(pages >= 4, "{pages} pages");
    let flat = squeeze(&text_of(&pdf));
    for i in 1..=15 {
        assert!(flat.contains(&format!("Stretch number {i} ")), "stretch {i} lost");
    }
    for i in 1..=25 {
        assert!(flat.contains(&format!("Advice item {i} ")), "advice {i} lost");
    }
    assert!(flat.contains(&format!("Page {pages} of {pages}")));
}

#[test]
fn empty_handouts_render_and_odd_characters_are_mapped() {
    let data = HandoutData {
        clinic: "Klinika Łódź".into(),
        client_name: "Łukasz Żółć-Dvořák".into(),
        stretches: vec![HandoutStretch {
            title: "Mięsień ≥ 3 → ok 日本".into(),
            ..HandoutStretch::default()
        }],
        ..HandoutData::default()
    };
    let (_dir, pdf) = write_handout(&data, "handout-odd");
    assert_eq!(page_count(&pdf), 1);
    let flat = squeeze(&text_of(&pdf));
    assert!(flat.contains("Lukasz Zólc-Dvorák"), "{flat}");
    assert!(flat.contains("Klinika Lódz"), "{flat}");
    assert!(flat.contains("Miesien >= 3 -> ok ??"), "{flat}");
    let (_dir, pdf) = write_handout(&HandoutData::default(), "handout-empty");
    let flat = squeeze(&text_of(&pdf));
    assert!(flat.contains("No stretches in this plan."), "{flat}");
    assert!(flat.contains("Page 1 of 1"), "{flat}");
}

#[test]
fn a_missing_tool_fails_clearly() {
    let result = std::panic::catch_unwind(|| {
        poppler("myomap-no-such-poppler-tool", &[], Path::new("nothing.pdf"), &[]);
    });
    let panic = result.expect_err("a missing tool must fail the test");
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_default();
    assert!(message.contains("myomap-no-such-poppler-tool"), "{message}");
    assert!(message.contains("poppler-utils"), "{message}");
}
