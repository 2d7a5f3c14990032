//! The one integration-test binary of the report crate (one link, not one
//! per file): the SVG chart's snapshots and properties, and the PDF progress
//! report and home-care handout checked with poppler's command-line tools.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;
mod handout;
mod pdf;
mod poppler;
mod svg;
