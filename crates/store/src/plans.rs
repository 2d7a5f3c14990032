//! Treatment plans. The plan's content is validated by the plans crate
//! before it reaches storage; storage keeps it with its start day, status
//! and version.

use jiff::Timestamp;
use myomap_domain::ClientId;
use serde_json::Value;

use crate::claim::Versioned;
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    Active,
    Closed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    pub id: String,
    pub client_id: ClientId,
    pub plan: Value,
    /// YYYY-MM-DD: sessions on or after this day count toward the plan.
    pub starts_on: String,
    pub status: PlanStatus,
    pub created_by: String,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub version: i64,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

const COLUMNS: &str = "p.id, p.client_id, p.plan, p.starts_on, p.status, COALESCE(u.email, p.created_by), p.created_at, p.closed_at, p.version";

fn from_row(row: &impl ReadRow) -> Result<StoredPlan, StoreError> {
    Ok(StoredPlan {
        id: row.column(0)?,
        client_id: row
            .column::<String, _>(1)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt plan client id".into()))?,
        plan: serde_json::from_str(&row.column::<String, _>(2)?).map_err(json_err)?,
        starts_on: row.column(3)?,
        status: if row.column::<String, _>(4)? == "closed" {
            PlanStatus::Closed
        } else {
            PlanStatus::Active
        },
        created_by: row.column(5)?,
        created_at: from_ms(row.column(6)?),
        closed_at: row.column::<Option<i64>, _>(7)?.map(from_ms),
        version: row.column(8)?,
    })
}

impl ClinicScope<'_> {
    async fn fetch_plan(&self, tx: &mut Tx<'_>, id: &str) -> Result<StoredPlan, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM treatment_plans p LEFT JOIN users u ON u.id = p.created_by WHERE p.id = $1 AND p.clinic_id = $2"
        ))
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("treatment plan"))?;
        from_row(&row)
    }

    pub async fn create_plan(&self, client: ClientId, plan: &Value, starts_on: &str) -> Result<StoredPlan, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO treatment_plans (id, clinic_id, client_id, plan, starts_on, status, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7, 1)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(client.to_string())
        .bind(plan.to_string())
        .bind(starts_on)
        .bind(&self.actor_id)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "plan.create", "treatment_plan", &id).await?;
        let created = self.fetch_plan(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn get_plan(&self, id: &str) -> Result<StoredPlan, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let plan = self.fetch_plan(&mut tx, id).await?;
        self.audit(&mut tx, "plan.read", "treatment_plan", id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// An active plan, as a row a change claims.
    fn versioned_plan<'q>(&'q self, id: &'q str, expected: Option<i64>) -> Versioned<'q> {
        Versioned {
            table: "treatment_plans",
            noun: "plan",
            id,
            clinic_id: &self.clinic_id,
            expected,
            from: &["active"],
        }
    }

    pub async fn update_plan(&self, id: &str, expected_version: i64, plan: &Value) -> Result<StoredPlan, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.versioned_plan(id, Some(expected_version))
            .claim_or_conflict(&mut tx.tx, |_| "this plan is closed; start a new one".into())
            .await?;
        sqlx::query("UPDATE treatment_plans SET plan = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(plan.to_string())
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "plan.update", "treatment_plan", id).await?;
        let updated = self.fetch_plan(&mut tx, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn close_plan(&self, id: &str) -> Result<StoredPlan, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.versioned_plan(id, None)
            .claim_or_conflict(&mut tx.tx, |_| "this plan is already closed".into())
            .await?;
        sqlx::query("UPDATE treatment_plans SET status = 'closed', closed_at = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(now_ms())
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "plan.close", "treatment_plan", id).await?;
        let closed = self.fetch_plan(&mut tx, id).await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// The client's plans, newest first (one audited read).
    pub async fn plans_for(&self, client: ClientId) -> Result<Vec<StoredPlan>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.plans_for_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn plans_for_in(&self, tx: &mut Tx<'_>, client: ClientId) -> Result<Vec<StoredPlan>, StoreError> {
        self.require_client(tx, client).await?;
        let rows = tx
            .fetch_all(
                Query::new(&format!(
                    "SELECT {COLUMNS} FROM treatment_plans p LEFT JOIN users u ON u.id = p.created_by \
             WHERE p.clinic_id = $1 AND p.client_id = $2 ORDER BY p.created_at DESC, p.id DESC"
                ))
                .bind(&self.clinic_id)
                .bind(client.to_string()),
            )
            .await?;
        self.audit(tx, "plan.list", "client", &client.to_string()).await?;
        rows.iter().map(from_row).collect()
    }
}
