//! Glue between the pure clinical crates and the handlers: the vocabulary the
//! domain validates against, screening an intake, and the suggestions that
//! an assessment's pain map and posture give.

use myomap_atlas::atlas;
use myomap_domain::record::{AssessmentRecord, Vocabulary};
use myomap_domain::{PainEntry, Side, ValidationErrors};
use myomap_screening::ScreeningAnswers;
use myomap_store::ScreeningResult;
use serde::Serialize;

/// Muscle, trigger-point and posture ids as the atlas and posture crates know them.
pub struct ClinicalVocabulary;

impl Vocabulary for ClinicalVocabulary {
    fn has_muscle(&self, muscle: &str) -> bool {
        atlas().muscle(muscle).is_some()
    }

    fn has_trigger_point(&self, muscle: &str, trigger_point: &str) -> bool {
        atlas()
            .muscle(muscle)
            .is_some_and(|m| m.trigger_points.iter().any(|tp| tp.id == trigger_point))
    }

    fn is_paired(&self, muscle: &str) -> bool {
        atlas().muscle(muscle).is_some_and(|m| m.paired)
    }

    fn posture_finding(&self, finding: &str) -> Option<bool> {
        myomap_posture::finding(finding).map(|f| f.sided)
    }
}

/// Runs the screening rules and packs the result for storage.
pub fn screen(answers: &ScreeningAnswers) -> Result<ScreeningResult, ValidationErrors> {
    let verdict = myomap_screening::screen(answers);
    let to_json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| ValidationErrors::single("screening", format!("cannot be stored: {e}")))
    };
    Ok(ScreeningResult {
        answers: to_json(serde_json::to_value(answers))?,
        outcome: verdict.outcome.as_str().to_owned(),
        verdict: to_json(serde_json::to_value(&verdict))?,
    })
}

/// A muscle the posture observations implicate.
#[derive(Debug, Clone, Serialize)]
pub struct PostureMuscle {
    pub muscle: &'static str,
    pub name: String,
    pub side: Option<Side>,
    pub findings: Vec<&'static str>,
}

/// What the suggestions panel shows for an assessment.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentSuggestions {
    pub pain_map: myomap_atlas::Suggestions,
    pub posture: Vec<PostureMuscle>,
}

pub const SUGGESTIONS_SHOWN: usize = 8;

pub fn assessment_suggestions(record: &AssessmentRecord) -> AssessmentSuggestions {
    // The engine takes intensities 1-10; a place marked 0 is not pain now.
    let entries: Vec<PainEntry> = record
        .pain_map
        .iter()
        .filter_map(|mark| PainEntry::new(mark.site, mark.intensity).ok())
        .collect();
    let pain_map = if entries.is_empty() {
        myomap_atlas::Suggestions::default()
    } else {
        myomap_atlas::suggest(&entries, SUGGESTIONS_SHOWN)
    };
    let observed: Vec<(&str, Option<Side>)> = record.posture.iter().map(|o| (o.finding.as_str(), o.side)).collect();
    let posture = myomap_posture::muscles_for(&observed)
        .unwrap_or_default()
        .into_iter()
        .map(|linked| PostureMuscle {
            muscle: linked.0,
            name: atlas()
                .muscle(linked.0)
                .map_or_else(|| linked.0.to_owned(), |m| m.name.clone()),
            side: linked.1,
            findings: linked.2,
        })
        .collect();
    AssessmentSuggestions { pain_map, posture }
}
