//! Staff two-factor sign-in: TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits,
//! 30-second steps, one step of clock drift either way) and single-use
//! recovery codes, the half-signed-in state between password and code, and
//! the clinic's "every staff member must use a code" setting.
//!
//! The TOTP secret is stored in clear: checking a code needs it (see
//! SECURITY.md for what that means for a stolen database). Recovery codes
//! carry 80 random bits each, so an unkeyed SHA-256 of them cannot be
//! reversed by guessing (unlike a password, whose few bits need argon2), and
//! a code is found by its hash in one indexed statement that also uses it up.

use std::time::Duration;

use myomap_domain::{Role, UserId, ValidationErrors};
use rand::RngCore;
use sqlx::Row;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::accounts::{Actor, SessionGrant, random_token, token_hash, verify_password};
use crate::audit::{self, AuditEvent};
use crate::time::now_ms;
use crate::tx::Tx;
use crate::{Store, StoreError};

/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// The TOTP step, seconds.
pub const TOTP_STEP_SECS: u64 = 30;
const TOTP_DIGITS: usize = 6;
/// Steps of clock drift accepted either side of the server's.
const TOTP_SKEW_STEPS: i64 = 1;
/// 160 bits, the HMAC-SHA-1 key length RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// 80 bits: 16 base32 characters.
const RECOVERY_CODE_BYTES: usize = 10;
/// How long the state between the password and the code lasts.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(5 * 60);

/// A TOTP shared secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// Reads the base32 text an authenticator app shows (spaces and case
    /// ignored).
    pub fn from_base32(text: &str) -> Result<Self, StoreError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = Secret::Encoded(cleaned)
            .to_bytes()
            .map_err(|_| StoreError::Invalid(ValidationErrors::single("secret", "is not base32 text")))?;
        if bytes.len() < 16 {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "secret",
                "is shorter than 128 bits",
            )));
        }
        Ok(TotpSecret(bytes))
    }

    pub fn to_base32(&self) -> String {
        match Secret::Raw(self.0.clone()).to_encoded() {
            Secret::Encoded(text) => text,
            Secret::Raw(_) => String::new(),
        }
    }

    fn totp(&self) -> TOTP {
        // Skew 0: the caller walks the accepted steps itself, to know which
        // one matched and refuse it next time.
        TOTP::new_unchecked(Algorithm::SHA1, TOTP_DIGITS, 0, TOTP_STEP_SECS, self.0.clone())
    }

    /// The code of the step that contains `unix_secs`.
    pub fn code_at(&self, unix_secs: u64) -> String {
        self.totp().generate(unix_secs)
    }

    /// The newest step within the drift window, later than `after_step`,
    /// whose code is `code`.
    fn matching_step(&self, code: &str, unix_secs: u64, after_step: i64) -> Option<i64> {
        let current = i64::try_from(unix_secs / TOTP_STEP_SECS).ok()?;
        let totp = self.totp();
        ((current - TOTP_SKEW_STEPS)..=(current + TOTP_SKEW_STEPS))
            .rev()
            .filter(|step| *step > after_step && *step >= 0)
            .find(|step| totp.check(code, u64::try_from(*step).unwrap_or(0) * TOTP_STEP_SECS))
    }
}

/// The `otpauth://` address an authenticator app reads from the QR code:
/// the clinic as issuer, the staff member's e-mail as account.
pub fn otpauth_uri(secret: &TotpSecret, clinic: &str, email: &str) -> String {
    let issuer = uri_component(clinic);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECS}",
        account = uri_component(email),
        secret = secret.to_base32(),
    )
}

fn uri_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What a person typed as their second factor.
enum Code {
    Totp(String),
    Recovery(String),
}

fn read_code(text: &str) -> Option<Code> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() == TOTP_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        Some(Code::Totp(compact))
    } else if compact.len() == 16 && compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some(Code::Recovery(compact))
    } else {
        None
    }
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_BYTES];
            rand::rng().fill_bytes(&mut bytes);
            let text = TotpSecret(bytes.to_vec()).to_base32();
            text.as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

