//! Myomap's backup archive: what a backup file holds and how it is checked.
//!
//! A backup is one [age](https://age-encryption.org) file, encrypted with a
//! passphrase (scrypt) or to age recipients (X25519). Everything is inside
//! the encryption; the plaintext is:
//!
//! ```text
//! MYOMAP-BACKUP\n                 magic, 14 bytes
//! u32, big-endian                 length of the manifest (at most 1 MiB)
//! manifest                        JSON, see [`Manifest`]
//! database                        the SQLite snapshot, exactly manifest.database.bytes
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
mod manifest;

use std::cell::Cell;
use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};

pub use error::BackupError;
pub use keys::{Lock, Unlock};
pub use manifest::{ClinicHead, DatabaseEntry, FORMAT_VERSION, Manifest};

/// The first bytes of every archive's plaintext.
pub const MAGIC: &[u8; 14] = b"MYOMAP-BACKUP\n";

/// A manifest larger than this is not one Myomap wrote.
const MAX_MANIFEST_BYTES: u32 = 1024 * 1024;

/// age's STREAM: plaintext chunk size and the tag each chunk carries.
const CHUNK_SIZE: u64 = 64 * 1024;
const TAG_SIZE: u64 = 16;

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
    let manifest_json = serde_json::to_vec(manifest).map_err(|e| BackupError::Manifest(e.to_string()))?;
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
struct Counting<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The ciphertext length of `plaintext` bytes after a header of `header`
/// bytes (age header and nonce).
fn encrypted_len(header: u64, plaintext: u64) -> u64 {
    let chunks = plaintext.div_ceil(CHUNK_SIZE).max(1);
    header + plaintext + chunks * TAG_SIZE
}

/// Reads one archive of `input_len` bytes, writing the database snapshot to
/// `database` as it is decrypted, and answers its manifest once everything
/// checked out. On an error, whatever reached `database` must be thrown away.
pub fn read_archive<R: Read>(
    input: R,
    input_len: u64,
    unlock: &Unlock,
    mut database: impl Write,
) -> Result<Manifest, BackupError> {
    let count = Cell::new(0);
    let counted = Counting {
        inner: input,
        count: &count,
    };
    let decryptor = age::Decryptor::new(counted).map_err(BackupError::opening)?;
    let header_len = count.get();
    let mut reader = unlock.decrypt(decryptor)?;

    let mut magic = [0u8; MAGIC.len()];
    read_exact(&mut reader, &mut magic)?;
    if &magic != MAGIC {
        return Err(BackupError::NotMyomap);
    }
    let mut len = [0u8; 4];
    read_exact(&mut reader, &mut len)?;
    let manifest_len = u32::from_be_bytes(len);
    if manifest_len > MAX_MANIFEST_BYTES {
        return Err(BackupError::Manifest(format!(
            "manifest of {manifest_len} bytes is too large"
        )));
    }
    let mut manifest_json = vec![0u8; manifest_len as usize];
    read_exact(&mut reader, &mut manifest_json)?;
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

    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut remaining = manifest.database.bytes;
    while remaining > 0 {
        let want = usize::try_from(remaining.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let n = match reader.read(&mut buffer[..want]) {
            Ok(0) => {
                return Err(BackupError::Truncated {
                    expected,
                    actual: input_len,
                });
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BackupError::reading(e, Some((expected, input_len)))),
        };
        hasher.update(&buffer[..n]);
        database
            .write_all(&buffer[..n])
            .map_err(|e| BackupError::Io("writing the database", e))?;
        remaining -= n as u64;
    }
    // The stream must end here, and its end must authenticate.
    match reader.read(&mut buffer[..1]) {
        Ok(0) => {}
        Ok(_) => return Err(BackupError::Damaged("data follows the database".into())),
        Err(e) => return Err(BackupError::reading(e, Some((expected, input_len)))),
    }
    database
        .flush()
        .map_err(|e| BackupError::Io("writing the database", e))?;
    let actual = hex::encode(hasher.finalize());
    if actual != manifest.database.sha256 {
        return Err(BackupError::ChecksumMismatch {
            expected: manifest.database.sha256.clone(),
            actual,
        });
    }
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
