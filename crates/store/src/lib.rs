//! Myomap's storage: the only crate that knows SQL.
//!
//! One code path serves both back ends. Queries go through sqlx's `Any`
//! driver with `$N` placeholders (which SQLite accepts too) and portable
//! column types (TEXT, BIGINT), and the schema is one set of portable
//! migrations. SQLite is the zero-setup default; PostgreSQL carries several
//! stateless server instances. On a SQLite file, the busiest audited reads
//! run the same statements and row mappings on a direct read-only path
//! (see [`direct`]), one blocking call per read instead of one hand-over
//! per statement.
//!
//! Clinic isolation lives here, not in the handlers: every clinical query is a
//! method of [`ClinicScope`], which is only made from an authenticated
//! [`Actor`] and binds that actor's clinic into every statement. There is no
//! other way to reach a client row. Every change, and every read of a client's
//! record, appends to the clinic's hash-chained audit log in the same
//! transaction as the change itself.

mod accounts;
mod assessments;
mod audit;
mod backup;
mod claim;
mod clients;
mod clinic_settings;
mod direct;
mod erasure;
mod error;
mod home_care;
mod import;
mod intakes;
mod links;
mod logical;
mod mfa;
mod migrate;
mod notes;
mod outbox;
mod outcome_facts;
mod plans;
mod questionnaires;
mod record;
mod row;
mod schedule;
mod search;
mod sessions;
mod staff;
mod time;
mod tx;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use accounts::{Actor, LoginAttempt, NewAccount, PasswordHashing, SessionGrant, password_hashing};
pub use assessments::{Assessment, MAX_PHOTO_BYTES, PhotoMeta};
pub use audit::{AuditChainCheck, AuditEntry, AuditProblem, AuditReport, ChainEntry};
pub use backup::{BackupRun, BackupStatus, SnapshotClinic, SnapshotFacts, inspect_snapshot, latest_schema_version};
pub use clients::{ClientPage, ClientQuery, ClinicScope, PAGE_SIZE};
pub use clinic_settings::{ClinicSettings, ClinicSettingsChange};
pub use erasure::{Erasure, MAX_RETENTION_YEARS, TOMBSTONE_BIRTH, TOMBSTONE_NAME, erasable_from, erased_tables};
pub use error::StoreError;
pub use home_care::{HomeCare, MAX_TICKS_PER_DAY};
pub use import::ImportWrite;
pub use intakes::{BookedReferral, Intake, IntakeStatus, PendingItem, ScreeningResult};
pub use links::{IssuedLink, LinkGrant, LinkMessageFacts, LinkPurpose, OpenLink};
pub use logical::{ChainWatch, DumpFacts, LoadError, LoadItem, LoadReport, load_logical};
pub use mfa::{
    CHALLENGE_TTL, MfaStatus, PendingEnrolment, RECOVERY_CODE_COUNT, SignIn, TOTP_STEP_SECS, TotpSecret, otpauth_uri,
};
pub use notes::{Checkin, FlaggedCheckin, MAX_REFERRAL_REASON, NoteRecord, NoteStatus, Recipient};
pub use outbox::{
    APPOINTMENT_LINK_MARKER, ClaimedMessage, Delivery, MAX_ATTEMPTS, OutboxDraft, OutboxMessage, OutboxStatus,
    redact_links,
};
pub use outcome_facts::{ClientOutcomeFacts, OutcomeFacts, ScoreFact};
pub use plans::{PlanStatus, StoredPlan};
pub use questionnaires::{Questionnaire, ScoredAnswers};
pub use record::{ClientOverview, ClientRecord};
pub use schedule::{
    Appointment, AppointmentStatus, BookingContext, CalendarFeed, HoursRow, NewAppointment, NewTime, Room, StaffMember,
    TimeOff,
};
pub use sessions::{ActiveSession, SessionClient};
pub use staff::{
    INVITATION_TOKEN_MARKER, INVITATION_TTL, InvitationRequest, IssuedInvitation, OpenInvitation, PendingInvitation,
    StaffAccount,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where the data lives: a SQLite file in the data directory, or a
/// PostgreSQL URL.
#[derive(Debug, Clone)]
pub enum DatabaseTarget {
    SqliteFile(std::path::PathBuf),
    Url(String),
}

impl DatabaseTarget {
    /// `--database URL` wins; otherwise `myomap.db` inside the data directory.
    pub fn choose(url: Option<&str>, data_dir: &Path) -> Self {
        match url {
            Some(url) => DatabaseTarget::Url(url.to_owned()),
            None => DatabaseTarget::SqliteFile(data_dir.join("myomap.db")),
        }
    }

    /// A description safe to print (no password).
    pub fn describe(&self) -> String {
        match self {
            DatabaseTarget::SqliteFile(path) => format!("sqlite {}", path.display()),
            DatabaseTarget::Url(url) => match url.split_once('@') {
                Some((scheme_user, host)) => {
                    let scheme_user = scheme_user.split_once(':').map_or(scheme_user, |(s, rest)| {
                        if rest.contains(':') { s } else { scheme_user }
                    });
                    format!("{scheme_user}@{host}")
                }
                None => url.clone(),
            },
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time; taking turns in-process avoids
    /// busy errors on lock upgrade. PostgreSQL needs no such gate.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
    /// Where audited reads send their entries to be group-committed.
    pub(crate) audit_queue: audit::AuditQueue,
    /// On a SQLite file, the read-only connections of the direct read path.
    pub(crate) direct: Option<Arc<direct::DirectReader>>,
}

/// The URL to connect with and the back end it names; a SQLite file opens
/// in `sqlite_mode` (`rwc` creates it, `rw` needs it to exist).
fn connection_url(target: &DatabaseTarget, sqlite_mode: &str) -> Result<(String, Backend), StoreError> {
    match target {
        DatabaseTarget::SqliteFile(path) => Ok((
            format!("sqlite://{}?mode={sqlite_mode}", path.display()),
            Backend::Sqlite,
        )),
        DatabaseTarget::Url(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok((url.clone(), Backend::Postgres))
        }
        DatabaseTarget::Url(url) if url.starts_with("sqlite:") => Ok((url.clone(), Backend::Sqlite)),
        DatabaseTarget::Url(url) => Err(StoreError::Config(format!(
            "database URL must start with postgres:// or sqlite:, got \"{}\"",
            url.split(':').next().unwrap_or_default()
        ))),
    }
}

impl Store {
    /// Connects (creating the SQLite file and its directory on first start)
    /// and applies pending migrations.
    pub async fn open(target: &DatabaseTarget) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        if let DatabaseTarget::SqliteFile(path) = target
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Config(format!("cannot create data directory {}: {e}", dir.display())))?;
        }
        let (url, backend) = connection_url(target, "rwc")?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("bad database URL: {e}")))?
            .disable_statement_logging();
        let pool_options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection when it goes back to the pool; a
            // second ping on the way out of the pool costs every query a
            // round trip (on SQLite a hop to the connection's thread) and
            // finds nothing the first did not.
            .test_before_acquire(false);
        let pool_options = if backend == Backend::Sqlite {
            pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL for concurrent readers; FULL sync so an acknowledged
                    // commit survives power loss, not only a process crash.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    // No memory map: every audit commit changes the WAL, and
                    // a connection whose next read begins after a change
                    // unmaps its whole map (munmap and TLB shootdowns were a
                    // sixth of a client page's CPU under load).
                    conn.execute("PRAGMA mmap_size = 0").await?;
                    Ok(())
                })
            })
        } else {
            pool_options
        };
        let pool = pool_options.connect_with(options).await.map_err(StoreError::connect)?;
        let mut store = Store {
            pool,
            backend,
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
            audit_queue: audit::AuditQueue::detached(),
            direct: None,
        };
        migrate::run(&store).await?;
        if let DatabaseTarget::SqliteFile(path) = target {
            store.direct = Some(Arc::new(direct::DirectReader::new(path)));
        }
        // The committer holds a handle without a started queue, so the task
        // ends when the last handle that can send to it is dropped.
        store.audit_queue = audit::AuditQueue::start(store.clone());
        let backfilled = store.backfill_search_terms().await?;
        if backfilled > 0 {
            tracing::info!(clients = backfilled, "search terms written for existing clients");
            store.refresh_statistics().await?;
        }
        Ok(store)
    }

    /// Connects to an existing database without creating, migrating or
    /// backfilling anything: for checks (`myomap doctor`) that must report
    /// what is there, not repair it. A missing SQLite file is an error.
    pub async fn open_for_checks(target: &DatabaseTarget) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        if let DatabaseTarget::SqliteFile(path) = target
            && !path.is_file()
        {
            return Err(StoreError::Config(format!("{} does not exist", path.display())));
        }
        let (url, backend) = connection_url(target, "rw")?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Config(format!("bad database URL: {e}")))?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(StoreError::connect)?;
        Ok(Store {
            pool,
            backend,
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
            audit_queue: audit::AuditQueue::detached(),
            direct: None,
        })
    }

    /// Brings the query planner's statistics up to date after a bulk change
    /// (demo seeding, imports, backfills). Without them PostgreSQL plans for
    /// empty tables until autovacuum catches up: a search over 10,000 fresh
    /// clients took 2 s instead of 1 ms. SQLite plans these queries well
    /// without statistics, so it is left alone.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Is the database answering?
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The only way to reach clinical records: scoped to the actor's clinic.
    pub fn clinic<'a>(&'a self, actor: &'a Actor) -> ClinicScope<'a> {
        ClinicScope::new(self, actor)
    }
}
