//! The outbox: every message to a client (appointment reminders, check-in
//! links) is a row first, written in the same transaction as the thing it
//! is about, and only then sent. A sender (any server instance) claims due
//! rows for a short lease, sends, and records the outcome; a failure is kept
//! with its error and retried with growing delays, and after the last try
//! the message waits, visible, for the front desk. Without a mail relay, or
//! without the client's address, a message is queued "by hand": the front
//! desk sends it and marks it sent. Nothing acknowledged is lost.

use jiff::Timestamp;
use myomap_domain::ClientId;
use sqlx::Row;

use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

/// Tries before a message is left for a person to deal with.
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Sent by the mail relay when due.
    Relay,
    /// Listed for the front desk to send themselves.
    ByHand,
}

/// Written into a draft about an appointment where its client link goes:
/// storage issues the link in the transaction that books the appointment
/// and puts its token in place of the marker (the web layer writes the
/// address around it, e.g. `https://clinic.example/c/{appointment-link}`).
pub const APPOINTMENT_LINK_MARKER: &str = "{appointment-link}";

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxDraft {
    /// `reminder`, `checkin`, ...
    pub kind: String,
    pub recipient: Option<String>,
    pub title: String,
    pub body: String,
    pub send_after: Timestamp,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Queued,
    ByHand,
    Sent,
    Failed,
    Cancelled,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::ByHand => "by_hand",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "Queued",
            OutboxStatus::ByHand => "To send by hand",
            OutboxStatus::Sent => "Sent",
            OutboxStatus::Failed => "Failed",
            OutboxStatus::Cancelled => "Withdrawn",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "queued" => OutboxStatus::Queued,
            "by_hand" => OutboxStatus::ByHand,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            "cancelled" => OutboxStatus::Cancelled,
            other => return Err(StoreError::Internal(format!("unknown outbox status {other}"))),
        })
    }

    /// Waiting for a person: to send by hand, or failed after every retry.
    pub fn needs_attention(self) -> bool {
        matches!(self, OutboxStatus::ByHand | OutboxStatus::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    /// `None` for a message to staff (an invitation).
    pub client_id: Option<ClientId>,
    /// The client's name, or the staff member's for a message to staff.
    pub client_name: String,
    pub kind: String,
    pub recipient: Option<String>,
    pub title: String,
    pub body: String,
    pub status: OutboxStatus,
    pub send_after: Timestamp,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// A message a sender holds for its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMessage {
    pub id: String,
    pub recipient: String,
    pub title: String,
    pub body: String,
    pub attempts: i64,
}

const COLUMNS: &str = "o.id, o.client_id, COALESCE(c.given_name || ' ' || c.family_name, o.recipient, ''), o.kind, o.recipient, o.title, o.body, \
     o.status, o.send_after, o.attempts, o.last_error, o.created_at, o.sent_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<OutboxMessage, StoreError> {
    Ok(OutboxMessage {
        id: row.try_get(0)?,
        client_id: row
            .try_get::<Option<String>, _>(1)?
            .map(|id| id.parse())
            .transpose()
            .map_err(|_| StoreError::Internal("corrupt outbox client id".into()))?,
        client_name: row.try_get(2)?,
        kind: row.try_get(3)?,
        recipient: row.try_get(4)?,
        title: row.try_get(5)?,
        body: row.try_get(6)?,
        status: OutboxStatus::parse(&row.try_get::<String, _>(7)?)?,
        send_after: from_ms(row.try_get(8)?),
        attempts: row.try_get(9)?,
        last_error: row.try_get(10)?,
        created_at: from_ms(row.try_get(11)?),
        sent_at: row.try_get::<Option<i64>, _>(12)?.map(from_ms),
    })
}

/// Client links in a sent message are capabilities; once the message has
/// left, the copy kept for the record no longer carries them.
pub fn redact_links(body: &str) -> String {
    body.split_inclusive('\n')
        .map(|line| {
            if line.contains("/c/") || line.contains("/invite/") {
                let ending = if line.ends_with('\n') { "\n" } else { "" };
                format!("[client link removed once sent]{ending}")
            } else {
                line.to_owned()
            }
        })
        .collect()
}

pub(crate) async fn enqueue(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    client: impl Into<Option<ClientId>>,
    subject_id: &str,
    draft: &OutboxDraft,
) -> Result<String, StoreError> {
    let client: Option<ClientId> = client.into();
    let id = uuid::Uuid::now_v7().to_string();
    let status = match (draft.delivery, &draft.recipient) {
        (Delivery::Relay, Some(_)) => OutboxStatus::Queued,
        _ => OutboxStatus::ByHand,
    };
    sqlx::query(
        "INSERT INTO outbox (id, clinic_id, client_id, kind, subject_id, recipient, title, body, status, send_after, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(clinic_id)
    .bind(client.map(|c| c.to_string()))
    .bind(&draft.kind)
    .bind(subject_id)
    .bind(draft.recipient.as_deref())
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(status.as_str())
    .bind(draft.send_after.as_millisecond())
    .bind(now_ms())
    .execute(&mut *tx.tx)
    .await?;
    Ok(id)
}

/// Withdraws the messages about something (a moved or cancelled
/// appointment) that have not gone out yet.
pub(crate) async fn cancel_pending_for(tx: &mut Tx<'_>, clinic_id: &str, subject_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET status = 'cancelled' WHERE clinic_id = $1 AND subject_id = $2 \
         AND status IN ('queued', 'by_hand', 'failed')",
    )
    .bind(clinic_id)
    .bind(subject_id)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

/// Delay before the next try: 1, 4, 16, 64 minutes.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    60_000 * 4_i64.saturating_pow(u32::try_from(attempts.saturating_sub(1).max(0)).unwrap_or(0))
}

