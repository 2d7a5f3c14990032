//! Intake and screening: the questions, an intake taken by staff, the
//! intake link and signing.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use myomap_clinic::SystemClock;
use myomap_domain::record::IntakeForm;
use myomap_screening::ScreeningAnswers;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{created, intake_json, link_json};
use crate::AppState;
use crate::api::clients::parse_id;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// An intake's answers: the form and the screening questions answered yes.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeBody {
    /// An `IntakeForm`.
    #[schema(value_type = schemas::IntakeForm)]
    pub(super) form: IntakeForm,
    /// `ScreeningAnswers`; left out, every question was answered no.
    #[serde(default = "ScreeningAnswers::none")]
    #[schema(value_type = schemas::ScreeningAnswers)]
    pub(super) screening: ScreeningAnswers,
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
