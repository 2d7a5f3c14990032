//! Screening an intake with the suitability rules, and how a stored
//! verdict reads, in one place for every page, the report and the agenda:
//! its label, its urgency, and the safety banner shown wherever treatment
//! is recorded or booked.

use myomap_domain::ValidationErrors;
use myomap_domain::record::IntakeForm;
use myomap_screening::{ScreeningAnswers, ScreeningInput, Urgency};
use myomap_store::ScreeningResult;
use serde::Serialize;

/// The label of a stored outcome. An outcome this version does not know
/// (written by a newer one, or damaged) reads as the most cautious one:
/// never as suitable, never as nothing.
pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "suitable" => "Suitable",
        "suitable_with_precautions" => "Suitable with precautions",
        "refer_first" => "Refer to a physician first",
        _ => "Refer to a physician first (unknown screening outcome)",
    }
}

/// The CSS class of a stored outcome, as cautious as its label.
pub fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "suitable" => "suitable",
        "suitable_with_precautions" => "precautions",
        _ => "refer",
    }
}

/// The client's age in whole years on `today` (`None` for a birth date after it).
pub fn age_on(date_of_birth: jiff::civil::Date, today: jiff::civil::Date) -> Option<u32> {
    let mut years = i32::from(today.year()) - i32::from(date_of_birth.year());
    if (today.month(), today.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Runs the screening rules on an intake (its conditions, the client's age
/// when known, the yes answers) and packs the result for storage.
pub fn screen(
    form: &IntakeForm,
    age: Option<u32>,
    answers: &ScreeningAnswers,
) -> Result<ScreeningResult, ValidationErrors> {
    let input = ScreeningInput::new(&form.conditions, age, answers.clone()).map_err(|mut errors| {
        for e in &mut errors.0 {
            if e.field.starts_with("conditions") {
                e.field = format!("form.{}", e.field);
            } else if e.field == "age" {
                e.field = "date_of_birth".to_owned();
            }
        }
        errors
    })?;
    let verdict = myomap_screening::screen(&input);
    let to_json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| ValidationErrors::single("screening", format!("cannot be stored: {e}")))
    };
    Ok(ScreeningResult {
        answers: to_json(serde_json::to_value(answers))?,
        outcome: verdict.outcome.as_str().to_owned(),
        verdict: to_json(serde_json::to_value(&verdict))?,
    })
}

/// Whether the intake's screening says a renal or heart team manages the
/// client's fluid (so home care gives no general hydration amounts).
pub fn fluid_managed(intake: &myomap_store::Intake) -> bool {
    intake
        .screening
        .as_ref()
        .and_then(|s| serde_json::from_value::<ScreeningAnswers>(s.answers.clone()).ok())
        .is_some_and(|answers| myomap_plans::fluid_managed_for(answers.iter().map(|(q, _)| q.id.as_str())))
}

/// How a stored verdict is shown: its urgency (read from `urgency`, or for
/// verdicts stored before urgency levels from `urgent`: an urgent refer was
/// same day, any other refer routine) with what to do and tell the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrgencyView {
    /// `emergency`, `same_day` or `routine` (also the CSS class).
    pub id: &'static str,
    pub label: String,
    pub action: String,
    pub tell_client: String,
}

/// The urgency of a stored screening verdict, if it refers.
pub fn stored_urgency(outcome: &str, verdict: &serde_json::Value) -> Option<Urgency> {
    let refer = outcome == "refer_first";
    if !refer {
        return None;
    }
    match verdict.get("urgency").and_then(serde_json::Value::as_str) {
        Some(text) => Urgency::parse(text).or(Some(Urgency::Routine)),
        None => Urgency::from_legacy(refer, verdict["urgent"].as_bool().unwrap_or(false)),
    }
}

/// The urgency of a stored verdict ready for a page.
pub fn urgency_view(outcome: &str, verdict: &serde_json::Value) -> Option<UrgencyView> {
    stored_urgency(outcome, verdict).map(|urgency| {
        let advice = urgency.advice();
        UrgencyView {
            id: urgency.as_str(),
            label: advice.label.clone(),
            action: advice.action.clone(),
            tell_client: advice.tell_client.clone(),
        }
    })
}

/// The screening verdict shown wherever treatment is recorded or booked
/// (assessment, session note, plan, booking): a referral, precautions, or a
/// client never screened. `None` for a suitable client: nothing to warn of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyBanner {
    /// `refer`, `precautions` or `missing` (also the CSS class).
    pub class: &'static str,
    pub label: String,
    pub urgency: Option<UrgencyView>,
    /// The reasons (for a referral) or the precautions to take.
    pub points: Vec<String>,
    /// Signing a note needs the therapist's reason while this stands.
    pub needs_reason: bool,
}

