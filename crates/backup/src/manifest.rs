//! The manifest: what a backup says about itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::BackupError;

/// The archive format this Myomap writes and the newest it reads. Format 1
/// held a SQLite snapshot only and had no `kind`; format 2 names its kind.
pub const FORMAT_VERSION: u32 = 2;

/// What the payload after the manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayloadKind {
    /// A SQLite database file (`VACUUM INTO`): restores into SQLite only.
    Sqlite,
    /// Every table as JSON Lines ([`crate::logical`]): restores into either
    /// back end.
    Logical,
}

fn format_one_kind() -> PayloadKind {
    PayloadKind::Sqlite
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive format ([`FORMAT_VERSION`] when written by this code).
    pub format: u32,
    /// What the payload is (format 1 archives: a SQLite snapshot).
    #[serde(default = "format_one_kind")]
    pub kind: PayloadKind,
    pub created_at: jiff::Timestamp,
    /// The Myomap version that wrote it.
    pub myomap_version: String,
    /// The back end the backup was taken from ("sqlite" or "postgres").
    pub backend: String,
    /// The highest migration applied in the snapshot.
    pub schema_version: i64,
    /// The payload: a SQLite file, or the logical dump.
    pub database: DatabaseEntry,
    /// Rows per table in the snapshot.
    pub tables: BTreeMap<String, u64>,
    /// SHA-256 (hex) of each table's section of a logical payload.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub table_sha256: BTreeMap<String, String>,
    /// Each clinic's audit chain head in the snapshot.
    pub clinics: Vec<ClinicHead>,
}

/// The payload inside the archive (the name stays from format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseEntry {
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// Where one clinic's audit hash chain ended when the snapshot was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicHead {
    pub id: String,
    pub name: String,
    /// The last entry's sequence number (0: no entries).
    pub audit_seq: i64,
    /// The last entry's hash.
    pub audit_head: String,
}

impl Manifest {
    /// Reads a manifest, checking its format version before anything else:
    /// a newer format may mean other fields.
    pub(crate) fn parse(json: &[u8]) -> Result<Manifest, BackupError> {
        #[derive(Deserialize)]
        struct Version {
            format: u64,
        }
        let version: Version = serde_json::from_slice(json).map_err(|e| BackupError::Manifest(e.to_string()))?;
        if version.format > u64::from(FORMAT_VERSION) {
            return Err(BackupError::NewerFormat {
                found: version.format,
                supported: FORMAT_VERSION,
            });
        }
        if version.format == 0 {
            return Err(BackupError::Manifest("format 0 does not exist".into()));
        }
        let manifest: Manifest = serde_json::from_slice(json).map_err(|e| BackupError::Manifest(e.to_string()))?;
        if manifest.database.sha256.len() != 64 || !manifest.database.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BackupError::Manifest(
                "the database's SHA-256 is not 64 hex digits".into(),
            ));
        }
        Ok(manifest)
    }

    /// Total rows over every table.
    pub fn total_rows(&self) -> u64 {
        self.tables.values().sum()
    }
}
