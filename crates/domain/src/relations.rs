//! How body areas relate on the body surface: which coarse areas contain finer
//! ones and which areas border each other (data in
//! `data/body-area-relations.toml`). The referred-pain engine uses this so a
//! coarse or slightly misplaced drawing still counts as (weaker) evidence.
//!
//! Relations hold between areas on the same side; a midline area relates to
//! both sides of its sided neighbours.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::body_area::{AreaId, body_areas};

const RELATIONS_TOML: &str = include_str!("../data/body-area-relations.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaRelation {
    /// The same area.
    Same,
    /// The first area contains the second (a coarse drawing of a fine zone).
    Contains,
    /// The first area lies inside the second (a fine drawing of a coarse zone).
    Within,
    /// The areas touch on the body surface.
    Borders,
}

pub struct AreaRelations {
    n: usize,
    matrix: Vec<Option<AreaRelation>>,
}

impl AreaRelations {
    fn parse(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Contains {
            area: String,
            parts: Vec<String>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Borders {
            area: String,
            neighbours: Vec<String>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            contains: Vec<Contains>,
            #[serde(default)]
            borders: Vec<Borders>,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let areas = body_areas();
        let n = areas.len();
        let mut relations = AreaRelations {
            n,
            matrix: vec![None; n * n],
        };
        for id in areas.ids() {
            relations.set(id, id, AreaRelation::Same);
        }
        let find = |id: &str| areas.find(id).map_err(|e| e.to_string());
        for entry in &file.contains {
            let whole = find(&entry.area)?;
            for part in &entry.parts {
                let part = find(part)?;
                if part == whole {
                    return Err(format!("{} contains itself", entry.area));
                }
                relations.set(whole, part, AreaRelation::Contains);
                relations.set(part, whole, AreaRelation::Within);
            }
        }
        for entry in &file.borders {
            let a = find(&entry.area)?;
            for neighbour in &entry.neighbours {
                let b = find(neighbour)?;
                if a == b {
                    return Err(format!("{} borders itself", entry.area));
                }
                // Containment is the stronger statement; keep it.
                if relations.get(a, b).is_none() {
                    relations.set(a, b, AreaRelation::Borders);
                    relations.set(b, a, AreaRelation::Borders);
                }
            }
        }
        Ok(relations)
    }

    fn set(&mut self, a: AreaId, b: AreaId, relation: AreaRelation) {
        self.matrix[a.index() * self.n + b.index()] = Some(relation);
    }

    /// How `drawn` (an area on the client's drawing) relates to `zone`.
    pub fn get(&self, drawn: AreaId, zone: AreaId) -> Option<AreaRelation> {
        self.matrix[drawn.index() * self.n + zone.index()]
    }

    /// Areas related to `area` in any way other than being the same.
    pub fn related(&self, area: AreaId) -> impl Iterator<Item = (AreaId, AreaRelation)> + '_ {
        body_areas().ids().filter_map(move |other| match self.get(area, other) {
            Some(AreaRelation::Same) | None => None,
            Some(relation) => Some((other, relation)),
        })
    }
}

/// The relations, parsed once; compiled-in data checked by the tests below.
pub fn area_relations() -> &'static AreaRelations {
    static RELATIONS: LazyLock<AreaRelations> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        AreaRelations::parse(RELATIONS_TOML).expect("compiled-in body-area-relations.toml is valid")
    });
    &RELATIONS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn relations_parse_and_every_area_is_related_to_something() {
        let relations = AreaRelations::parse(RELATIONS_TOML).unwrap();
        for id in body_areas().ids() {
            assert!(relations.related(id).next().is_some(), "{id} relates to nothing");
        }
    }

    #[test]
    fn relations_are_symmetric() {
        let relations = area_relations();
        for a in body_areas().ids() {
            for b in body_areas().ids() {
                let expected = match relations.get(a, b) {
                    None => None,
                    Some(AreaRelation::Same) => Some(AreaRelation::Same),
                    Some(AreaRelation::Contains) => Some(AreaRelation::Within),
                    Some(AreaRelation::Within) => Some(AreaRelation::Contains),
                    Some(AreaRelation::Borders) => Some(AreaRelation::Borders),
                };
                assert_eq!(relations.get(b, a), expected, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn unknown_ids_are_refused() {
        let err = AreaRelations::parse("[[borders]]\narea = \"head.nose\"\nneighbours = []\n");
        assert!(err.is_err_and(|e| e.contains("head.nose")));
    }
}
