//! Reference endpoints: the trigger-point atlas and the referred-pain engine.
//! They hold no client data and change nothing, so they need no sign-in.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use myomap_domain::PainEntry;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Problem;
use crate::json::ApiJson;

/// More areas than any body chart has places.
const MAX_AREAS: usize = 200;
const DEFAULT_TOP: usize = 10;

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: Option<String>,
}

pub async fn muscles(Query(params): Query<SearchParams>) -> Json<Value> {
    let atlas = myomap_atlas::atlas();
    let muscles: Vec<&myomap_atlas::Muscle> = match params.q.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() => atlas.search(q),
        _ => atlas.muscles().iter().collect(),
    };
    Json(json!({ "muscles": muscles }))
}

pub async fn muscle(Path(id): Path<String>) -> Result<Json<Value>, Problem> {
    let muscle = myomap_atlas::atlas()
        .muscle(&id)
        .ok_or_else(|| Problem::not_found(&format!("muscle \"{id}\"")))?;
    Ok(Json(json!(muscle)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestBody {
    areas: Vec<PainEntry>,
    #[serde(default)]
    top: Option<usize>,
}

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
