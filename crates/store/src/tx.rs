//! Units of database work, and why one can be abandoned at any `.await`.
//!
//! A request's future is dropped whenever its client hangs up or a timeout
//! fires, at whatever `.await` it was waiting on. sqlx's own `Transaction`
//! is not safe under that: its drop only *queues* a rollback for whenever
//! the connection is next used, and a `BEGIN` cancelled in flight leaves a
//! connection inside a transaction that nobody owns. On SQLite such a
//! connection holds the write lock for good and every later writer fails
//! with "database is locked".
//!
//! So a unit here is a pooled connection on which we issued `BEGIN`
//! ourselves, owned by a [`Unit`] guard with three exits:
//! - `commit` (or `finish` for reads) ends it and returns the connection;
//! - an error on `COMMIT` leaves it open, and
//! - dropping it unfinished moves the connection into a task of its own
//!   that rolls it back *before* the connection goes back to the pool and
//!   before the next SQLite writer is let in (the writer gate travels with
//!   it). A connection whose rollback fails is closed, never reused.
//!
//! SQLite writers take turns through an in-process gate and begin with
//! `BEGIN IMMEDIATE`, so the write lock is waited for at the start and never
//! refused mid-transaction; PostgreSQL serialises through row locks.
//!
//! Read units (audited reads) take no gate: they read in one snapshot and
//! hand their audit entries to the group committer ([`crate::audit`]) when
//! they finish, waiting until those entries are durable. On a SQLite file a
//! read unit written against [`Tx::fetch_all`] runs on the direct read path
//! ([`crate::direct`], see [`Store::read_unit`]) instead of a pooled
//! connection.

use std::ops::{Deref, DerefMut};

use futures_util::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor};
use tokio::sync::OwnedMutexGuard;

use myomap_domain::ClientId;

use crate::audit::OwnedAuditEvent;
use crate::row::{Query, Row};
use crate::{Actor, Backend, ClinicScope, Store, StoreError, direct};

/// An open transaction on a pooled connection; see the module docs.
pub(crate) struct Unit {
    conn: Option<PoolConnection<Any>>,
    gate: Option<OwnedMutexGuard<()>>,
    /// `false` for a one-statement read, which needs no transaction: a
    /// single statement is a snapshot by itself.
    in_transaction: bool,
}

impl Unit {
    async fn begin(
        store: &Store,
        statement: &'static str,
        gate: Option<OwnedMutexGuard<()>>,
    ) -> Result<Unit, StoreError> {
        // Healing: a connection found already inside a transaction (whatever
        // put it there) is closed and another one tried.
        for _ in 0..3 {
            let conn = store.pool.acquire().await?;
            // The guard exists before BEGIN is sent: if this future is
            // dropped while BEGIN is in flight, the rollback still follows.
            let mut unit = Unit {
                conn: Some(conn),
                gate: None,
                in_transaction: true,
            };
            match unit.execute(statement).await {
                Ok(_) => {
                    unit.gate = gate;
                    return Ok(unit);
                }
                Err(e) if already_in_transaction(&e) => {
                    tracing::warn!("closing a pooled connection found inside a transaction");
                    if let Some(conn) = unit.conn.take() {
                        let _ = conn.close().await;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Internal(
            "no healthy database connection is available; try again".into(),
        ))
    }

    /// A pooled connection outside any transaction, for one statement.
    async fn one_statement(store: &Store) -> Result<Unit, StoreError> {
        Ok(Unit {
            conn: Some(store.pool.acquire().await?),
            gate: None,
            in_transaction: false,
        })
    }

    /// A unit without a pooled connection: that of a direct read.
    fn detached() -> Unit {
        Unit {
            conn: None,
            gate: None,
            in_transaction: false,
        }
    }

    async fn end(mut self, statement: &'static str) -> Result<(), StoreError> {
        if self.in_transaction {
            self.execute(statement).await?;
        }
        // Finished: the connection goes back to the pool as it is.
        self.conn.take();
        self.gate.take();
        Ok(())
    }
}

fn already_in_transaction(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.message().contains("within a transaction"))
}

impl Deref for Unit {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.conn {
            Some(conn) => conn,
            // `conn` is only taken by `end` and `drop`, which consume the
            // unit; a direct read unit has none and reads through
            // `Tx::fetch_all` only.
            None => unreachable!("a statement of a direct read unit went through sqlx"),
        }
    }
}

impl DerefMut for Unit {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a statement of a direct read unit went through sqlx"),
        }
    }
}

impl Drop for Unit {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if !self.in_transaction {
            return;
        }
        let gate = self.gate.take();
        let roll_back = async move {
            if let Err(e) = conn.execute("ROLLBACK").await {
                tracing::warn!(error = %e, "closing a connection whose abandoned transaction did not roll back");
                let _ = conn.close().await;
            }
            // Only now may the next SQLite writer begin.
            drop(gate);
        };
        // Without a runtime (shutting down) the connection goes down with it.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(roll_back);
        }
    }
}

