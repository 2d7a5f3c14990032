//! Measurable goals of a plan: [`Goal`], its [`Target`], the numeric
//! [`Threshold`] a target comes to, and [`goal_status`].
//!
//! # JSON
//!
//! A goal is one flat object: the instrument id, exactly one target key and
//! an optional label (default `""`). Unknown keys are refused.
//!
//! ```json
//! {"instrument": "nprs", "at_most": 2, "label": "Usual pain at most 2/10"}
//! {"instrument": "lefs", "at_least": 65}
//! {"instrument": "ndi", "below_band": "mild"}
//! {"instrument": "psfs", "psfs_activity_at_least": 8}
//! ```
//!
//! Numbers are serialized as JSON integers when they are whole (`2`, not
//! `2.0`). A goal with no target key or with two is a deserialization error;
//! whether the instrument, band and value make sense is checked by
//! [`Goal::validate`], which names the field.

use std::fmt;
use std::str::FromStr;

use myomap_domain::ValidationErrors;
use myomap_scoring::{CutGoesTo, HigherIs, Instrument, Ratio, Scoring};
use serde::{Deserialize, Serialize, Serializer};

/// The longest goal label, in characters.
pub const LABEL_MAX_CHARS: usize = 200;

/// A measurable goal: where the latest score of one instrument should be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GoalRepr", into = "GoalRepr")]
pub struct Goal {
    /// The instrument id of `myomap-scoring` (`"nprs"`, `"ndi"`, ...).
    pub instrument: String,
    /// Where its latest score should be.
    pub target: Target,
    /// The therapist's words for the goal (may be empty).
    pub label: String,
}

/// Where the latest score of a goal's instrument should be.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Score ≤ the value (JSON key `at_most`). For instruments where a higher
    /// score is worse (NPRS, NDI, ODI, QuickDASH, BCTQ, JFLS-8, ACR FS).
    AtMost(f64),
    /// Score ≥ the value (`at_least`). For instruments where a higher score is
    /// better (LEFS, PSFS, PPT).
    AtLeast(f64),
    /// The score's band is below the named band of the instrument's severity
    /// bands (`below_band`), e.g. NDI below `"mild"` (percent < 10) or ODI
    /// below `"moderate"` (score ≤ 20). Only for instruments with bands (NDI,
    /// ODI, ACR 2016 FS).
    BelowBand(String),
    /// PSFS only (`psfs_activity_at_least`): the client's activities are back
    /// to at least this rating out of 10. Evaluated on the latest PSFS score,
    /// the mean rating of the activities rated that day, because that is the
    /// score the outcome records keep.
    PsfsActivityAtLeast(f64),
}

impl Target {
    /// The JSON key of this kind of target, also the field name in
    /// validation errors.
    pub fn key(&self) -> &'static str {
        match self {
            Self::AtMost(_) => "at_most",
            Self::AtLeast(_) => "at_least",
            Self::BelowBand(_) => "below_band",
            Self::PsfsActivityAtLeast(_) => "psfs_activity_at_least",
        }
    }
}

/// How a score is compared with a threshold value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `score ≤ value`.
    AtMost,
    /// `score < value`.
    Below,
    /// `score ≥ value`.
    AtLeast,
}

/// The numeric form of a target: what a score must satisfy to meet it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// How the score is compared.
    pub comparison: Comparison,
    /// The value it is compared with, in the instrument's score units.
    pub value: f64,
}

impl Threshold {
    /// Whether `score` meets the threshold (a non-finite score never does).
    pub fn is_met_by(self, score: f64) -> bool {
        score.is_finite()
            && match self.comparison {
                Comparison::AtMost => score <= self.value,
                Comparison::Below => score < self.value,
                Comparison::AtLeast => score >= self.value,
            }
    }
}

impl fmt::Display for Threshold {
    /// `≤ 2`, `< 10`, `≥ 7.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.comparison {
            Comparison::AtMost => "≤",
            Comparison::Below => "<",
            Comparison::AtLeast => "≥",
        };
        write!(f, "{sign} {}", self.value)
    }
}

/// Whether a goal is met by the latest score of its instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// The latest score meets the target.
    Met,
    /// The latest score does not meet the target.
    NotMet,
    /// No score yet (or the goal cannot be evaluated: see [`goal_status`]).
    NoData,
}

