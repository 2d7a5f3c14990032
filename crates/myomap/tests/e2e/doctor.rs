//! `myomap doctor` on a real installation: a healthy one passes, a
//! world-writable database file and a tampered audit entry fail by name, and
//! the checks change nothing.

use std::os::unix::fs::PermissionsExt;

use myomap_testkit::TestDb;

use crate::harness::{add_user, cli_db, schema_version, text};

fn chmod(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn doctor_passes_a_healthy_install_and_fails_a_writable_file_or_a_tampered_log() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    let file = db.data_dir().join("myomap.db");
    chmod(db.data_dir(), 0o700);
    chmod(&file, 0o600);
    for companion in ["myomap.db-wal", "myomap.db-shm"] {
        let path = db.data_dir().join(companion);
        if path.exists() {
            chmod(&path, 0o600);
        }
    }
    let backups = tempfile::tempdir().unwrap();
    std::fs::write(backups.path().join("myomap-backup-20261207T000000Z.age"), b"age").unwrap();
    let backup_dir = backups.path().display().to_string();
    let doctor = |extra: &[&str]| {
        let mut args = vec!["doctor"];
        args.extend_from_slice(extra);
        let out = cli_db(&db, &args, "");
        (out.status.code(), text(&out.stdout))
    };
    let healthy = [
        "--public-url",
        "https://clinic.example.org",
        "--backup-dir",
        &backup_dir,
    ];

    let (code, report) = doctor(&healthy);
    assert_eq!(code, Some(0), "{report}");
    for expected in [
        "ok    password hashing: argon2id v19 m=19456 KiB, t=2, p=1",
        "ok    data directory:",
        "ok    database file:",
        &format!("schema version {} is current", schema_version()),
        // clinic and owner created, the owner's two-factor set-up started
        // and confirmed (the harness enrols owners)
        "ok    audit chain: intact: 4 entries in 1 clinic(s)",
        "ok    clock:",
        "ok    public URL: https://clinic.example.org is HTTPS; run serve with --secure-cookies",
        "ok    backups: the newest backup,",
        "no check failed",
    ] {
        assert!(report.contains(expected), "{expected:?} missing from:\n{report}");
    }
    let findings: Vec<&str> = report.lines().filter(|l| !l.starts_with("no check")).collect();
    assert!(
        findings.len() >= 8 && findings.iter().all(|l| l.starts_with("ok ")),
        "{report}"
    );

    // Plain HTTP off loopback and no known backup: warnings, still exit 0.
    let (code, report) = doctor(&["--public-url", "http://clinic.example.org"]);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report.contains("warn  public URL: http://clinic.example.org is plain HTTP"),
        "{report}"
    );
    assert!(
        report.contains("warn  backups: no scheduled backup has succeeded"),
        "{report}"
    );

    // Anyone on the machine could rewrite the records.
    chmod(&file, 0o666);
    let (code, report) = doctor(&healthy);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains(&format!(
            "fail  database file: {} is world-writable (mode 0666)",
            file.display()
        )),
        "{report}"
    );
    assert!(report.contains("check(s) failed"), "{report}");
    chmod(&file, 0o644);
    let (code, report) = doctor(&healthy);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report.contains("warn  database file:") && report.contains("chmod 600"),
        "{report}"
    );
    chmod(&file, 0o600);

    // Someone rewrites who created the account.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let changed =
        runtime.block_on(db.raw_execute("UPDATE audit_log SET actor = 'nobody' WHERE action = 'user.create'"));
    assert_eq!(changed, 1);
    let (code, report) = doctor(&healthy);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report
            .contains("fail  audit chain: TAMPERED: clinic \"North Clinic\", entry 2: content does not match its hash"),
        "{report}"
    );
}

#[test]
fn doctor_creates_nothing_where_there_is_no_installation() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let out = crate::harness::cli(&["doctor", "--data", &missing.display().to_string()], "");
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("fail  data directory:"), "{report}");
    assert!(report.contains("fail  database:"), "{report}");
    assert!(!missing.exists(), "doctor created {}", missing.display());
}