fn recovery_hash(code: &str) -> String {
    let compact: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    token_hash(&compact)
}

fn unix_secs(now_ms: i64) -> u64 {
    u64::try_from(now_ms / 1000).unwrap_or(0)
}

/// A user's two-factor state, for their account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaStatus {
    pub enrolled: bool,
    /// Owners always; everyone when the clinic requires it.
    pub required: bool,
    pub clinic_requires: bool,
    pub recovery_codes_left: i64,
}

/// An enrolment waiting for its first code: what the set-up page shows.
#[derive(Debug, Clone)]
pub struct PendingEnrolment {
    pub secret: TotpSecret,
    pub otpauth_uri: String,
}

/// The outcome of a correct password.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Signed in.
    Session(SessionGrant),
    /// The account uses a second factor and none was given: finish with
    /// [`Store::finish_sign_in`] and this token within [`CHALLENGE_TTL`].
    CodeNeeded { challenge: String },
}

/// What the second factor said at sign-in.
pub(crate) enum SecondFactor {
    /// The account has none.
    NotEnrolled,
    Accepted,
    Missing,
    Refused,
}

pub(crate) const WRONG_CODE: &str = "the code is wrong, expired or already used: enter the current 6-digit code of your authenticator app, or an unused recovery code";

fn mfa_required(role: Role, clinic_requires: bool) -> bool {
    role == Role::Owner || clinic_requires
}

