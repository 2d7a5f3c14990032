//! Backups of a running installation, their verification, restoring one,
//! and the schedule `serve` runs: once for the command line and the server.
//!
//! Two formats. The logical one (the default, and the only one on
//! PostgreSQL) dumps every table in one read transaction into a scratch
//! file beside the target, encrypted to a key that lives only in this
//! process (counts and checksums are known only at the end, and the
//! manifest comes first); then the manifest and the decrypted dump are
//! archived. The SQLite one is a `VACUUM INTO` snapshot beside the live
//! database, measured, then archived. Either way the archive is written to a
//! `.partial` file next to the target, synced, then renamed, and scratch
//! files are removed whatever happens.
//!
//! Restoring a snapshot decrypts into a temporary file inside the target
//! directory, checks it (SHA-256, manifest against what the file really
//! holds, audit chains, schema not newer than this build), and only then
//! moves any old database aside and renames the new one in. Restoring a
//! logical backup streams it into one transaction on the target (a new
//! SQLite file renamed in the same way, or a PostgreSQL database), which
//! commits only after the archive's checksums, the rows per table and every
//! audit chain checked out. Nothing reaches the target before every check
//! passed.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use myomap_backup::logical::{Item, LogicalReader, check_tables};
use myomap_backup::{
    BackupError, ClinicHead, DatabaseEntry, FORMAT_VERSION, Lock, Manifest, Measure, PayloadKind, ScratchKey, Unlock,
};
use myomap_store::{
    AuditProblem, ChainWatch, DatabaseTarget, DumpFacts, LoadError, LoadItem, SnapshotFacts, Store, StoreError,
};
use tokio::sync::mpsc;

use crate::Clock;

/// Name of the database file inside a data directory.
pub const DATABASE_FILE: &str = "myomap.db";

/// Scheduled backups are named `myomap-backup-<UTC time>.age`.
const SCHEDULED_PREFIX: &str = "myomap-backup-";
const SCHEDULED_SUFFIX: &str = ".age";

#[derive(Debug, thiserror::Error)]
pub enum BackupFailure {
    #[error(transparent)]
    Archive(#[from] BackupError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} already exists; choose another file or remove it first", .0.display())]
    OutExists(PathBuf),
    #[error(
        "{} is not empty (it holds {entries}); restoring replaces its database: add --force to do so \
         (the database there now is kept beside it, renamed)",
        dir.display()
    )]
    NotEmpty { dir: PathBuf, entries: String },
    /// The manifest disagrees with the snapshot it describes.
    #[error("the backup was tampered with: {0}")]
    ManifestMismatch(String),
    #[error(
        "the audit log in the backup is broken: clinic \"{}\" ({}), entry {}: {}",
        .0.clinic_name, .0.clinic_id, .0.seq, .0.reason
    )]
    AuditBroken(AuditProblem),
    #[error(
        "this backup comes from a newer Myomap (database schema {found}; this one knows up to {known}): \
         restore it with a newer Myomap"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error(
        "the database {target} is not empty ({tables} hold rows); restoring replaces its Myomap tables: add --force \
         to do so (in one transaction: if anything fails, the database stays as it was)"
    )]
    DatabaseNotEmpty { target: String, tables: String },
    #[error(
        "this backup is a SQLite snapshot (format 1, or --format sqlite): restore it into a data directory \
         (--data DIR), then take a logical backup there to move it to PostgreSQL"
    )]
    SnapshotIntoPostgres,
    #[error("the restore did not complete and nothing was written: {0}")]
    Load(String),
    #[error("{0}")]
    Config(String),
}

/// How a backup holds the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Every table as typed rows: restores into SQLite or PostgreSQL.
    Logical,
    /// SQLite's `VACUUM INTO` file: SQLite only, restores into SQLite only.
    Sqlite,
}

/// Where a backup is restored to.
#[derive(Debug, Clone)]
pub enum RestoreTarget {
    /// A data directory: its `myomap.db`.
    DataDir(PathBuf),
    /// A PostgreSQL database (logical backups only).
    Postgres(String),
}

