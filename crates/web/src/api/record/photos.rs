//! An assessment's posture photos: upload, image, landmarks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::created;
use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};
use crate::photos;
use myomap_clinic::photos::Landmarks;

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
