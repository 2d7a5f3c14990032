//! The scoring model (see the crate docs for the reasoning): evidence weights
//! of pain areas, match credits, and per muscle-side vectors precomputed once
//! from the atlas so that a query only does table look-ups.

use std::sync::LazyLock;

use myomap_domain::{AreaId, AreaRelation, AreaSite, Side, area_relations, body_areas};

use crate::atlas::{Atlas, Zone, atlas};

/// How a drawn pain area meets a referral zone, via the body-area relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    /// The drawn area is the zone.
    Exact,
    /// The drawn area contains the zone (a coarse drawing of a finer zone).
    Contains,
    /// The drawn area lies within the zone (a fine drawing of a coarser zone).
    Within,
    /// The drawn area borders the zone (a slightly misplaced drawing).
    Borders,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Contains => "contains",
            Match::Within => "within",
            Match::Borders => "borders",
        }
    }

    /// Credit for a drawn area meeting a zone this way (1 = the same area).
    pub fn credit(self) -> f64 {
        match self {
            Match::Exact => 1.0,
            Match::Within => 0.8,
            Match::Contains => 0.7,
            Match::Borders => 0.35,
        }
    }

    /// Whether the drawn area and the zone overlap on the body surface.
    pub fn overlaps(self) -> bool {
        !matches!(self, Match::Borders)
    }

    fn from_relation(relation: AreaRelation) -> Match {
        match relation {
            AreaRelation::Same => Match::Exact,
            AreaRelation::Contains => Match::Contains,
            AreaRelation::Within => Match::Within,
            AreaRelation::Borders => Match::Borders,
        }
    }
}

/// Credit of a zone in explaining pain: spillover pain is felt by some
/// patients only.
pub fn zone_credit(zone: Zone) -> f64 {
    match zone {
        Zone::Essential => 1.0,
        Zone::Spillover => 0.5,
    }
}

/// Weight of a zone in the muscle's expected pattern: a missing spillover zone
/// is weak evidence against the muscle.
fn pattern_weight(zone: Zone) -> f64 {
    match zone {
        Zone::Essential => 1.0,
        Zone::Spillover => 0.3,
    }
}

/// Weight of the pain intensity (1-10) in a pain area's evidence.
pub fn intensity_factor(intensity: u8) -> f64 {
    0.5 + f64::from(intensity.min(10)) / 20.0
}

/// Share of the score carried by coverage (the rest by pattern completeness).
pub const COVERAGE_SHARE: f64 = 0.75;

/// A place on the body as an index: `2 * area + (1 if right)`.
pub(crate) fn slot(area: AreaId, side: Option<Side>) -> usize {
    area.index() * 2 + usize::from(side == Some(Side::Right))
}

pub(crate) fn site_slot(site: AreaSite) -> usize {
    slot(site.area(), site.side())
}

/// What a muscle-side offers at one drawn place: the best of its zones there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub credit: f64,
    pub zone: Zone,
    pub via: Match,
    /// The range of [`Candidate::links`] for this place.
    links: (u32, u32),
}

/// A muscle on one side (or an unpaired muscle), ready to score.
#[derive(Debug)]
pub(crate) struct Candidate {
    pub muscle: usize,
    pub side: Option<Side>,
    /// Position in (muscle id, side) order: the deterministic tie-break.
    pub order: usize,
    cells: Vec<Option<Cell>>,
    /// For each drawn place with a cell: every zone it meets, as (zone index,
    /// match credit), so completeness needs no search at query time.
    links: Vec<(usize, f64)>,
    /// Pattern weight of each referral zone, in data order.
    weights: Vec<f64>,
    pattern_total: f64,
}

impl Candidate {
    pub fn cell(&self, slot: usize) -> Option<Cell> {
        self.cells.get(slot).copied().flatten()
    }

    fn links(&self, cell: Cell) -> &[(usize, f64)] {
        let (start, end) = cell.links;
        self.links.get(start as usize..end as usize).unwrap_or_default()
    }
}

/// A pain area of the query with its evidence weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Evidence {
    pub site: AreaSite,
    pub slot: usize,
    pub weight: f64,
}

