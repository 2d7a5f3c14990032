//! Staff management by the clinic's owner: the staff list, invitations (a
//! single-use, expiring link whose token is stored only as a hash; the
//! invitee sets their own password through it), role changes, deactivation
//! and reactivation. A clinic always keeps at least one active owner: the
//! rule is checked under the clinic row's lock, so two owners demoting each
//! other at once (on any instance) cannot both succeed.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::password::check_new_password;
use myomap_domain::validation::is_plausible_email;
use myomap_domain::{Role, ValidationErrors};
use sqlx::Row;

use crate::accounts::{SessionGrant, random_token, token_hash};
use crate::audit::{self, AuditEvent};
use crate::outbox::{self, OutboxDraft};
use crate::sessions::{SessionClient, open_session};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

/// How long an invitation link stays usable.
pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Written into an invitation's message draft where its token goes: the
/// store issues the token in the same transaction that queues the message.
pub const INVITATION_TOKEN_MARKER: &str = "{invitation-token}";

const MAX_NAME_CHARS: usize = 120;

/// A member of staff as the owner's staff page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// The newest sign-in in the audit log, if any.
    pub last_sign_in: Option<Timestamp>,
    /// Signs in with a confirmed second factor (an owner may reset it).
    pub two_factor: bool,
}

/// An invitation not yet used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// What the owner asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub ttl: Duration,
}

/// An invitation just made: its token (never stored) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedInvitation {
    pub id: String,
    pub token: String,
    pub expires_at: Timestamp,
    pub message_id: String,
}

/// What the invitee sees before choosing a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    pub clinic_name: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub expires_at: Timestamp,
}

fn parse_role(text: &str) -> Result<Role, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Internal(format!("corrupt role {text} in the database")))
}

