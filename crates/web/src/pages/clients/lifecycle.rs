//! Archiving, restoring and erasing a client.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_domain::ClientId;
use myomap_store::Actor;
use serde::Deserialize;

use super::parse_id;
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

async fn set_archived(state: &AppState, actor: &Actor, id: &str, archived: bool) -> Result<Response, PageError> {
    let id = parse_id(id, actor)?;
    state
        .store
        .clinic(actor)
        .set_archived(id, archived)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response())
}

pub async fn archive(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_archived(&state, &actor, &id, true).await
}

pub async fn restore(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_archived(&state, &actor, &id, false).await
}

#[derive(Template)]
#[template(path = "erase.html")]
struct ErasePage {
    layout: Layout,
    id: ClientId,
    name: String,
    csrf: String,
    problem: Option<String>,
    confirm_error: Option<String>,
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// Erases a client on request (owner only): the typed full name confirms
/// it. A wrong name or a retention period not yet over shows the form again
/// with what is wrong; the other refusals are the usual status pages.
pub async fn erase(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<EraseForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let erased =
        myomap_clinic::erasure::erase_client(&state.store, &actor, &myomap_clinic::SystemClock, id, &form.confirm)
            .await;
    let (status, problem, confirm_error) = match erased {
        Ok(_) => return Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response()),
        Err(myomap_clinic::ClinicError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing was erased.".to_owned(),
            errors.for_field("confirm").map(str::to_owned),
        ),
        Err(myomap_clinic::ClinicError::Conflict(m)) => (StatusCode::CONFLICT, m, None),
        Err(e) => return Err(PageError::from((e, &actor))),
    };
    let client = state
        .store
        .clinic(&actor)
        .get_client(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(render(
        status,
        &ErasePage {
            layout: Layout::signed_in(&actor, "clients"),
            id,
            name: client.full_name(),
            csrf: actor.csrf_token.clone(),
            problem: Some(problem),
            confirm_error,
        },
    ))
}
