//! Clinics, staff accounts, sign-in and sessions.
//!
//! Passwords are hashed with argon2id. Sessions live in the database (so any
//! server instance accepts them); only a SHA-256 of the bearer token is stored,
//! so a copy of the database does not hold live credentials. Failed sign-ins
//! are counted in the database too, per email and per remote address, so the
//! limit holds across instances.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use jiff::Timestamp;
use myomap_domain::password::check_new_password;
use myomap_domain::validation::is_plausible_email;
use myomap_domain::{ClinicId, Role, UserId, ValidationErrors};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::{self, AuditEvent};
use crate::mfa::{SecondFactor, SignIn, WRONG_CODE, check_second_factor, open_challenge};
use crate::row::{Query, ReadRow};
use crate::sessions::SessionClient;
use crate::time::now_ms;
use crate::tx::Tx;
use crate::{Store, StoreError};

const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
const MAX_FAILURES_PER_EMAIL: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// The signed-in person on whose behalf the store acts. Made only by
/// [`Store::authenticate`] or [`Store::actor_for_email`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub email: String,
    pub role: Role,
    /// The session's anti-forgery token (empty for command-line actors).
    pub csrf_token: String,
    /// The clinic's IANA time zone: the calendar's wall clock.
    pub time_zone: String,
    /// Messages to clients that someone must send or look at (sent by hand,
    /// or failed), counted when the session was checked: the navigation
    /// bar shows it without a query of its own.
    pub messages_needing_attention: i64,
    /// The name the clinic knows them by (the sign-in address when none is
    /// set).
    pub name: String,
    /// They must set up two-factor sign-in (an owner, or everyone in a
    /// clinic that requires it) and have not: they may do nothing else.
    pub mfa_enrolment_due: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub clinic_created: bool,
}

pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The remote address, for rate limiting (and kept with the session).
    pub remote: &'a str,
    /// The browser's `User-Agent`, kept with the session so its owner can
    /// tell their sessions apart.
    pub user_agent: &'a str,
    /// A TOTP or recovery code, for accounts with two-factor sign-in.
    pub code: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct SessionGrant {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The hasher every new password goes through: argon2id, version 0x13,
/// with the `argon2` crate's default cost (m = 19456 KiB, t = 2, p = 1, the
/// OWASP minimum for argon2id). A stored hash carries its own parameters, so
/// verification follows whatever a password was hashed with.
fn hasher() -> Argon2<'static> {
    Argon2::new(HASH_ALGORITHM, HASH_VERSION, argon2::Params::default())
}

const HASH_ALGORITHM: argon2::Algorithm = argon2::Algorithm::Argon2id;
const HASH_VERSION: argon2::Version = argon2::Version::V0x13;

/// The parameters new passwords are hashed with, for `myomap doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordHashing {
    pub algorithm: &'static str,
    pub version: u32,
    /// Memory, KiB.
    pub m_cost: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

/// How new passwords are hashed (read from the hasher itself).
pub fn password_hashing() -> PasswordHashing {
    let hasher = hasher();
    let params = hasher.params();
    PasswordHashing {
        algorithm: HASH_ALGORITHM.as_str(),
        version: u32::from(HASH_VERSION),
        m_cost: params.m_cost(),
        t_cost: params.t_cost(),
        p_cost: params.p_cost(),
    }
}

pub(crate) async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Internal(e.to_string()))?;
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| StoreError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