pub(crate) struct Model {
    pub candidates: Vec<Candidate>,
    /// Candidates with any credit at a slot (an inverted index).
    pub by_slot: Vec<Vec<usize>>,
    /// How the drawn place (row) meets the zone place (column).
    matches: Vec<Option<Match>>,
    slots: usize,
    /// Specificity of each area (IDF over the atlas).
    specificity: Vec<f64>,
}

impl Model {
    fn build(atlas: &Atlas) -> Model {
        let areas = body_areas();
        let relations = area_relations();
        let slots = areas.len() * 2;
        let sites: Vec<AreaSite> = areas.sites().collect();
        let mut matches = vec![None; slots * slots];
        for &drawn in &sites {
            for &zone in &sites {
                let sides_agree = match (drawn.side(), zone.side()) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                if sides_agree {
                    matches[site_slot(drawn) * slots + site_slot(zone)] =
                        relations.get(drawn.area(), zone.area()).map(Match::from_relation);
                }
            }
        }

        // Specificity: an inverse document frequency over muscles, where a
        // muscle "mentions" an area with the credit of its zone there.
        let muscles = atlas.muscles();
        let mut frequency = vec![0.0_f64; areas.len()];
        for muscle in muscles {
            for zone in &muscle.referral {
                frequency[zone.area.index()] += zone_credit(zone.zone);
            }
        }
        let n = muscles.len() as f64;
        let specificity = frequency.iter().map(|&df| (1.0 + n / df.max(0.5)).ln()).collect();

        let mut model = Model {
            candidates: Vec::new(),
            by_slot: vec![Vec::new(); slots],
            matches,
            slots,
            specificity,
        };
        for (index, muscle) in muscles.iter().enumerate() {
            let sides: &[Option<Side>] = if muscle.paired {
                &[Some(Side::Left), Some(Side::Right)]
            } else {
                &[None]
            };
            for &side in sides {
                let candidate = model.candidate(atlas, index, side, &sites);
                let id = model.candidates.len();
                for (slot, cell) in candidate.cells.iter().enumerate() {
                    if cell.is_some() {
                        model.by_slot[slot].push(id);
                    }
                }
                model.candidates.push(candidate);
            }
        }
        let mut by_name: Vec<usize> = (0..model.candidates.len()).collect();
        by_name.sort_by_key(|&c| {
            (
                muscles[model.candidates[c].muscle].id.as_str(),
                model.candidates[c].side,
            )
        });
        for (order, c) in by_name.into_iter().enumerate() {
            model.candidates[c].order = order;
        }
        model
    }

    fn candidate(&self, atlas: &Atlas, muscle: usize, side: Option<Side>, sites: &[AreaSite]) -> Candidate {
        let referral = &atlas.muscles()[muscle].referral;
        // A sided zone lies on the muscle's side; on both sides when the zone
        // is bilateral or the muscle unpaired (midline).
        let zone_slots: Vec<Vec<usize>> = referral
            .iter()
            .map(|zone| match side {
                _ if !zone.area.is_sided() => vec![slot(zone.area, None)],
                Some(side) if !zone.bilateral => vec![slot(zone.area, Some(side))],
                _ => vec![slot(zone.area, Some(Side::Left)), slot(zone.area, Some(Side::Right))],
            })
            .collect();
        let mut cells: Vec<Option<Cell>> = vec![None; self.slots];
        let mut links = Vec::new();
        for &drawn in sites {
            let drawn = site_slot(drawn);
            let start = links.len();
            let mut best: Option<(f64, Zone, Match)> = None;
            for (index, (zone, slots)) in referral.iter().zip(&zone_slots).enumerate() {
                // The best way this place meets the zone (either side of a bilateral one).
                let via = slots
                    .iter()
                    .filter_map(|&z| self.matches[drawn * self.slots + z])
                    .min_by(|a, b| b.credit().total_cmp(&a.credit()).then(a.cmp(b)));
                let Some(via) = via else { continue };
                links.push((index, via.credit()));
                let credit = zone_credit(zone.zone) * via.credit();
                let better = match best {
                    None => true,
                    Some((c, _, v)) => credit > c || (credit == c && via < v),
                };
                if better {
                    best = Some((credit, zone.zone, via));
                }
            }
            if let Some((credit, zone, via)) = best {
                let range = (
                    u32::try_from(start).unwrap_or(u32::MAX),
                    u32::try_from(links.len()).unwrap_or(u32::MAX),
                );
                cells[drawn] = Some(Cell {
                    credit,
                    zone,
                    via,
                    links: range,
                });
            }
        }
        let weights: Vec<f64> = referral.iter().map(|zone| pattern_weight(zone.zone)).collect();
        let pattern_total = weights.iter().sum();
        Candidate {
            muscle,
            side,
            order: 0,
            cells,
            links,
            weights,
            pattern_total,
        }
    }

