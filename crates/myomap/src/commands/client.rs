//! `myomap client erase` and `myomap clinic set-retention`: erasure on
//! request and the retention period that blocks it. The rules are the
//! clinic crate's (`myomap_clinic::erasure`); this wires them to a terminal.

use std::process::ExitCode;

use myomap_clinic::{ClinicError, SystemClock};
use myomap_store::{Actor, StoreError};

use super::bad_input;
use crate::cli::DbArgs;

/// A refusal as a one-line message (exit code 2); what the user cannot
/// correct stays an error.
fn refusal(e: ClinicError) -> anyhow::Result<ExitCode> {
    match e {
        ClinicError::NotFound(what) => Ok(bad_input(format!("no {what} found"))),
        ClinicError::Unknown(m) => Ok(bad_input(m)),
        ClinicError::Forbidden(m) => Ok(bad_input(format!("forbidden: {m}"))),
        ClinicError::Conflict(m) => Ok(bad_input(format!("refused: {m}"))),
        ClinicError::Invalid(errors) => Ok(bad_input(errors)),
        other => Err(anyhow::anyhow!(other.to_string())),
    }
}

fn who(actor: Result<Actor, StoreError>) -> Result<Actor, String> {
    actor.map_err(|e| match e {
        StoreError::NotFound(what) => format!("no {what} found"),
        StoreError::Invalid(errors) => errors.to_string(),
        other => other.to_string(),
    })
}

pub async fn erase(db: &DbArgs, id: &str, confirm: &str, as_email: Option<&str>) -> anyhow::Result<ExitCode> {
    let Ok(client) = id.parse() else {
        return Ok(bad_input(format!("ID: \"{id}\" is not a client id")));
    };
    let store = super::open(db).await?;
    let actor = match as_email {
        Some(email) => store.actor_for_email(email).await,
        None => store.owner_of_client(client).await,
    };
    let actor = match who(actor) {
        Ok(actor) => actor,
        Err(message) => return Ok(bad_input(format!("{message} for client {id}"))),
    };
    match myomap_clinic::erasure::erase_client(&store, &actor, &SystemClock, client, confirm).await {
        Ok(erasure) => {
            println!(
                "erased client {id}: {} clinical row(s) deleted, personal details replaced by a tombstone; \
                 the audit trail keeps its entries (client.erase)",
                erasure.rows_deleted
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refusal(e),
    }
}

pub async fn set_retention(
    db: &DbArgs,
    years: u32,
    clinic: Option<&str>,
    as_email: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    let actor = match as_email {
        Some(email) => store.actor_for_email(email).await,
        None => store.owner_of_clinic(clinic).await,
    };
    let actor = match who(actor) {
        Ok(actor) => actor,
        Err(message) => return Ok(bad_input(message)),
    };
    match myomap_clinic::erasure::set_retention(&store, &actor, years).await {
        Ok(()) if years == 0 => {
            println!(
                "{}: no minimum retention period; clients can be erased on request",
                actor.clinic_name
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(()) => {
            println!(
                "{}: records are kept at least {years} year(s) after a client's last signed session \
                 (or creation) before they can be erased",
                actor.clinic_name
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refusal(e),
    }
}
