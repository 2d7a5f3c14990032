//! Outcome questionnaires and progress in JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::SystemClock;
use myomap_clinic::outcomes::{self as questionnaires, Answers};
use myomap_store::Questionnaire;
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::record::link_json;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

pub fn questionnaire_json(q: &Questionnaire) -> Value {
    json!({
        "id": q.id,
        "client_id": q.client_id,
        "instrument": q.instrument,
        "taken_on": q.taken_on,
        "source": q.source,
        "input": q.input,
        "result": q.result,
        "entered_by": q.entered_by,
        "created_at": q.created_at.to_string(),
    })
}

/// Answers to one questionnaire, with the day they were given.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireBody {
    /// The instrument id, e.g. `ndi`.
    instrument: String,
    /// YYYY-MM-DD; today when absent.
    #[serde(default)]
    taken_on: Option<String>,
    /// `clinic` (answered in the clinic) or `paper` (typed from a paper form); default `clinic`.
    #[serde(default)]
    source: Option<String>,
    /// The answers in the instrument's scoring input form (as for `POST /api/v1/score/{instrument}`).
    #[schema(value_type = Object)]
    input: Value,
}

/// The client's outcome questionnaires.
#[utoipa::path(
    operation_id = "list_questionnaires",
    get,
    path = "/api/v1/clients/{id}/questionnaires",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "`{\"questionnaires\": [...]}`, oldest first, each with its input and scored result.", body = Object),
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
    let list = state.store.clinic(&actor).questionnaires_for(parse_id(&id)?).await?;
    Ok(Json(
        json!({"questionnaires": list.iter().map(questionnaire_json).collect::<Vec<_>>()}),
    ))
}

/// Record and score one questionnaire answered in the clinic or on paper.
#[utoipa::path(
    operation_id = "record_questionnaire",
    post,
    path = "/api/v1/clients/{id}/questionnaires",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = QuestionnaireBody,
    responses(
        (status = 201, description = "The stored questionnaire with its scored result (`valid: false` when too many items are unanswered).", body = Object),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<QuestionnaireBody>,
) -> Result<Response, Problem> {
    let answers = Answers {
        instrument: &body.instrument,
        input: body.input,
        activities: None,
    };
    let stored = questionnaires::record_questionnaire(
        &state.store,
        &actor,
        &SystemClock,
        parse_id(&id)?,
        answers,
        body.taken_on.as_deref(),
        body.source.as_deref().unwrap_or("clinic"),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(questionnaire_json(&stored))).into_response())
}

/// The client's progress since baseline, with MCID verdicts.
#[utoipa::path(
    operation_id = "client_progress",
    get,
    path = "/api/v1/clients/{id}/progress",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "`{\"measures\": [{instrument, name, points, baseline, latest, change, verdict}], \"session_pain\": [{date, before, after}]}`; `verdict` is `meaningful_improvement`, `no_meaningful_change`, `meaningful_worsening`, `no_mcid` or `single_measurement`, judged on unrounded scores against the instrument's MCID.", body = Object),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn client_progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let progress = myomap_clinic::progress::client_progress(&state.store, &actor, parse_id(&id)?).await?;
    let pain: Vec<Value> = progress
        .session_pain
        .iter()
        .map(|(date, before, after)| json!({"date": date, "before": before, "after": after}))
        .collect();
    Ok(Json(json!({"measures": progress.measures, "session_pain": pain})))
}

/// Which questionnaire the client should answer through the link.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireLinkBody {
    /// The instrument id, e.g. `ndi`.
    instrument: String,
}

/// A link for the client to answer a questionnaire at home.
#[utoipa::path(
    operation_id = "questionnaire_link",
    post,
    path = "/api/v1/clients/{id}/questionnaire-link",
    tag = "client links",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = QuestionnaireLinkBody,
    responses(
        (status = 201, description = "A single-use link (7 days) for the client to answer the questionnaire.", body = schemas::IssuedLink),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<QuestionnaireLinkBody>,
) -> Result<Response, Problem> {
    let link = questionnaires::request_link(&state.store, &actor, parse_id(&id)?, &body.instrument).await?;
    Ok((StatusCode::CREATED, Json(link_json(&state.config.public_url, &link))).into_response())
}

/// The client's answers through a questionnaire link.
#[utoipa::path(
    operation_id = "answer_questionnaire_link",
    post,
    path = "/api/v1/links/{token}/questionnaire",
    tag = "client links",
    params(("token" = String, Path, description = "The token of a questionnaire link.")),
    request_body(content = Object, description = "The answers in the instrument's scoring input form."),
    responses(
        (status = 204, description = "Stored; the link is used up."),
        (status = 400, response = schemas::BadRequest),
        (status = 404, response = schemas::NotFound),
        (status = 410, response = schemas::Gone),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn answer_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<Value>,
) -> Result<StatusCode, Problem> {
    let grant = state.store.open_link(&token).await?;
    let (instrument, _) = questionnaires::questionnaire_of_link(&state.store, &grant).await?;
    let answers = Answers {
        instrument: instrument.as_str(),
        input,
        activities: None,
    };
    questionnaires::answer_via_link(&state.store, &SystemClock, &token, &grant, answers).await?;
    Ok(StatusCode::NO_CONTENT)
}
