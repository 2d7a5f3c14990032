//! The referred-pain engine: rank muscle-sides for a pain map and find the
//! explaining set.

use myomap_domain::{AreaId, AreaSite, PainEntry, Side};

use crate::atlas::{Zone, atlas};
use crate::cover::{self, Bits, Coverage};
use crate::model::{Evidence, Match, model, site_slot};

/// A pain area a suggested muscle explains, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explained {
    pub area: AreaId,
    pub side: Option<Side>,
    /// The zone of the muscle that explains it best.
    pub zone: Zone,
    /// How the drawn area meets that zone.
    pub via: Match,
}

/// One muscle (on one side, or unsided when unpaired) ranked for a pain map.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub muscle: &'static str,
    pub name: &'static str,
    pub side: Option<Side>,
    /// In [0, 1]; see the crate docs.
    pub score: f64,
    /// The map's areas this muscle explains, in map order (area, then side).
    pub explains: Vec<Explained>,
    /// The map's areas it does not explain at all.
    pub unexplained: Vec<AreaSite>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Suggestions {
    /// Best first: score descending, then muscle id, then side (none, left, right).
    pub suggestions: Vec<Suggestion>,
    /// Muscle ids of the fewest muscle-sides that together explain the map
    /// (see [`crate::cover`]), in rank order, each id once.
    pub explaining_set: Vec<&'static str>,
}

/// The pain map in canonical form: one entry per place (the highest intensity
/// if a place is given twice), sorted by area then side, so the input order
/// never matters.
fn evidence(map: &[PainEntry]) -> Vec<Evidence> {
    let mut entries: Vec<PainEntry> = map.to_vec();
    entries.sort_by_key(|e| (site_slot(e.site), std::cmp::Reverse(e.intensity)));
    entries.dedup_by_key(|e| site_slot(e.site));
    let model = model();
    entries.iter().map(|e| model.evidence(e.site, e.intensity)).collect()
}

