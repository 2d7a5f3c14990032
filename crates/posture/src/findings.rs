//! The posture checklist (`data/posture-findings.toml`) and the muscles each
//! observation links to.
//!
//! A finding is sided when the therapist must record the client's left or
//! right; what that side names is written in the finding's `side_means`
//! (for `shoulder_elevated` the higher shoulder, for `head_tilt` the side the
//! head leans toward, for `head_rotation` the side the face turns toward).
//! Each linked muscle of a sided finding says which of the client's sides it
//! is on relative to the recorded one ([`SideRelation`]): `shoulder_elevated`
//! on the right implicates the right upper trapezius (`same`); `head_rotation`
//! to the right implicates the left sternocleidomastoid (`opposite`), which
//! turns the face away from its own side; `leg_length_difference` implicates
//! both quadratus lumborum muscles (`both`). Muscles of unsided findings
//! (forward head, kyphosis...) are reported without a side: both sides, or
//! the midline, deserve examination.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use myomap_domain::Side;
use serde::{Deserialize, Serialize};

use crate::error::PostureError;
use crate::measure::{Measure, PhotoView};

const FINDINGS_TOML: &str = include_str!("../data/posture-findings.toml");

/// How a posture puts a linked muscle under strain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MuscleRole {
    /// Held short or tight by the posture.
    Shortened,
    /// Held lengthened under load, or working constantly to hold or resist
    /// the posture (stretch weakness, strain).
    Overloaded,
    /// Commonly found weak or inhibited with the posture.
    Weak,
}

impl MuscleRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MuscleRole::Shortened => "shortened",
            MuscleRole::Overloaded => "overloaded",
            MuscleRole::Weak => "weak",
        }
    }
}

/// Which of the client's sides a muscle of a sided finding is on, relative to
/// the side recorded for the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SideRelation {
    Same,
    Opposite,
    Both,
}

impl SideRelation {
    /// The client's sides the muscle is on when the finding is recorded on `side`.
    pub fn sides(self, side: Side) -> &'static [Side] {
        match (self, side) {
            (SideRelation::Same, Side::Left) | (SideRelation::Opposite, Side::Right) => &[Side::Left],
            (SideRelation::Same, Side::Right) | (SideRelation::Opposite, Side::Left) => &[Side::Right],
            (SideRelation::Both, _) => &Side::BOTH,
        }
    }
}

/// A muscle linked to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuscleLink {
    /// Canonical atlas muscle id.
    pub id: String,
    pub role: MuscleRole,
    /// Present exactly when the finding is sided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<SideRelation>,
}

/// One item of the posture checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub label: String,
    /// Photo views in which it is seen.
    pub views: Vec<PhotoView>,
    pub sided: bool,
    /// For sided findings: what the recorded side names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_means: Option<String>,
    pub description: String,
    pub sources: Vec<String>,
    pub muscles: Vec<MuscleLink>,
}

/// When a measured angle is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagWhen {
    /// The angle's size, in either direction, is at least the cut-off.
    AtLeast,
    /// The (signed) angle is below the cut-off.
    Below,
}

impl FlagWhen {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagWhen::AtLeast => "at_least",
            FlagWhen::Below => "below",
        }
    }
}

/// Which side of a measured obliquity the suggested finding is recorded on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingSide {
    Higher,
    Lower,
}

/// The cut-off at which a measurement suggests a finding, with its sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub measure: Measure,
    pub finding: String,
    pub flag_when: FlagWhen,
    /// Compared with the angle as displayed (rounded to 0.1°), so that a
    /// suggestion never contradicts the number on screen.
    pub degrees: f64,
    /// Obliquities only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_side: Option<FindingSide>,
    /// What the number means and how firm it is.
    pub reference: String,
    pub sources: Vec<String>,
}

/// The parsed checklist and thresholds.
#[derive(Debug)]
pub struct Catalogue {
    findings: Vec<Finding>,
    by_id: HashMap<String, usize>,
    thresholds: Vec<Threshold>,
}

