//! `myomap doctor`: checks an installation and says, one finding per check,
//! what is fine (ok), what deserves a look (warn) and what is wrong (fail).
//!
//! The checks only read: the database is opened without creating, migrating
//! or backfilling anything ([`Store::open_for_checks`]). The command line
//! prints the findings; this module decides them.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use jiff::{SignedDuration, Timestamp};
use myomap_store::{DatabaseTarget, Store, latest_schema_version, password_hashing};

use crate::Clock;

/// A backup older than this is worth a warning.
pub const BACKUP_MAX_AGE_HOURS: i64 = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One check's finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was checked, e.g. `database file`.
    pub check: &'static str,
    pub status: Status,
    /// Why, and what to do when it is not ok.
    pub reason: String,
}

impl Finding {
    fn new(check: &'static str, status: Status, reason: impl Into<String>) -> Self {
        Finding {
            check,
            status,
            reason: reason.into(),
        }
    }
}

/// What to check: the settings `serve` runs with.
#[derive(Debug, Clone)]
pub struct Installation {
    pub database: DatabaseTarget,
    /// The address clients reach the server at (`--public-url`), if known.
    pub public_url: Option<String>,
    /// Where scheduled backups go (`--backup-dir`), if known.
    pub backup_dir: Option<PathBuf>,
}

/// All findings, in the order checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// No check failed (warnings allowed).
    pub fn passed(&self) -> bool {
        self.findings.iter().all(|f| f.status != Status::Fail)
    }
}

/// Runs every check.
pub async fn examine(installation: &Installation, clock: &dyn Clock) -> Report {
    let mut findings = vec![password_hashing_finding()];
    if let DatabaseTarget::SqliteFile(file) = &installation.database {
        findings.extend(file_findings(file));
    }
    match Store::open_for_checks(&installation.database).await {
        Err(e) => findings.push(Finding::new(
            "database",
            Status::Fail,
            format!("cannot open {}: {e}", installation.database.describe()),
        )),
        Ok(store) => {
            findings.extend(database_findings(&store, installation, clock).await);
            store.close().await;
        }
    }
    findings.push(public_url_finding(installation.public_url.as_deref()));
    Report { findings }
}

fn password_hashing_finding() -> Finding {
    let hashing = password_hashing();
    let described = format!(
        "{} v{} m={} KiB, t={}, p={}",
        hashing.algorithm, hashing.version, hashing.m_cost, hashing.t_cost, hashing.p_cost
    );
    // OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
    if hashing.algorithm == "argon2id" && hashing.m_cost >= 19_456 && hashing.t_cost >= 2 && hashing.p_cost >= 1 {
        Finding::new("password hashing", Status::Ok, described)
    } else {
        Finding::new(
            "password hashing",
            Status::Warn,
            format!("{described}: below OWASP's argon2id minimum (m=19456 KiB, t=2, p=1)"),
        )
    }
}

/// Permissions of the data directory and the database's files. A world-
/// writable one fails (anyone on the machine can rewrite records); one that
/// others may read is a warning (health data readable by other accounts).
fn file_findings(database_file: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    let directory = database_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    findings.push(permission_finding("data directory", directory, true));
    if !database_file.exists() {
        findings.push(Finding::new(
            "database file",
            Status::Fail,
            format!(
                "{} does not exist (`myomap migrate` creates it)",
                database_file.display()
            ),
        ));
        return findings;
    }
    findings.push(permission_finding("database file", database_file, false));
    for suffix in ["-wal", "-shm"] {
        let mut name = database_file.as_os_str().to_owned();
        name.push(suffix);
        let companion = PathBuf::from(name);
        if companion.exists() {
            findings.push(permission_finding("database file", &companion, false));
        }
    }
    findings
}

