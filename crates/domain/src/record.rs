//! The clinical record's parts as plain data, validated at every boundary:
//! intake answers, the assessment (pain map, muscle tone, trigger-point
//! findings, posture observations), session notes with discomfort check-ins,
//! and the client's answers to the 24/48-hour soreness check-in.
//!
//! Muscle, trigger-point and posture-finding ids belong to the atlas and
//! posture crates, which build on this one; validation takes a
//! [`Vocabulary`] so this crate stays free of them.

use serde::{Deserialize, Serialize};

use crate::body_area::{AreaSite, Side};
use crate::validation::ValidationErrors;

/// Ids that other crates own, checked through this trait.
pub trait Vocabulary {
    fn has_muscle(&self, muscle: &str) -> bool;
    fn has_trigger_point(&self, muscle: &str, trigger_point: &str) -> bool;
    fn is_paired(&self, muscle: &str) -> bool;
    /// `Some(sided)` for a known posture finding.
    fn posture_finding(&self, finding: &str) -> Option<bool>;
}

fn text(errors: &mut ValidationErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(field, format!("is longer than {max} characters"));
    }
}

fn side_for_muscle(
    errors: &mut ValidationErrors,
    field: &str,
    vocabulary: &dyn Vocabulary,
    muscle: &str,
    side: Option<Side>,
) {
    if !vocabulary.has_muscle(muscle) {
        errors.add(format!("{field}.muscle"), format!("unknown muscle \"{muscle}\""));
    } else if vocabulary.is_paired(muscle) && side.is_none() {
        errors.add(format!("{field}.side"), "give side \"left\" or \"right\"");
    } else if !vocabulary.is_paired(muscle) && side.is_some() {
        errors.add(
            format!("{field}.side"),
            format!("\"{muscle}\" is a single midline muscle and takes no side"),
        );
    }
}

// ---------------------------------------------------------------- intake

/// The presenting conditions an intake can name (the product brief's
/// condition groups); they decide which outcome measures are suggested.
pub const CONDITIONS: [(&str, &str); 9] = [
    ("neck_pain", "Neck pain"),
    ("back_pain", "Low back pain"),
    ("sciatica", "Sciatica or nerve entrapment"),
    ("shoulder_arm", "Shoulder or arm pain, repetitive strain"),
    ("carpal_tunnel", "Carpal tunnel symptoms"),
    ("tmj", "Jaw (TMJ) problems"),
    ("fibromyalgia", "Fibromyalgia or widespread pain"),
    ("sports_lower_limb", "Sports or lower-limb injury"),
    ("headache", "Headaches"),
];

/// What a client tells about themselves before the first session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeForm {
    /// Condition ids from [`CONDITIONS`].
    pub conditions: Vec<String>,
    pub reason_for_visit: String,
    pub complaint_history: String,
    pub surgeries_and_injuries: String,
    pub medications: String,
    pub occupation: String,
    pub long_sitting: bool,
    pub repetitive_tasks: bool,
    pub sport: String,
    pub goals: String,
}

impl IntakeForm {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.reason_for_visit.trim().is_empty() {
            errors.add("reason_for_visit", "is required");
        }
        for (i, condition) in self.conditions.iter().enumerate() {
            if !CONDITIONS.iter().any(|(id, _)| id == condition) {
                errors.add(format!("conditions[{i}]"), format!("unknown condition \"{condition}\""));
            }
        }
        for (field, value) in [
            ("reason_for_visit", &self.reason_for_visit),
            ("complaint_history", &self.complaint_history),
            ("surgeries_and_injuries", &self.surgeries_and_injuries),
            ("medications", &self.medications),
            ("goals", &self.goals),
        ] {
            text(&mut errors, field, value, 4000);
        }
        text(&mut errors, "occupation", &self.occupation, 200);
        text(&mut errors, "sport", &self.sport, 200);
        errors.into_result(())
    }
}

// ------------------------------------------------------------ assessment

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PainQuality {
    Aching,
    Sharp,
    Burning,
    Tingling,
    Numbness,
}

impl PainQuality {
    pub const ALL: [PainQuality; 5] = [
        PainQuality::Aching,
        PainQuality::Sharp,
        PainQuality::Burning,
        PainQuality::Tingling,
        PainQuality::Numbness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PainQuality::Aching => "aching",
            PainQuality::Sharp => "sharp",
            PainQuality::Burning => "burning",
            PainQuality::Tingling => "tingling",
            PainQuality::Numbness => "numbness",
        }
    }
}

