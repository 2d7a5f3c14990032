//! Staff management, sessions and the clinic's settings in JSON: the same
//! store calls as the owner's pages (owner-only where the store says so;
//! everyone sees and ends their own sessions).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::staff;
use myomap_store::{ActiveSession, ClinicSettings, ClinicSettingsChange, PendingInvitation, StaffAccount};
use serde::{Deserialize, Serialize};

use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// A member of staff.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StaffMemberJson {
    id: String,
    email: String,
    name: String,
    /// `owner`, `therapist` or `front_desk`.
    role: String,
    /// A deactivated account cannot sign in.
    active: bool,
    /// The newest sign-in (RFC 3339), if any.
    last_sign_in: Option<String>,
    /// Signs in with a confirmed second factor.
    two_factor: bool,
}

/// An invitation not yet used.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    id: String,
    email: String,
    name: String,
    role: String,
    created_at: String,
    expires_at: String,
}

/// The clinic's staff and open invitations.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StaffList {
    staff: Vec<StaffMemberJson>,
    invitations: Vec<InvitationJson>,
}

/// Whom to invite.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(example = "new.therapist@clinic.example")]
    email: String,
    /// The name the clinic knows them by.
    name: String,
    /// `owner`, `therapist` or `front_desk`.
    role: String,
}

/// An invitation just made. The URL is shown once; its message is queued
/// in the outbox.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssuedInvitationJson {
    id: String,
    /// Single use, built from the server's public address.
    url: String,
    expires_at: String,
    message_id: String,
}

/// A new role.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// `owner`, `therapist` or `front_desk`.
    role: String,
}

/// A signed-in session.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionJson {
    id: String,
    user_id: String,
    user_name: String,
    user_email: String,
    started_at: String,
    expires_at: String,
    user_agent: String,
    remote_address: String,
    /// The session this request was made with.
    current: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionJson>,
}

/// How many sessions ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RevokedSessions {
    revoked: u64,
}

/// The clinic's details as messages and pages show them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClinicSettingsJson {
    name: String,
    address: String,
    /// IANA time zone name.
    time_zone: String,
    phone: String,
    /// The address clients are told to write to.
    email: String,
    /// Send it back with a change; a stale one is refused (409).
    version: i64,
}

/// A change of every field, from the version read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicSettingsUpdate {
    name: String,
    #[serde(default)]
    address: String,
    #[schema(example = "Europe/London")]
    time_zone: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    version: i64,
}

fn member_json(m: StaffAccount) -> StaffMemberJson {
    StaffMemberJson {
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role.as_str().into(),
        active: m.active,
        last_sign_in: m.last_sign_in.map(|t| t.to_string()),
        two_factor: m.two_factor,
    }
}

fn invitation_json(i: PendingInvitation) -> InvitationJson {
    InvitationJson {
        id: i.id,
        email: i.email,
        name: i.name,
        role: i.role.as_str().into(),
        created_at: i.created_at.to_string(),
        expires_at: i.expires_at.to_string(),
    }
}

fn session_json(s: ActiveSession) -> SessionJson {
    SessionJson {
        id: s.id,
        user_id: s.user_id,
        user_name: s.user_name,
        user_email: s.user_email,
        started_at: s.started_at.to_string(),
        expires_at: s.expires_at.to_string(),
        user_agent: s.user_agent,
        remote_address: s.remote_address,
        current: s.current,
    }
}

fn settings_json(s: ClinicSettings) -> ClinicSettingsJson {
    ClinicSettingsJson {
        name: s.name,
        address: s.address,
        time_zone: s.time_zone,
        phone: s.phone,
        email: s.email,
        version: s.version,
    }
}

fn role(text: &str) -> Result<myomap_domain::Role, Problem> {
    staff::parse_role(text).map_err(Problem::invalid)
}