impl Catalogue {
    /// Parses and checks the data; every problem found is listed.
    pub(crate) fn parse(text: &str) -> Result<Catalogue, Vec<String>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            finding: Vec<Finding>,
            threshold: Vec<Threshold>,
        }
        let file: File = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
        let mut errors = Vec::new();
        let mut by_id = HashMap::with_capacity(file.finding.len());
        for (index, finding) in file.finding.iter().enumerate() {
            check_finding(finding, &mut errors);
            if by_id.insert(finding.id.clone(), index).is_some() {
                errors.push(format!("finding id \"{}\" is used more than once", finding.id));
            }
        }
        for threshold in &file.threshold {
            check_threshold(threshold, &file.finding, &by_id, &mut errors);
        }
        for measure in Measure::ALL {
            match file.threshold.iter().filter(|t| t.measure == measure).count() {
                1 => {}
                0 => errors.push(format!("measure {measure} has no threshold")),
                _ => errors.push(format!("measure {measure} has more than one threshold")),
            }
        }
        if errors.is_empty() {
            Ok(Catalogue {
                findings: file.finding,
                by_id,
                thresholds: file.threshold,
            })
        } else {
            Err(errors)
        }
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.by_id.get(id).map(|&index| &self.findings[index])
    }

    pub fn thresholds(&self) -> &[Threshold] {
        &self.thresholds
    }

    pub fn threshold(&self, measure: Measure) -> Option<&Threshold> {
        self.thresholds.iter().find(|t| t.measure == measure)
    }
}

pub(crate) fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('_')
        && !id.contains("__")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_finding(finding: &Finding, errors: &mut Vec<String>) {
    let id = &finding.id;
    if !is_snake_case(id) {
        errors.push(format!("finding id \"{id}\" is not snake_case"));
    }
    for (field, value) in [("label", &finding.label), ("description", &finding.description)] {
        if value.trim().is_empty() {
            errors.push(format!("{id}: {field} is empty"));
        }
    }
    if finding.views.is_empty() {
        errors.push(format!("{id}: views is empty"));
    }
    if (1..finding.views.len()).any(|i| finding.views[..i].contains(&finding.views[i])) {
        errors.push(format!("{id}: a view is listed more than once"));
    }
    if finding.sources.is_empty() || finding.sources.iter().any(|s| s.trim().is_empty()) {
        errors.push(format!("{id}: sources are missing or empty"));
    }
    match (finding.sided, &finding.side_means) {
        (true, None) => errors.push(format!("{id}: a sided finding needs side_means")),
        (true, Some(means)) if means.trim().is_empty() => errors.push(format!("{id}: side_means is empty")),
        (false, Some(_)) => errors.push(format!("{id}: side_means is only for sided findings")),
        _ => {}
    }
    if finding.muscles.is_empty() {
        errors.push(format!("{id}: links no muscle"));
    }
    for (index, link) in finding.muscles.iter().enumerate() {
        if !is_snake_case(&link.id) {
            errors.push(format!("{id}: muscle id \"{}\" is not snake_case", link.id));
        }
        if finding.muscles[..index].iter().any(|other| other.id == link.id) {
            errors.push(format!("{id}: muscle \"{}\" is listed more than once", link.id));
        }
        match (finding.sided, link.side) {
            (true, None) => errors.push(format!(
                "{id}: muscle \"{}\" needs a side (same/opposite/both)",
                link.id
            )),
            (false, Some(_)) => errors.push(format!(
                "{id}: muscle \"{}\" takes no side: the finding is unsided",
                link.id
            )),
            _ => {}
        }
    }
}

