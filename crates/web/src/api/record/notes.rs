//! Session notes: drafts, carry-forward, signing and amending.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use myomap_domain::ClientId;
use myomap_domain::record::SessionNote;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{created, note_json, signed_note_json};
use crate::AppState;
use crate::api::clients::parse_id;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;
use myomap_clinic::vocabulary::ClinicalVocabulary;

/// Signs the version the caller read. While the client's screening says to
/// refer them to a physician first, signing needs the reason for treating
/// anyway (422 naming `referral_reason` without it); the reason is kept
/// with the note.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    version: i64,
    /// At most 1,000 characters.
    #[serde(default)]
    referral_reason: Option<String>,
}

/// A new draft session note, optionally tied to one of the client's
/// assessments.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    assessment_id: Option<String>,
    /// A `SessionNote`.
    #[schema(value_type = schemas::SessionNote)]
    note: SessionNote,
}

/// The client's session notes, latest session first.
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/sessions",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The notes.", body = schemas::NoteList),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn list_notes(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let notes = state.store.clinic(&actor).notes_for(parse_id(&id)?).await?;
    Ok(Json(
        json!({"sessions": notes.iter().map(note_json).collect::<Vec<_>>()}),
    ))
}

/// A new note prefilled from the client's latest signed one.
///
/// To edit and then create; stores nothing.
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/sessions/carry-forward",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The prefilled note.", body = schemas::CarryForward),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn carry_forward(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client: ClientId = parse_id(&id)?;
    let note = myomap_clinic::notes::carry_forward(&state.store, &actor, &myomap_clinic::SystemClock, client).await?;
    Ok(Json(json!({"note": note})))
}

/// Creates a draft session note.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/sessions",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = NoteBody,
    responses(
        (status = 201, description = "The draft note.", body = schemas::Note),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn create_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<Response, Problem> {
    body.note
        .validate(&ClinicalVocabulary)
        .map_err(Problem::invalid_in("note"))?;
    let note = state
        .store
        .clinic(&actor)
        .create_note(parse_id(&id)?, body.assessment_id.as_deref(), &body.note)
        .await?;
    Ok(created(note_json(&note)))
}

/// One session note with its check-ins.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The note's id.")),
    responses(
        (status = 200, description = "The note.", body = schemas::Note),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn get_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(note_json(&state.store.clinic(&actor).get_note(&id).await?)))
}

/// A draft note's new content and the version it replaces.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteUpdate {
    version: i64,
    /// A `SessionNote`.
    #[schema(value_type = schemas::SessionNote)]
    note: SessionNote,
}

/// Replaces a draft note's content.
///
/// A signed note is amended instead.
#[utoipa::path(
    put,
    path = "/api/v1/sessions/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The note's id.")),
    request_body = NoteUpdate,
    responses(
        (status = 200, description = "The updated note.", body = schemas::Note),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn update_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NoteUpdate>,
) -> Result<Json<Value>, Problem> {
    body.note
        .validate(&ClinicalVocabulary)
        .map_err(Problem::invalid_in("note"))?;
    Ok(Json(note_json(
        &state
            .store
            .clinic(&actor)
            .update_note(&id, body.version, &body.note)
            .await?,
    )))
}

/// Signs a draft note.
///
/// Signing makes it final and schedules the client's soreness check-ins; the
/// answer carries their links to give the client and, when a mail relay is
/// configured, whether they were emailed to the client.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/sign",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The note's id.")),
    request_body = SignBody,
    responses(
        (status = 200, description = "The signed note and its check-in links.", body = schemas::SignedNote),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn sign_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SignBody>,
) -> Result<Json<Value>, Problem> {
    let (note, links, email) = myomap_clinic::notes::sign_and_queue_checkins(
        &state.store,
        &actor,
        &state.messages(),
        &id,
        body.version,
        body.referral_reason.as_deref(),
    )
    .await?;
    Ok(Json(signed_note_json(&state.config.public_url, &note, &links, &email)))
}

/// An amendment of a signed note: the corrected note and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendBody {
    /// A `SessionNote`.
    #[schema(value_type = schemas::SessionNote)]
    note: SessionNote,
    reason: String,
}

/// Amends a signed note.
///
/// The amendment is a new signed note that replaces the original, with the
/// reason; the original is kept.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/amend",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The id of the note amended.")),
    request_body = AmendBody,
    responses(
        (status = 201, description = "The amending note.", body = schemas::Note),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn amend_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AmendBody>,
) -> Result<Response, Problem> {
    body.note
        .validate(&ClinicalVocabulary)
        .map_err(Problem::invalid_in("note"))?;
    Ok(created(note_json(
        &state
            .store
            .clinic(&actor)
            .amend_note(&id, &body.note, &body.reason)
            .await?,
    )))
}
