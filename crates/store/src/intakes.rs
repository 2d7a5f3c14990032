//! Intake forms with their screening answers and verdict. The verdict is
//! computed by the screening rules before it reaches storage; storage keeps
//! what was decided and who signed it.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use myomap_domain::record::IntakeForm;
use serde_json::Value;
use sqlx::Row;

use crate::audit::{self, AuditEvent};
use crate::claim::Versioned;
use crate::links::{IssuedLink, LinkPurpose};
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeStatus {
    /// Sent to the client, not answered yet.
    Requested,
    /// Answered, waiting for the therapist's review and signature.
    Submitted,
    Signed,
}

impl IntakeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeStatus::Requested => "requested",
            IntakeStatus::Submitted => "submitted",
            IntakeStatus::Signed => "signed",
        }
    }
}

/// The screening result as computed by the rules: the outcome id
/// (`suitable`, `suitable_with_precautions`, `refer_first`) and the full verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningResult {
    pub answers: Value,
    pub outcome: String,
    pub verdict: Value,
}

/// Something waiting for the therapist about one client: an intake to
/// review, a draft note to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingItem {
    pub id: String,
    pub client_id: ClientId,
    pub client_name: String,
    /// Since when it waits.
    pub since: jiff::Timestamp,
}

pub(crate) fn pending_from_row(row: &sqlx::any::AnyRow) -> Result<PendingItem, StoreError> {
    Ok(PendingItem {
        id: row.try_get(0)?,
        client_id: row
            .try_get::<String, _>(1)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt client id".into()))?,
        client_name: format!("{} {}", row.try_get::<String, _>(2)?, row.try_get::<String, _>(3)?),
        since: crate::time::from_ms(row.try_get(4)?),
    })
}

/// An appointment of a client whose screening refers them first.
#[derive(Debug, Clone, PartialEq)]
pub struct BookedReferral {
    pub appointment_id: String,
    pub starts_at: jiff::Timestamp,
    pub client_id: ClientId,
    pub client_name: String,
    pub outcome: String,
    pub verdict: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub id: String,
    pub client_id: ClientId,
    pub status: IntakeStatus,
    pub form: IntakeForm,
    pub screening: Option<ScreeningResult>,
    pub submitted_via: Option<String>,
    pub submitted_at: Option<Timestamp>,
    pub signed_by: Option<String>,
    pub signed_at: Option<Timestamp>,
    pub version: i64,
}

const INTAKE_COLUMNS: &str = "i.id, i.client_id, i.status, i.form, i.screening, i.outcome, i.verdict, i.submitted_via, \
     i.submitted_at, COALESCE(u.email, i.signed_by), i.signed_at, i.version";

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

fn intake_from_row(row: &impl ReadRow) -> Result<Intake, StoreError> {
    let corrupt = |what: &str| StoreError::Internal(format!("corrupt intake {what}"));
    let status = match row.column::<String, _>(2)?.as_str() {
        "requested" => IntakeStatus::Requested,
        "submitted" => IntakeStatus::Submitted,
        "signed" => IntakeStatus::Signed,
        _ => return Err(corrupt("status")),
    };
    let outcome: Option<String> = row.column(5)?;
    let verdict: Option<String> = row.column(6)?;
    let screening = match (outcome, verdict) {
        (Some(outcome), Some(verdict)) => Some(ScreeningResult {
            answers: serde_json::from_str(&row.column::<String, _>(4)?).map_err(json_err)?,
            outcome,
            verdict: serde_json::from_str(&verdict).map_err(json_err)?,
        }),
        _ => None,
    };
    Ok(Intake {
        id: row.column(0)?,
        client_id: row.column::<String, _>(1)?.parse().map_err(|_| corrupt("client id"))?,
        status,
        form: serde_json::from_str(&row.column::<String, _>(3)?).map_err(json_err)?,
        screening,
        submitted_via: row.column(7)?,
        submitted_at: row.column::<Option<i64>, _>(8)?.map(from_ms),
        signed_by: row.column(9)?,
        signed_at: row.column::<Option<i64>, _>(10)?.map(from_ms),
        version: row.column(11)?,
    })
}