/// The body of a read unit: reads through the unit, returns what it read.
/// (A boxed `Send` future rather than an async closure, so that a handler
/// awaiting a read stays `Send`.)
pub(crate) trait ReadBody<T>:
    for<'a, 's, 't> FnOnce(&'t ClinicScope<'a>, &'t mut Tx<'s>) -> BoxFuture<'t, Result<T, StoreError>> + Send + 'static
{
}

impl<T, F> ReadBody<T> for F where
    F: for<'a, 's, 't> FnOnce(&'t ClinicScope<'a>, &'t mut Tx<'s>) -> BoxFuture<'t, Result<T, StoreError>>
        + Send
        + 'static
{
}

/// The body of a read unit outside any clinic (signing in).
pub(crate) trait StoreReadBody<T>:
    for<'s, 't> FnOnce(&'t mut Tx<'s>) -> BoxFuture<'t, Result<T, StoreError>> + Send + 'static
{
}

impl<T, F> StoreReadBody<T> for F where
    F: for<'s, 't> FnOnce(&'t mut Tx<'s>) -> BoxFuture<'t, Result<T, StoreError>> + Send + 'static
{
}

/// How a pooled read keeps its statements consistent.
#[derive(Clone, Copy)]
enum Snapshot {
    Transaction,
    OneStatement,
}

/// A unit of work: a write (changes and their audit entries commit together)
/// or an audited read (entries are group-committed when it finishes).
pub(crate) struct Tx<'a> {
    pub(crate) tx: Unit,
    store: &'a Store,
    /// `Some` for a read unit: the audit entries of what it read.
    deferred_audit: Option<Vec<OwnedAuditEvent>>,
    /// Clients this unit has found in the caller's clinic.
    known_clients: Vec<ClientId>,
    /// The connection of a read unit on the direct SQLite path; then `tx`
    /// holds no pooled connection.
    direct: Option<rusqlite::Connection>,
}

