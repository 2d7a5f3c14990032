//! Reference endpoints: the trigger-point atlas and the referred-pain engine.
//! They hold no client data and change nothing, so they need no sign-in.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use myomap_domain::PainEntry;
use serde::Deserialize;
use serde_json::{Value, json};

use super::schemas;
use crate::error::Problem;
use crate::json::{ApiJson, ApiQuery};

/// More areas than any body chart has places.
const MAX_AREAS: usize = 200;
const DEFAULT_TOP: usize = 10;

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: Option<String>,
}

/// Lists the muscles of the trigger-point atlas.
///
/// Every muscle, or those matching a search, in atlas order.
#[utoipa::path(
    get,
    operation_id = "list_muscles",
    path = "/api/v1/atlas/muscles",
    tag = "reference",
    params(("q" = Option<String>, Query, description = "Search words (muscle names, regions, conditions); all muscles when left out.")),
    responses(
        (status = 200, description = "The muscles.", body = schemas::MuscleList),
    )
)]
pub async fn muscles(ApiQuery(params): ApiQuery<SearchParams>) -> Json<Value> {
    let atlas = myomap_atlas::atlas();
    let muscles: Vec<&myomap_atlas::Muscle> = match params.q.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() => atlas.search(q),
        _ => atlas.muscles().iter().collect(),
    };
    Json(json!({ "muscles": muscles }))
}

/// Reads one muscle of the atlas.
///
/// With its trigger points, referral zones and sources.
#[utoipa::path(
    get,
    operation_id = "get_muscle",
    path = "/api/v1/atlas/muscles/{id}",
    tag = "reference",
    params(("id" = String, Path, description = "The muscle id, e.g. `temporalis`.")),
    responses(
        (status = 200, description = "The muscle: `id`, `name`, `region`, `paired`, `conditions`, `cautions`, `stretch`, `sources`, `trigger_points`, `referral`.", body = Object),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn muscle(Path(id): Path<String>) -> Result<Json<Value>, Problem> {
    let muscle = myomap_atlas::atlas()
        .muscle(&id)
        .ok_or_else(|| Problem::not_found(&format!("muscle \"{id}\"")))?;
    Ok(Json(json!(muscle)))
}

/// A pain map to explain.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestBody {
    /// The painful places: 1 to 200 `PainEntry` objects
    /// (`{"area": "head.temple", "side": "right", "intensity": 7}`).
    #[schema(value_type = Vec<schemas::PainEntry>, min_items = 1, max_items = 200)]
    areas: Vec<PainEntry>,
    /// How many muscles to return, 1 to 500 (default 10).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 500)]
    top: Option<usize>,
}

/// Ranks the muscles whose referred pain explains a pain map.
#[utoipa::path(
    post,
    path = "/api/v1/suggest",
    tag = "reference",
    request_body = SuggestBody,
    responses(
        (status = 200, description = "The muscles, best first.", body = schemas::Suggestions),
        (status = 400, response = schemas::BadRequest),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn suggest(ApiJson(body): ApiJson<SuggestBody>) -> Result<Json<Value>, Problem> {
    let invalid =
        |field: &str, message: &str| Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", field, message);
    if body.areas.is_empty() {
        return Err(invalid("areas", "give at least one pain area"));
    }
    if body.areas.len() > MAX_AREAS {
        return Err(invalid("areas", &format!("at most {MAX_AREAS} areas")));
    }
    let top = body.top.unwrap_or(DEFAULT_TOP);
    if !(1..=500).contains(&top) {
        return Err(invalid("top", "must be from 1 to 500"));
    }
    Ok(Json(json!(myomap_atlas::suggest(&body.areas, top))))
}
