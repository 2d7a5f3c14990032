//! Outcome questionnaires as answered and scored. Scoring happens in the
//! pure scoring crate before storage; storage keeps the input, the result
//! and the main score for progress over time.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use serde_json::Value;

use crate::audit::{self, AuditEvent};
use crate::links::{IssuedLink, LinkPurpose};
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub id: String,
    pub client_id: ClientId,
    pub instrument: String,
    /// The day it was answered, YYYY-MM-DD.
    pub taken_on: String,
    /// `clinic`, `paper` or `client_link`.
    pub source: String,
    pub input: Value,
    pub result: Value,
    /// The main score as exact decimal text; `None` when not scorable.
    pub score: Option<String>,
    pub entered_by: String,
    pub created_at: Timestamp,
}

/// A questionnaire answer ready to store: what was answered and how it scored.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredAnswers {
    pub instrument: String,
    pub taken_on: String,
    pub input: Value,
    pub result: Value,
    pub score: Option<String>,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

const COLUMNS: &str = "q.id, q.client_id, q.instrument, q.taken_on, q.source, q.input, q.result, q.score, \
     COALESCE(u.email, q.entered_by), q.created_at";

fn from_row(row: &impl ReadRow) -> Result<Questionnaire, StoreError> {
    Ok(Questionnaire {
        id: row.column(0)?,
        client_id: row
            .column::<String, _>(1)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt questionnaire client id".into()))?,
        instrument: row.column(2)?,
        taken_on: row.column(3)?,
        source: row.column(4)?,
        input: serde_json::from_str(&row.column::<String, _>(5)?).map_err(json_err)?,
        result: serde_json::from_str(&row.column::<String, _>(6)?).map_err(json_err)?,
        score: row.column(7)?,
        entered_by: row.column(8)?,
        created_at: from_ms(row.column(9)?),
    })
}

async fn insert(
    tx: &mut Tx<'_>,
    clinic_id: &str,
    client_id: &str,
    answers: &ScoredAnswers,
    source: &str,
    entered_by: &str,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO questionnaires (id, clinic_id, client_id, instrument, taken_on, source, input, result, score, entered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(clinic_id)
    .bind(client_id)
    .bind(&answers.instrument)
    .bind(&answers.taken_on)
    .bind(source)
    .bind(answers.input.to_string())
    .bind(answers.result.to_string())
    .bind(answers.score.as_deref())
    .bind(entered_by)
    .bind(now_ms())
    .execute(&mut *tx.tx)
    .await?;
    Ok(id)
}

impl ClinicScope<'_> {
    /// Stores answers entered in the clinic or typed from paper.
    pub async fn record_questionnaire(
        &self,
        client: ClientId,
        answers: &ScoredAnswers,
        source: &str,
    ) -> Result<Questionnaire, StoreError> {
        self.require_clinical()?;
        if !matches!(source, "clinic" | "paper") {
            return Err(StoreError::Invalid(myomap_domain::ValidationErrors::single(
                "source",
                "must be clinic or paper",
            )));
        }
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let id = insert(
            &mut tx,
            &self.clinic_id,
            &client.to_string(),
            answers,
            source,
            &self.actor_id,
        )
        .await?;
        self.audit(&mut tx, "questionnaire.create", "questionnaire", &id)
            .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM questionnaires q LEFT JOIN users u ON u.id = q.entered_by WHERE q.id = $1"
        ))
        .bind(&id)
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit().await?;
        from_row(&row)
    }

    /// The client's questionnaires, oldest first (one audited read).
    pub async fn questionnaires_for(&self, client: ClientId) -> Result<Vec<Questionnaire>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.questionnaires_for_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn questionnaires_for_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Vec<Questionnaire>, StoreError> {
        self.require_client(tx, client).await?;
        let rows = tx
            .fetch_all(
                Query::new(&format!(
                    "SELECT {COLUMNS} FROM questionnaires q LEFT JOIN users u ON u.id = q.entered_by \
             WHERE q.clinic_id = $1 AND q.client_id = $2 ORDER BY q.taken_on, q.created_at"
                ))
                .bind(&self.clinic_id)
                .bind(client.to_string()),
            )
            .await?;
        self.audit(tx, "questionnaire.list", "client", &client.to_string())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Every questionnaire of the clinic, for the clinic dashboard's
    /// improvement shares (one audited read).
    pub async fn clinic_questionnaires(&self) -> Result<Vec<Questionnaire>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM questionnaires q LEFT JOIN users u ON u.id = q.entered_by \
             WHERE q.clinic_id = $1 ORDER BY q.client_id, q.taken_on, q.created_at"
        ))
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "questionnaire.list", "clinic", &self.clinic_id.clone())
            .await?;
        tx.commit().await?;
        rows.iter().map(from_row).collect()
    }

    /// A link the client answers one questionnaire through.
    pub async fn request_questionnaire_link(
        &self,
        client: ClientId,
        instrument: &str,
        ttl: Duration,
    ) -> Result<IssuedLink, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let link = self
            .issue_link(
                &mut tx,
                client,
                LinkPurpose::Questionnaire,
                &format!("{client}:{instrument}"),
                ttl,
            )
            .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// The official wording the clinic loaded for an instrument, if any.
    pub async fn wording(&self, instrument: &str) -> Result<Option<Value>, StoreError> {
        Store::wording_of(self.store, &self.clinic_id, instrument).await
    }

    /// Clients with a signed session in the last `days`, and signed sessions since `since` (YYYY-MM-DD).
    pub async fn activity(&self, days: i64, since: &str) -> Result<(i64, i64), StoreError> {
        self.require_clinical()?;
        let from = now_ms() - days * 24 * 60 * 60 * 1000;
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT client_id) FROM session_notes WHERE clinic_id = $1 AND status = 'signed' AND signed_at > $2",
        )
        .bind(&self.clinic_id)
        .bind(from)
        .fetch_one(&self.store.pool)
        .await?;
        let sessions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM session_notes WHERE clinic_id = $1 AND status = 'signed' AND amends IS NULL AND session_date >= $2",
        )
        .bind(&self.clinic_id)
        .bind(since)
        .fetch_one(&self.store.pool)
        .await?;
        Ok((active, sessions))
    }
}

