//! The protocol library (`data/protocols.toml`): one starting point per
//! condition group, compiled in and checked once on first use.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::LazyLock;

use myomap_domain::record::CONDITIONS;
use myomap_scoring::Instrument;
use serde::{Deserialize, Serialize};

use crate::goal::{Goal, GoalRepr, TargetShapeError, number};
use crate::plan::{INTERVAL_DAYS, PRECAUTION_MAX_CHARS, SESSION_MINUTES, SESSIONS_PLANNED};

const PROTOCOLS_TOML: &str = include_str!("../data/protocols.toml");

/// A treatment protocol: what to assess, measure and aim for in one condition
/// group, the usual dose, precautions, when to refer, and the sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// Stable snake_case id, e.g. `carpal_tunnel`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the protocol is for and how it goes, in a few sentences.
    pub summary: String,
    /// The intake condition ids it serves (`myomap_domain::record::CONDITIONS`),
    /// the main one first.
    pub conditions: Vec<String>,
    /// Muscles to examine first (canonical atlas ids), most likely first.
    pub assess_first: Vec<String>,
    /// Outcome instruments to use (`myomap-scoring` ids).
    pub instruments: Vec<String>,
    /// Goals a plan from this protocol starts with.
    pub goals: Vec<DefaultGoal>,
    /// Typical sessions per week.
    pub sessions_per_week: Span,
    /// Typical number of sessions in a course.
    pub sessions: Span,
    /// Typical session length in minutes.
    pub session_minutes: Span,
    /// Re-assess (outcome measures, muscle findings) every this many sessions.
    pub reassess_every: u16,
    /// The values a new plan from this protocol starts with.
    pub plan: PlanDefaults,
    /// What to take care of during treatment.
    pub precautions: Vec<String>,
    /// When to stop and refer the client to a physician or specialist.
    pub refer_when: Vec<String>,
    /// How strong the evidence for this approach is, honestly.
    pub evidence: String,
    /// Where the content comes from.
    pub sources: Vec<String>,
}

/// A goal of a protocol, for all its conditions or only some.
///
/// Its JSON (and TOML) form is the goal's flat object plus `only_for`, e.g.
/// `{"instrument":"ndi","below_band":"mild","label":"...","only_for":["neck_pain"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DefaultGoalRepr", into = "DefaultGoalRepr")]
pub struct DefaultGoal {
    /// The goal itself.
    pub goal: Goal,
    /// The condition ids it applies to; empty = every condition.
    pub only_for: Vec<String>,
}

impl DefaultGoal {
    /// Whether a plan for `condition` starts with this goal.
    pub fn applies_to(&self, condition: &str) -> bool {
        self.only_for.is_empty() || self.only_for.iter().any(|c| c == condition)
    }
}

/// The flat form of a protocol goal: a goal's keys plus `only_for`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultGoalRepr {
    instrument: String,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    at_most: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    below_band: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    psfs_activity_at_least: Option<f64>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    only_for: Vec<String>,
}

impl TryFrom<DefaultGoalRepr> for DefaultGoal {
    type Error = TargetShapeError;

    fn try_from(repr: DefaultGoalRepr) -> Result<Self, Self::Error> {
        let goal = Goal::try_from(GoalRepr {
            instrument: repr.instrument,
            at_most: repr.at_most,
            at_least: repr.at_least,
            below_band: repr.below_band,
            psfs_activity_at_least: repr.psfs_activity_at_least,
            label: repr.label,
        })?;
        Ok(Self {
            goal,
            only_for: repr.only_for,
        })
    }
}

impl From<DefaultGoal> for DefaultGoalRepr {
    fn from(default: DefaultGoal) -> Self {
        let goal = GoalRepr::from(default.goal);
        Self {
            instrument: goal.instrument,
            at_most: goal.at_most,
            at_least: goal.at_least,
            below_band: goal.below_band,
            psfs_activity_at_least: goal.psfs_activity_at_least,
            label: goal.label,
            only_for: default.only_for,
        }
    }
}

/// An inclusive range of whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Lowest.
    pub min: u16,
    /// Highest.
    pub max: u16,
}

impl Span {
    /// Whether `value` is within the span.
    pub fn contains(self, value: u16) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// The values a plan started from a protocol gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDefaults {
    /// Number of sessions planned (within `sessions`).
    pub sessions: u16,
    /// Days from one session to the next (consistent with `sessions_per_week`).
    pub interval_days: u16,
    /// Session length in minutes (within `session_minutes`).
    pub session_minutes: u16,
}

