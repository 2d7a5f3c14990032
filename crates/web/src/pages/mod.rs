//! Server-rendered pages. Every POST form passes [`csrf_guard`] before its
//! handler runs, so no handler can forget the check.

mod atlas;
mod backups;
mod clients;
mod login;
mod mfa;
pub(crate) mod record;
mod schedule;
mod staff;

use askama::Template;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use myomap_store::{Actor, StoreError};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, tokens_match};
use crate::route_table::RouteTable;

pub const LOGIN_CSRF_COOKIE: &str = "myomap_login_csrf";

/// The page routes, as a table the isolation sweep can enumerate.
pub fn table() -> RouteTable {
    RouteTable::new()
        .get("/", home)
        .get("/login", login::form)
        .post("/login", login::submit)
        .post("/logout", login::logout)
        .get("/login/code", login::code_form)
        .post("/login/code", login::code_submit)
        .get("/account/mfa", mfa::show)
        .post("/account/mfa/confirm", mfa::confirm)
        .post("/account/mfa/recovery-codes", mfa::regenerate)
        .post("/account/mfa/disable", mfa::disable)
        .get("/settings/security", mfa::clinic_settings)
        .post("/settings/security", mfa::save_clinic_settings)
        .get("/clients", clients::list::list)
        .post("/clients", clients::form::create)
        .get("/clients/new", clients::form::new_form)
        .get("/clients/{id}", clients::show::show)
        .post("/clients/{id}", clients::form::update)
        .get("/clients/{id}/history", clients::history::history)
        .get("/clients/{id}/edit", clients::form::edit_form)
        .post("/clients/{id}/archive", clients::lifecycle::archive)
        .post("/clients/{id}/erase", clients::lifecycle::erase)
        .get("/clients/{id}/export.zip", clients::export::export_zip)
        .post("/clients/{id}/restore", clients::lifecycle::restore)
        .get("/dashboard", record::dashboard::show)
        .post("/checkins/{id}/review", record::dashboard::review)
        .post("/checkins/{id}/link", record::session::new_checkin_link)
        .get("/clients/{id}/intake", record::intake::form)
        .post("/clients/{id}/intake", record::intake::submit)
        .post("/clients/{id}/intake-link", record::intake::create_link)
        .post("/links/email", record::links::email)
        .post("/intakes/{id}/sign", record::intake::sign)
        .get("/c/{token}", record::public::open)
        .post("/c/{token}", record::public::answer)
        .post("/clients/{id}/assessments", record::assessment::create)
        .get("/assessments/{id}", record::assessment::show)
        .post("/assessments/{id}/delete", record::assessment::delete)
        .post("/assessments/{id}/pain-map", record::assessment::save_pain_map)
        .post("/assessments/{id}/posture", record::assessment::save_posture)
        .post("/assessments/{id}/tone", record::assessment::save_tone)
        .post("/assessments/{id}/findings", record::assessment::save_findings)
        .post("/assessments/{id}/save", record::assessment::save_sections)
        .post_up_to(
            "/assessments/{id}/photos",
            myomap_store::MAX_PHOTO_BYTES + 64 * 1024,
            record::assessment::upload_photo,
        )
        .get("/assessments/{id}/photos/{photo}", record::assessment::photo)
        .post(
            "/assessments/{id}/photos/{photo}/landmarks",
            record::assessment::save_landmarks,
        )
        .get("/clients/{id}/questionnaires/new", record::outcomes::new_form)
        .post("/clients/{id}/questionnaires", record::outcomes::record)
        .post("/clients/{id}/questionnaire-link", record::outcomes::create_link)
        .get("/clients/{id}/progress", record::outcomes::show_progress)
        .get("/clients/{id}/report.pdf", record::outcomes::report_pdf)
        .post("/clients/{id}/home-care", record::home_care::create)
        .get("/home-care/{id}", record::home_care::show)
        .get("/home-care/{id}/handout.pdf", record::home_care::pdf)
        .post("/home-care/{id}/link", record::home_care::create_link)
        .get("/clients/{id}/plans/new", record::plans::new_form)
        .post("/clients/{id}/plans", record::plans::create)
        .get("/plans/{id}", record::plans::show)
        .post("/plans/{id}", record::plans::update)
        .get("/plans/{id}/edit", record::plans::edit_form)
        .post("/plans/{id}/close", record::plans::close)
        .get("/clients/{id}/sessions/new", record::session::new_form)
        .post("/clients/{id}/sessions", record::session::create)
        .get("/sessions/{id}", record::session::show)
        .post("/sessions/{id}", record::session::save)
        .get("/sessions/{id}/amend", record::session::amend_form)
        .post("/sessions/{id}/amend", record::session::amend)
        .get("/static/assessment.css", || {
            static_asset("text/css; charset=utf-8", include_str!("../../assets/assessment.css"))
        })
        .get("/static/body-chart.js", || {
            static_asset(
                "text/javascript; charset=utf-8",
                include_str!("../../assets/body-chart.js"),
            )
        })
        .get("/static/confirm.js", || {
            static_asset(
                "text/javascript; charset=utf-8",
                include_str!("../../assets/confirm.js"),
            )
        })
        .get("/static/chart-finder.js", || {
            static_asset(
                "text/javascript; charset=utf-8",
                include_str!("../../assets/chart-finder.js"),
            )
        })
        .get("/static/sections.js", || {
            static_asset(
                "text/javascript; charset=utf-8",
                include_str!("../../assets/sections.js"),
            )
        })
        .get("/static/copy.js", || {
            static_asset("text/javascript; charset=utf-8", include_str!("../../assets/copy.js"))
        })
        .get("/static/landmarks.js", || {
            static_asset(
                "text/javascript; charset=utf-8",
                include_str!("../../assets/landmarks.js"),
            )
        })
        .get("/schedule", schedule::day::day)
        .get("/schedule/week", schedule::week::week)
        .get("/schedule/book", schedule::booking::book_form)
        .post("/schedule/book", schedule::booking::book)
        .get("/schedule/settings", schedule::settings::settings)
        .post("/schedule/hours", schedule::hours::save_hours)
        .post("/schedule/rooms", schedule::settings::add_room)
        .post("/schedule/time-zone", schedule::settings::set_time_zone)
        .post("/schedule/feed", schedule::settings::renew_feed)
        .post("/schedule/time-off", schedule::time_off::add_time_off)
        .post("/time-off/{id}/remove", schedule::time_off::remove_time_off)
        .get("/appointments/{id}", schedule::booking::show_appointment)
        .post("/appointments/{id}/status", schedule::booking::set_status)
        .post("/appointments/{id}/move", schedule::booking::move_appointment)
        .post("/clients/{id}/booking-link", schedule::booking::booking_link)
        .get("/messages", schedule::outbox::outbox)
        .post("/messages/{id}/sent", schedule::outbox::message_sent)
        .post("/messages/{id}/retry", schedule::outbox::message_retry)
        .get("/settings/backups", backups::show)
        .get("/settings/staff", staff::show)
        .post("/settings/staff/invite", staff::invite)
        .post("/settings/staff/{id}/role", staff::set_role)
        .post("/settings/staff/{id}/deactivate", staff::deactivate)
        .post("/settings/staff/{id}/reactivate", staff::reactivate)
        .post("/settings/staff/{id}/reset-mfa", staff::reset_mfa)
        .post("/settings/invitations/{id}/withdraw", staff::withdraw_invitation)
        .get("/settings/sessions", staff::sessions)
        .post("/settings/sessions/{id}/revoke", staff::revoke_session)
        .post("/settings/sessions/revoke-others", staff::revoke_others)
        .get("/settings/clinic", staff::clinic_settings)
        .post("/settings/clinic", staff::save_clinic_settings)
        .get("/invite/{token}", staff::open_invitation)
        .post("/invite/{token}", staff::accept_invitation)
        .get("/atlas", atlas::list)
        .get("/atlas/{id}", atlas::show)
        .get("/static/app.css", stylesheet)
}

