//! Outcome questionnaires: scoring answers for storage, recording them for
//! staff (in the clinic or typed from paper) and taking a client's answers
//! through their link, each dated on the clinic's day.

use myomap_domain::ClientId;
use myomap_scoring::{Instrument, PptUnit, Ratio, ScoringError, score_items};
use myomap_store::{Actor, IssuedLink, LinkGrant, LinkPurpose, Questionnaire, ScoredAnswers, Store};
use serde_json::Value;

use crate::{ClinicError, Clock, today_in};

/// Instruments a clinic records from a form (PPT comes from the assessment's
/// findings; the QuickDASH modules are rarely used alone).
pub const RECORDED: [Instrument; 11] = [
    Instrument::Nprs,
    Instrument::Ndi,
    Instrument::Odi,
    Instrument::QuickDash,
    Instrument::BctqSss,
    Instrument::BctqFss,
    Instrument::Lefs,
    Instrument::Jfls8,
    Instrument::Psfs,
    Instrument::Acr2016Fm,
    Instrument::Ppt,
];

/// A scoring refusal in the application's terms: a field of the stored
/// input (`input.items[3]`) when one is at fault.
pub fn scoring_error(e: &ScoringError) -> ClinicError {
    match e {
        ScoringError::UnknownInstrument(_) => ClinicError::Unknown(e.to_string()),
        ScoringError::Invalid { field, .. } => {
            let message = e.to_string();
            let detail = message
                .strip_prefix(&format!("{field}: "))
                .unwrap_or(&message)
                .to_owned();
            ClinicError::field(&format!("input.{field}"), detail)
        }
        // Only a typed entry point called with the wrong instrument says
        // this: a defect here, not something the caller typed.
        ScoringError::NotApplicable { .. } => ClinicError::Internal(e.to_string()),
    }
}

/// The exact main score of a valid input, as text (`12.5` or `35/3`).
fn exact_score(instrument: Instrument, input: &Value, result: &Value) -> Option<String> {
    match instrument {
        Instrument::Ppt => {
            let trials: Vec<Ratio> = input["trials"]
                .as_array()?
                .iter()
                .map(|t| t.to_string().parse().ok())
                .collect::<Option<_>>()?;
            let unit = if input["unit"] == "kpa" {
                PptUnit::Kpa
            } else {
                PptUnit::KgCm2
            };
            Some(myomap_scoring::ppt(&trials, unit).ok()?.exact_kg_cm2.to_string())
        }
        // Fibromyalgia severity is a whole number.
        Instrument::Acr2016Fm => result.get("fs").map(Value::to_string),
        Instrument::Nprs => input["value"].as_u64().map(|v| v.to_string()),
        _ => {
            let answers: Vec<Option<u8>> = input["items"]
                .as_array()?
                .iter()
                .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect();
            score_items(instrument, &answers).ok()?.score.map(|s| s.to_string())
        }
    }
}

/// Scores answers with the scoring crate and packs them for storage.
pub fn score(instrument: &str, taken_on: &str, input: &Value) -> Result<ScoredAnswers, ClinicError> {
    let parsed: Instrument = instrument.parse().map_err(|e: ScoringError| scoring_error(&e))?;
    if taken_on.len() != 10 || taken_on.parse::<jiff::civil::Date>().is_err() {
        return Err(ClinicError::field(
            "taken_on",
            format!("\"{taken_on}\" is not a date in the form YYYY-MM-DD"),
        ));
    }
    let result = myomap_scoring::score_json(instrument, input).map_err(|e| scoring_error(&e))?;
    let valid = result.get("valid").and_then(Value::as_bool).unwrap_or(true);
    Ok(ScoredAnswers {
        instrument: parsed.as_str().to_owned(),
        taken_on: taken_on.to_owned(),
        input: input.clone(),
        score: valid.then(|| exact_score(parsed, input, &result)).flatten(),
        result,
    })
}