/// One place of the pain map: intensity 0-10 (0 = marked, no pain now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PainMark {
    #[serde(flatten)]
    pub site: AreaSite,
    pub intensity: u8,
    pub quality: PainQuality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Normal,
    Hypertonic,
    Hypotonic,
    Spasm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToneEntry {
    pub muscle: String,
    #[serde(default)]
    pub side: Option<Side>,
    pub tone: Tone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerPointActivity {
    Active,
    Latent,
}

/// What palpation of one trigger point found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerPointFinding {
    pub muscle: String,
    pub trigger_point: String,
    #[serde(default)]
    pub side: Option<Side>,
    pub activity: TriggerPointActivity,
    #[serde(default)]
    pub referral_reproduced: bool,
    #[serde(default)]
    pub local_twitch: bool,
    #[serde(default)]
    pub jump_sign: bool,
    /// Pressure pain threshold by algometer, kg/cm².
    #[serde(default)]
    pub ppt_kg_cm2: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureObservation {
    pub finding: String,
    #[serde(default)]
    pub side: Option<Side>,
}

/// The assessment's observations; photos and their landmarks are kept apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssessmentRecord {
    pub posture: Vec<PostureObservation>,
    pub tone: Vec<ToneEntry>,
    pub pain_map: Vec<PainMark>,
    pub findings: Vec<TriggerPointFinding>,
    pub notes: String,
}

/// Algometers read up to about 10-11 kg/cm²; beyond 20 is a typing error.
pub const MAX_PPT_KG_CM2: f64 = 20.0;

impl AssessmentRecord {
    /// Nothing was recorded: no mark, finding, observation or note.
    pub fn is_empty(&self) -> bool {
        self.posture.is_empty()
            && self.tone.is_empty()
            && self.pain_map.is_empty()
            && self.findings.is_empty()
            && self.notes.trim().is_empty()
    }

    pub fn validate(&self, vocabulary: &dyn Vocabulary) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut seen = std::collections::HashSet::new();
        for (i, mark) in self.pain_map.iter().enumerate() {
            if mark.intensity > 10 {
                errors.add(
                    format!("pain_map[{i}].intensity"),
                    format!("must be 0 to 10, not {}", mark.intensity),
                );
            }
            if !seen.insert(mark.site) {
                errors.add(
                    format!("pain_map[{i}]"),
                    format!("{} is marked twice", mark.site.label()),
                );
            }
        }
        for (i, entry) in self.tone.iter().enumerate() {
            side_for_muscle(
                &mut errors,
                &format!("tone[{i}]"),
                vocabulary,
                &entry.muscle,
                entry.side,
            );
        }
        for (i, finding) in self.findings.iter().enumerate() {
            let field = format!("findings[{i}]");
            side_for_muscle(&mut errors, &field, vocabulary, &finding.muscle, finding.side);
            if vocabulary.has_muscle(&finding.muscle)
                && !vocabulary.has_trigger_point(&finding.muscle, &finding.trigger_point)
            {
                errors.add(
                    format!("{field}.trigger_point"),
                    format!(
                        "\"{}\" is not a trigger point of {}",
                        finding.trigger_point, finding.muscle
                    ),
                );
            }
            if let Some(ppt) = finding.ppt_kg_cm2
                && !(ppt.is_finite() && ppt > 0.0 && ppt <= MAX_PPT_KG_CM2)
            {
                errors.add(
                    format!("{field}.ppt_kg_cm2"),
                    format!("must be above 0 and at most {MAX_PPT_KG_CM2} kg/cm²"),
                );
            }
        }
        for (i, observation) in self.posture.iter().enumerate() {
            let field = format!("posture[{i}]");
            match vocabulary.posture_finding(&observation.finding) {
                None => errors.add(
                    format!("{field}.finding"),
                    format!("unknown posture finding \"{}\"", observation.finding),
                ),
                Some(true) if observation.side.is_none() => {
                    errors.add(format!("{field}.side"), "give side \"left\" or \"right\"")
                }
                Some(false) if observation.side.is_some() => {
                    errors.add(format!("{field}.side"), "this finding takes no side")
                }
                Some(_) => {}
            }
        }
        text(&mut errors, "notes", &self.notes, 20_000);
        errors.into_result(())
    }
}

// --------------------------------------------------------------- sessions

