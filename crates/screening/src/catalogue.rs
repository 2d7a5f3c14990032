//! The screening data: `data/screening-rules.toml`, compiled in, parsed and
//! checked once on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::urgency::{AdviceTable, Urgency};

const SCREENING_RULES_TOML: &str = include_str!("../data/screening-rules.toml");

/// The only placeholder a text may hold: the labels of the named areas.
pub(crate) const SITES_PLACEHOLDER: &str = "{sites}";

/// What a yes (to a question, or to every condition of a rule) leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Refer to a physician before treatment.
    Refer,
    /// Treat, with a precaution.
    Precaution,
    /// Nothing on its own; the answer only matters in a [`Rule`].
    Context,
}

/// One screening question, as the intake form asks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Question {
    /// Stable snake_case id, stored with the intake.
    pub id: String,
    /// The short question, in the project's own words.
    pub label: String,
    /// What counts, with examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A yes must name the body areas concerned.
    #[serde(default)]
    pub asks_site: bool,
    /// The earlier question this one follows up: it may be answered yes only
    /// together with a yes to that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    /// What a yes leads to.
    pub outcome: Effect,
    /// How soon a refer must happen (required for [`Effect::Refer`], absent
    /// otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// Derived: the urgency is same day or emergency. Kept in the JSON for
    /// readers of the form before urgency levels; never read from the data.
    #[serde(default, skip_deserializing)]
    pub urgent: bool,
    /// Why, for the therapist (absent for [`Effect::Context`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What to do differently (required for [`Effect::Precaution`]; for a
    /// refer, what applies once the client is cleared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precaution: Option<String>,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

/// A combination of answers (and [`Fact`]s) with an outcome of its own. It
/// fires when every id of `when_all` and (if `when_any` is not empty) at
/// least one of `when_any` holds: a question answered yes, or a fact that
/// holds. There is no negation, so a rule that fires keeps firing when more
/// questions are answered yes, more conditions are given or the age is higher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Stable snake_case id.
    pub id: String,
    /// Questions or facts that must all hold.
    pub when_all: Vec<String>,
    /// Questions or facts of which at least one must hold (or empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when_any: Vec<String>,
    /// What the combination leads to (never [`Effect::Context`]).
    pub outcome: Effect,
    /// How soon a refer must happen (required for a refer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// Derived, as for [`Question::urgent`].
    #[serde(default, skip_deserializing)]
    pub urgent: bool,
    /// Why, for the therapist.
    pub reason: String,
    /// What to do differently, for now or once cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precaution: Option<String>,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

/// Something the intake itself says (its conditions, the client's age),
/// usable in a [`Rule`] like a question. It holds when any of its intake
/// conditions is given, any of its questions is answered yes, or the client
/// is at least `min_age` years old.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Fact {
    /// Stable snake_case id, in the namespace of question and rule ids.
    pub id: String,
    /// What it means, for the therapist.
    pub label: String,
    /// Intake condition ids (the domain's `CONDITIONS`) that establish it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Question ids whose yes establishes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    /// The age in years from which it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
}

/// One id a rule names: a question or a fact, resolved to its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Term {
    Question(usize),
    Fact(usize),
}

/// The compiled-in data is malformed. Only the tests (and the one-time load)
/// meet this: it is a build defect, not an input error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("screening-rules.toml: {}", .0.join("; "))]
pub struct DataError(pub Vec<String>);

/// The parsed and checked data, with question ids resolved to indexes.
#[derive(Debug)]
pub(crate) struct Catalogue {
    pub(crate) suitable_reason: String,
    pub(crate) advice: AdviceTable,
    pub(crate) questions: Vec<Question>,
    pub(crate) facts: Vec<Fact>,
    /// Per fact: the indexes of the questions that establish it.
    pub(crate) fact_questions: Vec<Vec<usize>>,
    pub(crate) rules: Vec<Rule>,
    /// Per rule: the terms of `when_all` and of `when_any`.
    pub(crate) rule_conditions: Vec<(Vec<Term>, Vec<Term>)>,
    /// Per question: index of the question it follows.
    pub(crate) follows: Vec<Option<usize>>,
    by_id: HashMap<String, usize>,
}