/// Every protocol, in file order.
pub fn protocols() -> &'static [Protocol] {
    static LIBRARY: LazyLock<Vec<Protocol>> = LazyLock::new(load);
    &LIBRARY
}

#[expect(
    clippy::panic,
    reason = "the file is compiled in and a unit test parses it: a broken file is a build defect"
)]
fn load() -> Vec<Protocol> {
    match parse(PROTOCOLS_TOML) {
        Ok(protocols) => protocols,
        Err(errors) => panic!("compiled-in protocols.toml is invalid: {}", errors.join("; ")),
    }
}

/// The protocol with this id.
pub fn protocol(id: &str) -> Option<&'static Protocol> {
    protocols().iter().find(|p| p.id == id)
}

/// The protocols that serve an intake condition, in file order.
pub fn protocols_for(condition: &str) -> Vec<&'static Protocol> {
    protocols()
        .iter()
        .filter(|p| p.conditions.iter().any(|c| c == condition))
        .collect()
}

/// Parses and checks a protocol library; every problem is reported as
/// `protocol_id: problem`. Muscle ids are checked against the atlas by the
/// tests.
pub(crate) fn parse(text: &str) -> Result<Vec<Protocol>, Vec<String>> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        protocol: Vec<Protocol>,
    }
    let file: File = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
    let mut errors = Vec::new();
    let mut ids = BTreeSet::new();
    for protocol in &file.protocol {
        if !ids.insert(protocol.id.as_str()) {
            errors.push(format!("{}: defined twice", protocol.id));
        }
        for problem in check(protocol) {
            errors.push(format!("{}: {problem}", protocol.id));
        }
    }
    if errors.is_empty() {
        Ok(file.protocol)
    } else {
        Err(errors)
    }
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check(p: &Protocol) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(text);
    if !is_snake_case(&p.id) {
        problem("the id must be snake_case".into());
    }
    for (field, text) in [("name", &p.name), ("summary", &p.summary), ("evidence", &p.evidence)] {
        if text.trim().is_empty() {
            problem(format!("{field} is empty"));
        }
    }
    if p.conditions.is_empty() {
        problem("serves no condition".into());
    }
    for condition in &p.conditions {
        if !CONDITIONS.iter().any(|(id, _)| id == condition) {
            problem(format!("unknown condition \"{condition}\""));
        }
    }
    if !(6..=12).contains(&p.assess_first.len()) {
        problem(format!("assess_first lists {} muscles, not 6-12", p.assess_first.len()));
    }
    if let Some(muscle) = duplicate(&p.assess_first) {
        problem(format!("muscle \"{muscle}\" is listed twice"));
    }
    if p.instruments.is_empty() {
        problem("names no instrument".into());
    }
    if let Some(instrument) = duplicate(&p.instruments) {
        problem(format!("instrument \"{instrument}\" is listed twice"));
    }
    for instrument in &p.instruments {
        if Instrument::from_str(instrument).is_err() {
            problem(format!("unknown instrument \"{instrument}\""));
        }
    }
    if !p.goals.iter().any(|g| g.only_for.is_empty()) {
        problem("needs at least one goal for every condition (without only_for)".into());
    }
    for (i, default) in p.goals.iter().enumerate() {
        if let Err(errors) = default.goal.validate() {
            problem(format!("goals[{i}]: {errors}"));
        }
        if !p.instruments.contains(&default.goal.instrument) {
            problem(format!(
                "goals[{i}]: instrument \"{}\" is not in instruments",
                default.goal.instrument
            ));
        }
        if default.goal.label.trim().is_empty() {
            problem(format!("goals[{i}]: the label is empty"));
        }
        for condition in &default.only_for {
            if !p.conditions.contains(condition) {
                problem(format!(
                    "goals[{i}]: only_for \"{condition}\" is not one of the conditions"
                ));
            }
        }
    }
    let spans = [
        ("sessions_per_week", p.sessions_per_week, 1..=7),
        ("sessions", p.sessions, SESSIONS_PLANNED),
        ("session_minutes", p.session_minutes, SESSION_MINUTES),
    ];
    for (field, span, limits) in spans {
        if span.min > span.max || !limits.contains(&span.min) || !limits.contains(&span.max) {
            problem(format!(
                "{field} {}-{} is not an ascending range within {}-{}",
                span.min,
                span.max,
                limits.start(),
                limits.end()
            ));
        }
    }
    let plan = p.plan;
    if !p.sessions.contains(plan.sessions) {
        problem(format!("plan.sessions {} is outside sessions", plan.sessions));
    }
    if !p.session_minutes.contains(plan.session_minutes) {
        problem(format!(
            "plan.session_minutes {} is outside session_minutes",
            plan.session_minutes
        ));
    }
    // `interval_days` days apart is 7 / interval_days sessions a week, which
    // must lie within sessions_per_week.
    let week = u32::from(plan.interval_days);
    let fits_week = week * u32::from(p.sessions_per_week.min) <= 7 && 7 <= week * u32::from(p.sessions_per_week.max);
    if !INTERVAL_DAYS.contains(&plan.interval_days) || !fits_week {
        problem(format!(
            "plan.interval_days {} does not fit sessions_per_week",
            plan.interval_days
        ));
    }
    if !(1..=plan.sessions).contains(&p.reassess_every) {
        problem(format!(
            "reassess_every {} is not within 1-{}",
            p.reassess_every, plan.sessions
        ));
    }
    for (field, list) in [
        ("precautions", &p.precautions),
        ("refer_when", &p.refer_when),
        ("sources", &p.sources),
    ] {
        if list.is_empty() {
            problem(format!("{field} is empty"));
        }
        if list.iter().any(|text| text.trim().is_empty()) {
            problem(format!("{field} has an empty entry"));
        }
    }
    if p.precautions
        .iter()
        .any(|text| text.chars().count() > PRECAUTION_MAX_CHARS)
    {
        problem(format!("a precaution is longer than {PRECAUTION_MAX_CHARS} characters"));
    }
    problems
}

