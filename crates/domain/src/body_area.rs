//! The body areas of a pain map, a referral zone and a treatment record.
//!
//! The vocabulary is the contract in `data/body-areas.toml` (a copy of the
//! shared spec; ids may be added, never renamed or removed). An area is
//! referred to by [`AreaId`], a small index into the catalogue, so that the
//! referred-pain engine can use plain arrays; [`AreaSite`] is an area with its
//! side, valid by construction (sided areas have one, midline areas none).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const BODY_AREAS_TOML: &str = include_str!("../data/body-areas.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = AreaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "left" => Ok(Side::Left),
            "right" => Ok(Side::Right),
            other => Err(AreaError::BadSide(other.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    Front,
    Back,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyArea {
    pub id: String,
    pub label: String,
    pub sided: bool,
    pub view: View,
}

/// Index of an area in the catalogue. Only [`BodyAreas::find`] makes one, so
/// every `AreaId` names a real area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaId(u16);

impl AreaId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn area(self) -> &'static BodyArea {
        &body_areas().areas[self.index()]
    }

    pub fn as_str(self) -> &'static str {
        &self.area().id
    }

    pub fn is_sided(self) -> bool {
        self.area().sided
    }
}

impl fmt::Display for AreaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AreaId {
    type Err = AreaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        body_areas().find(s)
    }
}

impl Serialize for AreaId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AreaId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    #[error("unknown body area \"{0}\"")]
    Unknown(String),
    #[error("body area \"{0}\" is sided: give side \"left\" or \"right\"")]
    SideRequired(String),
    #[error("body area \"{0}\" is a midline area and takes no side")]
    SideNotAllowed(String),
    #[error("side must be \"left\" or \"right\", not \"{0}\"")]
    BadSide(String),
}

pub struct BodyAreas {
    areas: Vec<BodyArea>,
    by_id: HashMap<String, AreaId>,
}

impl BodyAreas {
    fn parse(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            area: Vec<BodyArea>,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_id = HashMap::with_capacity(file.area.len());
        for (index, area) in file.area.iter().enumerate() {
            let id = u16::try_from(index).map_err(|_| "too many body areas".to_owned())?;
            if by_id.insert(area.id.clone(), AreaId(id)).is_some() {
                return Err(format!("duplicate body area id {}", area.id));
            }
        }
        Ok(BodyAreas {
            areas: file.area,
            by_id,
        })
    }

    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    pub fn find(&self, id: &str) -> Result<AreaId, AreaError> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| AreaError::Unknown(id.to_owned()))
    }

    pub fn ids(&self) -> impl Iterator<Item = AreaId> + '_ {
        (0..self.areas.len()).filter_map(|i| u16::try_from(i).ok().map(AreaId))
    }

    /// Every (area, side) place a pain map can name: sided areas twice.
    pub fn sites(&self) -> impl Iterator<Item = AreaSite> + '_ {
        self.ids().flat_map(|area| {
            let sides: &[Option<Side>] = if area.is_sided() {
                &[Some(Side::Left), Some(Side::Right)]
            } else {
                &[None]
            };
            sides.iter().map(move |&side| AreaSite { area, side })
        })
    }
}

/// The catalogue, parsed once. The data is compiled in and checked by this
/// crate's tests, so a parse failure is a build defect, not an input error.
pub fn body_areas() -> &'static BodyAreas {
    static CATALOGUE: LazyLock<BodyAreas> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        BodyAreas::parse(BODY_AREAS_TOML).expect("compiled-in body-areas.toml is valid")
    });
    &CATALOGUE
}

/// An area together with its side; valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaSite {
    area: AreaId,
    side: Option<Side>,
}

impl AreaSite {
    pub fn new(area: AreaId, side: Option<Side>) -> Result<Self, AreaError> {
        match (area.is_sided(), side) {
            (true, None) => Err(AreaError::SideRequired(area.as_str().to_owned())),
            (false, Some(_)) => Err(AreaError::SideNotAllowed(area.as_str().to_owned())),
            _ => Ok(AreaSite { area, side }),
        }
    }

    pub fn parse(area: &str, side: Option<&str>) -> Result<Self, AreaError> {
        let area = body_areas().find(area)?;
        let side = side.map(str::parse).transpose()?;
        Self::new(area, side)
    }

    pub fn area(self) -> AreaId {
        self.area
    }

    pub fn side(self) -> Option<Side> {
        self.side
    }

    /// Human label, e.g. "Temple (right)".
    pub fn label(self) -> String {
        match self.side {
            Some(side) => format!("{} ({side})", self.area.area().label),
            None => self.area.area().label.clone(),
        }
    }
}

impl fmt::Display for AreaSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side {
            Some(side) => write!(f, "{}:{side}", self.area),
            None => write!(f, "{}", self.area),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaSiteWire {
    area: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<String>,
}

impl Serialize for AreaSite {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AreaSiteWire {
            area: self.area.as_str().to_owned(),
            side: self.side.map(|side| side.as_str().to_owned()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for AreaSite {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = AreaSiteWire::deserialize(d)?;
        AreaSite::parse(&wire.area, wire.side.as_deref()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn catalogue_holds_the_contract_vocabulary() {
        let areas = body_areas();
        assert_eq!(areas.len(), 86);
        assert!(areas.find("head.temple").unwrap().is_sided());
        assert!(!areas.find("chest.sternum").unwrap().is_sided());
        assert_eq!(areas.sites().count(), 80 * 2 + 6);
    }

    #[test]
    fn sides_are_checked() {
        assert!(AreaSite::parse("head.temple", Some("right")).is_ok());
        assert_eq!(
            AreaSite::parse("head.temple", None),
            Err(AreaError::SideRequired("head.temple".into()))
        );
        assert_eq!(
            AreaSite::parse("chest.sternum", Some("left")),
            Err(AreaError::SideNotAllowed("chest.sternum".into()))
        );
        assert_eq!(
            AreaSite::parse("head.tmple", None),
            Err(AreaError::Unknown("head.tmple".into()))
        );
        assert_eq!(
            AreaSite::parse("head.temple", Some("up")),
            Err(AreaError::BadSide("up".into()))
        );
    }
}
