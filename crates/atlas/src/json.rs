//! The JSON form of [`Suggestions`], the contract of the CLI and the API:
//!
//! ```json
//! {"suggestions":[{"muscle":"temporalis","name":"Temporalis","side":"right","score":0.91,
//!   "explains":[{"area":"head.temple","side":"right","zone":"essential","match":"exact"}],
//!   "unexplained":[{"area":"chest.sternum"}]}],
//!  "explaining_set":["temporalis"]}
//! ```
//!
//! `side` of a suggestion is `null` for an unpaired muscle; an area object
//! omits `side` for a midline area; `score` is rounded to 3 decimals.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::model::Match;
use crate::suggest::{Explained, Suggestion, Suggestions};

/// `score` rounded to 3 decimals, as written to JSON.
pub fn rounded(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

impl Serialize for Match {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for Explained {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Explained", 4)?;
        out.serialize_field("area", self.area.as_str())?;
        match self.side {
            Some(side) => out.serialize_field("side", side.as_str())?,
            None => out.skip_field("side")?,
        }
        out.serialize_field("zone", &self.zone)?;
        out.serialize_field("match", &self.via)?;
        out.end()
    }
}

impl Serialize for Suggestion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Suggestion", 6)?;
        out.serialize_field("muscle", self.muscle)?;
        out.serialize_field("name", self.name)?;
        out.serialize_field("side", &self.side.map(|side| side.as_str()))?;
        out.serialize_field("score", &rounded(self.score))?;
        out.serialize_field("explains", &self.explains)?;
        // AreaSite serializes as {"area": ..., "side": ...}, without side when midline.
        out.serialize_field("unexplained", &self.unexplained)?;
        out.end()
    }
}

impl Serialize for Suggestions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Suggestions", 2)?;
        out.serialize_field("suggestions", &self.suggestions)?;
        out.serialize_field("explaining_set", &self.explaining_set)?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use myomap_domain::{AreaSite, PainEntry, Side, body_areas};
    use serde_json::json;

    use super::*;
    use crate::atlas::Zone;
    use crate::suggest::suggest;

    #[test]
    fn the_contract_shape() {
        let site = |a: &str, s: Option<&str>| AreaSite::parse(a, s).unwrap();
        let suggestions = Suggestions {
            suggestions: vec![
                Suggestion {
                    muscle: "temporalis",
                    name: "Temporalis",
                    side: Some(Side::Right),
                    score: 0.912_345,
                    explains: vec![Explained {
                        area: body_areas().find("head.temple").unwrap(),
                        side: Some(Side::Right),
                        zone: Zone::Essential,
                        via: Match::Exact,
                    }],
                    unexplained: vec![site("chest.sternum", None), site("foot.heel", Some("left"))],
                },
                Suggestion {
                    muscle: "sphincter_ani",
                    name: "Anal sphincter",
                    side: None,
                    score: 0.25,
                    explains: vec![Explained {
                        area: body_areas().find("pelvis.floor").unwrap(),
                        side: None,
                        zone: Zone::Spillover,
                        via: Match::Borders,
                    }],
                    unexplained: vec![],
                },
            ],
            explaining_set: vec!["temporalis", "sphincter_ani"],
        };
        assert_eq!(
            serde_json::to_value(&suggestions).unwrap(),
            json!({
                "suggestions": [
                    {"muscle": "temporalis", "name": "Temporalis", "side": "right", "score": 0.912,
                     "explains": [{"area": "head.temple", "side": "right", "zone": "essential", "match": "exact"}],
                     "unexplained": [{"area": "chest.sternum"}, {"area": "foot.heel", "side": "left"}]},
                    {"muscle": "sphincter_ani", "name": "Anal sphincter", "side": null, "score": 0.25,
                     "explains": [{"area": "pelvis.floor", "zone": "spillover", "match": "borders"}],
                     "unexplained": []}
                ],
                "explaining_set": ["temporalis", "sphincter_ani"]
            })
        );
    }

    #[test]
    fn engine_output_serializes() {
        let map: Vec<PainEntry> = ["head.temple:right@7", "chest.sternum@3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let text = serde_json::to_string(&suggest(&map, 3)).unwrap();
        assert!(text.starts_with(r#"{"suggestions":[{"muscle":"#), "{text}");
        assert!(text.contains(r#""explaining_set":["#), "{text}");
        assert_eq!(rounded(0.12349), 0.123);
        assert_eq!(rounded(1.0), 1.0);
    }
}