impl Store {
    async fn wording_of(store: &Store, clinic_id: &str, instrument: &str) -> Result<Option<Value>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT wording FROM instrument_wording WHERE clinic_id = $1 AND instrument = $2")
                .bind(clinic_id)
                .bind(instrument)
                .fetch_optional(&store.pool)
                .await?;
        text.map(|t| serde_json::from_str(&t)).transpose().map_err(json_err)
    }

    /// Loads licensed wording for a clinic (the command line; the operator
    /// holds the licence). Replaces earlier wording of the instrument.
    /// Without a clinic name: the installation's only clinic.
    pub async fn load_wording(
        &self,
        clinic_name: Option<&str>,
        instrument: &str,
        wording: &Value,
        performed_by: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let clinic: String = match clinic_name {
            Some(name) => sqlx::query_scalar("SELECT id FROM clinics WHERE name = $1")
                .bind(name.trim())
                .fetch_optional(&mut *tx.tx)
                .await?
                .ok_or(StoreError::NotFound("clinic"))?,
            None => {
                let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM clinics ORDER BY name LIMIT 2")
                    .fetch_all(&mut *tx.tx)
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
        sqlx::query("DELETE FROM instrument_wording WHERE clinic_id = $1 AND instrument = $2")
            .bind(&clinic)
            .bind(instrument)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query(
            "INSERT INTO instrument_wording (clinic_id, instrument, wording, loaded_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&clinic)
        .bind(instrument)
        .bind(wording.to_string())
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &clinic,
                actor: performed_by,
                action: "wording.load",
                record_type: "instrument",
                record_id: instrument,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The client's answers through a questionnaire link; uses it up.
    pub async fn submit_questionnaire_via_link(&self, token: &str, answers: &ScoredAnswers) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let link = Store::consume_link(&mut tx, token, LinkPurpose::Questionnaire).await?;
        if link.target_id != format!("{}:{}", link.client_id, answers.instrument) {
            return Err(StoreError::NotFound("link"));
        }
        let id = insert(
            &mut tx,
            &link.clinic_id,
            &link.client_id,
            answers,
            "client_link",
            &format!("client:{}", link.client_id),
        )
        .await?;
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &link.clinic_id,
                actor: &format!("client:{}", link.client_id),
                action: "questionnaire.answer",
                record_type: "questionnaire",
                record_id: &id,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The instrument a questionnaire link asks for, and the clinic's wording of it.
    pub async fn link_questionnaire(&self, grant: &crate::LinkGrant) -> Result<(String, Option<Value>), StoreError> {
        let instrument = grant
            .target_id
            .split_once(':')
            .map(|(_, i)| i.to_owned())
            .ok_or(StoreError::NotFound("link"))?;
        let clinic: String = sqlx::query_scalar("SELECT clinic_id FROM client_links WHERE target_id = $1 LIMIT 1")
            .bind(&grant.target_id)
            .fetch_one(&self.pool)
            .await?;
        let wording = Store::wording_of(self, &clinic, &instrument).await?;
        Ok((instrument, wording))
    }
}