fn validate_invitation(request: &InvitationRequest) -> Result<(String, String), StoreError> {
    let email = request.email.trim().to_lowercase();
    let name = request.name.trim().to_owned();
    let mut errors = ValidationErrors::default();
    if !is_plausible_email(&email) {
        errors.add("email", "is not an email address (expected name@example.org)");
    }
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.add("name", format!("must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if errors.is_empty() {
        Ok((email, name))
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Takes the clinic row's lock (PostgreSQL; SQLite writers take turns
/// anyway): staff changes of one clinic then run one after another, so the
/// last-owner count cannot be raced.
async fn lock_clinic(tx: &mut Tx<'_>, clinic_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE clinics SET settings_version = settings_version WHERE id = $1")
        .bind(clinic_id)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

async fn active_owners_besides(tx: &mut Tx<'_>, clinic_id: &str, user_id: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE clinic_id = $1 AND role = 'owner' AND deactivated_at IS NULL AND id <> $2",
    )
    .bind(clinic_id)
    .bind(user_id)
    .fetch_one(&mut *tx.tx)
    .await?)
}

const LAST_OWNER: &str = "the clinic must keep at least one active owner: make someone else an owner first";

impl ClinicScope<'_> {
    /// Everyone with an account at the clinic, active first, by name.
    pub async fn staff_accounts(&self) -> Result<Vec<StaffAccount>, StoreError> {
        self.require_account_manager("manage staff")?;
        let rows = sqlx::query(
            "SELECT u.id, u.email, COALESCE(u.display_name, u.email), u.role, u.deactivated_at, \
             (SELECT MAX(a.at) FROM audit_log a WHERE a.clinic_id = u.clinic_id AND a.record_type = 'user' \
              AND a.record_id = u.id AND a.action = 'session.login'), \
             (SELECT COUNT(*) FROM user_mfa m WHERE m.user_id = u.id AND m.confirmed_at IS NOT NULL) \
             FROM users u WHERE u.clinic_id = $1 \
             ORDER BY CASE WHEN u.deactivated_at IS NULL THEN 0 ELSE 1 END, COALESCE(u.display_name, u.email), u.id",
        )
        .bind(&self.clinic_id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StaffAccount {
                    id: row.try_get(0)?,
                    email: row.try_get(1)?,
                    name: row.try_get(2)?,
                    role: parse_role(&row.try_get::<String, _>(3)?)?,
                    active: row.try_get::<Option<i64>, _>(4)?.is_none(),
                    last_sign_in: row.try_get::<Option<i64>, _>(5)?.map(from_ms),
                    two_factor: row.try_get::<i64, _>(6)? > 0,
                })
            })
            .collect()
    }

    /// Invitations that can still be used, newest first.
    pub async fn pending_invitations(&self) -> Result<Vec<PendingInvitation>, StoreError> {
        self.require_account_manager("manage staff")?;
        let rows = sqlx::query(
            "SELECT id, email, display_name, role, created_at, expires_at FROM staff_invitations \
             WHERE clinic_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id",
        )
        .bind(&self.clinic_id)
        .bind(now_ms())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingInvitation {
                    id: row.try_get(0)?,
                    email: row.try_get(1)?,
                    name: row.try_get(2)?,
                    role: parse_role(&row.try_get::<String, _>(3)?)?,
                    created_at: from_ms(row.try_get(4)?),
                    expires_at: from_ms(row.try_get(5)?),
                })
            })
            .collect()
    }

    /// Invites someone: stores the invitation (hash of its token only) and
    /// queues `message` to them in one transaction, with the token put in
    /// place of [`INVITATION_TOKEN_MARKER`]. An earlier unused invitation
    /// of the same address at this clinic stops working.
    pub async fn invite_staff(
        &self,
        request: &InvitationRequest,
        message: &OutboxDraft,
    ) -> Result<IssuedInvitation, StoreError> {
        self.require_account_manager("invite staff")?;
        let (email, name) = validate_invitation(request)?;
        let mut tx = self.store.write_tx().await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "an account with email {email} already exists"
            )));
        }
        let now = now_ms();
        sqlx::query(
            "UPDATE staff_invitations SET expires_at = $1 WHERE clinic_id = $2 AND email = $3 \
             AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(&self.clinic_id)
        .bind(&email)
        .execute(&mut *tx.tx)
        .await?;
        let id = uuid::Uuid::now_v7().to_string();
        let token = random_token();
        let ttl_ms = i64::try_from(request.ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let expires_at = now.saturating_add(ttl_ms);
        sqlx::query(
            "INSERT INTO staff_invitations (id, clinic_id, email, display_name, role, token_hash, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(&email)
        .bind(&name)
        .bind(request.role.as_str())
        .bind(token_hash(&token))
        .bind(&self.actor_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx.tx)
        .await?;
        let draft = OutboxDraft {
            recipient: Some(email),
            body: message.body.replace(INVITATION_TOKEN_MARKER, &token),
            ..message.clone()
        };
        let message_id = outbox::enqueue(&mut tx, &self.clinic_id, None, &id, &draft).await?;
        self.audit(&mut tx, "user.invite", "invitation", &id).await?;
        tx.commit().await?;
        Ok(IssuedInvitation {
            id,
            token,
            expires_at: from_ms(expires_at),
            message_id,
        })
    }

    /// Withdraws an unused invitation.
    pub async fn withdraw_invitation(&self, id: &str) -> Result<(), StoreError> {
        self.require_account_manager("manage staff")?;
        let mut tx = self.store.write_tx().await?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE staff_invitations SET expires_at = $1 WHERE id = $2 AND clinic_id = $3 \
             AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(id)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::NotFound("open invitation"));
        }
        outbox::cancel_pending_for(&mut tx, &self.clinic_id, id).await?;
        self.audit(&mut tx, "user.invite.withdraw", "invitation", id).await?;
        tx.commit().await
    }

    /// The role and state of a member of staff, under the clinic's lock.
    async fn locked_member(&self, tx: &mut Tx<'_>, user_id: &str) -> Result<(Role, bool), StoreError> {
        lock_clinic(tx, &self.clinic_id).await?;
        let row = sqlx::query("SELECT role, deactivated_at FROM users WHERE id = $1 AND clinic_id = $2")
            .bind(user_id)
            .bind(&self.clinic_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound("staff member"))?;
        Ok((
            parse_role(&row.try_get::<String, _>(0)?)?,
            row.try_get::<Option<i64>, _>(1)?.is_none(),
        ))
    }

    /// Gives a member of staff another role; the last active owner keeps
    /// theirs.
    pub async fn set_staff_role(&self, user_id: &str, role: Role) -> Result<(), StoreError> {
        self.require_account_manager("change roles")?;
        let mut tx = self.store.write_tx().await?;
        let (current, active) = self.locked_member(&mut tx, user_id).await?;
        if current == role {
            return tx.commit().await;
        }
        if current == Role::Owner && active && active_owners_besides(&mut tx, &self.clinic_id, user_id).await? == 0 {
            return Err(StoreError::Conflict(LAST_OWNER.into()));
        }
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(role.as_str())
            .bind(user_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, &format!("user.role.{}", role.as_str()), "user", user_id)
            .await?;
        tx.commit().await
    }

    /// Stops an account: it cannot sign in, and its sessions end at once
    /// (their rows go in the same transaction).
    pub async fn deactivate_staff(&self, user_id: &str) -> Result<(), StoreError> {
        self.require_account_manager("deactivate staff")?;
        if user_id == self.actor_id {
            return Err(StoreError::Conflict(
                "you cannot deactivate your own account: another owner can".into(),
            ));
        }
        let mut tx = self.store.write_tx().await?;
        let (role, active) = self.locked_member(&mut tx, user_id).await?;
        if !active {
            return tx.commit().await;
        }
        if role == Role::Owner && active_owners_besides(&mut tx, &self.clinic_id, user_id).await? == 0 {
            return Err(StoreError::Conflict(LAST_OWNER.into()));
        }
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(now_ms())
            .bind(user_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "user.deactivate", "user", user_id).await?;
        tx.commit().await
    }

    /// Lets a deactivated account sign in again (with its old password).
    pub async fn reactivate_staff(&self, user_id: &str) -> Result<(), StoreError> {
        self.require_account_manager("reactivate staff")?;
        let mut tx = self.store.write_tx().await?;
        let (_, active) = self.locked_member(&mut tx, user_id).await?;
        if active {
            return tx.commit().await;
        }
        sqlx::query("UPDATE users SET deactivated_at = NULL WHERE id = $1 AND clinic_id = $2")
            .bind(user_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "user.reactivate", "user", user_id).await?;
        tx.commit().await
    }
}

