//! Fixtures shared by the storage suite and the end-to-end tests: every test
//! gets a database of its own, SQLite in a temporary directory or a fresh
//! database on the PostgreSQL server named by `MYOMAP_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`, the server on this
//! kind of machine). A PostgreSQL test fails when the server is unreachable;
//! it never skips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use myomap_store::DatabaseTarget;
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub backend: Backend,
    /// Where the server keeps its data (also the SQLite file's directory).
    pub data_dir: PathBuf,
    /// `--database` for the CLI: `None` for SQLite (the data directory decides).
    pub database_url: Option<String>,
    /// A URL to reach the same database behind the application's back.
    pub raw_url: String,
    _dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("MYOMAP_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_path_buf();
        TestDb {
            backend: Backend::Sqlite,
            raw_url: format!("sqlite://{}", data_dir.join("myomap.db").display()),
            data_dir,
            database_url: None,
            _dir: dir,
            pg_drop: None,
        }
    }

    pub async fn postgres() -> TestDb {
        let admin = postgres_admin_url();
        let name = format!("myomap_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin} (set MYOMAP_TEST_POSTGRES_URL): {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let dir = tempfile::tempdir().unwrap();
        TestDb {
            backend: Backend::Postgres,
            data_dir: dir.path().to_path_buf(),
            database_url: Some(url.clone()),
            raw_url: url,
            _dir: dir,
            pg_drop: Some((admin, name)),
        }
    }

    pub fn target(&self) -> DatabaseTarget {
        DatabaseTarget::choose(self.database_url.as_deref(), &self.data_dir)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// `--data DIR [--database URL]` for the command line.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec!["--data".to_owned(), self.data_dir.display().to_string()];
        if let Some(url) = &self.database_url {
            args.push("--database".to_owned());
            args.push(url.clone());
        }
        args
    }

    async fn raw(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&self.raw_url).await.unwrap()
    }

    pub async fn raw_execute(&self, sql: &str) -> u64 {
        sqlx::query(sql)
            .execute(&mut self.raw().await)
            .await
            .unwrap()
            .rows_affected()
    }

    pub async fn raw_count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut self.raw().await)
            .await
            .unwrap()
    }

    pub async fn raw_strings(&self, sql: &str) -> Vec<String> {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_all(&mut self.raw().await)
            .await
            .unwrap()
    }

    /// PostgreSQL sessions of this database left inside a transaction, once
    /// the rollbacks of abandoned units (which run on tasks of their own)
    /// have had five seconds to finish. Always 0 on SQLite, whose
    /// connections this process cannot see from outside.
    pub async fn open_transactions_after_settling(&self) -> i64 {
        if self.backend != Backend::Postgres {
            return 0;
        }
        let mut open = 0;
        for _ in 0..50 {
            open = self
                .raw_count(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND state LIKE 'idle in transaction%'",
                )
                .await;
            if open == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        open
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop cannot await; a short-lived runtime on its own thread can.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// One `#[tokio::test]` per back end for each named scenario
/// `async fn scenario(db: &TestDb)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::TestDb::new($crate::Backend::Sqlite).await;
                    super::$scenario(&db).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let db = $crate::TestDb::new($crate::Backend::Postgres).await;
                    super::$scenario(&db).await;
                }
            }
        )*
    };
}
