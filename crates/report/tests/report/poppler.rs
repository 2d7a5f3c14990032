//! Poppler's command-line tools (`pdftotext`, `pdfinfo`, `pdftoppm`; Debian
//! package `poppler-utils`) for the PDF tests. A missing tool fails the
//! test: these checks are never skipped.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh directory for one test's files, removed when the test passes
/// (kept for a look when it fails).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("myomap-report-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("files kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Checks that `bytes` look like a PDF and writes them to a scratch
/// directory of their own.
pub fn write(bytes: &[u8], test: &str) -> (Scratch, PathBuf) {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = Scratch::new(test);
    let path = dir.0.join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// How a missing tool is reported: the message names the package to
/// install.
pub fn missing(tool: &str, error: &std::io::Error) -> String {
    format!("cannot run `{tool}` ({error}): the PDF tests need poppler-utils (apt-get install poppler-utils)")
}

/// Runs a poppler tool on `pdf` and returns what it printed; a missing tool
/// or a failure fails the test.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path, after: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(after)
        .output()
        .unwrap_or_else(|e| panic!("{}", missing(tool, &e)));
    assert!(
        output.status.success(),
        "`{tool}` failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout"], pdf, &["-"]).replace('\u{c}', "\n")
}

pub fn text_of_page(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    poppler("pdftotext", &["-layout", "-f", &p, "-l", &p], pdf, &["-"])
}

pub fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[], pdf, &[]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap_or_else(|| panic!("pdfinfo gave no page count:\n{info}"))
        .trim()
        .parse()
        .unwrap()
}

/// Renders the first page as a PNG in `dir` and returns its bytes, checked
/// to be a PNG of some substance.
pub fn first_page_png(pdf: &Path, dir: &Path) -> Vec<u8> {
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap_or_else(|e| panic!("{}", missing("pdftoppm", &e)));
    assert!(status.success(), "pdftoppm failed");
    let png = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap_or_else(|| panic!("pdftoppm wrote no PNG in {}", dir.display()));
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    assert!(bytes.len() > 5_000, "suspiciously small page image");
    bytes
}

/// Collapses runs of spaces so that phrases can be found in `-layout` text.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
