//! Server-side sessions as people see them: each has an id to list and
//! revoke it by, and remembers the browser and address it was opened from.
//! A session is a row, so revoking it (deleting the row) takes effect on the
//! next request to any instance.

use jiff::Timestamp;
use sqlx::Row;

use crate::accounts::{SessionGrant, random_token, token_hash};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, StoreError};

/// Longest user agent kept; the rest is cut (browsers send ~150 bytes).
const MAX_USER_AGENT: usize = 300;

/// Where a session is opened from, as the request told it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionClient<'a> {
    pub user_agent: &'a str,
    pub remote: &'a str,
}

/// A session as its owner or the clinic's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: String,
    pub user_id: String,
    pub user_name: String,
    pub user_email: String,
    pub started_at: Timestamp,
    pub expires_at: Timestamp,
    pub user_agent: String,
    pub remote_address: String,
    /// The session this request came with.
    pub current: bool,
}

/// Opens a session inside the caller's unit (sign-in, an accepted
/// invitation).
pub(crate) async fn open_session(
    tx: &mut Tx<'_>,
    user_id: &str,
    ttl: std::time::Duration,
    client: SessionClient<'_>,
) -> Result<SessionGrant, StoreError> {
    let now = now_ms();
    let token = random_token();
    let csrf_token = random_token();
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
    let expires_at = now.saturating_add(ttl_ms);
    let user_agent: String = client.user_agent.chars().take(MAX_USER_AGENT).collect();
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, csrf_token, created_at, expires_at, user_agent, remote_address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash(&token))
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user_id)
    .bind(&csrf_token)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent)
    .bind(client.remote)
    .execute(&mut *tx.tx)
    .await?;
    Ok(SessionGrant {
        token,
        csrf_token,
        expires_at: from_ms(expires_at),
    })
}

fn session_from_row(row: &sqlx::any::AnyRow) -> Result<ActiveSession, StoreError> {
    Ok(ActiveSession {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        user_name: row.try_get(2)?,
        user_email: row.try_get(3)?,
        started_at: from_ms(row.try_get(4)?),
        expires_at: from_ms(row.try_get(5)?),
        user_agent: row.try_get(6)?,
        remote_address: row.try_get(7)?,
        current: row.try_get::<i64, _>(8)? == 1,
    })
}

impl ClinicScope<'_> {
    /// Every unexpired session of the clinic (owners only), newest first.
    pub async fn clinic_sessions(&self) -> Result<Vec<ActiveSession>, StoreError> {
        self.require_account_manager("see the clinic's sessions")?;
        self.sessions_where(None).await
    }

    /// The caller's own unexpired sessions, newest first.
    pub async fn own_sessions(&self) -> Result<Vec<ActiveSession>, StoreError> {
        self.sessions_where(Some(&self.actor_id)).await
    }

    async fn sessions_where(&self, user: Option<&str>) -> Result<Vec<ActiveSession>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.user_id, COALESCE(u.display_name, u.email), u.email, s.created_at, s.expires_at, \
             s.user_agent, s.remote_address, CASE WHEN s.csrf_token = $3 THEN 1 ELSE 0 END \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE u.clinic_id = $1 AND s.expires_at > $2 AND ($4 = '' OR s.user_id = $4) \
             ORDER BY s.created_at DESC, s.id",
        )
        .bind(&self.clinic_id)
        .bind(now_ms())
        .bind(&self.actor.csrf_token)
        .bind(user.unwrap_or_default())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(session_from_row).collect()
    }

    /// Ends one session: an owner may end any of the clinic's, everyone
    /// else only their own. Someone else's (or another clinic's) answers
    /// `NotFound`, like a missing one.
    pub async fn revoke_session(&self, id: &str) -> Result<(), StoreError> {
        let only_user = if self.actor.role.manages_accounts() {
            ""
        } else {
            self.actor_id.as_str()
        };
        let mut tx = self.store.write_tx().await?;
        let owner_of_session: Option<String> = sqlx::query_scalar(
            "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND u.clinic_id = $2 AND ($3 = '' OR s.user_id = $3)",
        )
        .bind(id)
        .bind(&self.clinic_id)
        .bind(only_user)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let user = owner_of_session.ok_or(StoreError::NotFound("session"))?;
        sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(&user)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "session.revoke", "user", &user).await?;
        tx.commit().await
    }

    /// Signs the caller out everywhere but here ("sign out other devices");
    /// answers how many sessions ended.
    pub async fn revoke_other_sessions(&self) -> Result<u64, StoreError> {
        let mut tx = self.store.write_tx().await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND csrf_token <> $2")
            .bind(&self.actor_id)
            .bind(&self.actor.csrf_token)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        self.audit(&mut tx, "session.revoke_others", "user", &self.actor_id)
            .await?;
        tx.commit().await?;
        Ok(ended)
    }

    pub(crate) fn require_account_manager(&self, what: &str) -> Result<(), StoreError> {
        if self.actor.role.manages_accounts() {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!("only the clinic owner can {what}")))
        }
    }
}