impl RestoreTarget {
    fn describe(&self) -> String {
        match self {
            RestoreTarget::DataDir(dir) => dir.join(DATABASE_FILE).display().to_string(),
            RestoreTarget::Postgres(url) => DatabaseTarget::Url(url.clone()).describe(),
        }
    }
}

fn load_failure(target: &RestoreTarget, e: LoadError) -> BackupFailure {
    match e {
        LoadError::Store(e) => BackupFailure::Store(e),
        LoadError::NotEmpty { tables } => BackupFailure::DatabaseNotEmpty {
            target: target.describe(),
            tables,
        },
        LoadError::NewerTarget { found, known } => BackupFailure::Load(format!(
            "the target database was migrated by a newer Myomap (schema {found}; this one knows up to {known})"
        )),
        LoadError::AuditBroken(problem) => BackupFailure::AuditBroken(problem),
        other => BackupFailure::Load(other.to_string()),
    }
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupFailure {
    let context = context.into();
    move |source| BackupFailure::Io { context, source }
}

/// What a new backup holds.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub file: PathBuf,
    /// Size of the encrypted file.
    pub bytes: u64,
    pub manifest: Manifest,
}

/// What a verified backup holds.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub manifest: Manifest,
    pub file_bytes: u64,
    /// Audit entries recomputed over all clinics.
    pub audit_entries: u64,
}

/// What a restore put in place.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub manifest: Manifest,
    /// Where it went (a file, or a PostgreSQL database without its password).
    pub database: String,
    /// Files of the database that was there before, moved aside.
    pub moved_aside: Vec<PathBuf>,
    pub audit_entries: u64,
    /// The schema this build migrates the restored database to on start.
    pub latest_schema: i64,
}

/// A file removed when dropped unless kept: the plaintext snapshot and
/// half-written files never outlive a failure.
struct Scratch(Option<PathBuf>);

impl Scratch {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }

    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(&path);
            // SQLite may leave a journal beside a file it wrote or read.
            for suffix in ["-journal", "-wal", "-shm"] {
                let mut side = path.clone().into_os_string();
                side.push(suffix);
                let _ = fs::remove_file(side);
            }
        }
    }
}

/// A name in `dir` no other run picks: `.{stem}-{random}{ext}`.
fn scratch_name(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    dir.join(format!(".{stem}-{}{ext}", uuid::Uuid::new_v4().simple()))
}

/// Creates a file only its owner can read (it may hold health data in the clear).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn sync_dir(dir: &Path) {
    // Makes a rename durable; not every platform can open a directory.
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, BackupFailure> + Send + 'static,
) -> Result<T, BackupFailure> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BackupFailure::Config(format!("the backup task stopped: {e}")))?
}

/// Takes a consistent backup of the running store and writes it,
/// encrypted, to `out` (which must not exist). `snapshot_dir` holds a
/// plaintext SQLite snapshot while it is archived (the data directory); a
/// logical dump's scratch file is encrypted and lies beside `out`.
pub async fn create(
    store: &Store,
    out: &Path,
    lock: &Lock,
    format: Format,
    snapshot_dir: &Path,
    clock: &dyn Clock,
) -> Result<BackupSummary, BackupFailure> {
    if out.exists() {
        return Err(BackupFailure::OutExists(out.to_path_buf()));
    }
    let out_dir = parent_of(out);
    if !out_dir.is_dir() {
        return Err(BackupFailure::Config(format!(
            "the directory {} does not exist",
            out_dir.display()
        )));
    }
    match format {
        Format::Logical => create_logical(store, out, &out_dir, lock, clock).await,
        Format::Sqlite => create_snapshot(store, out, lock, snapshot_dir, clock).await,
    }
}

