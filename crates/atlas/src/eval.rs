//! Evaluation of the engine on clinical vignettes (`data/vignettes.toml`):
//! pain maps written from the pain guides of the Trigger Point Manual,
//! independently of the atlas data, each with the muscle(s) a therapist would
//! examine first.

use std::sync::LazyLock;

use myomap_domain::{PainEntry, PainSpecError, Side};
use serde::Deserialize;

use crate::atlas::atlas;
use crate::suggest::suggest;

const VIGNETTES_TOML: &str = include_str!("../data/vignettes.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vignette {
    pub id: String,
    pub story: String,
    pub areas: Vec<PainEntry>,
    /// Muscle ids to examine first; a hit is any of them.
    pub expect: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VignetteError {
    #[error("vignettes.toml: {0}")]
    Parse(String),
    #[error("vignette {id}: {source}")]
    Area { id: String, source: PainSpecError },
    #[error("vignette {id}: unknown muscle \"{muscle}\"")]
    UnknownMuscle { id: String, muscle: String },
    #[error("vignette {id}: {what} is empty")]
    Empty { id: String, what: &'static str },
    #[error("vignette id \"{0}\" is used more than once")]
    DuplicateId(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    vignette: Vec<RawVignette>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVignette {
    id: String,
    story: String,
    areas: Vec<String>,
    expect: Vec<String>,
    source: String,
}

/// Parses vignettes and checks them against the atlas (expected muscles exist).
pub fn parse_vignettes(text: &str) -> Result<Vec<Vignette>, VignetteError> {
    let file: RawFile = toml::from_str(text).map_err(|e| VignetteError::Parse(e.to_string()))?;
    let mut out: Vec<Vignette> = Vec::with_capacity(file.vignette.len());
    for raw in file.vignette {
        if out.iter().any(|v| v.id == raw.id) {
            return Err(VignetteError::DuplicateId(raw.id));
        }
        let areas = raw
            .areas
            .iter()
            .map(|spec| spec.parse::<PainEntry>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| VignetteError::Area {
                id: raw.id.clone(),
                source,
            })?;
        for (what, empty) in [("areas", areas.is_empty()), ("expect", raw.expect.is_empty())] {
            if empty {
                return Err(VignetteError::Empty { id: raw.id, what });
            }
        }
        if let Some(muscle) = raw.expect.iter().find(|m| atlas().muscle(m).is_none()) {
            return Err(VignetteError::UnknownMuscle {
                id: raw.id,
                muscle: muscle.clone(),
            });
        }
        out.push(Vignette {
            id: raw.id,
            story: raw.story,
            areas,
            expect: raw.expect,
            source: raw.source,
        });
    }
    Ok(out)
}

/// The compiled-in vignettes, parsed once (checked by this crate's tests).
pub fn vignettes() -> &'static [Vignette] {
    static VIGNETTES: LazyLock<Vec<Vignette>> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        parse_vignettes(VIGNETTES_TOML).expect("compiled-in vignettes.toml is valid")
    });
    &VIGNETTES
}

/// A vignette whose expected muscle did not come first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    pub vignette: String,
    pub expected: Vec<String>,
    /// The first five distinct muscles of the ranking.
    pub got: Vec<String>,
    /// 1-based position of the first expected muscle among the distinct
    /// muscles of the ranking, if it appears at all.
    pub rank: Option<usize>,
}

/// Hits at 1, 3 and 5: a vignette is a hit at k when any expected muscle is
/// among the first k distinct muscles of the ranking (a muscle ranked on both
/// sides counts once).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evaluation {
    pub total: usize,
    pub top1: usize,
    pub top3: usize,
    pub top5: usize,
    /// Every vignette that is not a hit at 1, in file order.
    pub misses: Vec<Miss>,
}

impl Evaluation {
    fn rate(&self, hits: usize) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            hits as f64 / self.total as f64
        }
    }

    pub fn top1_rate(&self) -> f64 {
        self.rate(self.top1)
    }

    pub fn top3_rate(&self) -> f64 {
        self.rate(self.top3)
    }

    pub fn top5_rate(&self) -> f64 {
        self.rate(self.top5)
    }
}

/// Distinct muscle ids of the full ranking for `map`, best first.
pub fn ranked_muscles(map: &[PainEntry]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in suggest(map, usize::MAX).suggestions {
        if !out.contains(&s.muscle) {
            out.push(s.muscle);
        }
    }
    out
}

/// The plain-count baseline the engine is measured against: distinct muscles
/// ranked by how many of the map's places lie exactly in one of their
/// referral zones (essential or spillover alike, sides as the engine reads
/// them), ties in atlas order. No weights, no zones, no relations.
pub fn count_ranked_muscles(map: &[PainEntry]) -> Vec<&'static str> {
    let muscles = atlas().muscles();
    let mut counted: Vec<(usize, usize)> = muscles
        .iter()
        .enumerate()
        .map(|(index, muscle)| {
            let sides: &[Option<Side>] = if muscle.paired {
                &[Some(Side::Left), Some(Side::Right)]
            } else {
                &[None]
            };
            let best = sides
                .iter()
                .map(|&side| {
                    map.iter()
                        .filter(|entry| {
                            muscle.referral.iter().any(|zone| {
                                zone.area == entry.site.area()
                                    && match (entry.site.side(), side) {
                                        (None, _) | (_, None) => true,
                                        (Some(drawn), Some(own)) => zone.bilateral || drawn == own,
                                    }
                            })
                        })
                        .count()
                })
                .max()
                .unwrap_or(0);
            (index, best)
        })
        .filter(|&(_, count)| count > 0)
        .collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counted
        .into_iter()
        .map(|(index, _)| muscles[index].id.as_str())
        .collect()
}

