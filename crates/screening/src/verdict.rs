//! The verdict of a screening and how it is reached.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use myomap_domain::AreaSite;
use serde::{Deserialize, Serialize};

use crate::answers::ScreeningAnswers;
use crate::catalogue::{Effect, SITES_PLACEHOLDER, catalogue};

/// The one outcome of a screening, ordered by severity:
/// `Suitable < SuitableWithPrecautions < ReferFirst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing reported that changes the treatment.
    Suitable,
    /// Treat, following the listed precautions.
    SuitableWithPrecautions,
    /// Refer to a physician before treatment.
    ReferFirst,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Suitable => "suitable",
            Outcome::SuitableWithPrecautions => "suitable_with_precautions",
            Outcome::ReferFirst => "refer_first",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the verdict is what it is: one per answered question with an outcome,
/// one per rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// What this reason alone leads to.
    pub outcome: Outcome,
    /// A refer that cannot wait: medical assessment today.
    pub urgent: bool,
    /// The explanation for the therapist, with the named areas filled in.
    pub text: String,
    /// The questions answered yes that led here (empty for "suitable").
    pub questions: Vec<String>,
    /// The combination rule that fired, if this reason is one.
    pub rule: Option<String>,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

/// The result of a screening: one outcome, always with its reasons.
///
/// Refer dominates precautions, but the precautions are still listed with a
/// refer so the therapist has them for the session after clearance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Some reason is urgent: send for medical assessment today.
    pub urgent: bool,
    /// Never empty. Most severe first (urgent refers, refers, precautions);
    /// within one severity, rules that fired before single answers, each in
    /// data order.
    pub reasons: Vec<Reason>,
    /// What to do differently, without duplicates, questions in form order
    /// then rules in data order.
    pub precautions: Vec<String>,
}

impl Verdict {
    /// The ids of every question that contributed a reason.
    pub fn question_ids(&self) -> BTreeSet<&str> {
        self.reasons
            .iter()
            .flat_map(|r| r.questions.iter().map(String::as_str))
            .collect()
    }
}

/// Screens the answers: the most severe outcome reached by any answered
/// question or any combination rule, with every reason and precaution.
pub fn screen(answers: &ScreeningAnswers) -> Verdict {
    let catalogue = catalogue();
    let yes = answers.by_index();
    let mut reasons = Vec::new();
    let mut precautions: Vec<String> = Vec::new();
    let mut add_precaution = |text: String| {
        if !precautions.contains(&text) {
            precautions.push(text);
        }
    };

    for (&index, sites) in yes {
        let question = &catalogue.questions[index];
        let Some(outcome) = outcome_of(question.outcome) else {
            continue;
        };
        if let Some(text) = &question.reason {
            reasons.push(Reason {
                outcome,
                urgent: question.urgent,
                text: fill(text, sites),
                questions: vec![question.id.clone()],
                rule: None,
                sources: question.sources.clone(),
            });
        }
        if let Some(text) = &question.precaution {
            add_precaution(fill(text, sites));
        }
    }

    for (rule, (all, any)) in catalogue.rules.iter().zip(&catalogue.rule_conditions) {
        let fires =
            all.iter().all(|i| yes.contains_key(i)) && (any.is_empty() || any.iter().any(|i| yes.contains_key(i)));
        let Some(outcome) = outcome_of(rule.outcome).filter(|_| fires) else {
            continue;
        };
        let named: Vec<usize> = all.iter().chain(any).copied().filter(|i| yes.contains_key(i)).collect();
        let sites: BTreeSet<AreaSite> = named.iter().filter_map(|i| yes.get(i)).flatten().copied().collect();
        reasons.push(Reason {
            outcome,
            urgent: rule.urgent,
            text: fill(&rule.reason, &sites),
            questions: named.iter().map(|&i| catalogue.questions[i].id.clone()).collect(),
            rule: Some(rule.id.clone()),
            sources: rule.sources.clone(),
        });
        if let Some(text) = &rule.precaution {
            add_precaution(fill(text, &sites));
        }
    }

    // Most severe first; within one severity a combination (the more specific
    // finding) before single answers; otherwise data order (the sort is stable).
    reasons.sort_by_key(|r| (Reverse(r.outcome), Reverse(r.urgent), r.rule.is_none()));
    let outcome = reasons.iter().map(|r| r.outcome).max().unwrap_or(Outcome::Suitable);
    if reasons.is_empty() {
        reasons.push(Reason {
            outcome: Outcome::Suitable,
            urgent: false,
            text: catalogue.suitable_reason.clone(),
            questions: Vec::new(),
            rule: None,
            sources: Vec::new(),
        });
    }
    Verdict {
        outcome,
        urgent: reasons.iter().any(|r| r.urgent),
        reasons,
        precautions,
    }
}

fn outcome_of(effect: Effect) -> Option<Outcome> {
    match effect {
        Effect::Refer => Some(Outcome::ReferFirst),
        Effect::Precaution => Some(Outcome::SuitableWithPrecautions),
        Effect::Context => None,
    }
}

/// Replaces `{sites}` with the labels of the areas: "Calf (left)",
/// "Calf (left) and Calf (right)", "A, B and C".
fn fill(text: &str, sites: &BTreeSet<AreaSite>) -> String {
    if !text.contains(SITES_PLACEHOLDER) {
        return text.to_owned();
    }
    text.replace(SITES_PLACEHOLDER, &join_labels(sites))
}

fn join_labels(sites: &BTreeSet<AreaSite>) -> String {
    let labels: Vec<String> = sites.iter().map(|s| s.label()).collect();
    match labels.split_last() {
        None => "the named area".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
