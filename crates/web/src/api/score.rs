use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use myomap_scoring::ScoringError;
use serde_json::Value;

use crate::error::Problem;
use crate::json::ApiJson;

/// Scores one questionnaire answer set. Stores nothing and reads no client
/// data, so like the atlas it needs no sign-in.
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
