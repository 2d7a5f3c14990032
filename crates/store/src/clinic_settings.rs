//! The clinic's own details: name, address, time zone and the contact
//! details its messages and pages give clients. Every member of staff reads
//! them; only an owner changes them, with the version they saw (a stale
//! form is a conflict, never a silent overwrite).

use myomap_domain::ValidationErrors;
use myomap_domain::validation::is_plausible_email;
use sqlx::Row;

use crate::{ClinicScope, StoreError};

const MAX_NAME: usize = 120;
const MAX_ADDRESS: usize = 300;
const MAX_PHONE: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicSettings {
    pub name: String,
    pub address: String,
    /// IANA name, e.g. `Europe/London`.
    pub time_zone: String,
    pub phone: String,
    /// The address clients are told to write to (empty: none given).
    pub email: String,
    pub version: i64,
}

impl ClinicSettings {
    /// "Phone … · E-mail …" for the end of a message, or nothing.
    pub fn contact_line(&self) -> Option<String> {
        let parts: Vec<String> = [("Phone", &self.phone), ("E-mail", &self.email)]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(label, value)| format!("{label} {value}"))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// A change from a form or the API: every field, and the version it was
/// made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicSettingsChange {
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub phone: String,
    pub email: String,
    pub version: i64,
}

impl ClinicSettingsChange {
    /// Trimmed and checked, each problem named by its field.
    pub fn validate(&self) -> Result<ClinicSettingsChange, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.trim().to_owned();
        let address = self.address.trim().to_owned();
        let time_zone = self.time_zone.trim().to_owned();
        let phone = self.phone.trim().to_owned();
        let email = self.email.trim().to_lowercase();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            errors.add("name", format!("must be 1 to {MAX_NAME} characters"));
        }
        if address.chars().count() > MAX_ADDRESS {
            errors.add("address", format!("must be at most {MAX_ADDRESS} characters"));
        }
        if jiff::tz::TimeZone::get(&time_zone).is_err() {
            errors.add(
                "time_zone",
                format!("\"{time_zone}\" is not a time zone name; use one like Europe/London or America/New_York"),
            );
        }
        let phone_ok = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if phone.chars().count() > MAX_PHONE || !phone_ok {
            errors.add(
                "phone",
                format!("may hold only digits, spaces and + - ( ) . (at most {MAX_PHONE} characters)"),
            );
        }
        if !email.is_empty() && !is_plausible_email(&email) {
            errors.add(
                "email",
                "is not an email address (expected name@example.org), or leave it empty",
            );
        }
        errors.into_result(ClinicSettingsChange {
            name,
            address,
            time_zone,
            phone,
            email,
            version: self.version,
        })
    }
}

impl ClinicScope<'_> {
    pub async fn clinic_settings(&self) -> Result<ClinicSettings, StoreError> {
        let row = sqlx::query(
            "SELECT name, address, time_zone, phone, contact_email, settings_version FROM clinics WHERE id = $1",
        )
        .bind(&self.clinic_id)
        .fetch_one(&self.store.pool)
        .await?;
        Ok(ClinicSettings {
            name: row.try_get(0)?,
            address: row.try_get(1)?,
            time_zone: row.try_get(2)?,
            phone: row.try_get(3)?,
            email: row.try_get(4)?,
            version: row.try_get(5)?,
        })
    }

    /// Saves the clinic's details if nobody changed them since `version`.
    pub async fn update_clinic_settings(&self, change: &ClinicSettingsChange) -> Result<ClinicSettings, StoreError> {
        self.require_account_manager("change the clinic's settings")?;
        let change = change.validate().map_err(StoreError::Invalid)?;
        let mut tx = self.store.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE clinics SET name = $1, address = $2, time_zone = $3, phone = $4, contact_email = $5, \
             settings_version = settings_version + 1 WHERE id = $6 AND settings_version = $7",
        )
        .bind(&change.name)
        .bind(&change.address)
        .bind(&change.time_zone)
        .bind(&change.phone)
        .bind(&change.email)
        .bind(&self.clinic_id)
        .bind(change.version)
        .execute(&mut *tx.tx)
        .await;
        let updated = match updated {
            Err(e) if StoreError::is_unique_violation(&e) => {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "name",
                    "another clinic on this server already has that name",
                )));
            }
            other => other?,
        };
        if updated.rows_affected() != 1 {
            let current: i64 = sqlx::query_scalar("SELECT settings_version FROM clinics WHERE id = $1")
                .bind(&self.clinic_id)
                .fetch_one(&mut *tx.tx)
                .await?;
            return Err(StoreError::Conflict(format!(
                "the clinic's settings were changed by someone else since you opened them (version {} is now {current}): reload to see their changes, then make yours again",
                change.version
            )));
        }
        self.audit(&mut tx, "clinic.settings", "clinic", &self.clinic_id)
            .await?;
        tx.commit().await?;
        self.clinic_settings().await
    }
}
