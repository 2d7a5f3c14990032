//! What locks a backup (a passphrase or age recipients) and what unlocks it
//! (the passphrase or age identities).

use std::io::Read;

use age::secrecy::SecretString;

use crate::BackupError;

/// scrypt work factor of a passphrase backup: N = 2^18 (256 MiB, about a
/// second on a current machine). Fixed rather than measured on the machine
/// that writes, so a backup from a fast server opens on a slow laptop.
const SCRYPT_LOG_N: u8 = 18;

/// The most work a backup may ask of the machine that opens it: 2^22
/// (4 GiB). More is not a file Myomap wrote.
const SCRYPT_MAX_LOG_N: u8 = 22;

/// How an archive is encrypted.
#[derive(Clone)]
pub enum Lock {
    Passphrase(SecretString),
    Recipients(Vec<age::x25519::Recipient>),
}

impl Lock {
    pub fn passphrase(passphrase: String) -> Result<Lock, BackupError> {
        if passphrase.is_empty() {
            return Err(BackupError::EmptyPassphrase);
        }
        Ok(Lock::Passphrase(SecretString::from(passphrase)))
    }

    /// Parses `age1…` recipients.
    pub fn recipients<S: AsRef<str>>(recipients: &[S]) -> Result<Lock, BackupError> {
        let parsed = recipients
            .iter()
            .map(|text| {
                let text = text.as_ref().trim();
                text.parse::<age::x25519::Recipient>()
                    .map_err(|reason| BackupError::BadRecipient {
                        recipient: text.to_owned(),
                        reason: reason.to_owned(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if parsed.is_empty() {
            return Err(BackupError::BadRecipient {
                recipient: String::new(),
                reason: "no recipient given".into(),
            });
        }
        Ok(Lock::Recipients(parsed))
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Lock::Passphrase(_) => "passphrase",
            Lock::Recipients(_) => "age recipient",
        }
    }

    pub(crate) fn encryptor(&self) -> Result<age::Encryptor, BackupError> {
        match self {
            Lock::Passphrase(passphrase) => {
                let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
                recipient.set_work_factor(SCRYPT_LOG_N);
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).map_err(|e| {
                    BackupError::BadRecipient {
                        recipient: "passphrase".into(),
                        reason: e.to_string(),
                    }
                })
            }
            Lock::Recipients(recipients) => {
                age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).map_err(|e| {
                    BackupError::BadRecipient {
                        recipient: "recipients".into(),
                        reason: e.to_string(),
                    }
                })
            }
        }
    }
}

/// How an archive is decrypted.
pub enum Unlock {
    Passphrase(SecretString),
    Identities(Vec<Box<dyn age::Identity + Send + Sync>>),
}

impl Unlock {
    pub fn passphrase(passphrase: String) -> Result<Unlock, BackupError> {
        if passphrase.is_empty() {
            return Err(BackupError::EmptyPassphrase);
        }
        Ok(Unlock::Passphrase(SecretString::from(passphrase)))
    }

    /// Reads an age identity file (`AGE-SECRET-KEY-1…` lines, `#` comments).
    pub fn identity_file(text: &str) -> Result<Unlock, BackupError> {
        let file =
            age::IdentityFile::from_buffer(text.as_bytes()).map_err(|e| BackupError::BadIdentity(e.to_string()))?;
        let identities = file
            .into_identities()
            .map_err(|e| BackupError::BadIdentity(e.to_string()))?;
        if identities.is_empty() {
            return Err(BackupError::BadIdentity("it holds no identity".into()));
        }
        Ok(Unlock::Identities(identities))
    }

    pub(crate) fn decrypt<R: Read>(
        &self,
        decryptor: age::Decryptor<R>,
    ) -> Result<age::stream::StreamReader<R>, BackupError> {
        let scrypt = decryptor.is_scrypt();
        let result = match self {
            Unlock::Passphrase(_) if !scrypt => return Err(BackupError::NeedsIdentity),
            Unlock::Identities(_) if scrypt => return Err(BackupError::NeedsPassphrase),
            Unlock::Passphrase(passphrase) => {
                let mut identity = age::scrypt::Identity::new(passphrase.clone());
                identity.set_max_work_factor(SCRYPT_MAX_LOG_N);
                decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
            }
            Unlock::Identities(identities) => {
                decryptor.decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
            }
        };
        result.map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed if scrypt => {
                BackupError::WrongPassphrase
            }
            age::DecryptError::NoMatchingKeys if scrypt => BackupError::WrongPassphrase,
            age::DecryptError::NoMatchingKeys | age::DecryptError::KeyDecryptionFailed => {
                BackupError::NoMatchingIdentity
            }
            age::DecryptError::ExcessiveWork { required, .. } => BackupError::ExcessiveWork {
                required,
                max: SCRYPT_MAX_LOG_N,
            },
            other => BackupError::opening(other),
        })
    }
}