/// The lowest and highest possible score of an instrument's main score
/// (`None` for the top of PPT, which has no upper limit).
pub fn score_range(instrument: Instrument) -> (f64, Option<f64>) {
    let def = instrument.definition();
    match &def.scoring {
        Scoring::Single(rule) | Scoring::Mean(rule) => {
            (f64::from(rule.response.min), Some(f64::from(rule.response.max)))
        }
        Scoring::PercentOfRange(_) => (0.0, Some(100.0)),
        Scoring::ProratedSum(rule) => {
            let items = rule.items.len() as f64;
            (
                items * f64::from(rule.response.min),
                Some(items * f64::from(rule.response.max)),
            )
        }
        Scoring::PptMean(_) => (0.0, None),
        Scoring::Acr2016(rule) => {
            // Fibromyalgia severity: widespread pain index + symptom severity.
            let areas = rule.regions.iter().map(|r| r.areas.len()).sum::<usize>() as f64;
            let symptoms = rule.symptoms.iter().map(|s| f64::from(s.max)).sum::<f64>();
            (0.0, Some(areas + symptoms))
        }
        // `Scoring` is non-exhaustive: a rule this crate does not know has no
        // known range, so no value can be checked against it.
        _ => (f64::NEG_INFINITY, None),
    }
}

fn to_f64(ratio: Ratio) -> f64 {
    ratio.numer() as f64 / ratio.denom() as f64
}

impl Goal {
    /// A goal with an empty label.
    pub fn new(instrument: impl Into<String>, target: Target) -> Self {
        Self {
            instrument: instrument.into(),
            target,
            label: String::new(),
        }
    }

    /// The instrument, when the id is known.
    pub fn instrument(&self) -> Option<Instrument> {
        Instrument::from_str(&self.instrument).ok()
    }

    /// The numeric form of the target; `None` for an unknown instrument, and
    /// for a band target without a band below it (unknown band, lowest band,
    /// instrument without bands).
    ///
    /// A band target becomes the cut below the named band, with the
    /// comparison its bands' `cut_goes_to` demands: NDI's cuts go to the
    /// upper band (10 % is already "mild"), so below "mild" is `< 10`; ODI's
    /// go to the lower band (20 is still "minimal"), so below "moderate" is
    /// `≤ 20`.
    pub fn threshold(&self) -> Option<Threshold> {
        let instrument = self.instrument()?;
        let (comparison, value) = match &self.target {
            Target::AtMost(value) => (Comparison::AtMost, *value),
            Target::AtLeast(value) | Target::PsfsActivityAtLeast(value) => (Comparison::AtLeast, *value),
            Target::BelowBand(name) => {
                let bands = instrument.definition().bands.as_ref()?;
                let index = bands.names.iter().position(|n| n == name)?;
                let cut = *bands.cuts.get(index.checked_sub(1)?)?;
                let comparison = match bands.cut_goes_to {
                    CutGoesTo::Upper => Comparison::Below,
                    CutGoesTo::Lower => Comparison::AtMost,
                };
                (comparison, to_f64(cut))
            }
        };
        Some(Threshold { comparison, value })
    }

    /// Checks the goal; field names are `instrument`, the target's key
    /// (`at_most`, ...) and `label`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        self.validate_into("", &mut errors);
        errors.into_result(())
    }

    /// Adds the goal's problems to `errors`, each field prefixed with
    /// `prefix` and a dot unless `prefix` is empty (`goals[1].instrument`).
    pub(crate) fn validate_into(&self, prefix: &str, errors: &mut ValidationErrors) {
        let field = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            }
        };
        if self.label.chars().count() > LABEL_MAX_CHARS {
            errors.add(field("label"), format!("is longer than {LABEL_MAX_CHARS} characters"));
        }
        let Some(instrument) = self.instrument() else {
            errors.add(
                field("instrument"),
                format!("unknown instrument \"{}\"", self.instrument),
            );
            return;
        };
        let key = field(self.target.key());
        if let Err(problem) = check_target(instrument, &self.target) {
            errors.add(key, problem);
        }
    }
}

