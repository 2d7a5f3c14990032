//! A client's audit trail.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_domain::ClientId;

use super::parse_id;
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};
use myomap_clinic::presenter::Presenter;

struct HistoryRow {
    at: String,
    action: String,
    actor: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    id: ClientId,
    name: String,
    entries: Vec<HistoryRow>,
}

/// How many entries the history page lists, newest first.
const HISTORY_ENTRIES: i64 = 200;

/// The client's audit trail on a page of its own (clinical roles): who read
/// or changed the record and when, by name and on the clinic's clock.
pub async fn history(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let entries = scope
        .client_history(id, HISTORY_ENTRIES)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let client = scope.get_client(id).await.map_err(|e| PageError::from((e, &actor)))?;
    let shown = Presenter::of(&scope, &actor)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(render(
        StatusCode::OK,
        &HistoryPage {
            layout: Layout::signed_in(&actor, "clients"),
            id,
            name: client.full_name(),
            entries: entries
                .into_iter()
                .map(|e| HistoryRow {
                    at: shown.time(e.at),
                    action: action_label(&e.action),
                    actor: shown.person(&e.actor),
                })
                .collect(),
        },
    ))
}

/// An audit action as a person reads it.
fn action_label(action: &str) -> String {
    match action {
        "client.create" => "Client added".into(),
        "client.read" => "Client details opened".into(),
        "client.update" => "Client details changed".into(),
        "client.archive" => "Client archived".into(),
        "client.restore" => "Client restored".into(),
        "client.erase" => "Client erased on request".into(),
        "record.read" => "Whole record opened".into(),
        other => {
            let words = other.replace(['.', '_'], " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}
