//! Client records, reachable only through a [`ClinicScope`].

use myomap_domain::{Client, ClientId, ValidClient, ValidationErrors};
use sqlx::{AnyConnection, Row};

use crate::accounts::Actor;
use crate::audit::{self, AuditEntry, AuditEvent, OwnedAuditEvent};
use crate::claim::Versioned;
use crate::row::{Query, ReadRow};
use crate::search;
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
    /// 1-based page of [`PAGE_SIZE`] rows (ignored with `after`).
    pub page: i64,
    /// A cursor from [`ClientPage::next`]: the page after it.
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPage {
    pub clients: Vec<Client>,
    pub total: i64,
    /// The page number; 0 for a page asked for by cursor.
    pub page: i64,
    pub pages: i64,
    /// The cursor of the following page, if there is one.
    pub next: Option<String>,
}

impl ClientPage {
    fn empty() -> ClientPage {
        ClientPage {
            clients: Vec::new(),
            total: 0,
            page: 1,
            pages: 1,
            next: None,
        }
    }
}

const CLIENT_COLUMNS: &str =
    "id, given_name, family_name, date_of_birth, email, phone, notes, archived_at, created_at, updated_at, version";
/// The same columns of a query where clients are `c`.
const COLUMNS_OF_C: &str = "c.id, c.given_name, c.family_name, c.date_of_birth, c.email, c.phone, c.notes, \
     c.archived_at, c.created_at, c.updated_at, c.version";

/// The name order of the list (family name first), from the fields of
/// [`searchable`].
pub(crate) fn search_key(fields: &[&str]) -> String {
    fields.join(" ").to_lowercase()
}

/// Replaces a client's search terms (see [`crate::search`]), each with the
/// client's list order and state.
async fn write_terms(
    conn: &mut AnyConnection,
    clinic_id: &str,
    id: &str,
    fields: &[&str],
    active: bool,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM client_terms WHERE client_id = $1 AND clinic_id = $2")
        .bind(id)
        .bind(clinic_id)
        .execute(&mut *conn)
        .await?;
    let terms = search::terms(fields);
    if terms.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..terms.len())
        .map(|n| format!("($1, $2, $3, $4, ${})", n + 5))
        .collect();
    let sql = format!(
        "INSERT INTO client_terms (clinic_id, client_id, search_key, active, term) VALUES {}",
        values.join(", ")
    );
    let mut insert = sqlx::query(&sql)
        .bind(clinic_id)
        .bind(id)
        .bind(search_key(fields))
        .bind(i64::from(active));
    for term in &terms {
        insert = insert.bind(term);
    }
    insert.execute(&mut *conn).await?;
    Ok(())
}

pub(crate) fn searchable(client: &ValidClient) -> [&str; 4] {
    [
        client.family_name.as_str(),
        client.given_name.as_str(),
        client.email.as_deref().unwrap_or_default(),
        client.phone.as_deref().unwrap_or_default(),
    ]
}