fn check_target(instrument: Instrument, target: &Target) -> Result<(), String> {
    let def = instrument.definition();
    let value = match target {
        Target::BelowBand(name) => return check_band(instrument, name),
        Target::AtMost(value) => {
            if def.higher_is == HigherIs::Better {
                return Err(format!(
                    "a higher {instrument} score is better: use at_least for a goal on it"
                ));
            }
            *value
        }
        Target::AtLeast(value) => {
            if def.higher_is == HigherIs::Worse {
                return Err(format!(
                    "a higher {instrument} score is worse: use at_most or below_band for a goal on it"
                ));
            }
            *value
        }
        Target::PsfsActivityAtLeast(value) => {
            if instrument != Instrument::Psfs {
                return Err(format!("is a goal for psfs only, not for {instrument}"));
            }
            *value
        }
    };
    if !value.is_finite() {
        return Err("is not a finite number".to_owned());
    }
    let (min, max) = score_range(instrument);
    match max {
        Some(max) if !(min..=max).contains(&value) => {
            Err(format!("{value} is outside the {instrument} score range {min}-{max}"))
        }
        None if instrument == Instrument::Ppt && value <= 0.0 => {
            Err(format!("{value} is not a pressure above 0 kg/cm²"))
        }
        _ => Ok(()),
    }
}

fn check_band(instrument: Instrument, name: &str) -> Result<(), String> {
    let Some(bands) = instrument.definition().bands.as_ref() else {
        return Err(format!("{instrument} has no severity bands"));
    };
    match bands.names.iter().position(|n| n == name) {
        None => Err(format!(
            "unknown band \"{name}\" of {instrument} (bands: {})",
            bands.names.join(", ")
        )),
        Some(0) => Err(format!("no score is below \"{name}\", the lowest band of {instrument}")),
        Some(_) => Ok(()),
    }
}

/// Whether `goal` is met by `latest`, the latest score of the goal's
/// instrument with its severity band (`None`: no score yet).
///
/// - `at_most`, `at_least`, `psfs_activity_at_least` compare the score
///   (for PSFS the mean activity rating) with the value.
/// - `below_band` compares bands when `latest` carries a band the
///   instrument knows: met when that band comes before the named one. The
///   band is the scorer's, computed from the unrounded score, so it decides
///   even where a rounded score sits on a cut (an NDI of 9.96 % is shown as
///   10.0 but is in band "none"). Without a band it compares the score with
///   [`Goal::threshold`].
/// - A non-finite score, and a goal that does not validate
///   ([`Goal::validate`]: unknown instrument or band, a value outside the
///   score range, a target that does not suit the instrument), give
///   [`GoalStatus::NoData`]: there is nothing sound to compare. Validate
///   goals when they are saved.
pub fn goal_status(goal: &Goal, latest: Option<(f64, Option<&str>)>) -> GoalStatus {
    let Some((score, band)) = latest else {
        return GoalStatus::NoData;
    };
    if goal.validate().is_err() {
        return GoalStatus::NoData;
    }
    let Some(threshold) = goal.threshold() else {
        return GoalStatus::NoData;
    };
    if let (Target::BelowBand(target), Some(band)) = (&goal.target, band) {
        let names = goal
            .instrument()
            .and_then(|i| i.definition().bands.as_ref())
            .map(|b| b.names.as_slice())
            .unwrap_or_default();
        let position = |name: &str| names.iter().position(|n| n == name);
        if let (Some(latest), Some(target)) = (position(band), position(target)) {
            return met(latest < target);
        }
    }
    if !score.is_finite() {
        return GoalStatus::NoData;
    }
    met(threshold.is_met_by(score))
}

fn met(yes: bool) -> GoalStatus {
    if yes { GoalStatus::Met } else { GoalStatus::NotMet }
}

// ------------------------------------------------------------------ serde

/// The problem of a goal object without exactly one target key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a goal needs exactly one target of at_most, at_least, below_band, psfs_activity_at_least; {0}")]
pub struct TargetShapeError(String);

/// The flat JSON/TOML form of a goal.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoalRepr {
    pub(crate) instrument: String,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    pub(crate) at_most: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    pub(crate) at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) below_band: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "number")]
    pub(crate) psfs_activity_at_least: Option<f64>,
    #[serde(default)]
    pub(crate) label: String,
}