    pub fn specificity(&self, area: AreaId) -> f64 {
        self.specificity[area.index()]
    }

    pub fn evidence(&self, site: AreaSite, intensity: u8) -> Evidence {
        Evidence {
            site,
            slot: site_slot(site),
            weight: intensity_factor(intensity) * self.specificity(site.area()),
        }
    }

    /// The score in [0, 1]: the weighted geometric mean
    /// `coverage^COVERAGE_SHARE * completeness^(1 - COVERAGE_SHARE)`, where
    /// coverage is the weighted share of the pain map the candidate explains
    /// and completeness the weighted share of its expected pattern found on
    /// the map (each zone counted by its best match). `scratch` is reused
    /// between calls to avoid allocating.
    pub fn score(&self, candidate: &Candidate, map: &[Evidence], total_weight: f64, scratch: &mut Vec<f64>) -> f64 {
        scratch.clear();
        scratch.resize(candidate.weights.len(), 0.0);
        let mut explained = 0.0;
        for e in map {
            let Some(cell) = candidate.cell(e.slot) else { continue };
            explained += e.weight * cell.credit;
            for &(zone, credit) in candidate.links(cell) {
                if let Some(best) = scratch.get_mut(zone) {
                    *best = best.max(credit);
                }
            }
        }
        if explained <= 0.0 || total_weight <= 0.0 || candidate.pattern_total <= 0.0 {
            return 0.0;
        }
        let coverage = (explained / total_weight).clamp(0.0, 1.0);
        let found: f64 = candidate
            .weights
            .iter()
            .zip(scratch.iter())
            .map(|(w, best)| w * best)
            .sum();
        let completeness = (found / candidate.pattern_total).clamp(0.0, 1.0);
        (coverage.powf(COVERAGE_SHARE) * completeness.powf(1.0 - COVERAGE_SHARE)).clamp(0.0, 1.0)
    }
}

pub(crate) fn model() -> &'static Model {
    static MODEL: LazyLock<Model> = LazyLock::new(|| Model::build(atlas()));
    &MODEL
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn area(id: &str) -> AreaId {
        body_areas().find(id).unwrap()
    }

    #[test]
    fn specific_areas_weigh_more_than_vague_ones() {
        let m = model();
        assert!(m.specificity(area("face.upper_teeth")) > m.specificity(area("back.lumbar")));
        assert!(m.specificity(area("foot.heel")) > m.specificity(area("back.lumbar")));
        assert!(body_areas().ids().all(|a| m.specificity(a) > 0.0));
    }

    #[test]
    fn intensity_raises_weight() {
        assert!(intensity_factor(1) > 0.0);
        assert!((1..10).all(|i| intensity_factor(i) < intensity_factor(i + 1)));
        assert_eq!(intensity_factor(10), 1.0);
    }

    #[test]
    fn credits_are_ordered() {
        assert!(Match::Exact.credit() > Match::Within.credit());
        assert!(Match::Within.credit() > Match::Contains.credit());
        assert!(Match::Contains.credit() > Match::Borders.credit());
        assert!(Match::Borders.credit() > 0.0);
        assert!(zone_credit(Zone::Essential) > zone_credit(Zone::Spillover));
    }

    #[test]
    fn one_or_two_candidates_per_muscle() {
        let m = model();
        let paired = atlas().muscles().iter().filter(|m| m.paired).count();
        assert_eq!(m.candidates.len(), paired * 2 + (atlas().muscles().len() - paired));
    }
}
