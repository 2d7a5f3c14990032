//! A therapist's time off, added and removed from the calendar settings.

use crate::pages::as_store_error;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_domain::ValidationErrors;
use myomap_store::StoreError;

use super::settings::settings_page;
use crate::AppState;
use crate::pages::record::{Pairs, store_err, value};
use crate::pages::{PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, zone_of};

pub async fn add_time_off(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let therapist = value(&pairs, "therapist").to_owned();
    let (starts, ends, reason) = (
        value(&pairs, "off_starts"),
        value(&pairs, "off_ends"),
        value(&pairs, "off_reason"),
    );
    let scope = state.store.clinic(&actor);
    match scheduling::add_time_off(&scope, &zone_of(&actor), &therapist, starts, ends, reason)
        .await
        .map_err(as_store_error)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/schedule/settings?therapist={therapist}&notice=Time+off+saved"
        ))
        .into_response()),
        Err(e) => {
            let errors = match e {
                StoreError::Invalid(errors) => {
                    let mut named = ValidationErrors::default();
                    for e in errors.0 {
                        named.add("time_off", e.message);
                    }
                    named
                }
                StoreError::Conflict(m) | StoreError::Forbidden(m) => ValidationErrors::single("time_off", m),
                other => return Err(store_err(&actor)(other)),
            };
            let mut page = settings_page(&state, &actor, Some(&therapist), None, errors).await?;
            page.typed_off = (starts.to_owned(), ends.to_owned(), reason.to_owned());
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn remove_time_off(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .remove_time_off(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to(&format!(
        "/schedule/settings?therapist={}&notice=Time+off+removed",
        value(&pairs, "therapist")
    ))
    .into_response())
}