pub fn routes(state: AppState) -> Router<AppState> {
    let (router, _) = table().into_parts();
    router.route_layer(middleware::from_fn_with_state(state, csrf_guard))
}

async fn stylesheet() -> Response {
    static_asset("text/css; charset=utf-8", include_str!("../../assets/app.css")).await
}

async fn static_asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A short page: a title, a few lines, links to copy, and a way back.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub title: String,
    pub lines: Vec<String>,
    pub links: Vec<record::links::ShownLink>,
    pub back: String,
    pub back_label: String,
}

/// What the page frame shows about the signed-in person.
pub struct UserBar {
    pub clinic_name: String,
    pub email: String,
    pub name: String,
    pub role_label: &'static str,
    pub csrf: String,
    /// Owners see the installation's settings (backups).
    pub owner: bool,
    /// Shown as a count on the Messages link.
    pub messages_needing_attention: i64,
}

/// Where a signed-in person starts: a therapist's day (the dashboard), the
/// front desk's calendar.
async fn home(PageActor(actor): PageActor) -> Redirect {
    if actor.role.reads_clinical_record() {
        Redirect::to("/dashboard")
    } else {
        Redirect::to("/schedule")
    }
}

pub struct Layout {
    pub user: Option<UserBar>,
    pub section: &'static str,
    pub notice: Option<String>,
}