/// Writes `manifest` and the payload `source` yields, encrypted, to a
/// private `.partial` file beside `out`, synced, then renamed to `out`.
/// Answers the archive's size.
fn write_out(out: &Path, lock: &Lock, manifest: &Manifest, source: impl Read) -> Result<u64, BackupFailure> {
    let partial = {
        let mut name = out.to_path_buf().into_os_string();
        name.push(".partial");
        Scratch(Some(PathBuf::from(name)))
    };
    let target = create_private(partial.path()).map_err(io(format!("creating {}", partial.path().display())))?;
    let written = myomap_backup::write_archive(BufWriter::new(target), lock, manifest, source)?;
    let target = written.into_inner().map_err(|e| BackupFailure::Io {
        context: "writing the backup".into(),
        source: e.into_error(),
    })?;
    target.sync_all().map_err(io("syncing the backup"))?;
    let bytes = target.metadata().map_err(io("reading the backup's size"))?.len();
    drop(target);
    if out.exists() {
        return Err(BackupFailure::OutExists(out.to_path_buf()));
    }
    fs::rename(partial.path(), out).map_err(io(format!("renaming the backup to {}", out.display())))?;
    partial.keep();
    sync_dir(&parent_of(out));
    Ok(bytes)
}

async fn create_snapshot(
    store: &Store,
    out: &Path,
    lock: &Lock,
    snapshot_dir: &Path,
    clock: &dyn Clock,
) -> Result<BackupSummary, BackupFailure> {
    fs::create_dir_all(snapshot_dir).map_err(io(format!("creating {}", snapshot_dir.display())))?;
    let snapshot = Scratch(Some(scratch_name(snapshot_dir, "backup-snapshot", ".db")));
    store.snapshot_into(snapshot.path()).await?;
    let facts = myomap_store::inspect_snapshot(snapshot.path()).await?;
    if let Some(problem) = facts.audit.first_problem.clone() {
        return Err(BackupFailure::AuditBroken(problem));
    }
    let created_at = clock.now();
    let out_file = out.to_path_buf();
    let out = out.to_path_buf();
    let lock = lock.clone();
    let snapshot_path = snapshot.path().to_path_buf();
    let (bytes, manifest) = blocking(move || {
        let file = File::open(&snapshot_path).map_err(io("reading the snapshot"))?;
        let (db_bytes, sha256) = myomap_backup::measure(BufReader::new(file)).map_err(io("reading the snapshot"))?;
        let manifest = manifest_of(
            &facts,
            created_at,
            DatabaseEntry {
                bytes: db_bytes,
                sha256,
            },
        );
        let source = File::open(&snapshot_path).map_err(io("reading the snapshot"))?;
        let bytes = write_out(&out, &lock, &manifest, BufReader::new(source))?;
        Ok((bytes, manifest))
    })
    .await?;
    drop(snapshot);
    Ok(BackupSummary {
        file: out_file,
        bytes,
        manifest,
    })
}

/// The logical dump: one read transaction streamed through a channel into
/// an encrypted scratch file, then archived behind its manifest.
async fn create_logical(
    store: &Store,
    out: &Path,
    out_dir: &Path,
    lock: &Lock,
    clock: &dyn Clock,
) -> Result<BackupSummary, BackupFailure> {
    let key = ScratchKey::generate();
    let scratch = Scratch(Some(scratch_name(out_dir, "myomap-dump", ".scratch")));
    let scratch_path = scratch.path().to_path_buf();
    let (chunks, mut received) = mpsc::channel::<Vec<u8>>(4);
    let writer = tokio::task::spawn_blocking(move || -> Result<(u64, String, ScratchKey), BackupFailure> {
        let file = create_private(&scratch_path).map_err(io(format!("creating {}", scratch_path.display())))?;
        let mut sealed = key.seal(BufWriter::new(file))?;
        let mut measure = Measure::default();
        // Every error names the file: the directory may have gone or
        // changed under a scheduled backup.
        let writing = format!("writing {}", scratch_path.display());
        while let Some(chunk) = received.blocking_recv() {
            measure.update(&chunk);
            sealed.write_all(&chunk).map_err(io(writing.clone()))?;
        }
        let file = sealed.finish().map_err(io(writing.clone()))?;
        file.into_inner().map_err(|e| BackupFailure::Io {
            context: writing,
            source: e.into_error(),
        })?;
        let (bytes, sha256) = measure.finish();
        Ok((bytes, sha256, key))
    });
    let dumped = store.dump_logical(chunks).await;
    let written = writer
        .await
        .map_err(|e| BackupFailure::Config(format!("the backup task stopped: {e}")))?;
    // The writer's failure (a full disk) is the cause of a dump that could
    // no longer hand its rows on.
    let (payload_bytes, payload_sha256, key) = written?;
    let facts = dumped?;
    if let Some(problem) = facts.audit.first_problem.clone() {
        return Err(BackupFailure::AuditBroken(problem));
    }
    let manifest = logical_manifest(
        &facts,
        clock.now(),
        DatabaseEntry {
            bytes: payload_bytes,
            sha256: payload_sha256,
        },
    );
    let out_file = out.to_path_buf();
    let out = out.to_path_buf();
    let lock = lock.clone();
    let scratch_path = scratch.path().to_path_buf();
    let (bytes, manifest) = blocking(move || {
        let file = File::open(&scratch_path).map_err(io(format!("reading {}", scratch_path.display())))?;
        let source = key.open(BufReader::new(file))?;
        let bytes = write_out(&out, &lock, &manifest, BufReader::with_capacity(256 * 1024, source))?;
        Ok((bytes, manifest))
    })
    .await?;
    drop(scratch);
    Ok(BackupSummary {
        file: out_file,
        bytes,
        manifest,
    })
}

