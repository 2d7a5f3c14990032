//! Logical backups: every table dumped row by row in one consistent
//! snapshot, and loaded into an empty database of either back end in one
//! transaction. The byte format is `myomap_backup::logical`; this module
//! knows which tables there are, in which order they go, and the SQL.
//!
//! *Invariant:* a dump is one read transaction (SQLite: one `BEGIN`, WAL
//! readers see the last commit before it; PostgreSQL: `REPEATABLE READ, READ
//! ONLY`), so it holds every write acknowledged before it began and none
//! half-done. A load is one transaction on the target: schema, rows, counts
//! and audit chains checked, then `COMMIT`; any failure rolls all of it back.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use futures_util::TryStreamExt;
use myomap_backup::logical::{ColumnType, LogicalWriter, TableDigest, TableHeader, Value};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Row};
use tokio::sync::mpsc;

use crate::audit::{AuditChainCheck, ChainEntry};
use crate::backup::SnapshotClinic;
use crate::{AuditProblem, AuditReport, Backend, DatabaseTarget, Store, StoreError, migrate};

/// One table of the schema: its name, the columns its rows are ordered by
/// (its primary key), and a column referring to the same table, loaded
/// after the rows so that a row may refer to one that sorts after it.
struct TableSpec {
    name: &'static str,
    order_by: &'static [&'static str],
    self_reference: Option<(&'static str, &'static str)>,
}

const fn table(name: &'static str, order_by: &'static [&'static str]) -> TableSpec {
    TableSpec {
        name,
        order_by,
        self_reference: None,
    }
}

/// Every table, in an order where what a row refers to comes first. A
/// migration adding a table must add it here: a dump refuses a database
/// holding a table it does not know.
const TABLES: &[TableSpec] = &[
    table("schema_migrations", &["version"]),
    table("clinics", &["id"]),
    table("users", &["id"]),
    table("sessions", &["token_hash"]),
    table("login_failures", &["subject", "at"]),
    table("clients", &["id"]),
    table("client_terms", &["clinic_id", "term", "client_id"]),
    table("audit_log", &["clinic_id", "seq"]),
    table("client_links", &["token_hash"]),
    table("intakes", &["id"]),
    table("assessments", &["id"]),
    table("posture_photos", &["id"]),
    TableSpec {
        name: "session_notes",
        order_by: &["id"],
        self_reference: Some(("amends", "id")),
    },
    table("checkins", &["id"]),
    table("questionnaires", &["id"]),
    table("instrument_wording", &["clinic_id", "instrument"]),
    table("treatment_plans", &["id"]),
    table("home_care", &["id"]),
    table("home_care_ticks", &["home_care_id", "day", "item"]),
    table("rooms", &["id"]),
    table("calendars", &["therapist_id"]),
    table("working_hours", &["therapist_id", "position"]),
    table("appointments", &["id"]),
    table("outbox", &["id"]),
    table("time_off", &["id"]),
    table("backup_runs", &["outcome"]),
    table("staff_invitations", &["id"]),
    table("user_mfa", &["user_id"]),
    table("mfa_recovery_codes", &["user_id", "code_hash"]),
    table("mfa_challenges", &["token_hash"]),
];

fn spec(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What a dump saw, besides the rows.
#[derive(Debug, Clone)]
pub struct DumpFacts {
    pub backend: Backend,
    pub schema_version: i64,
    pub clinics: Vec<SnapshotClinic>,
    /// Every clinic's chain, recomputed from the rows as they were dumped.
    pub audit: AuditReport,
    /// Each table's rows and SHA-256, in dump order.
    pub tables: Vec<TableDigest>,
}

/// Plaintext is handed on in pieces of about this size.
const CHUNK_BYTES: usize = 1024 * 1024;

async fn live_tables(conn: &mut AnyConnection, backend: Backend) -> Result<BTreeSet<String>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    let names: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
    Ok(names.into_iter().collect())
}

async fn columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, ColumnType)>, StoreError> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get(0)?;
            let declared: String = row.try_get(1)?;
            let kind = match declared.to_ascii_lowercase().as_str() {
                "bigint" | "integer" | "int" | "smallint" => ColumnType::Int,
                "text" => ColumnType::Text,
                "bytea" | "blob" => ColumnType::Blob,
                other => {
                    return Err(StoreError::Config(format!(
                        "table {table}, column {name}: type {other} is not one a backup knows"
                    )));
                }
            };
            Ok((name, kind))
        })
        .collect()
}

