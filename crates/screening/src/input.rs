//! Everything the screening looks at: the intake's conditions (its reason
//! for visit), the client's age and the yes answers.

use std::collections::BTreeSet;

use myomap_domain::{AreaSite, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::answers::{ScreeningAnswers, shown};

/// The oldest age accepted, in years.
pub const MAX_AGE: u32 = 130;

/// The screening's whole input, valid by construction: every condition is
/// an intake condition id (the domain's `CONDITIONS`), named once; the age,
/// when known, is at most [`MAX_AGE`] years; the answers are valid
/// [`ScreeningAnswers`].
///
/// JSON form (both ways; every key optional when reading):
/// `{"conditions":["sciatica"],"age":52,"answers":[{"question":"bowel_bladder_change"}]}`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScreeningRequest", into = "ScreeningRequest")]
pub struct ScreeningInput {
    conditions: BTreeSet<String>,
    age: Option<u32>,
    answers: ScreeningAnswers,
}

/// The unvalidated JSON form of a [`ScreeningInput`], as the CLI and the API
/// read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRequest {
    /// Intake condition ids (the reason for visit).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// The client's age in whole years, if known.
    #[serde(default)]
    pub age: Option<u32>,
    /// The questions answered yes.
    #[serde(default)]
    pub answers: Vec<Answer>,
}

/// One question answered yes, with the body areas it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<AreaSite>,
}

impl ScreeningInput {
    /// Validates conditions and age (problems reported against
    /// `conditions[i]` and `age`) around answers already validated.
    pub fn new<S: AsRef<str>>(
        conditions: impl IntoIterator<Item = S>,
        age: Option<u32>,
        answers: ScreeningAnswers,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let (conditions, age) = check(&mut errors, conditions, age);
        errors.into_result(ScreeningInput {
            conditions,
            age,
            answers,
        })
    }

    /// Answers alone: no condition given, age unknown.
    pub fn from_answers(answers: ScreeningAnswers) -> Self {
        ScreeningInput {
            answers,
            ..Self::default()
        }
    }

    pub fn conditions(&self) -> &BTreeSet<String> {
        &self.conditions
    }

    pub fn age(&self) -> Option<u32> {
        self.age
    }

    pub fn answers(&self) -> &ScreeningAnswers {
        &self.answers
    }
}

impl From<ScreeningAnswers> for ScreeningInput {
    fn from(answers: ScreeningAnswers) -> Self {
        ScreeningInput::from_answers(answers)
    }
}

fn check<S: AsRef<str>>(
    errors: &mut ValidationErrors,
    conditions: impl IntoIterator<Item = S>,
    age: Option<u32>,
) -> (BTreeSet<String>, Option<u32>) {
    let known = myomap_domain::record::CONDITIONS;
    let mut seen = BTreeSet::new();
    for (i, condition) in conditions.into_iter().enumerate() {
        let condition = condition.as_ref();
        let field = format!("conditions[{i}]");
        if !known.iter().any(|(id, _)| *id == condition) {
            errors.add(field, format!("unknown condition \"{}\"", shown(condition)));
        } else if !seen.insert(condition.to_owned()) {
            errors.add(field, format!("condition \"{condition}\" is named more than once"));
        }
    }
    if let Some(years) = age.filter(|&a| a > MAX_AGE) {
        errors.add("age", format!("{years} is not an age in years (0-{MAX_AGE})"));
    }
    (seen, age)
}

impl TryFrom<ScreeningRequest> for ScreeningInput {
    type Error = ValidationErrors;

    /// Every problem at once, each named by its field.
    fn try_from(request: ScreeningRequest) -> Result<Self, Self::Error> {
        let mut errors = ValidationErrors::default();
        let (conditions, age) = check(&mut errors, &request.conditions, request.age);
        let answers = match ScreeningAnswers::new(request.answers.into_iter().map(|a| (a.question, a.sites))) {
            Ok(answers) => answers,
            Err(problems) => {
                errors.0.extend(problems.0);
                ScreeningAnswers::none()
            }
        };
        errors.into_result(ScreeningInput {
            conditions,
            age,
            answers,
        })
    }
}

impl From<ScreeningInput> for ScreeningRequest {
    fn from(input: ScreeningInput) -> Self {
        ScreeningRequest {
            conditions: input.conditions.into_iter().collect(),
            age: input.age,
            answers: input
                .answers
                .iter()
                .map(|(q, sites)| Answer {
                    question: q.id.clone(),
                    sites: sites.iter().copied().collect(),
                })
                .collect(),
        }
    }
}