fn heads(clinics: &[myomap_store::SnapshotClinic]) -> Vec<ClinicHead> {
    clinics
        .iter()
        .map(|c| ClinicHead {
            id: c.id.clone(),
            name: c.name.clone(),
            audit_seq: c.audit_seq,
            audit_head: c.audit_head.clone(),
        })
        .collect()
}

fn logical_manifest(facts: &DumpFacts, created_at: Timestamp, database: DatabaseEntry) -> Manifest {
    Manifest {
        format: FORMAT_VERSION,
        kind: PayloadKind::Logical,
        created_at,
        myomap_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: facts.backend.as_str().to_owned(),
        schema_version: facts.schema_version,
        database,
        tables: facts.tables.iter().map(|t| (t.table.clone(), t.rows)).collect(),
        table_sha256: facts
            .tables
            .iter()
            .map(|t| (t.table.clone(), t.sha256.clone()))
            .collect(),
        clinics: heads(&facts.clinics),
    }
}

fn manifest_of(facts: &SnapshotFacts, created_at: Timestamp, database: DatabaseEntry) -> Manifest {
    Manifest {
        format: FORMAT_VERSION,
        kind: PayloadKind::Sqlite,
        created_at,
        myomap_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: "sqlite".to_owned(),
        schema_version: facts.schema_version,
        database,
        tables: facts.tables.clone(),
        table_sha256: BTreeMap::new(),
        clinics: heads(&facts.clinics),
    }
}

type OpenPayload = myomap_backup::Payload<BufReader<File>>;

/// Opens a backup file: its manifest (format and schema checked) and its
/// payload, ready to stream.
fn open_file(file: &Path, unlock: &Unlock) -> Result<(Manifest, OpenPayload, u64), BackupFailure> {
    let input = File::open(file).map_err(io(format!("opening {}", file.display())))?;
    let len = input
        .metadata()
        .map_err(io(format!("reading {}", file.display())))?
        .len();
    let (manifest, payload) = myomap_backup::open_archive(BufReader::new(input), len, unlock)?;
    let known = myomap_store::latest_schema_version();
    if manifest.schema_version > known {
        return Err(BackupFailure::NewerSchema {
            found: manifest.schema_version,
            known,
        });
    }
    Ok((manifest, payload, len))
}

async fn open_blocking(file: &Path, unlock: Unlock) -> Result<(Manifest, OpenPayload, u64), BackupFailure> {
    let file = file.to_path_buf();
    blocking(move || open_file(&file, &unlock)).await
}

/// Decrypts a snapshot payload into `snapshot` (a new private file).
fn copy_payload(mut payload: OpenPayload, snapshot: &Path) -> Result<(), BackupFailure> {
    let output = create_private(snapshot).map_err(io(format!("creating {}", snapshot.display())))?;
    let mut writer = BufWriter::new(output);
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = match payload.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(myomap_backup::payload_error(e).into()),
        };
        writer.write_all(&buffer[..n]).map_err(io("writing the snapshot"))?;
    }
    let output = writer.into_inner().map_err(|e| BackupFailure::Io {
        context: "writing the snapshot".into(),
        source: e.into_error(),
    })?;
    output.sync_all().map_err(io("syncing the snapshot"))?;
    Ok(())
}

