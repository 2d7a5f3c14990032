//! Staff roles and what each may do. The storage layer asks these questions;
//! the web layer only decides how to show a refusal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Therapist,
    FrontDesk,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("role must be one of owner, therapist, front_desk, not \"{0}\"")]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Therapist, Role::FrontDesk];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Therapist => "therapist",
            Role::FrontDesk => "front_desk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Therapist => "Therapist",
            Role::FrontDesk => "Front desk",
        }
    }

    /// Clinical notes, assessments and session records. Front desk handles
    /// bookings and contact details, never the clinical record.
    pub fn reads_clinical_record(self) -> bool {
        matches!(self, Role::Owner | Role::Therapist)
    }

    pub fn writes_clinical_record(self) -> bool {
        matches!(self, Role::Owner | Role::Therapist)
    }

    pub fn manages_accounts(self) -> bool {
        matches!(self, Role::Owner)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}
