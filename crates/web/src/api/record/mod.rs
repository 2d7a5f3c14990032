//! The clinical record in JSON: intake and screening, client links,
//! assessments with photos, session notes, check-ins and the dashboard.
//! This module holds the JSON shapes the handlers answer with.

pub mod assessments;
pub mod checkins;
pub mod intake;
pub mod notes;
pub mod photos;
pub mod public;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::messages::client_link;
use myomap_store::{Assessment, Checkin, Intake, IssuedLink, NoteRecord, NoteStatus, PhotoMeta};
use serde_json::{Value, json};

use crate::error::Problem;
use myomap_clinic::suggestions::assessment_suggestions;

fn invalid(errors: myomap_domain::ValidationErrors) -> Problem {
    Problem::invalid(errors)
}

/// An issued client link as the API shows it.
pub fn link_json(public_url: &str, link: &IssuedLink) -> Value {
    json!({"url": client_link(public_url, &link.token), "token": link.token, "expires_at": link.expires_at.to_string()})
}

pub fn intake_json(intake: &Intake) -> Value {
    json!({
        "id": intake.id,
        "client_id": intake.client_id,
        "status": intake.status.as_str(),
        "form": intake.form,
        "screening": intake.screening.as_ref().map(|s| json!({"answers": s.answers, "outcome": s.outcome, "verdict": s.verdict})),
        "submitted_via": intake.submitted_via,
        "submitted_at": intake.submitted_at.map(|t| t.to_string()),
        "signed_by": intake.signed_by,
        "signed_at": intake.signed_at.map(|t| t.to_string()),
        "version": intake.version,
    })
}

pub(crate) fn assessment_json(assessment: &Assessment, photos: &[PhotoMeta]) -> Value {
    json!({
        "id": assessment.id,
        "client_id": assessment.client_id,
        "record": assessment.record,
        "suggestions": assessment_suggestions(&assessment.record),
        "photos": photos.iter().map(crate::photos::photo_json).collect::<Vec<_>>(),
        "created_by": assessment.created_by,
        "created_at": assessment.created_at.to_string(),
        "updated_at": assessment.updated_at.to_string(),
        "version": assessment.version,
    })
}

pub fn checkin_json(checkin: &Checkin) -> Value {
    json!({
        "id": checkin.id,
        "due_hours": checkin.due_hours,
        "due_at": checkin.due_at.to_string(),
        "answer": checkin.answer,
        "answered_at": checkin.answered_at.map(|t| t.to_string()),
        "flags": checkin.flags(jiff::Timestamp::now()),
        "reviewed_at": checkin.reviewed_at.map(|t| t.to_string()),
    })
}

pub fn note_json(note: &NoteRecord) -> Value {
    json!({
        "id": note.id,
        "client_id": note.client_id,
        "assessment_id": note.assessment_id,
        "note": note.note,
        "discomfort_warnings": note.note.discomfort_warnings(),
        "status": if note.status == NoteStatus::Signed { "signed" } else { "draft" },
        "amends": note.amends,
        "amendment_reason": note.amendment_reason,
        "amended_by": note.amended_by,
        "signed_by": note.signed_by,
        "signed_at": note.signed_at.map(|t| t.to_string()),
        "created_by": note.created_by,
        "created_at": note.created_at.to_string(),
        "version": note.version,
        "referral_reason": note.referral_reason,
        "checkins": note.checkins.iter().map(checkin_json).collect::<Vec<_>>(),
    })
}

fn created(value: Value) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// A just-signed note with what became of the check-in email and the
/// check-in links to give the client.
pub(crate) fn signed_note_json(
    public_url: &str,
    note: &NoteRecord,
    links: &[(Checkin, IssuedLink)],
    email: &myomap_clinic::notes::EmailOutcome,
) -> Value {
    let mut value = note_json(note);
    value["email"] = match email {
        myomap_clinic::notes::EmailOutcome::Queued { to, message_id } => {
            json!({"status": "queued", "to": to, "message_id": message_id})
        }
        myomap_clinic::notes::EmailOutcome::ByHand { message_id, .. } => {
            json!({"status": "by_hand", "detail": email.line(), "message_id": message_id})
        }
        myomap_clinic::notes::EmailOutcome::Failed(_) => json!({"status": "failed", "detail": email.line()}),
    };
    value["checkin_links"] = links
        .iter()
        .map(|(checkin, link)| {
            let mut l = link_json(public_url, link);
            l["checkin_id"] = json!(checkin.id);
            l["due_hours"] = json!(checkin.due_hours);
            l
        })
        .collect();
    value
}
