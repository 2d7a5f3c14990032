#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;

use age::secrecy::ExposeSecret;

use super::*;

/// Bytes that look like a database: several age chunks, not compressible.
fn database(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state & 0xff) as u8
        })
        .collect()
}

fn manifest_for(db: &[u8]) -> Manifest {
    let (bytes, sha256) = measure(db).unwrap();
    Manifest {
        format: FORMAT_VERSION,
        kind: PayloadKind::Sqlite,
        created_at: "2026-12-07T10:00:00Z".parse().unwrap(),
        myomap_version: "0.1.0".into(),
        backend: "sqlite".into(),
        schema_version: 10,
        database: DatabaseEntry { bytes, sha256 },
        tables: BTreeMap::from([("clients".to_owned(), 3), ("audit_log".to_owned(), 7)]),
        table_sha256: BTreeMap::new(),
        clinics: vec![ClinicHead {
            id: "c1".into(),
            name: "Harbour Street Clinic".into(),
            audit_seq: 7,
            audit_head: "ab".repeat(32),
        }],
    }
}

fn passphrase() -> Lock {
    Lock::passphrase("correct horse battery staple".into()).unwrap()
}

fn unlock() -> Unlock {
    Unlock::passphrase("correct horse battery staple".into()).unwrap()
}

fn archive(lock: &Lock, db: &[u8]) -> Vec<u8> {
    write_archive(Vec::new(), lock, &manifest_for(db), db).unwrap()
}

fn read(file: &[u8], unlock: &Unlock) -> Result<(Manifest, Vec<u8>), BackupError> {
    let mut out = Vec::new();
    let manifest = read_archive(file, file.len() as u64, unlock, &mut out)?;
    Ok((manifest, out))
}

/// An archive framed by hand, for what `write_archive` refuses to write.
fn framed(lock: &Lock, manifest_json: &[u8], db: &[u8]) -> Vec<u8> {
    let mut writer = lock.encryptor().unwrap().wrap_output(Vec::new()).unwrap();
    writer.write_all(MAGIC).unwrap();
    writer.write_all(&(manifest_json.len() as u32).to_be_bytes()).unwrap();
    writer.write_all(manifest_json).unwrap();
    writer.write_all(db).unwrap();
    writer.finish().unwrap()
}

#[test]
fn a_passphrase_archive_round_trips_and_its_length_is_predicted() {
    let db = database(300_000);
    let file = archive(&passphrase(), &db);
    let (manifest, out) = read(&file, &unlock()).unwrap();
    assert_eq!(manifest, manifest_for(&db));
    assert_eq!(out, db);
    assert_eq!(manifest.total_rows(), 10);
}

#[test]
fn a_database_of_whole_chunks_round_trips() {
    // The plaintext ends exactly on a chunk boundary.
    // The manifest is padded to fill the first chunk.
    let manifest_len = serde_json::to_vec(&manifest_for(&[]))
        .unwrap()
        .len()
        .max(64 * 1024 - MAGIC.len() - 4);
    let db = database(2 * 64 * 1024 - MAGIC.len() - 4 - manifest_len);
    let file = archive(&passphrase(), &db);
    assert_eq!(read(&file, &unlock()).unwrap().1, db);
}

#[test]
fn a_recipient_archive_opens_with_its_identity_only() {
    let identity = age::x25519::Identity::generate();
    let lock = Lock::recipients(&[identity.to_public().to_string()]).unwrap();
    let db = database(100_000);
    let file = archive(&lock, &db);

    let key_file = format!("# created for a test\n{}\n", identity.to_string().expose_secret());
    assert_eq!(read(&file, &Unlock::identity_file(&key_file).unwrap()).unwrap().1, db);

    let other = age::x25519::Identity::generate();
    let other = Unlock::identity_file(other.to_string().expose_secret()).unwrap();
    assert!(matches!(read(&file, &other), Err(BackupError::NoMatchingIdentity)));
    assert!(matches!(read(&file, &unlock()), Err(BackupError::NeedsIdentity)));

    let passphrase_file = archive(&passphrase(), &db);
    let mine = Unlock::identity_file(identity.to_string().expose_secret()).unwrap();
    assert!(matches!(
        read(&passphrase_file, &mine),
        Err(BackupError::NeedsPassphrase)
    ));
}

#[test]
fn a_wrong_passphrase_is_named() {
    let file = archive(&passphrase(), &database(1000));
    let wrong = Unlock::passphrase("Correct horse battery staple".into()).unwrap();
    let error = read(&file, &wrong).unwrap_err();
    assert!(matches!(error, BackupError::WrongPassphrase), "{error}");
    assert_eq!(
        error.to_string(),
        "wrong passphrase: the backup does not decrypt with it"
    );
}

