use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use myomap_store::{CHALLENGE_TTL, LoginAttempt, SessionGrant, SignIn, StoreError};
use rand::RngCore;
use serde::Deserialize;

use super::{LOGIN_CSRF_COOKIE, Layout, PageActor, render};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, clear_cookie, cookie, set_cookie};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
}

/// The browser's half of the state between password and code (the store
/// keeps a hash of it, valid a few minutes, good for nothing else).
const MFA_CHALLENGE_COOKIE: &str = "myomap_mfa_challenge";

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    layout: Layout,
    csrf: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    expired: Option<String>,
    #[serde(default)]
    signed_out: Option<String>,
}

/// Only same-site paths, so the sign-in form cannot bounce a user elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn fresh_csrf() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn code_page(status: StatusCode, secure: bool, next: String, error: Option<String>) -> Response {
    let csrf = fresh_csrf();
    let mut response = render(
        status,
        &CodePage {
            layout: Layout::anonymous(),
            csrf: csrf.clone(),
            next,
            error,
        },
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, secure));
    response
}

/// Signed in: the session cookie set, the sign-in's own cookies cleared.
fn signed_in(state: &AppState, grant: &SessionGrant, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &grant.token,
            state.config.session_ttl.as_secs(),
            state.config.secure_cookies,
        ),
    );
    headers.append(header::SET_COOKIE, clear_cookie(LOGIN_CSRF_COOKIE));
    headers.append(header::SET_COOKIE, clear_cookie(MFA_CHALLENGE_COOKIE));
    response
}

fn login_page(
    status: StatusCode,
    secure: bool,
    next: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let csrf = fresh_csrf();
    let mut layout = Layout::anonymous();
    layout.notice = notice;
    let mut response = render(
        status,
        &LoginPage {
            layout,
            csrf: csrf.clone(),
            next,
            email,
            error,
        },
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, secure));
    response
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<LoginQuery>) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && state.store.authenticate(token).await.is_ok()
    {
        return Redirect::to(&safe_next(query.next.as_deref())).into_response();
    }
    let notice = if query.expired.is_some() {
        Some("Your session has ended. Sign in again to continue.".to_owned())
    } else if query.signed_out.is_some() {
        Some("You are signed out.".to_owned())
    } else {
        None
    };
    login_page(
        StatusCode::OK,
        state.config.secure_cookies,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
        notice,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let secure = state.config.secure_cookies;
    if form.email.trim().is_empty() || form.password.is_empty() {
        return login_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            secure,
            next,
            form.email,
            Some("Enter your email and password.".into()),
            None,
        );
    }
    let remote = remote.ip().to_string();
    let attempt = LoginAttempt {
        email: &form.email,
        password: &form.password,
        remote: &remote,
        user_agent: crate::auth::user_agent(&headers),
        code: None,
    };
    match state.store.login(attempt, state.config.session_ttl).await {
        Ok(SignIn::Session(grant)) => signed_in(&state, &grant, &next),
        Ok(SignIn::CodeNeeded { challenge }) => {
            let mut response =
                Redirect::to(&format!("/login/code?next={}", super::percent_encode(&next))).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(MFA_CHALLENGE_COOKIE, &challenge, CHALLENGE_TTL.as_secs(), secure),
            );
            response
        }
        Err(e @ StoreError::WrongCredentials) => login_page(
            StatusCode::UNAUTHORIZED,
            secure,
            next,
            form.email,
            Some(capitalize(&e.to_string())),
            None,
        ),
        Err(e @ StoreError::TooManyAttempts { .. }) => login_page(
            StatusCode::TOO_MANY_REQUESTS,
            secure,
            next,
            form.email,
            Some(capitalize(&e.to_string())),
            None,
        ),
        Err(e) => super::PageError::store(e, None).into_response(),
    }
}

/// The second step: the code of the authenticator app (or a recovery code).
pub async fn code_form(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<LoginQuery>) -> Response {
    if cookie(&headers, MFA_CHALLENGE_COOKIE).is_none() {
        return Redirect::to("/login?expired=1").into_response();
    }
    code_page(
        StatusCode::OK,
        state.config.secure_cookies,
        safe_next(query.next.as_deref()),
        None,
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn code_submit(
    State(state): State<AppState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let secure = state.config.secure_cookies;
    let Some(challenge) = cookie(&headers, MFA_CHALLENGE_COOKIE) else {
        return Redirect::to("/login?expired=1").into_response();
    };
    if form.code.trim().is_empty() {
        return code_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            secure,
            next,
            Some("Enter the 6-digit code of your authenticator app, or a recovery code.".into()),
        );
    }
    let remote = remote.ip().to_string();
    match state
        .store
        .finish_sign_in(
            challenge,
            &form.code,
            myomap_store::SessionClient {
                user_agent: crate::auth::user_agent(&headers),
                remote: &remote,
            },
            state.config.session_ttl,
        )
        .await
    {
        Ok(grant) => signed_in(&state, &grant, &next),
        Err(StoreError::SecondFactor(message)) => {
            code_page(StatusCode::UNAUTHORIZED, secure, next, Some(capitalize(&message)))
        }
        Err(e @ StoreError::TooManyAttempts { .. }) => code_page(
            StatusCode::TOO_MANY_REQUESTS,
            secure,
            next,
            Some(capitalize(&e.to_string())),
        ),
        Err(StoreError::SessionExpired) => {
            let mut response = Redirect::to("/login?expired=1").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, clear_cookie(MFA_CHALLENGE_COOKIE));
            response
        }
        Err(e) => super::PageError::store(e, None).into_response(),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap, PageActor(_): PageActor) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.store.logout(token).await
    {
        return super::PageError::store(e, None).into_response();
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    response
}
