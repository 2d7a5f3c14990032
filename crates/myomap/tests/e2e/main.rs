//! End-to-end tests: the real `myomap` binary, started as a server or run as a
//! command, talking to real SQLite files and a real PostgreSQL server, driven
//! over HTTP and, for the pages, by a real Chromium.
//!
//! One test binary on purpose: each extra one is another slow link.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod backup;
mod body_chart;
mod browser;
mod cli;
mod client_links;
mod doctor;
mod durability;
mod erasure;
mod fhir;
mod harness;
mod home_care;
mod html;
mod import;
mod logical_backup;
mod mfa;
mod outcomes;
mod page_sweep;
mod plans;
mod record_api;
mod record_export;
mod reference;
mod schedule;
mod schemathesis;
mod screening;
mod staff;
mod storm;
mod sweep;
