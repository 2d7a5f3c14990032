//! Assessments (posture, tone, pain map, trigger-point findings) and their
//! posture photos.

use jiff::Timestamp;
use myomap_domain::ClientId;
use myomap_domain::record::AssessmentRecord;
use serde_json::Value;
use sqlx::Row;

use crate::claim::Versioned;
use crate::row::{Query, ReadRow};
use crate::time::{from_ms, now_ms};
use crate::tx::Tx;
use crate::{ClinicScope, StoreError};

/// Largest posture photo accepted (a phone photo, downscaled by the browser or not).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub id: String,
    pub client_id: ClientId,
    pub record: AssessmentRecord,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhotoMeta {
    pub id: String,
    pub assessment_id: String,
    pub view: String,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    /// `{"landmark_id": [x, y], ...}` in image pixels.
    pub landmarks: Value,
    pub created_at: Timestamp,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON does not parse: {e}"))
}

const ASSESSMENT_COLUMNS: &str =
    "a.id, a.client_id, a.record, COALESCE(u.email, a.created_by), a.created_at, a.updated_at, a.version";
const PHOTO_COLUMNS: &str = "id, assessment_id, view, content_type, width, height, landmarks, created_at";

fn assessment_from_row(row: &impl ReadRow) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        id: row.column(0)?,
        client_id: row
            .column::<String, _>(1)?
            .parse()
            .map_err(|_| StoreError::Internal("corrupt assessment client id".into()))?,
        record: serde_json::from_str(&row.column::<String, _>(2)?).map_err(json_err)?,
        created_by: row.column(3)?,
        created_at: from_ms(row.column(4)?),
        updated_at: from_ms(row.column(5)?),
        version: row.column(6)?,
    })
}

fn photo_from_row(row: &sqlx::any::AnyRow) -> Result<PhotoMeta, StoreError> {
    Ok(PhotoMeta {
        id: row.try_get(0)?,
        assessment_id: row.try_get(1)?,
        view: row.try_get(2)?,
        content_type: row.try_get(3)?,
        width: row.try_get(4)?,
        height: row.try_get(5)?,
        landmarks: serde_json::from_str(&row.try_get::<String, _>(6)?).map_err(json_err)?,
        created_at: from_ms(row.try_get(7)?),
    })
}