fn value_of(row: &sqlx::any::AnyRow, index: usize, kind: ColumnType) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        ColumnType::Int => row.try_get::<Option<i64>, _>(index)?.map_or(Value::Null, Value::Int),
        ColumnType::Text => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::Text),
        ColumnType::Blob => row
            .try_get::<Option<Vec<u8>>, _>(index)?
            .map_or(Value::Null, Value::Blob),
    })
}

fn position(header: &TableHeader, column: &str) -> Result<usize, StoreError> {
    header
        .columns
        .iter()
        .position(|(name, _)| name == column)
        .ok_or_else(|| StoreError::Internal(format!("table {} has no column {column}", header.table)))
}

fn text_at(values: &[Value], index: usize) -> &str {
    values.get(index).and_then(Value::as_text).unwrap_or_default()
}

fn int_at(values: &[Value], index: usize) -> i64 {
    values.get(index).and_then(Value::as_int).unwrap_or_default()
}

/// Watches the clinics and audit rows go by and recomputes the chains.
#[derive(Default)]
pub struct ChainWatch {
    check: AuditChainCheck,
    clinics: Vec<SnapshotClinic>,
    /// Column positions of the table being read, when it is one of the two.
    clinic_columns: Option<[usize; 4]>,
    audit_columns: Option<[usize; 9]>,
}

impl ChainWatch {
    /// A table begins.
    pub fn table(&mut self, header: &TableHeader) -> Result<(), StoreError> {
        self.clinic_columns = None;
        self.audit_columns = None;
        match header.table.as_str() {
            "clinics" => {
                self.clinic_columns = Some([
                    position(header, "id")?,
                    position(header, "name")?,
                    position(header, "audit_seq")?,
                    position(header, "audit_head")?,
                ]);
            }
            "audit_log" => {
                let mut at = [0; 9];
                for (slot, column) in at.iter_mut().zip([
                    "clinic_id",
                    "seq",
                    "at",
                    "actor",
                    "action",
                    "record_type",
                    "record_id",
                    "prev_hash",
                    "hash",
                ]) {
                    *slot = position(header, column)?;
                }
                self.audit_columns = Some(at);
            }
            _ => {}
        }
        Ok(())
    }

    /// A row of the table that began last.
    pub fn row(&mut self, values: &[Value]) {
        if let Some([id, name, seq, head]) = self.clinic_columns {
            let clinic = SnapshotClinic {
                id: text_at(values, id).to_owned(),
                name: text_at(values, name).to_owned(),
                audit_seq: int_at(values, seq),
                audit_head: text_at(values, head).to_owned(),
            };
            self.check
                .clinic(&clinic.id, &clinic.name, clinic.audit_seq, &clinic.audit_head);
            self.clinics.push(clinic);
        } else if let Some([clinic, seq, at, actor, action, record_type, record_id, prev, hash]) = self.audit_columns {
            self.check.entry(
                text_at(values, clinic),
                &ChainEntry {
                    seq: int_at(values, seq),
                    at: int_at(values, at),
                    actor: text_at(values, actor),
                    action: text_at(values, action),
                    record_type: text_at(values, record_type),
                    record_id: text_at(values, record_id),
                    prev_hash: text_at(values, prev),
                    hash: text_at(values, hash),
                },
            );
        }
    }

    /// The clinics seen (in id order) and every chain's verdict.
    pub fn finish(self) -> (Vec<SnapshotClinic>, AuditReport) {
        (self.clinics, self.check.finish())
    }
}