impl Catalogue {
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Parses and checks the whole file, reporting every problem found.
    pub(crate) fn parse(text: &str) -> Result<Self, DataError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            suitable_reason: String,
            urgency: AdviceTable,
            #[serde(default)]
            question: Vec<Question>,
            #[serde(default)]
            fact: Vec<Fact>,
            #[serde(default)]
            rule: Vec<Rule>,
        }
        let mut file: File = toml::from_str(text).map_err(|e| DataError(vec![e.to_string()]))?;
        let mut problems = Vec::new();
        check_text(&mut problems, "suitable_reason", Some(&file.suitable_reason), false);
        for (level, advice) in [
            ("emergency", &file.urgency.emergency),
            ("same_day", &file.urgency.same_day),
            ("routine", &file.urgency.routine),
        ] {
            for (field, text) in [
                ("label", &advice.label),
                ("action", &advice.action),
                ("tell_client", &advice.tell_client),
            ] {
                check_text(&mut problems, &format!("urgency.{level}.{field}"), Some(text), false);
            }
        }
        if file.question.is_empty() {
            problems.push("no questions".to_owned());
        }

        let mut by_id = HashMap::with_capacity(file.question.len());
        let mut follows = Vec::with_capacity(file.question.len());
        for (index, q) in file.question.iter().enumerate() {
            let at = format!("question \"{}\"", q.id);
            check_id(&mut problems, &at, &q.id);
            if by_id.insert(q.id.clone(), index).is_some() {
                problems.push(format!("{at}: duplicate id"));
            }
            check_text(&mut problems, &format!("{at}.label"), Some(&q.label), false);
            if q.help.is_some() {
                check_text(&mut problems, &format!("{at}.help"), q.help.as_ref(), false);
            }
            check_sources(&mut problems, &at, &q.sources);
            // Earlier questions only: no cycles, and the parent is asked first.
            follows.push(q.follows.as_ref().and_then(|parent| match by_id.get(parent) {
                Some(&p) if p != index => Some(p),
                _ => {
                    problems.push(format!("{at}.follows: \"{parent}\" is not an earlier question"));
                    None
                }
            }));
            match q.outcome {
                Effect::Context => {
                    if q.reason.is_some() || q.precaution.is_some() {
                        problems.push(format!("{at}: a context question has no reason or precaution"));
                    }
                    if q.asks_site {
                        problems.push(format!("{at}: a context question cannot ask for sites"));
                    }
                }
                Effect::Refer => check_text(&mut problems, &format!("{at}.reason"), q.reason.as_ref(), q.asks_site),
                Effect::Precaution => {
                    check_text(&mut problems, &format!("{at}.reason"), q.reason.as_ref(), q.asks_site);
                    check_text(
                        &mut problems,
                        &format!("{at}.precaution"),
                        q.precaution.as_ref(),
                        q.asks_site,
                    );
                }
            }
            if q.outcome != Effect::Precaution && q.precaution.is_some() {
                check_text(
                    &mut problems,
                    &format!("{at}.precaution"),
                    q.precaution.as_ref(),
                    q.asks_site,
                );
            }
            check_urgency(&mut problems, &at, q.outcome, q.urgency);
            if q.asks_site && !q.precaution.as_deref().is_some_and(|p| p.contains(SITES_PLACEHOLDER)) {
                problems.push(format!(
                    "{at}: asks for sites, so its precaution must name them with {{sites}}"
                ));
            }
        }

        let mut used = vec![false; file.question.len()];
        let mut fact_by_id: HashMap<String, usize> = HashMap::with_capacity(file.fact.len());
        let mut fact_questions = Vec::with_capacity(file.fact.len());
        let known_conditions: Vec<&str> = myomap_domain::record::CONDITIONS.iter().map(|(id, _)| *id).collect();
        for (index, fact) in file.fact.iter().enumerate() {
            let at = format!("fact \"{}\"", fact.id);
            check_id(&mut problems, &at, &fact.id);
            if fact_by_id.insert(fact.id.clone(), index).is_some() || by_id.contains_key(&fact.id) {
                problems.push(format!(
                    "{at}: duplicate id (question, fact and rule ids share one namespace)"
                ));
            }
            check_text(&mut problems, &format!("{at}.label"), Some(&fact.label), false);
            for condition in &fact.conditions {
                if !known_conditions.contains(&condition.as_str()) {
                    problems.push(format!("{at}.conditions: unknown intake condition \"{condition}\""));
                }
            }
            let mut established = Vec::new();
            for id in &fact.questions {
                match by_id.get(id) {
                    Some(&i) => {
                        used[i] = true;
                        established.push(i);
                    }
                    None => problems.push(format!("{at}.questions: unknown question \"{id}\"")),
                }
            }
            if fact.conditions.is_empty() && fact.questions.is_empty() && fact.min_age.is_none() {
                problems.push(format!("{at}: give conditions, questions or min_age"));
            }
            fact_questions.push(established);
        }

        let mut rule_ids = HashMap::with_capacity(file.rule.len());
        let mut rule_conditions = Vec::with_capacity(file.rule.len());
        for rule in &file.rule {
            let at = format!("rule \"{}\"", rule.id);
            check_id(&mut problems, &at, &rule.id);
            if rule_ids.insert(rule.id.clone(), ()).is_some()
                || by_id.contains_key(&rule.id)
                || fact_by_id.contains_key(&rule.id)
            {
                problems.push(format!(
                    "{at}: duplicate id (question, fact and rule ids share one namespace)"
                ));
            }
            let mut resolve = |field: &str, ids: &[String]| -> Vec<Term> {
                ids.iter()
                    .filter_map(|id| match (by_id.get(id), fact_by_id.get(id)) {
                        (Some(&i), _) => Some(Term::Question(i)),
                        (None, Some(&f)) => Some(Term::Fact(f)),
                        (None, None) => {
                            problems.push(format!("{at}.{field}: unknown question or fact \"{id}\""));
                            None
                        }
                    })
                    .collect()
            };
            let all = resolve("when_all", &rule.when_all);
            let any = resolve("when_any", &rule.when_any);
            if !all.iter().chain(&any).any(|t| matches!(t, Term::Question(_))) {
                problems.push(format!(
                    "{at}: name at least one question (the intake's conditions and age alone never refer)"
                ));
            }
            let mut named: Vec<Term> = all.iter().chain(&any).copied().collect();
            named.sort_unstable();
            let count = named.len();
            named.dedup();
            if named.len() != count {
                problems.push(format!("{at}: a question is named twice"));
            }
            if rule.when_all.is_empty() {
                problems.push(format!("{at}.when_all: name at least one question"));
            }
            if rule.when_any.len() == 1 {
                problems.push(format!("{at}.when_any: one question is a when_all condition"));
            }
            if rule.when_all.len() + rule.when_any.len() < 2 {
                problems.push(format!("{at}: a rule combines at least two answers"));
            }
            for term in &named {
                if let Term::Question(i) = *term {
                    used[i] = true;
                }
            }
            let sites_allowed = all
                .iter()
                .any(|t| matches!(*t, Term::Question(i) if file.question[i].asks_site));
            match rule.outcome {
                Effect::Context => problems.push(format!("{at}.outcome: must be refer or precaution")),
                Effect::Precaution if rule.precaution.is_none() => {
                    problems.push(format!("{at}.precaution: required for a precaution"));
                }
                _ => {}
            }
            check_text(
                &mut problems,
                &format!("{at}.reason"),
                Some(&rule.reason),
                sites_allowed,
            );
            if rule.precaution.is_some() {
                check_text(
                    &mut problems,
                    &format!("{at}.precaution"),
                    rule.precaution.as_ref(),
                    sites_allowed,
                );
            }
            check_urgency(&mut problems, &at, rule.outcome, rule.urgency);
            check_sources(&mut problems, &at, &rule.sources);
            rule_conditions.push((all, any));
        }

        for (q, used) in file.question.iter().zip(&used) {
            if q.outcome == Effect::Context && !used {
                problems.push(format!(
                    "question \"{}\": a context question must be used by a rule or a fact",
                    q.id
                ));
            }
        }

        if !problems.is_empty() {
            return Err(DataError(problems));
        }
        for q in &mut file.question {
            q.urgent = q.urgency.is_some_and(Urgency::is_urgent);
        }
        for rule in &mut file.rule {
            rule.urgent = rule.urgency.is_some_and(Urgency::is_urgent);
        }
        Ok(Catalogue {
            suitable_reason: file.suitable_reason,
            advice: file.urgency,
            questions: file.question,
            facts: file.fact,
            fact_questions,
            rules: file.rule,
            rule_conditions,
            follows,
            by_id,
        })
    }
}