impl ClinicScope<'_> {
    async fn fetch_assessment(&self, tx: &mut Tx<'_>, id: &str) -> Result<Assessment, StoreError> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments a LEFT JOIN users u ON u.id = a.created_by \
             WHERE a.id = $1 AND a.clinic_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(&self.clinic_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound("assessment"))?;
        assessment_from_row(&row)
    }

    /// Starts an assessment; the caller has validated the record.
    pub async fn create_assessment(
        &self,
        client: ClientId,
        record: &AssessmentRecord,
    ) -> Result<Assessment, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.require_client(&mut tx, client).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO assessments (id, clinic_id, client_id, record, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(client.to_string())
        .bind(serde_json::to_string(record).map_err(json_err)?)
        .bind(&self.actor_id)
        .bind(now)
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "assessment.create", "assessment", &id).await?;
        let created = self.fetch_assessment(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn get_assessment(&self, id: &str) -> Result<Assessment, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let assessment = self.fetch_assessment(&mut tx, id).await?;
        self.audit(&mut tx, "assessment.read", "assessment", id).await?;
        tx.commit().await?;
        Ok(assessment)
    }

    pub async fn update_assessment(
        &self,
        id: &str,
        expected_version: i64,
        record: &AssessmentRecord,
    ) -> Result<Assessment, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.versioned_assessment(id, expected_version)
            .claim_or_conflict(&mut tx.tx, |_| String::new())
            .await?;
        sqlx::query("UPDATE assessments SET record = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(serde_json::to_string(record).map_err(json_err)?)
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "assessment.update", "assessment", id).await?;
        let updated = self.fetch_assessment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    fn versioned_assessment<'a>(&'a self, id: &'a str, expected_version: i64) -> Versioned<'a> {
        Versioned {
            table: "assessments",
            noun: "assessment",
            id,
            clinic_id: &self.clinic_id,
            expected: Some(expected_version),
            from: &[],
        }
    }

    /// Deletes an assessment opened by mistake: only while nothing is
    /// recorded in it, no photo is attached and no note links to it.
    /// Returns the client it belonged to.
    pub async fn delete_empty_assessment(&self, id: &str, expected_version: i64) -> Result<ClientId, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.versioned_assessment(id, expected_version)
            .claim_or_conflict(&mut tx.tx, |_| String::new())
            .await?;
        let assessment = self.fetch_assessment(&mut tx, id).await?;
        let attached: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM posture_photos WHERE assessment_id = $1 AND clinic_id = $2) \
             + (SELECT COUNT(*) FROM session_notes WHERE assessment_id = $1 AND clinic_id = $2)",
        )
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_one(&mut *tx.tx)
        .await?;
        if !assessment.record.is_empty() || attached > 0 {
            return Err(StoreError::Conflict(
                "this assessment has findings, photos or notes linked to it; only an empty one can be deleted".into(),
            ));
        }
        sqlx::query("DELETE FROM assessments WHERE id = $1 AND clinic_id = $2")
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "assessment.delete", "assessment", id).await?;
        tx.commit().await?;
        Ok(assessment.client_id)
    }

    /// The client's assessments, newest first (one audited read of the list).
    pub async fn assessments_for(&self, client: ClientId) -> Result<Vec<Assessment>, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let result = self.assessments_for_in(&mut tx, client).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) async fn assessments_for_in(
        &self,
        tx: &mut Tx<'_>,
        client: ClientId,
    ) -> Result<Vec<Assessment>, StoreError> {
        self.require_client(tx, client).await?;
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments a LEFT JOIN users u ON u.id = a.created_by \
             WHERE a.clinic_id = $1 AND a.client_id = $2 ORDER BY a.created_at DESC, a.id DESC"
        );
        let rows = tx
            .fetch_all(Query::new(&sql).bind(&self.clinic_id).bind(client.to_string()))
            .await?;
        self.audit(tx, "assessment.list", "client", &client.to_string()).await?;
        rows.iter().map(assessment_from_row).collect()
    }

    pub async fn add_photo(
        &self,
        assessment_id: &str,
        view: &str,
        content_type: &str,
        (width, height): (i64, i64),
        image: &[u8],
    ) -> Result<PhotoMeta, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.fetch_assessment(&mut tx, assessment_id).await?;
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO posture_photos (id, clinic_id, assessment_id, view, content_type, width, height, image, landmarks, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}', $9)",
        )
        .bind(&id)
        .bind(&self.clinic_id)
        .bind(assessment_id)
        .bind(view)
        .bind(content_type)
        .bind(width)
        .bind(height)
        .bind(image.to_vec())
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?;
        self.audit(&mut tx, "photo.create", "photo", &id).await?;
        let photo = self.fetch_photo(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(photo)
    }

    async fn fetch_photo(&self, tx: &mut Tx<'_>, id: &str) -> Result<PhotoMeta, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PHOTO_COLUMNS} FROM posture_photos WHERE id = $1 AND clinic_id = $2"
        ))
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("photo"))?;
        photo_from_row(&row)
    }

    /// One photo's details (not its bytes).
    pub async fn photos_by_id(&self, id: &str) -> Result<PhotoMeta, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let photo = self.fetch_photo(&mut tx, id).await?;
        tx.commit().await?;
        Ok(photo)
    }

    pub async fn photos(&self, assessment_id: &str) -> Result<Vec<PhotoMeta>, StoreError> {
        self.require_clinical()?;
        let rows = sqlx::query(&format!(
            "SELECT {PHOTO_COLUMNS} FROM posture_photos WHERE assessment_id = $1 AND clinic_id = $2 ORDER BY created_at, id"
        ))
        .bind(assessment_id)
        .bind(&self.clinic_id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(photo_from_row).collect()
    }

    /// The image bytes (an audited read).
    pub async fn photo_image(&self, id: &str) -> Result<(PhotoMeta, Vec<u8>), StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.read_tx().await?;
        let meta = self.fetch_photo(&mut tx, id).await?;
        let image: Vec<u8> = sqlx::query_scalar("SELECT image FROM posture_photos WHERE id = $1 AND clinic_id = $2")
            .bind(id)
            .bind(&self.clinic_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "photo.read", "photo", id).await?;
        tx.commit().await?;
        Ok((meta, image))
    }

    pub async fn set_landmarks(&self, id: &str, landmarks: &Value) -> Result<PhotoMeta, StoreError> {
        self.require_clinical()?;
        let mut tx = self.store.write_tx().await?;
        self.fetch_photo(&mut tx, id).await?;
        sqlx::query("UPDATE posture_photos SET landmarks = $1 WHERE id = $2 AND clinic_id = $3")
            .bind(landmarks.to_string())
            .bind(id)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "photo.landmarks", "photo", id).await?;
        let photo = self.fetch_photo(&mut tx, id).await?;
        tx.commit().await?;
        Ok(photo)
    }
}