/// Checks `code` (a TOTP code or a recovery code) for `user_id` inside the
/// sign-in's transaction, using it up when it is right.
pub(crate) async fn check_second_factor(
    tx: &mut Tx<'_>,
    user_id: &str,
    clinic_id: &str,
    code: Option<&str>,
    now: i64,
) -> Result<SecondFactor, StoreError> {
    let row =
        sqlx::query("SELECT secret, last_used_step FROM user_mfa WHERE user_id = $1 AND confirmed_at IS NOT NULL")
            .bind(user_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
    let Some(row) = row else {
        return Ok(SecondFactor::NotEnrolled);
    };
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Ok(SecondFactor::Missing);
    };
    let accepted = match read_code(code) {
        None => false,
        Some(Code::Totp(code)) => {
            let secret = TotpSecret::from_base32(&row.try_get::<String, _>(0)?)?;
            let last_used: i64 = row.try_get(1)?;
            match secret.matching_step(&code, unix_secs(now), last_used) {
                None => false,
                // The predicate makes a racing sign-in with the same code
                // affect nothing.
                Some(step) => {
                    sqlx::query("UPDATE user_mfa SET last_used_step = $1 WHERE user_id = $2 AND last_used_step < $1")
                        .bind(step)
                        .bind(user_id)
                        .execute(&mut *tx.tx)
                        .await?
                        .rows_affected()
                        == 1
                }
            }
        }
        Some(Code::Recovery(code)) => {
            let used = sqlx::query(
                "UPDATE mfa_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .bind(recovery_hash(&code))
            .execute(&mut *tx.tx)
            .await?
            .rows_affected()
                == 1;
            if used {
                append(tx, clinic_id, user_id, "mfa.recovery_code.use", user_id).await?;
            }
            used
        }
    };
    Ok(if accepted {
        SecondFactor::Accepted
    } else {
        SecondFactor::Refused
    })
}

/// Opens the half-signed-in state after a correct password.
pub(crate) async fn open_challenge(tx: &mut Tx<'_>, user_id: &str, now: i64) -> Result<String, StoreError> {
    let token = random_token();
    sqlx::query("DELETE FROM mfa_challenges WHERE expires_at < $1")
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query("INSERT INTO mfa_challenges (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + i64::try_from(CHALLENGE_TTL.as_millis()).unwrap_or(300_000))
        .execute(&mut *tx.tx)
        .await?;
    Ok(token)
}

async fn append(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    actor: &str,
    action: &str,
    record_id: &str,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        AuditEvent {
            clinic_id,
            actor,
            action,
            record_type: "user",
            record_id,
        },
    )
    .await
}

async fn insert_recovery_codes(tx: &mut Tx<'_>, user_id: &str, now: i64) -> Result<Vec<String>, StoreError> {
    sqlx::query("DELETE FROM mfa_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx.tx)
        .await?;
    let codes = new_recovery_codes();
    for code in &codes {
        sqlx::query("INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(recovery_hash(code))
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
    }
    Ok(codes)
}

fn invalid_code() -> StoreError {
    StoreError::Invalid(ValidationErrors::single("code", WRONG_CODE))
}

impl Store {
    /// Whether the actor uses a second factor, must, and how many recovery
    /// codes are left.
    pub async fn mfa_status(&self, actor: &Actor) -> Result<MfaStatus, StoreError> {
        let row = sqlx::query(
            "SELECT c.require_mfa, \
             (SELECT COUNT(*) FROM user_mfa m WHERE m.user_id = $1 AND m.confirmed_at IS NOT NULL), \
             (SELECT COUNT(*) FROM mfa_recovery_codes r WHERE r.user_id = $1 AND r.used_at IS NULL) \
             FROM clinics c WHERE c.id = $2",
        )
        .bind(actor.user_id.to_string())
        .bind(actor.clinic_id.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("clinic"))?;
        let clinic_requires = row.try_get::<i64, _>(0)? != 0;
        Ok(MfaStatus {
            enrolled: row.try_get::<i64, _>(1)? > 0,
            required: mfa_required(actor.role, clinic_requires),
            clinic_requires,
            recovery_codes_left: row.try_get(2)?,
        })
    }

    /// The enrolment waiting for its first code, made with a new secret when
    /// there is none. Refused when the actor already uses a second factor.
    pub async fn start_mfa_enrolment(&self, actor: &Actor) -> Result<PendingEnrolment, StoreError> {
        let pending: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT secret, confirmed_at FROM user_mfa WHERE user_id = $1")
                .bind(actor.user_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        match pending {
            Some((_, Some(_))) => Err(already_enrolled()),
            Some((secret, None)) => {
                let secret = TotpSecret::from_base32(&secret)?;
                Ok(PendingEnrolment {
                    otpauth_uri: otpauth_uri(&secret, &actor.clinic_name, &actor.email),
                    secret,
                })
            }
            None => self.start_mfa_enrolment_with(actor, TotpSecret::generate()).await,
        }
    }

    /// Starts (or restarts) an enrolment with a given secret, replacing one
    /// that waits for its first code.
    pub async fn start_mfa_enrolment_with(
        &self,
        actor: &Actor,
        secret: TotpSecret,
    ) -> Result<PendingEnrolment, StoreError> {
        let user = actor.user_id.to_string();
        let mut tx = self.write_tx().await?;
        let confirmed: Option<Option<i64>> = sqlx::query_scalar("SELECT confirmed_at FROM user_mfa WHERE user_id = $1")
            .bind(&user)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if matches!(confirmed, Some(Some(_))) {
            return Err(already_enrolled());
        }
        sqlx::query("DELETE FROM user_mfa WHERE user_id = $1")
            .bind(&user)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("INSERT INTO user_mfa (user_id, secret, created_at) VALUES ($1, $2, $3)")
            .bind(&user)
            .bind(secret.to_base32())
            .bind(now_ms())
            .execute(&mut *tx.tx)
            .await?;
        append(
            &mut tx,
            &actor.clinic_id.to_string(),
            &user,
            "mfa.enrolment.start",
            &user,
        )
        .await?;
        tx.commit().await?;
        Ok(PendingEnrolment {
            otpauth_uri: otpauth_uri(&secret, &actor.clinic_name, &actor.email),
            secret,
        })
    }

    /// Turns the waiting enrolment on with a current code from the app, and
    /// answers the recovery codes (shown once; only their hashes are kept).
    pub async fn confirm_mfa_enrolment(&self, actor: &Actor, code: &str) -> Result<Vec<String>, StoreError> {
        let user = actor.user_id.to_string();
        let now = now_ms();
        let mut tx = self.write_tx().await?;
        let pending: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT secret, confirmed_at FROM user_mfa WHERE user_id = $1")
                .bind(&user)
                .fetch_optional(&mut *tx.tx)
                .await?;
        let secret = match pending {
            None => {
                return Err(StoreError::Conflict(
                    "there is no set-up waiting for a code: start again".into(),
                ));
            }
            Some((_, Some(_))) => return Err(already_enrolled()),
            Some((secret, None)) => TotpSecret::from_base32(&secret)?,
        };
        let step = match read_code(code) {
            Some(Code::Totp(code)) => secret.matching_step(&code, unix_secs(now), 0),
            _ => None,
        };
        let Some(step) = step else {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "code",
                "is not the current 6-digit code of the authenticator app you set up (check the phone's clock)",
            )));
        };
        sqlx::query(
            "UPDATE user_mfa SET confirmed_at = $1, last_used_step = $2 WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(now)
        .bind(step)
        .bind(&user)
        .execute(&mut *tx.tx)
        .await?;
        let codes = insert_recovery_codes(&mut tx, &user, now).await?;
        append(&mut tx, &actor.clinic_id.to_string(), &user, "mfa.enrol", &user).await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Replaces the recovery codes, after a current code proves the person
    /// holds the second factor.
    pub async fn regenerate_recovery_codes(&self, actor: &Actor, code: &str) -> Result<Vec<String>, StoreError> {
        let user = actor.user_id.to_string();
        let clinic = actor.clinic_id.to_string();
        let now = now_ms();
        let subjects = self.check_login_limits(&actor.email, None, now).await?;
        let mut tx = self.write_tx().await?;
        match check_second_factor(&mut tx, &user, &clinic, Some(code), now).await? {
            SecondFactor::Accepted => {}
            SecondFactor::NotEnrolled => return Err(not_enrolled()),
            SecondFactor::Missing | SecondFactor::Refused => {
                drop(tx);
                self.record_code_failure(actor, &subjects, now).await?;
                return Err(invalid_code());
            }
        }
        let codes = insert_recovery_codes(&mut tx, &user, now).await?;
        append(&mut tx, &clinic, &user, "mfa.recovery_codes.replace", &user).await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns the actor's second factor off, with their password and a code.
    /// Refused for owners and in a clinic that requires it.
    pub async fn disable_mfa(&self, actor: &Actor, password: &str, code: &str) -> Result<(), StoreError> {
        let status = self.mfa_status(actor).await?;
        if status.required {
            return Err(StoreError::Forbidden(if actor.role == Role::Owner {
                "owners must keep two-factor sign-in on".into()
            } else {
                "your clinic requires two-factor sign-in for every staff member".into()
            }));
        }
        let user = actor.user_id.to_string();
        let clinic = actor.clinic_id.to_string();
        let now = now_ms();
        let subjects = self.check_login_limits(&actor.email, None, now).await?;
        let stored: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(&user)
            .fetch_optional(&self.pool)
            .await?;
        if !verify_password(password.to_owned(), stored).await? {
            self.record_code_failure(actor, &subjects, now).await?;
            return Err(StoreError::Invalid(ValidationErrors::single("password", "is wrong")));
        }
        let mut tx = self.write_tx().await?;
        match check_second_factor(&mut tx, &user, &clinic, Some(code), now).await? {
            SecondFactor::Accepted => {}
            SecondFactor::NotEnrolled => return Err(not_enrolled()),
            SecondFactor::Missing | SecondFactor::Refused => {
                drop(tx);
                self.record_code_failure(actor, &subjects, now).await?;
                return Err(invalid_code());
            }
        }
        remove_second_factor(&mut tx, &user).await?;
        append(&mut tx, &clinic, &user, "mfa.disable", &user).await?;
        tx.commit().await
    }

    /// A wrong password or code from a signed-in person: counted against
    /// the account's sign-in limit (so a stolen session cannot guess codes
    /// at leisure) and audited.
    async fn record_code_failure(&self, actor: &Actor, subjects: &[String], now: i64) -> Result<(), StoreError> {
        let user = actor.user_id.to_string();
        let mut tx = self.write_tx().await?;
        crate::accounts::record_login_failure(&mut tx, subjects, now).await?;
        append(&mut tx, &actor.clinic_id.to_string(), &user, "mfa.code_failed", &user).await?;
        tx.commit().await
    }

    /// An owner removes a staff member's second factor (a lost phone): their
    /// sessions end and they set it up again at their next sign-in when it
    /// is required. Another clinic's user answers not found.
    pub async fn reset_staff_mfa(&self, by: &Actor, user: UserId) -> Result<(), StoreError> {
        if by.role != Role::Owner {
            return Err(StoreError::Forbidden(
                "only an owner can reset a staff member's two-factor sign-in".into(),
            ));
        }
        let user = user.to_string();
        let clinic = by.clinic_id.to_string();
        let mut tx = self.write_tx().await?;
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND clinic_id = $2")
            .bind(&user)
            .bind(&clinic)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("staff member"));
        }
        reset_second_factor(&mut tx, &user).await?;
        append(&mut tx, &clinic, &by.user_id.to_string(), "mfa.reset", &user).await?;
        tx.commit().await
    }

    /// [`Store::reset_staff_mfa`] by the operator of the installation
    /// (`myomap user reset-mfa`), who has the database anyway.
    pub async fn reset_mfa_from_command_line(&self, email: &str) -> Result<(), StoreError> {
        let target = self.actor_for_email(email).await?;
        let user = target.user_id.to_string();
        let clinic = target.clinic_id.to_string();
        let mut tx = self.write_tx().await?;
        reset_second_factor(&mut tx, &user).await?;
        append(&mut tx, &clinic, "cli", "mfa.reset", &user).await?;
        tx.commit().await
    }

    /// The owner's setting: every staff member of the clinic must use a
    /// code. Those without one are sent to set it up at their next request.
    pub async fn set_clinic_requires_mfa(&self, owner: &Actor, required: bool) -> Result<(), StoreError> {
        if owner.role != Role::Owner {
            return Err(StoreError::Forbidden(
                "only an owner can change the clinic's sign-in rules".into(),
            ));
        }
        let clinic = owner.clinic_id.to_string();
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE clinics SET require_mfa = $1 WHERE id = $2")
            .bind(i64::from(required))
            .bind(&clinic)
            .execute(&mut *tx.tx)
            .await?;
        let action = if required {
            "clinic.require_mfa.on"
        } else {
            "clinic.require_mfa.off"
        };
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &clinic,
                actor: &owner.user_id.to_string(),
                action,
                record_type: "clinic",
                record_id: &clinic,
            },
        )
        .await?;
        tx.commit().await
    }

    /// Finishes a sign-in held at the code: the token from
    /// [`SignIn::CodeNeeded`] and a TOTP or recovery code. Wrong codes count
    /// against the same per-account and per-address limits as passwords.
    pub async fn finish_sign_in(
        &self,
        challenge: &str,
        code: &str,
        client: crate::sessions::SessionClient<'_>,
        ttl: Duration,
    ) -> Result<SessionGrant, StoreError> {
        let remote = client.remote;
        let now = now_ms();
        let row = sqlx::query(
            "SELECT u.id, u.clinic_id, u.email FROM mfa_challenges h JOIN users u ON u.id = h.user_id \
             WHERE h.token_hash = $1 AND h.expires_at > $2",
        )
        .bind(token_hash(challenge))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::SessionExpired)?;
        let user_id: String = row.try_get(0)?;
        let clinic_id: String = row.try_get(1)?;
        let email: String = row.try_get(2)?;
        let subjects = self.check_login_limits(&email, Some(remote), now).await?;
        let mut tx = self.write_tx().await?;
        match check_second_factor(&mut tx, &user_id, &clinic_id, Some(code), now).await? {
            SecondFactor::Accepted | SecondFactor::NotEnrolled => {}
            SecondFactor::Missing | SecondFactor::Refused => {
                drop(tx);
                let mut tx = self.write_tx().await?;
                crate::accounts::record_login_failure(&mut tx, &subjects, now).await?;
                append(&mut tx, &clinic_id, &user_id, "mfa.code_failed", &user_id).await?;
                tx.commit().await?;
                return Err(StoreError::SecondFactor(WRONG_CODE.into()));
            }
        }
        sqlx::query("DELETE FROM mfa_challenges WHERE token_hash = $1")
            .bind(token_hash(challenge))
            .execute(&mut *tx.tx)
            .await?;
        let grant = crate::accounts::open_session(&mut tx, &user_id, &clinic_id, &subjects, ttl, client).await?;
        tx.commit().await?;
        Ok(grant)
    }
}

