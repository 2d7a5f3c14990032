//! Optimistic concurrency in one statement.
//!
//! A versioned change first *claims* its row: one `UPDATE` that bumps the
//! version only where the id, the clinic, the version the editor saw and
//! (for a status transition) the states it may start from all still hold.
//! Exactly one row affected means this unit owns the change; on PostgreSQL
//! the row stays locked until commit, so a racing claim from any instance
//! waits, then finds the version moved on and affects nothing. Reading the
//! row first and comparing in Rust would let both racers through.
//!
//! After a claim the caller reads the row (now current) and writes its
//! fields without touching `version` again.

use sqlx::{AnyConnection, Row};

use crate::StoreError;
use crate::time::now_ms;

/// The row a change claims.
pub(crate) struct Versioned<'q> {
    /// Table with `id`, `clinic_id`, `version`, `updated_at` (and `status`
    /// when `from` is given).
    pub table: &'static str,
    /// What the row is, for messages: "session note".
    pub noun: &'static str,
    pub id: &'q str,
    pub clinic_id: &'q str,
    /// The version the editor saw; `None` for changes that need no version
    /// (closing a plan), which still claim the row and its status.
    pub expected: Option<i64>,
    /// States the change may start from; empty for "any".
    pub from: &'q [&'q str],
}

/// Why a claim affected no row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    /// The row is in a state the change may not start from.
    Status(String),
    /// Someone changed the row since the editor read it.
    Version {
        expected: i64,
        current: i64,
    },
}

impl Versioned<'_> {
    /// Claims the row, or says why not.
    pub(crate) async fn claim(&self, conn: &mut AnyConnection) -> Result<Result<(), Refusal>, StoreError> {
        let mut sql = format!(
            "UPDATE {} SET version = version + 1, updated_at = $1 WHERE id = $2 AND clinic_id = $3",
            self.table
        );
        let mut next = 4;
        if self.expected.is_some() {
            sql.push_str(&format!(" AND version = ${next}"));
            next += 1;
        }
        if !self.from.is_empty() {
            let states: Vec<String> = (next..next + self.from.len()).map(|n| format!("${n}")).collect();
            sql.push_str(&format!(" AND status IN ({})", states.join(", ")));
        }
        let mut query = sqlx::query(&sql).bind(now_ms()).bind(self.id).bind(self.clinic_id);
        if let Some(expected) = self.expected {
            query = query.bind(expected);
        }
        for state in self.from {
            query = query.bind(*state);
        }
        if query.execute(&mut *conn).await?.rows_affected() == 1 {
            return Ok(Ok(()));
        }
        let status = if self.from.is_empty() { "''" } else { "status" };
        let row = sqlx::query(&format!(
            "SELECT version, {status} AS status FROM {} WHERE id = $1 AND clinic_id = $2",
            self.table
        ))
        .bind(self.id)
        .bind(self.clinic_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Ok(Err(Refusal::NotFound));
        };
        let current_status: String = row.try_get("status")?;
        if !self.from.is_empty() && !self.from.contains(&current_status.as_str()) {
            return Ok(Err(Refusal::Status(current_status)));
        }
        let current: i64 = row.try_get("version")?;
        Ok(Err(Refusal::Version {
            expected: self.expected.unwrap_or(current),
            current,
        }))
    }

    /// Claims the row; a refusal becomes the error to show, with
    /// `status_message` saying why the row's state forbids the change.
    pub(crate) async fn claim_or_conflict(
        &self,
        conn: &mut AnyConnection,
        status_message: impl FnOnce(&str) -> String,
    ) -> Result<(), StoreError> {
        match self.claim(conn).await? {
            Ok(()) => Ok(()),
            Err(refusal) => Err(self.refusal_error(refusal, status_message)),
        }
    }

    pub(crate) fn refusal_error(&self, refusal: Refusal, status_message: impl FnOnce(&str) -> String) -> StoreError {
        match refusal {
            Refusal::NotFound => StoreError::NotFound(self.noun),
            Refusal::Status(status) => StoreError::Conflict(status_message(&status)),
            Refusal::Version { expected, current } => StoreError::Conflict(format!(
                "this {} was changed by someone else since you opened it (version {expected} is now {current}); \
                 reload and look at it again",
                self.noun
            )),
        }
    }
}