async fn fetch_intake(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    where_sql: &str,
    key: &str,
) -> Result<Option<Intake>, StoreError> {
    let sql = format!(
        "SELECT {INTAKE_COLUMNS} FROM intakes i LEFT JOIN users u ON u.id = i.signed_by \
         WHERE i.clinic_id = $1 AND {where_sql} ORDER BY i.created_at DESC, i.id DESC LIMIT 1"
    );
    let row = tx.fetch_optional(Query::new(&sql).bind(clinic_id).bind(key)).await?;
    row.as_ref().map(intake_from_row).transpose()
}

async fn write_answers(
    tx: &mut Tx<'_>,
    intake_id: &str,
    form: &IntakeForm,
    screening: &ScreeningResult,
    via: &str,
) -> Result<(), StoreError> {
    let now = now_ms();
    let result = sqlx::query(
        "UPDATE intakes SET status = 'submitted', form = $1, screening = $2, outcome = $3, verdict = $4, \
         submitted_via = $5, submitted_at = $6, updated_at = $6, version = version + 1 \
         WHERE id = $7 AND status IN ('requested', 'submitted')",
    )
    .bind(serde_json::to_string(form).map_err(json_err)?)
    .bind(screening.answers.to_string())
    .bind(&screening.outcome)
    .bind(screening.verdict.to_string())
    .bind(via)
    .bind(now)
    .bind(intake_id)
    .execute(&mut *tx.tx)
    .await?;
    // The status is checked in the statement: a review that signed the
    // intake a moment ago is never overwritten by late answers.
    if result.rows_affected() != 1 {
        return Err(StoreError::Conflict(
            "this intake was signed by the therapist meanwhile; the answers were not changed".into(),
        ));
    }
    Ok(())
}