/// Checks a snapshot payload from end to end in `snapshot`; answers the
/// audit entries recomputed.
async fn check_snapshot(manifest: &Manifest, payload: OpenPayload, snapshot: &Path) -> Result<u64, BackupFailure> {
    let path = snapshot.to_path_buf();
    blocking(move || copy_payload(payload, &path)).await?;
    let facts = myomap_store::inspect_snapshot(snapshot).await?;
    check_against(manifest, &facts)?;
    Ok(facts.audit.entries)
}

/// Reads a logical payload to its end: every table against the manifest
/// (rows and SHA-256) and every clinic's audit chain recomputed from the
/// dumped rows.
fn read_logical(manifest: &Manifest, payload: OpenPayload) -> Result<SnapshotFacts, BackupFailure> {
    let mut reader = LogicalReader::new(BufReader::with_capacity(256 * 1024, payload));
    let mut watch = ChainWatch::default();
    while let Some(item) = reader.next_item()? {
        match item {
            Item::Table(header) => watch.table(&header)?,
            Item::Row(values) => watch.row(&values),
        }
    }
    check_tables(manifest, reader.digests())?;
    let (clinics, audit) = watch.finish();
    Ok(SnapshotFacts {
        schema_version: manifest.schema_version,
        tables: reader.digests().iter().map(|d| (d.table.clone(), d.rows)).collect(),
        clinics,
        audit,
    })
}

/// Rows handed to the load at once, at most.
const LOAD_BATCH_ROWS: usize = 500;
const LOAD_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Reads a logical payload and hands its tables and rows to a load; says
/// `Finished` only once the payload's checksum and every table's count and
/// checksum held. A load that stopped listening ends this quietly: its own
/// error is the one to report.
fn feed(manifest: &Manifest, payload: OpenPayload, items: &mpsc::Sender<LoadItem>) -> Result<(), BackupFailure> {
    let mut reader = LogicalReader::new(BufReader::with_capacity(256 * 1024, payload));
    let mut batch: Vec<Vec<myomap_backup::logical::Value>> = Vec::new();
    let mut batch_bytes = 0usize;
    let send = |item: LoadItem| items.blocking_send(item).is_ok();
    loop {
        match reader.next_item()? {
            Some(Item::Table(header)) => {
                if !batch.is_empty() && !send(LoadItem::Rows(std::mem::take(&mut batch))) {
                    return Ok(());
                }
                batch_bytes = 0;
                if !send(LoadItem::Table(header)) {
                    return Ok(());
                }
            }
            Some(Item::Row(values)) => {
                batch_bytes += values
                    .iter()
                    .map(|v| match v {
                        myomap_backup::logical::Value::Text(t) => t.len(),
                        myomap_backup::logical::Value::Blob(b) => b.len(),
                        _ => 8,
                    })
                    .sum::<usize>();
                batch.push(values);
                if batch.len() >= LOAD_BATCH_ROWS || batch_bytes >= LOAD_BATCH_BYTES {
                    batch_bytes = 0;
                    if !send(LoadItem::Rows(std::mem::take(&mut batch))) {
                        return Ok(());
                    }
                }
            }
            None => break,
        }
    }
    if !batch.is_empty() && !send(LoadItem::Rows(batch)) {
        return Ok(());
    }
    check_tables(manifest, reader.digests())?;
    let _ = send(LoadItem::Finished);
    Ok(())
}

/// Streams a logical payload into `database` in one transaction; answers
/// the audit entries verified there before the commit.
async fn load_into(
    manifest: &Manifest,
    payload: OpenPayload,
    database: DatabaseTarget,
    force: bool,
    target: &RestoreTarget,
) -> Result<u64, BackupFailure> {
    let (items, received) = mpsc::channel::<LoadItem>(4);
    let reading = manifest.clone();
    let reader = tokio::task::spawn_blocking(move || feed(&reading, payload, &items));
    let loaded =
        myomap_store::load_logical(&database, manifest.schema_version, &manifest.tables, force, received).await;
    let fed = reader
        .await
        .map_err(|e| BackupFailure::Config(format!("the restore task stopped: {e}")))?;
    // A damaged archive is the cause of a load that was cut off.
    fed?;
    let report = loaded.map_err(|e| load_failure(target, e))?;
    Ok(report.audit.entries)
}