pub(crate) async fn verify_password(password: String, stored: Option<String>) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || {
        // Without an account we still spend the time of one verification, so
        // response times do not reveal which emails exist.
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| StoreError::Internal(e.to_string()))?;
        Ok(hasher().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

/// argon2id (default parameters) of a random password nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bXlvbWFwLWR1bW15LXNhbHQ$0xkGqAE0Bq0l0rZ1jB3F6u1i7i6m7wZbGWbLMSoYQYE";

impl Store {
    /// Creates a staff account, and its clinic when no clinic of that name
    /// exists yet, in one transaction.
    pub async fn add_account(
        &self,
        clinic_name: &str,
        email: &str,
        password: &str,
        role: Role,
        performed_by: &str,
    ) -> Result<NewAccount, StoreError> {
        let clinic_name = clinic_name.trim();
        let email = normalize_email(email);
        let mut errors = ValidationErrors::default();
        if clinic_name.is_empty() || clinic_name.chars().count() > 120 {
            errors.add("clinic", "must be 1 to 120 characters");
        }
        if !is_plausible_email(&email) {
            errors.add("email", "is not an email address (expected name@example.org)");
        }
        // The password policy applies here, where a password is set (never
        // at sign-in): length, the common-password list, not the e-mail or
        // the clinic's name.
        if let Err(policy) = check_new_password(password, &email, clinic_name) {
            errors.0.extend(policy.0);
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let password_hash = hash_password(password.to_owned()).await?;

        let mut tx = self.write_tx().await?;
        let existing: Option<String> = sqlx::query_scalar("SELECT id FROM clinics WHERE name = $1")
            .bind(clinic_name)
            .fetch_optional(&mut *tx.tx)
            .await?;
        let clinic_created = existing.is_none();
        let clinic_id = match existing {
            Some(id) => id
                .parse()
                .map_err(|_| StoreError::Internal(format!("bad clinic id {id}")))?,
            None => {
                let id = ClinicId::new();
                sqlx::query("INSERT INTO clinics (id, name, created_at) VALUES ($1, $2, $3)")
                    .bind(id.to_string())
                    .bind(clinic_name)
                    .bind(now_ms())
                    .execute(&mut *tx.tx)
                    .await?;
                id
            }
        };
        let user_id = UserId::new();
        let inserted = sqlx::query(
            "INSERT INTO users (id, clinic_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id.to_string())
        .bind(clinic_id.to_string())
        .bind(&email)
        .bind(&password_hash)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await;
        match inserted {
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(format!(
                    "an account with email {email} already exists"
                )));
            }
            other => other?,
        };
        let clinic = clinic_id.to_string();
        if clinic_created {
            audit::append(
                &mut tx,
                AuditEvent {
                    clinic_id: &clinic,
                    actor: performed_by,
                    action: "clinic.create",
                    record_type: "clinic",
                    record_id: &clinic,
                },
            )
            .await?;
        }
        let user = user_id.to_string();
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &clinic,
                actor: performed_by,
                action: "user.create",
                record_type: "user",
                record_id: &user,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewAccount {
            clinic_id,
            user_id,
            clinic_created,
        })
    }

    async fn failures_since(&self, subject: &str, since: i64) -> Result<(i64, Option<i64>), StoreError> {
        let row = sqlx::query("SELECT COUNT(*), MIN(at) FROM login_failures WHERE subject = $1 AND at > $2")
            .bind(subject)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// Refuses a sign-in step while the account or the address has failed
    /// too often; answers the subjects a failure is counted against.
    pub(crate) async fn check_login_limits(
        &self,
        email: &str,
        remote: Option<&str>,
        now: i64,
    ) -> Result<Vec<String>, StoreError> {
        let since = now - FAILURE_WINDOW_MS;
        let mut subjects = vec![(format!("email:{}", normalize_email(email)), MAX_FAILURES_PER_EMAIL)];
        if let Some(remote) = remote {
            subjects.push((format!("address:{remote}"), MAX_FAILURES_PER_ADDRESS));
        }
        for (subject, limit) in &subjects {
            let (count, oldest) = self.failures_since(subject, since).await?;
            if count >= *limit {
                let retry_after_ms = oldest.unwrap_or(now) + FAILURE_WINDOW_MS - now;
                return Err(StoreError::TooManyAttempts {
                    retry_after_secs: u64::try_from(retry_after_ms / 1000 + 1).unwrap_or(1),
                });
            }
        }
        Ok(subjects.into_iter().map(|(subject, _)| subject).collect())
    }

    /// Checks a password (and, for an account with two-factor sign-in, the
    /// code) and opens a session of `ttl`. A correct password without a
    /// code answers [`SignIn::CodeNeeded`]; a wrong code counts as a failed
    /// sign-in like a wrong password.
    pub async fn login(&self, attempt: LoginAttempt<'_>, ttl: Duration) -> Result<SignIn, StoreError> {
        let email = normalize_email(attempt.email);
        let now = now_ms();
        let subjects = self.check_login_limits(&email, Some(attempt.remote), now).await?;
        // A deactivated account answers like a missing one: wrong e-mail or
        // password, after the same verification time.
        let user =
            sqlx::query("SELECT id, clinic_id, password_hash FROM users WHERE email = $1 AND deactivated_at IS NULL")
                .bind(&email)
                .fetch_optional(&self.pool)
                .await?;
        let stored_hash = user.as_ref().map(|row| row.try_get::<String, _>(2)).transpose()?;
        let password_ok = verify_password(attempt.password.to_owned(), stored_hash).await?;
        let mut tx = self.write_tx().await?;
        let user = match user {
            Some(user) if password_ok => user,
            _ => {
                record_login_failure(&mut tx, &subjects, now).await?;
                tx.commit().await?;
                return Err(StoreError::WrongCredentials);
            }
        };
        let user_id: String = user.try_get(0)?;
        let clinic_id: String = user.try_get(1)?;
        match check_second_factor(&mut tx, &user_id, &clinic_id, attempt.code, now).await? {
            SecondFactor::NotEnrolled | SecondFactor::Accepted => {}
            SecondFactor::Missing => {
                let challenge = open_challenge(&mut tx, &user_id, now).await?;
                tx.commit().await?;
                return Ok(SignIn::CodeNeeded { challenge });
            }
            SecondFactor::Refused => {
                // A fresh unit: the refused check may have written nothing
                // worth keeping, the failure must be kept.
                drop(tx);
                let mut tx = self.write_tx().await?;
                record_login_failure(&mut tx, &subjects, now).await?;
                audit::append(
                    &mut tx,
                    AuditEvent {
                        clinic_id: &clinic_id,
                        actor: &user_id,
                        action: "mfa.code_failed",
                        record_type: "user",
                        record_id: &user_id,
                    },
                )
                .await?;
                tx.commit().await?;
                return Err(StoreError::SecondFactor(WRONG_CODE.into()));
            }
        }
        let client = SessionClient {
            user_agent: attempt.user_agent,
            remote: attempt.remote,
        };
        let grant = open_session(&mut tx, &user_id, &clinic_id, &subjects, ttl, client).await?;
        tx.commit().await?;
        Ok(SignIn::Session(grant))
    }

    /// The actor behind a session token.
    pub async fn authenticate(&self, token: &str) -> Result<Actor, StoreError> {
        let hash = token_hash(token);
        self.read_one_unscoped(move |tx| Box::pin(async move { authenticate_in(tx, &hash).await }))
            .await
    }

    pub async fn logout(&self, token: &str) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    /// The first owner of the clinic a client belongs to: whom the command
    /// line acts as when it reads that client's record.
    pub async fn owner_of_client(&self, client: myomap_domain::ClientId) -> Result<Actor, StoreError> {
        let email: String = sqlx::query_scalar(
            "SELECT u.email FROM users u JOIN clients c ON c.clinic_id = u.clinic_id \
             WHERE c.id = $1 AND u.role = 'owner' ORDER BY u.created_at, u.id LIMIT 1",
        )
        .bind(client.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("client (or its clinic has no owner account)"))?;
        self.actor_for_email(&email).await
    }

    /// The first owner of the clinic of that name (or of the only clinic,
    /// without a name): whom the command line acts as for a clinic-wide
    /// command (import, export).
    pub async fn owner_of_clinic(&self, clinic_name: Option<&str>) -> Result<Actor, StoreError> {
        let clinic: String = match clinic_name {
            Some(name) => sqlx::query_scalar("SELECT id FROM clinics WHERE name = $1")
                .bind(name.trim())
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound("clinic"))?,
            None => {
                let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM clinics ORDER BY name LIMIT 2")
                    .fetch_all(&self.pool)
                    .await?;
                match ids.as_slice() {
                    [only] => only.clone(),
                    [] => return Err(StoreError::NotFound("clinic")),
                    _ => {
                        return Err(StoreError::Invalid(myomap_domain::ValidationErrors::single(
                            "clinic",
                            "there are several clinics: name one with --clinic",
                        )));
                    }
                }
            }
        };
        let email: String = sqlx::query_scalar(
            "SELECT email FROM users WHERE clinic_id = $1 AND role = 'owner' ORDER BY created_at, id LIMIT 1",
        )
        .bind(&clinic)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("owner account of the clinic"))?;
        self.actor_for_email(&email).await
    }

    /// Acts as a named account without a session: the command line and demo
    /// seeding, which run with the operator's authority over the database.
    pub async fn actor_for_email(&self, email: &str) -> Result<Actor, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.clinic_id, c.name, u.email, u.role, '', c.time_zone \
             FROM users u JOIN clinics c ON c.id = u.clinic_id WHERE u.email = $1",
        )
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("account"))?;
        actor_from_row(&row)
    }
}