/// A refer names its urgency; nothing else has one.
fn check_urgency(problems: &mut Vec<String>, at: &str, outcome: Effect, urgency: Option<Urgency>) {
    match (outcome, urgency) {
        (Effect::Refer, None) => problems.push(format!(
            "{at}.urgency: a refer needs one (emergency, same_day or routine)"
        )),
        (Effect::Precaution | Effect::Context, Some(_)) => {
            problems.push(format!("{at}.urgency: only a refer has an urgency"));
        }
        _ => {}
    }
}

fn check_id(problems: &mut Vec<String>, at: &str, id: &str) {
    let snake = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.ends_with('_')
        && !id.contains("__");
    if !snake {
        problems.push(format!("{at}: id must be snake_case"));
    }
}

fn check_sources(problems: &mut Vec<String>, at: &str, sources: &[String]) {
    if sources.is_empty() {
        problems.push(format!("{at}.sources: at least one source"));
    }
    for source in sources {
        check_text(problems, &format!("{at}.sources"), Some(source), false);
    }
}

/// A text must be present, non-blank and trimmed; its only placeholder is
/// `{sites}`, and only where sites are known.
fn check_text(problems: &mut Vec<String>, at: &str, text: Option<&String>, sites_allowed: bool) {
    let Some(text) = text else {
        problems.push(format!("{at}: missing"));
        return;
    };
    if text.trim().is_empty() {
        problems.push(format!("{at}: empty"));
    } else if text.trim() != text {
        problems.push(format!("{at}: leading or trailing space"));
    }
    let rest = text.replace(SITES_PLACEHOLDER, "");
    if rest.contains(['{', '}']) {
        problems.push(format!("{at}: the only placeholder is {{sites}}"));
    }
    if !sites_allowed && rest.len() != text.len() {
        problems.push(format!("{at}: {{sites}} where no sites are asked for"));
    }
}

