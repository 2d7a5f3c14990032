//! `myomap export fhir`: a client's record as a FHIR R4 Bundle, or the whole
//! clinic as bulk NDJSON. The mapping and the audited reads are the clinic
//! crate's (`myomap_clinic::fhir`); this wires them to files and a terminal.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use myomap_clinic::{ClinicError, SystemClock};
use myomap_store::{Actor, Store, StoreError};

use super::{bad_input, emit};
use crate::cli::DbArgs;

/// Who the command acts as: the named account, or the owner `fallback` finds.
async fn acting(
    store: &Store,
    as_email: Option<&str>,
    fallback: impl std::future::Future<Output = Result<Actor, StoreError>>,
) -> Result<Actor, String> {
    let actor = match as_email {
        Some(email) => store.actor_for_email(email).await,
        None => fallback.await,
    };
    actor.map_err(|e| match e {
        StoreError::NotFound(what) => format!("no {what} found"),
        StoreError::Invalid(errors) => errors.to_string(),
        other => other.to_string(),
    })
}

/// A use case's refusal as the one-line message of a bad-input exit, or an
/// error for what the user cannot correct.
fn refusal(e: ClinicError) -> anyhow::Result<String> {
    match e {
        ClinicError::NotFound(what) => Ok(format!("no {what} found")),
        ClinicError::Unknown(m) => Ok(m),
        ClinicError::Forbidden(m) => Ok(m),
        ClinicError::Invalid(errors) => Ok(errors.to_string()),
        other => Err(anyhow::anyhow!(other.to_string())),
    }
}

pub async fn fhir_client(
    db: &DbArgs,
    client: &str,
    out: Option<&Path>,
    as_email: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Ok(client_id) = client.parse() else {
        return Ok(bad_input(format!("--client: \"{client}\" is not a client id")));
    };
    let store = super::open(db).await?;
    let actor = match acting(&store, as_email, store.owner_of_client(client_id)).await {
        Ok(actor) => actor,
        Err(message) => return Ok(bad_input(format!("{message} for client {client}"))),
    };
    let bundle = match myomap_clinic::fhir::client_bundle(&store, &actor, &SystemClock, client_id).await {
        Ok(bundle) => bundle,
        Err(e) => return Ok(bad_input(refusal(e)?)),
    };
    let mut json = serde_json::to_string_pretty(&bundle).context("writing the bundle as JSON")?;
    json.push('\n');
    let resources = bundle["entry"].as_array().map_or(0, Vec::len);
    match out {
        Some(path) => {
            std::fs::write(path, &json).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "wrote {}: FHIR R4 Bundle (collection) of {resources} resources for client {client}",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(emit(&json)),
    }
}

pub async fn fhir_all(
    db: &DbArgs,
    dir: &Path,
    clinic: Option<&str>,
    as_email: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    let actor = match acting(&store, as_email, store.owner_of_clinic(clinic)).await {
        Ok(actor) => actor,
        Err(message) => return Ok(bad_input(message)),
    };
    // A progress line on a terminal only; logs and pipes get the summary.
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize| {
        if terminal && (done == total || done.is_multiple_of(10)) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\rexporting: {done}/{total} clients");
            if done == total {
                let _ = writeln!(err);
            }
        }
    };
    let summary = match myomap_clinic::fhir::export_clinic(&store, &actor, dir, &mut progress).await {
        Ok(summary) => summary,
        Err(e) => return Ok(bad_input(refusal(e)?)),
    };
    let mut text = format!(
        "wrote {} resources of {} clients of {} to {} (FHIR R4, bulk NDJSON):\n",
        summary.resources(),
        summary.clients,
        actor.clinic_name,
        dir.display()
    );
    for (kind, count) in &summary.files {
        text.push_str(&format!("  {kind}.ndjson  {count}\n"));
    }
    Ok(emit(&text))
}

/// `myomap export record`: one client's record as a ZIP (see
/// `myomap_clinic::record_export`).
pub async fn record(db: &DbArgs, client: &str, out: &Path, as_email: Option<&str>) -> anyhow::Result<ExitCode> {
    let Ok(client_id) = client.parse() else {
        return Ok(bad_input(format!("--client: \"{client}\" is not a client id")));
    };
    let store = super::open(db).await?;
    let actor = match acting(&store, as_email, store.owner_of_client(client_id)).await {
        Ok(actor) => actor,
        Err(message) => return Ok(bad_input(format!("{message} for client {client}"))),
    };
    let (_, zip) = match myomap_clinic::record_export::record_zip(&store, &actor, &SystemClock, client_id).await {
        Ok(zip) => zip,
        Err(e) => return Ok(bad_input(refusal(e)?)),
    };
    std::fs::write(out, &zip).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} ({} bytes): the record of client {client}",
        out.display(),
        zip.len()
    );
    Ok(ExitCode::SUCCESS)
}