#[cfg(unix)]
fn permission_finding(check: &'static str, path: &Path, directory: bool) -> Finding {
    use std::os::unix::fs::PermissionsExt;
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) => return Finding::new(check, Status::Fail, format!("{}: {e}", path.display())),
    };
    if directory != metadata.is_dir() {
        let expected = if directory { "a directory" } else { "a file" };
        return Finding::new(check, Status::Fail, format!("{} is not {expected}", path.display()));
    }
    let mode = metadata.permissions().mode() & 0o7777;
    let private = if directory { "700" } else { "600" };
    if mode & 0o002 != 0 {
        Finding::new(
            check,
            Status::Fail,
            format!(
                "{} is world-writable (mode {mode:04o}): anyone on this machine can change it; chmod {private} it",
                path.display()
            ),
        )
    } else if mode & 0o077 != 0 {
        Finding::new(
            check,
            Status::Warn,
            format!(
                "{} is open to other accounts on this machine (mode {mode:04o}); chmod {private} it",
                path.display()
            ),
        )
    } else {
        Finding::new(check, Status::Ok, format!("{} (mode {mode:04o})", path.display()))
    }
}

#[cfg(not(unix))]
fn permission_finding(check: &'static str, path: &Path, _directory: bool) -> Finding {
    Finding::new(
        check,
        Status::Warn,
        format!("{}: permissions are not checked on this system", path.display()),
    )
}

async fn database_findings(store: &Store, installation: &Installation, clock: &dyn Clock) -> Vec<Finding> {
    let mut findings = Vec::new();
    let latest = latest_schema_version();
    match store.schema_version().await {
        Err(e) => {
            findings.push(Finding::new(
                "database",
                Status::Fail,
                format!("opens, but is not a Myomap database (no schema version: {e})"),
            ));
            return findings;
        }
        Ok(version) if version == latest => findings.push(Finding::new(
            "database",
            Status::Ok,
            format!(
                "{} opens; schema version {version} is current",
                installation.database.describe()
            ),
        )),
        Ok(version) if version < latest => findings.push(Finding::new(
            "database",
            Status::Warn,
            format!(
                "schema version {version}, this build's is {latest}: `myomap migrate` (or the next start) applies the rest"
            ),
        )),
        Ok(version) => findings.push(Finding::new(
            "database",
            Status::Fail,
            format!("schema version {version} is newer than this build's ({latest}): run the newer Myomap"),
        )),
    }
    findings.push(match store.verify_audit().await {
        Err(e) => Finding::new("audit chain", Status::Fail, format!("cannot be read: {e}")),
        Ok(report) => match report.first_problem {
            None => Finding::new(
                "audit chain",
                Status::Ok,
                format!("intact: {} entries in {} clinic(s)", report.entries, report.clinics),
            ),
            Some(problem) => Finding::new(
                "audit chain",
                Status::Fail,
                format!(
                    "TAMPERED: clinic \"{}\", entry {}: {} (`myomap audit verify` tells the same)",
                    problem.clinic_name, problem.seq, problem.reason
                ),
            ),
        },
    });
    let now = clock.now();
    findings.push(match store.newest_audit_time().await {
        Err(e) => Finding::new(
            "clock",
            Status::Warn,
            format!("cannot read the newest audit entry: {e}"),
        ),
        Ok(None) => Finding::new("clock", Status::Ok, format!("{now}; no audit entries to compare with")),
        Ok(Some(newest)) if now < newest => Finding::new(
            "clock",
            Status::Warn,
            format!(
                "the system clock ({now}) is behind the newest audit entry ({newest}): check the time sync; \
                 entries, sessions and links take their times from it"
            ),
        ),
        Ok(Some(newest)) => Finding::new(
            "clock",
            Status::Ok,
            format!("{now}, after the newest audit entry ({newest})"),
        ),
    });
    findings.push(backup_finding(store, installation.backup_dir.as_deref(), now).await);
    findings
}

