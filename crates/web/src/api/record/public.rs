//! What a client opens from a link and answers through it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use myomap_clinic::SystemClock;
use myomap_domain::record::CheckinAnswer;
use serde_json::{Value, json};

use super::intake::IntakeBody;
use super::invalid;
use crate::AppState;
use crate::api::schemas;
use crate::error::Problem;
use crate::json::ApiJson;

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