impl Store {
    /// Gives clients stored before search terms existed (or by an older
    /// version) their terms; a no-op once every client has them.
    pub(crate) async fn backfill_search_terms(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query(
            "SELECT id, clinic_id, family_name, given_name, email, phone, archived_at FROM clients c \
             WHERE c.erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM client_terms t WHERE t.client_id = c.id)",
        )
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_tx().await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let clinic_id: String = row.try_get("clinic_id")?;
            let fields: [Option<String>; 4] = [
                row.try_get("family_name")?,
                row.try_get("given_name")?,
                row.try_get("email")?,
                row.try_get("phone")?,
            ];
            let fields = fields.each_ref().map(|f| f.as_deref().unwrap_or_default());
            let active = row.try_get::<Option<i64>, _>("archived_at")?.is_none();
            write_terms(&mut tx.tx, &clinic_id, &id, &fields, active).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}

/// The condition that starts a page after a cursor (see [`bind_after`]),
/// its two values bound from `$next`; nothing without a cursor.
fn after_cursor(after: &Option<(String, String)>, key_column: &str, id_column: &str, next: usize) -> String {
    match after {
        Some(_) => format!(
            " AND ({key_column} > ${next} OR ({key_column} = ${next} AND {id_column} > ${}))",
            next + 1
        ),
        None => String::new(),
    }
}

/// How many pages `total` clients fill (at least one).
fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

fn bind_after<'q>(query: Query<'q>, after: &'q Option<(String, String)>) -> Query<'q> {
    match after {
        Some((key, id)) => query.bind(key).bind(id),
        None => query,
    }
}

/// Where the next page of a keyset listing starts: after this client.
fn encode_cursor(search_key: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{search_key}\u{1f}{id}"))
}

fn decode_cursor(cursor: &str) -> Result<(String, String), StoreError> {
    use base64::Engine;
    let refused = || {
        StoreError::Invalid(ValidationErrors::single(
            "after",
            "is not a cursor this server gave out",
        ))
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| refused())?;
    let text = String::from_utf8(bytes).map_err(|_| refused())?;
    let (key, id) = text.split_once('\u{1f}').ok_or_else(refused)?;
    Ok((key.to_owned(), id.to_owned()))
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

    pub(crate) fn audit_event(&self, action: &str, record_type: &str, record_id: &str) -> OwnedAuditEvent {
        OwnedAuditEvent {
            clinic_id: self.clinic_id.clone(),
            actor: self.actor_id.clone(),
            action: action.to_owned(),
            record_type: record_type.to_owned(),
            record_id: record_id.to_owned(),
        }
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
        // Clients are never deleted (an erased one stays as a tombstone), so
        // one check holds for the whole unit
        // (the client page asks for each part of the record).
        if tx.knows_client(client) {
            return Ok(());
        }
        let found = tx
            .fetch_optional(
                Query::new("SELECT erased_at FROM clients WHERE id = $1 AND clinic_id = $2")
                    .bind(client.to_string())
                    .bind(&self.clinic_id),
            )
            .await?;
        let erased_at: Option<i64> = found.ok_or(StoreError::NotFound("client"))?.column(0)?;
        // An erased client's (empty) record can be read, never added to.
        if erased_at.is_some() && tx.is_write() {
            return Err(StoreError::Conflict("this client has been erased".into()));
        }
        tx.remember_client(client);
        Ok(())
    }

    pub(crate) fn check_notes_allowed(&self, client: &ValidClient) -> Result<(), StoreError> {
        if client.notes.is_some() && !self.actor.role.writes_clinical_record() {
            return Err(StoreError::Forbidden(format!(
                "the {} role cannot write clinical notes",
                self.actor.role.label().to_lowercase()
            )));
        }
        Ok(())
    }

    fn client_from_row(&self, row: &impl ReadRow) -> Result<Client, StoreError> {
        let corrupt = |what: &str| StoreError::Internal(format!("corrupt client {what} in the database"));
        let archived_at: Option<i64> = row.column(7)?;
        let notes: Option<String> = row.column(6)?;
        Ok(Client {
            id: row.column::<String, _>(0)?.parse().map_err(|_| corrupt("id"))?,
            given_name: row.column(1)?,
            family_name: row.column(2)?,
            date_of_birth: row
                .column::<String, _>(3)?
                .parse()
                .map_err(|_| corrupt("date of birth"))?,
            email: row.column(4)?,
            phone: row.column(5)?,
            // Redacted here, in storage, so no page or endpoint can leak it.
            notes: notes.filter(|_| self.actor.role.reads_clinical_record()),
            archived: archived_at.is_some(),
            created_at: from_ms(row.column(8)?),
            updated_at: from_ms(row.column(9)?),
            version: row.column(10)?,
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
        .bind(search_key(&searchable(client)))
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        write_terms(&mut tx.tx, &self.clinic_id, &id.to_string(), &searchable(client), true).await?;
        sqlx::query(
            "UPDATE clinics SET client_count = client_count + 1, active_client_count = active_client_count + 1 WHERE id = $1",
        )
        .bind(&self.clinic_id)
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
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1 AND clinic_id = $2");
        let row = tx
            .fetch_optional(Query::new(&sql).bind(id.to_string()).bind(&self.clinic_id))
            .await?
            .ok_or(StoreError::NotFound("client"))?;
        self.client_from_row(&row)
    }

    /// Reads one client's record; the read itself is audited.
    pub async fn get_client(&self, id: ClientId) -> Result<Client, StoreError> {
        // One statement: no transaction to begin and commit, only the
        // read's audit entry to make durable before the client is shown.
        self.store
            .read_one(self.actor, move |scope, tx| {
                Box::pin(async move { scope.get_client_in(tx, id).await })
            })
            .await
    }

    pub(crate) async fn get_client_in(&self, tx: &mut Tx<'_>, id: ClientId) -> Result<Client, StoreError> {
        let client = self.fetch(tx, id).await?;
        tx.remember_client(id);
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
        let changed = sqlx::query(
            "UPDATE clients SET given_name = $1, family_name = $2, date_of_birth = $3, email = $4, phone = $5, \
             notes = CASE WHEN $6 = 1 THEN $7 ELSE notes END, search_key = $8 \
             WHERE id = $9 AND clinic_id = $10 AND erased_at IS NULL",
        )
        .bind(&client.given_name)
        .bind(&client.family_name)
        .bind(client.date_of_birth.to_string())
        .bind(client.email.as_deref())
        .bind(client.phone.as_deref())
        .bind(writes_notes)
        .bind(client.notes.as_deref())
        .bind(search_key(&searchable(client)))
        .bind(&id_text)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("this client has been erased".into()));
        }
        let updated = self.fetch(&mut tx, id).await?;
        write_terms(
            &mut tx.tx,
            &self.clinic_id,
            &id_text,
            &searchable(client),
            !updated.archived,
        )
        .await?;
        self.audit(&mut tx, "client.update", "client", &id_text).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Archives or restores a client; asking for the state it is already
    /// in changes nothing.
    pub async fn set_archived(&self, id: ClientId, archived: bool) -> Result<Client, StoreError> {
        let mut tx = self.store.write_tx().await?;
        let now = now_ms();
        // The state is checked in the statement, so two racing archivers
        // change the clinic's count once.
        // An erased client stays archived for good.
        let from = if archived {
            "archived_at IS NULL"
        } else {
            "archived_at IS NOT NULL AND erased_at IS NULL"
        };
        let result = sqlx::query(&format!(
            "UPDATE clients SET archived_at = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND clinic_id = $4 AND {from}"
        ))
        .bind(archived.then_some(now))
        .bind(now)
        .bind(id.to_string())
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if result.rows_affected() != 1 {
            let unchanged = self.fetch(&mut tx, id).await?;
            tx.commit().await?;
            return Ok(unchanged);
        }
        sqlx::query("UPDATE client_terms SET active = $1 WHERE client_id = $2 AND clinic_id = $3")
            .bind(i64::from(!archived))
            .bind(id.to_string())
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        let change = if archived { -1 } else { 1 };
        sqlx::query("UPDATE clinics SET active_client_count = active_client_count + $1 WHERE id = $2")
            .bind(change)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        let action = if archived { "client.archive" } else { "client.restore" };
        self.audit(&mut tx, action, "client", &id.to_string()).await?;
        let client = self.fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(client)
    }

    /// One page of clients in name order, optionally filtered by search
    /// words (each must be the start of a word of the name, e-mail or
    /// phone). With `after` the page starts after that cursor (keyset
    /// paging: as fast on the last page as on the first); otherwise `page`
    /// counts from 1.
    pub async fn list_clients(&self, query: &ClientQuery) -> Result<ClientPage, StoreError> {
        let query = query.clone();
        // A search counts and pages in two statements that must see the same
        // clients; the plain list reads its page and count in one.
        if query.search.trim().is_empty() {
            self.store
                .read_one(self.actor, move |scope, tx| {
                    Box::pin(async move { scope.list_clients_in(tx, &query).await })
                })
                .await
        } else {
            self.store
                .read_unit(self.actor, move |scope, tx| {
                    Box::pin(async move { scope.list_clients_in(tx, &query).await })
                })
                .await
        }
    }

    /// The list's count and page, read in one snapshot.
    async fn list_clients_in(&self, tx: &mut Tx<'_>, query: &ClientQuery) -> Result<ClientPage, StoreError> {
        let words: Vec<&str> = query.search.split_whitespace().take(MAX_SEARCH_WORDS).collect();
        let mut ranges = Vec::with_capacity(words.len());
        for word in &words {
            match search::prefix_range(word) {
                Some(range) => ranges.push(range),
                // Nothing searchable in the word: nothing matches it.
                None => return Ok(ClientPage::empty()),
            }
        }
        fn bind_all<'q>(sql: &'q str, clinic_id: &'q str, ranges: &'q [(String, String)]) -> Query<'q> {
            let mut q = Query::new(sql).bind(clinic_id);
            for (low, high) in ranges {
                q = q.bind(low).bind(high);
            }
            q
        }
        // Where the page starts: after the cursor (page 0), or at the
        // numbered page's offset (past the end, the last page).
        let next = 2 + 2 * ranges.len();
        let after = query.after.as_deref().map(decode_cursor).transpose()?;
        let window = |total: i64| match after {
            Some(_) => (0, 0),
            None => {
                let page = query.page.clamp(1, page_count(total));
                (page, (page - 1) * PAGE_SIZE)
            }
        };
        let (total, rows) = if ranges.is_empty() {
            // The plain list: the clinic's clients in name order; the count
            // is kept with the clients it counts (see migration 10) and read
            // with the page, in one statement. A page past the end finds no
            // rows: then the count alone says which page is the last.
            let column = if query.include_archived {
                "client_count"
            } else {
                "active_client_count"
            };
            let archived = if query.include_archived {
                ""
            } else {
                " AND c.archived_at IS NULL"
            };
            let keyset = after_cursor(&after, "c.search_key", "c.id", next);
            let page_sql = |offset: i64| {
                format!(
                    "SELECT {COLUMNS_OF_C}, c.search_key, (SELECT {column} FROM clinics WHERE id = $1) AS total \
                     FROM clients c WHERE c.clinic_id = $1{archived}{keyset} \
                     ORDER BY c.search_key, c.id LIMIT {} OFFSET {offset}",
                    PAGE_SIZE + 1
                )
            };
            let asked = match after {
                Some(_) => 0,
                // Saturating: any page number past the end is the last page.
                None => (query.page.max(1) - 1).saturating_mul(PAGE_SIZE),
            };
            let sql = page_sql(asked);
            let mut rows = tx
                .fetch_all(bind_after(bind_all(&sql, &self.clinic_id, &ranges), &after))
                .await?;
            let total: i64 = match rows.first() {
                Some(row) => row.column("total")?,
                None => {
                    let sql = format!("SELECT {column} AS total FROM clinics WHERE id = $1");
                    tx.fetch_optional(Query::new(&sql).bind(&self.clinic_id))
                        .await?
                        .ok_or(StoreError::NotFound("clinic"))?
                        .column("total")?
                }
            };
            let (_, offset) = window(total);
            if rows.is_empty() && offset != asked {
                let sql = page_sql(offset);
                rows = tx
                    .fetch_all(bind_after(bind_all(&sql, &self.clinic_id, &ranges), &after))
                    .await?;
            }
            (total, rows)
        } else {
            // A search: each word an index range over the terms (which carry
            // the list order and state), intersected; counted and cut to a
            // page there, and only the page's clients read.
            let active = if query.include_archived { "" } else { " AND active = 1" };
            let per_word: Vec<String> = (0..ranges.len())
                .map(|n| {
                    format!(
                        "SELECT client_id, search_key FROM client_terms \
                         WHERE clinic_id = $1 AND term >= ${} AND term <= ${}{active}",
                        2 * n + 2,
                        2 * n + 3
                    )
                })
                .collect();
            let keyset = after_cursor(&after, "search_key", "client_id", next);
            let (count_sql, page_sql) = if per_word.len() == 1 {
                // One word: its range, without repeats (a word can match
                // two terms of one client), counted and cut to a page in
                // one sort on the covering index (migration 19). GROUP BY,
                // not DISTINCT: SQLite materialises a DISTINCT page for the
                // join ten times slower.
                let range = "FROM client_terms WHERE clinic_id = $1 AND term >= $2 AND term <= $3";
                (
                    format!("SELECT COUNT(DISTINCT client_id) AS total {range}{active}"),
                    format!(
                        "SELECT search_key, client_id {range}{active}{keyset} \
                         GROUP BY search_key, client_id ORDER BY search_key, client_id"
                    ),
                )
            } else {
                // INTERSECT also removes repeats.
                let matched = per_word.join(" INTERSECT ");
                (
                    format!("SELECT COUNT(*) AS total FROM ({matched}) m"),
                    format!(
                        "SELECT m.client_id, m.search_key FROM ({matched}) m{} ORDER BY m.search_key, m.client_id",
                        keyset.replacen(" AND", " WHERE", 1)
                    ),
                )
            };
            let total: i64 = tx
                .fetch_optional(bind_all(&count_sql, &self.clinic_id, &ranges))
                .await?
                .ok_or(StoreError::Internal("a count returned no row".into()))?
                .column("total")?;
            let (_, offset) = window(total);
            // CROSS JOIN keeps SQLite from reading the page's clients the
            // other way round (every client of the clinic, probing the page:
            // ten times slower); PostgreSQL plans it as the inner join it is.
            let sql = format!(
                "SELECT {COLUMNS_OF_C}, c.search_key FROM ({page_sql} LIMIT {} OFFSET {offset}) p \
                 CROSS JOIN clients c WHERE c.id = p.client_id AND c.clinic_id = $1 \
                 ORDER BY p.search_key, p.client_id",
                PAGE_SIZE + 1
            );
            let rows = tx
                .fetch_all(bind_after(bind_all(&sql, &self.clinic_id, &ranges), &after))
                .await?;
            (total, rows)
        };
        let (page, _) = window(total);
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > PAGE_SIZE;
        let shown = &rows[..rows.len().min(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX))];
        let next_cursor = match shown.last() {
            Some(last) if more => Some(encode_cursor(
                &last.column::<String, _>("search_key")?,
                &last.column::<String, _>(0)?,
            )),
            _ => None,
        };
        let clients = shown
            .iter()
            .map(|row| self.client_from_row(row))
            .collect::<Result<_, _>>()?;
        Ok(ClientPage {
            clients,
            total,
            page,
            pages: page_count(total),
            next: next_cursor,
        })
    }

    /// The audit trail of one client, newest first (clinical roles only).
    pub async fn client_history(&self, id: ClientId, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        if !self.actor.role.reads_clinical_record() {
            return Err(StoreError::Forbidden(
                "only clinical staff can see a record's history".into(),
            ));
        }
        let mut conn = self.store.pool.acquire().await?;
        audit::entries_for_record(&mut conn, &self.clinic_id, "client", &id.to_string(), limit).await
    }
}
