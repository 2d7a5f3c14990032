//! Erasing a client on request, and the clinic's minimum retention period
//! that blocks it.
//!
//! Erasure is one write unit: every clinical row of the client is deleted
//! (children before parents, so PostgreSQL's foreign keys hold at every
//! statement), the client row becomes a tombstone (see [`TOMBSTONE_NAME`],
//! [`TOMBSTONE_BIRTH`]; archived, no e-mail, phone or notes, no search
//! terms), the clinic's active count follows, and `client.erase` is
//! appended to the audit chain. Audit entries are never edited or removed:
//! they hold ids and actions only (who by user id, what by record id), no
//! personal data, so the chain stays verifiable after an erasure.

use jiff::ToSpan;
use jiff::civil::Date;
use myomap_domain::{ClientId, Role, ValidationErrors};
use sqlx::Row;

use crate::StoreError;
use crate::clients::ClinicScope;
use crate::time::now_ms;
use crate::tx::Tx;

/// The given and family name an erased client keeps.
pub const TOMBSTONE_NAME: &str = "Erased";
/// The date of birth an erased client keeps: the column is required, so a
/// fixed placeholder (the earliest birth date the app accepts) stands in.
pub const TOMBSTONE_BIRTH: &str = "1900-01-01";
/// The longest retention period the setting accepts.
pub const MAX_RETENTION_YEARS: u32 = 100;

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub client: ClientId,
    /// Clinical rows deleted, all tables together.
    pub rows_deleted: u64,
}

/// The clinical tables of a client, children before parents. Each entry is
/// the table and the condition naming the client's rows (`$1` the client,
/// `$2` the clinic).
const CLINICAL_ROWS: &[(&str, &str)] = &[
    (
        "home_care_ticks",
        "clinic_id = $2 AND home_care_id IN (SELECT id FROM home_care WHERE client_id = $1 AND clinic_id = $2)",
    ),
    ("home_care", "client_id = $1 AND clinic_id = $2"),
    ("checkins", "client_id = $1 AND clinic_id = $2"),
    ("client_links", "client_id = $1 AND clinic_id = $2"),
    ("outbox", "client_id = $1 AND clinic_id = $2"),
    ("appointments", "client_id = $1 AND clinic_id = $2"),
    ("questionnaires", "client_id = $1 AND clinic_id = $2"),
    ("treatment_plans", "client_id = $1 AND clinic_id = $2"),
    ("session_notes", "client_id = $1 AND clinic_id = $2"),
    (
        "posture_photos",
        "clinic_id = $2 AND assessment_id IN (SELECT id FROM assessments WHERE client_id = $1 AND clinic_id = $2)",
    ),
    ("assessments", "client_id = $1 AND clinic_id = $2"),
    ("intakes", "client_id = $1 AND clinic_id = $2"),
    ("client_terms", "client_id = $1 AND clinic_id = $2"),
];

/// The tables [`ClinicScope::erase_client`] empties of a client's rows, in
/// the order it does (for tests and documentation).
pub fn erased_tables() -> impl Iterator<Item = &'static str> {
    CLINICAL_ROWS.iter().map(|(table, _)| *table)
}

/// The first day erasure is allowed: `years` after `from`.
pub fn erasable_from(from: Date, years: u32) -> Date {
    from.checked_add(i64::from(years).years()).unwrap_or(Date::MAX)
}

fn full_name(given: &str, family: &str) -> String {
    format!("{given} {family}")
}

/// Two names are the same when they match word for word, ignoring case and
/// the spaces around and between the words.
fn same_name(typed: &str, stored: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    words(typed) == words(stored)
}

