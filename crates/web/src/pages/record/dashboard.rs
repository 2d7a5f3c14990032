//! The therapist's dashboard: soreness check-ins that need attention.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::notes::DASHBOARD_DAYS;
use crate::pages::{Layout, PageActor, PageError, render};

struct Row {
    client_id: String,
    client_name: String,
    checkin_id: String,
    hours: u16,
    due: String,
    flags: Vec<&'static str>,
    answer: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    csrf: String,
    rows: Vec<Row>,
}

pub async fn show(State(state): State<AppState>, PageActor(actor): PageActor) -> Result<Response, PageError> {
    if !actor.role.reads_clinical_record() {
        // Front desk has no clinical follow-ups to see; the client list is their home.
        return Ok(Redirect::to("/clients").into_response());
    }
    let flagged = state
        .store
        .clinic(&actor)
        .flagged_checkins(DASHBOARD_DAYS)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let rows = flagged
        .into_iter()
        .map(|f| Row {
            client_id: f.client_id.to_string(),
            client_name: f.client_name,
            checkin_id: f.checkin.id.clone(),
            hours: f.checkin.due_hours,
            due: f.checkin.due_at.strftime("%Y-%m-%d").to_string(),
            flags: f.flags.iter().map(|flag| flag.label()).collect(),
            answer: f
                .checkin
                .answer
                .as_ref()
                .map_or_else(|| "no answer".to_owned(), super::session::answer_summary),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::signed_in(&actor, "dashboard"),
            csrf: actor.csrf_token.clone(),
            rows,
        },
    ))
}

pub async fn review(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .review_checkin(&id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(Redirect::to("/dashboard").into_response())
}
