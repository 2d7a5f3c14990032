//! The clinical record in JSON: intake and screening, client links,
//! assessments with photos, session notes, check-ins and the dashboard.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use myomap_clinic::SystemClock;
use myomap_clinic::messages::client_link;
use myomap_clinic::photos::Landmarks;
use myomap_clinic::suggestions::assessment_suggestions;
use myomap_clinic::vocabulary::ClinicalVocabulary;
use myomap_domain::ClientId;
use myomap_domain::record::{AssessmentRecord, CheckinAnswer, IntakeForm, SessionNote};
use myomap_screening::ScreeningAnswers;
use myomap_store::{Assessment, Checkin, Intake, IssuedLink, NoteRecord, NoteStatus, PhotoMeta};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};
use crate::photos;

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
        "photos": photos.iter().map(photos::photo_json).collect::<Vec<_>>(),
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

// ------------------------------------------------------------------ intake

/// An intake's answers: the form and the screening questions answered yes.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeBody {
    /// An `IntakeForm`.
    #[schema(value_type = schemas::IntakeForm)]
    form: IntakeForm,
    /// `ScreeningAnswers`; left out, every question was answered no.
    #[serde(default = "ScreeningAnswers::none")]
    #[schema(value_type = schemas::ScreeningAnswers)]
    screening: ScreeningAnswers,
}

/// The screening questions an intake answers, in the order to ask them.
#[utoipa::path(
    get,
    path = "/api/v1/screening/questions",
    tag = "reference",
    responses(
        (status = 200, description = "The questions.", body = schemas::ScreeningQuestions),
    )
)]
pub async fn screening_questions() -> Json<Value> {
    Json(json!({"questions": myomap_screening::questions()}))
}

/// The client's latest intake.
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/intake",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The intake.", body = schemas::Intake),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn get_intake(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let intake = state.store.clinic(&actor).latest_intake(parse_id(&id)?).await?;
    intake
        .map(|i| Json(intake_json(&i)))
        .ok_or_else(|| Problem::not_found("intake"))
}

/// Records an intake taken by staff, screened by the rules.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/intake",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = IntakeBody,
    responses(
        (status = 201, description = "The intake, answered and waiting for signature.", body = schemas::Intake),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn submit_intake(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<Response, Problem> {
    let intake = myomap_clinic::intake::take_intake(
        &state.store,
        &actor,
        &SystemClock,
        parse_id(&id)?,
        &body.form,
        &body.screening,
    )
    .await?;
    Ok(created(intake_json(&intake)))
}

/// Issues an intake link for the client.
///
/// The client fills the intake at home through it; it is valid for seven
/// days. Front desk may send it.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/intake-link",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 201, description = "The link.", body = schemas::IssuedLink),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn intake_link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let link = myomap_clinic::intake::request_link(&state.store, &actor, parse_id(&id)?).await?;
    Ok(created(link_json(&state.config.public_url, &link)))
}

/// The version of the record the caller read, so that a change made since
/// is caught (409).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    version: i64,
}

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

/// Signs an answered intake.
///
/// The therapist's review, after which it is final.
#[utoipa::path(
    post,
    path = "/api/v1/intakes/{id}/sign",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The intake's id.")),
    request_body = VersionBody,
    responses(
        (status = 200, description = "The signed intake.", body = schemas::Intake),
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
pub async fn sign_intake(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VersionBody>,
) -> Result<Json<Value>, Problem> {
    let intake = state.store.clinic(&actor).sign_intake(&id, body.version).await?;
    Ok(Json(intake_json(&intake)))
}

// ------------------------------------------------------------ client links

/// What a client link opens.
///
/// Answers while the link can still be used; opening does not use it up.
/// The token is the authorisation: no sign-in.
#[utoipa::path(
    get,
    path = "/api/v1/links/{token}",
    tag = "client links",
    params(("token" = String, Path, description = "The token of the link (the last part of its address).")),
    responses(
        (status = 200, description = "The link's purpose and, for an intake, the screening questions.", body = schemas::LinkInfo),
        (status = 404, response = schemas::NotFound),
        (status = 410, response = schemas::Gone),
    )
)]
pub async fn open_link(State(state): State<AppState>, Path(token): Path<String>) -> Result<Json<Value>, Problem> {
    let grant = state.store.open_link(&token).await?;
    let mut value = json!({
        "purpose": grant.purpose.as_str(),
        "clinic": grant.clinic_name,
        "client_given_name": grant.client_given_name,
        "expires_at": grant.expires_at.to_string(),
    });
    if grant.purpose == myomap_store::LinkPurpose::Intake {
        value["questions"] = json!(myomap_screening::questions());
    }
    Ok(Json(value))
}