impl ClinicScope<'_> {
    /// The clinic's messages: those needing a person first, then the rest,
    /// newest first; `attention_only` keeps the first group.
    pub async fn outbox(&self, attention_only: bool, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox o LEFT JOIN clients c ON c.id = o.client_id WHERE o.clinic_id = $1 \
             AND ($2 = 0 OR o.status IN ('by_hand', 'failed')) \
             ORDER BY CASE WHEN o.status IN ('by_hand', 'failed') THEN 0 ELSE 1 END, o.send_after DESC, o.id DESC LIMIT $3"
        ))
        .bind(&self.clinic_id)
        .bind(i64::from(attention_only))
        .bind(limit)
        .fetch_all(&self.store.pool)
        .await?;
        let mut messages = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        // A message to staff is an invitation: its link makes an account
        // with the invited role, so only those who manage accounts see it.
        if !self.actor.role.manages_accounts() {
            for message in messages.iter_mut().filter(|m| m.client_id.is_none()) {
                message.body = redact_links(&message.body);
            }
        }
        Ok(messages)
    }

    /// Queues a message about a client outside any other change.
    pub async fn enqueue_message(
        &self,
        client: ClientId,
        subject_id: &str,
        draft: &OutboxDraft,
    ) -> Result<String, StoreError> {
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let id = enqueue(&mut tx, &self.clinic_id, client, subject_id, draft).await?;
        self.audit(&mut tx, &format!("outbox.queue.{}", draft.kind), "outbox", &id)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The front desk sent it themselves (or gave up on a failed one and
    /// phoned the client).
    pub async fn mark_sent_by_hand(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.store.write_tx().await?;
        let body: String = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE id = $1 AND clinic_id = $2 AND status IN ('by_hand', 'failed', 'queued')",
        )
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("message waiting to be sent"))?;
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, sent_by = $2, body = $3, claimed_until = NULL WHERE id = $4 AND clinic_id = $5",
        )
        .bind(now_ms())
        .bind(&self.actor_id)
        .bind(redact_links(&body))
        .bind(id)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "outbox.sent_by_hand", "outbox", id).await?;
        tx.commit().await
    }

    /// Sends a failed or waiting message through the relay at the next
    /// pass, with a fresh set of retries.
    pub async fn retry_message(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE outbox SET status = 'queued', attempts = 0, send_after = $1, claimed_until = NULL \
             WHERE id = $2 AND clinic_id = $3 AND status IN ('failed', 'queued') AND recipient IS NOT NULL",
        )
        .bind(now_ms())
        .bind(id)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound("failed message"));
        }
        self.audit(&mut tx, "outbox.retry", "outbox", id).await?;
        tx.commit().await
    }
}

impl Store {
    /// Claims up to `limit` due messages for `lease_ms`. A message another
    /// sender holds is skipped; one whose lease ran out (its sender died) is
    /// taken over.
    pub async fn claim_due_messages(&self, limit: i64, lease_ms: i64) -> Result<Vec<ClaimedMessage>, StoreError> {
        let now = now_ms();
        let candidates = sqlx::query(
            "SELECT id, recipient, title, body, attempts FROM outbox WHERE status = 'queued' AND send_after <= $1 \
             AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY send_after, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        if candidates.is_empty() {
            return Ok(claimed);
        }
        let mut tx = self.write_tx().await?;
        for row in candidates {
            let id: String = row.try_get(0)?;
            // The condition is re-checked in the update: of two instances
            // racing for one row, exactly one changes it.
            let taken = sqlx::query(
                "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND status = 'queued' \
                 AND (claimed_until IS NULL OR claimed_until < $3)",
            )
            .bind(now + lease_ms)
            .bind(&id)
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
            if taken.rows_affected() == 1 {
                claimed.push(ClaimedMessage {
                    id,
                    recipient: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                    title: row.try_get(2)?,
                    body: row.try_get(3)?,
                    attempts: row.try_get(4)?,
                });
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    pub async fn message_sent(&self, message: &ClaimedMessage) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, sent_by = 'relay', attempts = attempts + 1, \
             body = $2, claimed_until = NULL, last_error = NULL WHERE id = $3",
        )
        .bind(now_ms())
        .bind(redact_links(&message.body))
        .bind(&message.id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// Records a failed try: retried later, or left for a person after
    /// [`MAX_ATTEMPTS`].
    pub async fn message_failed(&self, message: &ClaimedMessage, error: &str) -> Result<(), StoreError> {
        let attempts = message.attempts + 1;
        let (status, next) = if attempts >= MAX_ATTEMPTS {
            (OutboxStatus::Failed, now_ms())
        } else {
            (OutboxStatus::Queued, now_ms() + retry_delay_ms(attempts))
        };
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE outbox SET status = $1, attempts = $2, send_after = $3, last_error = $4, claimed_until = NULL WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(attempts)
        .bind(next)
        .bind(error)
        .bind(&message.id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_copies_lose_their_links_and_keep_the_rest() {
        let body = "Hello Ada,\nAnswer here:\nhttps://clinic.test/c/abc123\n\nThanks\n";
        assert_eq!(
            redact_links(body),
            "Hello Ada,\nAnswer here:\n[client link removed once sent]\n\nThanks\n"
        );
    }

    #[test]
    fn retries_back_off() {
        assert_eq!(retry_delay_ms(1), 60_000);
        assert_eq!(retry_delay_ms(2), 240_000);
        assert_eq!(retry_delay_ms(4), 3_840_000);
    }
}
