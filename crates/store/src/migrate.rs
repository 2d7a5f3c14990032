//! Schema migrations, applied on every start. A small runner of our own
//! because sqlx's migrator needs its compile-time macros (a second build of
//! both drivers) and per-backend scripts; ours runs one portable script list
//! through the `Any` driver. Each migration commits atomically with its
//! version row; on PostgreSQL an advisory lock keeps two instances starting at
//! once from applying the same migration twice.

use sqlx::Connection;

use crate::time::now_ms;
use crate::{Backend, Store, StoreError};

pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (
        2,
        "clinical_record",
        include_str!("../migrations/0002_clinical_record.sql"),
    ),
    (3, "outcomes", include_str!("../migrations/0003_outcomes.sql")),
    (4, "plans", include_str!("../migrations/0004_plans.sql")),
    (
        5,
        "client_list_index",
        include_str!("../migrations/0005_client_list_index.sql"),
    ),
    (6, "home_care", include_str!("../migrations/0006_home_care.sql")),
    (7, "scheduling", include_str!("../migrations/0007_scheduling.sql")),
    (8, "time_off", include_str!("../migrations/0008_time_off.sql")),
    (9, "client_terms", include_str!("../migrations/0009_client_terms.sql")),
    (
        10,
        "counts_and_history",
        include_str!("../migrations/0010_counts_and_history.sql"),
    ),
    (
        11,
        "checkins_by_client",
        include_str!("../migrations/0011_checkins_by_client.sql"),
    ),
    (
        12,
        "referral_reason",
        include_str!("../migrations/0012_referral_reason.sql"),
    ),
    (13, "backup_runs", include_str!("../migrations/0013_backup_runs.sql")),
    (14, "work_lists", include_str!("../migrations/0014_work_lists.sql")),
    (15, "erasure", include_str!("../migrations/0015_erasure.sql")),
    (
        16,
        "open_link_tokens",
        include_str!("../migrations/0016_open_link_tokens.sql"),
    ),
    (17, "staff", include_str!("../migrations/0017_staff.sql")),
    (18, "staff_mfa", include_str!("../migrations/0018_staff_mfa.sql")),
    (
        19,
        "client_terms_covering",
        include_str!("../migrations/0019_client_terms_covering.sql"),
    ),
];

/// Arbitrary constant naming the migration lock.
pub(crate) const MIGRATION_LOCK_KEY: i64 = 0x6d79_6f6d_6170;

pub(crate) async fn run(store: &Store) -> Result<Vec<i64>, StoreError> {
    let mut conn = store.pool.acquire().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply_pending(&mut conn).await;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply_pending(conn: &mut sqlx::AnyConnection) -> Result<Vec<i64>, StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?;
    let mut newly_applied = Vec::new();
    for &(version, name, script) in MIGRATIONS {
        if applied.contains(&version) {
            continue;
        }
        let failed = |e: sqlx::Error| StoreError::Migration {
            version,
            message: e.to_string(),
        };
        let mut tx = conn.begin().await?;
        for statement in statements(script) {
            sqlx::query(statement).execute(&mut *tx).await.map_err(failed)?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        tracing::info!(version, name, "applied migration");
        newly_applied.push(version);
    }
    Ok(newly_applied)
}

/// Creates the schema up to `version` inside the caller's transaction (a
/// restore's: the schema and the rows commit or roll back together).
pub(crate) async fn apply_within(conn: &mut sqlx::AnyConnection, version: i64) -> Result<(), StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    for &(number, name, script) in MIGRATIONS.iter().filter(|m| m.0 <= version) {
        let failed = |e: sqlx::Error| StoreError::Migration {
            version: number,
            message: e.to_string(),
        };
        for statement in statements(script) {
            sqlx::query(statement).execute(&mut *conn).await.map_err(failed)?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(number)
            .bind(name)
            .bind(now_ms())
            .execute(&mut *conn)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// Splits a script into statements. Our scripts keep `;` only at line ends;
/// chunks holding nothing but comments are dropped.
fn statements(script: &str) -> impl Iterator<Item = &str> {
    let is_code = |line: &str| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with("--")
    };
    script
        .split(";\n")
        .map(str::trim)
        .filter(move |chunk| chunk.lines().any(is_code))
}

impl Store {
    /// The highest applied migration.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
