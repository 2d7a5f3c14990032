//! The owner's staff page (invite, change role, deactivate, reactivate),
//! the sessions page (everyone's own; the owner's whole clinic), the
//! owner's clinic settings page, and the page an invitee opens from their
//! link to choose a password.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::{ClinicError, staff};
use myomap_domain::{Role, ValidationErrors};
use myomap_store::{
    ActiveSession, Actor, ClinicSettings, ClinicSettingsChange, OpenInvitation, SessionClient, StoreError,
};
use serde::Deserialize;

use super::{Layout, MessagePage, PageActor, PageError, error_page, render};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, set_cookie};

fn forbidden(actor: &Actor, section: &'static str, what: &str) -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        Layout::signed_in(actor, section),
        "Not allowed",
        &format!("Only an owner {what}."),
    )
}

fn when(actor: &Actor, at: jiff::Timestamp) -> String {
    myomap_clinic::schedule::local_text(at, &myomap_clinic::schedule::zone_of(actor))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: Option<String>,
}

fn layout_with_notice(actor: &Actor, section: &'static str, notice: Option<String>) -> Layout {
    let mut layout = Layout::signed_in(actor, section);
    layout.notice = notice.filter(|n| !n.is_empty() && n.chars().count() <= 200);
    layout
}

/// One member of staff as the page lists them.
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub active: bool,
    pub last_sign_in: String,
    pub is_self: bool,
    pub two_factor: bool,
}

