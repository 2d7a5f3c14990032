//! Session notes (SOAP) with their discomfort warnings, signing and
//! amendments, and the 24/48-hour soreness check-ins signing creates.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use myomap_domain::record::{CHECKIN_HOURS, CheckinAnswer, CheckinFlag, SessionNote, checkin_flags};
use sqlx::Row;

use crate::audit::{self, AuditEvent};
use crate::claim::{Refusal, Versioned};
use crate::links::{IssuedLink, LinkPurpose};
use crate::outbox::{self, OutboxDraft};
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

const HOUR_MS: i64 = 60 * 60 * 1000;
/// A check-in link stays open this long after the check-in is due.
const CHECKIN_LINK_GRACE: Duration = Duration::from_secs(3 * 24 * 60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteStatus {
    Draft,
    Signed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    pub id: String,
    pub note_id: String,
    pub client_id: ClientId,
    pub due_hours: u16,
    pub due_at: Timestamp,
    pub answer: Option<CheckinAnswer>,
    pub answered_at: Option<Timestamp>,
    pub reviewed_at: Option<Timestamp>,
}

impl Checkin {
    pub fn flags(&self, now: Timestamp) -> Vec<CheckinFlag> {
        checkin_flags(
            self.due_hours,
            self.answer.as_ref(),
            self.due_at.as_millisecond(),
            now.as_millisecond(),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRecord {
    pub id: String,
    pub client_id: ClientId,
    pub assessment_id: Option<String>,
    pub note: SessionNote,
    pub status: NoteStatus,
    /// The note this one amends (an amendment is itself signed).
    pub amends: Option<String>,
    pub amendment_reason: Option<String>,
    /// The newer note that amends this one, if any.
    pub amended_by: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<Timestamp>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub version: i64,
    /// Why the note was signed while the client's screening said to refer
    /// them to a physician first.
    pub referral_reason: Option<String>,
    pub checkins: Vec<Checkin>,
}

/// Whom a message about a note goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub given_name: String,
    pub email: Option<String>,
}

/// A check-in that needs the therapist, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedCheckin {
    pub client_id: ClientId,
    pub client_name: String,
    pub checkin: Checkin,
    pub flags: Vec<CheckinFlag>,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

const NOTE_COLUMNS: &str = "n.id, n.client_id, n.assessment_id, n.note, n.status, n.amends, n.amendment_reason, \
     (SELECT MIN(m.id) FROM session_notes m WHERE m.amends = n.id AND m.clinic_id = n.clinic_id), \
     COALESCE(s.email, n.signed_by), n.signed_at, COALESCE(c.email, n.created_by), n.created_at, n.version, n.referral_reason";
const NOTE_FROM: &str =
    "session_notes n LEFT JOIN users s ON s.id = n.signed_by LEFT JOIN users c ON c.id = n.created_by";
const CHECKIN_COLUMNS: &str = "id, note_id, client_id, due_hours, due_at, answer, answered_at, reviewed_at";

fn note_from_row(row: &impl ReadRow) -> Result<NoteRecord, StoreError> {
    let corrupt = |what: &str| StoreError::Internal(format!("corrupt session note {what}"));
    Ok(NoteRecord {
        id: row.column(0)?,
        client_id: row.column::<String, _>(1)?.parse().map_err(|_| corrupt("client id"))?,
        assessment_id: row.column(2)?,
        note: serde_json::from_str(&row.column::<String, _>(3)?).map_err(json_err)?,
        status: match row.column::<String, _>(4)?.as_str() {
            "draft" => NoteStatus::Draft,
            "signed" => NoteStatus::Signed,
            _ => return Err(corrupt("status")),
        },
        amends: row.column(5)?,
        amendment_reason: row.column(6)?,
        amended_by: row.column(7)?,
        signed_by: row.column(8)?,
        signed_at: row.column::<Option<i64>, _>(9)?.map(from_ms),
        created_by: row.column(10)?,
        created_at: from_ms(row.column(11)?),
        version: row.column(12)?,
        referral_reason: row.column(13)?,
        checkins: Vec::new(),
    })
}

fn checkin_from_row(row: &impl ReadRow) -> Result<Checkin, StoreError> {
    let answer: Option<String> = row.column(5)?;
    Ok(Checkin {
        id: row.column(0)?,
        note_id: row.column(1)?,
        client_id: row
            .column::<String, _>(2)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt check-in client id".into()))?,
        due_hours: u16::try_from(row.column::<i64, _>(3)?).unwrap_or(0),
        due_at: from_ms(row.column(4)?),
        answer: answer.map(|a| serde_json::from_str(&a)).transpose().map_err(json_err)?,
        answered_at: row.column::<Option<i64>, _>(6)?.map(from_ms),
        reviewed_at: row.column::<Option<i64>, _>(7)?.map(from_ms),
    })
}

impl ClinicScope<'_> {
    /// A draft note, as a row a change claims.
    fn versioned_note<'q>(&'q self, id: &'q str, expected: Option<i64>) -> Versioned<'q> {
        Versioned {
            table: "session_notes",
            noun: "session note",
            id,
            clinic_id: &self.clinic_id,
            expected,
            from: &["draft"],
        }
    }

    async fn fetch_note(&self, tx: &mut Tx<'_>, id: &str) -> Result<NoteRecord, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {NOTE_COLUMNS} FROM {NOTE_FROM} WHERE n.id = $1 AND n.clinic_id = $2"
        ))
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("session note"))?;
        let mut note = note_from_row(&row)?;
        let rows = sqlx::query(&format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE note_id = $1 AND clinic_id = $2 ORDER BY due_hours"
        ))
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        note.checkins = rows.iter().map(checkin_from_row).collect::<Result<_, _>>()?;
        Ok(note)
    }

    async fn insert_note(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
        assessment: Option<&str>,
        note: &SessionNote,
        amends: Option<(&str, &str)>,
    ) -> Result<String, StoreError> {
        self.require_client(tx, client).await?;
        if let Some(assessment) = assessment {
            let owner: Option<String> =
                sqlx::query_scalar("SELECT client_id FROM assessments WHERE id = $1 AND clinic_id = $2")
                    .bind(assessment)
                    .bind(&self.clinic_id)
                    .fetch_optional(&mut *tx.tx)
                    .await?;
            if owner.as_deref() != Some(client.to_string().as_str()) {
                return Err(StoreError::NotFound("assessment"));
            }
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        let signed = amends.is_some();
        sqlx::query(
            "INSERT INTO session_notes (id, clinic_id, client_id, assessment_id, note, session_date, duration_minutes, discomfort_warnings, \
             status, amends, amendment_reason, signed_by, signed_at, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(client.to_string())
        .bind(assessment)
        .bind(serde_json::to_string(note).map_err(json_err)?)
        .bind(&note.date)
        .bind(i64::from(note.duration_minutes))
        .bind(i64::try_from(note.discomfort_warnings().len()).unwrap_or(i64::MAX))
        .bind(if signed { "signed" } else { "draft" })
        .bind(amends.map(|(original, _)| original))
        .bind(amends.map(|(_, reason)| reason))
        .bind(signed.then_some(self.actor_id.as_str()))
        .bind(signed.then_some(now))
        .bind(&self.actor_id)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        Ok(id)
    }

    /// A new draft note; the caller has validated it.
    pub async fn create_note(
        &self,
        client: ClientId,
        assessment: Option<&str>,
        note: &SessionNote,
    ) -> Result<NoteRecord, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        let id = self.insert_note(&mut tx, client, assessment, note, None).await?;
        self.audit(&mut tx, "note.create", "session_note", &id).await?;
        let created = self.fetch_note(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn get_note(&self, id: &str) -> Result<NoteRecord, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let note = self.fetch_note(&mut tx, id).await?;
        self.audit(&mut tx, "note.read", "session_note", id).await?;
        tx.commit().await?;
        Ok(note)
    }

    /// Edits a draft. A signed note is never edited, only amended.
    pub async fn update_note(
        &self,
        id: &str,
        expected_version: i64,
        note: &SessionNote,
    ) -> Result<NoteRecord, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.versioned_note(id, Some(expected_version))
            .claim_or_conflict(&mut tx.tx, |_| {
                "a signed note cannot be edited; amend it instead".into()
            })
            .await?;
        sqlx::query(
            "UPDATE session_notes SET note = $1, session_date = $2, duration_minutes = $3, discomfort_warnings = $4 \
             WHERE id = $5 AND clinic_id = $6",
        )
        .bind(serde_json::to_string(note).map_err(json_err)?)
        .bind(&note.date)
        .bind(i64::from(note.duration_minutes))
        .bind(i64::try_from(note.discomfort_warnings().len()).unwrap_or(i64::MAX))
        .bind(id)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "note.update", "session_note", id).await?;
        let updated = self.fetch_note(&mut tx, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Signs a draft and creates its 24- and 48-hour check-ins, each with a
    /// client link (returned once, to be sent). While the client's screening
    /// says to refer them first, signing needs `referral_reason`.
    pub async fn sign_note(
        &self,
        id: &str,
        expected_version: i64,
        referral_reason: Option<&str>,
    ) -> Result<(NoteRecord, Vec<(Checkin, IssuedLink)>), StoreError> {
        let (signed, links, _) = self
            .sign_note_and_notify(id, expected_version, referral_reason, |_, _| None)
            .await?;
        Ok((signed, links))
    }

    /// Signs like [`Self::sign_note`] and, in the same transaction, queues
    /// the message `compose` writes from the client and the new links, so a
    /// signed note never lacks its check-in message. Returns the message id.
    pub async fn sign_note_and_notify(
        &self,
        id: &str,
        expected_version: i64,
        referral_reason: Option<&str>,
        compose: impl FnOnce(&Recipient, &[(Checkin, IssuedLink)]) -> Option<OutboxDraft>,
    ) -> Result<(NoteRecord, Vec<(Checkin, IssuedLink)>, Option<String>), StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        match self
            .versioned_note(id, Some(expected_version))
            .claim(&mut tx.tx)
            .await?
        {
            Ok(()) => {}
            // Signing is idempotent: a second "Sign" (a double tap, a retry,
            // another instance) changes nothing and queues nothing.
            Err(Refusal::Status(status)) if status == "signed" => {
                let signed = self.fetch_note(&mut tx, id).await?;
                tx.commit().await?;
                return Ok((signed, Vec::new(), None));
            }
            Err(refusal) => return Err(self.versioned_note(id, None).refusal_error(refusal, |_| String::new())),
        }
        let current = self.fetch_note(&mut tx, id).await?;
        // Read in the signing transaction: a referral that arrives while the
        // therapist writes still asks for the reason.
        let screening = self.safety_screening_in(&mut tx, current.client_id).await?;
        let reason = over_referral_reason(screening.as_ref(), referral_reason)?;
        let now = now_ms();
        sqlx::query("UPDATE session_notes SET status = 'signed', signed_by = $1, signed_at = $2, updated_at = $2, referral_reason = $3 WHERE id = $4 AND clinic_id = $5")
            .bind(&self.actor_id)
            .bind(now)
            .bind(reason.as_deref())
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        let action = if reason.is_some() {
            "note.sign.over_referral"
        } else {
            "note.sign"
        };
        self.audit(&mut tx, action, "session_note", id).await?;
        let mut links = Vec::new();
        for hours in CHECKIN_HOURS {
            let checkin_id = uuid::Uuid::now_v7().to_string();
            let due_at = now + i64::from(hours) * HOUR_MS;
            sqlx::query(
                "INSERT INTO checkins (id, clinic_id, client_id, note_id, due_hours, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&checkin_id)
            .bind(&self.clinic_id)
            .bind(current.client_id.to_string())
            .bind(id)
            .bind(i64::from(hours))
            .bind(due_at)
            .bind(now)
            .execute(&mut *tx.tx)
            .await?;
            let ttl =
                Duration::from_millis(u64::try_from(i64::from(hours) * HOUR_MS).unwrap_or(0)) + CHECKIN_LINK_GRACE;
            let link = self
                .issue_link(&mut tx, current.client_id, LinkPurpose::Checkin, &checkin_id, ttl)
                .await?;
            links.push((checkin_id, link));
        }
        let signed = self.fetch_note(&mut tx, id).await?;
        let issued: Vec<(Checkin, IssuedLink)> = links
            .into_iter()
            .filter_map(|(checkin_id, link)| {
                signed
                    .checkins
                    .iter()
                    .find(|c| c.id == checkin_id)
                    .map(|c| (c.clone(), link))
            })
            .collect();
        let row = sqlx::query("SELECT given_name, email FROM clients WHERE id = $1 AND clinic_id = $2")
            .bind(current.client_id.to_string())
            .bind(&self.clinic_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let recipient = Recipient {
            given_name: row.try_get(0)?,
            email: row.try_get(1)?,
        };
        let message = match compose(&recipient, &issued) {
            Some(draft) => {
                let message = outbox::enqueue(&mut tx, &self.clinic_id, current.client_id, id, &draft).await?;
                self.audit(&mut tx, "outbox.queue.checkin", "outbox", &message).await?;
                Some(message)
            }
            None => None,
        };
        tx.commit().await?;
        Ok((signed, issued, message))
    }

    /// Corrects a signed note: the amendment is a new signed note that points
    /// at the original; both are kept.
    pub async fn amend_note(&self, id: &str, note: &SessionNote, reason: &str) -> Result<NoteRecord, StoreError> {
        self.require_clinical()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(StoreError::Invalid(myomap_domain::ValidationErrors::single(
                "reason",
                "say why the note is amended (1 to 1000 characters)",
            )));
        }
        let mut tx = self.store.write_tx().await?;
        // Claiming the original makes racing amendments take turns: the
        // second then sees the first and is refused below.
        Versioned {
            from: &["signed"],
            ..self.versioned_note(id, None)
        }
        .claim_or_conflict(&mut tx.tx, |_| "a draft is edited, not amended".into())
        .await?;
        let original = self.fetch_note(&mut tx, id).await?;
        if original.amended_by.is_some() {
            return Err(StoreError::Conflict(
                "this note was already amended; amend the latest version".into(),
            ));
        }
        let new_id = self
            .insert_note(
                &mut tx,
                original.client_id,
                original.assessment_id.as_deref(),
                note,
                Some((id, reason)),
            )
            .await?;
        self.audit(&mut tx, "note.amend", "session_note", &new_id).await?;
        let amended = self.fetch_note(&mut tx, &new_id).await?;
        tx.commit().await?;
        Ok(amended)
    }

    /// The client's notes, newest session first (one audited read of the list).
    pub async fn notes_for(&self, client: ClientId) -> Result<Vec<NoteRecord>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.notes_for_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn notes_for_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<Vec<NoteRecord>, StoreError> {
        self.require_client(tx, client).await?;
        let rows = tx.fetch_all(Query::new(&format!(
            "SELECT {NOTE_COLUMNS} FROM {NOTE_FROM} WHERE n.clinic_id = $1 AND n.client_id = $2 ORDER BY n.session_date DESC, n.created_at DESC"
        )).bind(&self.clinic_id).bind(client.to_string())).await?;
        let mut notes: Vec<NoteRecord> = rows.iter().map(note_from_row).collect::<Result<_, _>>()?;
        let checkins = tx
            .fetch_all(
                Query::new(&format!(
                    "SELECT {CHECKIN_COLUMNS} FROM checkins WHERE clinic_id = $1 AND client_id = $2 ORDER BY due_hours"
                ))
                .bind(&self.clinic_id)
                .bind(client.to_string()),
            )
            .await?;
        for row in &checkins {
            let checkin = checkin_from_row(row)?;
            if let Some(note) = notes.iter_mut().find(|n| n.id == checkin.note_id) {
                note.checkins.push(checkin);
            }
        }
        self.audit(tx, "note.list", "client", &client.to_string()).await?;
        Ok(notes)
    }

    /// The caller's session notes still in draft, oldest first: written but
    /// not signed, so no check-in has gone to the client.
    pub async fn my_draft_notes(&self) -> Result<Vec<crate::PendingItem>, StoreError> {
        self.require_clinical()?;
        let rows = sqlx::query(
            "SELECT n.id, c.id, c.given_name, c.family_name, n.created_at FROM session_notes n \
             JOIN clients c ON c.id = n.client_id AND c.clinic_id = n.clinic_id \
             WHERE n.clinic_id = $1 AND n.status = 'draft' AND n.created_by = $2 ORDER BY n.created_at, n.id LIMIT 100",
        )
        .bind(&self.clinic_id)
        .bind(&self.actor_id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(crate::intakes::pending_from_row).collect()
    }

    /// A fresh link for a check-in (the old one stops working).
    pub async fn reissue_checkin_link(&self, checkin_id: &str) -> Result<IssuedLink, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        let row = sqlx::query("SELECT client_id, answered_at FROM checkins WHERE id = $1 AND clinic_id = $2")
            .bind(checkin_id)
            .bind(&self.clinic_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound("check-in"))?;
        if row.try_get::<Option<i64>, _>(1)?.is_some() {
            return Err(StoreError::Conflict(
                "the client has already answered this check-in".into(),
            ));
        }
        let client: ClientId = row
            .try_get::<String, _>(0)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt check-in client id".into()))?;
        let link = self
            .issue_link(&mut tx, client, LinkPurpose::Checkin, checkin_id, CHECKIN_LINK_GRACE)
            .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// Check-ins of the last `days` that need attention and were not reviewed.
    pub async fn flagged_checkins(&self, days: i64) -> Result<Vec<FlaggedCheckin>, StoreError> {
        self.require_clinical()?;
        let now = jiff::Timestamp::now();
        let since = now.as_millisecond() - days * 24 * HOUR_MS;
        // The check-in columns in CHECKIN_COLUMNS order, then the client's name.
        let rows = sqlx::query(
            "SELECT k.id, k.note_id, k.client_id, k.due_hours, k.due_at, k.answer, k.answered_at, k.reviewed_at, \
             c.given_name, c.family_name FROM checkins k JOIN clients c ON c.id = k.client_id AND c.clinic_id = k.clinic_id \
             WHERE k.clinic_id = $1 AND k.due_at > $2 AND k.reviewed_at IS NULL ORDER BY k.due_at DESC",
        )
        .bind(&self.clinic_id)
        .bind(since)
        .fetch_all(&self.store.pool)
        .await?;
        let mut flagged = Vec::new();
        for row in &rows {
            let checkin = checkin_from_row(row)?;
            let flags = checkin.flags(now);
            if flags.is_empty() {
                continue;
            }
            let name = format!("{} {}", row.try_get::<String, _>(8)?, row.try_get::<String, _>(9)?);
            flagged.push(FlaggedCheckin {
                client_id: checkin.client_id,
                client_name: name,
                checkin,
                flags,
            });
        }
        Ok(flagged)
    }

    /// The therapist has seen a flagged check-in and acted on it.
    pub async fn review_checkin(&self, checkin_id: &str) -> Result<(), StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        let updated =
            sqlx::query("UPDATE checkins SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3 AND clinic_id = $4")
                .bind(&self.actor_id)
                .bind(now_ms())
                .bind(checkin_id)
                .bind(&self.clinic_id)
                .execute(&mut *tx.tx)
                .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NotFound("check-in"));
        }
        self.audit(&mut tx, "checkin.review", "checkin", checkin_id).await?;
        tx.commit().await
    }
}