impl ClinicScope<'_> {
    /// The client's newest intake, if any (an audited read).
    pub async fn latest_intake(&self, client: ClientId) -> Result<Option<Intake>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.latest_intake_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn latest_intake_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Option<Intake>, StoreError> {
        self.require_client(tx, client).await?;
        let intake = fetch_intake(tx, &self.clinic_id, "i.client_id = $2", &client.to_string()).await?;
        if let Some(intake) = &intake {
            self.audit(tx, "intake.read", "intake", &intake.id).await?;
        }
        Ok(intake)
    }

    /// The screening that governs treating the client now: that of the
    /// newest screened intake (a new intake still being filled in does not
    /// lift an earlier referral). `None` when the client was never screened.
    /// The front desk, who book, get the outcome and its urgency only: no
    /// answers, reasons or precautions.
    pub async fn safety_screening(&self, client: ClientId) -> Result<Option<ScreeningResult>, StoreError> {
        let mut tx = self.store.read_tx().await?;
        let result = self.safety_screening_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn safety_screening_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Option<ScreeningResult>, StoreError> {
        self.require_client(tx, client).await?;
        let screened = fetch_intake(
            tx,
            &self.clinic_id,
            "i.client_id = $2 AND i.outcome IS NOT NULL",
            &client.to_string(),
        )
        .await?;
        let Some(intake) = screened else {
            return Ok(None);
        };
        self.audit(tx, "intake.read", "intake", &intake.id).await?;
        let clinical = self.actor.role.reads_clinical_record();
        Ok(intake.screening.map(|s| if clinical { s } else { outcome_only(s) }))
    }

    /// Intakes the client has answered that no therapist has signed yet,
    /// oldest first.
    pub async fn intakes_awaiting_review(&self) -> Result<Vec<PendingItem>, StoreError> {
        self.require_clinical()?;
        let rows = sqlx::query(
            "SELECT i.id, c.id, c.given_name, c.family_name, i.submitted_at FROM intakes i \
             JOIN clients c ON c.id = i.client_id AND c.clinic_id = i.clinic_id \
             WHERE i.clinic_id = $1 AND i.status = 'submitted' ORDER BY i.submitted_at, i.id LIMIT 100",
        )
        .bind(&self.clinic_id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(pending_from_row).collect()
    }

    /// Booked appointments between `from` and `until` of clients whose
    /// screening (the newest screened intake) says to refer them first,
    /// soonest first: the therapist's warning before the day comes.
    pub async fn booked_referrals(
        &self,
        from: jiff::Timestamp,
        until: jiff::Timestamp,
    ) -> Result<Vec<BookedReferral>, StoreError> {
        self.require_clinical()?;
        let rows = sqlx::query(
            "SELECT a.id, a.starts_at, c.id, c.given_name, c.family_name, i.outcome, i.verdict \
             FROM appointments a JOIN clients c ON c.id = a.client_id AND c.clinic_id = a.clinic_id \
             JOIN intakes i ON i.id = (SELECT s.id FROM intakes s WHERE s.clinic_id = a.clinic_id \
                 AND s.client_id = a.client_id AND s.outcome IS NOT NULL \
                 ORDER BY s.created_at DESC, s.id DESC LIMIT 1) \
             WHERE a.clinic_id = $1 AND a.status = 'booked' AND a.starts_at >= $2 AND a.starts_at < $3 \
             ORDER BY a.starts_at, a.id",
        )
        .bind(&self.clinic_id)
        .bind(from.as_millisecond())
        .bind(until.as_millisecond())
        .fetch_all(&self.store.pool)
        .await?;
        let mut out = Vec::new();
        for row in &rows {
            let outcome: String = row.try_get(5)?;
            if !myomap_domain::screening_outcome::is_referral(&outcome) {
                continue;
            }
            let verdict: Option<String> = row.try_get(6)?;
            out.push(BookedReferral {
                appointment_id: row.try_get(0)?,
                starts_at: crate::time::from_ms(row.try_get(1)?),
                client_id: row
                    .try_get::<String, _>(2)?
                    .parse()
                    .map_err(|_| StoreError::Internal("corrupt client id".into()))?,
                client_name: format!("{} {}", row.try_get::<String, _>(3)?, row.try_get::<String, _>(4)?),
                outcome,
                verdict: verdict
                    .map(|v| serde_json::from_str(&v))
                    .transpose()
                    .map_err(json_err)?
                    .unwrap_or(Value::Null),
            });
        }
        Ok(out)
    }

    /// The newest unsigned intake of the client, or a new one.
    async fn open_intake(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<String, StoreError> {
        self.require_client(tx, client).await?;
        let latest = fetch_intake(tx, &self.clinic_id, "i.client_id = $2", &client.to_string()).await?;
        if let Some(intake) = latest.filter(|i| i.status != IntakeStatus::Signed) {
            return Ok(intake.id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO intakes (id, clinic_id, client_id, status, form, screening, created_at, updated_at, version) \
             VALUES ($1, $2, $3, 'requested', $4, '[]', $5, $5, 1)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(client.to_string())
        .bind(serde_json::to_string(&IntakeForm::default()).map_err(json_err)?)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(tx, "intake.create", "intake", &id).await?;
        Ok(id)
    }

    /// Each client's conditions from their newest answered intake, for the
    /// clinic dashboard (one audited read).
    pub async fn clinic_conditions(&self) -> Result<Vec<(ClientId, Vec<String>)>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let rows = sqlx::query(
            "SELECT client_id, form FROM intakes WHERE clinic_id = $1 AND status <> 'requested' ORDER BY client_id, created_at",
        )
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "intake.list", "clinic", &self.clinic_id.clone())
            .await?;
        tx.commit().await?;
        let mut latest: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
        for row in &rows {
            let form: IntakeForm = serde_json::from_str(&row.try_get::<String, _>(1)?).map_err(json_err)?;
            latest.insert(row.try_get(0)?, form.conditions);
        }
        latest
            .into_iter()
            .map(|(id, conditions)| {
                let id = id
                    .parse()
                    .map_err(|_| StoreError::Internal("corrupt intake client id".into()))?;
                Ok((id, conditions))
            })
            .collect()
    }

    /// Intake answers entered in the clinic (typed by staff with the client).
    pub async fn submit_intake(
        &self,
        client: ClientId,
        form: &IntakeForm,
        screening: &ScreeningResult,
    ) -> Result<Intake, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        let id = self.open_intake(&mut tx, client).await?;
        write_answers(&mut tx, &id, form, screening, "staff").await?;
        self.audit(&mut tx, "intake.submit", "intake", &id).await?;
        let intake = fetch_intake(&mut tx, &self.clinic_id, "i.id = $2", &id)
            .await?
            .ok_or(StoreError::NotFound("intake"))?;
        tx.commit().await?;
        Ok(intake)
    }

    /// A link the client can fill the intake through at home. Front desk may
    /// send it; only clinical staff read the answers.
    pub async fn request_intake_link(&self, client: ClientId, ttl: Duration) -> Result<IssuedLink, StoreError> {
        let mut tx = self.store.write_tx().await?;
        let id = self.open_intake(&mut tx, client).await?;
        let link = self.issue_link(&mut tx, client, LinkPurpose::Intake, &id, ttl).await?;
        tx.commit().await?;
        Ok(link)
    }

    /// The therapist's review: the verdict stands and the intake is final.
    pub async fn sign_intake(&self, intake_id: &str, expected_version: i64) -> Result<Intake, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        Versioned {
            table: "intakes",
            noun: "intake",
            id: intake_id,
            clinic_id: &self.clinic_id,
            expected: Some(expected_version),
            from: &["submitted"],
        }
        .claim_or_conflict(&mut tx.tx, |status| match status {
            "signed" => "the intake is already signed".into(),
            _ => "the intake has not been answered yet".into(),
        })
        .await?;
        let now = now_ms();
        sqlx::query("UPDATE intakes SET status = 'signed', signed_by = $1, signed_at = $2, updated_at = $2 WHERE id = $3 AND clinic_id = $4")
            .bind(&self.actor_id)
            .bind(now)
            .bind(intake_id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "intake.sign", "intake", intake_id).await?;
        let signed = fetch_intake(&mut tx, &self.clinic_id, "i.id = $2", intake_id)
            .await?
            .ok_or(StoreError::NotFound("intake"))?;
        tx.commit().await?;
        Ok(signed)
    }
}