/// Answers an intake through an intake link.
///
/// The client's own answers; uses the link up.
#[utoipa::path(
    post,
    path = "/api/v1/links/{token}/intake",
    tag = "client links",
    params(("token" = String, Path, description = "The token of the link (the last part of its address).")),
    request_body = IntakeBody,
    responses(
        (status = 204, description = "Answered."),
        (status = 400, response = schemas::BadRequest),
        (status = 404, response = schemas::NotFound),
        (status = 410, response = schemas::Gone),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn answer_intake_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<StatusCode, Problem> {
    myomap_clinic::intake::submit_via_link(&state.store, &SystemClock, &token, &body.form, &body.screening).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answers a soreness check-in through a check-in link.
///
/// Uses the link up.
#[utoipa::path(
    post,
    path = "/api/v1/links/{token}/checkin",
    tag = "client links",
    params(("token" = String, Path, description = "The token of the link (the last part of its address).")),
    request_body = schemas::CheckinAnswer,
    responses(
        (status = 204, description = "Answered."),
        (status = 400, response = schemas::BadRequest),
        (status = 404, response = schemas::NotFound),
        (status = 410, response = schemas::Gone),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn answer_checkin_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(answer): ApiJson<CheckinAnswer>,
) -> Result<StatusCode, Problem> {
    answer.validate().map_err(invalid)?;
    state.store.submit_checkin_via_link(&token, &answer).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------- assessments

/// The client's assessments, newest first (without their photos).
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/assessments",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The assessments.", body = schemas::AssessmentList),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn list_assessments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let assessments = state.store.clinic(&actor).assessments_for(parse_id(&id)?).await?;
    let list: Vec<Value> = assessments.iter().map(|a| assessment_json(a, &[])).collect();
    Ok(Json(json!({"assessments": list})))
}

/// Records an assessment of the client.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/assessments",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = schemas::AssessmentRecord,
    responses(
        (status = 201, description = "The new assessment.", body = schemas::Assessment),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn create_assessment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(record): ApiJson<AssessmentRecord>,
) -> Result<Response, Problem> {
    record.validate(&ClinicalVocabulary).map_err(invalid)?;
    let assessment = state
        .store
        .clinic(&actor)
        .create_assessment(parse_id(&id)?, &record)
        .await?;
    Ok(created(assessment_json(&assessment, &[])))
}

/// One assessment with its posture photos.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The assessment's id.")),
    responses(
        (status = 200, description = "The assessment.", body = schemas::Assessment),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn get_assessment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let scope = state.store.clinic(&actor);
    let assessment = scope.get_assessment(&id).await?;
    let photos = scope.photos(&id).await?;
    Ok(Json(assessment_json(&assessment, &photos)))
}

/// An assessment's new observations and the version they replace.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentUpdate {
    version: i64,
    /// An `AssessmentRecord`.
    #[schema(value_type = schemas::AssessmentRecord)]
    record: AssessmentRecord,
}