fn already_enrolled() -> StoreError {
    StoreError::Conflict("two-factor sign-in is already on for this account".into())
}

fn not_enrolled() -> StoreError {
    StoreError::Conflict("two-factor sign-in is not on for this account".into())
}

async fn remove_second_factor(tx: &mut Tx<'_>, user: &str) -> Result<(), StoreError> {
    for statement in [
        "DELETE FROM mfa_recovery_codes WHERE user_id = $1",
        "DELETE FROM mfa_challenges WHERE user_id = $1",
        "DELETE FROM user_mfa WHERE user_id = $1",
    ] {
        sqlx::query(statement).bind(user).execute(&mut *tx.tx).await?;
    }
    Ok(())
}

/// A reset also ends the person's sessions: whoever found the phone may
/// have signed in with it.
async fn reset_second_factor(tx: &mut Tx<'_>, user: &str) -> Result<(), StoreError> {
    remove_second_factor(tx, user).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key, last six digits.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(secret.code_at(time), code, "at {time}");
        }
    }

    #[test]
    fn a_code_matches_one_step_either_side_and_never_a_used_one() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let step = i64::try_from(now / TOTP_STEP_SECS).unwrap();
        let previous = secret.code_at(now - TOTP_STEP_SECS);
        assert_eq!(secret.matching_step(&previous, now, 0), Some(step - 1));
        assert_eq!(secret.matching_step(&previous, now, step - 1), None);
        let two_back = secret.code_at(now - 2 * TOTP_STEP_SECS);
        assert_eq!(secret.matching_step(&two_back, now, 0), None);
        let next = secret.code_at(now + TOTP_STEP_SECS);
        assert_eq!(secret.matching_step(&next, now, step), Some(step + 1));
    }

    #[test]
    fn the_secret_survives_base32_and_the_uri_names_clinic_and_account() {
        let secret = TotpSecret::generate();
        let text = secret.to_base32();
        assert_eq!(text.len(), 32);
        assert_eq!(TotpSecret::from_base32(&text.to_lowercase()).unwrap(), secret);
        let uri = otpauth_uri(&secret, "North Clinic & Co", "ann@north.test");
        assert!(uri.starts_with("otpauth://totp/North%20Clinic%20%26%20Co:ann@north.test?secret="));
        assert!(uri.contains("&issuer=North%20Clinic%20%26%20Co&algorithm=SHA1&digits=6&period=30"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_readable_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODE_COUNT);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert!(matches!(read_code(code), Some(Code::Recovery(_))));
            assert_eq!(
                recovery_hash(code),
                recovery_hash(&code.to_lowercase().replace('-', " "))
            );
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }
}