pub(crate) fn catalogue() -> &'static Catalogue {
    static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        Catalogue::parse(SCREENING_RULES_TOML).expect("compiled-in screening-rules.toml is valid")
    });
    &CATALOGUE
}

/// Every screening question, in the order the intake asks them.
pub fn questions() -> &'static [Question] {
    &catalogue().questions
}

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    let catalogue = catalogue();
    catalogue.index_of(id).map(|i| &catalogue.questions[i])
}

/// Every combination rule, in data order.
pub fn rules() -> &'static [Rule] {
    &catalogue().rules
}

/// Every fact the intake itself can establish, in data order.
pub fn facts() -> &'static [Fact] {
    &catalogue().facts
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn compiled_data_parses() {
        Catalogue::parse(SCREENING_RULES_TOML).unwrap();
        assert!(questions().len() >= 40);
        assert!(rules().len() >= 15);
        assert!(facts().len() >= 4);
    }

    #[test]
    fn ids_are_unique_and_snake_case() {
        let mut seen = HashSet::new();
        for id in questions()
            .iter()
            .map(|q| &q.id)
            .chain(rules().iter().map(|r| &r.id))
            .chain(facts().iter().map(|f| &f.id))
        {
            assert!(seen.insert(id.as_str()), "duplicate id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{id}"
            );
        }
    }

    #[test]
    fn every_rule_names_existing_questions() {
        for rule in rules() {
            assert!(rule.when_all.len() + rule.when_any.len() >= 2, "{}", rule.id);
            for id in rule.when_all.iter().chain(&rule.when_any) {
                assert!(
                    question(id).is_some() || facts().iter().any(|f| &f.id == id),
                    "rule {} names unknown {id}",
                    rule.id
                );
            }
            assert!(
                rule.when_all
                    .iter()
                    .chain(&rule.when_any)
                    .any(|id| question(id).is_some()),
                "rule {} names no question",
                rule.id
            );
        }
        for q in questions() {
            if let Some(parent) = &q.follows {
                assert!(question(parent).is_some(), "{} follows unknown {parent}", q.id);
            }
        }
    }

    #[test]
    fn every_entry_has_sources() {
        for (id, sources) in questions()
            .iter()
            .map(|q| (&q.id, &q.sources))
            .chain(rules().iter().map(|r| (&r.id, &r.sources)))
        {
            assert!(!sources.is_empty(), "{id} has no source");
            assert!(sources.iter().all(|s| !s.trim().is_empty()), "{id} has a blank source");
        }
    }

    #[test]
    fn every_outcome_has_its_texts() {
        for q in questions() {
            match q.outcome {
                Effect::Refer => assert!(q.reason.as_deref().is_some_and(|r| !r.is_empty()), "{}", q.id),
                Effect::Precaution => {
                    assert!(q.reason.as_deref().is_some_and(|r| !r.is_empty()), "{}", q.id);
                    assert!(q.precaution.as_deref().is_some_and(|p| !p.is_empty()), "{}", q.id);
                }
                Effect::Context => {
                    assert!(q.reason.is_none() && q.precaution.is_none(), "{}", q.id);
                    assert!(
                        rules()
                            .iter()
                            .any(|r| r.when_all.contains(&q.id) || r.when_any.contains(&q.id))
                            || facts().iter().any(|f| f.questions.contains(&q.id))
                    );
                }
            }
            assert!(!q.label.is_empty() && q.label.len() <= 120, "{} label", q.id);
        }
        for rule in rules() {
            assert!(!rule.reason.is_empty(), "{}", rule.id);
            assert_ne!(rule.outcome, Effect::Context, "{}", rule.id);
        }
    }

    #[test]
    fn placeholders_only_where_sites_are_asked() {
        for q in questions() {
            for text in [&q.reason, &q.precaution].into_iter().flatten() {
                assert!(q.asks_site || !text.contains(SITES_PLACEHOLDER), "{}", q.id);
                assert!(!text.replace(SITES_PLACEHOLDER, "").contains(['{', '}']), "{}", q.id);
            }
            if q.asks_site {
                assert!(q.precaution.as_deref().unwrap().contains(SITES_PLACEHOLDER), "{}", q.id);
            }
        }
        for rule in rules() {
            let sited = rule.when_all.iter().any(|id| question(id).is_some_and(|q| q.asks_site));
            for text in std::iter::once(&rule.reason).chain(&rule.precaution) {
                assert!(sited || !text.contains(SITES_PLACEHOLDER), "{}", rule.id);
            }
        }
    }

    #[test]
    fn the_brief_s_conditions_are_covered() {
        for id in [
            "dvt_signs",
            "fever_or_acute_infection",
            "recent_fracture_or_surgery",
            "anticoagulants",
            "cancer_active",
            "cancer_history",
            "severe_osteoporosis",
            "pregnancy",
            "bowel_bladder_change",
            "saddle_numbness",
            "back_pain",
            "unexplained_weight_loss",
            "progressive_weakness_or_numbness",
            "skin_lesion_at_site",
            "recent_head_or_neck_injury",
            "dizziness_or_visual_changes",
            "uncontrolled_high_blood_pressure",
            "diabetes_neuropathy",
            "bleeding_disorder",
            "varicose_veins_at_site",
            "kidney_disease",
            "recent_heart_attack_or_stroke",
            "local_inflammation_at_site",
        ] {
            assert!(question(id).is_some(), "{id}");
        }
        let sited: Vec<&str> = questions()
            .iter()
            .filter(|q| q.asks_site)
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(
            sited,
            [
                "recent_fracture_or_surgery",
                "skin_lesion_at_site",
                "varicose_veins_at_site",
                "local_inflammation_at_site"
            ]
        );
    }

    fn problems(text: &str) -> Vec<String> {
        match Catalogue::parse(text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(DataError(problems)) => problems,
        }
    }

    const HEADER: &str = "suitable_reason = \"Fine.\"\n\
        [urgency.emergency]\nlabel = \"E\"\naction = \"A\"\ntell_client = \"T\"\n\
        [urgency.same_day]\nlabel = \"S\"\naction = \"A\"\ntell_client = \"T\"\n\
        [urgency.routine]\nlabel = \"R\"\naction = \"A\"\ntell_client = \"T\"\n";

    fn question_toml(id: &str, extra: &str) -> String {
        format!(
            "[[question]]\nid = \"{id}\"\nlabel = \"L\"\noutcome = \"precaution\"\nreason = \"R\"\n\
             precaution = \"P\"\nsources = [\"S\"]\n{extra}\n"
        )
    }

    fn assert_problem(text: &str, needle: &str) {
        let found = problems(text);
        assert!(found.iter().any(|p| p.contains(needle)), "{needle:?} not in {found:?}");
    }

    #[test]
    fn malformed_data_is_refused_with_the_problem_named() {
        let ok = format!("{HEADER}{}", question_toml("a", ""));
        assert!(Catalogue::parse(&ok).is_ok());

        assert_problem(
            &format!("{HEADER}{}{}", question_toml("a", ""), question_toml("a", "")),
            "duplicate id",
        );
        assert_problem(&format!("{HEADER}{}", question_toml("Bad-Id", "")), "snake_case");
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "")).replace("[\"S\"]", "[]"),
            "source",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "")).replace("\"P\"", "\" \""),
            "empty",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "")).replace("\"P\"", "\"Avoid {sites}.\""),
            "no sites are asked",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "asks_site = true")).replace("\"P\"", "\"Avoid {site}.\""),
            "only placeholder",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "asks_site = true")),
            "must name them",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "urgency = \"routine\"")),
            "only a refer has an urgency",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "urgent = true")),
            "unknown field",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "")).replace("\"precaution\"\nreason", "\"refer\"\nreason"),
            "a refer needs one",
        );
        assert_problem(
            &HEADER.replace("tell_client = \"T\"\n[urgency.routine]", "[urgency.routine]"),
            "missing field `tell_client`",
        );
        assert_problem(
            &format!("{HEADER}{}", question_toml("a", "follows = \"b\"")),
            "not an earlier question",
        );
        let context = "[[question]]\nid = \"c\"\nlabel = \"L\"\noutcome = \"context\"\nsources = [\"S\"]\n";
        assert_problem(&format!("{HEADER}{context}"), "must be used by a rule");
        let fact = |body: &str| {
            format!(
                "{HEADER}{}[[fact]]\nid = \"f\"\nlabel = \"L\"\n{body}\n",
                question_toml("a", "")
            )
        };
        assert!(Catalogue::parse(&fact("conditions = [\"sciatica\"]")).is_ok());
        assert_problem(&fact("conditions = [\"gout\"]"), "unknown intake condition \"gout\"");
        assert_problem(&fact("questions = [\"zz\"]"), "unknown question \"zz\"");
        assert_problem(&fact(""), "give conditions, questions or min_age");
        assert_problem(
            &format!(
                "{}[[rule]]\nid = \"r\"\nwhen_all = [\"f\", \"g\"]\noutcome = \"refer\"\nurgency = \"routine\"\nreason = \"R\"\nsources = [\"S\"]\n",
                fact("min_age = 50\n[[fact]]\nid = \"g\"\nlabel = \"G\"\nmin_age = 60")
            ),
            "name at least one question",
        );

        let rule = |body: &str| {
            format!(
                "{HEADER}{}{context}[[rule]]\nid = \"r\"\n{body}\n",
                question_toml("a", "")
            )
        };
        let good =
            "when_all = [\"a\", \"c\"]\noutcome = \"refer\"\nurgency = \"routine\"\nreason = \"R\"\nsources = [\"S\"]";
        assert!(Catalogue::parse(&rule(good)).is_ok());
        assert_problem(
            &rule(&good.replace("\"c\"]", "\"x\"]")),
            "unknown question or fact \"x\"",
        );
        assert_problem(&rule(&good.replace("\"a\", \"c\"", "\"a\", \"a\"")), "named twice");
        assert_problem(&rule(&good.replace("\"a\", \"c\"", "\"c\"")), "at least two answers");
        assert_problem(&rule(&good.replace("\"R\"", "\"At {sites}.\"")), "no sites are asked");
        assert_problem(
            &rule(&good.replace("\"refer\"", "\"context\"")),
            "must be refer or precaution",
        );
        assert_problem(
            &rule(&good.replace("sources = [\"S\"]", "sources = []")),
            "at least one source",
        );
        assert_problem(&format!("{ok}unknown_key = 1\n"), "unknown field");
    }
}
