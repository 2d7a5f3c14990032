//! Fuzzing the JSON bodies the API reads from outside. Whatever arrives,
//! the reader answers without panicking; malformed JSON is a 400, and every
//! refusal of well-formed JSON (a wrong type, a missing or unknown field, a
//! value the domain rules refuse) names the field at fault.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use myomap_clinic::vocabulary::ClinicalVocabulary;
use myomap_domain::ValidationErrors;
use myomap_domain::record::{AssessmentRecord, CheckinAnswer, IntakeForm, SessionNote};
use myomap_plans::PlanDraft;
use proptest::prelude::*;
use proptest::sample::select;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{atlas, clients, home_care, outcomes, plans, record, schedule, session};
use crate::error::Problem;
use crate::json::parse;

/// Field names of the bodies, so that generated objects reach past the
/// first unknown field.
const KEYS: &[&str] = &[
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "phone",
    "notes",
    "version",
    "form",
    "screening",
    "answers",
    "question",
    "sites",
    "area",
    "side",
    "reason_for_visit",
    "long_sitting",
    "record",
    "pain_map",
    "intensity",
    "quality",
    "posture",
    "finding",
    "tone",
    "muscle",
    "findings",
    "trigger_point",
    "activity",
    "ppt_kg_cm2",
    "note",
    "date",
    "duration_minutes",
    "confirm_duration",
    "techniques",
    "treated",
    "pressure",
    "checks",
    "discomfort",
    "sharp",
    "pain_before",
    "pain_after",
    "subjective",
    "reason",
    "referral_reason",
    "assessment_id",
    "instrument",
    "taken_on",
    "source",
    "input",
    "value",
    "items",
    "starts_on",
    "plan",
    "condition",
    "goals",
    "at_most",
    "sessions_planned",
    "interval_days",
    "session_minutes",
    "reassess_every",
    "precautions",
    "hours",
    "weekday",
    "starts",
    "ends",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "minutes",
    "therapist_id",
    "client_id",
    "room_id",
    "outside_hours",
    "done",
    "areas",
    "top",
    "time_zone",
    "password",
    "soreness",
    "numbness",
    "comment",
    "points",
    "landmark",
    "at",
    "x",
    "y",
    "profile",
    "name",
    "conditions",
    "age",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3_i64..250).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        select(vec![
            "2026-11-20",
            "2026-02-30",
            "1899-12-31",
            "09:00",
            "2030-04-01T09:00",
            "right",
            "left",
            "head.temple",
            "upper_trapezius",
            "tp1",
            "firm",
            "ndi",
            "nprs",
            "monday",
            "work",
            "cancelled",
            "Europe/London",
            "",
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ]
}

/// Any JSON, objects keyed mostly by the bodies' field names.
fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![4 => select(KEYS.to_vec()).prop_map(str::to_owned), 1 => "[a-z_]{1,8}"],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn names_fields(errors: &ValidationErrors) -> Result<(), TestCaseError> {
    prop_assert!(!errors.0.is_empty());
    for error in &errors.0 {
        prop_assert!(!error.field.trim().is_empty(), "{:?}", error);
        prop_assert!(!error.message.trim().is_empty(), "{:?}", error);
    }
    Ok(())
}

/// Reads `bytes` as the API does: a value, or a refusal that is a 400 for
/// malformed JSON and otherwise a 422 naming the field.
fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, TestCaseError> {
    match parse::<T>(bytes) {
        Ok(value) => Ok(Some(value)),
        Err(Problem {
            status, detail, errors, ..
        }) => {
            if status == axum::http::StatusCode::BAD_REQUEST {
                prop_assert!(detail.starts_with("the body is not valid JSON"), "{}", detail);
            } else {
                prop_assert_eq!(status, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{}", detail);
                names_fields(&ValidationErrors(errors))?;
            }
            Ok(None)
        }
    }
}

/// Every body the API reads, and the domain rules behind the record's.
fn every_body(bytes: &[u8]) -> Result<(), TestCaseError> {
    read::<clients::ClientBody>(bytes)?;
    read::<record::intake::IntakeBody>(bytes)?;
    read::<record::assessments::AssessmentUpdate>(bytes)?;
    read::<record::notes::NoteBody>(bytes)?;
    read::<record::notes::NoteUpdate>(bytes)?;
    read::<record::notes::AmendBody>(bytes)?;
    read::<record::notes::SignBody>(bytes)?;
    read::<record::intake::VersionBody>(bytes)?;
    read::<outcomes::QuestionnaireBody>(bytes)?;
    read::<outcomes::QuestionnaireLinkBody>(bytes)?;
    read::<plans::NewPlanBody>(bytes)?;
    read::<plans::PlanUpdateBody>(bytes)?;
    read::<schedule::hours::HoursBody>(bytes)?;
    read::<schedule::appointments::StatusBody>(bytes)?;
    read::<schedule::time_off::NewTimeOff>(bytes)?;
    read::<schedule::clinic::NewRoom>(bytes)?;
    read::<schedule::appointments::BookingLinkBody>(bytes)?;
    read::<schedule::clinic::ClinicSettings>(bytes)?;
    read::<myomap_clinic::schedule::BookingRequest>(bytes)?;
    read::<home_care::TicksBody>(bytes)?;
    read::<atlas::SuggestBody>(bytes)?;
    read::<session::LoginBody>(bytes)?;
    read::<myomap_clinic::photos::Landmarks>(bytes)?;
    if let Some(form) = read::<IntakeForm>(bytes)?
        && let Err(errors) = form.validate()
    {
        names_fields(&errors)?;
    }
    if let Some(record) = read::<AssessmentRecord>(bytes)?
        && let Err(errors) = record.validate(&ClinicalVocabulary)
    {
        names_fields(&errors)?;
    }
    if let Some(note) = read::<SessionNote>(bytes)?
        && let Err(errors) = note.validate(&ClinicalVocabulary)
    {
        names_fields(&errors)?;
    }
    if let Some(answer) = read::<CheckinAnswer>(bytes)?
        && let Err(errors) = answer.validate()
    {
        names_fields(&errors)?;
    }
    if let Some(plan) = read::<PlanDraft>(bytes)?
        && let Err(errors) = plan.validate()
    {
        names_fields(&errors)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_json_body_is_read_or_refused_naming_the_field(body in any_json()) {
        every_body(&serde_json::to_vec(&body).unwrap())?;
    }

    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        every_body(&bytes)?;
    }
}