#[test]
fn a_truncated_file_is_named_truncated_with_both_lengths() {
    let db = database(300_000);
    let file = archive(&passphrase(), &db);
    // Cut mid-chunk, on a chunk boundary of the ciphertext, and one byte short.
    for keep in [
        file.len() / 2,
        file.len() - (file.len() - 200) % (64 * 1024 + 16),
        file.len() - 1,
    ] {
        let error = read(&file[..keep], &unlock()).unwrap_err();
        match error {
            BackupError::Truncated { expected, actual } => {
                assert_eq!(expected, file.len() as u64);
                assert_eq!(actual, keep as u64);
            }
            other => panic!("cut to {keep} bytes: {other}"),
        }
    }
}

#[test]
fn a_small_archive_cut_inside_its_first_chunk_is_named_truncated() {
    let file = archive(&passphrase(), &database(1000));
    assert!(file.len() > 64 * 1024, "the manifest fills the first chunk");
    for keep in [1000, file.len() / 2, file.len() - 1200] {
        match read(&file[..keep], &unlock()).unwrap_err() {
            BackupError::TruncatedEarly { actual, .. } => assert_eq!(actual, keep as u64),
            other => panic!("cut to {keep} bytes: {other}"),
        }
    }
    let mut tampered = file.clone();
    tampered[file.len() / 2] ^= 0x01;
    assert!(matches!(read(&tampered, &unlock()), Err(BackupError::Damaged(_))));
}

#[test]
fn a_file_cut_inside_its_header_is_not_taken_for_a_backup() {
    let file = archive(&passphrase(), &database(1000));
    assert!(matches!(read(&file[..40], &unlock()), Err(BackupError::NotAgeFile)));
}

#[test]
fn a_changed_byte_anywhere_in_the_payload_is_tampering() {
    let db = database(300_000);
    let file = archive(&passphrase(), &db);
    for at in [file.len() / 3, file.len() - 5] {
        let mut tampered = file.clone();
        tampered[at] ^= 0x01;
        let error = read(&tampered, &unlock()).unwrap_err();
        assert!(matches!(error, BackupError::Damaged(_)), "byte {at}: {error}");
        assert!(
            error
                .to_string()
                .starts_with("the backup is damaged or was tampered with")
        );
    }
    let mut extended = file.clone();
    extended.extend_from_slice(b"more");
    assert!(matches!(read(&extended, &unlock()), Err(BackupError::Damaged(_))));
}

#[test]
fn a_database_that_does_not_match_its_manifest_is_a_checksum_mismatch() {
    let db = database(100_000);
    let mut manifest = manifest_for(&db);
    let mut other = db.clone();
    other[500] ^= 0xff;
    manifest.database.bytes = other.len() as u64;
    let file = framed(&passphrase(), &serde_json::to_vec(&manifest).unwrap(), &other);
    let error = read(&file, &unlock()).unwrap_err();
    assert!(matches!(error, BackupError::ChecksumMismatch { .. }), "{error}");
}

#[test]
fn write_archive_refuses_a_database_other_than_the_manifest_s() {
    let db = database(10_000);
    let manifest = manifest_for(&db);
    let error = write_archive(Vec::new(), &passphrase(), &manifest, &db[..9_999]).unwrap_err();
    assert!(matches!(error, BackupError::SnapshotChanged));
}

#[test]
fn a_newer_format_is_refused_before_its_manifest_is_read() {
    let json = br#"{"format": 3, "something": "new"}"#;
    let file = framed(&passphrase(), json, b"");
    let error = read(&file, &unlock()).unwrap_err();
    assert!(
        matches!(error, BackupError::NewerFormat { found: 3, supported: 2 }),
        "{error}"
    );
    assert!(error.to_string().contains("newer Myomap"));
}

#[test]
fn files_that_are_not_myomap_backups_say_so() {
    let sqlite = b"SQLite format 3\0 and then pages of a database".to_vec();
    assert!(matches!(read(&sqlite, &unlock()), Err(BackupError::NotAgeFile)));
    assert!(matches!(read(b"", &unlock()), Err(BackupError::NotAgeFile)));

    // A real age file with other content.
    let mut writer = passphrase().encryptor().unwrap().wrap_output(Vec::new()).unwrap();
    writer.write_all(b"dear diary, today I encrypted a file").unwrap();
    let other = writer.finish().unwrap();
    assert!(matches!(read(&other, &unlock()), Err(BackupError::NotMyomap)));
}

#[test]
fn empty_passphrases_and_bad_recipients_are_refused() {
    assert!(matches!(
        Lock::passphrase(String::new()),
        Err(BackupError::EmptyPassphrase)
    ));
    assert!(matches!(
        Unlock::passphrase(String::new()),
        Err(BackupError::EmptyPassphrase)
    ));
    let error = Lock::recipients(&["age1notakey"]).err().unwrap();
    assert!(
        error.to_string().starts_with("bad age recipient \"age1notakey\""),
        "{error}"
    );
    assert!(matches!(
        Unlock::identity_file("# nothing\n"),
        Err(BackupError::BadIdentity(_))
    ));
}

