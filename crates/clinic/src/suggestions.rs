//! The suggestions an assessment's pain map and posture give: muscles the
//! referred-pain engine ranks, and those the posture findings implicate.
//! They support the therapist's judgement; nothing is recorded from them.

use myomap_atlas::atlas;
use myomap_domain::record::AssessmentRecord;
use myomap_domain::{PainEntry, Side};
use serde::Serialize;

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