impl ClinicScope<'_> {
    fn require_owner(&self, what: &str) -> Result<(), StoreError> {
        if self.actor.role == Role::Owner {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!("only the clinic owner can {what}")))
        }
    }

    /// The clinic's minimum retention period in years (0: none).
    pub async fn retention_years(&self) -> Result<u32, StoreError> {
        let years: i64 = sqlx::query_scalar("SELECT retention_years FROM clinics WHERE id = $1")
            .bind(&self.clinic_id)
            .fetch_one(&self.store.pool)
            .await?;
        Ok(u32::try_from(years).unwrap_or(0))
    }

    /// Sets the minimum retention period (owner only, audited).
    pub async fn set_retention_years(&self, years: u32) -> Result<(), StoreError> {
        self.require_owner("set the retention period")?;
        if years > MAX_RETENTION_YEARS {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "years",
                format!("must be between 0 and {MAX_RETENTION_YEARS}"),
            )));
        }
        let mut tx = self.store.write_tx().await?;
        sqlx::query("UPDATE clinics SET retention_years = $1 WHERE id = $2")
            .bind(i64::from(years))
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        self.audit(&mut tx, "clinic.retention", "clinic", &self.clinic_id)
            .await?;
        tx.commit().await
    }

    /// Erases a client (owner only): see the module docs. `typed_name` is
    /// the confirmation, the client's full name as shown ("given family");
    /// `today` is the clinic's day, against which the retention period is
    /// measured. Another clinic's client is not found; an erased one is a
    /// conflict; one still inside the retention period is a conflict that
    /// names the first day erasure is allowed.
    pub async fn erase_client(&self, id: ClientId, typed_name: &str, today: Date) -> Result<Erasure, StoreError> {
        self.require_owner("erase a client")?;
        let mut tx = self.store.write_tx().await?;
        let id_text = id.to_string();
        let row = sqlx::query(
            "SELECT c.given_name, c.family_name, c.created_at, c.archived_at, c.erased_at, k.retention_years \
             FROM clients c JOIN clinics k ON k.id = c.clinic_id WHERE c.id = $1 AND c.clinic_id = $2",
        )
        .bind(&id_text)
        .bind(&self.clinic_id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound("client"))?;
        if row.try_get::<Option<i64>, _>("erased_at")?.is_some() {
            return Err(StoreError::Conflict("this client has already been erased".into()));
        }
        let name = full_name(
            &row.try_get::<String, _>("given_name")?,
            &row.try_get::<String, _>("family_name")?,
        );
        if !same_name(typed_name, &name) {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "confirm",
                "must be the client's full name exactly as shown, to confirm the erasure",
            )));
        }
        let years = u32::try_from(row.try_get::<i64, _>("retention_years")?).unwrap_or(0);
        if years > 0 {
            let (from, what) = self
                .retention_start(&mut tx, &id_text, row.try_get("created_at")?)
                .await?;
            let allowed = erasable_from(from, years);
            if today < allowed {
                return Err(StoreError::Conflict(format!(
                    "the clinic keeps records for at least {years} year{} after {what} ({from}); \
                     this client can be erased from {allowed}",
                    if years == 1 { "" } else { "s" }
                )));
            }
        }
        let mut rows_deleted = 0;
        // Amendments point at the note they amend: cut those links first.
        sqlx::query("UPDATE session_notes SET amends = NULL WHERE client_id = $1 AND clinic_id = $2")
            .bind(&id_text)
            .bind(&self.clinic_id)
            .execute(&mut *tx.tx)
            .await?;
        for (table, condition) in CLINICAL_ROWS {
            rows_deleted += sqlx::query(&format!("DELETE FROM {table} WHERE {condition}"))
                .bind(&id_text)
                .bind(&self.clinic_id)
                .execute(&mut *tx.tx)
                .await?
                .rows_affected();
        }
        let now = now_ms();
        sqlx::query(
            "UPDATE clients SET given_name = $1, family_name = $1, date_of_birth = $2, email = NULL, phone = NULL, \
             notes = NULL, search_key = $3, archived_at = COALESCE(archived_at, $4), erased_at = $4, \
             updated_at = $4, version = version + 1 WHERE id = $5 AND clinic_id = $6",
        )
        .bind(TOMBSTONE_NAME)
        .bind(TOMBSTONE_BIRTH)
        .bind(format!("{} {}", TOMBSTONE_NAME, TOMBSTONE_NAME).to_lowercase())
        .bind(now)
        .bind(&id_text)
        .bind(&self.clinic_id)
        .execute(&mut *tx.tx)
        .await?;
        if row.try_get::<Option<i64>, _>("archived_at")?.is_none() {
            sqlx::query("UPDATE clinics SET active_client_count = active_client_count - 1 WHERE id = $1")
                .bind(&self.clinic_id)
                .execute(&mut *tx.tx)
                .await?;
        }
        self.audit(&mut tx, "client.erase", "client", &id_text).await?;
        tx.commit().await?;
        Ok(Erasure {
            client: id,
            rows_deleted,
        })
    }

    /// Where the retention period starts: the client's last signed
    /// session, or the day the client was created when there is none.
    async fn retention_start(
        &self,
        tx: &mut Tx<'_>,
        id: &str,
        created_at: i64,
    ) -> Result<(Date, &'static str), StoreError> {
        let last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(session_date) FROM session_notes WHERE client_id = $1 AND clinic_id = $2 AND status = 'signed'",
        )
        .bind(id)
        .bind(&self.clinic_id)
        .fetch_one(&mut *tx.tx)
        .await?;
        if let Some(date) = last.and_then(|d| d.parse::<Date>().ok()) {
            return Ok((date, "the last signed session"));
        }
        let zone = jiff::tz::TimeZone::get(&self.actor.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let created = jiff::Timestamp::from_millisecond(created_at)
            .map_err(|_| StoreError::Internal("corrupt client creation time".into()))?
            .to_zoned(zone)
            .date();
        Ok((created, "the client was added"))
    }

    /// Whether a client of this clinic has been erased.
    pub async fn is_erased(&self, id: ClientId) -> Result<bool, StoreError> {
        let erased: Option<Option<i64>> =
            sqlx::query_scalar("SELECT erased_at FROM clients WHERE id = $1 AND clinic_id = $2")
                .bind(id.to_string())
                .bind(&self.clinic_id)
                .fetch_optional(&self.store.pool)
                .await?;
        Ok(erased.ok_or(StoreError::NotFound("client"))?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_word_for_word_ignoring_case_and_spacing() {
        assert!(same_name("  ada   LOVELACE ", "Ada Lovelace"));
        assert!(!same_name("Ada", "Ada Lovelace"));
        assert!(!same_name("Lovelace Ada", "Ada Lovelace"));
    }

    #[test]
    fn retention_counts_whole_years_and_clamps_leap_days() {
        assert_eq!(
            erasable_from(jiff::civil::date(2020, 2, 29), 1),
            jiff::civil::date(2021, 2, 28)
        );
        assert_eq!(
            erasable_from(jiff::civil::date(2020, 3, 1), 0),
            jiff::civil::date(2020, 3, 1)
        );
    }
}