/// The manifest must describe the snapshot it came with, and the snapshot's
/// audit chains must verify.
fn check_against(manifest: &Manifest, facts: &SnapshotFacts) -> Result<(), BackupFailure> {
    if manifest.schema_version != facts.schema_version {
        return Err(BackupFailure::ManifestMismatch(format!(
            "the manifest says schema {}, the database is at {}",
            manifest.schema_version, facts.schema_version
        )));
    }
    if manifest.tables != facts.tables {
        let differing = differing_tables(&manifest.tables, &facts.tables);
        return Err(BackupFailure::ManifestMismatch(format!(
            "row counts differ from the manifest: {differing}"
        )));
    }
    for clinic in &facts.clinics {
        let listed = manifest.clinics.iter().find(|c| c.id == clinic.id);
        if listed.is_none_or(|c| c.audit_seq != clinic.audit_seq || c.audit_head != clinic.audit_head) {
            return Err(BackupFailure::ManifestMismatch(format!(
                "the audit chain head of clinic \"{}\" differs from the manifest",
                clinic.name
            )));
        }
    }
    if manifest.clinics.len() != facts.clinics.len() {
        return Err(BackupFailure::ManifestMismatch(
            "the manifest lists other clinics than the database holds".into(),
        ));
    }
    if let Some(problem) = facts.audit.first_problem.clone() {
        return Err(BackupFailure::AuditBroken(problem));
    }
    Ok(())
}

