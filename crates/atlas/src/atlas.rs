//! The atlas: muscles, their trigger points and referral zones, parsed from the
//! TOML files in `data/muscles/` (one per region, compiled in) and validated
//! when first used. See `data/README.md` for the file format.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use myomap_domain::{AreaError, AreaId, body_areas};
use serde::{Deserialize, Serialize};

/// The body region a muscle belongs to; one data file per region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    HeadFace,
    Neck,
    ShoulderGirdle,
    Arm,
    ForearmHand,
    ChestAbdomen,
    Back,
    PelvisHip,
    Thigh,
    LegFoot,
}

impl Region {
    pub const ALL: [Region; 10] = [
        Region::HeadFace,
        Region::Neck,
        Region::ShoulderGirdle,
        Region::Arm,
        Region::ForearmHand,
        Region::ChestAbdomen,
        Region::Back,
        Region::PelvisHip,
        Region::Thigh,
        Region::LegFoot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Region::HeadFace => "head_face",
            Region::Neck => "neck",
            Region::ShoulderGirdle => "shoulder_girdle",
            Region::Arm => "arm",
            Region::ForearmHand => "forearm_hand",
            Region::ChestAbdomen => "chest_abdomen",
            Region::Back => "back",
            Region::PelvisHip => "pelvis_hip",
            Region::Thigh => "thigh",
            Region::LegFoot => "leg_foot",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The clinical conditions a muscle is commonly involved in (the README's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    BackPain,
    NeckPain,
    ShoulderPain,
    Headache,
    Sciatica,
    NerveEntrapment,
    Tmj,
    CarpalTunnel,
    Fibromyalgia,
    MyofascialPain,
    SportsInjury,
    RepetitiveStrain,
}

impl Condition {
    pub const ALL: [Condition; 12] = [
        Condition::BackPain,
        Condition::NeckPain,
        Condition::ShoulderPain,
        Condition::Headache,
        Condition::Sciatica,
        Condition::NerveEntrapment,
        Condition::Tmj,
        Condition::CarpalTunnel,
        Condition::Fibromyalgia,
        Condition::MyofascialPain,
        Condition::SportsInjury,
        Condition::RepetitiveStrain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::BackPain => "back_pain",
            Condition::NeckPain => "neck_pain",
            Condition::ShoulderPain => "shoulder_pain",
            Condition::Headache => "headache",
            Condition::Sciatica => "sciatica",
            Condition::NerveEntrapment => "nerve_entrapment",
            Condition::Tmj => "tmj",
            Condition::CarpalTunnel => "carpal_tunnel",
            Condition::Fibromyalgia => "fibromyalgia",
            Condition::MyofascialPain => "myofascial_pain",
            Condition::SportsInjury => "sports_injury",
            Condition::RepetitiveStrain => "repetitive_strain",
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How reliably a trigger point refers pain to a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    /// Felt in nearly everyone with an active trigger point in the muscle.
    Essential,
    /// Felt in some of them only.
    Spillover,
}

impl Zone {
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Essential => "essential",
            Zone::Spillover => "spillover",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerPoint {
    /// Unique within the muscle, e.g. `tp1`.
    pub id: String,
    /// Where to palpate, in words.
    pub location: String,
    /// The body area the trigger point lies in.
    pub area: AreaId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReferralZone {
    pub area: AreaId,
    pub zone: Zone,
    /// Referral to both sides (midline muscles); otherwise ipsilateral.
    pub bilateral: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Muscle {
    pub id: String,
    pub name: String,
    pub region: Region,
    /// False only for a single midline muscle.
    pub paired: bool,
    pub conditions: Vec<Condition>,
    pub cautions: Vec<String>,
    pub stretch: String,
    pub sources: Vec<String>,
    pub trigger_points: Vec<TriggerPoint>,
    pub referral: Vec<ReferralZone>,
}

impl Muscle {
    /// Whether the muscle refers pain to, or has a trigger point in, `area`.
    pub fn involves(&self, area: AreaId) -> bool {
        self.referral.iter().any(|zone| zone.area == area) || self.trigger_points.iter().any(|tp| tp.area == area)
    }
}

/// One problem found while loading the atlas data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtlasError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{muscle}: {source}")]
    Area { muscle: String, source: AreaError },
    #[error("muscle id \"{0}\" is used more than once")]
    DuplicateMuscle(String),
    #[error("{muscle}: region \"{region}\" does not match its file \"{file}\"")]
    RegionMismatch {
        muscle: String,
        region: Region,
        file: Region,
    },
    #[error("{muscle}: {field} is empty")]
    Empty { muscle: String, field: &'static str },
    #[error("{muscle}: has no essential referral zone")]
    NoEssentialZone { muscle: String },
    #[error("{muscle}: trigger point id \"{tp}\" is used more than once")]
    DuplicateTriggerPoint { muscle: String, tp: String },
    #[error("{muscle}: area \"{area}\" appears more than once in the referral list")]
    DuplicateReferral { muscle: String, area: AreaId },
    #[error("{muscle}: referral side must be \"both\" or absent, not \"{side}\"")]
    BadSide { muscle: String, side: String },
    #[error("{muscle}: side = \"both\" on midline area \"{area}\", which has no sides")]
    BothOnMidline { muscle: String, area: AreaId },
}

/// Every problem found while loading; the atlas loads only when there are none.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid atlas data: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct AtlasErrors(pub Vec<AtlasError>);

/// The region files, compiled in.
const FILES: [(Region, &str); 10] = [
    (Region::HeadFace, include_str!("../data/muscles/head_face.toml")),
    (Region::Neck, include_str!("../data/muscles/neck.toml")),
    (
        Region::ShoulderGirdle,
        include_str!("../data/muscles/shoulder_girdle.toml"),
    ),
    (Region::Arm, include_str!("../data/muscles/arm.toml")),
    (Region::ForearmHand, include_str!("../data/muscles/forearm_hand.toml")),
    (Region::ChestAbdomen, include_str!("../data/muscles/chest_abdomen.toml")),
    (Region::Back, include_str!("../data/muscles/back.toml")),
    (Region::PelvisHip, include_str!("../data/muscles/pelvis_hip.toml")),
    (Region::Thigh, include_str!("../data/muscles/thigh.toml")),
    (Region::LegFoot, include_str!("../data/muscles/leg_foot.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    muscle: Vec<RawMuscle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMuscle {
    id: String,
    name: String,
    region: Region,
    paired: bool,
    conditions: Vec<Condition>,
    cautions: Vec<String>,
    stretch: String,
    sources: Vec<String>,
    #[serde(default)]
    trigger_point: Vec<RawTriggerPoint>,
    #[serde(default)]
    referral: Vec<RawReferral>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriggerPoint {
    id: String,
    location: String,
    area: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReferral {
    area: String,
    zone: Zone,
    #[serde(default)]
    side: Option<String>,
}

/// All muscles of the atlas, in file order (regions as in [`Region::ALL`]).
#[derive(Debug)]
pub struct Atlas {
    muscles: Vec<Muscle>,
    by_id: HashMap<String, usize>,
}

impl Atlas {
    /// Parses and validates region files given as `(region, TOML text)`.
    pub fn from_sources(files: &[(Region, &str)]) -> Result<Atlas, AtlasErrors> {
        let mut errors = Vec::new();
        let mut muscles = Vec::new();
        for &(file, text) in files {
            match toml::from_str::<RawFile>(text) {
                Ok(raw) => muscles.extend(raw.muscle.into_iter().filter_map(|m| convert(m, file, &mut errors))),
                Err(e) => errors.push(AtlasError::Parse {
                    file: format!("{file}.toml"),
                    message: e.to_string(),
                }),
            }
        }
        let mut by_id = HashMap::with_capacity(muscles.len());
        for (index, muscle) in muscles.iter().enumerate() {
            if by_id.insert(muscle.id.clone(), index).is_some() {
                errors.push(AtlasError::DuplicateMuscle(muscle.id.clone()));
            }
        }
        if errors.is_empty() {
            Ok(Atlas { muscles, by_id })
        } else {
            Err(AtlasErrors(errors))
        }
    }

    pub fn muscles(&self) -> &[Muscle] {
        &self.muscles
    }

    pub fn muscle(&self, id: &str) -> Option<&Muscle> {
        self.by_id.get(id).map(|&index| &self.muscles[index])
    }

    /// Muscles matching `query`, case-insensitively: a part of the id or
    /// name, a region or condition (or a part of one), or a body-area id that
    /// the muscle refers pain to or has a trigger point in. An empty query
    /// matches every muscle. Results keep atlas order.
    pub fn search(&self, query: &str) -> Vec<&Muscle> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return self.muscles.iter().collect();
        }
        // An exact area id, or (for three letters or more) areas whose id or
        // label mentions the words, so "temple" or "heel" find their muscles.
        let areas: Vec<AreaId> = match body_areas().find(&query) {
            Ok(area) => vec![area],
            Err(_) if query.chars().count() >= 3 => body_areas()
                .ids()
                .filter(|a| a.as_str().contains(&query) || a.area().label.to_lowercase().contains(&query))
                .collect(),
            Err(_) => Vec::new(),
        };
        self.muscles
            .iter()
            .filter(|m| {
                m.id.contains(&query)
                    || m.name.to_lowercase().contains(&query)
                    || m.region.as_str().contains(&query)
                    || m.conditions.iter().any(|c| c.as_str().contains(&query))
                    || areas.iter().any(|&area| m.involves(area))
            })
            .collect()
    }
}

fn convert(raw: RawMuscle, file: Region, errors: &mut Vec<AtlasError>) -> Option<Muscle> {
    let before = errors.len();
    let id = raw.id;
    let mut problem = |error: AtlasError| errors.push(error);
    let area = |name: &str, problem: &mut dyn FnMut(AtlasError)| match body_areas().find(name) {
        Ok(area) => Some(area),
        Err(source) => {
            problem(AtlasError::Area {
                muscle: id.clone(),
                source,
            });
            None
        }
    };
    if raw.region != file {
        problem(AtlasError::RegionMismatch {
            muscle: id.clone(),
            region: raw.region,
            file,
        });
    }
    for (field, empty) in [
        ("id", id.trim().is_empty()),
        ("name", raw.name.trim().is_empty()),
        ("stretch", raw.stretch.trim().is_empty()),
        ("sources", raw.sources.iter().all(|s| s.trim().is_empty())),
        ("trigger_point", raw.trigger_point.is_empty()),
    ] {
        if empty {
            problem(AtlasError::Empty {
                muscle: id.clone(),
                field,
            });
        }
    }
    let mut trigger_points = Vec::with_capacity(raw.trigger_point.len());
    let mut tp_ids = HashSet::new();
    for tp in raw.trigger_point {
        if !tp_ids.insert(tp.id.clone()) {
            problem(AtlasError::DuplicateTriggerPoint {
                muscle: id.clone(),
                tp: tp.id.clone(),
            });
        }
        if tp.location.trim().is_empty() {
            problem(AtlasError::Empty {
                muscle: id.clone(),
                field: "trigger_point.location",
            });
        }
        if let Some(area) = area(&tp.area, &mut problem) {
            trigger_points.push(TriggerPoint {
                id: tp.id,
                location: tp.location,
                area,
            });
        }
    }
    let mut referral = Vec::with_capacity(raw.referral.len());
    for zone in raw.referral {
        let Some(area) = area(&zone.area, &mut problem) else {
            continue;
        };
        let bilateral = match zone.side.as_deref() {
            None => false,
            Some("both") if area.is_sided() => true,
            Some("both") => {
                problem(AtlasError::BothOnMidline {
                    muscle: id.clone(),
                    area,
                });
                false
            }
            Some(other) => {
                problem(AtlasError::BadSide {
                    muscle: id.clone(),
                    side: other.to_owned(),
                });
                false
            }
        };
        if referral.iter().any(|z: &ReferralZone| z.area == area) {
            problem(AtlasError::DuplicateReferral {
                muscle: id.clone(),
                area,
            });
            continue;
        }
        referral.push(ReferralZone {
            area,
            zone: zone.zone,
            bilateral,
        });
    }
    if !referral.iter().any(|z| z.zone == Zone::Essential) {
        problem(AtlasError::NoEssentialZone { muscle: id.clone() });
    }
    (errors.len() == before).then_some(Muscle {
        id,
        name: raw.name,
        region: raw.region,
        paired: raw.paired,
        conditions: raw.conditions,
        cautions: raw.cautions,
        stretch: raw.stretch,
        sources: raw.sources,
        trigger_points,
        referral,
    })
}

/// The atlas, parsed once. The data is compiled in and checked by this
/// crate's tests, so a load failure is a build defect, not an input error.
pub fn atlas() -> &'static Atlas {
    static ATLAS: LazyLock<Atlas> = LazyLock::new(|| {
        #[allow(clippy::expect_used)]
        Atlas::from_sources(&FILES).expect("compiled-in atlas data is valid")
    });
    &ATLAS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn area(id: &str) -> AreaId {
        body_areas().find(id).unwrap()
    }

    #[test]
    fn the_compiled_in_data_loads() {
        Atlas::from_sources(&FILES).unwrap();
        assert!(atlas().muscles().len() >= 100, "{} muscles", atlas().muscles().len());
    }

    #[test]
    fn every_file_is_its_region_and_every_region_has_a_file() {
        let regions: Vec<Region> = FILES.iter().map(|(r, _)| *r).collect();
        assert_eq!(regions, Region::ALL);
        for region in Region::ALL {
            assert!(
                atlas().muscles().iter().any(|m| m.region == region),
                "{region} has no muscle"
            );
        }
    }

    #[test]
    fn every_muscle_is_complete() {
        for m in atlas().muscles() {
            assert!(!m.trigger_points.is_empty(), "{}", m.id);
            assert!(m.referral.iter().any(|z| z.zone == Zone::Essential), "{}", m.id);
            assert!(!m.sources.is_empty(), "{}", m.id);
            assert!(!m.conditions.is_empty(), "{}", m.id);
            let areas: HashSet<AreaId> = m.referral.iter().map(|z| z.area).collect();
            assert_eq!(areas.len(), m.referral.len(), "{}: duplicate referral area", m.id);
            for zone in &m.referral {
                assert!(
                    !zone.bilateral || zone.area.is_sided(),
                    "{}: both on {}",
                    m.id,
                    zone.area
                );
            }
        }
    }

    #[test]
    fn muscle_ids_are_unique_and_found() {
        let ids: HashSet<&str> = atlas().muscles().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), atlas().muscles().len());
        for m in atlas().muscles() {
            assert_eq!(atlas().muscle(&m.id).map(|found| &found.id), Some(&m.id));
        }
        assert!(atlas().muscle("nope").is_none());
    }

    #[test]
    fn every_body_area_lies_in_some_referral_zone() {
        let covered: HashSet<AreaId> = atlas()
            .muscles()
            .iter()
            .flat_map(|m| m.referral.iter().map(|z| z.area))
            .collect();
        let missing: Vec<String> = body_areas()
            .ids()
            .filter(|a| !covered.contains(a))
            .map(|a| a.to_string())
            .collect();
        assert!(missing.is_empty(), "no muscle refers to {missing:?}");
        assert_eq!(covered.len(), 86);
    }

    #[test]
    fn bad_data_is_reported_with_every_problem() {
        let text = r#"
[[muscle]]
id = "x"
name = "X"
region = "neck"
paired = true
conditions = []
cautions = []
stretch = "s"
sources = []
[[muscle.trigger_point]]
id = "tp1"
location = "here"
area = "head.nose"
[[muscle.referral]]
area = "chest.sternum"
zone = "spillover"
side = "both"
[[muscle.referral]]
area = "chest.sternum"
zone = "spillover"
[[muscle.referral]]
area = "head.temple"
zone = "spillover"
side = "left"
"#;
        let AtlasErrors(errors) = Atlas::from_sources(&[(Region::Back, text)]).unwrap_err();
        let has = |f: &dyn Fn(&AtlasError) -> bool| errors.iter().any(f);
        assert!(has(&|e| matches!(e, AtlasError::RegionMismatch { .. })));
        assert!(has(&|e| matches!(e, AtlasError::Empty { field: "sources", .. })));
        assert!(has(&|e| matches!(e, AtlasError::Area { .. })));
        assert!(has(&|e| matches!(e, AtlasError::BothOnMidline { .. })));
        assert!(has(&|e| matches!(e, AtlasError::DuplicateReferral { .. })));
        assert!(has(&|e| matches!(e, AtlasError::BadSide { .. })));
        assert!(has(&|e| matches!(e, AtlasError::NoEssentialZone { .. })));
        let message = AtlasErrors(errors).to_string();
        assert!(message.contains("head.nose"), "{message}");
    }

    #[test]
    fn duplicate_ids_and_syntax_errors_are_reported() {
        let one = "[[muscle]]\nid = \"x\"\nname = \"X\"\nregion = \"neck\"\npaired = true\nconditions = [\"neck_pain\"]\n\
                   cautions = []\nstretch = \"s\"\nsources = [\"s\"]\n[[muscle.trigger_point]]\nid = \"tp1\"\n\
                   location = \"l\"\narea = \"neck.back\"\n[[muscle.referral]]\narea = \"neck.back\"\nzone = \"essential\"\n";
        assert!(Atlas::from_sources(&[(Region::Neck, one)]).is_ok());
        let AtlasErrors(errors) = Atlas::from_sources(&[(Region::Neck, one), (Region::Neck, one)]).unwrap_err();
        assert_eq!(errors, vec![AtlasError::DuplicateMuscle("x".into())]);
        let AtlasErrors(errors) = Atlas::from_sources(&[(Region::Neck, "[[muscle]]\nid = 3")]).unwrap_err();
        assert!(matches!(&errors[0], AtlasError::Parse { file, .. } if file == "neck.toml"));
    }

    #[test]
    fn search_matches_ids_names_regions_conditions_and_areas() {
        let ids = |q: &str| atlas().search(q).into_iter().map(|m| m.id.as_str()).collect::<Vec<_>>();
        assert!(ids("TEMPORALIS").contains(&"temporalis"));
        assert!(ids("upper trap").contains(&"upper_trapezius"));
        assert!(ids("Leg_Foot").contains(&"soleus"));
        assert!(ids("tmj").contains(&"masseter"));
        let heel = ids("foot.heel");
        assert!(heel.contains(&"soleus") && heel.contains(&"quadratus_plantae"));
        assert!(!heel.contains(&"temporalis"));
        // A trigger-point area counts too: the levator scapulae has one over the shoulder blade.
        assert!(ids("back.scapula").contains(&"levator_scapulae"));
        assert!(ids("no such thing").is_empty());
        assert_eq!(ids("").len(), atlas().muscles().len());
        assert!(atlas().muscle("temporalis").unwrap().involves(area("head.temple")));
    }
}
