//! Who is calling. API clients send `Authorization: Bearer TOKEN`; browsers
//! carry the same kind of token in an HttpOnly, SameSite cookie and prove
//! each state-changing request with the session's CSRF token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use myomap_store::Actor;

use crate::AppState;
use crate::error::Problem;

pub const SESSION_COOKIE: &str = "myomap_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The browser's `User-Agent` (empty when absent or not text), kept with a
/// new session so people can tell their sessions apart.
pub fn user_agent(headers: &HeaderMap) -> &str {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Constant-time comparison, so a token cannot be guessed byte by byte.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && !expected.is_empty()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

pub fn bearer_token(headers: &HeaderMap) -> Option<Result<&str, Problem>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "Unauthorized",
                    "the Authorization header must be \"Bearer TOKEN\"",
                )
            }),
    )
}

/// An API caller, authenticated by bearer token or by session cookie plus
/// CSRF header.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_token(&parts.headers) {
            let actor = state.store.authenticate(token?).await?;
            return enrolled(actor, parts.uri.path()).map(ApiActor);
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "not signed in: send Authorization: Bearer TOKEN (from POST /api/v1/login)",
            ));
        };
        let actor = state.store.authenticate(token).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !tokens_match(&actor.csrf_token, given) {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "Forbidden",
                    "missing or wrong X-CSRF-Token header for a cookie-authenticated request",
                ));
            }
        }
        enrolled(actor, parts.uri.path()).map(ApiActor)
    }
}

/// Someone who must set up two-factor sign-in may only see who they are
/// and sign out until they have.
fn enrolled(actor: Actor, path: &str) -> Result<Actor, Problem> {
    if actor.mfa_enrolment_due && !matches!(path, "/api/v1/me" | "/api/v1/logout") {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "this account must set up two-factor sign-in first: sign in with a browser, which leads to the set-up (/account/mfa)",
        ));
    }
    Ok(actor)
}
