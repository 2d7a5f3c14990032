//! Myomap's own wording of each answer value (`data/answer-wording.toml`),
//! shown next to the numbers when the clinic has not loaded an official
//! form, so that nobody answers a bare "0-5".

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::{Instrument, Scoring};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wording {
    id: String,
    source: String,
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
    scales: BTreeMap<String, Vec<String>>,
}

static WORDING: LazyLock<BTreeMap<String, Wording>> = LazyLock::new(load);

#[expect(
    clippy::expect_used,
    reason = "the file is compiled in and a unit test checks it: a broken file is a build defect"
)]
fn load() -> BTreeMap<String, Wording> {
    parse(include_str!("../data/answer-wording.toml")).expect("data/answer-wording.toml is valid")
}

/// The label of every answer value of item `item` (0-based), lowest value
/// first; an empty label means "show the number alone".
pub fn answer_labels(instrument: Instrument, item: usize) -> Option<&'static [String]> {
    let wording = WORDING.get(instrument.as_str())?;
    let scale = wording.items.get(item)?;
    wording.scales.get(scale).map(Vec::as_slice)
}

/// Where the meaning of the instrument's answer values comes from.
pub fn answer_wording_source(instrument: Instrument) -> Option<&'static str> {
    WORDING.get(instrument.as_str()).map(|w| w.source.as_str())
}

/// The label of every value of an ACR 2016 symptom field, by its id.
pub fn field_answer_labels(instrument: Instrument, field: &str) -> Option<&'static [String]> {
    let wording = WORDING.get(instrument.as_str())?;
    let scale = wording.fields.get(field)?;
    wording.scales.get(scale).map(Vec::as_slice)
}

/// Parses the file and checks it against the instruments: every item and
/// field has a scale, and every scale has one label per answer value.
fn parse(text: &str) -> Result<BTreeMap<String, Wording>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        instrument: Vec<Wording>,
    }
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut by_id = BTreeMap::new();
    for wording in file.instrument {
        let instrument: Instrument = wording
            .id
            .parse()
            .map_err(|_| format!("{}: not an instrument", wording.id))?;
        check(instrument, &wording).map_err(|e| format!("{instrument}: {e}"))?;
        if by_id.insert(wording.id.clone(), wording).is_some() {
            return Err(format!("{instrument}: worded twice"));
        }
    }
    Ok(by_id)
}

fn check(instrument: Instrument, wording: &Wording) -> Result<(), String> {
    let scale = |name: &str| wording.scales.get(name).ok_or_else(|| format!("no scale named {name}"));
    match &instrument.definition().scoring {
        Scoring::Acr2016(rule) => {
            for symptom in &rule.symptoms {
                let name = wording
                    .fields
                    .get(&symptom.id)
                    .ok_or_else(|| format!("no scale for field {}", symptom.id))?;
                let labels = scale(name)?;
                if labels.len() != usize::from(symptom.max) + 1 {
                    return Err(format!(
                        "scale {name} has {} labels for 0-{}",
                        labels.len(),
                        symptom.max
                    ));
                }
            }
        }
        other => {
            let Some(rule) = other.item_rule() else {
                return Err("has no answers to word".into());
            };
            if wording.items.len() != rule.items.len() {
                return Err(format!(
                    "{} item scales for {} items",
                    wording.items.len(),
                    rule.items.len()
                ));
            }
            let values = usize::from(rule.response.max - rule.response.min) + 1;
            for name in &wording.items {
                let labels = scale(name)?;
                if labels.len() != values {
                    return Err(format!(
                        "scale {name} has {} labels for {values} answer values",
                        labels.len()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_questionnaire_answer_is_worded() {
        let wording = parse(include_str!("../data/answer-wording.toml")).unwrap();
        for instrument in Instrument::ALL {
            let def = instrument.definition();
            match &def.scoring {
                Scoring::PptMean(_) => assert!(!wording.contains_key(instrument.as_str())),
                Scoring::Acr2016(rule) => {
                    for symptom in &rule.symptoms {
                        let labels = field_answer_labels(instrument, &symptom.id).unwrap();
                        assert!(labels.iter().all(|l| !l.is_empty()), "{instrument} {}", symptom.id);
                    }
                }
                other => {
                    let rule = other.item_rule().unwrap();
                    for item in 0..rule.items.len() {
                        let labels = answer_labels(instrument, item).unwrap();
                        // Both ends of every scale say what they mean.
                        assert!(
                            !labels[0].is_empty() && !labels[labels.len() - 1].is_empty(),
                            "{instrument} item {item}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_scale_of_the_wrong_length_is_refused() {
        let broken = r#"
[[instrument]]
id = "ndi"
source = "test"
items = ["a", "a", "a", "a", "a", "a", "a", "a", "a", "a"]
[instrument.scales]
a = ["none", "some", "most"]
"#;
        let error = parse(broken).unwrap_err();
        assert!(error.contains("scale a has 3 labels for 6 answer values"), "{error}");
    }
}
