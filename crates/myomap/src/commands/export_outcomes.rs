//! `myomap export outcomes --anonymised`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use myomap_clinic::ClinicError;
use myomap_clinic::outcome_export::{self, K};
use myomap_store::StoreError;

use super::bad_input;
use crate::cli::DbArgs;

pub async fn outcomes(db: &DbArgs, out: &Path, clinic: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    let actor = match store.owner_of_clinic(clinic).await {
        Ok(actor) => actor,
        Err(StoreError::NotFound(what)) => return Ok(bad_input(format!("--clinic: no {what} found"))),
        Err(StoreError::Invalid(errors)) => return Ok(bad_input(format!("--{errors}"))),
        Err(e) => return Err(e.into()),
    };
    let (csv, anonymised) = match outcome_export::export(&store, &actor).await {
        Ok(done) => done,
        Err(ClinicError::Forbidden(message)) => return Ok(bad_input(message)),
        Err(e) => return Err(e).context("exporting outcomes"),
    };
    std::fs::write(out, &csv).with_context(|| format!("writing {}", out.display()))?;
    Ok(super::emit(&format!(
        "wrote {} ({} rows) for \"{}\"; suppressed {} rows in {} groups of fewer than {K} clients\n",
        out.display(),
        anonymised.rows.len(),
        actor.clinic_name,
        anonymised.suppressed,
        anonymised.suppressed_groups,
    )))
}
