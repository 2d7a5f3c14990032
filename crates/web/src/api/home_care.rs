//! Home-care handouts in JSON: build one from the record, read it with its
//! adherence, issue the client's link, and the client's daily ticks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::home_care::{self, adherence, plan_of};
use myomap_store::HomeCare;
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::record::link_json;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// A handout with its adherence up to `today`, the clinic's day.
fn handout_json(handout: &HomeCare, today: jiff::civil::Date) -> Value {
    let (summary, days) = adherence(handout, today);
    json!({
        "id": handout.id,
        "client_id": handout.client_id,
        "content": plan_of(handout),
        "ticks": handout.ticks.iter().map(|(day, item)| json!({"day": day, "item": item})).collect::<Vec<_>>(),
        "adherence": {"summary": summary, "days": days.iter().map(|(d, n)| json!({"day": d, "done": n})).collect::<Vec<_>>()},
        "created_by": handout.created_by,
        "created_at": handout.created_at.to_string(),
    })
}

/// Build a handout from the last signed session and the intake's habits.
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/home-care",
    operation_id = "create_home_care",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 201, description = "The handout: `content` holds `stretches` (one per muscle treated, with dose and what it should and should not feel like) and `advice` (hydration, movement, workstation, after-session), with `adherence`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let handout = home_care::create_handout(&state.store, &actor, parse_id(&id)?).await?;
    let today = crate::clinic_today(&actor);
    Ok((StatusCode::CREATED, Json(handout_json(&handout, today))).into_response())
}

/// The client's handouts, newest first, with adherence.
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/home-care",
    operation_id = "list_home_care",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "`{\"home_care\": [...]}`.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let handouts = state.store.clinic(&actor).home_care_for(parse_id(&id)?).await?;
    let today = crate::clinic_today(&actor);
    Ok(Json(
        json!({"home_care": handouts.iter().map(|h| handout_json(h, today)).collect::<Vec<_>>()}),
    ))
}

/// One handout with the client's ticks and adherence.
#[utoipa::path(
    get,
    path = "/api/v1/home-care/{id}",
    operation_id = "get_home_care",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The handout's id.")),
    responses(
        (status = 200, description = "The handout.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let today = crate::clinic_today(&actor);
    Ok(Json(handout_json(
        &state.store.clinic(&actor).get_home_care(&id).await?,
        today,
    )))
}

/// A link the client opens on a phone to read the handout and tick off what they did (90 days, many uses).
#[utoipa::path(
    post,
    path = "/api/v1/home-care/{id}/link",
    operation_id = "home_care_link",
    tag = "client links",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The handout's id.")),
    responses(
        (status = 201, description = "The link.", body = schemas::IssuedLink),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let link = home_care::request_link(&state.store, &actor, &id).await?;
    Ok((StatusCode::CREATED, Json(link_json(&state.config.public_url, &link))).into_response())
}

/// What the client did today.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicksBody {
    /// Ids of the handout's daily items done today (replaces today's ticks).
    done: Vec<String>,
}

/// The client's ticks for today through their home-care link.
#[utoipa::path(
    post,
    path = "/api/v1/links/{token}/home-care",
    operation_id = "tick_home_care",
    tag = "client links",
    params(("token" = String, Path, description = "The token of a home-care link.")),
    request_body = TicksBody,
    responses(
        (status = 204, description = "Saved for today."),
        (status = 400, response = schemas::BadRequest),
        (status = 404, response = schemas::NotFound),
        (status = 410, response = schemas::Gone),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn tick(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<TicksBody>,
) -> Result<StatusCode, Problem> {
    myomap_clinic::home_care::tick_via_link(&state.store, &myomap_clinic::SystemClock, &token, &body.done).await?;
    Ok(StatusCode::NO_CONTENT)
}
