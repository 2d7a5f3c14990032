//! Logical backups across back ends with the real binary: the demo clinic
//! goes SQLite → PostgreSQL → SQLite with every table byte-identical, its
//! audit chains verifying and its records reading the same; damaged,
//! re-encrypted or foreign archives and occupied databases are refused with
//! nothing written into PostgreSQL.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use myomap_backup::{Lock, Manifest, Unlock};
use myomap_testkit::TestDb;
use reqwest::StatusCode;

use crate::harness::{Api, BIN, Server, text};

const PASSPHRASE: &str = "a passphrase for the logical tests";

fn run(args: &[String], passphrase: &str) -> Output {
    Command::new(BIN)
        .args(args)
        .env("MYOMAP_LOG", "warn")
        .env("MYOMAP_BACKUP_PASSPHRASE", passphrase)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn on(db: &TestDb, args: &[&str]) -> Vec<String> {
    let mut all = strings(args);
    all.extend(db.cli_args());
    all
}

fn into(db: &TestDb, args: &[&str]) -> Vec<String> {
    let mut all = strings(args);
    match &db.database_url {
        Some(url) => all.extend(["--database".to_owned(), url.clone()]),
        None => all.extend(["--data".to_owned(), db.data_dir().display().to_string()]),
    }
    all
}

fn backup(db: &TestDb, file: &Path) {
    let out = run(&on(db, &["backup", "--out", &file.display().to_string()]), PASSPHRASE);
    assert!(out.status.success(), "backup: {}", text(&out.stderr));
}

fn restore(file: &Path, db: &TestDb, extra: &[&str]) -> Output {
    let mut args = into(db, &["restore", &file.display().to_string()]);
    args.extend(strings(extra));
    run(&args, PASSPHRASE)
}

fn audit_verifies(db: &TestDb) {
    let out = run(&on(db, &["audit", "verify"]), PASSPHRASE);
    assert!(out.status.success(), "audit verify: {}", text(&out.stdout));
    assert!(text(&out.stdout).contains("audit log intact"), "{}", text(&out.stdout));
}

fn unlock() -> Unlock {
    Unlock::passphrase(PASSPHRASE.into()).unwrap()
}

/// The manifest and the decrypted payload of a backup file.
fn open(file: &Path) -> (Manifest, Vec<u8>) {
    let bytes = std::fs::read(file).unwrap();
    let mut payload = Vec::new();
    let manifest = myomap_backup::read_archive(&bytes[..], bytes.len() as u64, &unlock(), &mut payload).unwrap();
    (manifest, payload)
}

/// Each table's section of a logical payload, by name.
fn sections(payload: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in payload.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"{") {
            if let Some((name, bytes)) = current.take() {
                found.insert(name, bytes);
            }
            let header: serde_json::Value = serde_json::from_slice(line).unwrap();
            current = Some((header["table"].as_str().unwrap().to_owned(), line.to_vec()));
        } else if let Some((_, bytes)) = current.as_mut() {
            bytes.extend_from_slice(line);
        }
    }
    if let Some((name, bytes)) = current {
        found.insert(name, bytes);
    }
    found
}

/// An archive of `payload` under `manifest`, as someone holding the
/// passphrase could write it; `rehash_tables` makes the per-table
/// checksums match the changed payload too.
fn reencrypted(manifest: &Manifest, payload: &[u8], rehash_tables: bool, file: &Path) {
    let mut manifest = manifest.clone();
    let (bytes, sha256) = myomap_backup::measure(payload).unwrap();
    manifest.database = myomap_backup::DatabaseEntry { bytes, sha256 };
    if rehash_tables {
        for (table, section) in sections(payload) {
            manifest
                .table_sha256
                .insert(table, myomap_backup::measure(&section[..]).unwrap().1);
        }
    }
    let lock = Lock::passphrase(PASSPHRASE.into()).unwrap();
    let archive = myomap_backup::write_archive(Vec::new(), &lock, &manifest, payload).unwrap();
    std::fs::write(file, archive).unwrap();
}