pub struct InvitationRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role_label: &'static str,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "staff.html")]
pub struct StaffPage {
    pub layout: Layout,
    pub csrf: String,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    pub roles: Vec<(&'static str, &'static str)>,
    pub errors: Vec<String>,
    pub typed_email: String,
    pub typed_name: String,
    pub typed_role: String,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

async fn staff_page(state: &AppState, actor: &Actor, notice: Option<String>) -> Result<StaffPage, PageError> {
    let scope = state.store.clinic(actor);
    let members = scope
        .staff_accounts()
        .await
        .map_err(|e| PageError::store(e, Some(actor)))?;
    let invitations = scope
        .pending_invitations()
        .await
        .map_err(|e| PageError::store(e, Some(actor)))?;
    let own_id = actor.user_id.to_string();
    Ok(StaffPage {
        layout: layout_with_notice(actor, "staff", notice),
        csrf: actor.csrf_token.clone(),
        members: members
            .into_iter()
            .map(|m| MemberRow {
                is_self: m.id == own_id,
                id: m.id,
                name: m.name,
                email: m.email,
                role: m.role.as_str(),
                active: m.active,
                two_factor: m.two_factor,
                last_sign_in: m.last_sign_in.map_or_else(|| "Never".to_owned(), |t| when(actor, t)),
            })
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id,
                name: i.name,
                email: i.email,
                role_label: i.role.label(),
                expires: when(actor, i.expires_at),
            })
            .collect(),
        roles: roles(),
        errors: Vec::new(),
        typed_email: String::new(),
        typed_name: String::new(),
        typed_role: Role::Therapist.as_str().into(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    if !actor.role.manages_accounts() {
        return Ok(forbidden(&actor, "staff", "manages the clinic's staff"));
    }
    Ok(render(StatusCode::OK, &staff_page(&state, &actor, query.notice).await?))
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

fn error_lines(errors: &ValidationErrors) -> Vec<String> {
    errors.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
}

pub async fn invite(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    if !actor.role.manages_accounts() {
        return Ok(forbidden(&actor, "staff", "invites staff"));
    }
    let refused = match staff::parse_role(&form.role) {
        Err(errors) => error_lines(&errors),
        Ok(role) => match staff::invite(&state.store, &actor, &state.messages(), &form.email, &form.name, role).await {
            Ok(issued) => {
                let url = staff::invitation_url(&state.config.public_url, &issued.token);
                let sent_how = if state.config.mailer.is_some() {
                    format!(
                        "An e-mail with this link to {} is queued in Messages.",
                        form.email.trim()
                    )
                } else {
                    format!(
                        "E-mail is not set up on this server: the message to {} waits in Messages for you to send, or give them this link yourself.",
                        form.email.trim()
                    )
                };
                let page = MessagePage {
                    layout: Layout::signed_in(&actor, "staff"),
                    title: "Invitation ready".into(),
                    lines: vec![
                        sent_how,
                        format!(
                            "The link works once, until {}; whoever opens it chooses the password for {}.",
                            when(&actor, issued.expires_at),
                            form.email.trim()
                        ),
                    ],
                    links: vec![crate::pages::record::links::ShownLink {
                        label: "Invitation link".into(),
                        url,
                        expires: format!("Expires {}", when(&actor, issued.expires_at)),
                        email: None,
                    }],
                    back: "/settings/staff".into(),
                    back_label: "Back to staff".into(),
                };
                return Ok(render(StatusCode::CREATED, &page));
            }
            Err(ClinicError::Invalid(errors)) => error_lines(&errors),
            Err(ClinicError::Conflict(message)) => vec![message],
            Err(e) => return Err(PageError::from((e, &actor))),
        },
    };
    let mut page = staff_page(&state, &actor, None).await?;
    page.errors = refused;
    page.typed_email = form.email;
    page.typed_name = form.name;
    page.typed_role = form.role;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Runs a staff change and comes back to the staff page with a notice, or
/// shows why it was refused on the page.
async fn staff_change(
    state: &AppState,
    actor: &Actor,
    done: &str,
    result: Result<(), StoreError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/settings/staff?notice={}", super::percent_encode(done))).into_response()),
        Err(StoreError::Conflict(message)) => {
            let mut page = staff_page(state, actor, None).await?;
            page.errors = vec![message];
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(StoreError::Invalid(errors)) => {
            let mut page = staff_page(state, actor, None).await?;
            page.errors = error_lines(&errors);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::store(e, Some(actor))),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let result = match staff::parse_role(&form.role) {
        Ok(role) => state.store.clinic(&actor).set_staff_role(&id, role).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    staff_change(&state, &actor, "Role changed", result).await
}

pub async fn deactivate(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let result = state.store.clinic(&actor).deactivate_staff(&id).await;
    staff_change(&state, &actor, "Account deactivated; its sessions have ended", result).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let result = state.store.clinic(&actor).reactivate_staff(&id).await;
    staff_change(&state, &actor, "Account reactivated", result).await
}

/// Clears a member's second factor (a lost phone): they set it up again at
/// their next sign-in, and their sessions end now.
pub async fn reset_mfa(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Ok(user) = id.parse::<myomap_domain::UserId>() else {
        return Err(PageError::store(StoreError::NotFound("staff member"), Some(&actor)));
    };
    let result = myomap_clinic::mfa::reset_staff_mfa(&state.store, &actor, user)
        .await
        .map_err(super::as_store_error);
    staff_change(
        &state,
        &actor,
        "Two-factor sign-in reset: they set it up again at their next sign-in",
        result,
    )
    .await
}

pub async fn withdraw_invitation(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let result = state.store.clinic(&actor).withdraw_invitation(&id).await;
    staff_change(&state, &actor, "Invitation withdrawn", result).await
}

/// A session as the sessions page lists it.
pub struct SessionRow {
    pub id: String,
    pub who: String,
    pub email: String,
    pub started: String,
    pub expires: String,
    pub browser: String,
    pub address: String,
    pub current: bool,
}

fn session_row(actor: &Actor, s: ActiveSession) -> SessionRow {
    SessionRow {
        id: s.id,
        who: s.user_name,
        email: s.user_email,
        started: when(actor, s.started_at),
        expires: when(actor, s.expires_at),
        browser: staff::describe_browser(&s.user_agent),
        address: s.remote_address,
        current: s.current,
    }
}

#[derive(Template)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    pub layout: Layout,
    pub csrf: String,
    pub own: Vec<SessionRow>,
    /// Every session of the clinic, for an owner.
    pub clinic: Option<Vec<SessionRow>>,
}

pub async fn sessions(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let own = scope
        .own_sessions()
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    let clinic = if actor.role.manages_accounts() {
        Some(
            scope
                .clinic_sessions()
                .await
                .map_err(|e| PageError::store(e, Some(&actor)))?,
        )
    } else {
        None
    };
    let page = SessionsPage {
        layout: layout_with_notice(&actor, "sessions", query.notice),
        csrf: actor.csrf_token.clone(),
        own: own.into_iter().map(|s| session_row(&actor, s)).collect(),
        clinic: clinic.map(|all| all.into_iter().map(|s| session_row(&actor, s)).collect()),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn revoke_session(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .revoke_session(&id)
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    Ok(Redirect::to("/settings/sessions?notice=Session+ended").into_response())
}

pub async fn revoke_others(State(state): State<AppState>, PageActor(actor): PageActor) -> Result<Response, PageError> {
    let ended = state
        .store
        .clinic(&actor)
        .revoke_other_sessions()
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    let notice = format!(
        "Signed out of {ended} other session{}",
        if ended == 1 { "" } else { "s" }
    );
    Ok(Redirect::to(&format!("/settings/sessions?notice={}", super::percent_encode(&notice))).into_response())
}

#[derive(Template)]
#[template(path = "clinic_settings.html")]
pub struct ClinicSettingsPage {
    pub layout: Layout,
    pub csrf: String,
    pub settings: ClinicSettings,
    pub errors: Vec<String>,
}

pub async fn clinic_settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    if !actor.role.manages_accounts() {
        return Ok(forbidden(&actor, "clinic", "changes the clinic's settings"));
    }
    let settings = state
        .store
        .clinic(&actor)
        .clinic_settings()
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    let page = ClinicSettingsPage {
        layout: layout_with_notice(&actor, "clinic", query.notice),
        csrf: actor.csrf_token.clone(),
        settings,
        errors: Vec::new(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ClinicSettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    version: String,
}

pub async fn save_clinic_settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<ClinicSettingsForm>,
) -> Result<Response, PageError> {
    if !actor.role.manages_accounts() {
        return Ok(forbidden(&actor, "clinic", "changes the clinic's settings"));
    }
    let change = ClinicSettingsChange {
        name: form.name.clone(),
        address: form.address.clone(),
        time_zone: form.time_zone.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
        version: form.version.trim().parse().unwrap_or(-1),
    };
    let (status, errors) = match state.store.clinic(&actor).update_clinic_settings(&change).await {
        Ok(_) => return Ok(Redirect::to("/settings/clinic?notice=Clinic+settings+saved").into_response()),
        Err(StoreError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, error_lines(&errors)),
        Err(StoreError::Conflict(message)) => (StatusCode::CONFLICT, vec![message]),
        Err(e) => return Err(PageError::store(e, Some(&actor))),
    };
    // What was typed stays in the form; a conflict keeps the version seen,
    // so saving again needs a reload that shows the other changes first.
    let settings = ClinicSettings {
        name: form.name,
        address: form.address,
        time_zone: form.time_zone,
        phone: form.phone,
        email: form.email,
        version: change.version,
    };
    let page = ClinicSettingsPage {
        layout: Layout::signed_in(&actor, "clinic"),
        csrf: actor.csrf_token.clone(),
        settings,
        errors,
    };
    Ok(render(status, &page))
}

#[derive(Template)]
#[template(path = "invitation.html")]
pub struct InvitationPage {
    pub layout: Layout,
    pub invitation: OpenInvitation,
    pub role_label: &'static str,
    pub token: String,
    pub errors: Vec<String>,
}

fn closed_page(e: StoreError) -> Response {
    match e {
        StoreError::Gone(message) => error_page(
            StatusCode::GONE,
            Layout::anonymous(),
            "This invitation is no longer open",
            &message,
        ),
        StoreError::NotFound(_) => error_page(
            StatusCode::NOT_FOUND,
            Layout::anonymous(),
            "Invitation not found",
            "This invitation link is not known. Check that the whole link was copied, or ask the clinic's owner for a new one.",
        ),
        other => PageError::store(other, None).into_response(),
    }
}

pub async fn open_invitation(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.store.open_invitation(&token).await {
        Ok(invitation) => render(
            StatusCode::OK,
            &InvitationPage {
                layout: Layout::anonymous(),
                role_label: invitation.role.label(),
                invitation,
                token,
                errors: Vec::new(),
            },
        ),
        Err(e) => closed_page(e),
    }
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Response {
    let refuse = |errors: Vec<String>, invitation: OpenInvitation, token: String| {
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &InvitationPage {
                layout: Layout::anonymous(),
                role_label: invitation.role.label(),
                invitation,
                token,
                errors,
            },
        )
    };
    let invitation = match state.store.open_invitation(&token).await {
        Ok(invitation) => invitation,
        Err(e) => return closed_page(e),
    };
    if form.password != form.password_again {
        return refuse(
            vec!["password_again: does not match the password".into()],
            invitation,
            token,
        );
    }
    let remote = remote.ip().to_string();
    let client = SessionClient {
        user_agent: crate::auth::user_agent(&headers),
        remote: &remote,
    };
    match state
        .store
        .accept_invitation(&token, &form.password, client, state.config.session_ttl)
        .await
    {
        Ok(grant) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &grant.token,
                    state.config.session_ttl.as_secs(),
                    state.config.secure_cookies,
                ),
            );
            response
        }
        Err(StoreError::Invalid(errors)) => refuse(error_lines(&errors), invitation, token),
        Err(StoreError::Conflict(message)) => refuse(vec![message], invitation, token),
        Err(e) => closed_page(e),
    }
}
