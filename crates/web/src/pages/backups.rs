//! The owner's backups page: how scheduled backups are set up, and the last
//! success and failure (time, file, error) recorded by `serve`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use myomap_domain::Role;
use myomap_store::{Actor, BackupRun};

use super::{Layout, PageActor, PageError, error_page, render};
use crate::{AppState, BackupSchedule};

/// One recorded run as shown.
pub struct RunView {
    pub at: String,
    pub file: String,
    pub size: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "backups.html")]
pub struct BackupsPage {
    pub layout: Layout,
    pub schedule: Option<BackupSchedule>,
    pub last_success: Option<RunView>,
    pub last_failure: Option<RunView>,
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 10 * 1024 * 1024 => format!("{} MB", b / (1024 * 1024)),
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} kB", b / 1024),
        b => format!("{b} bytes"),
    }
}

fn view(run: BackupRun, actor: &Actor) -> RunView {
    let zone = myomap_clinic::zone_named(&actor.time_zone);
    RunView {
        at: run.at.to_zoned(zone).strftime("%Y-%m-%d %H:%M:%S %Z").to_string(),
        file: run.file,
        size: run.bytes.map(size).unwrap_or_default(),
        error: run.error.unwrap_or_default(),
    }
}

pub async fn show(State(state): State<AppState>, PageActor(actor): PageActor) -> Result<Response, PageError> {
    if actor.role != Role::Owner {
        return Ok(error_page(
            StatusCode::FORBIDDEN,
            Layout::signed_in(&actor, "backups"),
            "Not allowed",
            "Only an owner sees the installation's backups.",
        ));
    }
    let status = state
        .store
        .backup_status()
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    let page = BackupsPage {
        layout: Layout::signed_in(&actor, "backups"),
        schedule: state.config.backups.clone(),
        last_success: status.last_success.map(|run| view(run, &actor)),
        last_failure: status.last_failure.map(|run| view(run, &actor)),
    };
    Ok(render(StatusCode::OK, &page))
}
