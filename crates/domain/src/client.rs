//! The client (patient) record core: identity, contact and free clinical
//! notes. Raw input from any boundary arrives as [`ClientFields`] and becomes a
//! [`ValidClient`] only through [`ClientFields::validate`].

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::ClientId;
use crate::validation::{ValidationErrors, is_plausible_email};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_NOTES_CHARS: usize = 20_000;
const EARLIEST_BIRTH: Date = jiff::civil::date(1900, 1, 1);

/// Client fields as typed by a person; nothing is trusted yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFields {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

/// Client fields that passed validation, trimmed, with empty optionals as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidClient {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Who a client is for finding duplicates: the given and family names
/// (trimmed, compared without case) and the date of birth. Two clients with
/// the same key are taken for the same person by the CSV import.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientKey {
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
}

impl ClientKey {
    pub fn new(given_name: &str, family_name: &str, date_of_birth: Date) -> ClientKey {
        ClientKey {
            given_name: given_name.trim().to_lowercase(),
            family_name: family_name.trim().to_lowercase(),
            date_of_birth,
        }
    }
}

impl ValidClient {
    pub fn key(&self) -> ClientKey {
        ClientKey::new(&self.given_name, &self.family_name, self.date_of_birth)
    }
}

impl ClientFields {
    pub fn validate(&self, today: Date) -> Result<ValidClient, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let given_name = name(&mut errors, "given_name", &self.given_name);
        let family_name = name(&mut errors, "family_name", &self.family_name);
        let date_of_birth = birth_date(&mut errors, &self.date_of_birth, today);
        let email = optional(&self.email);
        if email.as_deref().is_some_and(|e| !is_plausible_email(e)) {
            errors.add("email", "is not an email address (expected name@example.org)");
        }
        let phone = optional(&self.phone);
        let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
        let bad_phone =
            |p: &str| p.chars().count() > 32 || !p.chars().all(allowed) || !p.chars().any(|c| c.is_ascii_digit());
        if phone.as_deref().is_some_and(bad_phone) {
            errors.add(
                "phone",
                "may hold digits, spaces and + - ( ) only, at most 32 characters",
            );
        }
        let notes = optional(&self.notes);
        if notes.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
            errors.add("notes", format!("is longer than {MAX_NOTES_CHARS} characters"));
        }
        let (Some(given_name), Some(family_name), Some(date_of_birth)) = (given_name, family_name, date_of_birth)
        else {
            return Err(errors);
        };
        errors.into_result(ValidClient {
            given_name,
            family_name,
            date_of_birth,
            email,
            phone,
            notes,
        })
    }
}

fn optional(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn name(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "is required");
        None
    } else if value.chars().count() > MAX_NAME_CHARS {
        errors.add(field, format!("is longer than {MAX_NAME_CHARS} characters"));
        None
    } else if value.chars().any(char::is_control) {
        errors.add(field, "contains control characters");
        None
    } else {
        Some(value.to_owned())
    }
}

fn birth_date(errors: &mut ValidationErrors, value: &str, today: Date) -> Option<Date> {
    let value = value.trim();
    if value.is_empty() {
        errors.add("date_of_birth", "is required");
        return None;
    }
    let parsed = (value.len() == 10).then(|| value.parse::<Date>().ok()).flatten();
    match parsed {
        None => errors.add(
            "date_of_birth",
            format!("\"{value}\" is not a date in the form YYYY-MM-DD"),
        ),
        Some(date) if date > today => errors.add("date_of_birth", "is in the future"),
        Some(date) if date < EARLIEST_BIRTH => errors.add("date_of_birth", "is before 1900-01-01"),
        Some(date) => return Some(date),
    }
    None
}

/// A stored client as a reader may see it. `notes` is `None` both when there
/// are none and when the reader's role may not read clinical notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Incremented by every change; an update names the version it edits so
    /// that two people editing at once cannot silently overwrite each other.
    pub version: i64,
}

impl Client {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn age_on(&self, today: Date) -> i64 {
        let mut years = i64::from(today.year()) - i64::from(self.date_of_birth.year());
        if (today.month(), today.day()) < (self.date_of_birth.month(), self.date_of_birth.day()) {
            years -= 1;
        }
        years
    }

    /// The editable fields, to prefill a form.
    pub fn fields(&self) -> ClientFields {
        ClientFields {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: self.date_of_birth.to_string(),
            email: self.email.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    const TODAY: Date = jiff::civil::date(2026, 11, 26);

    fn fields(given: &str, family: &str, dob: &str) -> ClientFields {
        ClientFields {
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: dob.into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_client_is_trimmed() {
        let mut f = fields(" Ada ", "Byron", "1985-12-10");
        f.email = " ada@example.org ".into();
        let v = f.validate(TODAY).unwrap();
        assert_eq!(v.given_name, "Ada");
        assert_eq!(v.email.as_deref(), Some("ada@example.org"));
        assert_eq!(v.phone, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut f = fields("", "B", "2030-01-01");
        f.email = "nope".into();
        f.phone = "call me".into();
        let errors = f.validate(TODAY).unwrap_err();
        let named: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["given_name", "date_of_birth", "email", "phone"]);
        assert_eq!(errors.for_field("date_of_birth"), Some("is in the future"));
    }

    #[test]
    fn dates_must_be_iso_and_plausible() {
        for bad in ["10/12/1985", "1985-13-01", "1985-02-30", "1899-12-31", "85-12-10"] {
            assert!(fields("A", "B", bad).validate(TODAY).is_err(), "{bad}");
        }
    }

    #[test]
    fn age_counts_birthdays() {
        let v = fields("A", "B", "1985-12-10").validate(TODAY).unwrap();
        let client = Client {
            id: ClientId::new(),
            given_name: v.given_name,
            family_name: v.family_name,
            date_of_birth: v.date_of_birth,
            email: None,
            phone: None,
            notes: None,
            archived: false,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            version: 1,
        };
        assert_eq!(client.age_on(TODAY), 40);
        assert_eq!(client.age_on(jiff::civil::date(2026, 12, 10)), 41);
    }

    proptest! {
        #[test]
        fn validation_never_panics(given in "\\PC{0,120}", family in "\\PC{0,5}", dob in "\\PC{0,12}", email in "\\PC{0,20}") {
            let f = ClientFields { given_name: given, family_name: family, date_of_birth: dob, email, ..Default::default() };
            let _ = f.validate(TODAY);
        }
    }
}
