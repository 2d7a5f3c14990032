//! The anonymised outcome export (`myomap export outcomes --anonymised`).
//!
//! One row per scored questionnaire: condition group, instrument, score,
//! days since the client's baseline of that instrument, signed sessions up
//! to that day, age band (5 years, at the questionnaire's date) and sex
//! (Myomap does not record sex, so the column is empty). No name, id, date
//! or free text leaves: every value is a count, an exact score or a word
//! from a fixed vocabulary.
//!
//! The quasi-identifiers are (condition group, age band, sex). [`k_anonymise`]
//! keeps a row only when at least `k` distinct clients share its
//! quasi-identifiers, and sorts what it keeps so that no row's position
//! tells whose it is.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use myomap_domain::ClientId;
use myomap_store::{Actor, OutcomeFacts, Store};

use crate::ClinicError;

/// The smallest number of clients a group of quasi-identifiers must hold.
pub const K: usize = 5;

/// What may single a client out when combined with other knowledge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuasiIdentifiers {
    pub condition_group: String,
    /// `40-44`.
    pub age_band: String,
    /// Empty when not recorded.
    pub sex: String,
}

/// One exported row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutcomeRow {
    pub quasi: QuasiIdentifiers,
    pub instrument: String,
    pub score: String,
    pub days_since_baseline: i64,
    pub sessions_attended: usize,
}

/// A row before anonymisation, with the client it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<C> {
    pub client: C,
    pub row: OutcomeRow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anonymised {
    /// Sorted (by quasi-identifiers, instrument, days, score, sessions).
    pub rows: Vec<OutcomeRow>,
    /// Rows left out because their group had fewer than `k` clients.
    pub suppressed: usize,
    /// Groups left out.
    pub suppressed_groups: usize,
}

/// Keeps the rows whose quasi-identifiers at least `k` distinct clients
/// share; the others are suppressed whole.
pub fn k_anonymise<C: Ord>(candidates: Vec<Candidate<C>>, k: usize) -> Anonymised {
    let mut clients: BTreeMap<QuasiIdentifiers, BTreeSet<&C>> = BTreeMap::new();
    for candidate in &candidates {
        clients
            .entry(candidate.row.quasi.clone())
            .or_default()
            .insert(&candidate.client);
    }
    let small: BTreeSet<QuasiIdentifiers> = clients
        .into_iter()
        .filter(|(_, who)| who.len() < k)
        .map(|(quasi, _)| quasi)
        .collect();
    let total = candidates.len();
    let mut rows: Vec<OutcomeRow> = candidates
        .into_iter()
        .filter(|c| !small.contains(&c.row.quasi))
        .map(|c| c.row)
        .collect();
    rows.sort();
    Anonymised {
        suppressed: total - rows.len(),
        suppressed_groups: small.len(),
        rows,
    }
}

/// The five-year band of an age: `40-44`.
pub fn age_band(born: Date, on: Date) -> String {
    let mut years = i32::from(on.year()) - i32::from(born.year());
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    let low = years.max(0) / 5 * 5;
    format!("{low}-{}", low + 4)
}

/// The condition group of an intake: the protocol group of the first
/// condition it names (`none` without an answered intake or conditions).
pub fn condition_group(conditions: &[String]) -> String {
    match conditions.first() {
        None => "none".to_owned(),
        Some(first) => myomap_plans::protocols_for(first)
            .first()
            .map_or_else(|| first.clone(), |p| p.id.clone()),
    }
}

/// The rows of every scored questionnaire, with their clients.
pub fn candidates(facts: &OutcomeFacts) -> Vec<Candidate<ClientId>> {
    let mut baselines: BTreeMap<(ClientId, &str), Date> = BTreeMap::new();
    for score in &facts.scores {
        baselines
            .entry((score.client_id, score.instrument.as_str()))
            .and_modify(|d| *d = (*d).min(score.taken_on))
            .or_insert(score.taken_on);
    }
    facts
        .scores
        .iter()
        .filter_map(|score| {
            let client = facts.clients.get(&score.client_id)?;
            let baseline = baselines.get(&(score.client_id, score.instrument.as_str()))?;
            let days = (score.taken_on - *baseline).get_days();
            Some(Candidate {
                client: score.client_id,
                row: OutcomeRow {
                    quasi: QuasiIdentifiers {
                        condition_group: condition_group(&client.conditions),
                        age_band: age_band(client.date_of_birth, score.taken_on),
                        sex: String::new(),
                    },
                    instrument: score.instrument.clone(),
                    score: score.score.clone(),
                    days_since_baseline: i64::from(days),
                    sessions_attended: client.signed_sessions.iter().filter(|d| **d <= score.taken_on).count(),
                },
            })
        })
        .collect()
}

/// The header of the CSV.
pub const COLUMNS: [&str; 7] = [
    "condition_group",
    "instrument",
    "score",
    "days_since_baseline",
    "sessions_attended",
    "age_band",
    "sex",
];