/// Ranks the muscle-sides that explain any part of `map` and returns the best
/// `top` of them, with the explaining set of the whole ranking.
pub fn suggest(map: &[PainEntry], top: usize) -> Suggestions {
    let model = model();
    let evidence = evidence(map);
    let total_weight: f64 = evidence.iter().map(|e| e.weight).sum();

    let mut touched: Vec<usize> = evidence
        .iter()
        .flat_map(|e| model.by_slot[e.slot].iter().copied())
        .collect();
    touched.sort_unstable();
    touched.dedup();

    let mut scratch = Vec::new();
    let mut ranked: Vec<(usize, f64)> = touched
        .into_iter()
        .map(|c| {
            (
                c,
                model.score(&model.candidates[c], &evidence, total_weight, &mut scratch),
            )
        })
        .filter(|&(_, score)| score > 0.0)
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(model.candidates[a.0].order.cmp(&model.candidates[b.0].order))
    });

    let coverage: Vec<Coverage> = ranked
        .iter()
        .map(|&(c, score)| {
            let candidate = &model.candidates[c];
            let mut overlaps = Bits::default();
            let mut borders = Bits::default();
            for (i, e) in evidence.iter().enumerate() {
                match candidate.cell(e.slot) {
                    Some(cell) if cell.via.overlaps() => overlaps.set(i),
                    Some(_) => borders.set(i),
                    None => {}
                }
            }
            Coverage {
                overlaps,
                borders,
                score,
            }
        })
        .collect();
    let muscles = atlas().muscles();
    let mut explaining_set: Vec<&'static str> = Vec::new();
    for index in cover::explaining_set(&coverage) {
        let id = muscles[model.candidates[ranked[index].0].muscle].id.as_str();
        if !explaining_set.contains(&id) {
            explaining_set.push(id);
        }
    }

    let suggestions = ranked
        .iter()
        .take(top)
        .map(|&(c, score)| {
            let candidate = &model.candidates[c];
            let muscle = &muscles[candidate.muscle];
            let mut explains = Vec::new();
            let mut unexplained = Vec::new();
            for e in &evidence {
                match candidate.cell(e.slot) {
                    Some(cell) => explains.push(Explained {
                        area: e.site.area(),
                        side: e.site.side(),
                        zone: cell.zone,
                        via: cell.via,
                    }),
                    None => unexplained.push(e.site),
                }
            }
            Suggestion {
                muscle: muscle.id.as_str(),
                name: muscle.name.as_str(),
                side: candidate.side,
                score,
                explains,
                unexplained,
            }
        })
        .collect();
    Suggestions {
        suggestions,
        explaining_set,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn map(specs: &[&str]) -> Vec<PainEntry> {
        specs.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn rank_of(s: &Suggestions, muscle: &str, side: Option<Side>) -> Option<usize> {
        s.suggestions.iter().position(|x| x.muscle == muscle && x.side == side)
    }

    #[test]
    fn the_classic_pattern_comes_first() {
        let s = suggest(
            &map(&["head.temple:right@7", "face.upper_teeth:right@4", "head.eye:right@2"]),
            5,
        );
        assert_eq!(s.suggestions[0].muscle, "temporalis");
        assert_eq!(s.suggestions[0].side, Some(Side::Right));
        assert_eq!(s.suggestions[0].explains.len(), 3);
        assert!(s.suggestions[0].unexplained.is_empty());
        assert_eq!(s.explaining_set, vec!["temporalis"]);
    }

    #[test]
    fn sides_are_respected() {
        let s = suggest(&map(&["head.temple:left@7", "face.upper_teeth:left@4"]), usize::MAX);
        let left = rank_of(&s, "temporalis", Some(Side::Left)).unwrap();
        assert_eq!(left, 0);
        // The right temporalis refers to the right side only: it explains nothing here.
        assert_eq!(rank_of(&s, "temporalis", Some(Side::Right)), None);
        // A right-side muscle can reach left-side pain only through a midline
        // zone bordering it (e.g. the crown), never through its own sided zones.
        for x in s.suggestions.iter().filter(|x| x.side == Some(Side::Right)) {
            assert!(x.explains.iter().all(|e| e.via == Match::Borders), "{x:?}");
            assert!(x.score < s.suggestions[left].score);
        }
    }

    #[test]
    fn bilateral_zones_explain_both_sides() {
        let s = suggest(&map(&["abdomen.upper:left@5", "back.mid_thoracic:right@5"]), usize::MAX);
        let upper = s
            .suggestions
            .iter()
            .find(|x| x.muscle == "rectus_abdominis_upper")
            .unwrap();
        assert!(upper.unexplained.is_empty(), "{upper:?}");
    }

    #[test]
    fn midline_pain_matches_zones_of_either_side() {
        // The pelvic floor is midline; sided muscles on both sides refer there.
        let s = suggest(&map(&["pelvis.floor@6"]), usize::MAX);
        for side in Side::BOTH {
            assert!(rank_of(&s, "levator_ani", Some(side)).is_some());
        }
        // The unpaired anal sphincter has no side.
        assert!(rank_of(&s, "sphincter_ani", None).is_some());
    }

    #[test]
    fn a_rare_area_outweighs_a_common_one() {
        // The thumb is referred to by few muscles, the low back by many: with
        // equal intensity, the thumb's muscles lead.
        let s = suggest(&map(&["hand.thumb:right@5", "back.lumbar:right@5"]), 10);
        let first = &s.suggestions[0];
        assert!(
            first.explains.iter().any(|e| e.area.as_str() == "hand.thumb"),
            "{first:?}"
        );
    }

    #[test]
    fn a_coarse_drawing_still_finds_the_muscle() {
        // The whole sole drawn for the arch pattern of the gastrocnemius ...
        let s = suggest(&map(&["foot.sole:left@6", "leg.calf:left@6", "knee.back:left@3"]), 5);
        let gastrocnemius = s.suggestions.iter().find(|x| x.muscle == "gastrocnemius").unwrap();
        assert!(gastrocnemius.explains.iter().any(|e| e.via == Match::Contains));
        assert!(rank_of(&s, "gastrocnemius", Some(Side::Left)).unwrap() < 3);
        // ... and a neighbouring area still counts as weaker evidence.
        let s = suggest(&map(&["knee.outer:right@5"]), usize::MAX);
        let tfl = s
            .suggestions
            .iter()
            .find(|x| x.muscle == "tensor_fasciae_latae")
            .unwrap();
        assert_eq!(tfl.explains[0].zone, Zone::Spillover);
        let piriformis = suggest(
            &map(&["thigh.back:right@5", "pelvis.buttock:right@5", "knee.back:right@2"]),
            40,
        );
        let found = piriformis
            .suggestions
            .iter()
            .find(|x| x.muscle == "piriformis")
            .unwrap();
        assert!(found.explains.iter().any(|e| e.via == Match::Borders), "{found:?}");
    }

    #[test]
    fn duplicates_keep_the_highest_intensity_and_order_does_not_matter() {
        let a = suggest(
            &map(&["head.temple:right@3", "face.jaw:right@4", "head.temple:right@7"]),
            10,
        );
        let b = suggest(&map(&["head.temple:right@7", "face.jaw:right@4"]), 10);
        assert_eq!(a, b);
    }

    #[test]
    fn empty_map_and_zero_top() {
        assert_eq!(suggest(&[], 5), Suggestions::default());
        let s = suggest(&map(&["head.temple:right@7"]), 0);
        assert!(s.suggestions.is_empty());
        assert!(!s.explaining_set.is_empty());
    }

    #[test]
    fn two_patterns_need_two_muscles() {
        let s = suggest(
            &map(&[
                "head.temple:right@7",
                "face.upper_teeth:right@5",
                "foot.heel:left@7",
                "ankle.back:left@5",
            ]),
            10,
        );
        assert_eq!(s.explaining_set.len(), 2, "{:?}", s.explaining_set);
        assert!(s.explaining_set.contains(&"temporalis"));
        assert!(s.explaining_set.contains(&"soleus"));
    }
}
