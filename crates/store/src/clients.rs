//! Client records, reachable only through a [`ClinicScope`].

use myomap_domain::{Client, ClientId, ValidClient};
use sqlx::Row;

use crate::accounts::Actor;
use crate::audit::{self, AuditEntry, AuditEvent};
use crate::claim::Versioned;
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{Store, StoreError};

pub const PAGE_SIZE: i64 = 50;
const MAX_SEARCH_WORDS: usize = 4;

/// Every clinical query, bound to one actor's clinic. Rows of other clinics
/// cannot be named here: they answer "not found", exactly like ids that do
/// not exist.
pub struct ClinicScope<'a> {
    pub(crate) store: &'a Store,
    pub(crate) actor: &'a Actor,
    pub(crate) clinic_id: String,
    pub(crate) actor_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientQuery {
    /// Words that must all appear in the name, email or phone.
    pub search: String,
    pub include_archived: bool,
    /// 1-based page of [`PAGE_SIZE`] rows.
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPage {
    pub clients: Vec<Client>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

const CLIENT_COLUMNS: &str =
    "id, given_name, family_name, date_of_birth, email, phone, notes, archived_at, created_at, updated_at, version";

fn search_key(client: &ValidClient) -> String {
    [
        client.family_name.as_str(),
        client.given_name.as_str(),
        client.email.as_deref().unwrap_or_default(),
        client.phone.as_deref().unwrap_or_default(),
    ]
    .join(" ")
    .to_lowercase()
}

fn like_pattern(word: &str) -> String {
    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl<'a> ClinicScope<'a> {
    pub(crate) fn new(store: &'a Store, actor: &'a Actor) -> Self {
        ClinicScope {
            store,
            actor,
            clinic_id: actor.clinic_id.to_string(),
            actor_id: actor.user_id.to_string(),
        }
    }

    pub fn actor(&self) -> &Actor {
        self.actor
    }

    pub(crate) async fn audit(
        &self,
        tx: &mut Tx<'_>,
        action: &str,
        record_type: &str,
        record_id: &str,
    ) -> Result<(), StoreError> {
        audit::append(
            tx,
            AuditEvent {
                clinic_id: &self.clinic_id,
                actor: &self.actor_id,
                action,
                record_type,
                record_id,
            },
        )
        .await
    }

    /// Refuses roles that may not touch the clinical record.
    pub(crate) fn require_clinical(&self) -> Result<(), StoreError> {
        if self.actor.role.reads_clinical_record() {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "the {} role cannot see or change the clinical record",
                self.actor.role.label().to_lowercase()
            )))
        }
    }

    /// Fails with `NotFound` unless the client exists in this clinic.
    pub(crate) async fn require_client(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<(), StoreError> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM clients WHERE id = $1 AND clinic_id = $2")
            .bind(client.to_string())
            .bind(&self.clinic_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
        found.map(|_| ()).ok_or(StoreError::NotFound("client"))
    }

    fn check_notes_allowed(&self, client: &ValidClient) -> Result<(), StoreError> {
        if client.notes.is_some() && !self.actor.role.writes_clinical_record() {
            return Err(StoreError::Forbidden(format!(
                "the {} role cannot write clinical notes",
                self.actor.role.label().to_lowercase()
            )));
        }
        Ok(())
    }

    fn client_from_row(&self, row: &sqlx::any::AnyRow) -> Result<Client, StoreError> {
        let corrupt = |what: &str| StoreError::Internal(format!("corrupt client {what} in the database"));
        let archived_at: Option<i64> = row.try_get(7)?;
        let notes: Option<String> = row.try_get(6)?;
        Ok(Client {
            id: row.try_get::<String, _>(0)?.parse().map_err(|_| corrupt("id"))?,
            given_name: row.try_get(1)?,
            family_name: row.try_get(2)?,
            date_of_birth: row
                .try_get::<String, _>(3)?
                .parse()
                .map_err(|_| corrupt("date of birth"))?,
            email: row.try_get(4)?,
            phone: row.try_get(5)?,
            // Redacted here, in storage, so no page or endpoint can leak it.
            notes: notes.filter(|_| self.actor.role.reads_clinical_record()),
            archived: archived_at.is_some(),
            created_at: from_ms(row.try_get(8)?),
            updated_at: from_ms(row.try_get(9)?),
            version: row.try_get(10)?,
        })
    }

    async fn insert_client(&self, tx: &mut Tx<'_>, client: &ValidClient) -> Result<ClientId, StoreError> {
        let id = ClientId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO clients (id, clinic_id, given_name, family_name, date_of_birth, email, phone, notes, search_key, archived_at, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $10, 1)",
        )
        .bind(id.to_string())
        .bind(&self.clinic_id)
        .bind(&client.given_name)
        .bind(&client.family_name)
        .bind(client.date_of_birth.to_string())
        .bind(client.email.as_deref())
        .bind(client.phone.as_deref())
        .bind(client.notes.as_deref())
        .bind(search_key(client))
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(tx, "client.create", "client", &id.to_string()).await?;
        Ok(id)
    }

    pub async fn create_client(&self, client: &ValidClient) -> Result<Client, StoreError> {
        self.check_notes_allowed(client)?;
        let mut tx = self.store.write_tx().await?;
        let id = self.insert_client(&mut tx, client).await?;
        let created = self.fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Creates all the clients or none (imports, demo seeding).
    pub async fn create_clients(&self, clients: &[ValidClient]) -> Result<Vec<ClientId>, StoreError> {
        for client in clients {
            self.check_notes_allowed(client)?;
        }
        let mut tx = self.store.write_tx().await?;
        let mut ids = Vec::with_capacity(clients.len());
        for client in clients {
            ids.push(self.insert_client(&mut tx, client).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn fetch(&self, tx: &mut Tx<'_>, id: ClientId) -> Result<Client, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1 AND clinic_id = $2"
        ))
        .bind(id.to_string())
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        self.client_from_row(&row)
    }

    /// Reads one client's record; the read itself is audited.
    pub async fn get_client(&self, id: ClientId) -> Result<Client, StoreError> {
        let mut tx = self.store.read_tx().await?;
        let client = self.get_client_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(client)
    }

    pub(crate) async fn get_client_in(&self, tx: &mut Tx<'_>, id: ClientId) -> Result<Client, StoreError> {
        let client = self.fetch(tx, id).await?;
        self.audit(tx, "client.read", "client", &id.to_string()).await?;
        Ok(client)
    }

    /// Replaces a client's fields. `expected_version` is the version the
    /// editor saw; if someone changed the record since, nothing is written and
    /// the caller gets a conflict to show. A role that cannot see clinical
    /// notes leaves them as they are.
    pub async fn update_client(
        &self,
        id: ClientId,
        expected_version: i64,
        client: &ValidClient,
    ) -> Result<Client, StoreError> {
        self.check_notes_allowed(client)?;
        let mut tx = self.store.write_tx().await?;
        let id_text = id.to_string();
        Versioned {
            table: "clients",
            noun: "client",
            id: &id_text,
            clinic_id: &self.clinic_id,
            expected: Some(expected_version),
            from: &[],
        }
        .claim_or_conflict(&mut tx.tx, |_| String::new())
        .await?;
        // A role that cannot write notes leaves the stored notes untouched.
        let writes_notes = i64::from(self.actor.role.writes_clinical_record());
        sqlx::query(
            "UPDATE clients SET given_name = $1, family_name = $2, date_of_birth = $3, email = $4, phone = $5, \
             notes = CASE WHEN $6 = 1 THEN $7 ELSE notes END, search_key = $8 \
             WHERE id = $9 AND clinic_id = $10",
        )
        .bind(&client.given_name)
        .bind(&client.family_name)
        .bind(client.date_of_birth.to_string())
        .bind(client.email.as_deref())
        .bind(client.phone.as_deref())
        .bind(writes_notes)
        .bind(client.notes.as_deref())
        .bind(search_key(client))
        .bind(&id_text)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "client.update", "client", &id.to_string()).await?;
        let updated = self.fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn set_archived(&self, id: ClientId, archived: bool) -> Result<Client, StoreError> {
        let mut tx = self.store.write_tx().await?;
        let now = now_ms();
        let result = sqlx::query(
            "UPDATE clients SET archived_at = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND clinic_id = $4",
        )
        .bind(archived.then_some(now))
        .bind(now)
        .bind(id.to_string())
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if result.rows_affected() != 1 {
            return Err(StoreError::NotFound("client"));
        }
        let action = if archived { "client.archive" } else { "client.restore" };
        self.audit(&mut tx, action, "client", &id.to_string()).await?;
        let client = self.fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(client)
    }

    /// One page of clients in name order, optionally filtered by search words.
    pub async fn list_clients(&self, query: &ClientQuery) -> Result<ClientPage, StoreError> {
        let words: Vec<String> = query
            .search
            .to_lowercase()
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(like_pattern)
            .collect();
        let mut filter = String::from("clinic_id = $1");
        if !query.include_archived {
            filter.push_str(" AND archived_at IS NULL");
        }
        for n in 0..words.len() {
            filter.push_str(&format!(" AND search_key LIKE ${} ESCAPE '\\'", n + 2));
        }
        let count_sql = format!("SELECT COUNT(*) FROM clients WHERE {filter}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(&self.clinic_id);
        for word in &words {
            count = count.bind(word);
        }
        let total = count.fetch_one(&self.store.pool).await?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let list_sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE {filter} ORDER BY search_key, id LIMIT {PAGE_SIZE} OFFSET {}",
            (page - 1) * PAGE_SIZE
        );
        let mut list = sqlx::query(&list_sql).bind(&self.clinic_id);
        for word in &words {
            list = list.bind(word);
        }
        let rows = list.fetch_all(&self.store.pool).await?;
        let clients = rows
            .iter()
            .map(|row| self.client_from_row(row))
            .collect::<Result<_, _>>()?;
        Ok(ClientPage {
            clients,
            total,
            page,
            pages,
        })
    }

    /// The audit trail of one client, newest first (clinical roles only).
    pub async fn client_history(&self, id: ClientId, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        if !self.actor.role.reads_clinical_record() {
            return Err(StoreError::Forbidden(
                "only clinical staff can see a record's history".into(),
            ));
        }
        audit::entries_for_record(self.store, &self.clinic_id, "client", &id.to_string(), limit).await
    }
}