impl Store {
    /// Dumps every table in one snapshot as the logical format, handing the
    /// plaintext on to `chunks` in pieces (never the whole installation in
    /// memory). Refuses a database holding a table it does not know.
    pub async fn dump_logical(&self, chunks: mpsc::Sender<Vec<u8>>) -> Result<DumpFacts, StoreError> {
        let backend = self.backend;
        let mut tx = self.read_tx().await?;
        let conn = &mut *tx.tx;
        let live = live_tables(conn, backend).await?;
        if let Some(unknown) = live.iter().find(|name| spec(name).is_none()) {
            return Err(StoreError::Config(format!(
                "the database holds a table this Myomap does not know ({unknown}): back it up with the Myomap that \
                 created it"
            )));
        }
        let schema_version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await?;
        let mut writer = LogicalWriter::new(Vec::with_capacity(CHUNK_BYTES + 64 * 1024));
        let mut watch = ChainWatch::default();
        let send = |chunk: Vec<u8>| {
            let chunks = chunks.clone();
            async move {
                chunks
                    .send(chunk)
                    .await
                    .map_err(|_| StoreError::Internal("the backup file's writer stopped".into()))
            }
        };
        for spec in TABLES.iter().filter(|t| live.contains(t.name)) {
            let columns = columns(conn, backend, spec.name).await?;
            let header = TableHeader {
                table: spec.name.to_owned(),
                columns,
            };
            let order: Vec<String> = spec
                .order_by
                .iter()
                .map(|column| {
                    let text = header
                        .columns
                        .iter()
                        .any(|(name, kind)| name == column && *kind == ColumnType::Text);
                    // Byte order on both back ends: PostgreSQL's default
                    // collation would sort text by locale.
                    if text && backend == Backend::Postgres {
                        format!("{} COLLATE \"C\"", quoted(column))
                    } else {
                        quoted(column)
                    }
                })
                .collect();
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                header
                    .columns
                    .iter()
                    .map(|(name, _)| quoted(name))
                    .collect::<Vec<_>>()
                    .join(", "),
                quoted(spec.name),
                order.join(", ")
            );
            watch.table(&header)?;
            let kinds: Vec<ColumnType> = header.columns.iter().map(|(_, kind)| *kind).collect();
            writer
                .begin_table(header)
                .map_err(|e| StoreError::Internal(e.to_string()))?;
            let mut rows = sqlx::query(&sql).fetch(&mut *conn);
            let mut values = Vec::with_capacity(kinds.len());
            while let Some(row) = rows.try_next().await? {
                values.clear();
                for (index, kind) in kinds.iter().enumerate() {
                    values.push(value_of(&row, index, *kind).map_err(|e| {
                        StoreError::Config(format!(
                            "table {}: a value of another type than its column's: {e}",
                            spec.name
                        ))
                    })?);
                }
                watch.row(&values);
                writer.row(&values).map_err(|e| StoreError::Internal(e.to_string()))?;
                if writer.get_mut().len() >= CHUNK_BYTES {
                    let chunk = std::mem::replace(writer.get_mut(), Vec::with_capacity(CHUNK_BYTES + 64 * 1024));
                    send(chunk).await?;
                }
            }
        }
        let (rest, tables) = writer.finish();
        if !rest.is_empty() {
            send(rest).await?;
        }
        tx.commit().await?;
        let (mut clinics, audit) = watch.finish();
        clinics.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(DumpFacts {
            backend,
            schema_version,
            clinics,
            audit,
            tables,
        })
    }
}

/// What a load is fed, from whatever reads the archive.
#[derive(Debug)]
pub enum LoadItem {
    Table(TableHeader),
    Rows(Vec<Vec<Value>>),
    /// The archive was read to its end and every check on it passed; without
    /// this the load rolls back.
    Finished,
}

/// Why a load wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the target database is not empty: {tables} hold rows")]
    NotEmpty { tables: String },
    #[error(
        "the target database was migrated by a newer Myomap (schema {found}; this one knows up to {known}); nothing \
         was changed"
    )]
    NewerTarget { found: i64, known: i64 },
    /// The archive's reader stopped before the end (its error says why).
    #[error("the backup ended before all of it was read")]
    Interrupted,
    #[error("{0}")]
    Mismatch(String),
    #[error("the audit log is broken after loading: clinic \"{}\", entry {}: {}", .0.clinic_name, .0.seq, .0.reason)]
    AuditBroken(AuditProblem),
}