pub const USUAL_MINUTES: std::ops::RangeInclusive<u16> = 30..=90;
pub const POSSIBLE_MINUTES: std::ops::RangeInclusive<u16> = 5..=240;
/// The product brief's line: pressure may be uncomfortable, never this.
pub const DISCOMFORT_WARNING_AT: u8 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pressure {
    Light,
    Moderate,
    Firm,
    Deep,
}

impl Pressure {
    pub fn as_str(self) -> &'static str {
        match self {
            Pressure::Light => "light",
            Pressure::Moderate => "moderate",
            Pressure::Firm => "firm",
            Pressure::Deep => "deep",
        }
    }
}

/// The client's answer when asked how the pressure feels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscomfortCheck {
    pub discomfort: u8,
    #[serde(default)]
    pub sharp: bool,
}

impl DiscomfortCheck {
    pub fn needs_warning(self) -> bool {
        self.discomfort >= DISCOMFORT_WARNING_AT || self.sharp
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatedPoint {
    pub muscle: String,
    #[serde(default)]
    pub side: Option<Side>,
    #[serde(default)]
    pub trigger_point: Option<String>,
    pub pressure: Pressure,
    #[serde(default)]
    pub checks: Vec<DiscomfortCheck>,
}

/// A SOAP note of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionNote {
    /// The day of the session, YYYY-MM-DD.
    pub date: String,
    pub duration_minutes: u16,
    /// Set when a duration outside 30-90 minutes is intended.
    #[serde(default)]
    pub confirm_duration: bool,
    #[serde(default)]
    pub techniques: Vec<String>,
    #[serde(default)]
    pub subjective: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub pain_before: Option<u8>,
    #[serde(default)]
    pub pain_after: Option<u8>,
    #[serde(default)]
    pub treated: Vec<TreatedPoint>,
}

/// A discomfort check-in at or past the line, kept with the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscomfortWarning {
    pub muscle: String,
    pub side: Option<Side>,
    pub discomfort: u8,
    pub sharp: bool,
}

impl SessionNote {
    pub fn validate(&self, vocabulary: &dyn Vocabulary) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.date.len() != 10 || self.date.parse::<jiff::civil::Date>().is_err() {
            errors.add(
                "date",
                format!("\"{}\" is not a date in the form YYYY-MM-DD", self.date),
            );
        }
        let minutes = self.duration_minutes;
        if !POSSIBLE_MINUTES.contains(&minutes) {
            errors.add(
                "duration_minutes",
                format!("{minutes} is not a possible session length (5 to 240 minutes)"),
            );
        } else if !USUAL_MINUTES.contains(&minutes) && !self.confirm_duration {
            errors.add(
                "duration_minutes",
                format!("{minutes} minutes is outside the usual 30 to 90; confirm it if that is what happened"),
            );
        }
        for (field, value) in [("pain_before", self.pain_before), ("pain_after", self.pain_after)] {
            if value.is_some_and(|v| v > 10) {
                errors.add(field, "must be 0 to 10");
            }
        }
        if self.techniques.len() > 20 {
            errors.add("techniques", "at most 20");
        }
        for (i, technique) in self.techniques.iter().enumerate() {
            if technique.trim().is_empty() || technique.chars().count() > 80 {
                errors.add(format!("techniques[{i}]"), "must be 1 to 80 characters");
            }
        }
        for (field, value) in [
            ("subjective", &self.subjective),
            ("objective", &self.objective),
            ("assessment", &self.assessment),
            ("plan", &self.plan),
        ] {
            text(&mut errors, field, value, 20_000);
        }
        for (i, point) in self.treated.iter().enumerate() {
            let field = format!("treated[{i}]");
            side_for_muscle(&mut errors, &field, vocabulary, &point.muscle, point.side);
            if let Some(tp) = &point.trigger_point
                && vocabulary.has_muscle(&point.muscle)
                && !vocabulary.has_trigger_point(&point.muscle, tp)
            {
                errors.add(
                    format!("{field}.trigger_point"),
                    format!("\"{tp}\" is not a trigger point of {}", point.muscle),
                );
            }
            for (j, check) in point.checks.iter().enumerate() {
                if check.discomfort > 10 {
                    errors.add(format!("{field}.checks[{j}].discomfort"), "must be 0 to 10");
                }
            }
        }
        errors.into_result(())
    }

    /// Every check-in at 8/10 or more, or felt as sharp.
    pub fn discomfort_warnings(&self) -> Vec<DiscomfortWarning> {
        self.treated
            .iter()
            .flat_map(|p| {
                p.checks
                    .iter()
                    .filter(|c| c.needs_warning())
                    .map(|c| DiscomfortWarning {
                        muscle: p.muscle.clone(),
                        side: p.side,
                        discomfort: c.discomfort,
                        sharp: c.sharp,
                    })
            })
            .collect()
    }

    /// The firmest pressure used, for the dose-tolerance view.
    pub fn firmest_pressure(&self) -> Option<Pressure> {
        self.treated.iter().map(|p| p.pressure).max()
    }
}

