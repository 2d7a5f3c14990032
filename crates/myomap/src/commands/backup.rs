//! `myomap backup`, `myomap backup verify` and `myomap restore`: reading the
//! passphrase or key, and printing what the use cases report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use myomap_backup::{BackupError, Lock, Manifest, Unlock};
use myomap_clinic::SystemClock;
use myomap_clinic::backups::{self, BackupFailure, Format, RestoreTarget};
use myomap_store::{DatabaseTarget, Store};

use crate::cli::{BackupFormat, DbArgs};

/// Where the passphrase comes from when no terminal can ask for it.
pub const PASSPHRASE_ENV: &str = "MYOMAP_BACKUP_PASSPHRASE";

/// The passphrase from the environment, or asked on the terminal without
/// echo (twice when `confirm`); `None` when neither can give one.
fn passphrase(confirm: bool) -> Result<Option<String>, String> {
    if let Ok(passphrase) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Some(passphrase));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let first =
        rpassword::prompt_password("Backup passphrase: ").map_err(|e| format!("reading the passphrase: {e}"))?;
    if confirm {
        let again = rpassword::prompt_password("Same passphrase again: ")
            .map_err(|e| format!("reading the passphrase: {e}"))?;
        if again != first {
            return Err("the two passphrases differ; nothing was written".into());
        }
    }
    Ok(Some(first))
}

/// What opens a backup: the identity file, else the passphrase.
fn unlock(identity: Option<&Path>) -> Result<Unlock, String> {
    if let Some(path) = identity {
        let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        return Unlock::identity_file(&text).map_err(|e| e.to_string());
    }
    match passphrase(false)? {
        Some(passphrase) => Unlock::passphrase(passphrase).map_err(|e| e.to_string()),
        None => Err(format!(
            "no passphrase: set {PASSPHRASE_ENV}, run on a terminal to be asked, or give --identity FILE"
        )),
    }
}

/// The scheduled backups' lock for `serve`: recipients, else the passphrase
/// from the environment (a server never asks on a terminal).
pub fn schedule_lock(recipients: &[String]) -> Result<Lock, String> {
    if !recipients.is_empty() {
        return Lock::recipients(recipients).map_err(|e| e.to_string());
    }
    match std::env::var(PASSPHRASE_ENV) {
        Ok(passphrase) => Lock::passphrase(passphrase).map_err(|e| format!("{PASSPHRASE_ENV}: {e}")),
        Err(_) => Err(format!(
            "--backup-dir needs a way to encrypt the backups: set {PASSPHRASE_ENV} in the server's \
             environment, or give --backup-recipient age1…"
        )),
    }
}

/// The directory where a SQLite snapshot may be written in the clear while
/// it is archived: beside the live database.
pub fn snapshot_dir(db: &DbArgs) -> PathBuf {
    match super::target(db) {
        DatabaseTarget::SqliteFile(path) => path.parent().map_or_else(|| db.data.clone(), Path::to_path_buf),
        DatabaseTarget::Url(_) => db.data.clone(),
    }
}

pub fn is_postgres(db: &DbArgs) -> bool {
    matches!(super::target(db), DatabaseTarget::Url(url) if url.starts_with("postgres"))
}

pub const POSTGRES_SNAPSHOT_REFUSAL: &str = "--format sqlite copies the embedded SQLite database file; on PostgreSQL \
     use the logical format (the default), or pg_dump, as the README's \"Your data: backups\" describes";

/// A use case's failure: a line on standard error and the exit code (2 for
/// what the person must correct, 1 for a bad file or a failure).
fn failed(e: &BackupFailure) -> ExitCode {
    eprintln!("error: {e}");
    let correctable = matches!(
        e,
        BackupFailure::NotEmpty { .. }
            | BackupFailure::DatabaseNotEmpty { .. }
            | BackupFailure::SnapshotIntoPostgres
            | BackupFailure::OutExists(_)
            | BackupFailure::Config(_)
            | BackupFailure::Archive(
                BackupError::WrongPassphrase
                    | BackupError::NeedsIdentity
                    | BackupError::NeedsPassphrase
                    | BackupError::NoMatchingIdentity
                    | BackupError::BadRecipient { .. }
                    | BackupError::BadIdentity(_)
                    | BackupError::EmptyPassphrase
            )
    );
    if correctable {
        ExitCode::from(super::EXIT_BAD_INPUT)
    } else {
        ExitCode::FAILURE
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} kB", bytes as f64 / 1024.0)
    }
}

/// The manifest as lines: when, schema, database, clinics and rows.
fn describe(manifest: &Manifest) -> String {
    let kind = match manifest.kind {
        myomap_backup::PayloadKind::Logical => "logical (restores into SQLite or PostgreSQL)",
        myomap_backup::PayloadKind::Sqlite => "SQLite snapshot (restores into SQLite)",
    };
    let mut text = format!(
        "  created {} by Myomap {} from {}, format {}, schema version {}\n  payload: {kind}, {}, SHA-256 {}\n",
        manifest.created_at,
        manifest.myomap_version,
        manifest.backend,
        manifest.format,
        manifest.schema_version,
        size(manifest.database.bytes),
        manifest.database.sha256
    );
    for clinic in &manifest.clinics {
        let head: String = clinic.audit_head.chars().take(16).collect();
        text.push_str(&format!(
            "  clinic \"{}\": audit chain of {} entries, head {head}…\n",
            clinic.name, clinic.audit_seq
        ));
    }
    text.push_str(&format!("  rows ({} in all):\n", manifest.total_rows()));
    for (table, rows) in manifest.tables.iter().filter(|(_, rows)| **rows > 0) {
        text.push_str(&format!("    {table:<28} {rows:>9}\n"));
    }
    text
}