fn differing_tables(manifest: &BTreeMap<String, u64>, found: &BTreeMap<String, u64>) -> String {
    let mut names: Vec<&String> = manifest.keys().chain(found.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| manifest.get(*name) != found.get(*name))
        .map(|name| {
            let show = |n: Option<&u64>| n.map_or_else(|| "none".to_owned(), u64::to_string);
            format!(
                "{name} {} in the manifest, {} in the database",
                show(manifest.get(name)),
                show(found.get(name))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Decrypts and checks a backup without restoring it. A snapshot's
/// plaintext lives in `scratch_dir` only while it is checked; a logical
/// backup is checked as it streams, with nothing written.
pub async fn verify(file: &Path, unlock: Unlock, scratch_dir: &Path) -> Result<VerifyReport, BackupFailure> {
    let (manifest, payload, file_bytes) = open_blocking(file, unlock).await?;
    let audit_entries = match manifest.kind {
        PayloadKind::Sqlite => {
            let snapshot = Scratch(Some(scratch_name(scratch_dir, "myomap-verify", ".db")));
            check_snapshot(&manifest, payload, snapshot.path()).await?
        }
        PayloadKind::Logical => {
            let reading = manifest.clone();
            let facts = blocking(move || read_logical(&reading, payload)).await?;
            check_against(&manifest, &facts)?;
            facts.audit.entries
        }
    };
    Ok(VerifyReport {
        manifest,
        file_bytes,
        audit_entries,
    })
}

/// What a directory holds, for the refusal's message ("" when empty or absent).
fn describe_entries(dir: &Path) -> Result<String, BackupFailure> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => return Err(io(format!("reading {}", dir.display()))(e)),
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    let mut text = names.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    Ok(text)
}

/// Restores `file` into `target`. A data directory with anything in it is
/// refused unless `force`; then its database files are moved aside
/// (renamed with the time), never deleted. A PostgreSQL database whose
/// Myomap tables hold rows is refused unless `force`; then its tables are
/// replaced in the load's one transaction. Stop the servers first.
pub async fn restore(
    file: &Path,
    target: &RestoreTarget,
    unlock: Unlock,
    force: bool,
    clock: &dyn Clock,
) -> Result<RestoreReport, BackupFailure> {
    let data_dir = match target {
        RestoreTarget::DataDir(dir) => dir,
        RestoreTarget::Postgres(url) => {
            let (manifest, payload, _) = open_blocking(file, unlock).await?;
            if manifest.kind != PayloadKind::Logical {
                return Err(BackupFailure::SnapshotIntoPostgres);
            }
            let audit_entries = load_into(&manifest, payload, DatabaseTarget::Url(url.clone()), force, target).await?;
            return Ok(RestoreReport {
                manifest,
                database: target.describe(),
                moved_aside: Vec::new(),
                audit_entries,
                latest_schema: myomap_store::latest_schema_version(),
            });
        }
    };
    let entries = describe_entries(data_dir)?;
    if !entries.is_empty() && !force {
        return Err(BackupFailure::NotEmpty {
            dir: data_dir.to_path_buf(),
            entries,
        });
    }
    let (manifest, payload, _) = open_blocking(file, unlock).await?;
    fs::create_dir_all(data_dir).map_err(io(format!("creating {}", data_dir.display())))?;
    let incoming = Scratch(Some(scratch_name(data_dir, "myomap-restore", ".db")));
    let audit_entries = match manifest.kind {
        PayloadKind::Sqlite => check_snapshot(&manifest, payload, incoming.path()).await?,
        PayloadKind::Logical => {
            let url = format!("sqlite://{}?mode=rwc", incoming.path().display());
            load_into(&manifest, payload, DatabaseTarget::Url(url), false, target).await?
        }
    };

    let database = data_dir.join(DATABASE_FILE);
    let stamp = clock.now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut moved_aside = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let current = data_dir.join(format!("{DATABASE_FILE}{suffix}"));
        if current.exists() {
            let aside = data_dir.join(format!("{DATABASE_FILE}.replaced-{stamp}{suffix}"));
            fs::rename(&current, &aside).map_err(io(format!("moving {} aside", current.display())))?;
            moved_aside.push(aside);
        }
    }
    fs::rename(incoming.path(), &database).map_err(io(format!("renaming into {}", database.display())))?;
    incoming.keep();
    sync_dir(data_dir);
    Ok(RestoreReport {
        manifest,
        database: database.display().to_string(),
        moved_aside,
        audit_entries,
        latest_schema: myomap_store::latest_schema_version(),
    })
}

/// Backups `serve` takes on its own.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    /// How many scheduled backups to keep (the newest).
    pub keep: usize,
}

/// Reads an interval such as `24h`, `90m`, `1h30m` or `45s`.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let parsed: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|_| format!("\"{text}\" is not an interval; write it like 24h, 90m or 1h30m"))?;
    let duration = Duration::try_from(parsed).map_err(|_| format!("\"{text}\" is negative"))?;
    if duration < Duration::from_secs(1) {
        return Err(format!("\"{text}\" is shorter than a second"));
    }
    Ok(duration)
}

/// The file name of a scheduled backup taken at `at`: sortable by time.
pub fn scheduled_name(at: Timestamp) -> String {
    format!(
        "{SCHEDULED_PREFIX}{}{:03}Z{SCHEDULED_SUFFIX}",
        at.strftime("%Y%m%dT%H%M%S."),
        at.subsec_millisecond()
    )
}

/// Scheduled backups in `dir`, oldest first.
pub fn scheduled_backups(dir: &Path) -> Result<Vec<PathBuf>, BackupFailure> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io(format!("reading {}", dir.display())))?
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(SCHEDULED_PREFIX) && name.ends_with(SCHEDULED_SUFFIX)
        })
        .map(|entry| entry.path())
        .collect();
    found.sort();
    Ok(found)
}

/// Removes all but the newest `keep` scheduled backups; answers the removed.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupFailure> {
    let found = scheduled_backups(dir)?;
    let excess = found.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for old in found.into_iter().take(excess) {
        fs::remove_file(&old).map_err(io(format!("removing {}", old.display())))?;
        removed.push(old);
    }
    Ok(removed)
}