impl Layout {
    pub fn signed_in(actor: &Actor, section: &'static str) -> Self {
        Layout {
            user: Some(UserBar {
                clinic_name: actor.clinic_name.clone(),
                email: actor.email.clone(),
                name: actor.name.clone(),
                role_label: actor.role.label(),
                csrf: actor.csrf_token.clone(),
                owner: actor.role == myomap_domain::Role::Owner,
                messages_needing_attention: actor.messages_needing_attention,
            }),
            section,
            notice: None,
        }
    }

    pub fn anonymous() -> Self {
        Layout {
            user: None,
            section: "",
            notice: None,
        }
    }
}

pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, layout: Layout, title: &str, message: &str) -> Response {
    render(status, &ErrorPage { layout, title, message })
}

pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        Layout::anonymous(),
        "Not found",
        "There is no such page, or it belongs to another clinic.",
    )
}

/// Why a page could not be shown.
pub enum PageError {
    SignIn {
        expired: bool,
        next: String,
    },
    /// Two-factor sign-in must be set up before anything else.
    EnrolMfa,
    /// Boxed: errors travel far less often than pages, so keep `Result` small.
    Store(Box<StoreError>, Option<Box<Actor>>),
}

impl PageError {
    pub fn store(e: StoreError, actor: Option<&Actor>) -> Self {
        PageError::Store(Box::new(e), actor.map(|a| Box::new(a.clone())))
    }
}

impl From<(StoreError, &Actor)> for PageError {
    fn from((e, actor): (StoreError, &Actor)) -> Self {
        PageError::store(e, Some(actor))
    }
}

/// A use case's error as the store's, so the pages show it with their one
/// mapping of errors to pages, until they render `ClinicError` directly.
pub(crate) fn as_store_error(e: myomap_clinic::ClinicError) -> StoreError {
    use myomap_clinic::ClinicError;
    match e {
        ClinicError::Invalid(errors) | ClinicError::UnsupportedType(errors) | ClinicError::TooLarge(errors) => {
            StoreError::Invalid(errors)
        }
        ClinicError::NotFound(what) => StoreError::NotFound(what),
        // The not-found page names nothing, so the name need not travel.
        ClinicError::Unknown(_) => StoreError::NotFound("name"),
        ClinicError::Forbidden(message) => StoreError::Forbidden(message),
        ClinicError::Conflict(message) => StoreError::Conflict(message),
        ClinicError::Gone(message) => StoreError::Gone(message),
        ClinicError::Unauthenticated(_) => StoreError::SessionExpired,
        ClinicError::Unavailable {
            retry_after_secs: Some(retry_after_secs),
            ..
        } => StoreError::TooManyAttempts { retry_after_secs },
        ClinicError::Unavailable { message, .. } | ClinicError::Internal(message) => StoreError::Internal(message),
    }
}

impl From<(myomap_clinic::ClinicError, &Actor)> for PageError {
    fn from((e, actor): (myomap_clinic::ClinicError, &Actor)) -> Self {
        PageError::store(as_store_error(e), Some(actor))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { expired, next } => {
                let mut target = String::from("/login?");
                if expired {
                    target.push_str("expired=1&");
                }
                target.push_str("next=");
                target.push_str(&percent_encode(&next));
                Redirect::to(&target).into_response()
            }
            PageError::EnrolMfa => Redirect::to("/account/mfa").into_response(),
            PageError::Store(e, actor) => {
                let layout = actor
                    .as_ref()
                    .map_or_else(Layout::anonymous, |a| Layout::signed_in(a, "clients"));
                match *e {
                    StoreError::NotFound(_) => error_page(
                        StatusCode::NOT_FOUND,
                        layout,
                        "Not found",
                        "There is no such record, or it belongs to another clinic.",
                    ),
                    StoreError::Forbidden(m) => error_page(StatusCode::FORBIDDEN, layout, "Not allowed", &m),
                    StoreError::Gone(m) => error_page(StatusCode::GONE, layout, "No longer open", &m),
                    StoreError::Conflict(m) => error_page(StatusCode::CONFLICT, layout, "Changed meanwhile", &m),
                    // Forms show their own field errors; this is the rest
                    // (an action refused for what the record lacks).
                    StoreError::Invalid(errors) => {
                        let detail = errors
                            .0
                            .iter()
                            .map(|e| format!("{}: {}", e.field.replace('_', " "), e.message))
                            .collect::<Vec<_>>()
                            .join("; ");
                        error_page(StatusCode::UNPROCESSABLE_ENTITY, layout, "Cannot do that", &detail)
                    }
                    StoreError::Unauthenticated | StoreError::SessionExpired => PageError::SignIn {
                        expired: true,
                        next: "/clients".into(),
                    }
                    .into_response(),
                    other => {
                        tracing::error!(error = %other, "page failed");
                        error_page(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            layout,
                            "Something went wrong",
                            "The server could not complete this request. It has been logged; try again in a moment.",
                        )
                    }
                }
            }
        }
    }
}

pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The signed-in staff member of a page request.
pub struct PageActor(pub Actor);

impl FromRequestParts<AppState> for PageActor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path();
        // Until an owner (or anyone in a clinic that requires it) has set up
        // two-factor sign-in, the set-up page and signing out are all there is.
        let allowed = |actor: Actor| {
            if actor.mfa_enrolment_due && !path.starts_with("/account/mfa") && path != "/logout" {
                Err(PageError::EnrolMfa)
            } else {
                Ok(PageActor(actor))
            }
        };
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return allowed(actor.clone());
        }
        let next = parts.uri.path_and_query().map_or("/clients", |p| p.as_str()).to_owned();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::SignIn { expired: false, next });
        };
        match state.store.authenticate(token).await {
            Ok(actor) => allowed(actor),
            Err(StoreError::Unauthenticated | StoreError::SessionExpired) => {
                Err(PageError::SignIn { expired: true, next })
            }
            Err(e) => Err(PageError::store(e, None)),
        }
    }
}

/// File uploads carry the token in the address: the body is a stream the
/// handler reads, too large to buffer here.
/// The `csrf` field of a multipart form (the photo upload), read before the
/// handler from the buffered body. The token travels in the form, never in
/// the address, where proxies and server logs would keep it.
async fn multipart_field(content_type: &str, body: &axum::body::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let chunk = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(chunk) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

async fn multipart_csrf(state: AppState, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, myomap_store::MAX_PHOTO_BYTES + 64 * 1024).await else {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            Layout::anonymous(),
            "Upload too large",
            "The upload was larger than the server accepts. Choose a smaller photo and try again.",
        );
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let given = multipart_field(content_type, &bytes, "csrf").await.unwrap_or_default();
    let mut request = Request::from_parts(parts, Body::from(bytes));
    let Some(token) = cookie(request.headers(), SESSION_COOKIE) else {
        return PageError::SignIn {
            expired: false,
            next: "/clients".into(),
        }
        .into_response();
    };
    match state.store.authenticate(token).await {
        Ok(actor) if tokens_match(&actor.csrf_token, &given) => {
            request.extensions_mut().insert(actor);
            next.run(request).await
        }
        Ok(_) => error_page(
            StatusCode::FORBIDDEN,
            Layout::anonymous(),
            "Form not accepted",
            "This form's security token is missing or out of date, so nothing was changed. Go back, reload the page and submit it again.",
        ),
        Err(StoreError::Unauthenticated | StoreError::SessionExpired) => PageError::SignIn {
            expired: true,
            next: "/clients".into(),
        }
        .into_response(),
        Err(e) => PageError::store(e, None).into_response(),
    }
}

/// Refuses a form post whose `csrf` field does not match the session's token
/// (or, for the sign-in form, the token in its short-lived cookie).
async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Client-link and invitation pages carry their own single-use capability
    // in the address and no session, so a forged cross-site post has nothing
    // to ride on.
    let path = request.uri().path();
    if request.method() != Method::POST || path.starts_with("/c/") || path.starts_with("/invite/") {
        return next.run(request).await;
    }
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        return multipart_csrf(state, request, next).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, crate::MAX_BODY_BYTES).await else {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            Layout::anonymous(),
            "Form too large",
            "The form was larger than the server accepts. Shorten the text and try again.",
        );
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    // PostgreSQL cannot hold text with NUL: refuse it here, naming the field,
    // rather than fail in the store.
    if let Some((field, _)) = pairs.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::anonymous(),
            "Form not accepted",
            &format!(
                "The field \"{}\" contains a NUL character, which no field may contain, so nothing was changed.",
                field.replace('\0', "")
            ),
        );
    }
    let given = pairs.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
    let expected = if matches!(parts.uri.path(), "/login" | "/login/code") {
        cookie(&parts.headers, LOGIN_CSRF_COOKIE).unwrap_or_default().to_owned()
    } else {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return PageError::SignIn {
                expired: false,
                next: "/clients".into(),
            }
            .into_response();
        };
        match state.store.authenticate(token).await {
            Ok(actor) => {
                let expected = actor.csrf_token.clone();
                parts.extensions.insert(actor);
                expected
            }
            Err(StoreError::Unauthenticated | StoreError::SessionExpired) => {
                return PageError::SignIn {
                    expired: true,
                    next: "/clients".into(),
                }
                .into_response();
            }
            Err(e) => return PageError::store(e, None).into_response(),
        }
    };
    if !tokens_match(&expected, given) {
        return error_page(
            StatusCode::FORBIDDEN,
            Layout::anonymous(),
            "Form not accepted",
            "This form's security token is missing or out of date, so nothing was changed. Go back, reload the page and submit it again.",
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
