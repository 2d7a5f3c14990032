//! The audit log: one hash chain per clinic.
//!
//! Entry `n` stores `hash = SHA-256(prev_hash ␟ clinic ␟ seq ␟ at ␟ actor ␟
//! action ␟ record_type ␟ record_id)` and `prev_hash` = the hash of entry
//! `n-1` (empty for the first). The clinic row keeps the chain's head, so
//! removing entries from the end is caught as well as editing one. Appending
//! bumps that head in the same transaction as the audited change; the row
//! update also serialises appenders of one clinic, on both back ends.

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot};

use crate::time::now_ms;
use crate::tx::Tx;
use crate::{Store, StoreError};

/// What happened, to which record, by whom.
pub(crate) struct AuditEvent<'a> {
    pub clinic_id: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
}

fn entry_hash(prev_hash: &str, clinic_id: &str, seq: i64, at: i64, rest: [&str; 4]) -> String {
    let mut hasher = Sha256::new();
    for part in [prev_hash, clinic_id, &seq.to_string(), &at.to_string()]
        .into_iter()
        .chain(rest)
    {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// An audit event that outlives the request that made it: what a read unit
/// hands to the group committer.
#[derive(Debug, Clone)]
pub(crate) struct OwnedAuditEvent {
    pub clinic_id: String,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
}

impl AuditEvent<'_> {
    fn to_owned_event(&self) -> OwnedAuditEvent {
        OwnedAuditEvent {
            clinic_id: self.clinic_id.to_owned(),
            actor: self.actor.to_owned(),
            action: self.action.to_owned(),
            record_type: self.record_type.to_owned(),
            record_id: self.record_id.to_owned(),
        }
    }
}

/// Appends an entry in the unit's transaction, or, for a read unit, keeps it
/// for the group commit that follows the read.
pub(crate) async fn append(tx: &mut Tx<'_>, event: AuditEvent<'_>) -> Result<(), StoreError> {
    let Some(event) = tx.defer_audit(event.to_owned_event()) else {
        return Ok(());
    };
    append_all(&mut tx.tx, std::slice::from_ref(&event)).await
}

/// Extends each clinic's chain by its events, in order, inside the caller's
/// transaction: one update reserves the sequence numbers and locks the
/// clinic's head (which serialises appenders on both back ends), one insert
/// per chunk writes the entries, one update moves the head. Clinics are
/// locked in id order so two batches never wait on each other in a circle.
pub(crate) async fn append_all(conn: &mut AnyConnection, events: &[OwnedAuditEvent]) -> Result<(), StoreError> {
    let mut clinics: Vec<&str> = events.iter().map(|e| e.clinic_id.as_str()).collect();
    clinics.sort_unstable();
    clinics.dedup();
    for clinic_id in clinics {
        let mine: Vec<&OwnedAuditEvent> = events.iter().filter(|e| e.clinic_id == clinic_id).collect();
        let count = i64::try_from(mine.len()).map_err(|_| StoreError::Internal("audit batch too large".into()))?;
        let head =
            sqlx::query("UPDATE clinics SET audit_seq = audit_seq + $1 WHERE id = $2 RETURNING audit_seq, audit_head")
                .bind(count)
                .bind(clinic_id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| StoreError::Internal(format!("audit entry for unknown clinic {clinic_id}")))?;
        let last_seq: i64 = head.try_get("audit_seq")?;
        let mut prev_hash: String = head.try_get("audit_head")?;
        let at = now_ms();
        let mut rows = Vec::with_capacity(mine.len());
        for (offset, event) in (0..count).rev().zip(&mine) {
            let seq = last_seq - offset;
            let hash = entry_hash(
                &prev_hash,
                clinic_id,
                seq,
                at,
                [&event.actor, &event.action, &event.record_type, &event.record_id],
            );
            rows.push((seq, *event, std::mem::replace(&mut prev_hash, hash.clone()), hash));
        }
        for chunk in rows.chunks(INSERT_CHUNK) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 9;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO audit_log (clinic_id, seq, at, actor, action, record_type, record_id, prev_hash, hash) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (seq, event, prev, hash) in chunk {
                query = query
                    .bind(clinic_id)
                    .bind(*seq)
                    .bind(at)
                    .bind(&event.actor)
                    .bind(&event.action)
                    .bind(&event.record_type)
                    .bind(&event.record_id)
                    .bind(prev)
                    .bind(hash);
            }
            query.execute(&mut *conn).await?;
        }
        sqlx::query("UPDATE clinics SET audit_head = $1 WHERE id = $2")
            .bind(&prev_hash)
            .bind(clinic_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Rows per multi-row insert: 9 parameters each, well under both back ends'
/// parameter limits.
const INSERT_CHUNK: usize = 64;
/// Entries one group commit takes at most; the rest join the next.
const MAX_BATCH_ENTRIES: usize = 512;

struct PendingEntries {
    events: Vec<OwnedAuditEvent>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Group commit for the audit entries of reads: entries that arrive while a
/// commit is in flight join the next one, and each caller waits for the
/// commit that holds its entries. One committer task per store handle.
#[derive(Clone)]
pub(crate) struct AuditQueue {
    sender: mpsc::UnboundedSender<PendingEntries>,
}

impl AuditQueue {
    /// Starts the committer on `store`, a handle whose own queue must not
    /// be this one (the task would keep itself alive).
    pub(crate) fn start(store: Store) -> AuditQueue {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(commit_batches(store, receiver));
        AuditQueue { sender }
    }

    /// An unstarted queue, for the committer's own store handle.
    pub(crate) fn detached() -> AuditQueue {
        let (sender, _) = mpsc::unbounded_channel();
        AuditQueue { sender }
    }

    /// Returns once the events are durable in the log.
    pub(crate) async fn append(&self, events: Vec<OwnedAuditEvent>) -> Result<(), StoreError> {
        let (done, committed) = oneshot::channel();
        self.sender
            .send(PendingEntries { events, done })
            .map_err(|_| StoreError::Internal("the audit log is closed".into()))?;
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::Internal(format!(
                "the audit log could not be written: {message}"
            ))),
            Err(_) => Err(StoreError::Internal("the audit log is closed".into())),
        }
    }
}

async fn commit_batches(store: Store, mut receiver: mpsc::UnboundedReceiver<PendingEntries>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        let mut entries = batch[0].events.len();
        while entries < MAX_BATCH_ENTRIES {
            match receiver.try_recv() {
                Ok(more) => {
                    entries += more.events.len();
                    batch.push(more);
                }
                Err(_) => break,
            }
        }
        let events: Vec<OwnedAuditEvent> = batch.iter().flat_map(|p| p.events.iter().cloned()).collect();
        let outcome = commit_batch(&store, &events).await.map_err(|e| e.to_string());
        if let Err(message) = &outcome {
            tracing::error!(entries = events.len(), error = %message, "audit group commit failed");
        }
        for pending in batch {
            // A caller that gave up still had its entries written.
            let _ = pending.done.send(outcome.clone());
        }
    }
}

async fn commit_batch(store: &Store, events: &[OwnedAuditEvent]) -> Result<(), StoreError> {
    let mut tx = store.write_tx().await?;
    append_all(&mut tx.tx, events).await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    pub clinic_id: String,
    pub clinic_name: String,
    /// The first entry that does not check out (for a missing tail: the first
    /// missing sequence number).
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub clinics: usize,
    pub entries: u64,
    pub first_problem: Option<AuditProblem>,
}

/// One audit entry, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: jiff::Timestamp,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
}