/// Replaces an assessment's observations.
#[utoipa::path(
    put,
    path = "/api/v1/assessments/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The assessment's id.")),
    request_body = AssessmentUpdate,
    responses(
        (status = 200, description = "The updated assessment.", body = schemas::Assessment),
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
pub async fn update_assessment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssessmentUpdate>,
) -> Result<Json<Value>, Problem> {
    body.record
        .validate(&ClinicalVocabulary)
        .map_err(Problem::invalid_in("record"))?;
    let scope = state.store.clinic(&actor);
    let assessment = scope.update_assessment(&id, body.version, &body.record).await?;
    let photos = scope.photos(&id).await?;
    Ok(Json(assessment_json(&assessment, &photos)))
}

#[derive(Deserialize)]
pub struct PhotoParams {
    view: Option<String>,
}

/// Adds a posture photo to an assessment.
///
/// The body is the image itself, at least 50 × 50 pixels, its type in
/// `Content-Type`.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/photos",
    tag = "clinical record",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The assessment's id."),
        ("view" = schemas::PhotoView, Query, description = "Which view the photo shows."),
    ),
    request_body(description = "The image: JPEG, PNG or WebP, at most 8 MiB.", content((schemas::Image = "image/jpeg"), (schemas::Image = "image/png"), (schemas::Image = "image/webp"))),
    responses(
        (status = 201, description = "The photo's metadata.", body = schemas::Photo),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn upload_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<PhotoParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let photo = myomap_clinic::photos::store_photo(
        &state.store,
        &actor,
        &id,
        params.view.as_deref().unwrap_or_default(),
        content_type,
        &body,
    )
    .await?;
    Ok(created(photos::photo_json(&photo)))
}

/// A posture photo's image, as uploaded.
#[utoipa::path(
    get,
    path = "/api/v1/photos/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The photo's id.")),
    responses(
        (status = 200, description = "The image, with its type in `Content-Type`.", content((schemas::Image = "image/jpeg"), (schemas::Image = "image/png"), (schemas::Image = "image/webp"))),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn photo_image(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    photos::image_response(&state, &actor, &id).await
}

/// Saves the landmarks placed on a posture photo.
///
/// The answer carries the angles measured from them.
#[utoipa::path(
    put,
    path = "/api/v1/photos/{id}/landmarks",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The photo's id.")),
    request_body = schemas::LandmarksBody,
    responses(
        (status = 200, description = "The photo with its landmarks and measurements.", body = schemas::Photo),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn photo_landmarks(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Landmarks>,
) -> Result<Json<Value>, Problem> {
    let photo = myomap_clinic::photos::save_landmarks(&state.store, &actor, &id, &body).await?;
    Ok(Json(photos::photo_json(&photo)))
}

// ----------------------------------------------------------- session notes

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

// --------------------------------------------------- check-ins, dashboard

/// Check-ins that need the therapist.
///
/// Those of the last 14 days that are flagged and not yet reviewed, latest
/// due first.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    tag = "clinical record",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The flagged check-ins.", body = schemas::Dashboard),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
    )
)]
pub async fn dashboard(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, Problem> {
    let flagged = state
        .store
        .clinic(&actor)
        .flagged_checkins(myomap_clinic::notes::DASHBOARD_DAYS)
        .await?;
    let list: Vec<Value> = flagged
        .iter()
        .map(|f| json!({"client_id": f.client_id, "client_name": f.client_name, "checkin": checkin_json(&f.checkin), "flags": f.flags}))
        .collect();
    Ok(Json(json!({"flagged_checkins": list})))
}

/// Marks a check-in as reviewed.
///
/// Seen and acted on: it leaves the dashboard.
#[utoipa::path(
    post,
    path = "/api/v1/checkins/{id}/review",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The check-in's id.")),
    responses(
        (status = 204, description = "Reviewed."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn review_checkin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).review_checkin(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Issues a new link for an unanswered check-in.
///
/// The old link stops working.
#[utoipa::path(
    post,
    path = "/api/v1/checkins/{id}/link",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The check-in's id.")),
    responses(
        (status = 201, description = "The new link.", body = schemas::IssuedLink),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
    )
)]
pub async fn checkin_link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let link = state.store.clinic(&actor).reissue_checkin_link(&id).await?;
    Ok(created(link_json(&state.config.public_url, &link)))
}
