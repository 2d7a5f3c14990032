//! Who did what and when, as the clinic reads it: staff by name rather than
//! by sign-in address, times on the clinic's clock rather than the server's.
//! Records keep the address (the API's contract); pages and documents show
//! the person.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use myomap_store::{Actor, ClinicScope, StaffMember, StoreError};

pub struct Presenter {
    /// Sign-in address or user id → the name the clinic knows them by.
    names: HashMap<String, String>,
    zone: TimeZone,
}

impl Presenter {
    pub fn new(actor: &Actor, staff: &[StaffMember]) -> Presenter {
        let mut names = HashMap::with_capacity(staff.len() * 2);
        for member in staff {
            names.insert(member.email.clone(), member.name.clone());
            names.insert(member.id.clone(), member.name.clone());
        }
        Presenter {
            names,
            zone: crate::schedule::zone_of(actor),
        }
    }

    /// Reads the clinic's staff for the names.
    pub async fn of(scope: &ClinicScope<'_>, actor: &Actor) -> Result<Presenter, StoreError> {
        Ok(Presenter::new(actor, &scope.staff().await?))
    }

    /// The staff member's name; someone no longer on the staff list (or a
    /// client acting through a link) keeps what the record says.
    pub fn person(&self, who: &str) -> String {
        self.names.get(who).cloned().unwrap_or_else(|| who.to_owned())
    }

    /// "Mon 7 Dec 2026, 09:30" on the clinic's clock.
    pub fn time(&self, at: Timestamp) -> String {
        crate::schedule::local_text(at, &self.zone)
    }

    /// The clinic's calendar date of an instant.
    pub fn date(&self, at: Timestamp) -> String {
        at.to_zoned(self.zone.clone()).date().to_string()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use myomap_domain::{ClinicId, Role, UserId};

    use super::*;

    #[test]
    fn staff_read_by_name_and_times_on_the_clinic_clock() {
        let actor = Actor {
            user_id: UserId::new(),
            clinic_id: ClinicId::new(),
            clinic_name: "Harbour".into(),
            email: "sam@harbour.test".into(),
            role: Role::Therapist,
            csrf_token: String::new(),
            time_zone: "America/Los_Angeles".into(),
            messages_needing_attention: 0,
            name: "Sam Rivera".into(),
            mfa_enrolment_due: false,
        };
        let staff = [StaffMember {
            id: "u-1".into(),
            email: "sam@harbour.test".into(),
            name: "Sam Rivera".into(),
            role: Role::Therapist,
        }];
        let shown = Presenter::new(&actor, &staff);
        assert_eq!(shown.person("sam@harbour.test"), "Sam Rivera");
        assert_eq!(shown.person("u-1"), "Sam Rivera");
        assert_eq!(shown.person("gone@harbour.test"), "gone@harbour.test");
        // 07:30 UTC on the 7th is still the 6th in Los Angeles.
        let at: Timestamp = "2026-12-07T07:30:00Z".parse().unwrap();
        assert_eq!(shown.date(at), "2026-12-06");
        assert_eq!(shown.time(at), "Sun 6 Dec 2026, 23:30");
    }
}
