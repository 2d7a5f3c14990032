//! Protocols and treatment plans in JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::SystemClock;
use myomap_clinic::treatment_plans::{self, PlanWithProgress};
use myomap_plans::PlanDraft;
use myomap_store::{Actor, PlanStatus, StoredPlan};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// The protocol library: one starting point per condition group, with sources.
#[utoipa::path(
    operation_id = "list_protocols",
    get,
    path = "/api/v1/protocols",
    tag = "reference",
    responses((status = 200, description = "`{\"protocols\": [...]}`: id, name, summary, conditions, muscles to assess first, instruments, default goals and plan, precautions, when to refer, evidence and sources.", body = Object))
)]
pub async fn protocols() -> Json<Value> {
    Json(json!({"protocols": myomap_plans::protocols()}))
}

/// One protocol.
#[utoipa::path(
    operation_id = "get_protocol",
    get,
    path = "/api/v1/protocols/{id}",
    tag = "reference",
    params(("id" = String, Path, description = "The protocol id, e.g. `carpal_tunnel`.")),
    responses(
        (status = 200, description = "The protocol.", body = Object),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn protocol(Path(id): Path<String>) -> Result<Json<Value>, Problem> {
    myomap_plans::protocol(&id)
        .map(|p| Json(json!(p)))
        .ok_or_else(|| Problem::not_found(&format!("protocol \"{id}\"")))
}

/// A plan with its progress.
fn plan_json(plan: &PlanWithProgress) -> Value {
    let stored = &plan.stored;
    json!({
        "id": stored.id,
        "client_id": stored.client_id,
        "plan": plan.draft,
        "starts_on": stored.starts_on,
        "status": if stored.status == PlanStatus::Active { "active" } else { "closed" },
        "progress": plan.progress,
        "created_by": stored.created_by,
        "created_at": stored.created_at.to_string(),
        "closed_at": stored.closed_at.map(|t| t.to_string()),
        "version": stored.version,
    })
}

/// A plan just read or changed, with its progress.
async fn with_progress(state: &AppState, actor: &Actor, stored: StoredPlan) -> Result<Value, Problem> {
    Ok(plan_json(
        &treatment_plans::progress_now(&state.store, actor, stored).await?,
    ))
}

/// A plan to start.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlanBody {
    /// YYYY-MM-DD; today when absent. Sessions from this day count toward the plan.
    #[serde(default)]
    starts_on: Option<String>,
    /// The plan: `{protocol?, condition, goals: [{instrument, at_most | at_least | below_band | psfs_activity_at_least, label}], sessions_planned, interval_days, session_minutes, reassess_every, precautions, notes}`.
    #[schema(value_type = Object)]
    plan: PlanDraft,
}

/// An edited plan with the version it edits.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanUpdateBody {
    version: i64,
    /// The whole plan, as for creating one.
    #[schema(value_type = Object)]
    plan: PlanDraft,
}

/// The client's treatment plans with their progress.
#[utoipa::path(
    operation_id = "list_plans",
    get,
    path = "/api/v1/clients/{id}/plans",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "`{\"plans\": [...]}`, newest first, each with `progress` (sessions done and planned, goals met, alerts).", body = Object),
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
    let plans = treatment_plans::client_plans(&state.store, &actor, parse_id(&id)?).await?;
    Ok(Json(json!({"plans": plans.iter().map(plan_json).collect::<Vec<_>>()})))
}

/// Start a treatment plan (e.g. prefilled from a protocol's `plan` defaults).
#[utoipa::path(
    operation_id = "create_plan",
    post,
    path = "/api/v1/clients/{id}/plans",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = NewPlanBody,
    responses(
        (status = 201, description = "The plan with its progress.", body = Object),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewPlanBody>,
) -> Result<Response, Problem> {
    let stored = treatment_plans::start_plan(
        &state.store,
        &actor,
        &SystemClock,
        parse_id(&id)?,
        &body.plan,
        body.starts_on.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(with_progress(&state, &actor, stored).await?)).into_response())
}

/// One treatment plan with its progress.
#[utoipa::path(
    operation_id = "get_plan",
    get,
    path = "/api/v1/plans/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id.")),
    responses(
        (status = 200, description = "The plan with its progress.", body = Object),
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
    let (plan, _) = treatment_plans::read_plan(&state.store, &actor, &id).await?;
    Ok(Json(plan_json(&plan)))
}

/// Replace an active plan's content; a stale version is a conflict.
#[utoipa::path(
    operation_id = "update_plan",
    put,
    path = "/api/v1/plans/{id}",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id.")),
    request_body = PlanUpdateBody,
    responses(
        (status = 200, description = "The edited plan with its progress.", body = Object),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanUpdateBody>,
) -> Result<Json<Value>, Problem> {
    let stored = treatment_plans::revise_plan(&state.store, &actor, &id, body.version, &body.plan).await?;
    Ok(Json(with_progress(&state, &actor, stored).await?))
}

/// Close a plan (finished or abandoned); it stays on record.
#[utoipa::path(
    operation_id = "close_plan",
    post,
    path = "/api/v1/plans/{id}/close",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id.")),
    responses(
        (status = 200, description = "The closed plan.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
    )
)]
pub async fn close(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let stored = state.store.clinic(&actor).close_plan(&id).await?;
    Ok(Json(with_progress(&state, &actor, stored).await?))
}
