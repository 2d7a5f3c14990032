//! Two-factor sign-in pages: a staff member's own set-up (QR code and the
//! secret as text, confirmed by a current code), recovery codes shown once,
//! replacing them, turning it off; and the owner's clinic setting that
//! requires it of everyone.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_domain::Role;
use myomap_store::{Actor, MfaStatus, PendingEnrolment, StoreError};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, error_page, render};
use crate::AppState;

/// The set-up waiting for its first code, as the page shows it.
pub struct SetUpView {
    pub qr_svg: String,
    /// The secret in groups of four, for typing into an app by hand.
    pub secret: String,
    pub otpauth_uri: String,
}

#[derive(Template)]
#[template(path = "account_mfa.html")]
pub struct AccountMfaPage {
    pub layout: Layout,
    pub csrf: String,
    pub status: MfaStatus,
    pub owner: bool,
    pub set_up: Option<SetUpView>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub just_enrolled: bool,
}

#[derive(Template)]
#[template(path = "security_settings.html")]
pub struct SecuritySettingsPage {
    pub layout: Layout,
    pub csrf: String,
    pub require_mfa: bool,
}

/// The QR code of an `otpauth://` address as inline SVG (no XML prolog: it
/// sits inside the page).
fn qr_svg(uri: &str) -> Result<String, StoreError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| StoreError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn set_up_view(pending: &PendingEnrolment) -> Result<SetUpView, StoreError> {
    Ok(SetUpView {
        qr_svg: qr_svg(&pending.otpauth_uri)?,
        secret: grouped(&pending.secret.to_base32()),
        otpauth_uri: pending.otpauth_uri.clone(),
    })
}

async fn account_page(
    state: &AppState,
    actor: &Actor,
    status_code: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let status = state.store.mfa_status(actor).await.map_err(|e| (e, actor))?;
    let set_up = if status.enrolled {
        None
    } else {
        let pending = state.store.start_mfa_enrolment(actor).await.map_err(|e| (e, actor))?;
        Some(set_up_view(&pending).map_err(|e| (e, actor))?)
    };
    let mut layout = Layout::signed_in(actor, "account");
    if actor.mfa_enrolment_due {
        layout.notice = Some(if actor.role == Role::Owner {
            "Owners must use two-factor sign-in. Set it up to continue.".to_owned()
        } else {
            "Your clinic requires two-factor sign-in. Set it up to continue.".to_owned()
        });
    }
    Ok(render(
        status_code,
        &AccountMfaPage {
            layout,
            csrf: actor.csrf_token.clone(),
            owner: actor.role == Role::Owner,
            status,
            set_up,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, PageActor(actor): PageActor) -> Result<Response, PageError> {
    account_page(&state, &actor, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// A wrong or missing field shows the account page again with the reason;
/// anything else is the usual error page.
async fn refused(state: &AppState, actor: &Actor, error: StoreError) -> Result<Response, PageError> {
    match error {
        StoreError::Invalid(errors) => {
            let message = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", field_label(&e.field), e.message))
                .collect::<Vec<_>>()
                .join("; ");
            account_page(state, actor, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await
        }
        e @ StoreError::TooManyAttempts { .. } => {
            account_page(state, actor, StatusCode::TOO_MANY_REQUESTS, Some(e.to_string())).await
        }
        other => Err(PageError::store(other, Some(actor))),
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "code" => "Code",
        "password" => "Password",
        other => other,
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    match state.store.confirm_mfa_enrolment(&actor, &form.code).await {
        Ok(codes) => {
            // The session was due for set-up until now; show the codes with
            // the full navigation.
            let mut actor = actor;
            actor.mfa_enrolment_due = false;
            Ok(render(
                StatusCode::OK,
                &RecoveryCodesPage {
                    layout: Layout::signed_in(&actor, "account"),
                    codes,
                    just_enrolled: true,
                },
            ))
        }
        Err(e) => refused(&state, &actor, e).await,
    }
}

pub async fn regenerate(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    match state.store.regenerate_recovery_codes(&actor, &form.code).await {
        Ok(codes) => Ok(render(
            StatusCode::OK,
            &RecoveryCodesPage {
                layout: Layout::signed_in(&actor, "account"),
                codes,
                just_enrolled: false,
            },
        )),
        Err(e) => refused(&state, &actor, e).await,
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn disable(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<DisableForm>,
) -> Result<Response, PageError> {
    match state.store.disable_mfa(&actor, &form.password, &form.code).await {
        Ok(()) => Ok(Redirect::to("/account/mfa").into_response()),
        Err(e) => refused(&state, &actor, e).await,
    }
}

fn owners_only(actor: &Actor) -> Option<Response> {
    (actor.role != Role::Owner).then(|| {
        error_page(
            StatusCode::FORBIDDEN,
            Layout::signed_in(actor, "security"),
            "Not allowed",
            "Only an owner can change the clinic's sign-in rules.",
        )
    })
}

pub async fn clinic_settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
) -> Result<Response, PageError> {
    if let Some(refusal) = owners_only(&actor) {
        return Ok(refusal);
    }
    let status = state.store.mfa_status(&actor).await.map_err(|e| (e, &actor))?;
    Ok(render(
        StatusCode::OK,
        &SecuritySettingsPage {
            layout: Layout::signed_in(&actor, "security"),
            csrf: actor.csrf_token.clone(),
            require_mfa: status.clinic_requires,
        },
    ))
}

#[derive(Deserialize)]
pub struct SecurityForm {
    /// A checkbox: present when ticked.
    #[serde(default)]
    require_mfa: Option<String>,
}

pub async fn save_clinic_settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<SecurityForm>,
) -> Result<Response, PageError> {
    if let Some(refusal) = owners_only(&actor) {
        return Ok(refusal);
    }
    let required = form.require_mfa.is_some();
    state
        .store
        .set_clinic_requires_mfa(&actor, required)
        .await
        .map_err(|e| (e, &actor))?;
    let mut layout = Layout::signed_in(&actor, "security");
    layout.notice = Some(if required {
        "Every staff member now needs two-factor sign-in; those without it set it up at their next page.".to_owned()
    } else {
        "Two-factor sign-in is now required of owners only.".to_owned()
    });
    Ok(render(
        StatusCode::OK,
        &SecuritySettingsPage {
            layout,
            csrf: actor.csrf_token.clone(),
            require_mfa: required,
        },
    ))
}
