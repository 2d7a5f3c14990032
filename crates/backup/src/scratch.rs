//! Encrypted scratch files: a logical backup is written once before its
//! manifest (counts, checksums) is known, and that first copy must not lie
//! on disk in the clear. It is encrypted to a key that lives only in the
//! memory of the process writing the backup, so the scratch file is
//! unreadable by anyone once the process is gone.

use std::io::{self, Read, Write};

use crate::BackupError;

/// A one-process X25519 key for a scratch file.
pub struct ScratchKey {
    identity: age::x25519::Identity,
}

impl Default for ScratchKey {
    fn default() -> Self {
        Self::generate()
    }
}

impl ScratchKey {
    pub fn generate() -> ScratchKey {
        ScratchKey {
            identity: age::x25519::Identity::generate(),
        }
    }

    /// Starts an encrypted stream to `output`.
    pub fn seal<W: Write>(&self, output: W) -> Result<Sealed<W>, BackupError> {
        let recipient = self.identity.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| BackupError::Damaged(format!("scratch key: {e}")))?;
        let writer = encryptor.wrap_output(output).map_err(BackupError::write)?;
        Ok(Sealed { writer })
    }

    /// Reads back what [`ScratchKey::seal`] wrote; every chunk is
    /// authenticated on the way.
    pub fn open<R: Read>(&self, input: R) -> Result<impl Read, BackupError> {
        let decryptor = age::Decryptor::new(input).map_err(BackupError::opening)?;
        decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .map_err(|e| BackupError::Damaged(format!("the scratch file does not decrypt: {e}")))
    }
}

/// A stream being encrypted to a [`ScratchKey`]; [`Sealed::finish`] writes
/// the last chunk.
pub struct Sealed<W: Write> {
    writer: age::stream::StreamWriter<W>,
}

impl<W: Write> Sealed<W> {
    pub fn finish(self) -> io::Result<W> {
        self.writer.finish()
    }
}

impl<W: Write> Write for Sealed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}
