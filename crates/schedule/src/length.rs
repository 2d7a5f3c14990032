//! The appointment types a clinic offers, by length.

use std::fmt;

use jiff::SignedDuration;

use crate::ScheduleError;

/// An appointment type by its length: 30, 45, 60, 75 or 90 minutes only.
///
/// A closed set rather than any number of minutes, so that every booking
/// fits the slot grid and online booking offers the same few choices the
/// clinic prices. In JSON it is the bare number of minutes (`45`); other
/// numbers are refused when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct AppointmentLength(u16);

impl AppointmentLength {
    /// Every length, shortest first (the order to offer them in).
    pub const ALL: [AppointmentLength; 5] = [
        AppointmentLength(30),
        AppointmentLength(45),
        AppointmentLength(60),
        AppointmentLength(75),
        AppointmentLength(90),
    ];

    /// The length in minutes.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// The length as absolute time, for arithmetic on timestamps.
    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }

    /// How the length is shown to people: "45 minutes".
    pub fn label(self) -> String {
        format!("{} minutes", self.0)
    }
}

impl fmt::Display for AppointmentLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} minutes", self.0)
    }
}

impl TryFrom<u16> for AppointmentLength {
    type Error = ScheduleError;

    fn try_from(minutes: u16) -> Result<Self, Self::Error> {
        AppointmentLength::ALL
            .into_iter()
            .find(|length| length.0 == minutes)
            .ok_or(ScheduleError::Length { minutes })
    }
}

impl From<AppointmentLength> for u16 {
    fn from(length: AppointmentLength) -> u16 {
        length.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_the_five_lengths() {
        let accepted: Vec<u16> = (0..=200).filter(|m| AppointmentLength::try_from(*m).is_ok()).collect();
        assert_eq!(accepted, [30, 45, 60, 75, 90]);
        for length in AppointmentLength::ALL {
            assert_eq!(AppointmentLength::try_from(length.minutes()), Ok(length));
            assert_eq!(u16::from(length), length.minutes());
        }
    }

    #[test]
    fn refusal_names_the_field_and_the_value() {
        let err = AppointmentLength::try_from(50).unwrap_err();
        assert_eq!(
            err.to_string(),
            "appointment length must be 30, 45, 60, 75 or 90 minutes, not 50"
        );
        assert_eq!(err.field(), "minutes");
    }

    #[test]
    fn labels_and_duration() {
        let l = AppointmentLength::try_from(45).unwrap();
        assert_eq!(l.label(), "45 minutes");
        assert_eq!(l.to_string(), "45 minutes");
        assert_eq!(l.duration(), SignedDuration::from_mins(45));
    }

    #[test]
    fn json_is_the_bare_number_and_is_checked() {
        let l = AppointmentLength::try_from(75).unwrap();
        assert_eq!(serde_json::to_string(&l).unwrap(), "75");
        assert_eq!(serde_json::from_str::<AppointmentLength>("75").unwrap(), l);
        let err = serde_json::from_str::<AppointmentLength>("50").unwrap_err();
        assert!(err.to_string().contains("not 50"), "{err}");
    }
}
