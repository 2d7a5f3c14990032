//! The clinical vocabulary: the muscle, trigger-point and posture ids the
//! domain validates a record against, and how a muscle is named on a page
//! or in a report.

use myomap_atlas::atlas;
use myomap_domain::Side;
use myomap_domain::record::Vocabulary;

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

/// "Trapezius, upper (left)": the atlas name with the side treated.
pub fn muscle_label(muscle: &str, side: Option<Side>) -> String {
    let name = atlas()
        .muscle(muscle)
        .map_or_else(|| muscle.to_owned(), |m| m.name.clone());
    match side {
        Some(side) => format!("{name} ({side})"),
        None => name,
    }
}