pub async fn create(
    db: &DbArgs,
    out: Option<&Path>,
    recipients: &[String],
    format: BackupFormat,
) -> anyhow::Result<ExitCode> {
    let Some(out) = out else {
        return Ok(super::bad_input("--out FILE is required"));
    };
    let format = match format {
        BackupFormat::Logical => Format::Logical,
        BackupFormat::Sqlite => Format::Sqlite,
    };
    if format == Format::Sqlite && is_postgres(db) {
        return Ok(super::bad_input(POSTGRES_SNAPSHOT_REFUSAL));
    }
    if out.exists() {
        return Ok(failed(&BackupFailure::OutExists(out.to_path_buf())));
    }
    let lock = if recipients.is_empty() {
        match passphrase(true) {
            Ok(Some(passphrase)) => match Lock::passphrase(passphrase) {
                Ok(lock) => lock,
                Err(e) => return Ok(super::bad_input(e)),
            },
            Ok(None) => {
                return Ok(super::bad_input(format!(
                    "no passphrase: set {PASSPHRASE_ENV}, run on a terminal to be asked, or give --recipient age1…"
                )));
            }
            Err(e) => return Ok(super::bad_input(e)),
        }
    } else {
        match Lock::recipients(recipients) {
            Ok(lock) => lock,
            Err(e) => return Ok(super::bad_input(e)),
        }
    };
    let target = super::target(db);
    let store = Store::open(&target)
        .await
        .with_context(|| format!("opening the database ({})", target.describe()))?;
    let started = Instant::now();
    let result = backups::create(&store, out, &lock, format, &snapshot_dir(db), &SystemClock).await;
    store.close().await;
    match result {
        Ok(summary) => Ok(super::emit(&format!(
            "backup written: {} ({}, encrypted with {}) in {:.1} s\n{}",
            summary.file.display(),
            size(summary.bytes),
            if matches!(lock, Lock::Passphrase(_)) {
                "a passphrase"
            } else {
                "an age recipient"
            },
            started.elapsed().as_secs_f64(),
            describe(&summary.manifest)
        ))),
        Err(e) => Ok(failed(&e)),
    }
}

pub async fn verify(file: &Path, identity: Option<&Path>) -> anyhow::Result<ExitCode> {
    let unlock = match unlock(identity) {
        Ok(unlock) => unlock,
        Err(e) => return Ok(super::bad_input(e)),
    };
    match backups::verify(file, unlock, &std::env::temp_dir()).await {
        Ok(report) => Ok(super::emit(&format!(
            "backup verified: {} ({})\n{}  audit chains intact: {} entries in {} clinic(s)\n",
            file.display(),
            size(report.file_bytes),
            describe(&report.manifest),
            report.audit_entries,
            report.manifest.clinics.len()
        ))),
        Err(e) => Ok(failed(&e)),
    }
}

pub async fn restore(
    file: &Path,
    data: Option<PathBuf>,
    database: Option<String>,
    force: bool,
    identity: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let target = match (data, database) {
        (_, Some(url)) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            RestoreTarget::Postgres(url)
        }
        (_, Some(_)) => {
            return Ok(super::bad_input(
                "--database must be a PostgreSQL URL (postgres://user@host/db); restore SQLite with --data DIR",
            ));
        }
        (Some(dir), None) => RestoreTarget::DataDir(dir),
        (None, None) => return Ok(super::bad_input("give --data DIR or --database URL")),
    };
    let unlock = match unlock(identity) {
        Ok(unlock) => unlock,
        Err(e) => return Ok(super::bad_input(e)),
    };
    let started = Instant::now();
    match backups::restore(file, &target, unlock, force, &SystemClock).await {
        Ok(report) => {
            let mut text = format!(
                "restored {} into {} in {:.1} s\n{}  audit chains intact: {} entries in {} clinic(s)\n",
                file.display(),
                report.database,
                started.elapsed().as_secs_f64(),
                describe(&report.manifest),
                report.audit_entries,
                report.manifest.clinics.len()
            );
            for aside in &report.moved_aside {
                text.push_str(&format!(
                    "  the database that was there is kept as {}\n",
                    aside.display()
                ));
            }
            if report.manifest.schema_version < report.latest_schema {
                text.push_str(&format!(
                    "  it is migrated from schema {} to {} when Myomap next opens it\n",
                    report.manifest.schema_version, report.latest_schema
                ));
            }
            Ok(super::emit(&text))
        }
        Err(e) => Ok(failed(&e)),
    }
}
