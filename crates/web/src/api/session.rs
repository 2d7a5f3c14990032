use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use myomap_store::LoginAttempt;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{ApiActor, SESSION_COOKIE, bearer_token, cookie};
use crate::error::Problem;
use crate::json::ApiJson;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<Value>, Problem> {
    let remote = remote.ip().to_string();
    let attempt = LoginAttempt {
        email: &body.email,
        password: &body.password,
        remote: &remote,
    };
    let grant = state.store.login(attempt, state.config.session_ttl).await?;
    Ok(Json(
        json!({"token": grant.token, "expires_at": grant.expires_at.to_string()}),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiActor(_): ApiActor,
) -> Result<StatusCode, Problem> {
    let token = match bearer_token(&headers) {
        Some(token) => token?,
        None => cookie(&headers, SESSION_COOKIE).unwrap_or_default(),
    };
    state.store.logout(token).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(ApiActor(actor): ApiActor) -> Json<Value> {
    Json(json!({
        "user_id": actor.user_id,
        "email": actor.email,
        "role": actor.role,
        "clinic": {"id": actor.clinic_id, "name": actor.clinic_name},
    }))
}
