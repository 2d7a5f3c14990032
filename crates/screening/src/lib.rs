//! Suitability screening of an intake for neuromuscular therapy.
//!
//! # What it decides
//!
//! Deep pressure is unsafe for some conditions, and for some it has to wait
//! until a physician has seen the client. From the client's yes answers to the
//! screening questions ([`ScreeningAnswers`]), [`screen`] gives one
//! [`Verdict`]:
//!
//! - [`Outcome::Suitable`]: nothing reported that changes the treatment (the
//!   reason says so: "No contraindication reported in screening.");
//! - [`Outcome::SuitableWithPrecautions`]: treat, following the listed
//!   precautions ("No deep pressure over Calf (left); ...");
//! - [`Outcome::ReferFirst`]: refer to a physician before treatment; a reason
//!   marked `urgent` (and [`Verdict::urgent`]) means medical assessment today,
//!   as for a suspected deep vein thrombosis or cauda equina syndrome.
//!
//! The verdict always carries its reasons, each with the questions (and rule)
//! behind it and its sources. Refer dominates precautions, but precautions
//! are still listed with a refer so the therapist has them for later.
//!
//! # The rules are data
//!
//! Questions and combination rules live in `data/screening-rules.toml`,
//! compiled in with `include_str!` and parsed and checked once on first use
//! (see the file header for the schema). A question says whether a yes must
//! name body areas (`asks_site`, for local conditions such as a recent
//! fracture, a wound or varicose veins), what a yes leads to (`refer`,
//! `precaution`, or `context` for answers such as "back pain is a reason for
//! this visit" that only matter in combination), the reason and precaution
//! wording (with a `{sites}` placeholder for the named areas, filled with
//! their labels) and its sources. A rule (`when_all`, optionally `when_any`)
//! combines several answers, e.g. back pain with bladder changes or saddle
//! numbness is an urgent refer. A question may `follow` another (asked only
//! after a yes to it). Conditions are only ever positive, so answering yes
//! to more questions never makes a verdict less severe. The code knows no
//! condition by name.
//!
//! Everything is pure: no I/O, no clock, no async.
//!
//! # Example
//!
//! ```
//! use myomap_screening::{Outcome, ScreeningAnswers, screen};
//!
//! let answers: ScreeningAnswers = serde_json::from_str(
//!     r#"{"answers":[{"question":"anticoagulants"},
//!         {"question":"recent_fracture_or_surgery","sites":[{"area":"leg.calf","side":"left"}]}]}"#,
//! )?;
//! let verdict = screen(&answers);
//! assert_eq!(verdict.outcome, Outcome::SuitableWithPrecautions);
//! assert!(verdict.precautions[1].starts_with("No deep pressure over Calf (left);"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Clinical judgement
//!
//! The screening supports the therapist's judgement and never replaces it. It
//! only sees what the client reported; a "suitable" verdict does not clear a
//! client, and what the therapist finds in the session (a hot, swollen calf,
//! a new neurological sign) overrides it. Wording is the project's own;
//! the facts come from the sources listed with each entry.

mod answers;
mod catalogue;
mod verdict;

pub use answers::ScreeningAnswers;
pub use catalogue::{DataError, Effect, Question, Rule, question, questions, rules};
pub use verdict::{Outcome, Reason, Verdict, screen};

#[cfg(test)]
mod tests;
