//! A client's whole record as one download.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::parse_id;
use crate::AppState;
use crate::pages::{PageActor, PageError};

/// The client's whole record as one ZIP (FHIR bundle, PDF report, photos):
/// therapists and owners; every part is an audited read.
pub async fn export_zip(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let (name, zip) = myomap_clinic::record_export::record_zip(&state.store, &actor, &myomap_clinic::SystemClock, id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        zip,
    )
        .into_response())
}
