//! Myomap's trigger-point atlas and referred-pain engine.
//!
//! This crate is pure: the atlas (`data/muscles/*.toml`) and the evaluation
//! vignettes (`data/vignettes.toml`) are compiled in with `include_str!`,
//! parsed and validated once on first use; nothing else is read or written.
//!
//! - [`atlas()`] is every muscle with its trigger points and referral zones
//!   ([`Atlas::muscles`], [`Atlas::muscle`], [`Atlas::search`]).
//! - [`suggest()`] ranks the muscles that may cause a pain map and finds the
//!   smallest set of them that explains it.
//! - [`evaluate()`] measures the ranking on the vignettes.
//!
//! # The scoring model
//!
//! **Candidates.** A paired muscle is ranked once per side, an unpaired
//! (midline) muscle once without a side. Referral is ipsilateral: a left
//! muscle's sided zones lie on the left; a zone marked `side = "both"`, and
//! every zone of an unpaired muscle, lies on both sides; midline zones are
//! midline.
//!
//! **Matching.** A drawn pain area meets a zone when the two areas are related
//! in the body-area relations (same, contains, within, borders) and their
//! sides agree: two sided places must be on the same side, a midline place
//! relates to either side. A drawn area is explained by a candidate with the
//! credit `e` of its best zone: the zone's credit (essential 1, spillover 0.5:
//! spillover pain is felt by some patients only) times the match credit
//! (exact 1, within 0.8, contains 0.7, borders 0.35; see [`Match::credit`]).
//! So a coarse or slightly misplaced drawing is still evidence, but weaker.
//!
//! **Evidence weight.** Each pain area `i` weighs
//! `w_i = intensity_factor * specificity`: the intensity factor rises from
//! 0.55 at intensity 1 to 1 at 10 ([`model::intensity_factor`]), and the
//! specificity is an inverse document frequency over the atlas,
//! `ln(1 + N / df)`, where `N` is the number of muscles and `df` the sum of
//! the zone credits of the muscles referring to the area. A toothache or a
//! heel pain (few muscles) therefore weighs about twice a vague low-back pain
//! (many muscles).
//!
//! **Score.** Two shares, both in \[0, 1\]:
//! - *coverage* `= Σ w_i e_i / Σ w_i`, how much of the client's pain (by
//!   weight) the muscle accounts for;
//! - *completeness* `= Σ_z v_z m_z / Σ_z v_z`, how much of the muscle's own
//!   pattern is on the map, where `m_z` is the best match credit of zone `z`
//!   on the map and `v_z` its weight (essential 1, spillover 0.3: a missing
//!   spillover zone is weak evidence against the muscle). It plays the part
//!   of a likelihood: a muscle whose pattern is mostly present is more
//!   plausible than one whose large pattern is mostly absent.
//!
//! `score = coverage^0.75 * completeness^0.25` ([`model::COVERAGE_SHARE`]):
//! the map is the evidence, so coverage leads. The score is 1 only when every
//! drawn area is an essential zone of the muscle and its whole pattern is
//! drawn, and 0 when the muscle explains nothing (it is then not listed).
//! The ranking is insensitive to these constants: on the first 82 vignettes, top-3
//! stays at 81/82 for a coverage share from 0.5 to 0.9, a spillover pattern
//! weight from 0.1 to 1, a spillover credit from 0.3 to 0.7 and a bordering
//! credit from 0.2 to 0.5.
//!
//! **Guarantees.** The map is put in canonical form first (one entry per
//! place, keeping its highest intensity; sorted by area and side), so the
//! order of the input never matters and equal inputs give equal outputs.
//! Adding a pain area that muscle M explains exactly and muscle N does not
//! explain at all scales both coverages by the same factor and adds to M's
//! only, may raise M's completeness and leaves N's unchanged, so it never
//! moves N above M. Ties are broken by muscle id, then side (none, left,
//! right). These are checked by property tests (`tests/properties.rs`).
//!
//! **Explaining set.** The fewest muscle-sides that together explain every
//! area of the map: exact minimum set cover for maps of up to
//! [`cover::EXACT_LIMIT`] areas, greedy beyond; an area counts as covered by
//! a zone overlapping it, or by a bordering zone when no zone overlaps it;
//! an area nothing explains is left out. See [`cover`].
//!
//! **Performance.** Each muscle-side's credit at every place and the zones
//! each place meets are precomputed when the model is first used, so a query
//! only reads tables: about 9 µs for a 5-area map over the whole atlas
//! (`cargo bench -p myomap-atlas`).

pub mod atlas;
pub mod cover;
pub mod eval;
mod json;
pub mod model;
pub mod suggest;

pub use atlas::{Atlas, AtlasError, AtlasErrors, Condition, Muscle, ReferralZone, Region, TriggerPoint, Zone, atlas};
pub use eval::{Evaluation, Miss, Vignette, VignetteError, evaluate, parse_vignettes, vignettes};
pub use json::rounded;
pub use model::Match;
pub use suggest::{Explained, Suggestion, Suggestions, suggest};