/// A whole number as an integer (`2`, not `2.0`), anything else as a float.
pub(crate) fn number<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match *value {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => serializer.serialize_i64(v as i64),
        Some(v) => serializer.serialize_f64(v),
        None => serializer.serialize_none(),
    }
}

/// Builds a target from its optional keys; exactly one must be present.
fn target_from(
    at_most: Option<f64>,
    at_least: Option<f64>,
    below_band: Option<String>,
    psfs_activity_at_least: Option<f64>,
) -> Result<Target, TargetShapeError> {
    let mut found: Vec<Target> = Vec::new();
    found.extend(at_most.map(Target::AtMost));
    found.extend(at_least.map(Target::AtLeast));
    found.extend(below_band.map(Target::BelowBand));
    found.extend(psfs_activity_at_least.map(Target::PsfsActivityAtLeast));
    match found.len() {
        1 => found.pop().ok_or_else(|| TargetShapeError("found none".to_owned())),
        0 => Err(TargetShapeError("found none".to_owned())),
        _ => {
            let keys: Vec<&str> = found.iter().map(Target::key).collect();
            Err(TargetShapeError(format!("found {}", keys.join(" and "))))
        }
    }
}

impl TryFrom<GoalRepr> for Goal {
    type Error = TargetShapeError;

    fn try_from(repr: GoalRepr) -> Result<Self, Self::Error> {
        let target = target_from(
            repr.at_most,
            repr.at_least,
            repr.below_band,
            repr.psfs_activity_at_least,
        )?;
        Ok(Self {
            instrument: repr.instrument,
            target,
            label: repr.label,
        })
    }
}

