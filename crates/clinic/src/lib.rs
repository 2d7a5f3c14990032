//! Myomap's use cases, each written once.
//!
//! The JSON API and the pages are two faces of the same operations, and the
//! command line a third. A use case lives here, between those faces and the
//! store: it takes typed input, applies the clinic's rules (with the
//! clinic's own calendar day, from a [`Clock`] passed in), calls the store,
//! and answers with typed data or one [`ClinicError`] that each face maps to
//! its own form (problem details, a form with errors, an exit code).
//!
//! What is here is the only implementation of its use case: the web crate
//! translates requests into these calls, the command line calls them
//! directly (see ARCHITECTURE.md).
//!
//! *Invariant:* no HTTP types, no SQL; time only through a [`Clock`].

pub mod backups;
pub mod clients;
mod clock;
pub mod doctor;
pub mod erasure;
mod error;
pub mod fhir;
pub mod home_care;
pub mod import;
pub mod intake;
pub mod link_email;
pub mod messages;
pub mod mfa;
pub mod notes;
pub mod online_booking;
pub mod outcome_export;
pub mod outcomes;
pub mod photos;
pub mod presenter;
pub mod progress;
pub mod record_export;
pub mod report;
pub mod schedule;
pub mod screening;
pub mod staff;
pub mod suggestions;
pub mod treatment_plans;
pub mod vocabulary;
pub mod wpi;

pub use clock::{Clock, FixedClock, SystemClock, today_in, zone_named};
pub use error::ClinicError;