#[test]
fn a_format_one_archive_reads_as_a_sqlite_snapshot() {
    let db = database(5_000);
    let mut manifest = serde_json::to_value(manifest_for(&db)).unwrap();
    let object = manifest.as_object_mut().unwrap();
    object.insert("format".into(), 1.into());
    object.remove("kind");
    let file = framed(&passphrase(), &serde_json::to_vec(&manifest).unwrap(), &db);
    let (read_back, out) = read(&file, &unlock()).unwrap();
    assert_eq!(read_back.format, 1);
    assert_eq!(read_back.kind, PayloadKind::Sqlite);
    assert_eq!(out, db);
}

mod logical_payload {
    use super::*;
    use crate::logical::{ColumnType, Item, LogicalReader, LogicalWriter, TableHeader, Value, check_tables};

    fn header(table: &str) -> TableHeader {
        TableHeader {
            table: table.into(),
            columns: vec![
                ("id".into(), ColumnType::Text),
                ("at".into(), ColumnType::Int),
                ("image".into(), ColumnType::Blob),
            ],
        }
    }

    fn rows() -> Vec<Vec<Value>> {
        vec![
            vec![
                Value::Text("é\u{0}\"\n≠".into()),
                Value::Int(i64::MIN),
                Value::Blob(vec![0, 255, 10]),
            ],
            vec![Value::Text(String::new()), Value::Int(i64::MAX), Value::Null],
            vec![Value::Null, Value::Null, Value::Blob(Vec::new())],
        ]
    }

    fn payload() -> (Vec<u8>, Vec<crate::logical::TableDigest>) {
        let mut writer = LogicalWriter::new(Vec::new());
        writer.begin_table(header("photos")).unwrap();
        for row in rows() {
            writer.row(&row).unwrap();
        }
        writer.begin_table(header("empty")).unwrap();
        writer.finish()
    }

    fn manifest_of(payload: &[u8], digests: &[crate::logical::TableDigest]) -> Manifest {
        let mut manifest = manifest_for(payload);
        manifest.kind = PayloadKind::Logical;
        manifest.tables = digests.iter().map(|d| (d.table.clone(), d.rows)).collect();
        manifest.table_sha256 = digests.iter().map(|d| (d.table.clone(), d.sha256.clone())).collect();
        manifest
    }

    #[test]
    fn every_value_survives_exactly_through_an_archive() {
        let (bytes, digests) = payload();
        assert_eq!(digests.len(), 2);
        assert_eq!((digests[0].rows, digests[1].rows), (3, 0));
        let manifest = manifest_of(&bytes, &digests);
        let file = write_archive(Vec::new(), &passphrase(), &manifest, &bytes[..]).unwrap();

        let (opened, payload) = open_archive(&file[..], file.len() as u64, &unlock()).unwrap();
        assert_eq!(opened, manifest);
        let mut reader = LogicalReader::new(std::io::BufReader::new(payload));
        let mut items = Vec::new();
        while let Some(item) = reader.next_item().unwrap() {
            items.push(item);
        }
        let mut expected = vec![Item::Table(header("photos"))];
        expected.extend(rows().into_iter().map(Item::Row));
        expected.push(Item::Table(header("empty")));
        assert_eq!(items, expected);
        assert_eq!(reader.digests(), &digests[..]);
        check_tables(&opened, reader.digests()).unwrap();
    }

    #[test]
    fn a_table_that_differs_from_the_manifest_is_named() {
        let (bytes, digests) = payload();
        let mut manifest = manifest_of(&bytes, &digests);
        manifest.tables.insert("photos".into(), 4);
        let error = check_tables(&manifest, &digests).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("table photos holds 3 rows, the manifest says 4"),
            "{error}"
        );
        let mut manifest = manifest_of(&bytes, &digests);
        manifest.table_sha256.insert("empty".into(), "00".repeat(32));
        let error = check_tables(&manifest, &digests).unwrap_err();
        assert!(error.to_string().contains("table empty's SHA-256"), "{error}");
    }

    #[test]
    fn values_of_the_wrong_type_and_broken_lines_are_refused() {
        let text = "{\"table\":\"t\",\"columns\":[[\"n\",\"int\"]]}\n[\"five\"]\n";
        let mut reader = LogicalReader::new(text.as_bytes());
        assert!(matches!(reader.next_item().unwrap(), Some(Item::Table(_))));
        let error = reader.next_item().unwrap_err();
        assert!(error.to_string().contains("line 2: table t, column n"), "{error}");

        let mut reader = LogicalReader::new("[1]\n".as_bytes());
        assert!(
            reader
                .next_item()
                .unwrap_err()
                .to_string()
                .contains("a row before any table")
        );
        let mut reader = LogicalReader::new("{\"table\":\"t\",\"columns\":[]}".as_bytes());
        assert!(reader.next_item().unwrap_err().to_string().contains("not complete"));
    }
}
