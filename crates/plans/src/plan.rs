//! A client's treatment plan as the therapist edits it ([`PlanDraft`]), its
//! validation, starting one from a protocol, and the plan alerts.

use std::ops::RangeInclusive;

use myomap_domain::ValidationErrors;
use myomap_domain::record::CONDITIONS;
use serde::{Deserialize, Serialize};

use crate::goal::Goal;
use crate::protocol::protocol;

/// Allowed number of planned sessions.
pub const SESSIONS_PLANNED: RangeInclusive<u16> = 1..=52;
/// Allowed days between sessions. Two days allows three sessions a week
/// (say Monday, Wednesday, Friday); sixty allows a maintenance session about
/// every two months.
pub const INTERVAL_DAYS: RangeInclusive<u16> = 2..=60;
/// Allowed session length in minutes (the product's 30 to 90).
pub const SESSION_MINUTES: RangeInclusive<u16> = 30..=90;
/// The most goals a plan may have.
pub const MAX_GOALS: usize = 10;
/// The most precautions a plan may list.
pub const MAX_PRECAUTIONS: usize = 20;
/// The longest precaution, in characters.
pub const PRECAUTION_MAX_CHARS: usize = 500;
/// The longest notes, in characters.
pub const NOTES_MAX_CHARS: usize = 4000;

/// A treatment plan for one client and condition, as entered or edited.
///
/// JSON (every key but `protocol`, `goals`, `precautions` and `notes` is
/// required; unknown keys are refused):
///
/// ```json
/// {"protocol": "carpal_tunnel", "condition": "carpal_tunnel",
///  "goals": [{"instrument": "nprs", "at_most": 2, "label": "..."}],
///  "sessions_planned": 6, "interval_days": 7, "session_minutes": 45,
///  "reassess_every": 3, "precautions": ["..."], "notes": ""}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDraft {
    /// The protocol it was started from, if any.
    #[serde(default)]
    pub protocol: Option<String>,
    /// The intake condition id it treats (`myomap_domain::record::CONDITIONS`).
    pub condition: String,
    /// Measurable goals (1 to [`MAX_GOALS`]).
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Number of sessions planned ([`SESSIONS_PLANNED`]).
    pub sessions_planned: u16,
    /// Days from one session to the next ([`INTERVAL_DAYS`]): the frequency,
    /// exact in whole days (7 = weekly, 14 = every other week, 3 or 4 =
    /// about twice a week).
    pub interval_days: u16,
    /// Session length in minutes ([`SESSION_MINUTES`]).
    pub session_minutes: u16,
    /// Re-assess every this many sessions (1 to `sessions_planned`).
    pub reassess_every: u16,
    /// Precautions for this client (each non-empty, at most
    /// [`PRECAUTION_MAX_CHARS`]; at most [`MAX_PRECAUTIONS`]).
    #[serde(default)]
    pub precautions: Vec<String>,
    /// Free notes (at most [`NOTES_MAX_CHARS`]).
    #[serde(default)]
    pub notes: String,
}

impl PlanDraft {
    /// A draft prefilled from a protocol for its main (first) condition;
    /// `None` for an unknown protocol id.
    pub fn from_protocol(id: &str) -> Option<Self> {
        let condition = protocol(id)?.conditions.first()?;
        Self::from_protocol_for(id, condition)
    }

    /// A draft prefilled from a protocol for `condition`: the protocol's
    /// plan values, its precautions, and the goals that apply to that
    /// condition (the protocol's general goals and those `only_for` it).
    /// `None` for an unknown protocol id. A condition the protocol does not
    /// list is kept (the therapist chose it) and gets the general goals.
    pub fn from_protocol_for(id: &str, condition: &str) -> Option<Self> {
        let p = protocol(id)?;
        Some(Self {
            protocol: Some(p.id.clone()),
            condition: condition.to_owned(),
            goals: p
                .goals
                .iter()
                .filter(|g| g.applies_to(condition))
                .map(|g| g.goal.clone())
                .collect(),
            sessions_planned: p.plan.sessions,
            interval_days: p.plan.interval_days,
            session_minutes: p.plan.session_minutes,
            reassess_every: p.reassess_every,
            precautions: p.precautions.clone(),
            notes: String::new(),
        })
    }