/// Evaluates the engine on the given vignettes.
pub fn evaluate_on(vignettes: &[Vignette]) -> Evaluation {
    evaluate_with(vignettes, ranked_muscles)
}

/// Evaluates the plain-count baseline ([`count_ranked_muscles`]) on the
/// compiled-in vignettes, for comparison with [`evaluate`].
pub fn evaluate_count_baseline() -> Evaluation {
    evaluate_with(vignettes(), count_ranked_muscles)
}

fn evaluate_with(vignettes: &[Vignette], rank_muscles: fn(&[PainEntry]) -> Vec<&'static str>) -> Evaluation {
    let mut eval = Evaluation {
        total: vignettes.len(),
        ..Evaluation::default()
    };
    for v in vignettes {
        let ranking = rank_muscles(&v.areas);
        let rank = ranking
            .iter()
            .position(|m| v.expect.iter().any(|e| e == m))
            .map(|i| i + 1);
        let hit = |k: usize| rank.is_some_and(|r| r <= k);
        eval.top1 += usize::from(hit(1));
        eval.top3 += usize::from(hit(3));
        eval.top5 += usize::from(hit(5));
        if !hit(1) {
            eval.misses.push(Miss {
                vignette: v.id.clone(),
                expected: v.expect.clone(),
                got: ranking.iter().take(5).map(|m| (*m).to_owned()).collect(),
                rank,
            });
        }
    }
    eval
}

/// Evaluates the engine on the compiled-in vignettes.
pub fn evaluate() -> Evaluation {
    evaluate_on(vignettes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_vignettes_are_valid() {
        let parsed = parse_vignettes(VIGNETTES_TOML).unwrap();
        assert!(parsed.len() >= 80, "{} vignettes", parsed.len());
        for v in &parsed {
            assert!(!v.story.is_empty() && !v.source.is_empty(), "{}", v.id);
            for m in &v.expect {
                assert!(atlas().muscle(m).is_some(), "{}: {m}", v.id);
            }
        }
    }

    #[test]
    fn bad_vignettes_are_refused() {
        let one = |areas: &str, expect: &str| {
            format!("[[vignette]]\nid = \"v\"\nstory = \"s\"\nareas = [{areas}]\nexpect = [{expect}]\nsource = \"s\"\n")
        };
        assert!(parse_vignettes(&one("\"head.temple:right@7\"", "\"temporalis\"")).is_ok());
        assert!(matches!(
            parse_vignettes(&one("\"head.temple@7\"", "\"temporalis\"")),
            Err(VignetteError::Area { .. })
        ));
        assert!(matches!(
            parse_vignettes(&one("\"head.temple:right\"", "\"temporalis_major\"")),
            Err(VignetteError::UnknownMuscle { .. })
        ));
        assert!(matches!(
            parse_vignettes(&one("", "\"temporalis\"")),
            Err(VignetteError::Empty { .. })
        ));
        let twice = one("\"head.temple:right\"", "\"temporalis\"").repeat(2);
        assert!(matches!(parse_vignettes(&twice), Err(VignetteError::DuplicateId(_))));
    }

    #[test]
    fn the_engine_meets_the_aim_on_the_vignettes() {
        let eval = evaluate();
        let report: Vec<String> = eval
            .misses
            .iter()
            .map(|m| {
                format!(
                    "{} expected {:?} rank {:?} got {:?}",
                    m.vignette, m.expected, m.rank, m.got
                )
            })
            .collect();
        println!(
            "top1 {}/{} top3 {} top5 {}\n{}",
            eval.top1,
            eval.total,
            eval.top3,
            eval.top5,
            report.join("\n")
        );
        assert_eq!(eval.total, vignettes().len());
        assert!(eval.top1 <= eval.top3 && eval.top3 <= eval.top5 && eval.top5 <= eval.total);
        assert!(
            eval.top3_rate() >= 0.90,
            "top-3 rate {:.3}\n{}",
            eval.top3_rate(),
            report.join("\n")
        );
    }

    #[test]
    fn the_engine_ranks_the_right_muscle_first_more_often_than_a_plain_count() {
        let engine = evaluate();
        let count = evaluate_count_baseline();
        println!(
            "engine top1 {}/{} top3 {}; count baseline top1 {}/{} top3 {}",
            engine.top1, engine.total, engine.top3, count.top1, count.total, count.top3
        );
        assert_eq!(count.total, engine.total);
        assert!(
            engine.top1 > count.top1,
            "engine {} vs count {}",
            engine.top1,
            count.top1
        );
        assert!(
            engine.top3 >= count.top3,
            "engine {} vs count {}",
            engine.top3,
            count.top3
        );
    }

    #[test]
    fn the_count_baseline_counts_exact_zones_on_the_right_side() {
        let map: Vec<PainEntry> = ["head.temple:right@7", "face.upper_teeth:right"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let ranking = count_ranked_muscles(&map);
        assert!(ranking.contains(&"temporalis"));
        assert!(ranking.iter().all(|m| atlas().muscle(m).is_some()));
        let heel: Vec<PainEntry> = vec!["foot.heel:left".parse().unwrap()];
        let only_heel = count_ranked_muscles(&heel);
        assert!(!only_heel.contains(&"temporalis"));
    }
}
