//! How soon a referral must happen, and what the therapist does and tells
//! the client at each level.

use serde::{Deserialize, Serialize};

use crate::catalogue::catalogue;

/// How soon a referral must happen, ordered `Routine < SameDay < Emergency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// See a physician before treatment.
    Routine,
    /// Medical assessment today.
    SameDay,
    /// Emergency services or the emergency department now.
    Emergency,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Routine, Urgency::SameDay, Urgency::Emergency];

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::SameDay => "same_day",
            Urgency::Emergency => "emergency",
        }
    }

    /// Reads the stored form (`"emergency"`, `"same_day"`, `"routine"`).
    pub fn parse(text: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|u| u.as_str() == text)
    }

    /// Whether a referral at this level cannot wait for another day (the
    /// meaning of the `urgent` flag of verdicts stored before urgency levels).
    pub fn is_urgent(self) -> bool {
        self >= Urgency::SameDay
    }

    /// The urgency of a verdict stored before urgency levels existed: an
    /// `urgent` refer was a same-day referral, any other refer routine, and
    /// no refer has none.
    pub fn from_legacy(refer: bool, urgent: bool) -> Option<Urgency> {
        match (refer, urgent) {
            (false, _) => None,
            (true, true) => Some(Urgency::SameDay),
            (true, false) => Some(Urgency::Routine),
        }
    }

    /// What the therapist does and tells the client at this level.
    pub fn advice(self) -> &'static Advice {
        let advice = &catalogue().advice;
        match self {
            Urgency::Routine => &advice.routine,
            Urgency::SameDay => &advice.same_day,
            Urgency::Emergency => &advice.emergency,
        }
    }
}

impl std::fmt::Display for Urgency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an urgency level means in practice (from the data file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// A short label: "Emergency", "Same day", "Routine".
    pub label: String,
    /// What the therapist does now.
    pub action: String,
    /// What to tell the client, in plain words.
    pub tell_client: String,
}

/// The advice for each level, as the data file holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdviceTable {
    pub(crate) emergency: Advice,
    pub(crate) same_day: Advice,
    pub(crate) routine: Advice,
}
