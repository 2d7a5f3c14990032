//! Renders the sample home-care handout and saves its first page as
//! `docs/handout-sample.png` (80 dpi, via poppler's `pdftoppm`).
//!
//! `cargo run -p myomap-report --example handout [OUT.pdf]`: also keeps the
//! PDF when a path is given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/report/fixture.rs"]
mod fixture;

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let pdf = myomap_report::render_handout_pdf(&fixture::sample_handout()).expect("render the sample handout");
    let pdf_path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("myomap-handout-sample-{}.pdf", std::process::id())));
    std::fs::write(&pdf_path, &pdf).expect("write the PDF");

    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    std::fs::create_dir_all(&docs).expect("create docs/");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf_path)
        .arg(docs.join("handout-sample"))
        .status()
        .expect("run pdftoppm (install poppler-utils)");
    assert!(status.success(), "pdftoppm failed: {status}");
    println!("{} bytes of PDF at {}", pdf.len(), pdf_path.display());
    println!("first page at {}", docs.join("handout-sample.png").display());
}
