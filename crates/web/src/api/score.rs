use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use myomap_scoring::ScoringError;
use serde_json::Value;

use super::schemas;
use crate::error::Problem;
use crate::json::ApiJson;

/// Scores one questionnaire answer set.
///
/// Stores nothing and reads no client data, so like the atlas it needs no
/// sign-in.
#[utoipa::path(
    post,
    path = "/api/v1/score/{instrument}",
    tag = "reference",
    params(("instrument" = String, Path, description = "The instrument id: `nprs`, `ndi`, `odi`, `quickdash`, `quickdash_work`, `quickdash_sport`, `bctq_sss`, `bctq_fss`, `lefs`, `jfls8`, `psfs`, `ppt` or `acr2016_fm`.")),
    request_body(
        content = Object,
        description = "The answers in the instrument's form: `{\"items\": [...]}` for item questionnaires (null for an unanswered item); NPRS `{\"value\": n}` or `{\"baseline\": n, \"followup\": n}`; PPT `{\"trials\": [...], \"unit\": ...}`; ACR 2016 `{\"regions\": [...], \"fatigue\", \"waking_unrefreshed\", \"cognitive\", \"headaches\", \"lower_abdominal\", \"depression\", \"duration_months\"}`. Unknown or missing keys, wrong types or lengths, fractional or out-of-range answers are refused.",
    ),
    responses(
        (status = 200, description = "The result. Item questionnaires: `{valid, score}` plus `raw` and `band` where the instrument has them (`score` and `band` null when too many items are unanswered); NPRS change, PPT and ACR 2016 have their own keys. Numbers are rounded once, at output.", body = Object),
        (status = 400, response = schemas::BadRequest),
        (status = 404, response = schemas::NotFound),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn score(Path(instrument): Path<String>, ApiJson(input): ApiJson<Value>) -> Result<Json<Value>, Problem> {
    myomap_scoring::score_json(&instrument, &input)
        .map(Json)
        .map_err(|e| match e {
            ScoringError::UnknownInstrument(_) => Problem::new(StatusCode::NOT_FOUND, "Not found", e.to_string()),
            ScoringError::Invalid { ref field, .. } => {
                let field = field.clone();
                let message = e.to_string();
                let detail = message
                    .strip_prefix(&format!("{field}: "))
                    .unwrap_or(&message)
                    .to_owned();
                Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", &field, detail)
            }
            other => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", other.to_string()),
        })
}