/// The texts a stored verdict lists under `key` (reasons, precautions): the
/// items themselves, or their `inner` field when they are objects.
pub fn verdict_texts(verdict: &serde_json::Value, key: &str, inner: Option<&str>) -> Vec<String> {
    verdict[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| match inner {
                    Some(field) => item[field].as_str().map(str::to_owned),
                    None => item.as_str().map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The banner for one client, read from their newest screened intake.
pub async fn safety_banner_for(
    scope: &myomap_store::ClinicScope<'_>,
    client: myomap_domain::ClientId,
) -> Result<Option<SafetyBanner>, myomap_store::StoreError> {
    Ok(safety_banner(scope.safety_screening(client).await?.as_ref()))
}

/// The banner for the screening that governs treating the client now (see
/// `ClinicScope::safety_screening`).
pub fn safety_banner(screening: Option<&myomap_store::ScreeningResult>) -> Option<SafetyBanner> {
    let Some(screening) = screening else {
        return Some(SafetyBanner {
            class: "missing",
            label: "Not screened yet: take the intake before treating".into(),
            urgency: None,
            points: Vec::new(),
            needs_reason: false,
        });
    };
    let texts = |key: &str, inner: Option<&str>| verdict_texts(&screening.verdict, key, inner);
    let outcome = screening.outcome.as_str();
    if myomap_domain::screening_outcome::is_referral(outcome) {
        Some(SafetyBanner {
            class: "refer",
            label: outcome_label(outcome).into(),
            urgency: urgency_view(outcome, &screening.verdict),
            points: texts("reasons", Some("text")),
            needs_reason: true,
        })
    } else if outcome == "suitable_with_precautions" {
        Some(SafetyBanner {
            class: "precautions",
            label: outcome_label(outcome).into(),
            urgency: None,
            points: texts("precautions", None),
            needs_reason: false,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[test]
    fn an_unknown_outcome_is_never_read_as_safe() {
        for unknown in ["", "suitable_later", "SUITABLE"] {
            assert!(outcome_label(unknown).starts_with("Refer"), "{unknown}");
            assert_eq!(outcome_class(unknown), "refer");
        }
        assert_eq!(outcome_label("suitable"), "Suitable");
    }

    #[test]
    fn home_care_s_fluid_questions_are_screening_questions() {
        let when = &myomap_plans::home_care_library().fluid_managed_when;
        assert!(!when.is_empty());
        for id in when {
            assert!(myomap_screening::question(id).is_some(), "{id}");
        }
    }

    #[test]
    fn ages_count_whole_years() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(age_on(d("1974-06-15"), d("2026-06-14")), Some(51));
        assert_eq!(age_on(d("1974-06-15"), d("2026-06-15")), Some(52));
        assert_eq!(age_on(d("2000-02-29"), d("2026-02-28")), Some(25));
        assert_eq!(age_on(d("2030-01-01"), d("2026-01-01")), None);
    }

    #[test]
    fn the_intake_s_conditions_reach_the_screening() {
        let form = IntakeForm {
            conditions: vec!["sciatica".into()],
            reason_for_visit: "Leg pain".into(),
            ..IntakeForm::default()
        };
        let answers = ScreeningAnswers::new([("bowel_bladder_change", vec![])]).unwrap();
        let stored = screen(&form, Some(52), &answers).unwrap();
        assert_eq!(stored.outcome, "refer_first");
        assert_eq!(stored.verdict["urgency"], "emergency");
        assert_eq!(stored.verdict["urgent"], true);
        assert_eq!(
            stored_urgency(&stored.outcome, &stored.verdict),
            Some(Urgency::Emergency)
        );
    }

    #[test]
    fn verdicts_stored_before_urgency_levels_read_as_before() {
        let old_urgent = json!({"outcome": "refer_first", "urgent": true, "reasons": [], "precautions": []});
        let old_refer = json!({"outcome": "refer_first", "urgent": false, "reasons": [], "precautions": []});
        let old_precaution = json!({"outcome": "suitable_with_precautions", "urgent": false});
        assert_eq!(stored_urgency("refer_first", &old_urgent), Some(Urgency::SameDay));
        assert_eq!(stored_urgency("refer_first", &old_refer), Some(Urgency::Routine));
        assert_eq!(stored_urgency("refer_first", &json!({})), Some(Urgency::Routine));
        assert_eq!(stored_urgency("suitable_with_precautions", &old_precaution), None);
        let view = urgency_view("refer_first", &old_urgent).unwrap();
        assert_eq!(view.id, "same_day");
        assert!(view.tell_client.contains("today"));
    }
}
