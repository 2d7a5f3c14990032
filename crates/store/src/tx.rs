//! Write transactions. On SQLite, writers take turns through an in-process
//! gate before `BEGIN`; on PostgreSQL row locks do the serialising.

use sqlx::{Any, Transaction};
use tokio::sync::MutexGuard;

use crate::{Backend, Store, StoreError};

pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _gate: Option<MutexGuard<'a, ()>>,
}

impl Store {
    pub(crate) async fn write_tx(&self) -> Result<WriteTx<'_>, StoreError> {
        let gate = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _gate: gate })
    }
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}
