//! Scoring of Myomap's outcome measures, as specified in
//! `shared/spec/outcome-measures.md` (section numbers below refer to it).
//!
//! # Design
//!
//! - **Pure.** No I/O, no async, no clock, no global state but the compiled-in
//!   definition data. The CLI and the HTTP API call [`score_json`]; progress
//!   pages call [`classify_change`]; other Rust code can use the typed
//!   functions ([`ndi`], [`odi`], [`ppt`], [`acr2016_fm`], ...).
//! - **Data and code apart.** What differs between instruments (neutral item
//!   labels, response range, item counts, missing-item limit, scoring rule
//!   kind, output decimals, bands, direction, MCID, source, licence note) is
//!   data in `data/instruments.toml`, compiled in with `include_str!` and
//!   parsed once into a static ([`Instrument::definition`]). The Rust code
//!   implements each rule kind once: `single`, `percent_of_range` (NDI, ODI,
//!   QuickDASH), `mean` (BCTQ, JFLS-8, PSFS), `prorated_sum` (LEFS),
//!   `ppt_mean`, `acr2016`. Item labels are our own short tags, never the
//!   questionnaire wording (licensing).
//! - **Exact arithmetic, one rounding (0.2).** Every score is an exact
//!   rational [`Ratio`] (i128 numerator and denominator) until output. Bands,
//!   validity, criteria and MCID flags use that unrounded value; only
//!   [`Ratio::round_dp`] rounds, half away from zero, to the spec's decimals
//!   (ODI 16/45 is 35.6, 2.125 is 2.13). PPT trials arrive as JSON doubles and
//!   are read exactly from their shortest decimal text, so `3.7` is 37/10.
//! - **Validation (0.1).** A wrong length, a non-number, a fraction where a
//!   whole number is needed, a value out of range, an unknown or missing key
//!   is a [`ScoringError`] whose one-line `Display` names the field
//!   (`items[3]: 7 is out of range 0-5`; indexes are zero-based). Too many
//!   unanswered items is not an error but a result with `valid: false` and
//!   `score: null` (and `band: null`).
//!
//! # Module map
//!
//! - [`Ratio`] (`ratio`): exact rationals and the rounding rule.
//! - `catalog`: the definition data types and the one-time load.
//! - `items`: all questionnaires scored from item answers, NPRS included.
//! - `change`: NPRS change flags and the MCID classifier.
//! - `ppt`, `acr`: the algometer mean and the ACR 2016 criteria.
//! - `json`: the JSON edge ([`score_json`]); the only module that knows JSON.

mod acr;
mod answers;
mod catalog;
mod change;
mod error;
mod instrument;
mod items;
mod json;
mod ppt;
mod ratio;
mod suggested;

pub use acr::{AcrInput, AcrResult, AcrSymptoms, acr2016_fm};
pub use answers::{answer_labels, answer_wording_source, field_answer_labels};
pub use catalog::{
    AcrArea, AcrRegion, AcrRule, AcrSymptom, Bands, CutGoesTo, Definition, HigherIs, ItemRule, Mcid, McidRule, PptRule,
    ResponseRange, Scoring,
};
pub use change::{ChangeVerdict, NPRS_PERCENT_DECIMALS, NprsChange, classify_change, nprs_change};
pub use error::{Problem, ScoringError};
pub use instrument::Instrument;
pub use items::{
    ItemScore, bctq_fss, bctq_sss, jfls8, lefs, ndi, nprs, odi, psfs, quickdash, quickdash_sport, quickdash_work,
    score_items,
};
pub use json::score_json;
pub use ppt::{PptMean, PptUnit, ppt};
pub use ratio::{ParseRatioError, Ratio};
pub use suggested::suggested_for;

/// The rounded-decimal type of the typed API, re-exported so that callers need
/// no direct dependency on `rust_decimal`.
pub use rust_decimal::Decimal;
