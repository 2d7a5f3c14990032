//! Suitability screening of an intake for neuromuscular therapy.
//!
//! # What it decides
//!
//! Deep pressure is unsafe for some conditions, and for some it has to wait
//! until a physician has seen the client. From a [`ScreeningInput`] (the
//! intake's conditions, i.e. its reason for visit, the client's age when
//! known, and the yes answers to the screening questions,
//! [`ScreeningAnswers`]), [`screen`] gives one [`Verdict`]:
//!
//! - [`Outcome::Suitable`]: nothing reported that changes the treatment (the
//!   reason says so: "No contraindication reported in screening.");
//! - [`Outcome::SuitableWithPrecautions`]: treat, following the listed
//!   precautions ("No deep pressure over Calf (left); ...");
//! - [`Outcome::ReferFirst`]: do not treat yet. Every refer carries an
//!   [`Urgency`]: `emergency` (emergency services or the emergency department
//!   now, as for a suspected cauda equina syndrome or a thunderclap
//!   headache), `same_day` (medical assessment today, as for a suspected
//!   deep vein thrombosis) or `routine` (see a physician before treatment).
//!   [`Verdict::urgency`] is the most urgent of the reasons', and
//!   [`Urgency::advice`] says what the therapist does and tells the client.
//!
//! The verdict always carries its reasons, each with the questions, intake
//! conditions and rule behind it, its urgency and its sources. Refer
//! dominates precautions, but precautions are still listed with a refer so
//! the therapist has them for later. The `urgent` flags of verdicts stored
//! before urgency levels are still written (true for same day and
//! emergency), and [`Urgency::from_legacy`] reads an old verdict's urgency.
//!
//! # The rules are data
//!
//! Questions, facts and combination rules live in `data/screening-rules.toml`,
//! compiled in with `include_str!` and parsed and checked once on first use
//! (see the file header for the schema). A question says whether a yes must
//! name body areas (`asks_site`, for local conditions such as a recent
//! fracture, a wound or varicose veins), what a yes leads to (`refer` with
//! its `urgency`, `precaution`, or `context` for answers that only matter in
//! combination), the reason and precaution wording (with a `{sites}`
//! placeholder for the named areas, filled with their labels) and its
//! sources. A fact is what the intake itself says: intake conditions
//! ("sciatica" is a back or leg complaint) or an age ("50 or over"). A rule
//! (`when_all`, optionally `when_any`) combines answers and facts, e.g. a
//! back or leg complaint with bladder changes or saddle numbness is an
//! emergency, so no red flag depends on ticking a context box twice. A
//! question may `follow` another (asked only after a yes to it). Conditions
//! are only ever positive, so more yes answers, more intake conditions or a
//! higher age never make a verdict less severe or less urgent (tested). The
//! code knows no condition by name.
//!
//! [`screen_json`] is the JSON entry point of `myomap screen --json` and
//! `POST /api/v1/screening`.
//!
//! Everything is pure: no I/O, no clock, no async.
//!
//! # Example
//!
//! ```
//! use myomap_screening::{Outcome, ScreeningInput, Urgency, screen};
//!
//! let input: ScreeningInput = serde_json::from_str(
//!     r#"{"conditions":["sciatica"],"age":52,"answers":[{"question":"bowel_bladder_change"}]}"#,
//! )?;
//! let verdict = screen(&input);
//! assert_eq!(verdict.outcome, Outcome::ReferFirst);
//! assert_eq!(verdict.urgency, Some(Urgency::Emergency));
//! assert_eq!(verdict.reasons[0].rule.as_deref(), Some("possible_cauda_equina"));
//!
//! let input: ScreeningInput = serde_json::from_str(
//!     r#"{"answers":[{"question":"anticoagulants"},
//!         {"question":"recent_fracture_or_surgery","sites":[{"area":"leg.calf","side":"left"}]}]}"#,
//! )?;
//! let verdict = screen(&input);
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
mod input;
mod json;
mod urgency;
mod verdict;

pub use answers::ScreeningAnswers;
pub use catalogue::{DataError, Effect, Fact, Question, Rule, facts, question, questions, rules};
pub use input::{Answer, MAX_AGE, ScreeningInput, ScreeningRequest};
pub use json::{read as read_json, screen_json};
pub use urgency::{Advice, Urgency};
pub use verdict::{Outcome, Reason, Verdict, screen};

#[cfg(test)]
mod tests;
