//! Many clients in one transaction: the CSV import's write.
//!
//! The same rows as [`ClinicScope::create_client`] writes one at a time (the
//! client, its search terms, the clinic's counts, one `client.create` audit
//! entry each), written with multi-row statements so that tens of thousands
//! of clients take seconds.

use std::collections::HashSet;

use myomap_domain::{ClientId, ClientKey, ValidClient};
use sqlx::Row;

use crate::audit::{self, OwnedAuditEvent};
use crate::clients::{search_key, searchable};
use crate::time::now_ms;
use crate::tx::Tx;
use crate::{ClinicScope, StoreError, search};

/// Clients per multi-row insert (8 parameters each, and 2 shared).
const CLIENT_CHUNK: usize = 256;
/// Search terms per multi-row insert (5 parameters each).
const TERM_CHUNK: usize = 1024;

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportWrite {
    /// The new clients' ids, in input order, one per client created.
    pub created: Vec<(usize, ClientId)>,
    /// Positions (in the input) of clients skipped because the clinic had
    /// them by the time the transaction ran (someone created them since the
    /// caller looked), or because an earlier client of the input is the same.
    pub duplicates: Vec<usize>,
}

impl ClinicScope<'_> {
    /// The duplicate keys of every client of the clinic, archived ones too.
    pub async fn client_keys(&self) -> Result<HashSet<ClientKey>, StoreError> {
        let mut conn = self.store.pool.acquire().await?;
        keys_on(&mut conn, &self.clinic_id).await
    }

    /// Creates the clients that are not in the clinic yet, all in one
    /// transaction, each with its search terms and `client.create` audit
    /// entry, and the clinic's counts moved once. `progress` hears how many
    /// clients are written so far.
    pub async fn import_clients(
        &self,
        clients: &[ValidClient],
        mut progress: impl FnMut(usize) + Send,
    ) -> Result<ImportWrite, StoreError> {
        for client in clients {
            self.check_notes_allowed(client)?;
        }
        let mut tx = self.store.write_tx().await?;
        // Read under the write lock (SQLite's writer gate; on PostgreSQL the
        // clinic row's update below), so a duplicate created meanwhile is seen.
        lock_clinic(&mut tx, &self.clinic_id).await?;
        let mut known = keys_on(&mut tx.tx, &self.clinic_id).await?;
        let mut write = ImportWrite::default();
        let mut fresh: Vec<(usize, &ValidClient, ClientId)> = Vec::with_capacity(clients.len());
        for (n, client) in clients.iter().enumerate() {
            if known.insert(client.key()) {
                fresh.push((n, client, ClientId::new()));
            } else {
                write.duplicates.push(n);
            }
        }
        let now = now_ms();
        let mut done = 0;
        for chunk in fresh.chunks(CLIENT_CHUNK) {
            self.insert_chunk(&mut tx, chunk, now).await?;
            done += chunk.len();
            progress(done);
        }
        let created = i64::try_from(fresh.len()).map_err(|_| StoreError::Internal("import too large".into()))?;
        sqlx::query(
            "UPDATE clinics SET client_count = client_count + $1, active_client_count = active_client_count + $1 WHERE id = $2",
        )
        .bind(created)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        let events: Vec<OwnedAuditEvent> = fresh
            .iter()
            .map(|(_, _, id)| self.audit_event("client.create", "client", &id.to_string()))
            .collect();
        audit::append_all(&mut tx.tx, &events).await?;
        tx.commit().await?;
        write.created = fresh.into_iter().map(|(n, _, id)| (n, id)).collect();
        Ok(write)
    }

    async fn insert_chunk(
        &self,
        tx: &mut Tx<'_>,
        chunk: &[(usize, &ValidClient, ClientId)],
        now: i64,
    ) -> Result<(), StoreError> {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 8;
                format!(
                    "(${}, $1, ${}, ${}, ${}, ${}, ${}, ${}, ${}, NULL, $2, $2, 1)",
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9,
                    b + 10
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO clients (id, clinic_id, given_name, family_name, date_of_birth, email, phone, notes, search_key, archived_at, created_at, updated_at, version) VALUES {}",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql).bind(&self.clinic_id).bind(now);
        let mut terms: Vec<(String, String, String)> = Vec::new();
        for (_, client, id) in chunk {
            let fields = searchable(client);
            let key = search_key(&fields);
            insert = insert
                .bind(id.to_string())
                .bind(client.given_name.clone())
                .bind(client.family_name.clone())
                .bind(client.date_of_birth.to_string())
                .bind(client.email.clone())
                .bind(client.phone.clone())
                .bind(client.notes.clone())
                .bind(key.clone());
            for term in search::terms(&fields) {
                terms.push((id.to_string(), key.clone(), term));
            }
        }
        insert.execute(&mut *tx.tx).await?;
        for part in terms.chunks(TERM_CHUNK) {
            let rows: Vec<String> = (0..part.len())
                .map(|i| format!("($1, ${}, ${}, 1, ${})", 3 * i + 2, 3 * i + 3, 3 * i + 4))
                .collect();
            let sql = format!(
                "INSERT INTO client_terms (clinic_id, client_id, search_key, active, term) VALUES {}",
                rows.join(", ")
            );
            let mut insert = sqlx::query(&sql).bind(&self.clinic_id);
            for (id, key, term) in part {
                insert = insert.bind(id).bind(key).bind(term);
            }
            insert.execute(&mut *tx.tx).await?;
        }
        Ok(())
    }
}

/// Takes the clinic row's lock (PostgreSQL) before reading its clients, so
/// two imports into one clinic take turns; SQLite's writer gate does this.
async fn lock_clinic(tx: &mut Tx<'_>, clinic_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE clinics SET client_count = client_count WHERE id = $1")
        .bind(clinic_id)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

async fn keys_on(conn: &mut sqlx::AnyConnection, clinic_id: &str) -> Result<HashSet<ClientKey>, StoreError> {
    let rows = sqlx::query("SELECT given_name, family_name, date_of_birth FROM clients WHERE clinic_id = $1")
        .bind(clinic_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let born: String = row.try_get(2)?;
            let born = born
                .parse()
                .map_err(|_| StoreError::Internal("corrupt client date of birth in the database".into()))?;
            Ok(ClientKey::new(
                &row.try_get::<String, _>(0)?,
                &row.try_get::<String, _>(1)?,
                born,
            ))
        })
        .collect()
}
