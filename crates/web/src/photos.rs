//! A posture photo as the API answers it: its JSON (the angles measured
//! from its landmarks and the lines to draw) and its image.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use myomap_clinic::photos::measurements;
use myomap_posture::overlay;
use myomap_store::{Actor, PhotoMeta};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::Problem;

pub async fn image_response(state: &AppState, actor: &Actor, photo_id: &str) -> Result<Response, Problem> {
    let (meta, bytes) = state.store.clinic(actor).photo_image(photo_id).await?;
    Ok(([(header::CONTENT_TYPE, meta.content_type)], bytes).into_response())
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