/// Answers as a face received them, before scoring.
pub struct Answers<'a> {
    pub instrument: &'a str,
    /// The scoring input (as for `POST /api/v1/score/{instrument}`).
    pub input: Value,
    /// PSFS activity names typed beside the ratings: kept with the input,
    /// never scored (the scoring input takes ratings only).
    pub activities: Option<Value>,
}

fn scored(answers: Answers<'_>, taken_on: &str) -> Result<ScoredAnswers, ClinicError> {
    let mut scored = score(answers.instrument, taken_on, &answers.input)?;
    if let Some(activities) = answers.activities {
        scored.input["activities"] = activities;
    }
    Ok(scored)
}

/// Scores and stores a questionnaire answered in the clinic or on paper
/// (`source`), taken on `taken_on` or, without one, the clinic's today.
pub async fn record_questionnaire(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
    answers: Answers<'_>,
    taken_on: Option<&str>,
    source: &str,
) -> Result<Questionnaire, ClinicError> {
    let today = today_in(&actor.time_zone, clock).to_string();
    let scored = scored(answers, taken_on.unwrap_or(&today))?;
    Ok(store
        .clinic(actor)
        .record_questionnaire(client, &scored, source)
        .await?)
}

/// The questionnaire a link asks for, with the clinic's licensed wording
/// when it loaded one. A link for anything else names no questionnaire.
pub async fn questionnaire_of_link(
    store: &Store,
    grant: &LinkGrant,
) -> Result<(Instrument, Option<Value>), ClinicError> {
    if grant.purpose != LinkPurpose::Questionnaire {
        return Err(ClinicError::NotFound("link"));
    }
    let (instrument, wording) = store.link_questionnaire(grant).await?;
    let instrument = instrument.parse().map_err(|_| ClinicError::NotFound("link"))?;
    Ok((instrument, wording))
}

/// Scores and stores a client's answers through their link, dated on the
/// clinic's day; the link is used up.
pub async fn answer_via_link(
    store: &Store,
    clock: &dyn Clock,
    token: &str,
    grant: &LinkGrant,
    answers: Answers<'_>,
) -> Result<(), ClinicError> {
    let today = today_in(&grant.clinic_time_zone, clock).to_string();
    let scored = scored(answers, &today)?;
    Ok(store.submit_questionnaire_via_link(token, &scored).await?)
}

/// How long a questionnaire link stays open.
pub const LINK_TTL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 60 * 60);

/// A single-use link for the client to answer `instrument` at home.
pub async fn request_link(
    store: &Store,
    actor: &Actor,
    client: ClientId,
    instrument: &str,
) -> Result<IssuedLink, ClinicError> {
    let instrument: Instrument = instrument
        .parse()
        .map_err(|e: ScoringError| ClinicError::field("instrument", e.to_string()))?;
    Ok(store
        .clinic(actor)
        .request_questionnaire_link(client, instrument.as_str(), LINK_TTL)
        .await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use serde_json::json;

    use super::*;

    #[test]
    fn refusals_name_the_field_of_the_stored_input() {
        let Err(ClinicError::Invalid(errors)) = score("ndi", "2026-03-01", &json!({"items": [7]})) else {
            panic!("a short NDI is refused");
        };
        assert_eq!(errors.0[0].field, "input.items");
        let Err(ClinicError::Invalid(errors)) = score("nprs", "1 March", &json!({"value": 3})) else {
            panic!("a date that is not one is refused");
        };
        assert_eq!(errors.0[0].field, "taken_on");
        assert!(matches!(
            score("vas", "2026-03-01", &json!({})),
            Err(ClinicError::Unknown(m)) if m == "unknown instrument \"vas\""
        ));
    }

    #[test]
    fn a_valid_score_is_kept_exact() {
        let scored = score("nprs", "2026-03-01", &json!({"value": 6})).unwrap();
        assert_eq!(scored.score.as_deref(), Some("6"));
        assert_eq!(scored.instrument, "nprs");
    }
}