pub fn to_csv(rows: &[OutcomeRow]) -> Result<Vec<u8>, ClinicError> {
    let failed = |e: csv::Error| ClinicError::Internal(format!("writing the CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(failed)?;
    for row in rows {
        writer
            .write_record([
                row.quasi.condition_group.as_str(),
                row.instrument.as_str(),
                row.score.as_str(),
                &row.days_since_baseline.to_string(),
                &row.sessions_attended.to_string(),
                row.quasi.age_band.as_str(),
                row.quasi.sex.as_str(),
            ])
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| ClinicError::Internal(format!("writing the CSV: {}", e.error())))
}

/// The export of the actor's clinic: the CSV and what was left out. The
/// read is audited as one entry (`outcomes.export`).
pub async fn export(store: &Store, actor: &Actor) -> Result<(Vec<u8>, Anonymised), ClinicError> {
    let facts = store.clinic(actor).outcome_facts().await?;
    let anonymised = k_anonymise(candidates(&facts), K);
    Ok((to_csv(&anonymised.rows)?, anonymised))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    use super::*;

    fn row(group: &str, band: &str) -> OutcomeRow {
        OutcomeRow {
            quasi: QuasiIdentifiers {
                condition_group: group.into(),
                age_band: band.into(),
                sex: String::new(),
            },
            instrument: "ndi".into(),
            score: "20".into(),
            days_since_baseline: 0,
            sessions_attended: 0,
        }
    }

    #[test]
    fn small_groups_are_suppressed_whole() {
        let mut input: Vec<Candidate<u32>> = (0..5)
            .map(|c| Candidate {
                client: c,
                row: row("tmj", "40-44"),
            })
            .collect();
        // Four rows of one client do not make a group of five.
        input.extend((0..4).map(|_| Candidate {
            client: 9,
            row: row("carpal_tunnel", "30-34"),
        }));
        let out = k_anonymise(input, 5);
        assert_eq!(out.rows.len(), 5);
        assert_eq!((out.suppressed, out.suppressed_groups), (4, 1));
    }

    #[test]
    fn bands_and_groups() {
        let born = jiff::civil::date(1980, 6, 15);
        assert_eq!(age_band(born, jiff::civil::date(2025, 6, 14)), "40-44");
        assert_eq!(age_band(born, jiff::civil::date(2025, 6, 15)), "45-49");
        assert_eq!(condition_group(&[]), "none");
        assert_eq!(
            condition_group(&["neck_pain".into(), "tmj".into()]),
            "back_neck_shoulder"
        );
        assert_eq!(condition_group(&["carpal_tunnel".into()]), "carpal_tunnel");
    }

    proptest! {
        /// On any input, every kept row's quasi-identifiers are shared by at
        /// least k distinct clients among the kept rows, and rows are only
        /// dropped, never changed.
        #[test]
        fn k_anonymity_holds(
            input in proptest::collection::vec((0u8..30, 0u8..4, 0u8..5, 0u8..2), 0..200),
            k in 1usize..8,
        ) {
            let groups = ["back_neck_shoulder", "tmj", "none", "carpal_tunnel"];
            let candidates: Vec<Candidate<u8>> = input
                .iter()
                .map(|(client, group, band, sex)| Candidate {
                    client: *client,
                    row: OutcomeRow {
                        quasi: QuasiIdentifiers {
                            condition_group: groups[usize::from(*group)].into(),
                            age_band: format!("{}-{}", band * 5, band * 5 + 4),
                            sex: if *sex == 0 { String::new() } else { "female".into() },
                        },
                        instrument: "nprs".into(),
                        score: client.to_string(),
                        days_since_baseline: 0,
                        sessions_attended: 0,
                    },
                })
                .collect();
            let out = k_anonymise(candidates.clone(), k);
            prop_assert_eq!(out.rows.len() + out.suppressed, candidates.len());
            let mut kept_clients: BTreeMap<&QuasiIdentifiers, BTreeSet<u8>> = BTreeMap::new();
            for kept in &out.rows {
                prop_assert!(candidates.iter().any(|c| &c.row == kept));
                for c in candidates.iter().filter(|c| &c.row == kept) {
                    kept_clients.entry(&kept.quasi).or_default().insert(c.client);
                }
            }
            for (quasi, clients) in &kept_clients {
                let all: BTreeSet<u8> = candidates.iter().filter(|c| &c.row.quasi == *quasi).map(|c| c.client).collect();
                prop_assert!(all.len() >= k, "{:?} has {} clients", quasi, all.len());
                prop_assert!(!clients.is_empty());
            }
            // Nothing that could be kept was suppressed.
            let mut by_group: BTreeMap<&QuasiIdentifiers, BTreeSet<u8>> = BTreeMap::new();
            for c in &candidates {
                by_group.entry(&c.row.quasi).or_default().insert(c.client);
            }
            let keepable: usize = candidates.iter().filter(|c| by_group[&c.row.quasi].len() >= k).count();
            prop_assert_eq!(keepable, out.rows.len());
        }
    }
}
