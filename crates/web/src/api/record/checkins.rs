//! Check-ins: the dashboard of those that need the therapist, reviewing
//! one, and a new link for one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{checkin_json, created, link_json};
use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;

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
