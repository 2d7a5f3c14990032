//! What backups need from the database: a consistent snapshot of a running
//! SQLite installation, the facts a snapshot holds (schema version, rows per
//! table, each clinic's audit chain head, the chain verified), and the last
//! scheduled backup's outcome for the owner's page.
//!
//! The snapshot is SQLite's `VACUUM INTO`: one read transaction, so it sees
//! every commit that finished before it began and none after, while writers
//! go on (WAL); never a copy of a file under writes. Posture photos are rows
//! (`posture_photos.image`), so the snapshot carries them.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use jiff::Timestamp;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{ConnectOptions, Row};

use crate::time::from_ms;
use crate::{AuditReport, Backend, Store, StoreError, audit};

/// The newest schema this build knows; a snapshot with a newer one comes
/// from a newer Myomap.
pub fn latest_schema_version() -> i64 {
    crate::migrate::MIGRATIONS.last().map_or(0, |m| m.0)
}

/// What a snapshot file holds, measured on the file itself.
#[derive(Debug, Clone)]
pub struct SnapshotFacts {
    pub schema_version: i64,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    pub clinics: Vec<SnapshotClinic>,
    /// Every clinic's chain recomputed.
    pub audit: AuditReport,
}

/// A clinic and where its audit chain ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotClinic {
    pub id: String,
    pub name: String,
    pub audit_seq: i64,
    pub audit_head: String,
}

/// One backup attempt as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRun {
    pub at: Timestamp,
    pub file: String,
    pub bytes: Option<u64>,
    pub error: Option<String>,
}

/// The last success and the last failure of the scheduled backups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupStatus {
    pub last_success: Option<BackupRun>,
    pub last_failure: Option<BackupRun>,
}

impl Store {
    /// Writes a consistent copy of the whole database to `path`, which must
    /// not exist yet. SQLite only: on PostgreSQL the route is `pg_dump`.
    pub async fn snapshot_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            return Err(StoreError::Config(
                "a SQLite snapshot (--format sqlite) is of the embedded SQLite database only; PostgreSQL is \
                 backed up in the logical format (the default), or with pg_dump, see the README"
                    .into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Config(format!("the snapshot path {} is not UTF-8", path.display())))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }

    /// Remembers a scheduled backup that succeeded.
    pub async fn record_backup_success(&self, at: Timestamp, file: &str, bytes: u64) -> Result<(), StoreError> {
        self.record_backup_run("success", at, file, Some(bytes), None).await
    }

    /// Remembers a scheduled backup that failed, and why.
    pub async fn record_backup_failure(&self, at: Timestamp, file: &str, error: &str) -> Result<(), StoreError> {
        self.record_backup_run("failure", at, file, None, Some(error)).await
    }

    async fn record_backup_run(
        &self,
        outcome: &str,
        at: Timestamp,
        file: &str,
        bytes: Option<u64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let bytes = bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
        let _writer = self.sqlite_writer.lock().await;
        sqlx::query(
            "INSERT INTO backup_runs (outcome, at, file, bytes, error) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (outcome) DO UPDATE SET at = excluded.at, file = excluded.file, \
             bytes = excluded.bytes, error = excluded.error",
        )
        .bind(outcome)
        .bind(at.as_millisecond())
        .bind(file)
        .bind(bytes)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The last scheduled backup that succeeded and the last that failed.
    pub async fn backup_status(&self) -> Result<BackupStatus, StoreError> {
        let rows = sqlx::query("SELECT outcome, at, file, bytes, error FROM backup_runs")
            .fetch_all(&self.pool)
            .await?;
        let mut status = BackupStatus::default();
        for row in rows {
            let outcome: String = row.try_get(0)?;
            let bytes: Option<i64> = row.try_get(3)?;
            let run = BackupRun {
                at: from_ms(row.try_get(1)?),
                file: row.try_get(2)?,
                bytes: bytes.and_then(|b| u64::try_from(b).ok()),
                error: row.try_get(4)?,
            };
            match outcome.as_str() {
                "success" => status.last_success = Some(run),
                _ => status.last_failure = Some(run),
            }
        }
        Ok(status)
    }
}

/// Reads a snapshot file (read-only, no migrations) and measures it: schema
/// version, rows per table, each clinic's audit head, and every chain
/// recomputed.
pub async fn inspect_snapshot(path: &Path) -> Result<SnapshotFacts, StoreError> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| StoreError::Config(format!("bad snapshot path: {e}")))?
        .disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(StoreError::connect)?;
    let store = Store {
        pool,
        backend: Backend::Sqlite,
        sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
        audit_queue: audit::AuditQueue::detached(),
        direct: None,
    };
    let facts = measure(&store).await;
    store.close().await;
    facts
}

async fn measure(store: &Store) -> Result<SnapshotFacts, StoreError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&store.pool)
    .await?;
    if !names.iter().any(|n| n == "schema_migrations") || !names.iter().any(|n| n == "clinics") {
        return Err(StoreError::Config("the snapshot is not a Myomap database".into()));
    }
    let mut tables = BTreeMap::new();
    for name in names {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")))
            .fetch_one(&store.pool)
            .await?;
        tables.insert(name, u64::try_from(count).unwrap_or(0));
    }
    let schema_version = store.schema_version().await?;
    let clinics = sqlx::query("SELECT id, name, audit_seq, audit_head FROM clinics ORDER BY id")
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(SnapshotClinic {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                audit_seq: row.try_get(2)?,
                audit_head: row.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let audit = store.verify_audit().await?;
    Ok(SnapshotFacts {
        schema_version,
        tables,
        clinics,
        audit,
    })
}
