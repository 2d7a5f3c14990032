//! Posture photos: checked uploads, landmarks placed by the therapist, and
//! the angles the posture crate computes from them.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use myomap_domain::Side;
use myomap_posture::{Landmark, LandmarkPoint, Measurement, PhotoView, measure_all, overlay};
use myomap_store::{Actor, MAX_PHOTO_BYTES, PhotoMeta};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Problem;

const ACCEPTED_TYPES: [(&str, imagesize::ImageType); 3] = [
    ("image/jpeg", imagesize::ImageType::Jpeg),
    ("image/png", imagesize::ImageType::Png),
    ("image/webp", imagesize::ImageType::Webp),
];

fn field(field: &str, message: impl Into<String>) -> Problem {
    Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", field, message)
}

pub fn parse_view(view: &str) -> Result<PhotoView, Problem> {
    PhotoView::ALL
        .into_iter()
        .find(|v| v.as_str() == view)
        .ok_or_else(|| field("view", format!("must be front, back or side, not \"{view}\"")))
}

/// Checks the bytes really are an image of the declared type and stores them.
pub async fn store_photo(
    state: &AppState,
    actor: &Actor,
    assessment_id: &str,
    view: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<PhotoMeta, Problem> {
    let view = parse_view(view)?;
    let declared = content_type.split(';').next().unwrap_or_default().trim();
    let Some(&(mime, kind)) = ACCEPTED_TYPES.iter().find(|(mime, _)| *mime == declared) else {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            format!("a posture photo must be JPEG, PNG or WebP, not \"{declared}\""),
        ));
    };
    if bytes.is_empty() {
        return Err(field("photo", "is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Photo too large",
            format!("a photo may be at most {} MB", MAX_PHOTO_BYTES / (1024 * 1024)),
        ));
    }
    if imagesize::image_type(bytes).ok() != Some(kind) {
        return Err(field("photo", format!("the file is not a valid {mime} image")));
    }
    let size = imagesize::blob_size(bytes).map_err(|_| field("photo", "the image size cannot be read"))?;
    let dimensions = (
        i64::try_from(size.width).unwrap_or(0),
        i64::try_from(size.height).unwrap_or(0),
    );
    if dimensions.0 < 50 || dimensions.1 < 50 {
        return Err(field("photo", "is smaller than 50 × 50 pixels"));
    }
    Ok(state
        .store
        .clinic(actor)
        .add_photo(assessment_id, view.as_str(), mime, dimensions, bytes)
        .await?)
}

pub async fn image_response(state: &AppState, actor: &Actor, photo_id: &str) -> Result<Response, Problem> {
    let (meta, bytes) = state.store.clinic(actor).photo_image(photo_id).await?;
    Ok(([(header::CONTENT_TYPE, meta.content_type)], bytes).into_response())
}

/// Landmarks as placed, in image pixels. Each landmark once, of those the
/// photo's view takes, inside the image; a side view with points needs
/// `profile`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LandmarksBody {
    /// `LandmarkPoint` objects: `{"landmark": "ear_left", "at": {"x": 120.5, "y": 80}}`.
    #[schema(value_type = Vec<crate::api::schemas::LandmarkPoint>)]
    pub points: Vec<LandmarkPoint>,
    /// Side view: the client's side facing the camera.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schemas::Side>)]
    pub profile: Option<Side>,
}

pub fn landmarks_for(view: &str) -> Vec<Landmark> {
    let Ok(view) = parse_view(view) else {
        return Vec::new();
    };
    Landmark::ALL
        .into_iter()
        .filter(|l| l.views().contains(&view))
        .collect()
}

pub fn measurements(meta: &PhotoMeta) -> Vec<Measurement> {
    let body: LandmarksBody = serde_json::from_value(meta.landmarks.clone()).unwrap_or_default();
    measure_all(&body.points, body.profile).unwrap_or_default()
}

pub fn photo_json(meta: &PhotoMeta) -> Value {
    let measured = measurements(meta);
    json!({
        "id": meta.id,
        "assessment_id": meta.assessment_id,
        "view": meta.view,
        "content_type": meta.content_type,
        "width": meta.width,
        "height": meta.height,
        "landmarks": meta.landmarks,
        "measurements": measured,
        "overlay": measured.iter().map(overlay).collect::<Vec<_>>(),
        "created_at": meta.created_at.to_string(),
    })
}

/// Validates the landmarks against the photo (known for its view, inside the
/// image, each once, profile for side views) and stores them.
pub async fn save_landmarks(
    state: &AppState,
    actor: &Actor,
    photo_id: &str,
    body: &LandmarksBody,
) -> Result<PhotoMeta, Problem> {
    let scope = state.store.clinic(actor);
    let photos_of = scope.photos_by_id(photo_id).await?;
    let allowed = landmarks_for(&photos_of.view);
    let mut seen = Vec::new();
    for (i, point) in body.points.iter().enumerate() {
        if !allowed.contains(&point.landmark) {
            return Err(field(
                &format!("points[{i}].landmark"),
                format!(
                    "\"{}\" is not placed on a {} photo",
                    point.landmark.as_str(),
                    photos_of.view
                ),
            ));
        }
        if seen.contains(&point.landmark) {
            return Err(field(
                &format!("points[{i}].landmark"),
                format!("\"{}\" is placed twice", point.landmark.as_str()),
            ));
        }
        seen.push(point.landmark);
        let inside = |v: f64, max: i64| v.is_finite() && v >= 0.0 && v <= max as f64;
        if !inside(point.at.x, photos_of.width) || !inside(point.at.y, photos_of.height) {
            return Err(field(
                &format!("points[{i}].at"),
                format!("lies outside the {} × {} photo", photos_of.width, photos_of.height),
            ));
        }
    }
    if photos_of.view == "side" && !body.points.is_empty() && body.profile.is_none() {
        return Err(field(
            "profile",
            "say which side of the client faces the camera (left or right)",
        ));
    }
    measure_all(&body.points, body.profile).map_err(|e| field("points", e.to_string()))?;
    let value = serde_json::to_value(body).map_err(|e| field("points", e.to_string()))?;
    Ok(scope.set_landmarks(photo_id, &value).await?)
}