impl Store {
    /// When the newest audit entry of any clinic was written (none: `None`).
    pub async fn newest_audit_time(&self) -> Result<Option<jiff::Timestamp>, StoreError> {
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(at) FROM audit_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(newest.map(crate::time::from_ms))
    }

    /// Recomputes every clinic's chain and reports the first entry that was
    /// edited, removed or inserted behind the log's back.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let mut conn = self.pool.acquire().await?;
        verify_on(&mut conn).await
    }
}

/// [`Store::verify_audit`] on one connection (inside a restore's transaction).
pub(crate) async fn verify_on(conn: &mut AnyConnection) -> Result<AuditReport, StoreError> {
    let clinics = sqlx::query("SELECT id, name, audit_seq, audit_head FROM clinics ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    let mut check = AuditChainCheck::default();
    for clinic in &clinics {
        let clinic_id: String = clinic.try_get(0)?;
        check.clinic(
            &clinic_id,
            &clinic.try_get::<String, _>(1)?,
            clinic.try_get(2)?,
            &clinic.try_get::<String, _>(3)?,
        );
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, record_type, record_id, prev_hash, hash \
             FROM audit_log WHERE clinic_id = $1 ORDER BY seq",
        )
        .bind(&clinic_id)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            check.entry(
                &clinic_id,
                &ChainEntry {
                    seq: row.try_get(0)?,
                    at: row.try_get(1)?,
                    actor: &row.try_get::<String, _>(2)?,
                    action: &row.try_get::<String, _>(3)?,
                    record_type: &row.try_get::<String, _>(4)?,
                    record_id: &row.try_get::<String, _>(5)?,
                    prev_hash: &row.try_get::<String, _>(6)?,
                    hash: &row.try_get::<String, _>(7)?,
                },
            );
        }
    }
    Ok(check.finish())
}