/// One scheduled backup: written to the schedule's directory, pruned, and
/// its outcome recorded for the owner's page.
pub async fn run_scheduled_once(
    store: &Store,
    schedule: &Schedule,
    lock: &Lock,
    snapshot_dir: &Path,
    clock: &dyn Clock,
) -> Result<BackupSummary, BackupFailure> {
    let at = clock.now();
    let file = schedule.dir.join(scheduled_name(at));
    let result: Result<BackupSummary, BackupFailure> = async {
        fs::create_dir_all(&schedule.dir).map_err(io(format!("creating {}", schedule.dir.display())))?;
        let summary = create(store, &file, lock, Format::Logical, snapshot_dir, clock).await?;
        prune(&schedule.dir, schedule.keep)?;
        Ok(summary)
    }
    .await;
    let shown = file.display().to_string();
    let recorded = match &result {
        Ok(summary) => store.record_backup_success(at, &shown, summary.bytes).await,
        Err(e) => store.record_backup_failure(at, &shown, &e.to_string()).await,
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "the backup's outcome could not be recorded");
    }
    result
}

/// When the next scheduled backup is due: a full interval after the last
/// success, or now when there was none (a restart neither skips nor repeats
/// one).
pub async fn next_due(store: &Store, every: Duration, clock: &dyn Clock) -> Timestamp {
    let now = clock.now();
    let last = match store.backup_status().await {
        Ok(status) => status.last_success.map(|run| run.at),
        Err(_) => None,
    };
    match last.and_then(|at| {
        jiff::SignedDuration::try_from(every)
            .ok()
            .and_then(|e| at.checked_add(e).ok())
    }) {
        Some(due) if due > now => due,
        _ => now,
    }
}

/// Runs the schedule until the task is dropped: each backup when it is due,
/// its outcome logged and recorded.
pub async fn run_schedule(store: Store, schedule: Schedule, lock: Lock, snapshot_dir: PathBuf, clock: &dyn Clock) {
    loop {
        let due = next_due(&store, schedule.every, clock).await;
        let wait = clock.now().until(due).ok().and_then(|span| {
            span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .ok()
                .and_then(|d| Duration::try_from(d).ok())
        });
        if let Some(wait) = wait.filter(|w| !w.is_zero()) {
            tokio::time::sleep(wait).await;
        }
        match run_scheduled_once(&store, &schedule, &lock, &snapshot_dir, clock).await {
            Ok(summary) => tracing::info!(
                file = %summary.file.display(),
                bytes = summary.bytes,
                "scheduled backup written"
            ),
            Err(e) => {
                tracing::error!(error = %e, "scheduled backup failed");
                // Try again after a full interval, not in a tight loop.
                tokio::time::sleep(schedule.every).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn intervals_read_as_people_write_them() {
        assert_eq!(parse_interval("24h").unwrap(), Duration::from_secs(24 * 3600));
        assert_eq!(parse_interval("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_interval(" 45s ").unwrap(), Duration::from_secs(45));
        assert!(parse_interval("daily").unwrap_err().contains("24h"));
        assert!(parse_interval("0s").unwrap_err().contains("shorter than a second"));
        assert!(parse_interval("-2h").is_err());
    }

    #[test]
    fn pruning_keeps_the_newest_scheduled_backups_and_nothing_else_is_touched() {
        let dir = std::env::temp_dir().join(format!("myomap-prune-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let start: Timestamp = "2026-12-01T23:59:59.5Z".parse().unwrap();
        let names: Vec<String> = (0..5)
            .map(|n| scheduled_name(start.checked_add(jiff::SignedDuration::from_millis(n * 700)).unwrap()))
            .collect();
        // Names sort as times do, across a day's end and within a second.
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, names);
        assert_eq!(names[0], "myomap-backup-20261201T235959.500Z.age");
        for name in names.iter().rev() {
            fs::write(dir.join(name), b"x").unwrap();
        }
        fs::write(dir.join("notes.txt"), b"mine").unwrap();
        fs::write(dir.join("myomap-backup-x.age.partial"), b"x").unwrap();

        let removed = prune(&dir, 2).unwrap();
        assert_eq!(removed.len(), 3);
        let left: Vec<PathBuf> = scheduled_backups(&dir).unwrap();
        assert_eq!(left, vec![dir.join(&names[3]), dir.join(&names[4])]);
        assert!(dir.join("notes.txt").exists());
        assert!(dir.join("myomap-backup-x.age.partial").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