/// What a committed load holds.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub tables: BTreeMap<String, u64>,
    pub audit: AuditReport,
    /// PostgreSQL sequences set past the rows loaded (the schema has none
    /// today; a later migration's would be covered).
    pub sequences_reset: usize,
}

/// Rows of one multi-row INSERT at most; parameters stay far below both
/// back ends' limits, and statements below a few MiB of photos.
const INSERT_ROWS: usize = 100;
const INSERT_PARAMETERS: usize = 30_000;
const INSERT_BYTES: usize = 8 * 1024 * 1024;

fn approximate_size(values: &[Value]) -> usize {
    values
        .iter()
        .map(|v| match v {
            Value::Text(t) => t.len(),
            Value::Blob(b) => b.len(),
            _ => 8,
        })
        .sum()
}

/// A self-referring column's index, its table key's index, and the (key,
/// reference) pairs set once every row of the table is in.
struct Deferred {
    column: usize,
    key: usize,
    later: Vec<(Value, Value)>,
}

struct TableLoad {
    header: TableHeader,
    insert_prefix: String,
    rows_per_insert: usize,
    pending: Vec<Vec<Value>>,
    pending_bytes: usize,
    deferred: Option<Deferred>,
    rows: u64,
}

impl TableLoad {
    fn new(header: TableHeader) -> Result<TableLoad, LoadError> {
        let deferred = match spec(&header.table).and_then(|s| s.self_reference) {
            Some((column, key)) => Some(Deferred {
                column: position(&header, column)?,
                key: position(&header, key)?,
                later: Vec::new(),
            }),
            None => None,
        };
        let insert_prefix = format!(
            "INSERT INTO {} ({}) VALUES ",
            quoted(&header.table),
            header
                .columns
                .iter()
                .map(|(name, _)| quoted(name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows_per_insert = (INSERT_PARAMETERS / header.columns.len().max(1)).clamp(1, INSERT_ROWS);
        Ok(TableLoad {
            header,
            insert_prefix,
            rows_per_insert,
            pending: Vec::new(),
            pending_bytes: 0,
            deferred,
            rows: 0,
        })
    }

    async fn push(&mut self, conn: &mut AnyConnection, mut values: Vec<Value>) -> Result<(), LoadError> {
        if values.len() != self.header.columns.len() {
            return Err(LoadError::Mismatch(format!(
                "table {}: a row of {} values for {} columns",
                self.header.table,
                values.len(),
                self.header.columns.len()
            )));
        }
        if let Some(deferred) = &mut self.deferred
            && values[deferred.column] != Value::Null
        {
            let reference = std::mem::replace(&mut values[deferred.column], Value::Null);
            deferred.later.push((values[deferred.key].clone(), reference));
        }
        self.pending_bytes += approximate_size(&values);
        self.pending.push(values);
        if self.pending.len() >= self.rows_per_insert || self.pending_bytes >= INSERT_BYTES {
            self.flush(conn).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), LoadError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let width = self.header.columns.len();
        let mut sql = self.insert_prefix.clone();
        for row in 0..self.pending.len() {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", row * width + column + 1));
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in self.pending.drain(..) {
            for (value, (_, kind)) in row.into_iter().zip(&self.header.columns) {
                query = bind(query, value, *kind);
            }
        }
        let inserted = query
            .execute(&mut *conn)
            .await
            .map_err(|e| LoadError::Mismatch(format!("table {}: the rows do not load: {e}", self.header.table)))?;
        self.rows += inserted.rows_affected();
        self.pending_bytes = 0;
        Ok(())
    }

    /// Writes what is pending and the deferred references.
    async fn finish(mut self, conn: &mut AnyConnection) -> Result<(String, u64), LoadError> {
        self.flush(conn).await?;
        if let Some(Deferred { column, key, later }) = self.deferred.take() {
            let sql = format!(
                "UPDATE {} SET {} = $1 WHERE {} = $2",
                quoted(&self.header.table),
                quoted(&self.header.columns[column].0),
                quoted(&self.header.columns[key].0)
            );
            for (key_value, reference) in later {
                let query = bind(sqlx::query(&sql), reference, self.header.columns[column].1);
                bind(query, key_value, self.header.columns[key].1)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| LoadError::Mismatch(format!("table {}: {e}", self.header.table)))?;
            }
        }
        Ok((self.header.table, self.rows))
    }
}

fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    value: Value,
    kind: ColumnType,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    // A NULL is bound with its column's type: PostgreSQL refuses a bigint
    // NULL for a text column.
    match (value, kind) {
        (Value::Int(n), _) => query.bind(n),
        (Value::Text(t), _) => query.bind(t),
        (Value::Blob(b), _) => query.bind(b),
        (Value::Null, ColumnType::Int) => query.bind(None::<i64>),
        (Value::Null, ColumnType::Text) => query.bind(None::<String>),
        (Value::Null, ColumnType::Blob) => query.bind(None::<Vec<u8>>),
    }
}

/// Loads a logical backup into `target` in one transaction: refuses a
/// target holding rows unless `force` (then replaces its tables), creates the
/// schema at `schema_version` (never newer than this build's), inserts what
/// `items` yields, checks the rows per table against `expected` and every
/// audit chain, and commits only if all of it held. A SQLite target is a
/// new file the caller renames into place afterwards.
pub async fn load_logical(
    target: &DatabaseTarget,
    schema_version: i64,
    expected: &BTreeMap<String, u64>,
    force: bool,
    mut items: mpsc::Receiver<LoadItem>,
) -> Result<LoadReport, LoadError> {
    sqlx::any::install_default_drivers();
    let (url, backend) = crate::connection_url(target, "rwc")?;
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| StoreError::Config(format!("bad database URL: {e}")))?
        .disable_statement_logging();
    let mut conn = options.connect().await.map_err(StoreError::connect)?;
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut conn)
            .await
            .map_err(StoreError::from)?;
    }
    sqlx::query("BEGIN")
        .execute(&mut conn)
        .await
        .map_err(StoreError::from)?;
    let outcome = load_in_transaction(&mut conn, backend, schema_version, expected, force, &mut items).await;
    match outcome {
        Ok(report) => {
            sqlx::query("COMMIT")
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?;
            let _ = conn.close().await;
            Ok(report)
        }
        Err(e) => {
            // Whatever the failure, the target is left as it was.
            let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
            let _ = conn.close().await;
            Err(e)
        }
    }
}