fn check_threshold(
    threshold: &Threshold,
    findings: &[Finding],
    by_id: &HashMap<String, usize>,
    errors: &mut Vec<String>,
) {
    let measure = threshold.measure;
    if !(threshold.degrees.is_finite() && threshold.degrees > 0.0 && threshold.degrees < 90.0) {
        errors.push(format!("threshold {measure}: degrees must be above 0 and below 90"));
    }
    if threshold.reference.trim().is_empty() {
        errors.push(format!("threshold {measure}: reference is empty"));
    }
    if threshold.sources.is_empty() || threshold.sources.iter().any(|s| s.trim().is_empty()) {
        errors.push(format!("threshold {measure}: sources are missing or empty"));
    }
    let Some(finding) = by_id.get(&threshold.finding).map(|&i| &findings[i]) else {
        errors.push(format!(
            "threshold {measure}: unknown finding \"{}\"",
            threshold.finding
        ));
        return;
    };
    let obliquity = measure.is_obliquity();
    if finding.sided != obliquity {
        errors.push(format!(
            "threshold {measure}: finding \"{}\" must be {}",
            finding.id,
            if obliquity { "sided" } else { "unsided" }
        ));
    }
    if threshold.finding_side.is_some() != obliquity {
        errors.push(format!(
            "threshold {measure}: finding_side is {}",
            if obliquity { "required" } else { "only for obliquities" }
        ));
    }
    let expected = if obliquity { FlagWhen::AtLeast } else { FlagWhen::Below };
    if threshold.flag_when != expected {
        errors.push(format!(
            "threshold {measure}: flag_when must be \"{}\"",
            expected.as_str()
        ));
    }
}

/// The checklist, parsed once. The data is compiled in and checked by this
/// crate's tests, so a parse failure is a build defect, not an input error.
#[allow(clippy::panic)]
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| match Catalogue::parse(FINDINGS_TOML) {
        Ok(catalogue) => catalogue,
        Err(errors) => panic!("compiled-in posture-findings.toml is invalid: {}", errors.join("; ")),
    });
    &CATALOGUE
}

/// Every finding of the checklist, in data order.
pub fn findings() -> &'static [Finding] {
    catalogue().findings()
}

/// The finding with this id.
pub fn finding(id: &str) -> Option<&'static Finding> {
    catalogue().finding(id)
}

/// An observed finding with its side; valid by construction (known id, side
/// present exactly when the finding is sided).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    finding: &'static Finding,
    side: Option<Side>,
}

impl Observation {
    /// Checks an observation; errors name `field` (e.g. `findings[0]`) with
    /// `.id` or `.side` appended.
    pub fn new(id: &str, side: Option<Side>, field: &str) -> Result<Observation, PostureError> {
        let Some(finding) = finding(id) else {
            return Err(PostureError::UnknownFinding {
                field: format!("{field}.id"),
                id: id.to_owned(),
            });
        };
        match (finding.sided, side) {
            (true, None) => Err(PostureError::SideRequired {
                field: format!("{field}.side"),
                id: id.to_owned(),
            }),
            (false, Some(_)) => Err(PostureError::SideNotAllowed {
                field: format!("{field}.side"),
                id: id.to_owned(),
            }),
            _ => Ok(Observation { finding, side }),
        }
    }

