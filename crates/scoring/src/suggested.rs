//! Which instruments to suggest for a client's presenting conditions
//! (`data/suggested.toml`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::Instrument;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Suggested {
    always: Vec<String>,
    conditions: BTreeMap<String, Vec<String>>,
}

/// The instruments for everyone, and those per condition.
type Table = (Vec<Instrument>, BTreeMap<String, Vec<Instrument>>);

fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        let raw: Suggested =
            toml::from_str(include_str!("../data/suggested.toml")).expect("compiled-in suggested.toml is valid");
        let parse = |ids: &[String]| ids.iter().filter_map(|id| id.parse().ok()).collect::<Vec<Instrument>>();
        (
            parse(&raw.always),
            raw.conditions.iter().map(|(c, ids)| (c.clone(), parse(ids))).collect(),
        )
    });
    &TABLE
}

/// The instruments for these conditions, condition-specific first, then the
/// ones for everyone; each once.
pub fn suggested_for<S: AsRef<str>>(conditions: &[S]) -> Vec<Instrument> {
    let (always, by_condition) = table();
    let mut out: Vec<Instrument> = Vec::new();
    for condition in conditions {
        for instrument in by_condition.get(condition.as_ref()).into_iter().flatten() {
            if !out.contains(instrument) {
                out.push(*instrument);
            }
        }
    }
    for instrument in always {
        if !out.contains(instrument) {
            out.push(*instrument);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_in_the_table_is_an_instrument() {
        let raw: Suggested =
            toml::from_str(include_str!("../data/suggested.toml")).unwrap_or_else(|e| unreachable!("{e}"));
        for id in raw.always.iter().chain(raw.conditions.values().flatten()) {
            assert!(id.parse::<Instrument>().is_ok(), "{id}");
        }
    }

    #[test]
    fn neck_pain_suggests_ndi_then_the_general_measures() {
        assert_eq!(
            suggested_for(&["neck_pain"]),
            [Instrument::Ndi, Instrument::Nprs, Instrument::Psfs]
        );
        assert_eq!(
            suggested_for(&["carpal_tunnel", "tmj"]),
            [
                Instrument::BctqSss,
                Instrument::BctqFss,
                Instrument::Jfls8,
                Instrument::Nprs,
                Instrument::Psfs
            ]
        );
        assert_eq!(suggested_for::<&str>(&[]), [Instrument::Nprs, Instrument::Psfs]);
    }
}