async fn load_in_transaction(
    conn: &mut AnyConnection,
    backend: Backend,
    schema_version: i64,
    expected: &BTreeMap<String, u64>,
    force: bool,
    items: &mut mpsc::Receiver<LoadItem>,
) -> Result<LoadReport, LoadError> {
    let known = crate::latest_schema_version();
    if schema_version > known {
        return Err(LoadError::Mismatch(format!(
            "the backup's schema {schema_version} is newer than this Myomap's ({known})"
        )));
    }
    if backend == Backend::Postgres {
        // No server of this database migrates while it is replaced.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(migrate::MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
    }
    clear_target(conn, backend, force).await?;
    migrate::apply_within(conn, schema_version).await?;
    // The backup's own migration history replaces the one just written.
    sqlx::query("DELETE FROM schema_migrations")
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from)?;

    let mut loaded = BTreeMap::new();
    let mut current: Option<TableLoad> = None;
    let mut finished = false;
    while let Some(item) = items.recv().await {
        match item {
            LoadItem::Table(header) => {
                if let Some(table) = current.take() {
                    let (name, rows) = table.finish(conn).await?;
                    loaded.insert(name, rows);
                }
                if loaded.contains_key(&header.table) {
                    return Err(LoadError::Mismatch(format!("table {} appears twice", header.table)));
                }
                current = Some(TableLoad::new(header)?);
            }
            LoadItem::Rows(rows) => {
                let Some(table) = current.as_mut() else {
                    return Err(LoadError::Mismatch("rows before any table".into()));
                };
                for row in rows {
                    table.push(conn, row).await?;
                }
            }
            LoadItem::Finished => {
                finished = true;
                break;
            }
        }
    }
    if !finished {
        return Err(LoadError::Interrupted);
    }
    if let Some(table) = current.take() {
        let (name, rows) = table.finish(conn).await?;
        loaded.insert(name, rows);
    }

    // What is in the database now, counted there.
    let live = live_tables(conn, backend).await?;
    let mut counted = BTreeMap::new();
    for name in &live {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(name)))
            .fetch_one(&mut *conn)
            .await
            .map_err(StoreError::from)?;
        counted.insert(name.clone(), u64::try_from(count).unwrap_or(0));
    }
    let differing: Vec<String> = counted
        .keys()
        .chain(expected.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|name| counted.get(*name).copied().unwrap_or(0) != expected.get(*name).copied().unwrap_or(0))
        .map(|name| {
            format!(
                "{name}: {} expected, {} loaded",
                expected.get(name).copied().unwrap_or(0),
                counted.get(name).copied().unwrap_or(0)
            )
        })
        .collect();
    if !differing.is_empty() {
        return Err(LoadError::Mismatch(format!(
            "rows per table differ from the manifest after loading: {}",
            differing.join("; ")
        )));
    }
    let restored_version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::from)?;
    if restored_version != schema_version {
        return Err(LoadError::Mismatch(format!(
            "the backup's migration history ends at {restored_version}, its manifest says {schema_version}"
        )));
    }
    let sequences_reset = reset_sequences(conn, backend).await?;
    let audit = crate::audit::verify_on(conn).await?;
    if let Some(problem) = audit.first_problem.clone() {
        return Err(LoadError::AuditBroken(problem));
    }
    Ok(LoadReport {
        tables: counted,
        audit,
        sequences_reset,
    })
}