impl Store {
    /// The client's own answers through their intake link; uses the link up.
    pub async fn submit_intake_via_link(
        &self,
        token: &str,
        form: &IntakeForm,
        screening: &ScreeningResult,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let link = Store::consume_link(&mut tx, token, LinkPurpose::Intake).await?;
        let intake = fetch_intake(&mut tx, &link.clinic_id, "i.id = $2", &link.target_id)
            .await?
            .ok_or(StoreError::NotFound("intake"))?;
        if intake.status == IntakeStatus::Signed {
            return Err(StoreError::Gone(
                "This intake has already been reviewed by your therapist.".into(),
            ));
        }
        write_answers(&mut tx, &link.target_id, form, screening, "client_link").await?;
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &link.clinic_id,
                actor: &format!("client:{}", link.client_id),
                action: "intake.submit",
                record_type: "intake",
                record_id: &link.target_id,
            },
        )
        .await?;
        tx.commit().await
    }
}

/// A screening without its clinical content: the outcome and how urgent a
/// referral is, which is what booking needs.
fn outcome_only(screening: ScreeningResult) -> ScreeningResult {
    let mut verdict = serde_json::Map::new();
    for key in ["urgency", "urgent"] {
        if let Some(value) = screening.verdict.get(key) {
            verdict.insert(key.to_owned(), value.clone());
        }
    }
    ScreeningResult {
        answers: Value::Array(Vec::new()),
        outcome: screening.outcome,
        verdict: Value::Object(verdict),
    }
}
