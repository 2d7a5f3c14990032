use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use myomap_store::{LoginAttempt, SignIn, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::schemas;
use crate::AppState;
use crate::auth::{ApiActor, SESSION_COOKIE, bearer_token, cookie};
use crate::error::Problem;
use crate::json::ApiJson;

/// A staff member's credentials.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    #[schema(example = "therapist@demo.test")]
    email: String,
    #[schema(format = Password)]
    password: String,
    /// For an account with two-factor sign-in: the current 6-digit code of
    /// its authenticator app, or one of its unused recovery codes.
    #[serde(default, alias = "code")]
    #[schema(example = "123456")]
    totp: Option<String>,
}

/// The answer naming `totp` when the account's second factor is missing or
/// refused.
fn code_problem(message: &str) -> Problem {
    Problem::field(StatusCode::UNAUTHORIZED, "Unauthorized", "totp", message)
}

/// Signs in.
///
/// Returns a session token for `Authorization: Bearer TOKEN`. An account
/// with two-factor sign-in also sends `totp` (a current code or a recovery
/// code); without it, or with a wrong or already used one, the answer is 401
/// naming the `totp` field. Repeated failures (passwords and codes) for an
/// account or address are refused for a while (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/api/v1/login",
    tag = "session",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in.", body = schemas::LoginGrant),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
        (status = 429, response = schemas::TooManyRequests),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<Value>, Problem> {
    let remote = remote.ip().to_string();
    let attempt = LoginAttempt {
        email: &body.email,
        password: &body.password,
        remote: &remote,
        user_agent: crate::auth::user_agent(&headers),
        code: body.totp.as_deref(),
    };
    let grant = match state.store.login(attempt, state.config.session_ttl).await {
        Ok(SignIn::Session(grant)) => grant,
        Ok(SignIn::CodeNeeded { .. }) => {
            return Err(code_problem(
                "this account uses two-factor sign-in: send the current 6-digit code of its authenticator app (or an unused recovery code) as `totp`",
            ));
        }
        Err(StoreError::SecondFactor(message)) => return Err(code_problem(&message)),
        Err(e) => return Err(e.into()),
    };
    Ok(Json(
        json!({"token": grant.token, "expires_at": grant.expires_at.to_string()}),
    ))
}

/// Signs out: the session's token stops working.
#[utoipa::path(
    post,
    path = "/api/v1/logout",
    tag = "session",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
    )
)]
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

/// Who is signed in, with which role, in which clinic.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "session",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user.", body = schemas::Me),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn me(ApiActor(actor): ApiActor) -> Json<Value> {
    Json(json!({
        "user_id": actor.user_id,
        "email": actor.email,
        "role": actor.role,
        "clinic": {"id": actor.clinic_id, "name": actor.clinic_name},
    }))
}
