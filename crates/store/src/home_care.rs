//! Home-care handouts and the client's daily ticks. The handout's content is
//! built by the plans crate; storage keeps it, issues the client's link (which
//! stays usable until it expires: the client comes back every day) and the
//! ticks the client records through it.

use std::time::Duration;

use jiff::Timestamp;
use myomap_domain::ClientId;
use serde_json::Value;
use sqlx::Row;

use crate::audit::{self, AuditEvent};
use crate::links::{IssuedLink, LinkPurpose};
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, LinkGrant, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct HomeCare {
    pub id: String,
    pub client_id: ClientId,
    pub content: Value,
    pub created_by: String,
    pub created_at: Timestamp,
    /// (day YYYY-MM-DD, item id) the client ticked, oldest day first.
    pub ticks: Vec<(String, String)>,
}

/// Most items a client can tick in one day (guards the link endpoint).
pub const MAX_TICKS_PER_DAY: usize = 50;

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

async fn fetch(tx: &mut Tx<'_>, clinic_id: &str, id: &str) -> Result<HomeCare, StoreError> {
    let row = sqlx::query(
        "SELECT h.id, h.client_id, h.content, COALESCE(u.email, h.created_by), h.created_at \
         FROM home_care h LEFT JOIN users u ON u.id = h.created_by WHERE h.id = $1 AND h.clinic_id = $2",
    )
    .bind(id)
    .bind(clinic_id)
    .fetch_optional(&mut *tx.tx)
    .await?
    .ok_or(StoreError::NotFound("home-care handout"))?;
    let ticks = sqlx::query(
        "SELECT day, item FROM home_care_ticks WHERE home_care_id = $1 AND clinic_id = $2 ORDER BY day, item",
    )
    .bind(id)
    .bind(clinic_id)
    .fetch_all(&mut *tx.tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    handout_from_row(&row, ticks)
}

fn handout_from_row(row: &impl ReadRow, ticks: Vec<(String, String)>) -> Result<HomeCare, StoreError> {
    Ok(HomeCare {
        id: row.column(0)?,
        client_id: row
            .column::<String, _>(1)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt handout client id".into()))?,
        content: serde_json::from_str(&row.column::<String, _>(2)?).map_err(json_err)?,
        created_by: row.column(3)?,
        created_at: from_ms(row.column(4)?),
        ticks,
    })
}

impl ClinicScope<'_> {
    pub async fn create_home_care(&self, client: ClientId, content: &Value) -> Result<HomeCare, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query("INSERT INTO home_care (id, clinic_id, client_id, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(&self.clinic_id)
            .bind(client.to_string())
            .bind(content.to_string())
            .bind(&self.actor_id)
            .bind(now_ms())
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "homecare.create", "home_care", &id).await?;
        let created = fetch(&mut tx, &self.clinic_id, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn get_home_care(&self, id: &str) -> Result<HomeCare, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let found = fetch(&mut tx, &self.clinic_id, id).await?;
        self.audit(&mut tx, "homecare.read", "home_care", id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// The client's handouts, newest first, with their ticks.
    pub async fn home_care_for(&self, client: ClientId) -> Result<Vec<HomeCare>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.home_care_for_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn home_care_for_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Vec<HomeCare>, StoreError> {
        self.require_client(tx, client).await?;
        // Two queries whatever the number of handouts: the handouts, then
        // all their ticks.
        let rows = tx
            .fetch_all(
                Query::new(
                    "SELECT h.id, h.client_id, h.content, COALESCE(u.email, h.created_by), h.created_at \
             FROM home_care h LEFT JOIN users u ON u.id = h.created_by \
             WHERE h.clinic_id = $1 AND h.client_id = $2 ORDER BY h.created_at DESC, h.id DESC",
                )
                .bind(&self.clinic_id)
                .bind(client.to_string()),
            )
            .await?;
        let mut out = rows
            .iter()
            .map(|row| handout_from_row(row, Vec::new()))
            .collect::<Result<Vec<_>, _>>()?;
        if !out.is_empty() {
            let ticks = tx.fetch_all(Query::new("SELECT t.home_care_id, t.day, t.item FROM home_care_ticks t JOIN home_care h ON h.id = t.home_care_id \
                 WHERE h.clinic_id = $1 AND h.client_id = $2 AND t.clinic_id = $1 ORDER BY t.day, t.item",).bind(&self.clinic_id).bind(client.to_string())).await?;
            for tick in &ticks {
                let handout: String = tick.column(0)?;
                if let Some(found) = out.iter_mut().find(|h| h.id == handout) {
                    found.ticks.push((tick.column(1)?, tick.column(2)?));
                }
            }
        }
        self.audit(tx, "homecare.list", "client", &client.to_string()).await?;
        Ok(out)
    }

    /// A link the client opens on their phone to read the handout and tick off
    /// what they did, until it expires.
    pub async fn home_care_link(&self, id: &str, ttl: Duration) -> Result<IssuedLink, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        let handout = fetch(&mut tx, &self.clinic_id, id).await?;
        let link = self
            .issue_link(&mut tx, handout.client_id, LinkPurpose::HomeCare, id, ttl)
            .await?;
        tx.commit().await?;
        Ok(link)
    }
}

impl Store {
    /// The grant and the handout's clinic behind a home-care link.
    async fn home_care_target(&self, token: &str) -> Result<(LinkGrant, String), StoreError> {
        let grant = self.open_link(token).await?;
        if grant.purpose != LinkPurpose::HomeCare {
            return Err(StoreError::NotFound("link"));
        }
        let clinic: String = sqlx::query_scalar("SELECT clinic_id FROM home_care WHERE id = $1")
            .bind(&grant.target_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("link"))?;
        Ok((grant, clinic))
    }

    /// The handout behind a home-care link (the link stays usable).
    pub async fn home_care_by_link(&self, token: &str) -> Result<(LinkGrant, HomeCare), StoreError> {
        let (grant, clinic) = self.home_care_target(token).await?;
        let mut tx = self.read_tx().await?;
        let handout = fetch(&mut tx, &clinic, &grant.target_id).await?;
        tx.commit().await?;
        Ok((grant, handout))
    }

    /// Replaces the client's ticks of one day (they tick and untick freely).
    pub async fn tick_home_care_via_link(&self, token: &str, day: &str, items: &[String]) -> Result<(), StoreError> {
        let (grant, clinic) = self.home_care_target(token).await?;
        let handout = &grant.target_id;
        let mut tx = self.write_tx().await?;
        let client: String = sqlx::query_scalar("SELECT client_id FROM home_care WHERE id = $1 AND clinic_id = $2")
            .bind(handout)
            .bind(&clinic)
            .fetch_one(&mut *tx.tx)
            .await?;
        sqlx::query("DELETE FROM home_care_ticks WHERE home_care_id = $1 AND day = $2")
            .bind(handout)
            .bind(day)
            .execute(&mut *tx.tx)
            .await?;
        let now = now_ms();
        for item in items {
            sqlx::query("INSERT INTO home_care_ticks (home_care_id, clinic_id, day, item, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(handout)
                .bind(&clinic)
                .bind(day)
                .bind(item)
                .bind(now)
                .execute(&mut *tx.tx)
                .await?;
        }
        audit::append(
            &mut tx,
            AuditEvent {
                clinic_id: &clinic,
                actor: &format!("client:{client}"),
                action: "homecare.tick",
                record_type: "home_care",
                record_id: handout,
            },
        )
        .await?;
        tx.commit().await
    }
}