impl Store {
    pub(crate) async fn write_tx(&self) -> Result<Tx<'_>, StoreError> {
        let unit = match self.backend {
            Backend::Sqlite => {
                let gate = self.sqlite_writer.clone().lock_owned().await;
                Unit::begin(self, "BEGIN IMMEDIATE", Some(gate)).await?
            }
            Backend::Postgres => Unit::begin(self, "BEGIN", None).await?,
        };
        Ok(Tx {
            tx: unit,
            store: self,
            deferred_audit: None,
            known_clients: Vec::new(),
            direct: None,
        })
    }

    /// An audited read: one consistent snapshot, no writer's turn taken;
    /// audit entries are appended by the group committer when it finishes.
    pub(crate) async fn read_tx(&self) -> Result<Tx<'_>, StoreError> {
        let statement = match self.backend {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        Ok(Tx {
            tx: Unit::begin(self, statement, None).await?,
            store: self,
            deferred_audit: Some(Vec::new()),
            known_clients: Vec::new(),
            direct: None,
        })
    }

    /// Runs an audited read unit and makes its audit entries durable before
    /// returning what it read. `body` reads through [`Tx::fetch_all`] and
    /// [`Tx::fetch_optional`] only, so that on a SQLite file it can run on
    /// the direct read path, whole, on one blocking call.
    pub(crate) async fn read_unit<T, F>(&self, actor: &Actor, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: ReadBody<T>,
    {
        self.read(Snapshot::Transaction, in_scope(actor, body)).await
    }

    /// [`Store::read_unit`] for a body of one statement (a snapshot by
    /// itself), or of statements that need no common snapshot: on a pooled
    /// connection it begins no transaction, and on the direct path it runs
    /// in the request's own poll.
    pub(crate) async fn read_one<T, F>(&self, actor: &Actor, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: ReadBody<T>,
    {
        self.read(Snapshot::OneStatement, in_scope(actor, body)).await
    }

    /// [`Store::read_one`] outside any clinic: the session check of every
    /// request.
    pub(crate) async fn read_one_unscoped<T, F>(&self, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: StoreReadBody<T>,
    {
        self.read(Snapshot::OneStatement, body).await
    }

    async fn read<T, F>(&self, snapshot: Snapshot, body: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: StoreReadBody<T>,
    {
        let Some(reader) = &self.direct else {
            let mut tx = match snapshot {
                Snapshot::Transaction => self.read_tx().await?,
                Snapshot::OneStatement => Tx {
                    tx: Unit::one_statement(self).await?,
                    store: self,
                    deferred_audit: Some(Vec::new()),
                    known_clients: Vec::new(),
                    direct: None,
                },
            };
            let value = body(&mut tx).await?;
            tx.commit().await?;
            return Ok(value);
        };
        if let Snapshot::OneStatement = snapshot {
            // One indexed statement takes microseconds: less than handing it
            // to a blocking thread and back. Every await of the body is
            // ready at once, so it runs through in this poll.
            let mut tx = Tx::direct(self, reader.take()?);
            let result = body(&mut tx).await;
            let (conn, events) = tx.end_direct();
            reader.give_back(conn);
            let value = result?;
            if !events.is_empty() {
                self.audit_queue.append(events).await?;
            }
            return Ok(value);
        }
        let store = self.clone();
        let runtime = tokio::runtime::Handle::current();
        let (value, events) = reader
            .run(move |conn| {
                let mut tx = Tx::direct(&store, conn);
                // Every statement of the body completes without waiting, so
                // this runs it through on this thread.
                let result = runtime.block_on(body(&mut tx));
                let (conn, events) = tx.end_direct();
                (conn, result.map(|value| (value, events)))
            })
            .await?;
        if !events.is_empty() {
            self.audit_queue.append(events).await?;
        }
        Ok(value)
    }
}

/// A clinic's read body as a unit's: the scope is made inside the unit,
/// from the unit's store handle.
fn in_scope<T, F: ReadBody<T>>(actor: &Actor, body: F) -> impl StoreReadBody<T> {
    let actor = actor.clone();
    move |tx: &mut Tx<'_>| -> BoxFuture<'_, Result<T, StoreError>> {
        Box::pin(async move {
            let store = tx.store;
            body(&store.clinic(&actor), tx).await
        })
    }
}

impl<'a> Tx<'a> {
    /// A read unit on the direct SQLite path, on `conn`.
    fn direct(store: &'a Store, conn: rusqlite::Connection) -> Tx<'a> {
        Tx {
            tx: Unit::detached(),
            store,
            deferred_audit: Some(Vec::new()),
            known_clients: Vec::new(),
            direct: Some(conn),
        }
    }

    /// Ends a direct read unit: its connection and its audit entries.
    fn end_direct(mut self) -> (rusqlite::Connection, Vec<OwnedAuditEvent>) {
        let events = self.deferred_audit.take().unwrap_or_default();
        let conn = self
            .direct
            .take()
            .unwrap_or_else(|| unreachable!("only a direct unit is ended as one"));
        (conn, events)
    }

    /// Runs a query of this unit and reads every row.
    pub(crate) async fn fetch_all(&mut self, query: Query<'_>) -> Result<Vec<Row>, StoreError> {
        if let Some(conn) = &self.direct {
            return Ok(direct::fetch(conn, &query, None)?
                .into_iter()
                .map(Row::Direct)
                .collect());
        }
        let rows = query.to_sqlx().fetch_all(&mut *self.tx).await?;
        Ok(rows.into_iter().map(Row::Pooled).collect())
    }

    /// Runs a query of this unit and reads its first row, if any.
    pub(crate) async fn fetch_optional(&mut self, query: Query<'_>) -> Result<Option<Row>, StoreError> {
        if let Some(conn) = &self.direct {
            return Ok(direct::fetch(conn, &query, Some(1))?
                .into_iter()
                .next()
                .map(Row::Direct));
        }
        let row = query.to_sqlx().fetch_optional(&mut *self.tx).await?;
        Ok(row.map(Row::Pooled))
    }

    pub(crate) fn knows_client(&self, client: ClientId) -> bool {
        self.known_clients.contains(&client)
    }

    /// A write unit (a read unit defers its audit entries).
    pub(crate) fn is_write(&self) -> bool {
        self.deferred_audit.is_none()
    }

    pub(crate) fn remember_client(&mut self, client: ClientId) {
        self.known_clients.push(client);
    }

    /// For a read unit, keeps the entry for the group commit and says so.
    pub(crate) fn defer_audit(&mut self, event: OwnedAuditEvent) -> Option<OwnedAuditEvent> {
        match &mut self.deferred_audit {
            Some(deferred) => {
                deferred.push(event);
                None
            }
            None => Some(event),
        }
    }

    /// How many audit entries this read unit holds so far; a mark for
    /// [`Tx::fold_audit_since`].
    pub(crate) fn audit_mark(&self) -> usize {
        self.deferred_audit.as_ref().map_or(0, Vec::len)
    }

    /// Replaces the entries deferred since `mark` by one: a read made of
    /// several parts (the whole record) is one access event in the log.
    pub(crate) fn fold_audit_since(&mut self, mark: usize, event: OwnedAuditEvent) {
        if let Some(deferred) = &mut self.deferred_audit {
            deferred.truncate(mark);
            deferred.push(event);
        }
    }

    /// Ends the unit. A write is durable when this returns `Ok`; so is a
    /// read's audit trail, without which the read must not be shown.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        let Tx {
            tx,
            store,
            deferred_audit,
            ..
        } = self;
        tx.end("COMMIT").await?;
        if let Some(events) = deferred_audit.filter(|events| !events.is_empty()) {
            store.audit_queue.append(events).await?;
        }
        Ok(())
    }
}