async fn backup_finding(store: &Store, backup_dir: Option<&Path>, now: Timestamp) -> Finding {
    let (newest, place) = match backup_dir {
        Some(dir) => match newest_backup_file(dir) {
            Err(e) => {
                return Finding::new("backups", Status::Warn, format!("cannot read {}: {e}", dir.display()));
            }
            Ok(None) => {
                return Finding::new(
                    "backups",
                    Status::Warn,
                    format!("no backup (.age file) in {}", dir.display()),
                );
            }
            Ok(Some((file, at))) => (at, file.display().to_string()),
        },
        None => match store.backup_status().await {
            Err(e) => return Finding::new("backups", Status::Warn, format!("cannot read the backup record: {e}")),
            Ok(status) => match status.last_success {
                None => {
                    return Finding::new(
                        "backups",
                        Status::Warn,
                        "no scheduled backup has succeeded (serve --backup-dir …); give --backup-dir to check backup files instead",
                    );
                }
                Some(run) => (run.at, run.file),
            },
        },
    };
    let age = now.duration_since(newest);
    let hours = age.as_hours();
    if age > SignedDuration::from_hours(BACKUP_MAX_AGE_HOURS) {
        Finding::new(
            "backups",
            Status::Warn,
            format!("the newest backup, {place}, is {hours} hours old (more than {BACKUP_MAX_AGE_HOURS})"),
        )
    } else {
        Finding::new(
            "backups",
            Status::Ok,
            format!("the newest backup, {place}, is {hours} hours old"),
        )
    }
}

/// The most recently modified `.age` file in `dir`.
fn newest_backup_file(dir: &Path) -> std::io::Result<Option<(PathBuf, Timestamp)>> {
    let mut newest: Option<(PathBuf, SystemTime)> = None;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let metadata = entry.metadata()?;
        if !metadata.is_file() || path.extension().is_none_or(|e| e != "age") {
            continue;
        }
        let modified = metadata.modified()?;
        if newest.as_ref().is_none_or(|(_, at)| modified > *at) {
            newest = Some((path, modified));
        }
    }
    Ok(newest.and_then(|(path, at)| Timestamp::try_from(at).ok().map(|at| (path, at))))
}

/// Links in e-mails and session cookies travel to clients and staff over
/// the public address: off loopback it must be HTTPS.
fn public_url_finding(public_url: Option<&str>) -> Finding {
    const CHECK: &str = "public URL";
    let Some(url) = public_url else {
        return Finding::new(
            CHECK,
            Status::Warn,
            "not given: pass the --public-url the server runs with to check it",
        );
    };
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return Finding::new(CHECK, Status::Fail, format!("\"{url}\" is not an http(s) address"));
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _port)| host),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Finding::new(
            CHECK,
            Status::Ok,
            format!("{url} is HTTPS; run serve with --secure-cookies so session cookies never travel unencrypted"),
        ),
        "http" if is_loopback(host) => Finding::new(
            CHECK,
            Status::Ok,
            format!(
                "{url} is loopback (this machine only); behind an HTTPS proxy give its https:// address and --secure-cookies"
            ),
        ),
        "http" if !host.is_empty() => Finding::new(
            CHECK,
            Status::Warn,
            format!(
                "{url} is plain HTTP off this machine: client links and session cookies travel unencrypted; \
                 serve behind HTTPS, give the https:// address and --secure-cookies"
            ),
        ),
        _ => Finding::new(
            CHECK,
            Status::Fail,
            format!("\"{url}\" is not an http(s) address with a host"),
        ),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_off_loopback_must_be_https() {
        let status = |url: Option<&str>| public_url_finding(url).status;
        assert_eq!(status(Some("https://clinic.example.org")), Status::Ok);
        assert_eq!(status(Some("http://127.0.0.1:8080")), Status::Ok);
        assert_eq!(status(Some("http://[::1]:8080/")), Status::Ok);
        assert_eq!(status(Some("http://localhost")), Status::Ok);
        assert_eq!(status(Some("http://clinic.example.org")), Status::Warn);
        assert_eq!(status(Some("http://10.0.0.5:8080")), Status::Warn);
        assert_eq!(status(None), Status::Warn);
        assert_eq!(status(Some("clinic.example.org")), Status::Fail);
        assert_eq!(status(Some("ftp://clinic.example.org")), Status::Fail);
        assert!(
            public_url_finding(Some("https://clinic.example.org"))
                .reason
                .contains("--secure-cookies")
        );
    }

    #[test]
    fn the_hashing_parameters_are_reported() {
        let finding = password_hashing_finding();
        assert_eq!(finding.status, Status::Ok);
        assert!(finding.reason.starts_with("argon2id v19 m="), "{}", finding.reason);
    }
}
