//! The posture part of a Myomap assessment.
//!
//! An NMT session starts with an assessment of posture, muscle tone and pain
//! patterns. This crate holds the posture part, as pure computation over data
//! compiled into the binary (no I/O, no async):
//!
//! - **The checklist** ([`findings()`], `data/posture-findings.toml`): posture
//!   observations such as forward head, a shoulder held high or an anterior
//!   pelvic tilt. Each has an id, a label and description in our own words, the
//!   photo views it is seen in, whether the client's side must be recorded
//!   (and what that side names), the muscles it commonly shortens, overloads or
//!   weakens (canonical atlas ids, see `tools/muscle-ids.md`) and its sources
//!   (Kendall et al., *Muscles: Testing and Function with Posture and Pain*;
//!   Janda's crossed syndromes as set out by Page, Frank & Lardner 2010;
//!   Travell & Simons on postural perpetuating factors; Szeto 2002, Yip 2008
//!   and others on forward head posture). An observation with its side is an
//!   [`Observation`], valid by construction.
//! - **Muscles for the suggestions panel** ([`muscles_for`]): from the observed
//!   findings, each linked muscle with its side and the findings that implicate
//!   it. How a finding's side maps to a muscle's side is documented in
//!   [`findings`](mod@findings).
//! - **Measured angles** ([`measure`](mod@measure)): landmarks placed on photos
//!   ([`Landmark`], image coordinates with `y` down, left/right always the
//!   client's) give head tilt, shoulder and pelvic obliquity and the
//!   craniovertebral angle, each with its raw and rounded value, the lower
//!   side, and the finding it suggests when it passes a threshold kept as data
//!   with sources. [`overlay`] gives the lines to draw over the photo.
//!
//! Findings are prompts for the therapist's examination, never diagnoses, and
//! the thresholds say how firm they are: the craniovertebral angle has
//! published reference values (cut-offs vary), the 2° obliquity flag is a
//! project convention.
//!
//! Every entry point validates its input and reports errors as
//! [`PostureError`], which names the field (`findings[1].side`,
//! `acromion_left.x`) and converts into the domain's
//! [`ValidationErrors`](myomap_domain::ValidationErrors).

pub mod error;
pub mod findings;
pub mod measure;

pub use error::{MAX_COORDINATE, PostureError};
pub use findings::{
    Catalogue, Finding, FindingSide, FlagWhen, LinkedMuscle, MuscleLink, MuscleRole, Observation, SideRelation,
    Threshold, catalogue, finding, findings, muscles_for,
};
pub use measure::{
    HeadLine, Landmark, LandmarkPoint, Measure, Measurement, PelvicLine, PhotoView, Point, Segment, SegmentKind,
    Suggestion, UnknownLandmark, craniovertebral_angle, head_tilt, measure_all, overlay, pelvic_obliquity,
    shoulder_obliquity,
};
