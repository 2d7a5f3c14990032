//! What the anonymised outcome export is computed from, read in one
//! snapshot and audited as one entry (`outcomes.export`).
//!
//! This module hands out identifying facts (client ids, dates of birth,
//! dates); the clinic crate's export turns them into anonymous rows and
//! nothing here leaves the process as it is.

use std::collections::BTreeMap;

use jiff::civil::Date;
use myomap_domain::ClientId;
use myomap_domain::record::IntakeForm;
use sqlx::Row;

use crate::{ClinicScope, StoreError};

/// One client as the export needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOutcomeFacts {
    pub date_of_birth: Date,
    /// The conditions of the newest answered intake, in the intake's order
    /// (empty without one).
    pub conditions: Vec<String>,
    /// The session dates of the client's signed notes (amendments not
    /// counted again), oldest first.
    pub signed_sessions: Vec<Date>,
}

/// One scored questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreFact {
    pub client_id: ClientId,
    pub instrument: String,
    pub taken_on: Date,
    /// The main score as exact decimal text.
    pub score: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeFacts {
    pub clients: BTreeMap<ClientId, ClientOutcomeFacts>,
    /// Scored questionnaires, by client, then date.
    pub scores: Vec<ScoreFact>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Internal(format!("corrupt {what} in the database"))
}

fn date(text: &str, what: &str) -> Result<Date, StoreError> {
    text.parse().map_err(|_| corrupt(what))
}

fn client_id(text: &str) -> Result<ClientId, StoreError> {
    text.parse().map_err(|_| corrupt("client id"))
}

impl ClinicScope<'_> {
    /// Every client with a scored questionnaire, their newest intake's
    /// conditions and signed sessions, and the scores: one snapshot, one
    /// audit entry for the whole export. Clinical roles only.
    pub async fn outcome_facts(&self) -> Result<OutcomeFacts, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let score_rows = sqlx::query(
            "SELECT client_id, instrument, taken_on, score FROM questionnaires \
             WHERE clinic_id = $1 AND score IS NOT NULL ORDER BY client_id, taken_on, created_at",
        )
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        let client_rows = sqlx::query(
            "SELECT id, date_of_birth FROM clients c WHERE clinic_id = $1 \
             AND EXISTS (SELECT 1 FROM questionnaires q WHERE q.client_id = c.id AND q.score IS NOT NULL)",
        )
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        let intake_rows = sqlx::query(
            "SELECT client_id, form FROM intakes WHERE clinic_id = $1 AND status <> 'requested' \
             ORDER BY client_id, created_at",
        )
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        let note_rows = sqlx::query(
            "SELECT client_id, session_date FROM session_notes \
             WHERE clinic_id = $1 AND status = 'signed' AND amends IS NULL ORDER BY client_id, session_date",
        )
        .bind(&self.clinic_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "outcomes.export", "clinic", &self.clinic_id.clone())
            .await?;
        tx.commit().await?;

        let mut facts = OutcomeFacts::default();
        for row in &client_rows {
            facts.clients.insert(
                client_id(&row.try_get::<String, _>(0)?)?,
                ClientOutcomeFacts {
                    date_of_birth: date(&row.try_get::<String, _>(1)?, "client date of birth")?,
                    conditions: Vec::new(),
                    signed_sessions: Vec::new(),
                },
            );
        }
        // Ordered by creation: the last intake seen is the newest.
        for row in &intake_rows {
            let id = client_id(&row.try_get::<String, _>(0)?)?;
            if let Some(client) = facts.clients.get_mut(&id) {
                let form: IntakeForm =
                    serde_json::from_str(&row.try_get::<String, _>(1)?).map_err(|_| corrupt("intake form"))?;
                client.conditions = form.conditions;
            }
        }
        for row in &note_rows {
            let id = client_id(&row.try_get::<String, _>(0)?)?;
            if let Some(client) = facts.clients.get_mut(&id) {
                client
                    .signed_sessions
                    .push(date(&row.try_get::<String, _>(1)?, "session date")?);
            }
        }
        for row in &score_rows {
            facts.scores.push(ScoreFact {
                client_id: client_id(&row.try_get::<String, _>(0)?)?,
                instrument: row.try_get(1)?,
                taken_on: date(&row.try_get::<String, _>(2)?, "questionnaire date")?,
                score: row.try_get(3)?,
            });
        }
        Ok(facts)
    }
}