/// Counts a failed sign-in step against each subject (the account, the
/// address) and forgets failures older than the window.
pub(crate) async fn record_login_failure(tx: &mut Tx<'_>, subjects: &[String], now: i64) -> Result<(), StoreError> {
    for subject in subjects {
        sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
            .bind(subject)
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(now - FAILURE_WINDOW_MS)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

/// Opens a session after every sign-in step passed: the account's failures
/// are forgotten and the sign-in audited.
pub(crate) async fn open_session(
    tx: &mut Tx<'_>,
    user_id: &str,
    clinic_id: &str,
    subjects: &[String],
    ttl: Duration,
    client: SessionClient<'_>,
) -> Result<SessionGrant, StoreError> {
    if let Some(by_email) = subjects.iter().find(|s| s.starts_with("email:")) {
        sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(by_email)
            .execute(&mut *tx.tx)
            .await?;
    }
    let grant = crate::sessions::open_session(tx, user_id, ttl, client).await?;
    audit::append(
        tx,
        AuditEvent {
            clinic_id,
            actor: user_id,
            action: "session.login",
            record_type: "user",
            record_id: user_id,
        },
    )
    .await?;
    Ok(grant)
}

/// The session check of every request, one statement.
async fn authenticate_in(tx: &mut Tx<'_>, token_hash: &str) -> Result<Actor, StoreError> {
    let row = tx
        .fetch_optional(
            Query::new(
                "SELECT u.id, u.clinic_id, c.name, u.email, u.role, s.csrf_token, c.time_zone, s.expires_at, \
                 (SELECT COUNT(*) FROM outbox o WHERE o.clinic_id = u.clinic_id AND o.status IN ('by_hand', 'failed')), \
                 COALESCE(u.display_name, u.email), \
                 CAST(CASE WHEN (u.role = 'owner' OR c.require_mfa <> 0) AND NOT EXISTS \
                   (SELECT 1 FROM user_mfa m WHERE m.user_id = u.id AND m.confirmed_at IS NOT NULL) \
                   THEN 1 ELSE 0 END AS BIGINT) \
                 FROM sessions s JOIN users u ON u.id = s.user_id JOIN clinics c ON c.id = u.clinic_id \
                 WHERE s.token_hash = $1 AND u.deactivated_at IS NULL",
            )
            .bind(token_hash),
        )
        .await?
        .ok_or(StoreError::Unauthenticated)?;
    let expires_at: i64 = row.column(7)?;
    if expires_at <= now_ms() {
        return Err(StoreError::SessionExpired);
    }
    let mut actor = actor_from_row(&row)?;
    actor.messages_needing_attention = row.column(8)?;
    actor.name = row.column(9)?;
    actor.mfa_enrolment_due = row.column::<i64, _>(10)? != 0;
    Ok(actor)
}

fn actor_from_row(row: &impl ReadRow) -> Result<Actor, StoreError> {
    let parse_err = |what: &str| StoreError::Internal(format!("corrupt {what} in the database"));
    Ok(Actor {
        user_id: row.column::<String, _>(0)?.parse().map_err(|_| parse_err("user id"))?,
        clinic_id: row
            .column::<String, _>(1)?
            .parse()
            .map_err(|_| parse_err("clinic id"))?,
        clinic_name: row.column(2)?,
        email: row.column(3)?,
        role: row.column::<String, _>(4)?.parse().map_err(|_| parse_err("role"))?,
        csrf_token: row.column(5)?,
        time_zone: row.column(6)?,
        messages_needing_attention: 0,
        name: row.column(3)?,
        mfa_enrolment_due: false,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dummy_hash_is_a_valid_argon2id_hash() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert!(Argon2::default().verify_password(b"guess", &parsed).is_err());
    }

    #[test]
    fn the_reported_parameters_are_the_hasher_s_and_the_dummy_hash_s() {
        let reported = password_hashing();
        assert_eq!(reported.algorithm, "argon2id");
        assert_eq!(reported.version, 0x13);
        let dummy = argon2::Params::try_from(&PasswordHash::new(DUMMY_HASH).unwrap()).unwrap();
        assert_eq!(
            (reported.m_cost, reported.t_cost, reported.p_cost),
            (dummy.m_cost(), dummy.t_cost(), dummy.p_cost())
        );
    }
}
