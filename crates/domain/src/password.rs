//! The password policy: what a new staff password must be.
//!
//! It applies when a password is **set** (today: `myomap user add`, the only
//! place one is set), never at sign-in, so an account made under an older,
//! shorter rule still signs in until its password is next set.
//!
//! A new password must be 12 to 1024 characters, and must not be, ignoring
//! case and surrounding spaces:
//! - one of the 10,000 common passwords in `data/common-passwords.txt`
//!   (compiled in; its header names where the list comes from),
//! - the account's e-mail address or the part before its `@`,
//! - the clinic's name.
//!
//! Every refusal is one error on the field `password` saying why.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::validation::ValidationErrors;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 1024;

const COMMON_PASSWORDS_TXT: &str = include_str!("../data/common-passwords.txt");

static COMMON_PASSWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COMMON_PASSWORDS_TXT
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(fold)
        .collect()
});

/// How a password is compared: case and surrounding spaces do not count.
fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// How many distinct common passwords the policy refuses.
pub fn common_password_count() -> usize {
    COMMON_PASSWORDS.len()
}

/// Is this (ignoring case and surrounding spaces) one of the common passwords?
pub fn is_common_password(password: &str) -> bool {
    COMMON_PASSWORDS.contains(&fold(password))
}

/// Checks a password about to be set for the account `email` of the clinic
/// `clinic_name`. `Err` holds exactly one error, on the field `password`.
pub fn check_new_password(password: &str, email: &str, clinic_name: &str) -> Result<(), ValidationErrors> {
    refusal(password, email, clinic_name).map_or(Ok(()), |reason| Err(ValidationErrors::single("password", reason)))
}

fn refusal(password: &str, email: &str, clinic_name: &str) -> Option<String> {
    let length = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        return Some(format!(
            "must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters (this one has {length})"
        ));
    }
    let folded = fold(password);
    if COMMON_PASSWORDS.contains(&folded) {
        return Some("is one of the 10,000 most common passwords; choose a phrase of your own".into());
    }
    let email = fold(email);
    let local_part = email.split_once('@').map_or(email.as_str(), |(local, _)| local);
    if !email.is_empty() && (folded == email || folded == local_part) {
        return Some("must not be the account's e-mail address or the part before its @".into());
    }
    let clinic = fold(clinic_name);
    if !clinic.is_empty() && folded == clinic {
        return Some("must not be the clinic's name".into());
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    use super::*;

    fn reason(password: &str, email: &str, clinic: &str) -> Option<String> {
        check_new_password(password, email, clinic)
            .err()
            .map(|e| e.for_field("password").unwrap().to_owned())
    }

    #[test]
    fn the_list_is_compiled_in_whole() {
        assert_eq!(common_password_count(), 10_000);
        assert!(is_common_password("password"));
        assert!(is_common_password("  PassWord "));
        assert!(is_common_password("123456"));
        assert!(!is_common_password("correct horse battery"));
    }

    #[test]
    fn the_passwords_the_tests_and_the_demo_use_pass() {
        for password in [
            "correct horse battery",
            "a long enough password",
            "long enough password",
            "demo-therapist",
            "demo-frontdesk",
            "demo-clinic-owner",
        ] {
            assert_eq!(
                reason(password, "someone@example.org", "North Clinic"),
                None,
                "{password}"
            );
        }
    }

    #[test]
    fn short_passwords_are_refused_with_their_length() {
        let why = reason("elevenchars", "a@b.test", "Clinic").unwrap();
        assert!(
            why.contains("must be 12 to 1024 characters") && why.contains("has 11"),
            "{why}"
        );
        assert!(reason(&"x".repeat(1025), "a@b.test", "Clinic").is_some());
        assert_eq!(reason(&"x".repeat(1024), "a@b.test", "Clinic"), None);
        // Characters, not bytes: twelve accented letters are long enough.
        assert_eq!(reason(&"é".repeat(12), "a@b.test", "Clinic"), None);
    }

    #[test]
    fn common_passwords_of_any_case_are_refused() {
        // Entries of the list that are long enough to pass the length rule.
        for password in ["unbelievable", "SCANDINAVIAN", "Contortionist "] {
            let why = reason(password, "a@b.test", "Clinic").unwrap();
            assert!(why.contains("most common passwords"), "{password}: {why}");
        }
    }

    #[test]
    fn the_email_its_name_part_and_the_clinic_name_are_refused() {
        let email = "Margaret.Holloway@harbour.example.org";
        let why = reason("margaret.holloway@harbour.example.org", email, "Harbour").unwrap();
        assert!(why.contains("e-mail address"), "{why}");
        let why = reason("MARGARET.HOLLOWAY", email, "Harbour").unwrap();
        assert!(why.contains("e-mail address"), "{why}");
        let why = reason(" harbour street clinic ", email, "Harbour Street Clinic").unwrap();
        assert!(why.contains("clinic's name"), "{why}");
        assert_eq!(reason("harbour street clinic!", email, "Harbour Street Clinic"), None);
    }

    proptest! {
        /// Any input: no panic, and a refusal is one error on `password`
        /// with a reason; an accepted password meets the length rule and is
        /// not on the list.
        #[test]
        fn the_policy_never_panics_and_every_refusal_names_password(
            password in prop_oneof![any::<String>(), "\\PC{0,40}", "[a-zA-Z0-9 ]{8,16}"],
            email in any::<String>(),
            clinic in any::<String>(),
        ) {
            match check_new_password(&password, &email, &clinic) {
                Ok(()) => {
                    let length = password.chars().count();
                    prop_assert!((MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length));
                    prop_assert!(!is_common_password(&password));
                }
                Err(errors) => {
                    prop_assert_eq!(errors.0.len(), 1);
                    prop_assert_eq!(errors.0[0].field.as_str(), "password");
                    prop_assert!(!errors.0[0].message.is_empty());
                }
            }
        }

        /// Every list entry is refused whatever its case, when it is long
        /// enough for the length rule to let it through.
        #[test]
        fn list_entries_are_refused_in_any_case(index in 0usize..10_000, upper in any::<bool>()) {
            let entry = COMMON_PASSWORDS_TXT
                .lines()
                .filter(|l| !l.starts_with('#'))
                .nth(index)
                .unwrap();
            let candidate = if upper { entry.to_uppercase() } else { entry.to_owned() };
            prop_assert!(check_new_password(&candidate, "a@b.test", "Clinic").is_err());
        }
    }
}