/// Replaces the first `from` after the `audit_log` header by `to`.
fn edit_audit_log(payload: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(payload.to_vec()).unwrap();
    let start = text.find("{\"table\":\"audit_log\"").unwrap();
    let at = start + text[start..].find(from).unwrap();
    let mut edited = text[..at].to_owned();
    edited.push_str(to);
    edited.push_str(&text[at + from.len()..]);
    edited.into_bytes()
}

async fn tables_in(db: &TestDb) -> i64 {
    db.raw_count(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() \
         AND table_type = 'BASE TABLE'",
    )
    .await
}

/// A client as the API and the page show it, from a server on `db`.
async fn client_as_served(db: &TestDb, id: &str) -> (serde_json::Value, String) {
    let server = Server::start(db);
    // The therapist: an owner would first have to set up two-factor sign-in.
    let api = Api::login(&server, "therapist@demo.test", "demo-therapist").await;
    let (status, client) = api.get(&format!("/api/v1/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{client}");
    let (status, list) = api.get("/api/v1/clients?q=walsh").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    (client, list.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_clinic_moves_from_sqlite_to_postgres_and_back() {
    let sqlite = TestDb::sqlite();
    let seeded = run(&on(&sqlite, &["demo", "--no-serve", "--clients", "40"]), PASSPHRASE);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let work = tempfile::tempdir().unwrap();

    // SQLite → PostgreSQL.
    let from_sqlite = work.path().join("from-sqlite.age");
    backup(&sqlite, &from_sqlite);
    let postgres = TestDb::postgres().await;
    let out = restore(&from_sqlite, &postgres, &[]);
    assert!(out.status.success(), "restore into PostgreSQL: {}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("audit chains intact"), "{said}");
    audit_verifies(&postgres);

    // PostgreSQL → SQLite.
    let from_postgres = work.path().join("from-postgres.age");
    backup(&postgres, &from_postgres);
    let back = TestDb::sqlite();
    let out = restore(&from_postgres, &back, &[]);
    assert!(out.status.success(), "restore into SQLite: {}", text(&out.stderr));
    audit_verifies(&back);
    let from_back = work.path().join("from-back.age");
    backup(&back, &from_back);

    // Every table holds the same rows, to the byte, on each back end.
    let (first, first_payload) = open(&from_sqlite);
    let (second, _) = open(&from_postgres);
    let (third, third_payload) = open(&from_back);
    assert_eq!(
        (first.backend.as_str(), second.backend.as_str()),
        ("sqlite", "postgres")
    );
    assert!(
        first.tables["clients"] >= 40 && first.tables["audit_log"] > 0,
        "{:?}",
        first.tables
    );
    assert_eq!(first.tables, second.tables);
    assert_eq!(first.table_sha256, second.table_sha256);
    assert_eq!(first.clinics, second.clinics);
    assert_eq!(first.tables, third.tables);
    assert_eq!(first_payload, third_payload);

    // The same record, read through the API of a server on each.
    let (_, payload) = open(&from_sqlite);
    let clients = sections(&payload).remove("clients").unwrap();
    let first_row = clients.split(|b| *b == b'\n').nth(1).unwrap();
    let row: Vec<serde_json::Value> = serde_json::from_slice(first_row).unwrap();
    let id = row[0].as_str().unwrap().to_owned();
    let original = client_as_served(&sqlite, &id).await;
    assert_eq!(client_as_served(&postgres, &id).await, original);
    assert_eq!(client_as_served(&back, &id).await, original);
    // Those reads were audited, and the chains still verify.
    audit_verifies(&postgres);
    audit_verifies(&back);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_logical_backups_and_occupied_databases_leave_postgres_untouched() {
    let sqlite = TestDb::sqlite();
    let seeded = run(&on(&sqlite, &["demo", "--no-serve", "--clients", "5"]), PASSPHRASE);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("demo.age");
    backup(&sqlite, &file);
    let good = std::fs::read(&file).unwrap();
    let (manifest, payload) = open(&file);

    let truncated = work.path().join("truncated.age");
    std::fs::write(&truncated, &good[..good.len() * 2 / 3]).unwrap();
    let tampered = work.path().join("tampered.age");
    let mut bytes = good.clone();
    let near_end = bytes.len() - 100;
    bytes[near_end] ^= 0x01;
    std::fs::write(&tampered, &bytes).unwrap();
    // Re-encrypted with the passphrase: an audit entry's action changed.
    // Without new table checksums the manifest gives it away; with them,
    // the audit chain recomputed after loading does.
    let edited = edit_audit_log(&payload, "\"client.create\"", "\"client.delete\"");
    let rows_changed = work.path().join("rows-changed.age");
    reencrypted(&manifest, &edited, false, &rows_changed);
    let chain_broken = work.path().join("chain-broken.age");
    reencrypted(&manifest, &edited, true, &chain_broken);

    let target = TestDb::postgres().await;
    let cases: [(&Path, &str, &str); 5] = [
        (&file, "the wrong passphrase", "wrong passphrase"),
        (&truncated, PASSPHRASE, "the backup is truncated"),
        (&tampered, PASSPHRASE, "the backup is damaged or was tampered with"),
        (
            &rows_changed,
            PASSPHRASE,
            "table audit_log's SHA-256 differs from the manifest's",
        ),
        (&chain_broken, PASSPHRASE, "the audit log in the backup is broken"),
    ];
    for (case, passphrase, expected) in cases {
        let args = into(&target, &["restore", &case.display().to_string()]);
        let out = run(&args, passphrase);
        assert!(!out.status.success(), "{} restored", case.display());
        let said = text(&out.stderr);
        assert!(
            said.starts_with("error: ") && said.contains(expected),
            "{}: {said}",
            case.display()
        );
        assert_eq!(tables_in(&target).await, 0, "{} left tables behind", case.display());

        let verify = run(&strings(&["backup", "verify", &case.display().to_string()]), passphrase);
        assert!(!verify.status.success(), "{} verified", case.display());
    }
    // `backup verify` recomputes the chains from the dumped rows.
    let verify = run(
        &strings(&["backup", "verify", &chain_broken.display().to_string()]),
        PASSPHRASE,
    );
    assert!(
        text(&verify.stderr).contains("content does not match its hash"),
        "{}",
        text(&verify.stderr)
    );

    // A database in use is refused without --force and left as it was.
    let occupied = TestDb::postgres().await;
    let seeded = run(&on(&occupied, &["demo", "--no-serve", "--clients", "3"]), PASSPHRASE);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let before = occupied.raw_count("SELECT COUNT(*) FROM clients").await;
    let out = restore(&file, &occupied, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("is not empty") && text(&out.stderr).contains("add --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(occupied.raw_count("SELECT COUNT(*) FROM clients").await, before);
    // A failed forced restore keeps it too.
    let out = restore(&chain_broken, &occupied, &["--force"]);
    assert!(!out.status.success());
    assert_eq!(occupied.raw_count("SELECT COUNT(*) FROM clients").await, before);
    // With --force the backup replaces it in one transaction.
    let out = restore(&file, &occupied, &["--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        occupied.raw_count("SELECT COUNT(*) FROM clients").await,
        i64::try_from(manifest.tables["clients"]).unwrap()
    );
    audit_verifies(&occupied);

    // A SQLite snapshot does not go into PostgreSQL.
    let snapshot = work.path().join("snapshot.age");
    let out = run(
        &on(
            &sqlite,
            &["backup", "--format", "sqlite", "--out", &snapshot.display().to_string()],
        ),
        PASSPHRASE,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let empty = TestDb::postgres().await;
    let out = restore(&snapshot, &empty, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("SQLite snapshot"), "{}", text(&out.stderr));
    assert_eq!(tables_in(&empty).await, 0);
}
