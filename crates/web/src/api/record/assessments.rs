//! A client's assessments.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use myomap_domain::record::AssessmentRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{assessment_json, created, invalid};
use crate::AppState;
use crate::api::clients::parse_id;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;
use myomap_clinic::vocabulary::ClinicalVocabulary;

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
