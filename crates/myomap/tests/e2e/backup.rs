//! Backups with the real binary: a backup of a running server under writes
//! restores every write acknowledged before it began (photos included) and
//! its audit chain verifies; damaged, truncated, tampered or foreign files
//! and wrong passphrases are refused by name with nothing written; scheduled
//! backups are written, pruned and shown to the owner.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Api, BIN, Browser, PASSWORD, Server, add_user, text};

const PASSPHRASE: &str = "a passphrase for the tests";

/// `myomap ARGS` with the backup passphrase in its environment (or none),
/// and no terminal to ask on.
fn run(args: &[&str], passphrase: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("MYOMAP_LOG", "warn")
        .env_remove("MYOMAP_BACKUP_PASSPHRASE")
        .stdin(Stdio::null());
    if let Some(passphrase) = passphrase {
        command.env("MYOMAP_BACKUP_PASSPHRASE", passphrase);
    }
    command.output().unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(read) => read
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// `myomap ARGS` followed by the database's `--data`/`--database`.
fn run_on(args: &[&str], db: &TestDb, passphrase: Option<&str>) -> Output {
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(db.cli_args());
    run(&all.iter().map(String::as_str).collect::<Vec<_>>(), passphrase)
}

/// `--data DIR` or `--database URL`: where `restore` puts a backup.
fn restore_target(db: &TestDb) -> Vec<String> {
    match &db.database_url {
        Some(url) => vec!["--database".into(), url.clone()],
        None => vec!["--data".into(), path(db.data_dir()).into()],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_under_writes_restores_every_acknowledged_write() {
    backup_under_writes(TestDb::sqlite(), TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_under_writes_restores_every_acknowledged_write() {
    backup_under_writes(TestDb::postgres().await, TestDb::postgres().await).await;
}

/// A backup of a running server under writes, restored into `restored`
/// (an empty database of the same back end).
async fn backup_under_writes(db: TestDb, restored: TestDb) {
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    let server = Server::start(&db);
    let api = Arc::new(Api::login(&server, "owner@north.test", PASSWORD).await);

    // A posture photo: photos are rows, so the snapshot must carry them.
    let client = api.create_client("Photo", "Kept").await;
    let (status, assessment) = api
        .post(&format!("/api/v1/clients/{client}/assessments"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{assessment}");
    let png = crate::harness::test_png(320, 240);
    let photo: serde_json::Value = api
        .http
        .post(server.url(&format!(
            "/api/v1/assessments/{}/photos?view=front",
            assessment["id"].as_str().unwrap()
        )))
        .bearer_auth(&api.token)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photo_id = photo["id"].as_str().unwrap().to_owned();

    // Writers create clients and note each acknowledgement.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..3 {
        let (api, acknowledged, stop) = (api.clone(), acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let (status, body) = api
                    .post(
                        "/api/v1/clients",
                        json!({"given_name": format!("W{writer}N{n}"), "family_name": "Backedup",
                               "date_of_birth": "1980-01-01"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                acknowledged
                    .lock()
                    .unwrap()
                    .push(body["id"].as_str().unwrap().to_owned());
                n += 1;
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 30 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Everything acknowledged until now must be in the backup.
    let before = acknowledged.lock().unwrap().clone();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("north.age");
    let mut args = vec!["backup".to_owned(), "--out".into(), path(&file).into()];
    args.extend(db.cli_args());
    let started = Instant::now();
    let backup = tokio::task::spawn_blocking(move || {
        run(&args.iter().map(String::as_str).collect::<Vec<_>>(), Some(PASSPHRASE))
    })
    .await
    .unwrap();
    let took = started.elapsed();
    let acknowledged_by_then = acknowledged.lock().unwrap().len();
    assert!(backup.status.success(), "backup failed: {}", text(&backup.stderr));
    let report = text(&backup.stdout);
    assert!(report.starts_with("backup written: "), "{report}");
    assert!(report.contains("posture_photos"), "{report}");
    // The writers went on while the backup ran.
    assert!(
        acknowledged_by_then > before.len(),
        "no write was acknowledged during the backup ({took:?})"
    );
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }

    // Checked without restoring.
    let verified = run(&["backup", "verify", path(&file)], Some(PASSPHRASE));
    assert!(verified.status.success(), "verify failed: {}", text(&verified.stderr));
    let verified = text(&verified.stdout);
    assert!(verified.contains("backup verified"), "{verified}");
    assert!(verified.contains("audit chains intact"), "{verified}");

    // Restored into an empty database, whose audit log verifies.
    let mut args = vec!["restore".to_owned(), path(&file).into()];
    args.extend(restore_target(&restored));
    let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), Some(PASSPHRASE));
    assert!(out.status.success(), "restore failed: {}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("restored ") && said.contains("clients"), "{said}");
    let audit = run_on(&["audit", "verify"], &restored, None);
    assert!(audit.status.success(), "audit verify: {}", text(&audit.stdout));
    assert!(text(&audit.stdout).contains("audit log intact"));
    drop(server);

    // Served from the restored copy: every acknowledged write and the photo.
    let copy = Server::start(&restored);
    let api = Api::login(&copy, "owner@north.test", PASSWORD).await;
    for id in &before {
        assert_eq!(
            api.get(&format!("/api/v1/clients/{id}")).await.0,
            StatusCode::OK,
            "client {id}, acknowledged before the backup began, is not in it"
        );
    }
    let image = api
        .http
        .get(copy.url(&format!("/api/v1/photos/{photo_id}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.bytes().await.unwrap().to_vec(), png);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_backups_are_refused_by_name_and_nothing_is_written() {
    let db = TestDb::sqlite();
    add_user(&db, "South Clinic", "owner@south.test", "owner");
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("south.age");
    let made = run(
        &["backup", "--data", path(db.data_dir()), "--out", path(&file)],
        Some(PASSPHRASE),
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let good = std::fs::read(&file).unwrap();

    // No passphrase and no terminal: refused, nothing written.
    let none = work.path().join("none.age");
    let out = run(&["backup", "--data", path(db.data_dir()), "--out", path(&none)], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("MYOMAP_BACKUP_PASSPHRASE"),
        "{}",
        text(&out.stderr)
    );
    assert!(!none.exists());
    // An existing file is never overwritten.
    let out = run(
        &["backup", "--data", path(db.data_dir()), "--out", path(&file)],
        Some(PASSPHRASE),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&file).unwrap(), good);

    let truncated = work.path().join("truncated.age");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let tampered = work.path().join("tampered.age");
    let mut bytes = good.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&tampered, &bytes).unwrap();
    let foreign = db.data_dir().join("myomap.db");

    let cases: [(&Path, &str, &str); 4] = [
        (&file, "the wrong passphrase", "wrong passphrase"),
        (&truncated, PASSPHRASE, "the backup is truncated"),
        (&tampered, PASSPHRASE, "the backup is damaged or was tampered with"),
        (&foreign, PASSPHRASE, "not a Myomap backup"),
    ];
    for (case, passphrase, expected) in cases {
        let verify = run(&["backup", "verify", path(case)], Some(passphrase));
        assert!(!verify.status.success(), "{} verified", case.display());
        let said = text(&verify.stderr);
        assert!(
            said.starts_with("error: ") && said.contains(expected),
            "{}: {said}",
            case.display()
        );

        let target = work.path().join("target");
        let restore = run(&["restore", path(case), "--data", path(&target)], Some(passphrase));
        assert!(!restore.status.success(), "{} restored", case.display());
        assert!(text(&restore.stderr).contains(expected), "{}", text(&restore.stderr));
        assert_eq!(entries(&target), Vec::<String>::new(), "{} left files", case.display());
    }

    // A data directory in use is refused without --force and left as it was.
    let occupied = work.path().join("occupied");
    std::fs::create_dir_all(&occupied).unwrap();
    std::fs::write(occupied.join("myomap.db"), b"the clinic's current data").unwrap();
    let out = run(&["restore", path(&file), "--data", path(&occupied)], Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("add --force"), "{}", text(&out.stderr));
    assert_eq!(entries(&occupied), ["myomap.db"]);
    assert_eq!(
        std::fs::read(occupied.join("myomap.db")).unwrap(),
        b"the clinic's current data"
    );
    // With --force the old database is kept aside, renamed.
    let out = run(
        &["restore", path(&file), "--data", path(&occupied), "--force"],
        Some(PASSPHRASE),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let now = entries(&occupied);
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now[1].starts_with("myomap.db.replaced-"), "{now:?}");
    let audit = run(&["audit", "verify", "--data", path(&occupied)], None);
    assert!(audit.status.success(), "{}", text(&audit.stdout));

    // PostgreSQL has no SQLite file to snapshot: logical (the default) or pg_dump.
    let out = run(
        &[
            "backup",
            "--database",
            "postgres://myomap@127.0.0.1:1/none",
            "--format",
            "sqlite",
            "--out",
            path(&work.path().join("pg.age")),
        ],
        Some(PASSPHRASE),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("pg_dump"), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_are_written_pruned_and_shown_to_the_owner() {
    let db = TestDb::sqlite();
    add_user(&db, "East Clinic", "owner@east.test", "owner");
    add_user(&db, "East Clinic", "therapist@east.test", "therapist");
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("backups");
    let mut args = vec!["serve".to_owned(), "--bind".into(), "127.0.0.1:0".into()];
    args.extend(db.cli_args());
    let schedule = ["--backup-dir", path(&dir), "--backup-every", "2s", "--backup-keep", "2"];
    args.extend(schedule.iter().map(|s| (*s).to_owned()));

    // Asked for without a passphrase or recipient: refused before serving.
    let refused = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("--backup-dir needs a way to encrypt"),
        "{}",
        text(&refused.stderr)
    );

    let server = Server::spawn_env(&args, 1, &[("MYOMAP_BACKUP_PASSPHRASE", PASSPHRASE)]);
    let owner = Browser::new(&server);
    owner.sign_in("owner@east.test", PASSWORD).await;
    let (_, page) = owner.get("/clients").await;
    assert!(
        page.contains("href=\"/settings/backups\""),
        "owners find the page in the navigation"
    );

    // Three runs seen on the page, then two files are left.
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < 3 {
        assert!(Instant::now() < deadline, "scheduled backups seen: {seen:?}");
        let (status, page) = owner.get("/settings/backups").await;
        assert_eq!(status, StatusCode::OK);
        if let Some(name) = page
            .split("myomap-backup-")
            .nth(1)
            .and_then(|rest| rest.split(".age").next())
            .filter(|name| !seen.iter().any(|s: &String| s == name))
        {
            seen.push(name.to_owned());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let kept: Vec<String> = entries(&dir).into_iter().filter(|n| n.ends_with(".age")).collect();
    assert_eq!(kept.len(), 2, "keep 2: {kept:?}");
    assert!(
        !kept.iter().any(|k| k.contains(&seen[0])),
        "the oldest was pruned: {kept:?}"
    );
    let (_, page) = owner.get("/settings/backups").await;
    assert!(page.contains("Every 2s to"), "{page}");
    assert!(page.contains("No scheduled backup has failed."), "{page}");

    let newest = dir.join(&kept[1]);
    let verified = run(&["backup", "verify", path(&newest)], Some(PASSPHRASE));
    assert!(verified.status.success(), "{}", text(&verified.stderr));

    // A failure is recorded with its error: the directory became a file.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a directory").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, page) = owner.get("/settings/backups").await;
        if page.contains("id=\"backup-last-failure\"") && !page.contains("No scheduled backup has failed.") {
            // Whichever step met the file (creating the directory, or the
            // rename of a backup already under way), the error names it.
            let error = page
                .split("class=\"error\">")
                .nth(1)
                .unwrap()
                .split("</dd>")
                .next()
                .unwrap();
            assert!(error.contains(path(&dir)), "{error}");
            break;
        }
        assert!(Instant::now() < deadline, "no failure shown: {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Owners only.
    let therapist = Browser::new(&server);
    therapist.sign_in("therapist@east.test", PASSWORD).await;
    let (_, page) = therapist.get("/clients").await;
    assert!(!page.contains("/settings/backups"));
    let (status, _) = therapist.get("/settings/backups").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
