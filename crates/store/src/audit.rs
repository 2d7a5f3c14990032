//! The audit log: one hash chain per clinic.
//!
//! Entry `n` stores `hash = SHA-256(prev_hash ␟ clinic ␟ seq ␟ at ␟ actor ␟
//! action ␟ record_type ␟ record_id)` and `prev_hash` = the hash of entry
//! `n-1` (empty for the first). The clinic row keeps the chain's head, so
//! removing entries from the end is caught as well as editing one. Appending
//! bumps that head in the same transaction as the audited change; the row
//! update also serialises appenders of one clinic, on both back ends.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::time::now_ms;
use crate::tx::WriteTx;
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

pub(crate) async fn append(tx: &mut WriteTx<'_>, event: AuditEvent<'_>) -> Result<(), StoreError> {
    let head =
        sqlx::query("UPDATE clinics SET audit_seq = audit_seq + 1 WHERE id = $1 RETURNING audit_seq, audit_head")
            .bind(event.clinic_id)
            .fetch_one(&mut *tx.tx)
            .await?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let at = now_ms();
    let hash = entry_hash(
        &prev_hash,
        event.clinic_id,
        seq,
        at,
        [event.actor, event.action, event.record_type, event.record_id],
    );
    sqlx::query(
        "INSERT INTO audit_log (clinic_id, seq, at, actor, action, record_type, record_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.clinic_id)
    .bind(seq)
    .bind(at)
    .bind(event.actor)
    .bind(event.action)
    .bind(event.record_type)
    .bind(event.record_id)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query("UPDATE clinics SET audit_head = $1 WHERE id = $2")
        .bind(&hash)
        .bind(event.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
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
    /// Recomputes every clinic's chain and reports the first entry that was
    /// edited, removed or inserted behind the log's back.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let clinics = sqlx::query("SELECT id, name, audit_seq, audit_head FROM clinics ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        let mut report = AuditReport {
            clinics: clinics.len(),
            entries: 0,
            first_problem: None,
        };
        for clinic in clinics {
            let clinic_id: String = clinic.try_get(0)?;
            let clinic_name: String = clinic.try_get(1)?;
            let head_seq: i64 = clinic.try_get(2)?;
            let head_hash: String = clinic.try_get(3)?;
            let problem = |seq: i64, reason: String| AuditProblem {
                clinic_id: clinic_id.clone(),
                clinic_name: clinic_name.clone(),
                seq,
                reason,
            };
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, record_type, record_id, prev_hash, hash \
                 FROM audit_log WHERE clinic_id = $1 ORDER BY seq",
            )
            .bind(&clinic_id)
            .fetch_all(&self.pool)
            .await?;
            let mut expected_prev = String::new();
            let mut expected_seq = 1;
            let mut found = None;
            for row in &rows {
                report.entries += 1;
                let seq: i64 = row.try_get(0)?;
                let at: i64 = row.try_get(1)?;
                let fields: [String; 4] = [row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?];
                let prev_hash: String = row.try_get(6)?;
                let hash: String = row.try_get(7)?;
                let recomputed = entry_hash(&prev_hash, &clinic_id, seq, at, fields.each_ref().map(String::as_str));
                if seq != expected_seq {
                    found = Some(problem(expected_seq, format!("entry {expected_seq} is missing")));
                } else if prev_hash != expected_prev {
                    found = Some(problem(seq, "does not link to the entry before it".into()));
                } else if hash != recomputed {
                    found = Some(problem(seq, "content does not match its hash (edited)".into()));
                }
                if found.is_some() {
                    break;
                }
                expected_prev = hash;
                expected_seq += 1;
            }
            if found.is_none() && (expected_seq - 1 != head_seq || expected_prev != head_hash) {
                found = Some(problem(
                    expected_seq,
                    format!(
                        "the log ends at entry {} but the clinic recorded {head_seq} entries",
                        expected_seq - 1
                    ),
                ));
            }
            if found.is_some() && report.first_problem.is_none() {
                report.first_problem = found;
            }
        }
        Ok(report)
    }
}

pub(crate) async fn entries_for_record(
    store: &Store,
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
    .fetch_all(&store.pool)
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