// ---------------------------------------------------- soreness check-in

pub const CHECKIN_HOURS: [u16; 2] = [24, 48];
/// Soreness still this high at 48 hours is a finding to hear about.
pub const PERSISTENT_SORENESS_AT: u8 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinAnswer {
    pub soreness: u8,
    #[serde(default)]
    pub areas: Vec<AreaSite>,
    #[serde(default)]
    pub numbness: bool,
    #[serde(default)]
    pub bruising: bool,
    #[serde(default)]
    pub sharp_pain: bool,
    #[serde(default)]
    pub comment: String,
}

impl CheckinAnswer {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.soreness > 10 {
            errors.add("soreness", format!("must be 0 to 10, not {}", self.soreness));
        }
        if self.areas.len() > 50 {
            errors.add("areas", "at most 50 areas");
        }
        text(&mut errors, "comment", &self.comment, 2000);
        errors.into_result(())
    }

    pub fn reports_new_symptom(&self) -> bool {
        self.numbness || self.bruising || self.sharp_pain
    }
}

/// Why a check-in needs the therapist's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinFlag {
    PersistentSoreness,
    NewSymptom,
    NoAnswer,
}

impl CheckinFlag {
    pub fn label(self) -> &'static str {
        match self {
            CheckinFlag::PersistentSoreness => "soreness still moderate or worse at 48 hours",
            CheckinFlag::NewSymptom => "reports a new symptom",
            CheckinFlag::NoAnswer => "did not answer the check-in",
        }
    }
}