/// One audit entry as stored, for [`AuditChainCheck`].
#[derive(Debug, Clone, Copy)]
pub struct ChainEntry<'a> {
    pub seq: i64,
    /// Milliseconds since the Unix epoch, as stored (BIGINT on both back ends).
    pub at: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

#[derive(Debug)]
struct ChainState {
    name: String,
    head_seq: i64,
    head_hash: String,
    expected_seq: i64,
    expected_prev: String,
    problem: Option<AuditProblem>,
}

/// Recomputes clinics' hash chains from entries fed one at a time, in
/// sequence order per clinic: the one check behind `audit verify`, a
/// restore, and the verification of a logical backup (which reads the
/// entries from the archive, not from a database). The hash covers text
/// and integers only (ids, actions, the sequence number and epoch
/// milliseconds in decimal), which both back ends store unchanged.
#[derive(Debug, Default)]
pub struct AuditChainCheck {
    clinics: std::collections::BTreeMap<String, ChainState>,
    entries: u64,
}

impl AuditChainCheck {
    /// A clinic and the head its row records.
    pub fn clinic(&mut self, id: &str, name: &str, head_seq: i64, head_hash: &str) {
        self.clinics.insert(
            id.to_owned(),
            ChainState {
                name: name.to_owned(),
                head_seq,
                head_hash: head_hash.to_owned(),
                expected_seq: 1,
                expected_prev: String::new(),
                problem: None,
            },
        );
    }

    /// The clinic's next entry. Entries of a clinic not announced, or after
    /// its chain broke, are not looked at.
    pub fn entry(&mut self, clinic_id: &str, entry: &ChainEntry<'_>) {
        let Some(state) = self.clinics.get_mut(clinic_id) else {
            return;
        };
        if state.problem.is_some() {
            return;
        }
        self.entries += 1;
        let problem = |seq: i64, reason: String| AuditProblem {
            clinic_id: clinic_id.to_owned(),
            clinic_name: state.name.clone(),
            seq,
            reason,
        };
        let recomputed = entry_hash(
            entry.prev_hash,
            clinic_id,
            entry.seq,
            entry.at,
            [entry.actor, entry.action, entry.record_type, entry.record_id],
        );
        let found = if entry.seq != state.expected_seq {
            Some(problem(
                state.expected_seq,
                format!("entry {} is missing", state.expected_seq),
            ))
        } else if entry.prev_hash != state.expected_prev {
            Some(problem(entry.seq, "does not link to the entry before it".into()))
        } else if entry.hash != recomputed {
            Some(problem(entry.seq, "content does not match its hash (edited)".into()))
        } else {
            None
        };
        match found {
            Some(found) => state.problem = Some(found),
            None => {
                state.expected_prev = entry.hash.to_owned();
                state.expected_seq += 1;
            }
        }
    }

    /// Every clinic's verdict; the first problem in clinic name order.
    pub fn finish(self) -> AuditReport {
        let mut report = AuditReport {
            clinics: self.clinics.len(),
            entries: self.entries,
            first_problem: None,
        };
        let mut states: Vec<(String, ChainState)> = self.clinics.into_iter().collect();
        states.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        for (clinic_id, state) in states {
            let found = state.problem.or_else(|| {
                let last = state.expected_seq - 1;
                (last != state.head_seq || state.expected_prev != state.head_hash).then(|| AuditProblem {
                    clinic_id: clinic_id.clone(),
                    clinic_name: state.name.clone(),
                    seq: state.expected_seq,
                    reason: format!(
                        "the log ends at entry {last} but the clinic recorded {} entries",
                        state.head_seq
                    ),
                })
            });
            if found.is_some() && report.first_problem.is_none() {
                report.first_problem = found;
            }
        }
        report
    }
}

pub(crate) async fn entries_for_record(
    conn: &mut AnyConnection,
    clinic_id: &str,
    record_type: &str,
    record_id: &str,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.seq, a.at, COALESCE(u.email, a.actor), a.action, a.record_type, a.record_id \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor \
         WHERE a.clinic_id = $1 AND a.record_type = $2 AND a.record_id = $3 ORDER BY a.seq DESC LIMIT $4",
    )
    .bind(clinic_id)
    .bind(record_type)
    .bind(record_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                seq: row.try_get(0)?,
                at: crate::time::from_ms(row.try_get(1)?),
                actor: row.try_get(2)?,
                action: row.try_get(3)?,
                record_type: row.try_get(4)?,
                record_id: row.try_get(5)?,
            })
        })
        .collect()
}
