//! The client's yes answers to the screening questions, validated on the way
//! in.

use std::collections::{BTreeMap, BTreeSet};

use myomap_domain::{AreaSite, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::catalogue::{Question, catalogue};

/// The questions answered yes, each with the body areas it names. Valid by
/// construction: every id is a known question, a question that asks for
/// areas names at least one, no other names any, and a follow-up question is
/// answered only together with the question it follows. Questions not listed
/// were answered no.
///
/// The order of the answers and of the areas does not matter; duplicate areas
/// are merged.
///
/// JSON form (both ways):
/// `{"answers":[{"question":"anticoagulants"},{"question":"recent_fracture_or_surgery","sites":[{"area":"leg.calf","side":"left"}]}]}`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AnswersForm", into = "AnswersForm")]
pub struct ScreeningAnswers {
    /// Question index → the areas named (empty unless the question asks).
    yes: BTreeMap<usize, BTreeSet<AreaSite>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersForm {
    answers: Vec<AnswerForm>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerForm {
    question: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sites: Vec<AreaSite>,
}

/// Longest piece of an unknown id echoed back in an error message.
const SHOWN_ID_CHARS: usize = 60;

pub(crate) fn shown(id: &str) -> String {
    if id.chars().count() > SHOWN_ID_CHARS {
        let head: String = id.chars().take(SHOWN_ID_CHARS).collect();
        format!("{head}…")
    } else {
        id.to_owned()
    }
}

impl ScreeningAnswers {
    /// No question answered yes.
    pub fn none() -> Self {
        Self::default()
    }

    /// Validates the yes answers: `(question id, areas named)`. Each problem
    /// is reported against `answers[i].question` or `answers[i].sites`, `i`
    /// being the position in `yes`, and names the question.
    pub fn new<S: AsRef<str>>(yes: impl IntoIterator<Item = (S, Vec<AreaSite>)>) -> Result<Self, ValidationErrors> {
        let catalogue = catalogue();
        let mut errors = ValidationErrors::default();
        let mut answered: BTreeMap<usize, BTreeSet<AreaSite>> = BTreeMap::new();
        let mut order = Vec::new();
        for (i, (id, sites)) in yes.into_iter().enumerate() {
            let id = id.as_ref();
            let question_field = format!("answers[{i}].question");
            let sites_field = format!("answers[{i}].sites");
            let Some(index) = catalogue.index_of(id) else {
                errors.add(question_field, format!("unknown screening question \"{}\"", shown(id)));
                continue;
            };
            if answered.contains_key(&index) {
                errors.add(question_field, format!("question \"{id}\" is answered more than once"));
                continue;
            }
            let question = &catalogue.questions[index];
            if question.asks_site && sites.is_empty() {
                errors.add(
                    sites_field,
                    format!("question \"{id}\" asks where: name the area (at least one body area)"),
                );
            } else if !question.asks_site && !sites.is_empty() {
                errors.add(sites_field, format!("question \"{id}\" does not ask for body areas"));
            }
            answered.insert(index, sites.into_iter().collect());
            order.push((i, index));
        }
        for (i, index) in order {
            let Some(parent) = catalogue.follows[index] else {
                continue;
            };
            if !answered.contains_key(&parent) {
                errors.add(
                    format!("answers[{i}].question"),
                    format!(
                        "question \"{}\" follows up \"{}\": answer that one yes as well",
                        catalogue.questions[index].id, catalogue.questions[parent].id
                    ),
                );
            }
        }
        errors.into_result(ScreeningAnswers { yes: answered })
    }

    /// No question was answered yes.
    pub fn is_empty(&self) -> bool {
        self.yes.is_empty()
    }

    /// Whether the question with this id was answered yes.
    pub fn is_yes(&self, id: &str) -> bool {
        catalogue().index_of(id).is_some_and(|i| self.yes.contains_key(&i))
    }

    /// The areas named with a yes to this question (empty for a question that
    /// asks for none); `None` when it was not answered yes.
    pub fn sites(&self, id: &str) -> Option<&BTreeSet<AreaSite>> {
        catalogue().index_of(id).and_then(|i| self.yes.get(&i))
    }

    /// The yes answers in question order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Question, &BTreeSet<AreaSite>)> + '_ {
        let questions = &catalogue().questions;
        self.yes.iter().map(move |(&i, sites)| (&questions[i], sites))
    }

    pub(crate) fn by_index(&self) -> &BTreeMap<usize, BTreeSet<AreaSite>> {
        &self.yes
    }
}

impl TryFrom<AnswersForm> for ScreeningAnswers {
    type Error = ValidationErrors;

    fn try_from(form: AnswersForm) -> Result<Self, Self::Error> {
        ScreeningAnswers::new(form.answers.into_iter().map(|a| (a.question, a.sites)))
    }
}

impl From<ScreeningAnswers> for AnswersForm {
    fn from(answers: ScreeningAnswers) -> Self {
        AnswersForm {
            answers: answers
                .iter()
                .map(|(question, sites)| AnswerForm {
                    question: question.id.clone(),
                    sites: sites.iter().copied().collect(),
                })
                .collect(),
        }
    }
}
