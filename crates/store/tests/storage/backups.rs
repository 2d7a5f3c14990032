//! What backups ask of the store: the last scheduled success and failure on
//! both back ends, a consistent snapshot of SQLite measured on the file, and
//! PostgreSQL sent to pg_dump.

use myomap_domain::Role;
use myomap_store::{Backend, Store, StoreError, inspect_snapshot, latest_schema_version};
use myomap_testkit::TestDb;

pub async fn backups_record_their_outcome_and_snapshot_sqlite_only(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    store
        .add_account("North Clinic", "owner@north.test", super::PASSWORD, Role::Owner, "test")
        .await
        .unwrap();

    assert_eq!(store.backup_status().await.unwrap(), Default::default());
    let first: jiff::Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
    let second: jiff::Timestamp = "2026-12-02T02:00:00Z".parse().unwrap();
    store.record_backup_success(first, "/b/one.age", 1234).await.unwrap();
    store
        .record_backup_failure(first, "/b/two.age", "creating /b: permission denied")
        .await
        .unwrap();
    store.record_backup_success(second, "/b/three.age", 5678).await.unwrap();
    let status = store.backup_status().await.unwrap();
    let success = status.last_success.unwrap();
    assert_eq!(
        (success.at, success.file.as_str(), success.bytes),
        (second, "/b/three.age", Some(5678))
    );
    let failure = status.last_failure.unwrap();
    assert_eq!(failure.file, "/b/two.age");
    assert_eq!(failure.error.as_deref(), Some("creating /b: permission denied"));

    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.db");
    match store.backend() {
        Backend::Sqlite => {
            store.snapshot_into(&snapshot).await.unwrap();
            let facts = inspect_snapshot(&snapshot).await.unwrap();
            assert_eq!(facts.schema_version, latest_schema_version());
            assert_eq!(facts.tables["clinics"], 1);
            assert_eq!(facts.tables["users"], 1);
            assert_eq!(facts.tables["backup_runs"], 2);
            assert_eq!(facts.clinics.len(), 1);
            assert_eq!(facts.clinics[0].name, "North Clinic");
            assert_eq!(facts.audit.first_problem, None);
            // A file that is no Myomap database is named so.
            std::fs::write(dir.path().join("other.db"), b"").unwrap();
            let other = inspect_snapshot(&dir.path().join("other.db")).await;
            assert!(matches!(other, Err(StoreError::Config(_))), "{other:?}");
        }
        Backend::Postgres => {
            let refused = store.snapshot_into(&snapshot).await.unwrap_err();
            assert!(refused.to_string().contains("pg_dump"), "{refused}");
            assert!(!snapshot.exists());
        }
    }
}