/// Refuses a target whose Myomap tables hold rows (unless `force`), and
/// removes the Myomap tables it has, so the schema is created afresh at the
/// backup's version. Inside the load's transaction: a failure keeps them.
async fn clear_target(conn: &mut AnyConnection, backend: Backend, force: bool) -> Result<(), LoadError> {
    let live = live_tables(conn, backend).await?;
    if live.contains("schema_migrations") {
        let found: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await
            .map_err(StoreError::from)?;
        let known = crate::latest_schema_version();
        if found > known {
            return Err(LoadError::NewerTarget { found, known });
        }
    }
    let ours: Vec<&TableSpec> = TABLES.iter().filter(|t| live.contains(t.name)).collect();
    let mut holding = Vec::new();
    for spec in ours.iter().filter(|t| t.name != "schema_migrations") {
        let any: Option<i64> = sqlx::query_scalar(&format!("SELECT 1 FROM {} LIMIT 1", quoted(spec.name)))
            .fetch_optional(&mut *conn)
            .await
            .map_err(StoreError::from)?;
        if any.is_some() {
            holding.push(spec.name);
        }
    }
    if !holding.is_empty() && !force {
        return Err(LoadError::NotEmpty {
            tables: holding.join(", "),
        });
    }
    for spec in ours.iter().rev() {
        let cascade = if backend == Backend::Postgres { " CASCADE" } else { "" };
        sqlx::query(&format!("DROP TABLE {}{cascade}", quoted(spec.name)))
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
    }
    Ok(())
}

/// Sets every PostgreSQL sequence owned by a column past the highest value
/// loaded; SQLite's counters follow the rows by themselves.
async fn reset_sequences(conn: &mut AnyConnection, backend: Backend) -> Result<usize, LoadError> {
    if backend != Backend::Postgres {
        return Ok(0);
    }
    let owned = sqlx::query(
        "SELECT table_name::text, column_name::text, \
                pg_get_serial_sequence(quote_ident(table_name::text), column_name::text)::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() \
           AND pg_get_serial_sequence(quote_ident(table_name::text), column_name::text) IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    for row in &owned {
        let table: String = row.try_get(0).map_err(StoreError::from)?;
        let column: String = row.try_get(1).map_err(StoreError::from)?;
        let sequence: String = row.try_get(2).map_err(StoreError::from)?;
        sqlx::query(&format!(
            "SELECT setval($1::regclass, COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
            quoted(&column),
            quoted(&table)
        ))
        .bind(&sequence)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from)?;
    }
    Ok(owned.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_listed_once_and_ordered_by_a_key() {
        let mut names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLES.len());
        assert!(TABLES.iter().all(|t| !t.order_by.is_empty()));
    }
}
