//! The direct SQLite read path: a whole read unit on one blocking call.
//!
//! sqlx runs each SQLite connection on a worker thread of its own, so every
//! statement of a read is a round of hand-overs between that thread and the
//! request's task. A client page reads a dozen parts: under load those
//! hand-overs, not SQLite, were most of the page's cost. Here a read unit
//! (the statements of [`crate::tx::Tx`] and the row mapping between them)
//! runs start to finish on a blocking thread with a connection of its own:
//! one hand-over per unit.
//!
//! A unit of one statement (the session check, one client) is cheaper than
//! the hand-over to a blocking thread and back: it runs where it is asked
//! for, between two `.await`s of the request (see `Store::read_one`).
//!
//! Invariants:
//! - the connections are opened read-only, so nothing on this path can
//!   write; writes and the audit log's group commit stay on sqlx;
//! - a unit always ends its transaction and returns its connection on the
//!   blocking thread, whatever happens to the request that asked for it (a
//!   dropped request cannot leave a reader inside a transaction);
//! - the same [`crate::row::Query`] and row mappings serve both paths.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::StoreError;
use crate::row::{Bind, DirectRow, Query};

/// Read units running at once: SQLite reads here are CPU work, and more
/// than a few at a time only queue for the cores.
const READERS: usize = 4;
/// Distinct statements kept prepared per connection.
const STATEMENT_CACHE: usize = 64;

/// Read-only connections to one SQLite file, used one unit at a time.
pub(crate) struct DirectReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: Arc<Semaphore>,
}

impl DirectReader {
    pub(crate) fn new(path: &Path) -> DirectReader {
        DirectReader {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            turns: Arc::new(Semaphore::new(READERS)),
        }
    }

    /// Runs `unit` inside one read transaction (one snapshot) on a blocking
    /// thread and returns what it returned.
    /// `unit` hands the connection back with its result.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, unit: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Connection) -> (Connection, Result<T, StoreError>) + Send + 'static,
    {
        let turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Internal("the database is closing".into()))?;
        let reader = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            // The turn ends with the unit, not with the request that waits.
            let _turn = turn;
            let conn = reader.take()?;
            conn.execute_batch("BEGIN").map_err(sqlite_error)?;
            let (conn, result) = unit(conn);
            match conn.execute_batch("COMMIT") {
                Ok(()) => reader.give_back(conn),
                // A connection that cannot end its transaction is closed.
                Err(e) => tracing::warn!(error = %e, "closing a read connection that did not commit"),
            }
            result
        })
        .await
        .map_err(|e| StoreError::Internal(format!("a read stopped: {e}")))?
    }

    pub(crate) fn take(&self) -> Result<Connection, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    pub(crate) fn give_back(&self, conn: Connection) {
        if conn.is_autocommit() {
            self.idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(conn);
        }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(sqlite_error)?;
        // Wait out a writer's brief locks, as the pooled connections do. No
        // memory map (see `Store::open`): every audit commit changes the
        // WAL, and a read that begins after a change unmaps the whole map.
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite_error)?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA mmap_size = 0")
            .map_err(sqlite_error)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }
}

pub(crate) fn sqlite_error(e: rusqlite::Error) -> StoreError {
    StoreError::Internal(format!("database error: {e}"))
}

/// Runs a query and reads its rows, `at_most` of them when given.
pub(crate) fn fetch(
    conn: &Connection,
    query: &Query<'_>,
    at_most: Option<usize>,
) -> Result<Vec<DirectRow>, StoreError> {
    let mut statement = conn.prepare_cached(query.sql).map_err(sqlite_error)?;
    // Placeholders are `$N`: SQLite numbers named parameters in order of
    // first appearance, so each is bound by the number in its name (as
    // sqlx does); an unbound one stays NULL.
    for index in 1..=statement.parameter_count() {
        let number = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|digits| digits.parse::<usize>().ok())
            .ok_or_else(|| StoreError::Internal(format!("placeholder {index} is not of the form $N")))?;
        match query.binds.get(number - 1).unwrap_or(&Bind::Null) {
            Bind::Text(text) => statement.raw_bind_parameter(index, text),
            Bind::OwnedText(text) => statement.raw_bind_parameter(index, text),
            Bind::Int(number) => statement.raw_bind_parameter(index, number),
            Bind::Null => statement.raw_bind_parameter(index, rusqlite::types::Null),
        }
        .map_err(sqlite_error)?;
    }
    let names: Arc<[String]> = statement.column_names().into_iter().map(str::to_owned).collect();
    let width = names.len();
    let mut rows = statement.raw_query();
    let mut read = Vec::new();
    while at_most.is_none_or(|most| read.len() < most)
        && let Some(row) = rows.next().map_err(sqlite_error)?
    {
        let mut values = Vec::with_capacity(width);
        for column in 0..width {
            values.push(row.get::<_, rusqlite::types::Value>(column).map_err(sqlite_error)?);
        }
        read.push(DirectRow {
            names: Arc::clone(&names),
            values,
        });
    }
    Ok(read)
}