    pub fn finding(self) -> &'static Finding {
        self.finding
    }

    pub fn side(self) -> Option<Side> {
        self.side
    }

    /// Human label, e.g. "Shoulder held high (right)".
    pub fn label(self) -> String {
        match self.side {
            Some(side) => format!("{} ({side})", self.finding.label),
            None => self.finding.label.clone(),
        }
    }

    /// The muscles this observation implicates, each with its side (`None`
    /// for unsided findings), in data order.
    pub fn muscles(self) -> impl Iterator<Item = (&'static MuscleLink, Option<Side>)> {
        let side = self.side;
        self.finding.muscles.iter().flat_map(move |link| {
            let sides: Vec<Option<Side>> = match (side, link.side) {
                (Some(side), Some(relation)) => relation.sides(side).iter().copied().map(Some).collect(),
                _ => vec![None],
            };
            sides.into_iter().map(move |s| (link, s))
        })
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side {
            Some(side) => write!(f, "{}:{side}", self.finding.id),
            None => f.write_str(&self.finding.id),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationWire {
    finding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<Side>,
}

impl Serialize for Observation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ObservationWire {
            finding: self.finding.id.clone(),
            side: self.side,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Observation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = ObservationWire::deserialize(d)?;
        Observation::new(&wire.finding, wire.side, "finding").map_err(serde::de::Error::custom)
    }
}

/// One muscle linked to the observed posture: `(muscle id, side, finding ids)`.
pub type LinkedMuscle = (&'static str, Option<Side>, Vec<&'static str>);

/// The muscles linked to the observed findings, for the suggestions panel.
///
/// Each input is `(finding id, side)`; the side is required for sided findings
/// and refused for unsided ones (errors name `findings[i].id` / `findings[i].side`).
/// A muscle of a sided finding is reported on the side its [`SideRelation`]
/// gives (shoulder elevated right → right upper trapezius; head rotated right →
/// left sternocleidomastoid; `both` → one entry per side). Muscles of unsided
/// findings are reported with side `None` (both sides, or the midline); they
/// are not merged with sided entries of the same muscle.
///
/// Each `(muscle, side)` appears once with the ids of all findings that
/// implicate it (each once, in input order). Muscles implicated by more
/// findings come first; ties keep the order of first mention (input order,
/// then the finding's data order, where the stronger links come first).
/// Repeated inputs are counted once.
pub fn muscles_for<S: AsRef<str>>(findings: &[(S, Option<Side>)]) -> Result<Vec<LinkedMuscle>, PostureError> {
    let observations = findings
        .iter()
        .enumerate()
        .map(|(index, (id, side))| Observation::new(id.as_ref(), *side, &format!("findings[{index}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut order: HashMap<(&'static str, Option<Side>), usize> = HashMap::new();
    let mut linked: Vec<LinkedMuscle> = Vec::new();
    for observation in observations {
        let finding_id = observation.finding().id.as_str();
        for (link, side) in observation.muscles() {
            let key = (link.id.as_str(), side);
            let index = *order.entry(key).or_insert_with(|| {
                linked.push((key.0, side, Vec::new()));
                linked.len() - 1
            });
            let ids = &mut linked[index].2;
            if !ids.contains(&finding_id) {
                ids.push(finding_id);
            }
        }
    }
    // Stable: ties keep the order of first mention.
    linked.sort_by_key(|(_, _, ids)| std::cmp::Reverse(ids.len()));
    Ok(linked)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_compiled_in_data_loads() {
        if let Err(errors) = Catalogue::parse(FINDINGS_TOML) {
            panic!("{}", errors.join("\n"));
        }
        assert!(findings().len() >= 18);
    }

    #[test]
    fn ids_are_unique_snake_case_and_complete() {
        let mut seen = std::collections::HashSet::new();
        for f in findings() {
            assert!(is_snake_case(&f.id), "{}", f.id);
            assert!(seen.insert(f.id.as_str()), "duplicate {}", f.id);
        }
        for required in [
            "forward_head",
            "rounded_shoulders",
            "shoulder_elevated",
            "head_tilt",
            "head_rotation",
            "increased_thoracic_kyphosis",
            "flattened_lumbar_lordosis",
            "anterior_pelvic_tilt",
            "posterior_pelvic_tilt",
            "lateral_pelvic_tilt",
            "leg_length_difference",
            "knee_hyperextension",
            "genu_valgum",
            "flat_foot_pronation",
            "hip_hitched",
            "scoliotic_curve",
            "winged_scapula",
            "jaw_deviation",
        ] {
            assert!(finding(required).is_some(), "missing {required}");
        }
    }

    #[test]
    fn every_muscle_id_exists_in_the_atlas_and_sided_links_are_paired() {
        let atlas = myomap_atlas::atlas();
        for f in findings() {
            for link in &f.muscles {
                let muscle = atlas.muscle(&link.id);
                assert!(muscle.is_some(), "{}: unknown muscle {}", f.id, link.id);
                if f.sided {
                    assert!(
                        muscle.is_some_and(|m| m.paired),
                        "{}: {} is a midline muscle but linked to a side",
                        f.id,
                        link.id
                    );
                }
            }
        }
    }

    #[test]
    fn every_finding_and_threshold_has_sources() {
        for f in findings() {
            assert!(!f.sources.is_empty(), "{}", f.id);
            assert!(f.sources.iter().all(|s| s.len() > 10), "{}", f.id);
        }
        for t in catalogue().thresholds() {
            assert!(!t.sources.is_empty() && !t.reference.is_empty(), "{}", t.measure);
        }
    }

    #[test]
    fn key_muscles_are_linked() {
        let has = |finding_id: &str, muscle: &str| {
            finding(finding_id)
                .unwrap()
                .muscles
                .iter()
                .any(|link| link.id == muscle)
        };
        for m in [
            "suboccipitals",
            "sternocleidomastoid_sternal",
            "upper_trapezius",
            "levator_scapulae",
            "anterior_scalene",
        ] {
            assert!(has("forward_head", m), "forward_head {m}");
        }
        for m in [
            "pectoralis_minor",
            "pectoralis_major_sternal",
            "serratus_anterior",
            "rhomboids",
        ] {
            assert!(has("rounded_shoulders", m), "rounded_shoulders {m}");
        }
        for m in [
            "iliopsoas",
            "rectus_femoris",
            "tensor_fasciae_latae",
            "iliocostalis_lumborum",
        ] {
            assert!(has("anterior_pelvic_tilt", m), "anterior_pelvic_tilt {m}");
        }
        assert!(has("posterior_pelvic_tilt", "biceps_femoris"));
        assert!(has("lateral_pelvic_tilt", "quadratus_lumborum"));
        assert!(has("lateral_pelvic_tilt", "gluteus_medius"));
        assert!(has("flat_foot_pronation", "tibialis_posterior"));
        assert!(has("flat_foot_pronation", "peroneus_longus"));
        assert!(has("winged_scapula", "serratus_anterior"));
        // Protracted shoulder blades hold serratus anterior short, not lengthened.
        let rounded = finding("rounded_shoulders").unwrap();
        let serratus = rounded
            .muscles
            .iter()
            .find(|link| link.id == "serratus_anterior")
            .unwrap();
        assert_eq!(format!("{:?}", serratus.role), "Shortened");
    }

    #[test]
    fn parse_rejects_bad_data() {
        let base = r#"
[[finding]]
id = "forward_head"
label = "Forward head"
views = ["side"]
sided = false
description = "d"
sources = ["s"]
muscles = [{ id = "suboccipitals", role = "shortened" }]

[[finding]]
id = "shoulder_elevated"
label = "Shoulder high"
views = ["front"]
sided = true
side_means = "the higher shoulder"
description = "d"
sources = ["s"]
muscles = [{ id = "upper_trapezius", role = "shortened", side = "same" }]
"#;
        let thresholds = r#"
[[threshold]]
measure = "head_tilt"
finding = "shoulder_elevated"
flag_when = "at_least"
degrees = 2.0
finding_side = "lower"
reference = "r"
sources = ["s"]
[[threshold]]
measure = "shoulder_obliquity"
finding = "shoulder_elevated"
flag_when = "at_least"
degrees = 2.0
finding_side = "higher"
reference = "r"
sources = ["s"]
[[threshold]]
measure = "pelvic_obliquity"
finding = "shoulder_elevated"
flag_when = "at_least"
degrees = 2.0
finding_side = "higher"
reference = "r"
sources = ["s"]
[[threshold]]
measure = "craniovertebral_angle"
finding = "forward_head"
flag_when = "below"
degrees = 50.0
reference = "r"
sources = ["s"]
"#;
        assert!(Catalogue::parse(&format!("{base}{thresholds}")).is_ok());
        let cases = [
            (
                base.replace("\"forward_head\"\nlabel", "\"Forward-Head\"\nlabel"),
                "snake_case",
            ),
            (
                base.replace("\"shoulder_elevated\"\nlabel", "\"forward_head\"\nlabel"),
                "more than once",
            ),
            (
                base.replace(
                    "sources = [\"s\"]\nmuscles = [{ id = \"sub",
                    "sources = []\nmuscles = [{ id = \"sub",
                ),
                "sources",
            ),
            (base.replace("side_means = \"the higher shoulder\"\n", ""), "side_means"),
            (base.replace(", side = \"same\"", ""), "needs a side"),
            (
                base.replace(
                    "role = \"shortened\" }]\n\n",
                    "role = \"shortened\", side = \"same\" }]\n\n",
                ),
                "takes no side",
            ),
        ];
        for (text, expected) in cases {
            let errors = Catalogue::parse(&format!("{text}{thresholds}")).expect_err(expected);
            assert!(errors.iter().any(|e| e.contains(expected)), "{expected}: {errors:?}");
        }
        let bad_threshold = thresholds.replace("finding = \"forward_head\"", "finding = \"nope\"");
        let errors = Catalogue::parse(&format!("{base}{bad_threshold}")).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("unknown finding")), "{errors:?}");
        let unsided = thresholds.replace(
            "measure = \"head_tilt\"\nfinding = \"shoulder_elevated\"",
            "measure = \"head_tilt\"\nfinding = \"forward_head\"",
        );
        let errors = Catalogue::parse(&format!("{base}{unsided}")).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("must be sided")), "{errors:?}");
        let missing = thresholds
            .split("[[threshold]]\nmeasure = \"pelvic")
            .next()
            .unwrap()
            .to_owned();
        let errors = Catalogue::parse(&format!("{base}{missing}")).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("has no threshold")), "{errors:?}");
    }

    #[test]
    fn observations_are_validated_naming_the_field() {
        assert_eq!(
            Observation::new("forward_hed", None, "findings[0]"),
            Err(PostureError::UnknownFinding {
                field: "findings[0].id".into(),
                id: "forward_hed".into()
            })
        );
        assert_eq!(
            Observation::new("forward_head", Some(Side::Left), "findings[1]"),
            Err(PostureError::SideNotAllowed {
                field: "findings[1].side".into(),
                id: "forward_head".into()
            })
        );
        assert_eq!(
            Observation::new("shoulder_elevated", None, "findings[2]"),
            Err(PostureError::SideRequired {
                field: "findings[2].side".into(),
                id: "shoulder_elevated".into()
            })
        );
        let ok = Observation::new("shoulder_elevated", Some(Side::Right), "x").unwrap();
        assert_eq!(ok.to_string(), "shoulder_elevated:right");
        assert_eq!(ok.label(), "Shoulder held high (right)");
    }

    #[test]
    fn observations_round_trip_through_json() {
        let ok = Observation::new("head_tilt", Some(Side::Left), "x").unwrap();
        let json = serde_json::to_string(&ok).unwrap();
        assert_eq!(json, r#"{"finding":"head_tilt","side":"left"}"#);
        assert_eq!(serde_json::from_str::<Observation>(&json).unwrap(), ok);
        let unsided = serde_json::to_string(&Observation::new("forward_head", None, "x").unwrap()).unwrap();
        assert_eq!(unsided, r#"{"finding":"forward_head"}"#);
        let err = serde_json::from_str::<Observation>(r#"{"finding":"forward_head","side":"left"}"#).unwrap_err();
        assert!(err.to_string().contains("has no side"), "{err}");
    }

    #[test]
    fn muscles_follow_the_side_relation() {
        let result = muscles_for(&[("shoulder_elevated", Some(Side::Right))]).unwrap();
        assert_eq!(
            result,
            vec![
                ("upper_trapezius", Some(Side::Right), vec!["shoulder_elevated"]),
                ("levator_scapulae", Some(Side::Right), vec!["shoulder_elevated"]),
            ]
        );
        let rotation = muscles_for(&[("head_rotation", Some(Side::Right))]).unwrap();
        let side_of = |id: &str| rotation.iter().find(|(m, _, _)| *m == id).map(|(_, s, _)| *s);
        assert_eq!(side_of("sternocleidomastoid_sternal"), Some(Some(Side::Left)));
        assert_eq!(side_of("splenius_capitis"), Some(Some(Side::Right)));
        let both = muscles_for(&[("leg_length_difference", Some(Side::Left))]).unwrap();
        assert!(both.contains(&("quadratus_lumborum", Some(Side::Left), vec!["leg_length_difference"])));
        assert!(both.contains(&("quadratus_lumborum", Some(Side::Right), vec!["leg_length_difference"])));
        let unsided = muscles_for(&[("forward_head", None)]).unwrap();
        assert!(unsided.iter().all(|(_, side, _)| side.is_none()));
        assert_eq!(unsided.len(), finding("forward_head").unwrap().muscles.len());
    }

    #[test]
    fn muscles_shared_by_findings_merge_and_rank_first() {
        let result = muscles_for(&[
            ("shoulder_elevated".to_owned(), Some(Side::Right)),
            ("head_tilt".to_owned(), Some(Side::Right)),
            ("forward_head".to_owned(), None),
            ("head_tilt".to_owned(), Some(Side::Right)),
        ])
        .unwrap();
        assert_eq!(
            result[0],
            (
                "upper_trapezius",
                Some(Side::Right),
                vec!["shoulder_elevated", "head_tilt"]
            )
        );
        assert_eq!(
            result[1],
            (
                "levator_scapulae",
                Some(Side::Right),
                vec!["shoulder_elevated", "head_tilt"]
            )
        );
        // The unsided forward-head entry stays separate from the sided one.
        assert!(result.contains(&("upper_trapezius", None, vec!["forward_head"])));
        // No (muscle, side) twice, no finding twice per muscle.
        let mut keys = std::collections::HashSet::new();
        for (muscle, side, ids) in &result {
            assert!(keys.insert((*muscle, *side)));
            let mut unique = ids.clone();
            unique.dedup();
            assert_eq!(&unique, ids);
        }
        let counts: Vec<usize> = result.iter().map(|(_, _, ids)| ids.len()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn muscles_for_reports_the_first_bad_entry() {
        let err = muscles_for(&[("forward_head", None), ("head_tilt", None)]).unwrap_err();
        assert_eq!(err.field(), "findings[1].side");
        let err = muscles_for(&[("nope", None)]).unwrap_err();
        assert_eq!(err.field(), "findings[0].id");
        assert_eq!(err.message(), "unknown posture finding \"nope\"");
        let errors: myomap_domain::ValidationErrors = err.into();
        assert_eq!(
            errors.for_field("findings[0].id"),
            Some("unknown posture finding \"nope\"")
        );
        assert!(muscles_for::<&str>(&[]).unwrap().is_empty());
    }

    #[test]
    fn every_sided_finding_yields_sided_muscles_on_each_side() {
        for f in findings().iter().filter(|f| f.sided) {
            for side in Side::BOTH {
                let result = muscles_for(&[(f.id.as_str(), Some(side))]).unwrap();
                assert!(result.iter().all(|(_, s, _)| s.is_some()), "{}", f.id);
                let mirrored = muscles_for(&[(f.id.as_str(), Some(side.opposite()))]).unwrap();
                let flipped: Vec<_> = result
                    .iter()
                    .map(|(m, s, ids)| (*m, s.map(Side::opposite), ids.clone()))
                    .collect();
                let mut a = flipped;
                let mut b = mirrored;
                a.sort();
                b.sort();
                assert_eq!(a, b, "{}: left and right are mirror images", f.id);
            }
        }
    }
}
