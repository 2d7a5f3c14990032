//! One painful place of a pain map, and the compact text form
//! `AREA[:SIDE][@INTENSITY]` used by the CLI and the vignette files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::body_area::{AreaError, AreaSite};

pub const DEFAULT_INTENSITY: u8 = 5;
pub const MAX_INTENSITY: u8 = 10;

/// A painful place with its intensity 1-10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PainEntry {
    #[serde(flatten)]
    pub site: AreaSite,
    pub intensity: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PainSpecError {
    #[error("{spec}: {source}")]
    Area { spec: String, source: AreaError },
    #[error("{spec}: intensity must be a whole number from 1 to {MAX_INTENSITY}, not \"{value}\"")]
    Intensity { spec: String, value: String },
}

impl PainEntry {
    pub fn new(site: AreaSite, intensity: u8) -> Result<Self, PainSpecError> {
        if (1..=MAX_INTENSITY).contains(&intensity) {
            Ok(PainEntry { site, intensity })
        } else {
            Err(PainSpecError::Intensity {
                spec: site.to_string(),
                value: intensity.to_string(),
            })
        }
    }
}

impl FromStr for PainEntry {
    type Err = PainSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let (place, intensity) = match spec.split_once('@') {
            Some((place, value)) => {
                let intensity = value
                    .parse::<u8>()
                    .ok()
                    .filter(|v| (1..=MAX_INTENSITY).contains(v))
                    .ok_or_else(|| PainSpecError::Intensity {
                        spec: spec.to_owned(),
                        value: value.to_owned(),
                    })?;
                (place, intensity)
            }
            None => (spec, DEFAULT_INTENSITY),
        };
        let (area, side) = match place.split_once(':') {
            Some((area, side)) => (area, Some(side)),
            None => (place, None),
        };
        let site = AreaSite::parse(area, side).map_err(|source| PainSpecError::Area {
            spec: spec.to_owned(),
            source,
        })?;
        Ok(PainEntry { site, intensity })
    }
}

impl fmt::Display for PainEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.site, self.intensity)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PainEntryWire {
    area: String,
    #[serde(default)]
    side: Option<String>,
    #[serde(default)]
    intensity: Option<u8>,
}

impl<'de> Deserialize<'de> for PainEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = PainEntryWire::deserialize(d)?;
        let site = AreaSite::parse(&wire.area, wire.side.as_deref()).map_err(serde::de::Error::custom)?;
        PainEntry::new(site, wire.intensity.unwrap_or(DEFAULT_INTENSITY)).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::body_area::body_areas;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_forms() {
        let e: PainEntry = "head.temple:right@7".parse().unwrap();
        assert_eq!(e.to_string(), "head.temple:right@7");
        let e: PainEntry = "chest.sternum".parse().unwrap();
        assert_eq!(e.intensity, DEFAULT_INTENSITY);
        assert!(e.site.side().is_none());
    }

    #[test]
    fn errors_name_the_problem() {
        let msg = |s: &str| s.parse::<PainEntry>().unwrap_err().to_string();
        assert_eq!(
            msg("head.temple@3"),
            "head.temple@3: body area \"head.temple\" is sided: give side \"left\" or \"right\""
        );
        assert!(msg("head.temple:right@11").contains("intensity must be"));
        assert!(msg("head.temple:right@0").contains("intensity must be"));
        assert!(msg("nose:left").contains("unknown body area \"nose\""));
        assert!(msg("chest.sternum:left").contains("takes no side"));
    }

    #[test]
    fn json_form_validates_like_the_text_form() {
        let e: PainEntry = serde_json::from_str(r#"{"area":"head.temple","side":"right","intensity":7}"#).unwrap();
        assert_eq!(e.to_string(), "head.temple:right@7");
        assert!(serde_json::from_str::<PainEntry>(r#"{"area":"head.temple","intensity":7}"#).is_err());
        assert!(serde_json::from_str::<PainEntry>(r#"{"area":"head.temple","side":"right","intensity":11}"#).is_err());
    }

    proptest! {
        #[test]
        fn every_valid_entry_round_trips(site_index in 0usize..166, intensity in 1u8..=10) {
            let site = body_areas().sites().nth(site_index).unwrap();
            let entry = PainEntry::new(site, intensity).unwrap();
            prop_assert_eq!(entry.to_string().parse::<PainEntry>().unwrap(), entry);
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<PainEntry>();
        }

        /// Text shaped like `AREA[:SIDE][@INTENSITY]` with any parts: an
        /// entry, or a one-line refusal that quotes the entry it refuses
        /// and says which part is wrong.
        #[test]
        fn every_refusal_names_the_entry_and_the_part(
            area in prop_oneof![
                proptest::sample::select(vec!["head.temple", "neck.posterior", "leg.calf", "back.lower"]).prop_map(str::to_owned),
                "[a-z.]{0,12}",
                "\\PC{0,8}",
            ],
            side in proptest::option::of(prop_oneof![Just("left".to_owned()), Just("right".to_owned()), "\\PC{0,6}"]),
            intensity in proptest::option::of(prop_oneof![(0u32..14).prop_map(|n| n.to_string()), "\\PC{0,5}"]),
        ) {
            let mut spec = area;
            if let Some(side) = side {
                spec = format!("{spec}:{side}");
            }
            if let Some(intensity) = intensity {
                spec = format!("{spec}@{intensity}");
            }
            if let Err(error) = spec.parse::<PainEntry>() {
                let message = error.to_string();
                prop_assert!(!message.contains('\n') || spec.contains('\n'), "{:?}", message);
                match &error {
                    PainSpecError::Area { source, .. } => {
                        prop_assert!(message.starts_with(&format!("{spec}: ")), "{:?}", message);
                        prop_assert!(!source.to_string().trim().is_empty(), "{:?}", message);
                    }
                    PainSpecError::Intensity { .. } => {
                        prop_assert!(message.starts_with(&format!("{spec}: intensity")), "{:?}", message);
                    }
                }
            }
        }
    }
}
