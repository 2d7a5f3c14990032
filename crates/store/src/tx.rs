//! Write transactions. On SQLite, writers take turns through an in-process
//! gate, and each starts with `BEGIN IMMEDIATE`: the write lock is taken at
//! the start, waiting out the busy timeout, instead of on the first write,
//! where SQLite refuses at once ("database is locked") if another connection
//! still holds it. That happens when a failed transaction's rollback has not
//! yet been flushed by the pool as the gate passes to the next writer. On
//! PostgreSQL row locks do the serialising.

use sqlx::{Any, Transaction};
use tokio::sync::MutexGuard;

use crate::{Backend, Store, StoreError};

pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _gate: Option<MutexGuard<'a, ()>>,
}

impl Store {
    pub(crate) async fn write_tx(&self) -> Result<WriteTx<'_>, StoreError> {
        let (gate, tx) = match self.backend {
            Backend::Sqlite => {
                let gate = self.sqlite_writer.lock().await;
                (Some(gate), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres => (None, self.pool.begin().await?),
        };
        Ok(WriteTx { tx, _gate: gate })
    }
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}