impl Store {
    /// How many hours after the session a linked check-in asks about.
    pub async fn checkin_hours(&self, grant: &crate::LinkGrant) -> Result<u16, StoreError> {
        let hours: i64 = sqlx::query_scalar("SELECT due_hours FROM checkins WHERE id = $1")
            .bind(&grant.target_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("check-in"))?;
        Ok(u16::try_from(hours).unwrap_or(0))
    }

    /// The client's soreness answer through their check-in link; uses it up.
    pub async fn submit_checkin_via_link(&self, token: &str, answer: &CheckinAnswer) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let link = Store::consume_link(&mut tx, token, LinkPurpose::Checkin).await?;
        let now = now_ms();
        let updated = sqlx::query("UPDATE checkins SET answer = $1, answered_at = $2 WHERE id = $3 AND clinic_id = $4 AND answered_at IS NULL")
            .bind(serde_json::to_string(answer).map_err(json_err)?)
            .bind(now)
            .bind(&link.target_id)
            .bind(&link.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Gone("This check-in has already been answered.".into()));
        }
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &link.clinic_id,
                actor: &format!("client:{}", link.client_id),
                action: "checkin.answer",
                record_type: "checkin",
                record_id: &link.target_id,
            },
        )
        .await?;
        tx.commit().await
    }
}

/// The longest reason kept for signing over a referral.
pub const MAX_REFERRAL_REASON: usize = 1000;

/// A note is signed over a referral only with the therapist's reason; the
/// reason is kept only when there is a referral to sign over.
fn over_referral_reason(
    screening: Option<&crate::ScreeningResult>,
    given: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let referral = screening.is_some_and(|s| myomap_domain::screening_outcome::is_referral(&s.outcome));
    if !referral {
        return Ok(None);
    }
    let reason = given.map(str::trim).unwrap_or_default();
    let problem = if reason.is_empty() {
        Some(
            "the client's screening says to refer them to a physician first; give the reason for treating today"
                .to_owned(),
        )
    } else if reason.chars().count() > MAX_REFERRAL_REASON {
        Some(format!("must be at most {MAX_REFERRAL_REASON} characters"))
    } else {
        None
    };
    match problem {
        Some(message) => Err(StoreError::Invalid(myomap_domain::ValidationErrors::single(
            "referral_reason",
            message,
        ))),
        None => Ok(Some(reason.to_owned())),
    }
}
