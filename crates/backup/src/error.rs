//! What can be wrong with a backup file, each named so a person knows what
//! to do next.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Not an age file at all.
    #[error("not a Myomap backup: the file is not age-encrypted")]
    NotAgeFile,
    /// An age file, but what it holds is not a Myomap archive.
    #[error("not a Myomap backup: the file decrypts, but holds no Myomap archive")]
    NotMyomap,
    #[error("wrong passphrase: the backup does not decrypt with it")]
    WrongPassphrase,
    /// A passphrase was given for a file encrypted to age recipients.
    #[error(
        "this backup is encrypted to an age recipient, not a passphrase: give the matching identity file (--identity)"
    )]
    NeedsIdentity,
    /// An identity was given for a passphrase-protected file.
    #[error(
        "this backup is protected by a passphrase, not an age recipient: give the passphrase instead of an identity"
    )]
    NeedsPassphrase,
    #[error("none of the given age identities can decrypt this backup (it was encrypted to another recipient)")]
    NoMatchingIdentity,
    #[error(
        "the backup's passphrase work factor (2^{required}) is beyond what Myomap accepts (2^{max}): not a backup Myomap wrote"
    )]
    ExcessiveWork { required: u8, max: u8 },
    #[error(
        "the backup is truncated: the file has {actual} bytes of the {expected} it should have (it was cut short while copying or writing)"
    )]
    Truncated { expected: u64, actual: u64 },
    /// Cut inside the first chunk, before the manifest says how long it is.
    #[error(
        "the backup is truncated: the file has {actual} bytes, a complete one has more than {minimum} (it was cut short while copying or writing)"
    )]
    TruncatedEarly { minimum: u64, actual: u64 },
    /// age's authentication failed, or bytes are where none should be.
    #[error("the backup is damaged or was tampered with: {0}")]
    Damaged(String),
    /// The database inside does not match the manifest.
    #[error("the backup was tampered with: the database's SHA-256 is {actual}, the manifest says {expected}")]
    ChecksumMismatch { expected: String, actual: String },
    #[error(
        "this backup is in format {found}, newer than this Myomap reads (format {supported}): restore it with a newer Myomap"
    )]
    NewerFormat { found: u64, supported: u32 },
    #[error("the backup's manifest is unreadable: {0}")]
    Manifest(String),
    #[error("bad age recipient \"{recipient}\": {reason} (an X25519 recipient looks like age1…)")]
    BadRecipient { recipient: String, reason: String },
    #[error("bad age identity file: {0}")]
    BadIdentity(String),
    #[error("an empty passphrase protects nothing")]
    EmptyPassphrase,
    /// A logical payload that does not parse as the format says.
    #[error("the backup's tables are unreadable: {0}")]
    Logical(String),
    /// A logical payload whose tables differ from the manifest's counts or checksums.
    #[error("the backup was tampered with: {0}")]
    TableMismatch(String),
    /// The snapshot changed between measuring and archiving it.
    #[error("the database snapshot changed while it was being archived")]
    SnapshotChanged,
    #[error("{0}: {1}")]
    Io(&'static str, #[source] io::Error),
}

impl BackupError {
    pub(crate) fn write(e: io::Error) -> Self {
        BackupError::Io("writing the backup", e)
    }

    /// An error from age before any payload: the header.
    pub(crate) fn opening(e: age::DecryptError) -> Self {
        match e {
            age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => BackupError::NotAgeFile,
            age::DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => BackupError::NotAgeFile,
            age::DecryptError::Io(e) => BackupError::Io("reading the backup", e),
            age::DecryptError::InvalidMac => {
                BackupError::Damaged("the header's authentication code does not match".into())
            }
            other => BackupError::Damaged(other.to_string()),
        }
    }

    /// An error of age's payload stream. `lengths` is (expected, actual)
    /// once the manifest has said how long the file should be.
    pub(crate) fn reading(e: io::Error, lengths: Option<(u64, u64)>) -> Self {
        match (e.kind(), lengths) {
            (io::ErrorKind::UnexpectedEof, Some((expected, actual))) => BackupError::Truncated { expected, actual },
            (io::ErrorKind::UnexpectedEof, None) => BackupError::Damaged("the encrypted data ends too early".into()),
            (io::ErrorKind::InvalidData, _) => {
                BackupError::Damaged("a block of the encrypted data fails its authentication check".into())
            }
            _ => BackupError::Io("reading the backup", e),
        }
    }
}