/// Flags of one check-in `due_hours` after the session, seen at `now_ms`
/// (`due_ms` is when it was due; a day of grace before "no answer").
pub fn checkin_flags(due_hours: u16, answer: Option<&CheckinAnswer>, due_ms: i64, now_ms: i64) -> Vec<CheckinFlag> {
    const GRACE_MS: i64 = 24 * 60 * 60 * 1000;
    let mut flags = Vec::new();
    match answer {
        Some(answer) => {
            if due_hours >= 48 && answer.soreness >= PERSISTENT_SORENESS_AT {
                flags.push(CheckinFlag::PersistentSoreness);
            }
            if answer.reports_new_symptom() {
                flags.push(CheckinFlag::NewSymptom);
            }
        }
        None if now_ms > due_ms + GRACE_MS => flags.push(CheckinFlag::NoAnswer),
        None => {}
    }
    flags
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    struct Vocab;
    impl Vocabulary for Vocab {
        fn has_muscle(&self, m: &str) -> bool {
            matches!(m, "temporalis" | "sphincter_ani")
        }
        fn has_trigger_point(&self, m: &str, tp: &str) -> bool {
            m == "temporalis" && tp == "tp1"
        }
        fn is_paired(&self, m: &str) -> bool {
            m == "temporalis"
        }
        fn posture_finding(&self, f: &str) -> Option<bool> {
            match f {
                "forward_head" => Some(false),
                "shoulder_elevated" => Some(true),
                _ => None,
            }
        }
    }

    fn note(minutes: u16) -> SessionNote {
        SessionNote {
            date: "2026-11-26".into(),
            duration_minutes: minutes,
            confirm_duration: false,
            techniques: vec!["ischemic compression".into()],
            subjective: String::new(),
            objective: String::new(),
            assessment: String::new(),
            plan: String::new(),
            pain_before: Some(6),
            pain_after: Some(3),
            treated: vec![TreatedPoint {
                muscle: "temporalis".into(),
                side: Some(Side::Right),
                trigger_point: Some("tp1".into()),
                pressure: Pressure::Firm,
                checks: vec![DiscomfortCheck {
                    discomfort: 5,
                    sharp: false,
                }],
            }],
        }
    }

    #[test]
    fn durations_outside_30_to_90_need_confirmation() {
        assert!(note(60).validate(&Vocab).is_ok());
        let errors = note(200).validate(&Vocab).unwrap_err();
        assert!(
            errors
                .for_field("duration_minutes")
                .unwrap()
                .contains("outside the usual 30 to 90")
        );
        let mut confirmed = note(200);
        confirmed.confirm_duration = true;
        assert!(confirmed.validate(&Vocab).is_ok());
        assert!(
            note(300)
                .validate(&Vocab)
                .unwrap_err()
                .for_field("duration_minutes")
                .unwrap()
                .contains("not a possible")
        );
    }

    #[test]
    fn sharp_or_eight_plus_discomfort_is_a_warning() {
        let mut n = note(60);
        assert!(n.discomfort_warnings().is_empty());
        n.treated[0].checks.push(DiscomfortCheck {
            discomfort: 3,
            sharp: true,
        });
        n.treated[0].checks.push(DiscomfortCheck {
            discomfort: 8,
            sharp: false,
        });
        assert_eq!(n.discomfort_warnings().len(), 2);
    }

    #[test]
    fn unknown_muscles_trigger_points_and_sides_are_named() {
        let mut n = note(60);
        n.treated.push(TreatedPoint {
            muscle: "temporalis".into(),
            side: None,
            trigger_point: Some("tp9".into()),
            pressure: Pressure::Light,
            checks: vec![],
        });
        n.treated.push(TreatedPoint {
            muscle: "nose".into(),
            side: None,
            trigger_point: None,
            pressure: Pressure::Light,
            checks: vec![],
        });
        n.treated.push(TreatedPoint {
            muscle: "sphincter_ani".into(),
            side: Some(Side::Left),
            trigger_point: None,
            pressure: Pressure::Light,
            checks: vec![],
        });
        let errors = n.validate(&Vocab).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "treated[1].side",
                "treated[1].trigger_point",
                "treated[2].muscle",
                "treated[3].side"
            ]
        );
    }

    #[test]
    fn assessment_checks_every_part() {
        let record: AssessmentRecord = serde_json::from_str(
            r#"{"pain_map":[{"area":"head.temple","side":"right","intensity":7,"quality":"aching"},
                            {"area":"head.temple","side":"right","intensity":3,"quality":"sharp"}],
                "posture":[{"finding":"shoulder_elevated"},{"finding":"forward_head"},{"finding":"slouch"}],
                "findings":[{"muscle":"temporalis","trigger_point":"tp1","side":"right","activity":"active","ppt_kg_cm2":35.0}]}"#,
        )
        .unwrap();
        let errors = record.validate(&Vocab).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "pain_map[1]",
                "findings[0].ppt_kg_cm2",
                "posture[0].side",
                "posture[2].finding"
            ]
        );
        // A side on a midline area is refused while parsing.
        assert!(
            serde_json::from_str::<PainMark>(
                r#"{"area":"chest.sternum","side":"left","intensity":3,"quality":"aching"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn checkin_flags_follow_the_rules() {
        let sore = CheckinAnswer {
            soreness: 4,
            ..Default::default()
        };
        assert_eq!(checkin_flags(48, Some(&sore), 0, 0), [CheckinFlag::PersistentSoreness]);
        assert!(
            checkin_flags(24, Some(&sore), 0, 0).is_empty(),
            "soreness at 24 h is expected"
        );
        let bruised = CheckinAnswer {
            soreness: 1,
            bruising: true,
            ..Default::default()
        };
        assert_eq!(checkin_flags(24, Some(&bruised), 0, 0), [CheckinFlag::NewSymptom]);
        let day = 24 * 60 * 60 * 1000;
        assert!(checkin_flags(48, None, 0, day).is_empty());
        assert_eq!(checkin_flags(48, None, 0, day + 1), [CheckinFlag::NoAnswer]);
    }

    proptest! {
        #[test]
        fn more_soreness_never_removes_a_flag(soreness in 0u8..=9, hours in prop::sample::select(vec![24u16, 48])) {
            let lower = CheckinAnswer { soreness, ..Default::default() };
            let higher = CheckinAnswer { soreness: soreness + 1, ..Default::default() };
            prop_assert!(checkin_flags(hours, Some(&higher), 0, 0).len() >= checkin_flags(hours, Some(&lower), 0, 0).len());
        }

        #[test]
        fn any_minutes_in_range_validate_with_confirmation(minutes in 5u16..=240) {
            let mut n = note(minutes);
            n.confirm_duration = true;
            prop_assert!(n.validate(&Vocab).is_ok());
        }
    }
}
