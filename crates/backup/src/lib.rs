//! Myomap's backup archive: what a backup file holds and how it is checked.
//!
//! A backup is one [age](https://age-encryption.org) file, encrypted with a
//! passphrase (scrypt) or to age recipients (X25519). Everything is inside
//! the encryption; the plaintext is:
//!
//! ```text
//! MYOMAP-BACKUP\n                 magic, 14 bytes
//! u32, big-endian                 length of the manifest (at most 1 MiB)
//! manifest                        JSON, see [`Manifest`], padded with spaces to fill
//!                                 age's first 64 KiB chunk
//! payload                         exactly manifest.database.bytes: by manifest.kind,
//!                                 a SQLite snapshot, or the logical dump ([`logical`])
//! ```
//!
//! Reading checks, in order: that the file is age-encrypted, that the key
//! opens it, the magic, the format version (a newer one is refused before
//! its manifest is trusted), the manifest, that the file has the length the
//! manifest implies (a file cut short is named truncated before anything is
//! streamed), every encrypted chunk's authentication tag (age's STREAM), and
//! the database's length and SHA-256 against the manifest.
//!
//! *Invariant:* no SQL, no file names, no clock: bytes in, bytes out. What a
//! snapshot holds (counts, audit chain heads) is measured by the store and
//! only carried here.

mod error;
mod keys;
pub mod logical;
mod manifest;
mod scratch;

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

pub use error::BackupError;
pub use keys::{Lock, Unlock};
pub use manifest::{ClinicHead, DatabaseEntry, FORMAT_VERSION, Manifest, PayloadKind};
pub use scratch::{ScratchKey, Sealed};

/// The first bytes of every archive's plaintext.
pub const MAGIC: &[u8; 14] = b"MYOMAP-BACKUP\n";

/// A manifest larger than this is not one Myomap wrote.
const MAX_MANIFEST_BYTES: u32 = 1024 * 1024;

/// age's STREAM: plaintext chunk size and the tag each chunk carries.
const CHUNK_SIZE: u64 = 64 * 1024;
const TAG_SIZE: u64 = 16;

/// Length and SHA-256 (hex) of bytes fed piece by piece.
#[derive(Default)]
pub struct Measure {
    hasher: Sha256,
    bytes: u64,
}

impl Measure {
    pub fn update(&mut self, piece: &[u8]) {
        self.hasher.update(piece);
        self.bytes += piece.len() as u64;
    }

    pub fn finish(self) -> (u64, String) {
        (self.bytes, hex::encode(self.hasher.finalize()))
    }
}

/// Length and SHA-256 (hex) of everything `input` yields.
pub fn measure(mut input: impl Read) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// Writes one archive: `manifest` and the database bytes read from
/// `database`, encrypted with `lock`. The database must be exactly what the
/// manifest describes (length and SHA-256, from [`measure`]); anything else
/// is refused before the archive is finished, so a half-written archive never
/// decrypts. Returns the output writer after age's last chunk.
pub fn write_archive<W: Write>(
    output: W,
    lock: &Lock,
    manifest: &Manifest,
    mut database: impl Read,
) -> Result<W, BackupError> {
    let mut manifest_json = serde_json::to_vec(manifest).map_err(|e| BackupError::Manifest(e.to_string()))?;
    // Spaces after the JSON fill age's first chunk, so every archive is more
    // than one chunk long: a file cut inside that chunk cannot be told from
    // a damaged one by age, but it can by its length (see `open_archive`).
    let fill = usize::try_from(CHUNK_SIZE).unwrap_or(usize::MAX) - MAGIC.len() - 4;
    if manifest_json.len() < fill {
        manifest_json.resize(fill, b' ');
    }
    let manifest_len = u32::try_from(manifest_json.len())
        .ok()
        .filter(|len| *len <= MAX_MANIFEST_BYTES)
        .ok_or_else(|| BackupError::Manifest(format!("manifest of {} bytes is too large", manifest_json.len())))?;
    let mut writer = lock.encryptor()?.wrap_output(output).map_err(BackupError::write)?;
    writer.write_all(MAGIC).map_err(BackupError::write)?;
    writer
        .write_all(&manifest_len.to_be_bytes())
        .map_err(BackupError::write)?;
    writer.write_all(&manifest_json).map_err(BackupError::write)?;

    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut copied = 0u64;
    loop {
        let n = match database.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BackupError::Io("reading the database snapshot", e)),
        };
        hasher.update(&buffer[..n]);
        copied += n as u64;
        writer.write_all(&buffer[..n]).map_err(BackupError::write)?;
    }
    let sha256 = hex::encode(hasher.finalize());
    if copied != manifest.database.bytes || sha256 != manifest.database.sha256 {
        return Err(BackupError::SnapshotChanged);
    }
    writer.finish().map_err(BackupError::write)
}

/// Counts what passes through, so the header's length is known.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The ciphertext length of `plaintext` bytes after a header of `header`
/// bytes (age header and nonce).
fn encrypted_len(header: u64, plaintext: u64) -> u64 {
    let chunks = plaintext.div_ceil(CHUNK_SIZE).max(1);
    header + plaintext + chunks * TAG_SIZE
}

/// An archive's payload as it is decrypted. It yields exactly the bytes the
/// manifest announced, and answers end of stream only once the stream has
/// ended where it should, authenticated, with the manifest's SHA-256; any
/// other ending is an error carrying the [`BackupError`] ([`payload_error`]
/// gets it back). What was read before an error must be thrown away.
pub struct Payload<R: Read> {
    reader: age::stream::StreamReader<Counting<R>>,
    remaining: u64,
    hasher: Sha256,
    sha256: String,
    lengths: (u64, u64),
    verified: bool,
}