/// Why an invitation token does not open.
fn closed_invitation(used: bool) -> StoreError {
    StoreError::Gone(if used {
        "this invitation has already been used: sign in with the password you chose, or ask the clinic's owner for a new invitation".into()
    } else {
        "this invitation has expired or was withdrawn: ask the clinic's owner for a new one".into()
    })
}

impl Store {
    /// The invitation behind a token, if it can still be used.
    pub async fn open_invitation(&self, token: &str) -> Result<OpenInvitation, StoreError> {
        let row = sqlx::query(
            "SELECT c.name, i.email, i.display_name, i.role, i.expires_at, i.used_at \
             FROM staff_invitations i JOIN clinics c ON c.id = i.clinic_id WHERE i.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("invitation"))?;
        let expires_at: i64 = row.try_get(4)?;
        let used_at: Option<i64> = row.try_get(5)?;
        if used_at.is_some() || expires_at <= now_ms() {
            return Err(closed_invitation(used_at.is_some()));
        }
        Ok(OpenInvitation {
            clinic_name: row.try_get(0)?,
            email: row.try_get(1)?,
            name: row.try_get(2)?,
            role: parse_role(&row.try_get::<String, _>(3)?)?,
            expires_at: from_ms(expires_at),
        })
    }

    /// Uses an invitation: creates the account with the chosen password
    /// (the password policy applies) and opens its first session, in one
    /// transaction that also marks the invitation used.
    pub async fn accept_invitation(
        &self,
        token: &str,
        password: &str,
        client: SessionClient<'_>,
        ttl: Duration,
    ) -> Result<SessionGrant, StoreError> {
        let invitation = self.open_invitation(token).await?;
        check_new_password(password, &invitation.email, &invitation.clinic_name).map_err(StoreError::Invalid)?;
        let password_hash = crate::accounts::hash_password(password.to_owned()).await?;
        let mut tx = self.write_tx().await?;
        let now = now_ms();
        let row = sqlx::query(
            "SELECT id, clinic_id, email, display_name, role, used_at FROM staff_invitations \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or_else(|| closed_invitation(false))?;
        let invitation_id: String = row.try_get(0)?;
        let clinic_id: String = row.try_get(1)?;
        let email: String = row.try_get(2)?;
        let name: String = row.try_get(3)?;
        let role: String = row.try_get(4)?;
        if row.try_get::<Option<i64>, _>(5)?.is_some() {
            return Err(closed_invitation(true));
        }
        let user_id = myomap_domain::UserId::new().to_string();
        let inserted = sqlx::query(
            "INSERT INTO users (id, clinic_id, email, password_hash, role, created_at, display_name) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&user_id)
        .bind(&clinic_id)
        .bind(&email)
        .bind(&password_hash)
        .bind(&role)
        .bind(now)
        .bind(&name)
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
        // The condition is checked again in the update: of two racing
        // acceptances, exactly one uses the invitation.
        let used = sqlx::query(
            "UPDATE staff_invitations SET used_at = $1, user_id = $2 WHERE id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(&user_id)
        .bind(&invitation_id)
        .execute(&mut *tx.tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(closed_invitation(true));
        }
        let grant = open_session(&mut tx, &user_id, ttl, client).await?;
        for (action, record_type, record_id) in [
            ("user.create", "user", user_id.as_str()),
            ("user.invite.accept", "invitation", invitation_id.as_str()),
            ("session.login", "user", user_id.as_str()),
        ] {
            audit::append(
                &mut tx,
                AuditEvent {
                    clinic_id: &clinic_id,
                    actor: &user_id,
                    action,
                    record_type,
                    record_id,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(grant)
    }
}