    /// Checks every field and reports each problem with its field name:
    /// `protocol`, `condition`, `goals`, `goals[1].instrument`,
    /// `goals[1].at_most` (the target's key), `goals[1].label`,
    /// `sessions_planned`, `interval_days`, `session_minutes`,
    /// `reassess_every`, `precautions`, `precautions[0]`, `notes`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if let Some(id) = self.protocol.as_deref().filter(|id| protocol(id).is_none()) {
            errors.add("protocol", format!("unknown protocol \"{id}\""));
        }
        if !CONDITIONS.iter().any(|(id, _)| *id == self.condition) {
            errors.add("condition", format!("unknown condition \"{}\"", self.condition));
        }
        if self.goals.is_empty() {
            errors.add("goals", "at least one measurable goal is required");
        } else if self.goals.len() > MAX_GOALS {
            errors.add("goals", format!("at most {MAX_GOALS} goals"));
        }
        for (i, goal) in self.goals.iter().enumerate() {
            goal.validate_into(&format!("goals[{i}]"), &mut errors);
        }
        for (field, value, range, unit) in [
            ("sessions_planned", self.sessions_planned, SESSIONS_PLANNED, "sessions"),
            ("interval_days", self.interval_days, INTERVAL_DAYS, "days"),
            ("session_minutes", self.session_minutes, SESSION_MINUTES, "minutes"),
        ] {
            if !range.contains(&value) {
                errors.add(
                    field,
                    format!("must be {}-{} {unit}, not {value}", range.start(), range.end()),
                );
            }
        }
        // Bounded by the sessions planned when that number is itself valid.
        let most = if SESSIONS_PLANNED.contains(&self.sessions_planned) {
            self.sessions_planned
        } else {
            *SESSIONS_PLANNED.end()
        };
        if !(1..=most).contains(&self.reassess_every) {
            errors.add(
                "reassess_every",
                format!(
                    "must be 1-{most} sessions (at most the sessions planned), not {}",
                    self.reassess_every
                ),
            );
        }
        if self.precautions.len() > MAX_PRECAUTIONS {
            errors.add("precautions", format!("at most {MAX_PRECAUTIONS} precautions"));
        }
        for (i, text) in self.precautions.iter().enumerate() {
            if text.trim().is_empty() {
                errors.add(format!("precautions[{i}]"), "is empty");
            } else if text.chars().count() > PRECAUTION_MAX_CHARS {
                errors.add(
                    format!("precautions[{i}]"),
                    format!("is longer than {PRECAUTION_MAX_CHARS} characters"),
                );
            }
        }
        if self.notes.chars().count() > NOTES_MAX_CHARS {
            errors.add("notes", format!("is longer than {NOTES_MAX_CHARS} characters"));
        }
        errors.into_result(())
    }
}

/// Something about a plan's progress the therapist should act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanAlert {
    /// `reassessment_due`: enough sessions since the last re-assessment.
    ReassessmentDue,
    /// `planned_sessions_done_without_improvement`: the planned sessions are
    /// done and the outcomes show no meaningful improvement.
    PlannedSessionsDoneWithoutImprovement,
    /// `planned_sessions_done`: the planned sessions are done (with
    /// improvement, or with no outcome data to judge).
    PlannedSessionsDone,
}

impl PlanAlert {
    /// The stable id (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReassessmentDue => "reassessment_due",
            Self::PlannedSessionsDoneWithoutImprovement => "planned_sessions_done_without_improvement",
            Self::PlannedSessionsDone => "planned_sessions_done",
        }
    }

    /// A sentence for the therapist.
    pub fn message(self) -> &'static str {
        match self {
            Self::ReassessmentDue => "A re-assessment is due: repeat the outcome measures and the muscle examination.",
            Self::PlannedSessionsDoneWithoutImprovement => {
                "The planned sessions are done without meaningful improvement: review the plan and consider referral."
            }
            Self::PlannedSessionsDone => {
                "The planned sessions are done: re-assess, then close the plan or plan further sessions."
            }
        }
    }
}