fn duplicate(list: &[String]) -> Option<&str> {
    let mut seen = BTreeSet::new();
    list.iter().map(String::as_str).find(|item| !seen.insert(*item))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::plan::PlanDraft;

    const GROUPS: [&str; 6] = [
        "back_neck_shoulder",
        "sciatica_nerve_entrapment",
        "tmj",
        "carpal_tunnel",
        "fibromyalgia_myofascial",
        "sports_repetitive_strain",
    ];

    #[test]
    fn the_compiled_in_library_parses() {
        let parsed = parse(PROTOCOLS_TOML).unwrap_or_else(|e| panic!("{}", e.join("\n")));
        assert_eq!(parsed.len(), protocols().len());
    }

    #[test]
    fn one_protocol_per_condition_group() {
        let ids: Vec<&str> = protocols().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, GROUPS);
        for id in GROUPS {
            assert_eq!(protocol(id).map(|p| p.id.as_str()), Some(id));
        }
        assert!(protocol("nope").is_none());
    }

    #[test]
    fn every_intake_condition_has_a_protocol() {
        for (condition, _) in CONDITIONS {
            assert!(!protocols_for(condition).is_empty(), "{condition}");
        }
        let tmj: Vec<&str> = protocols_for("tmj").iter().map(|p| p.id.as_str()).collect();
        assert_eq!(tmj, ["tmj"]);
        assert!(protocols_for("unknown").is_empty());
    }

    #[test]
    fn every_muscle_is_in_the_atlas() {
        let atlas = myomap_atlas::atlas();
        for p in protocols() {
            for muscle in &p.assess_first {
                assert!(atlas.muscle(muscle).is_some(), "{}: unknown muscle {muscle}", p.id);
            }
        }
    }

    #[test]
    fn instruments_exist_and_cover_the_suggested_ones() {
        for p in protocols() {
            for instrument in &p.instruments {
                assert!(Instrument::from_str(instrument).is_ok(), "{}: {instrument}", p.id);
            }
            // The measures suggested for the protocol's conditions are all in it.
            for suggested in myomap_scoring::suggested_for(&p.conditions) {
                assert!(
                    p.instruments.iter().any(|i| i == suggested.as_str()),
                    "{}: {suggested}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn content_is_complete_and_in_range() {
        for p in protocols() {
            assert!(check(p).is_empty(), "{}: {:?}", p.id, check(p));
            assert!(p.sources.len() >= 2, "{}: at least two sources", p.id);
            assert!(p.refer_when.len() >= 3, "{}", p.id);
            assert!(!p.precautions.is_empty(), "{}", p.id);
            assert!((30..=90).contains(&p.session_minutes.min) && p.session_minutes.max <= 90);
            assert!(
                p.sources.iter().any(|s| s.contains("Travell") || s.contains("Simons")),
                "{}",
                p.id
            );
        }
        // Fibromyalgia: shorter sessions and gentler pressure than the rest.
        let fm = protocol("fibromyalgia_myofascial").unwrap();
        assert!(fm.session_minutes.max <= 45 && fm.plan.session_minutes <= 45);
        assert!(fm.precautions.iter().any(|t| t.to_lowercase().contains("gentle")));
        assert!(fm.precautions.iter().any(|t| t.to_lowercase().contains("flare")));
        let ct = protocol("carpal_tunnel").unwrap();
        assert!(
            ct.precautions
                .iter()
                .any(|t| t.to_lowercase().contains("radiculopathy"))
        );
        let sciatica = protocol("sciatica_nerve_entrapment").unwrap();
        assert!(sciatica.refer_when.iter().any(|t| t.to_lowercase().contains("saddle")));
    }

    #[test]
    fn clinically_expected_muscles_are_listed() {
        let has = |id: &str, muscles: &[&str]| {
            let p = protocol(id).unwrap();
            for m in muscles {
                assert!(p.assess_first.iter().any(|x| x == m), "{id}: {m}");
            }
        };
        has(
            "tmj",
            &[
                "masseter",
                "temporalis",
                "lateral_pterygoid",
                "medial_pterygoid",
                "digastric",
            ],
        );
        has(
            "carpal_tunnel",
            &[
                "anterior_scalene",
                "pectoralis_minor",
                "brachialis",
                "pronator_teres",
                "opponens_pollicis",
            ],
        );
        has(
            "sciatica_nerve_entrapment",
            &["piriformis", "gluteus_minimus_posterior", "quadratus_lumborum"],
        );
        has(
            "back_neck_shoulder",
            &["upper_trapezius", "levator_scapulae", "quadratus_lumborum"],
        );
    }

    #[test]
    fn every_default_plan_validates() {
        for p in protocols() {
            for condition in &p.conditions {
                let draft = PlanDraft::from_protocol_for(&p.id, condition).unwrap();
                assert!(
                    draft.validate().is_ok(),
                    "{} / {condition}: {:?}",
                    p.id,
                    draft.validate()
                );
                assert!(!draft.goals.is_empty());
            }
        }
    }

    #[test]
    fn protocols_serialize_to_json_with_flat_goals() {
        let library = serde_json::to_value(protocols()).unwrap();
        let back: Vec<Protocol> = serde_json::from_value(library).unwrap();
        assert_eq!(back, protocols());
        let json = serde_json::to_value(protocol("back_neck_shoulder").unwrap()).unwrap();
        let goals = json["goals"].as_array().unwrap();
        assert!(
            goals
                .iter()
                .any(|g| g["below_band"] == "mild" && g["only_for"][0] == "neck_pain")
        );
        assert!(
            goals
                .iter()
                .any(|g| g["at_most"] == 2 && g["only_for"] == serde_json::json!([]))
        );
        assert_eq!(json["plan"]["session_minutes"], 60);
    }

    #[test]
    fn broken_libraries_are_rejected() {
        let good = PROTOCOLS_TOML;
        let cases = [
            (good.replace("id = \"tmj\"", "id = \"carpal_tunnel\""), "defined twice"),
            (
                good.replace("conditions = [\"tmj\"", "conditions = [\"jaw\""),
                "unknown condition \"jaw\"",
            ),
            (
                good.replace("\"bctq_sss\", \"bctq_fss\"", "\"bctq\", \"bctq_fss\""),
                "unknown instrument \"bctq\"",
            ),
            (
                good.replace("below_band = \"mild\"", "below_band = \"light\""),
                "unknown band",
            ),
            (
                good.replace("at_most = 2\n", "at_most = 2\nat_least = 1\n"),
                "exactly one target",
            ),
            (
                good.replace("only_for = [\"back_pain\"]", "only_for = [\"tmj\"]"),
                "only_for \"tmj\"",
            ),
            (
                good.replace("\"iliopsoas\",\n]", "\"iliopsoas\", \"piriformis\",\n]"),
                "not 6-12",
            ),
            (
                good.replace(
                    "session_minutes = { min = 30, max = 45 }",
                    "session_minutes = { min = 20, max = 45 }",
                ),
                "session_minutes 20-45",
            ),
            (
                good.replace("reassess_every = 3", "reassess_every = 0"),
                "reassess_every 0",
            ),
            (
                good.replace("interval_days = 7", "interval_days = 1"),
                "interval_days 1",
            ),
            (format!("{good}\nbogus = 1\n"), "unknown field"),
        ];
        for (text, expected) in cases {
            let errors = parse(&text).expect_err(expected).join("\n");
            assert!(errors.contains(expected), "{expected}: {errors}");
        }
    }
}
