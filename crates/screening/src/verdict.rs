//! The verdict of a screening and how it is reached.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use myomap_domain::AreaSite;
use serde::{Deserialize, Serialize};

use crate::catalogue::{Effect, SITES_PLACEHOLDER, Term, catalogue};
use crate::input::ScreeningInput;
use crate::urgency::{Advice, Urgency};

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
    /// For a refer: how soon.
    pub urgency: Option<Urgency>,
    /// The urgency is same day or emergency (the flag of the form before
    /// urgency levels, still written for its readers).
    pub urgent: bool,
    /// The explanation for the therapist, with the named areas filled in.
    pub text: String,
    /// The questions answered yes that led here, directly or through a fact
    /// (empty for "suitable").
    pub questions: Vec<String>,
    /// The intake conditions that led here through a fact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// The facts (intake conditions, age) that held for the rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
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
    /// For a refer: the most urgent of its reasons' urgencies.
    pub urgency: Option<Urgency>,
    /// The urgency is same day or emergency (the flag of the form before
    /// urgency levels, still written for its readers).
    pub urgent: bool,
    /// Never empty. Most severe first (refers by urgency, then precautions);
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

    /// What to do and tell the client, for a refer.
    pub fn advice(&self) -> Option<&'static Advice> {
        self.urgency.map(Urgency::advice)
    }
}

/// Screens the input: the most severe outcome (and urgency) reached by any
/// answered question or any combination rule, with every reason and
/// precaution.
pub fn screen(input: &ScreeningInput) -> Verdict {
    let catalogue = catalogue();
    let yes = input.answers().by_index();
    // Per fact: whether it holds, and the conditions and questions behind it.
    let facts: Vec<(bool, Vec<String>, Vec<usize>)> = catalogue
        .facts
        .iter()
        .zip(&catalogue.fact_questions)
        .map(|(fact, questions)| {
            let conditions: Vec<String> = fact
                .conditions
                .iter()
                .filter(|c| input.conditions().contains(*c))
                .cloned()
                .collect();
            let answered: Vec<usize> = questions.iter().copied().filter(|i| yes.contains_key(i)).collect();
            let old_enough = fact
                .min_age
                .is_some_and(|min| input.age().is_some_and(|age| age >= min));
            (
                old_enough || !conditions.is_empty() || !answered.is_empty(),
                conditions,
                answered,
            )
        })
        .collect();
    let holds = |term: &Term| match *term {
        Term::Question(i) => yes.contains_key(&i),
        Term::Fact(f) => facts[f].0,
    };
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
                urgency: question.urgency,
                urgent: question.urgent,
                text: fill(text, sites),
                questions: vec![question.id.clone()],
                conditions: Vec::new(),
                facts: Vec::new(),
                rule: None,
                sources: question.sources.clone(),
            });
        }
        if let Some(text) = &question.precaution {
            add_precaution(fill(text, sites));
        }
    }

    for (rule, (all, any)) in catalogue.rules.iter().zip(&catalogue.rule_conditions) {
        let fires = all.iter().all(holds) && (any.is_empty() || any.iter().any(holds));
        let Some(outcome) = outcome_of(rule.outcome).filter(|_| fires) else {
            continue;
        };
        let named: Vec<Term> = all.iter().chain(any).copied().filter(holds).collect();
        // The questions behind the rule: named directly or establishing a
        // named fact, in question order, each once.
        let mut asked: BTreeSet<usize> = BTreeSet::new();
        let mut conditions: Vec<String> = Vec::new();
        let mut fact_ids: Vec<String> = Vec::new();
        for term in &named {
            match *term {
                Term::Question(i) => {
                    asked.insert(i);
                }
                Term::Fact(f) => {
                    asked.extend(facts[f].2.iter().copied());
                    for c in &facts[f].1 {
                        if !conditions.contains(c) {
                            conditions.push(c.clone());
                        }
                    }
                    fact_ids.push(catalogue.facts[f].id.clone());
                }
            }
        }
        let sites: BTreeSet<AreaSite> = named
            .iter()
            .filter_map(|t| match *t {
                Term::Question(i) => yes.get(&i),
                Term::Fact(_) => None,
            })
            .flatten()
            .copied()
            .collect();
        reasons.push(Reason {
            outcome,
            urgency: rule.urgency,
            urgent: rule.urgent,
            text: fill(&rule.reason, &sites),
            questions: asked.iter().map(|&i| catalogue.questions[i].id.clone()).collect(),
            conditions,
            facts: fact_ids,
            rule: Some(rule.id.clone()),
            sources: rule.sources.clone(),
        });
        if let Some(text) = &rule.precaution {
            add_precaution(fill(text, &sites));
        }
    }

    // Most severe first; within one severity a combination (the more specific
    // finding) before single answers; otherwise data order (the sort is stable).
    reasons.sort_by_key(|r| (Reverse(r.outcome), Reverse(r.urgency), r.rule.is_none()));
    let outcome = reasons.iter().map(|r| r.outcome).max().unwrap_or(Outcome::Suitable);
    let urgency = reasons.iter().filter_map(|r| r.urgency).max();
    if reasons.is_empty() {
        reasons.push(Reason {
            outcome: Outcome::Suitable,
            urgency: None,
            urgent: false,
            text: catalogue.suitable_reason.clone(),
            questions: Vec::new(),
            conditions: Vec::new(),
            facts: Vec::new(),
            rule: None,
            sources: Vec::new(),
        });
    }
    Verdict {
        outcome,
        urgency,
        urgent: urgency.is_some_and(Urgency::is_urgent),
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