/// The alerts of a plan after `sessions_done` sessions, of which
/// `sessions_since_reassessment` came after the last re-assessment (or the
/// start). `improved_meaningfully` is whether the outcomes improved by at
/// least their MCID since baseline (`None`: no data to judge).
///
/// Rules, in the order returned:
/// 1. [`PlanAlert::ReassessmentDue`] when `sessions_since_reassessment >=
///    reassess_every`. Recording a re-assessment resets the count, and with
///    it the alert.
/// 2. When `sessions_done >= sessions_planned`: if `improved_meaningfully ==
///    Some(false)`, [`PlanAlert::PlannedSessionsDoneWithoutImprovement`];
///    otherwise [`PlanAlert::PlannedSessionsDone`]. At most one of the two.
///
/// In an invalid plan, a `reassess_every` or `sessions_planned` of zero
/// counts as one. Both rules are monotonic: more sessions never remove an
/// alert until a re-assessment resets the count.
pub fn plan_alerts(
    plan: &PlanDraft,
    sessions_done: u16,
    sessions_since_reassessment: u16,
    improved_meaningfully: Option<bool>,
) -> Vec<PlanAlert> {
    let mut alerts = Vec::new();
    if sessions_since_reassessment >= plan.reassess_every.max(1) {
        alerts.push(PlanAlert::ReassessmentDue);
    }
    if sessions_done >= plan.sessions_planned.max(1) {
        alerts.push(if improved_meaningfully == Some(false) {
            PlanAlert::PlannedSessionsDoneWithoutImprovement
        } else {
            PlanAlert::PlannedSessionsDone
        });
    }
    alerts
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use proptest::prelude::*;

    use super::*;
    use crate::goal::Target;
    use crate::protocol::protocols;

    fn plan() -> PlanDraft {
        PlanDraft {
            protocol: None,
            condition: "neck_pain".into(),
            goals: vec![
                Goal::new("nprs", Target::AtMost(2.0)),
                Goal::new("ndi", Target::BelowBand("mild".into())),
            ],
            sessions_planned: 8,
            interval_days: 7,
            session_minutes: 60,
            reassess_every: 4,
            precautions: vec!["Light pressure over the anterior neck.".into()],
            notes: String::new(),
        }
    }

    #[test]
    fn a_sound_plan_validates() {
        assert_eq!(plan().validate(), Ok(()));
        let mut edge = plan();
        edge.sessions_planned = 1;
        edge.reassess_every = 1;
        edge.interval_days = 60;
        edge.session_minutes = 30;
        assert_eq!(edge.validate(), Ok(()));
        edge.sessions_planned = 52;
        edge.reassess_every = 52;
        edge.interval_days = 2;
        edge.session_minutes = 90;
        assert_eq!(edge.validate(), Ok(()));
    }

    #[test]
    fn validation_names_each_field() {
        type Edit = fn(&mut PlanDraft);
        let cases: [(Edit, &str, &str); 20] = [
            (
                |p| p.protocol = Some("reiki".into()),
                "protocol",
                "unknown protocol \"reiki\"",
            ),
            (
                |p| p.condition = "gout".into(),
                "condition",
                "unknown condition \"gout\"",
            ),
            (|p| p.goals.clear(), "goals", "at least one"),
            (
                |p| p.goals = vec![Goal::new("nprs", Target::AtMost(2.0)); MAX_GOALS + 1],
                "goals",
                "at most 10",
            ),
            (
                |p| p.goals[1].instrument = "vas".into(),
                "goals[1].instrument",
                "unknown instrument",
            ),
            (
                |p| p.goals[0].target = Target::AtMost(12.0),
                "goals[0].at_most",
                "outside",
            ),
            (
                |p| p.goals[1].target = Target::BelowBand("none".into()),
                "goals[1].below_band",
                "lowest band",
            ),
            (
                |p| p.goals[0].target = Target::PsfsActivityAtLeast(8.0),
                "goals[0].psfs_activity_at_least",
                "psfs only",
            ),
            (
                |p| p.goals[0].label = "x".repeat(201),
                "goals[0].label",
                "longer than 200",
            ),
            (|p| p.sessions_planned = 0, "sessions_planned", "1-52 sessions, not 0"),
            (|p| p.sessions_planned = 53, "sessions_planned", "1-52 sessions, not 53"),
            (|p| p.interval_days = 1, "interval_days", "2-60 days, not 1"),
            (|p| p.interval_days = 61, "interval_days", "2-60 days"),
            (|p| p.session_minutes = 29, "session_minutes", "30-90 minutes, not 29"),
            (|p| p.session_minutes = 120, "session_minutes", "30-90 minutes"),
            (|p| p.reassess_every = 0, "reassess_every", "not 0"),
            (|p| p.reassess_every = 9, "reassess_every", "must be 1-8 sessions"),
            (|p| p.precautions.push("  ".into()), "precautions[1]", "is empty"),
            (
                |p| p.precautions[0] = "x".repeat(501),
                "precautions[0]",
                "longer than 500",
            ),
            (|p| p.notes = "x".repeat(4001), "notes", "longer than 4000"),
        ];
        for (edit, field, message) in cases {
            let mut draft = plan();
            edit(&mut draft);
            let errors = draft.validate().unwrap_err();
            let found = errors.for_field(field).unwrap_or_else(|| panic!("{field}: {errors}"));
            assert!(found.contains(message), "{field}: {found}");
            assert_eq!(errors.0.len(), 1, "{field}: only that field: {errors}");
        }
        let mut many = plan();
        many.precautions = vec!["ok".into(); MAX_PRECAUTIONS + 1];
        assert!(many.validate().unwrap_err().for_field("precautions").is_some());
    }

    #[test]
    fn several_problems_are_all_reported() {
        let mut draft = plan();
        draft.condition = String::new();
        draft.goals[1].instrument = "x".into();
        draft.session_minutes = 10;
        let errors = draft.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["condition", "goals[1].instrument", "session_minutes"]);
    }

    #[test]
    fn json_shape() {
        let json = serde_json::json!({
            "protocol": "carpal_tunnel",
            "condition": "carpal_tunnel",
            "goals": [{"instrument": "nprs", "at_most": 2, "label": "Pain at most 2"},
                      {"instrument": "psfs", "psfs_activity_at_least": 8}],
            "sessions_planned": 6, "interval_days": 7, "session_minutes": 45,
            "reassess_every": 3, "precautions": ["Check the neck first."], "notes": ""
        });
        let draft: PlanDraft = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(draft.validate(), Ok(()));
        let mut expected = json;
        expected["goals"][1]["label"] = "".into();
        assert_eq!(serde_json::to_value(&draft).unwrap(), expected);
        let minimal: PlanDraft = serde_json::from_str(
            r#"{"condition":"tmj","sessions_planned":6,"interval_days":7,"session_minutes":45,"reassess_every":3}"#,
        )
        .unwrap();
        assert_eq!(
            (minimal.protocol, minimal.goals.len(), minimal.notes.as_str()),
            (None, 0, "")
        );
        let unknown = serde_json::from_str::<PlanDraft>(r#"{"condition":"tmj","frequency":2}"#).unwrap_err();
        assert!(unknown.to_string().contains("unknown field `frequency`"), "{unknown}");
    }

    #[test]
    fn from_protocol_prefills_everything() {
        assert!(PlanDraft::from_protocol("nope").is_none());
        assert!(PlanDraft::from_protocol_for("nope", "tmj").is_none());
        let p = crate::protocol::protocol("back_neck_shoulder").unwrap();
        let draft = PlanDraft::from_protocol("back_neck_shoulder").unwrap();
        assert_eq!(draft.protocol.as_deref(), Some("back_neck_shoulder"));
        assert_eq!(draft.condition, p.conditions[0]);
        assert_eq!(draft.sessions_planned, p.plan.sessions);
        assert_eq!(draft.interval_days, p.plan.interval_days);
        assert_eq!(draft.session_minutes, p.plan.session_minutes);
        assert_eq!(draft.reassess_every, p.reassess_every);
        assert_eq!(draft.precautions, p.precautions);
        assert_eq!(draft.notes, "");
        // Condition-specific goals: NDI for the neck, ODI for the low back.
        let instruments = |condition: &str| -> Vec<String> {
            let draft = PlanDraft::from_protocol_for("back_neck_shoulder", condition).unwrap();
            draft.goals.into_iter().map(|g| g.instrument).collect()
        };
        assert!(instruments("neck_pain").contains(&"ndi".to_owned()));
        assert!(!instruments("neck_pain").contains(&"odi".to_owned()));
        assert!(instruments("back_pain").contains(&"odi".to_owned()));
        assert!(!instruments("back_pain").contains(&"ndi".to_owned()));
        // A condition outside the protocol keeps the general goals.
        let other = PlanDraft::from_protocol_for("back_neck_shoulder", "tmj").unwrap();
        assert!(!other.goals.is_empty() && other.validate().is_ok());
    }

    #[test]
    fn alert_rules() {
        use PlanAlert::{
            PlannedSessionsDone as Done, PlannedSessionsDoneWithoutImprovement as NoGain, ReassessmentDue,
        };
        let p = plan(); // 8 planned, re-assess every 4
        let table: [(u16, u16, Option<bool>, &[PlanAlert]); 10] = [
            (0, 0, None, &[]),
            (3, 3, None, &[]),
            (4, 4, None, &[ReassessmentDue]),
            (5, 1, Some(false), &[]),
            (7, 3, Some(false), &[]),
            (8, 4, Some(false), &[ReassessmentDue, NoGain]),
            (8, 0, Some(false), &[NoGain]),
            (8, 0, Some(true), &[Done]),
            (8, 0, None, &[Done]),
            (12, 8, Some(true), &[ReassessmentDue, Done]),
        ];
        for (done, since, improved, expected) in table {
            assert_eq!(
                plan_alerts(&p, done, since, improved),
                expected,
                "{done} {since} {improved:?}"
            );
        }
        assert_eq!(
            serde_json::to_value(NoGain).unwrap(),
            serde_json::json!("planned_sessions_done_without_improvement")
        );
        for alert in [ReassessmentDue, NoGain, Done] {
            assert_eq!(serde_json::to_value(alert).unwrap(), serde_json::json!(alert.as_str()));
            assert!(!alert.message().is_empty());
        }
    }

    fn protocol_ids() -> impl Strategy<Value = String> {
        prop::sample::select(protocols().iter().map(|p| p.id.clone()).collect::<Vec<_>>())
    }

    fn conditions() -> impl Strategy<Value = String> {
        prop::sample::select(CONDITIONS.iter().map(|(id, _)| (*id).to_owned()).collect::<Vec<_>>())
    }

    fn plans() -> impl Strategy<Value = PlanDraft> {
        (1_u16..=52, 0_u16..=60).prop_map(|(sessions_planned, reassess)| PlanDraft {
            sessions_planned,
            reassess_every: reassess.min(sessions_planned),
            ..plan()
        })
    }

    proptest! {
        #[test]
        fn from_protocol_always_validates(id in protocol_ids(), condition in conditions()) {
            let draft = PlanDraft::from_protocol_for(&id, &condition).unwrap();
            prop_assert_eq!(draft.validate(), Ok(()));
            let main = PlanDraft::from_protocol(&id).unwrap();
            prop_assert_eq!(main.validate(), Ok(()));
            // And it survives a JSON round trip unchanged.
            let json = serde_json::to_string(&draft).unwrap();
            prop_assert_eq!(serde_json::from_str::<PlanDraft>(&json).unwrap(), draft);
        }

        #[test]
        fn alerts_are_monotonic_until_a_reassessment(
            plan in plans(),
            done in 0_u16..100,
            since in 0_u16..100,
            more in 0_u16..50,
            improved in prop::option::of(any::<bool>()),
        ) {
            let since = since.min(done);
            let before = plan_alerts(&plan, done, since, improved);
            // `more` sessions later, with no re-assessment in between.
            let after = plan_alerts(&plan, done + more, since + more, improved);
            for alert in &before {
                prop_assert!(after.contains(alert), "{:?} lost after {} more sessions: {:?}", alert, more, after);
            }
            // A re-assessment resets the count, and with it the alert.
            let reset = plan_alerts(&plan, done + more, 0, improved);
            prop_assert!(!reset.contains(&PlanAlert::ReassessmentDue));
            // The two "done" alerts never come together.
            let done_alerts = after.iter().filter(|a| **a != PlanAlert::ReassessmentDue).count();
            prop_assert!(done_alerts <= 1);
        }
    }
}
