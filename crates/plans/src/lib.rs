//! Treatment plans for Myomap: the protocol library, a client's plan with its
//! measurable goals, whether each goal is met, and the plan alerts.
//!
//! Pure computation over data compiled into the binary: no I/O, no async, no
//! clock. The web and storage crates keep plans and outcome scores; this crate
//! says what a valid plan is and what its progress means.
//!
//! # Protocols
//!
//! [`protocols()`] is `data/protocols.toml`, one protocol per condition group
//! of the product brief: `back_neck_shoulder`, `sciatica_nerve_entrapment`,
//! `tmj`, `carpal_tunnel`, `fibromyalgia_myofascial`,
//! `sports_repetitive_strain`. A [`Protocol`] names the intake conditions it
//! serves (ids of `myomap_domain::record::CONDITIONS`), the muscles to
//! examine first (canonical atlas ids), the instruments to measure with
//! (`myomap-scoring` ids), default goals ([`DefaultGoal`], some only for some
//! conditions), the usual dose (sessions per week, number of sessions,
//! session length, re-assessment interval) and the [`PlanDefaults`] a new
//! plan starts with, precautions, when to refer, an honest note on the
//! strength of the evidence, and its sources. The text is the project's own
//! wording of facts from the sources. The file is checked when first used
//! (ids, conditions, instruments, goals, ranges); the tests also check every
//! muscle against the atlas and that every default plan validates.
//!
//! # Plans and goals
//!
//! A [`PlanDraft`] is what the therapist edits: protocol, condition, goals,
//! sessions planned, `interval_days` between sessions (frequency as an exact
//! whole number of days: 7 is weekly, 3 or 4 about twice a week), session
//! minutes, re-assessment every N sessions, precautions and notes.
//! [`PlanDraft::from_protocol`] and [`PlanDraft::from_protocol_for`] prefill
//! one; [`PlanDraft::validate`] reports every problem by field
//! (`goals[1].instrument`, `reassess_every`, ...) as
//! [`ValidationErrors`](myomap_domain::ValidationErrors).
//!
//! A [`Goal`] is an instrument and a [`Target`]; its JSON is flat, with
//! exactly one target key (see [`goal`](mod@goal)):
//!
//! ```json
//! {"instrument": "nprs", "at_most": 2, "label": "Usual pain at most 2/10"}
//! {"instrument": "ndi", "below_band": "mild", "label": "Neck disability below mild"}
//! {"instrument": "psfs", "psfs_activity_at_least": 8, "label": "Activities back to 8/10"}
//! ```
//!
//! Band targets follow the instruments' band data and where their cuts go:
//! NDI below "mild" is a percentage under 10 (10 % is already mild), ODI
//! below "moderate" is a score of 20 or less (20 is still minimal). See
//! [`Goal::threshold`].
//!
//! # Progress
//!
//! - [`goal_status`]: [`GoalStatus::Met`], `NotMet` or `NoData` from the
//!   latest score of the goal's instrument and its band.
//! - [`plan_alerts`]: [`PlanAlert::ReassessmentDue`] when the sessions since
//!   the last re-assessment reach `reassess_every`; when the planned sessions
//!   are done, [`PlanAlert::PlannedSessionsDoneWithoutImprovement`] if the
//!   outcomes did not improve meaningfully, else
//!   [`PlanAlert::PlannedSessionsDone`]. More sessions never remove an alert
//!   until a re-assessment resets the count (property-tested).
//!
//! # Home care
//!
//! [`build_home_care`] turns the muscles treated (atlas ids with their side)
//! and the intake's [`Habits`] into a [`HomeCarePlan`]: one [`StretchItem`]
//! per muscle and side (the atlas's self-care stretch, at most
//! [`MAX_STRETCHES`]) with the dose and "how it should feel" lines of
//! `data/home-care.toml`, and the [`AdviceItem`]s that apply (hydration,
//! movement and what to expect after a session always; workstation,
//! repetitive-work and sport advice by habit). [`HomeCarePlan::daily_items`]
//! is what the client can tick off each day. The data file keeps an honest
//! evidence note and sources for every entry ([`home_care_library`]).
//!
//! The library supports clinical judgement; it never replaces it. A protocol
//! is a starting point the therapist edits freely.

pub mod goal;
pub mod home_care;
pub mod plan;
pub mod protocol;

pub use goal::{
    Comparison, Goal, GoalStatus, LABEL_MAX_CHARS, Target, TargetShapeError, Threshold, goal_status, score_range,
};
pub use home_care::{
    AdviceEntry, AdviceItem, Applies, Habits, HomeCareLibrary, HomeCarePlan, MAX_STRETCHES, StretchException,
    StretchItem, StretchRules, TOPICS, build_home_care, fluid_managed_for, home_care_library,
};
pub use plan::{
    INTERVAL_DAYS, MAX_GOALS, MAX_PRECAUTIONS, NOTES_MAX_CHARS, PRECAUTION_MAX_CHARS, PlanAlert, PlanDraft,
    SESSION_MINUTES, SESSIONS_PLANNED, plan_alerts,
};
pub use protocol::{DefaultGoal, PlanDefaults, Protocol, Span, protocol, protocols, protocols_for};