impl<R: Read> Payload<R> {
    fn fail(error: BackupError) -> io::Error {
        io::Error::other(error)
    }

    fn check_end(&mut self) -> io::Result<()> {
        let mut byte = [0u8; 1];
        loop {
            match self.reader.read(&mut byte) {
                Ok(0) => break,
                Ok(_) => return Err(Self::fail(BackupError::Damaged("data follows the payload".into()))),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Self::fail(BackupError::reading(e, Some(self.lengths)))),
            }
        }
        let actual = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if actual != self.sha256 {
            return Err(Self::fail(BackupError::ChecksumMismatch {
                expected: self.sha256.clone(),
                actual,
            }));
        }
        self.verified = true;
        Ok(())
    }
}

impl<R: Read> Read for Payload<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            if !self.verified {
                self.check_end()?;
            }
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(self.remaining.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = loop {
            match self.reader.read(&mut buf[..want]) {
                Ok(0) => {
                    return Err(Self::fail(BackupError::Truncated {
                        expected: self.lengths.0,
                        actual: self.lengths.1,
                    }));
                }
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Self::fail(BackupError::reading(e, Some(self.lengths)))),
            }
        };
        self.hasher.update(&buf[..n]);
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// The [`BackupError`] inside an error of [`Payload`] (or of a reader over
/// it); any other I/O error is reported as reading the backup.
pub fn payload_error(e: io::Error) -> BackupError {
    if e.get_ref().is_some_and(|inner| inner.is::<BackupError>()) {
        if let Some(inner) = e.into_inner()
            && let Ok(error) = inner.downcast::<BackupError>()
        {
            return *error;
        }
        return BackupError::Damaged("unreadable payload".into());
    }
    BackupError::Io("reading the backup", e)
}

/// Opens one archive of `input_len` bytes: checks the key, the magic, the
/// format and the manifest, and that the file has the length the manifest
/// implies, then hands out the payload to be streamed.
pub fn open_archive<R: Read>(input: R, input_len: u64, unlock: &Unlock) -> Result<(Manifest, Payload<R>), BackupError> {
    let count = Arc::new(AtomicU64::new(0));
    let counted = Counting {
        inner: input,
        count: count.clone(),
    };
    let decryptor = age::Decryptor::new(counted).map_err(BackupError::opening)?;
    let header_len = count.load(Ordering::Relaxed);
    let mut reader = unlock.decrypt(decryptor)?;
    // A Myomap archive fills at least its first chunk and goes on; a file
    // no longer than that whose first chunk does not authenticate was cut.
    let first_chunk_end = header_len + CHUNK_SIZE + TAG_SIZE;
    let cut = |error: BackupError| match error {
        BackupError::Damaged(_) if input_len <= first_chunk_end => BackupError::TruncatedEarly {
            minimum: first_chunk_end,
            actual: input_len,
        },
        other => other,
    };

    let mut magic = [0u8; MAGIC.len()];
    read_exact(&mut reader, &mut magic).map_err(cut)?;
    if &magic != MAGIC {
        return Err(BackupError::NotMyomap);
    }
    let mut len = [0u8; 4];
    read_exact(&mut reader, &mut len).map_err(cut)?;
    let manifest_len = u32::from_be_bytes(len);
    if manifest_len > MAX_MANIFEST_BYTES {
        return Err(BackupError::Manifest(format!(
            "manifest of {manifest_len} bytes is too large"
        )));
    }
    let mut manifest_json = vec![0u8; manifest_len as usize];
    read_exact(&mut reader, &mut manifest_json).map_err(cut)?;
    let manifest = Manifest::parse(&manifest_json)?;

    let plaintext = MAGIC.len() as u64 + 4 + u64::from(manifest_len) + manifest.database.bytes;
    let expected = encrypted_len(header_len, plaintext);
    if input_len < expected {
        return Err(BackupError::Truncated {
            expected,
            actual: input_len,
        });
    }
    if input_len > expected {
        return Err(BackupError::Damaged(format!(
            "{} bytes follow the end of the backup",
            input_len - expected
        )));
    }
    let payload = Payload {
        reader,
        remaining: manifest.database.bytes,
        hasher: Sha256::new(),
        sha256: manifest.database.sha256.clone(),
        lengths: (expected, input_len),
        verified: false,
    };
    Ok((manifest, payload))
}

/// Reads one archive of `input_len` bytes, writing the payload (for a
/// SQLite archive, the database snapshot) to `database` as it is decrypted,
/// and answers its manifest once everything checked out. On an error,
/// whatever reached `database` must be thrown away.
pub fn read_archive<R: Read>(
    input: R,
    input_len: u64,
    unlock: &Unlock,
    mut database: impl Write,
) -> Result<Manifest, BackupError> {
    let (manifest, mut payload) = open_archive(input, input_len, unlock)?;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = match payload.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(payload_error(e)),
        };
        database
            .write_all(&buffer[..n])
            .map_err(|e| BackupError::Io("writing the database", e))?;
    }
    database
        .flush()
        .map_err(|e| BackupError::Io("writing the database", e))?;
    Ok(manifest)
}

/// Fills `buf` from the decrypted stream; a stream that ends first (a
/// valid age file holding something else) is not a Myomap backup.
fn read_exact(reader: &mut impl Read, buf: &mut [u8]) -> Result<(), BackupError> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => return Err(BackupError::NotMyomap),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(BackupError::reading(e, None)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