impl From<Goal> for GoalRepr {
    fn from(goal: Goal) -> Self {
        let mut repr = Self {
            instrument: goal.instrument,
            at_most: None,
            at_least: None,
            below_band: None,
            psfs_activity_at_least: None,
            label: goal.label,
        };
        match goal.target {
            Target::AtMost(v) => repr.at_most = Some(v),
            Target::AtLeast(v) => repr.at_least = Some(v),
            Target::BelowBand(band) => repr.below_band = Some(band),
            Target::PsfsActivityAtLeast(v) => repr.psfs_activity_at_least = Some(v),
        }
        repr
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn goal(json: &str) -> Goal {
        serde_json::from_str(json).unwrap()
    }

    fn below(instrument: &str, band: &str) -> Goal {
        Goal::new(instrument, Target::BelowBand(band.to_owned()))
    }

    #[test]
    fn json_shapes_round_trip() {
        let cases = [
            (r#"{"instrument":"nprs","at_most":2}"#, Target::AtMost(2.0)),
            (r#"{"instrument":"lefs","at_least":65.5}"#, Target::AtLeast(65.5)),
            (
                r#"{"instrument":"ndi","below_band":"mild"}"#,
                Target::BelowBand("mild".into()),
            ),
            (
                r#"{"instrument":"psfs","psfs_activity_at_least":8}"#,
                Target::PsfsActivityAtLeast(8.0),
            ),
        ];
        for (json, target) in cases {
            let parsed = goal(json);
            assert_eq!(parsed.target, target, "{json}");
            assert_eq!(parsed.label, "");
            let with_label = format!("{},\"label\":\"\"}}", json.trim_end_matches('}'));
            assert_eq!(serde_json::to_string(&parsed).unwrap(), with_label);
        }
        let labelled = goal(r#"{"instrument":"nprs","at_most":2.5,"label":"Pain at most 2.5"}"#);
        assert_eq!(labelled.label, "Pain at most 2.5");
        assert_eq!(
            serde_json::to_value(&labelled).unwrap(),
            serde_json::json!({"instrument": "nprs", "at_most": 2.5, "label": "Pain at most 2.5"})
        );
    }

    #[test]
    fn json_needs_exactly_one_target_and_known_keys() {
        for (json, expected) in [
            (r#"{"instrument":"nprs"}"#, "found none"),
            (
                r#"{"instrument":"nprs","at_most":2,"at_least":1}"#,
                "found at_most and at_least",
            ),
            (
                r#"{"instrument":"nprs","at_most":2,"bogus":1}"#,
                "unknown field `bogus`",
            ),
            (r#"{"at_most":2}"#, "missing field `instrument`"),
            (r#"{"instrument":"nprs","at_most":"2"}"#, "invalid type"),
        ] {
            let error = serde_json::from_str::<Goal>(json).unwrap_err().to_string();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let cases: [(Goal, &str, &str); 11] = [
            (
                Goal::new("vas", Target::AtMost(2.0)),
                "instrument",
                "unknown instrument \"vas\"",
            ),
            (
                Goal::new("lefs", Target::AtMost(20.0)),
                "at_most",
                "higher lefs score is better",
            ),
            (
                Goal::new("ndi", Target::AtLeast(20.0)),
                "at_least",
                "higher ndi score is worse",
            ),
            (
                Goal::new("nprs", Target::AtMost(11.0)),
                "at_most",
                "outside the nprs score range 0-10",
            ),
            (Goal::new("nprs", Target::AtMost(-1.0)), "at_most", "outside"),
            (
                Goal::new("nprs", Target::AtMost(f64::NAN)),
                "at_most",
                "not a finite number",
            ),
            (
                Goal::new("lefs", Target::PsfsActivityAtLeast(8.0)),
                "psfs_activity_at_least",
                "psfs only",
            ),
            (below("nprs", "mild"), "below_band", "nprs has no severity bands"),
            (below("ndi", "light"), "below_band", "unknown band \"light\" of ndi"),
            (below("ndi", "none"), "below_band", "lowest band of ndi"),
            (
                Goal::new("ppt", Target::AtLeast(0.0)),
                "at_least",
                "not a pressure above 0",
            ),
        ];
        for (goal, field, message) in cases {
            let errors = goal.validate().unwrap_err();
            let found = errors.for_field(field).unwrap_or_else(|| panic!("{goal:?}: {errors}"));
            assert!(found.contains(message), "{goal:?}: {found}");
        }
        let mut long = Goal::new("nprs", Target::AtMost(2.0));
        long.label = "x".repeat(LABEL_MAX_CHARS + 1);
        assert!(long.validate().unwrap_err().for_field("label").is_some());
        long.label.pop();
        assert!(long.validate().is_ok());
    }

    #[test]
    fn sensible_goals_validate() {
        for goal in [
            Goal::new("nprs", Target::AtMost(0.0)),
            Goal::new("nprs", Target::AtMost(10.0)),
            Goal::new("odi", Target::AtMost(20.0)),
            Goal::new("lefs", Target::AtLeast(80.0)),
            Goal::new("jfls8", Target::AtMost(1.5)),
            Goal::new("bctq_sss", Target::AtMost(2.0)),
            Goal::new("psfs", Target::AtLeast(7.0)),
            Goal::new("psfs", Target::PsfsActivityAtLeast(8.0)),
            Goal::new("ppt", Target::AtLeast(3.5)),
            Goal::new("acr2016_fm", Target::AtMost(11.0)),
            below("ndi", "mild"),
            below("odi", "moderate"),
            below("acr2016_fm", "severe"),
        ] {
            assert!(goal.validate().is_ok(), "{goal:?}: {:?}", goal.validate());
        }
        assert_eq!(score_range(Instrument::Lefs), (0.0, Some(80.0)));
        assert_eq!(score_range(Instrument::Acr2016Fm), (0.0, Some(31.0)));
        assert_eq!(score_range(Instrument::QuickDash), (0.0, Some(100.0)));
        assert_eq!(score_range(Instrument::BctqFss), (1.0, Some(5.0)));
        assert_eq!(score_range(Instrument::Ppt), (0.0, None));
    }

    #[test]
    fn band_targets_respect_where_cuts_go() {
        let ndi = below("ndi", "mild").threshold().unwrap();
        assert_eq!((ndi.comparison, ndi.value), (Comparison::Below, 10.0));
        assert_eq!(ndi.to_string(), "< 10");
        let ndi_moderate = below("ndi", "moderate").threshold().unwrap();
        assert_eq!((ndi_moderate.comparison, ndi_moderate.value), (Comparison::Below, 30.0));
        let odi = below("odi", "moderate").threshold().unwrap();
        assert_eq!((odi.comparison, odi.value), (Comparison::AtMost, 20.0));
        assert_eq!(odi.to_string(), "≤ 20");
        let fs = below("acr2016_fm", "severe").threshold().unwrap();
        assert_eq!((fs.comparison, fs.value), (Comparison::Below, 12.0));
        assert_eq!(below("ndi", "none").threshold(), None);
        assert_eq!(below("nprs", "mild").threshold(), None);
        assert_eq!(Goal::new("vas", Target::AtMost(2.0)).threshold(), None);
        let psfs = Goal::new("psfs", Target::PsfsActivityAtLeast(7.5)).threshold().unwrap();
        assert_eq!(psfs.to_string(), "≥ 7.5");
    }

    /// The band the scorer gives a score, for the boundary tables.
    fn band_of(instrument: Instrument, score: &str) -> String {
        let bands = instrument.definition().bands.as_ref().unwrap();
        bands.band(score.parse().unwrap()).to_owned()
    }

    #[test]
    fn band_goals_at_the_band_boundaries() {
        use GoalStatus::{Met, NotMet};
        let ndi_below_mild = below("ndi", "mild");
        let odi_below_moderate = below("odi", "moderate");
        // (goal, instrument, score, status); the band comes from the scorer.
        let table = [
            (&ndi_below_mild, Instrument::Ndi, "0", Met),
            (&ndi_below_mild, Instrument::Ndi, "9.9", Met),
            (&ndi_below_mild, Instrument::Ndi, "10", NotMet), // 10 % is mild, not none
            (&ndi_below_mild, Instrument::Ndi, "30", NotMet),
            (&odi_below_moderate, Instrument::Odi, "20", Met), // 20 is minimal
            (&odi_below_moderate, Instrument::Odi, "20.1", NotMet),
            (&odi_below_moderate, Instrument::Odi, "40", NotMet),
            (&odi_below_moderate, Instrument::Odi, "0", Met),
        ];
        for (goal, instrument, score, status) in table {
            let value: f64 = score.parse().unwrap();
            let band = band_of(instrument, score);
            assert_eq!(
                goal_status(goal, Some((value, Some(&band)))),
                status,
                "{score} ({band})"
            );
            // Without the band, the threshold gives the same answer.
            assert_eq!(goal_status(goal, Some((value, None))), status, "{score} without band");
        }
        assert_eq!(band_of(Instrument::Ndi, "10"), "mild");
        assert_eq!(band_of(Instrument::Odi, "20"), "minimal");
    }

    #[test]
    fn the_scorers_band_decides_over_a_rounded_score() {
        // An NDI of 9.96 % is stored rounded as 10.0 but is in band "none".
        let goal = below("ndi", "mild");
        assert_eq!(goal_status(&goal, Some((10.0, Some("none")))), GoalStatus::Met);
        assert_eq!(goal_status(&goal, Some((9.9, Some("mild")))), GoalStatus::NotMet);
        // An unknown band falls back to the score.
        assert_eq!(goal_status(&goal, Some((5.0, Some("tiny")))), GoalStatus::Met);
    }

    #[test]
    fn value_goals() {
        use GoalStatus::{Met, NoData, NotMet};
        let nprs = Goal::new("nprs", Target::AtMost(2.0));
        let lefs = Goal::new("lefs", Target::AtLeast(65.0));
        let psfs = Goal::new("psfs", Target::PsfsActivityAtLeast(8.0));
        let table = [
            (&nprs, Some(2.0), Met),
            (&nprs, Some(0.0), Met),
            (&nprs, Some(3.0), NotMet),
            (&nprs, None, NoData),
            (&nprs, Some(f64::NAN), NoData),
            (&lefs, Some(65.0), Met),
            (&lefs, Some(64.9), NotMet),
            (&psfs, Some(8.0), Met),
            (&psfs, Some(7.67), NotMet),
            (&psfs, Some(10.0), Met),
        ];
        for (goal, score, status) in table {
            assert_eq!(
                goal_status(goal, score.map(|s| (s, None))),
                status,
                "{goal:?} {score:?}"
            );
        }
        // A goal that cannot be evaluated has no data, whatever the score.
        assert_eq!(goal_status(&below("nprs", "mild"), Some((1.0, None))), NoData);
        assert_eq!(
            goal_status(&Goal::new("vas", Target::AtMost(2.0)), Some((1.0, None))),
            NoData
        );
        assert_eq!(
            goal_status(&Goal::new("lefs", Target::AtMost(20.0)), Some((1.0, None))),
            NoData
        );
    }
}
