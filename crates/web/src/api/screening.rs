//! Reference endpoint: screen an intake's answers without storing anything.
//! It holds no client data and changes nothing, so it needs no sign-in.

use axum::Json;
use serde_json::Value;

use super::schemas;
use crate::error::Problem;
use crate::json::ApiJson;

/// Screens an intake: its conditions, the client's age and the yes answers.
///
/// The same rules as a recorded intake, with nothing stored; `myomap screen
/// --json` gives the same answer on the command line.
#[utoipa::path(
    post,
    path = "/api/v1/screening",
    tag = "reference",
    request_body = schemas::ScreeningRequest,
    responses(
        (status = 200, description = "The verdict: `outcome`, `urgency` (null unless `refer_first`), the `reasons` (most severe first, each with its questions, intake conditions, rule, urgency and sources), the `precautions`, and `advice` for the urgency (what to do and tell the client; null unless `refer_first`).", body = schemas::ScreeningResult),
        (status = 400, response = schemas::BadRequest),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn screen(ApiJson(input): ApiJson<Value>) -> Result<Json<Value>, Problem> {
    myomap_screening::screen_json(&input)
        .map(Json)
        .map_err(Problem::invalid)
}