/// The clinic's staff (active first) and open invitations (owner only).
#[utoipa::path(
    get,
    path = "/api/v1/staff/accounts",
    operation_id = "list_staff_accounts",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Staff and open invitations.", body = StaffList),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
    )
)]
pub async fn accounts(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<StaffList>, Problem> {
    let scope = state.store.clinic(&actor);
    let staff = scope.staff_accounts().await?;
    let invitations = scope.pending_invitations().await?;
    Ok(Json(StaffList {
        staff: staff.into_iter().map(member_json).collect(),
        invitations: invitations.into_iter().map(invitation_json).collect(),
    }))
}

/// Invite someone (owner only).
///
/// A single-use link, valid for 7 days, queued to them in the outbox. An
/// earlier open invitation of the address stops working.
#[utoipa::path(
    post,
    path = "/api/v1/staff/invitations",
    operation_id = "invite_staff",
    tag = "staff",
    security(("bearer" = [])),
    request_body = NewInvitation,
    responses(
        (status = 201, description = "Invited.", body = IssuedInvitationJson),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewInvitation>,
) -> Result<Response, Problem> {
    let role = role(&body.role)?;
    let issued = staff::invite(&state.store, &actor, &state.messages(), &body.email, &body.name, role).await?;
    let answer = IssuedInvitationJson {
        id: issued.id,
        url: staff::invitation_url(&state.config.public_url, &issued.token),
        expires_at: issued.expires_at.to_string(),
        message_id: issued.message_id,
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// Change a member of staff's role (owner only).
///
/// The last active owner keeps theirs (409).
#[utoipa::path(
    put,
    path = "/api/v1/staff/{id}/role",
    operation_id = "set_staff_role",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id.")),
    request_body = RoleChange,
    responses(
        (status = 204, description = "Changed."),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn set_role(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<StatusCode, Problem> {
    let role = role(&body.role)?;
    state.store.clinic(&actor).set_staff_role(&id, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivate an account (owner only).
///
/// It cannot sign in and its sessions end at once. Not the last active
/// owner, not oneself (409).
#[utoipa::path(
    post,
    path = "/api/v1/staff/{id}/deactivate",
    operation_id = "deactivate_staff",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id.")),
    responses(
        (status = 204, description = "Deactivated (or already was)."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
    )
)]
pub async fn deactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).deactivate_staff(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset a member's two-factor sign-in (owner only).
///
/// For a lost phone: their sessions end and they set up a new
/// authenticator at their next sign-in.
#[utoipa::path(
    post,
    path = "/api/v1/staff/{id}/reset-mfa",
    operation_id = "reset_staff_mfa",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id.")),
    responses(
        (status = 204, description = "Reset (or there was nothing to reset)."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn reset_mfa(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let user = id
        .parse::<myomap_domain::UserId>()
        .map_err(|_| Problem::from(myomap_store::StoreError::NotFound("staff member")))?;
    myomap_clinic::mfa::reset_staff_mfa(&state.store, &actor, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reactivate an account (owner only); it signs in with its old password.
#[utoipa::path(
    post,
    path = "/api/v1/staff/{id}/reactivate",
    operation_id = "reactivate_staff",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id.")),
    responses(
        (status = 204, description = "Active (or already was)."),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).reactivate_staff(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own sessions, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/sessions",
    operation_id = "list_own_sessions",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your sessions.", body = SessionList),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn own_sessions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SessionList>, Problem> {
    let sessions = state.store.clinic(&actor).own_sessions().await?;
    Ok(Json(SessionList {
        sessions: sessions.into_iter().map(session_json).collect(),
    }))
}

/// Every active session of the clinic (owner only), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/sessions",
    operation_id = "list_clinic_sessions",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The clinic's sessions.", body = SessionList),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
    )
)]
pub async fn clinic_sessions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SessionList>, Problem> {
    let sessions = state.store.clinic(&actor).clinic_sessions().await?;
    Ok(Json(SessionList {
        sessions: sessions.into_iter().map(session_json).collect(),
    }))
}

/// End a signed-in session.
///
/// An owner may end any of the clinic's, everyone else their own. It stops
/// working on the next request to any server.
#[utoipa::path(
    delete,
    path = "/api/v1/clinic/sessions/{id}",
    operation_id = "revoke_session",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id (from a session list).")),
    responses(
        (status = 204, description = "Ended."),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn revoke_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).revoke_session(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of the caller but the one making this request.
#[utoipa::path(
    post,
    path = "/api/v1/me/sessions/revoke-others",
    operation_id = "revoke_other_sessions",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many ended.", body = RevokedSessions),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn revoke_others(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<RevokedSessions>, Problem> {
    let revoked = state.store.clinic(&actor).revoke_other_sessions().await?;
    Ok(Json(RevokedSessions { revoked }))
}

/// The clinic's settings.
///
/// Name, address, time zone and contact details, with their version.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/settings",
    operation_id = "get_clinic_settings",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings.", body = ClinicSettingsJson),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ClinicSettingsJson>, Problem> {
    Ok(Json(settings_json(state.store.clinic(&actor).clinic_settings().await?)))
}

/// Change the clinic's settings (owner only).
///
/// From the version read: a stale version is refused (409) and changes
/// nothing.
#[utoipa::path(
    put,
    path = "/api/v1/clinic/settings",
    operation_id = "set_clinic_settings",
    tag = "staff",
    security(("bearer" = [])),
    request_body = ClinicSettingsUpdate,
    responses(
        (status = 200, description = "Saved; the new version.", body = ClinicSettingsJson),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 409, response = schemas::Conflict),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn set_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClinicSettingsUpdate>,
) -> Result<Json<ClinicSettingsJson>, Problem> {
    let change = ClinicSettingsChange {
        name: body.name,
        address: body.address,
        time_zone: body.time_zone,
        phone: body.phone,
        email: body.email,
        version: body.version,
    };
    let saved = state.store.clinic(&actor).update_clinic_settings(&change).await?;
    Ok(Json(settings_json(saved)))
}
