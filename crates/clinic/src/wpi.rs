//! Pre-filling the ACR 2016 Widespread Pain Index from a pain map: which WPI
//! area (the criteria's own ids, spec section 9.1) each body area of the
//! chart lies in. Data in `data/wpi-areas.toml`; the therapist reviews the
//! ticks before saving.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use myomap_domain::record::PainMark;

/// `"face.jaw" -> "jaw"`: WPI ids without the side suffix for sided areas.
fn table() -> &'static HashMap<String, String> {
    static TABLE: LazyLock<HashMap<String, String>> = LazyLock::new(load);
    &TABLE
}

/// Like the other compiled-in clinical data (the plans crate's protocols),
/// a broken file is a build defect caught by the unit tests, not a state to
/// run in: an empty table would silently pre-fill nothing.
#[expect(
    clippy::panic,
    reason = "the file is compiled in and a unit test parses it: a broken file is a build defect"
)]
fn load() -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct File {
        areas: HashMap<String, String>,
    }
    match toml::from_str::<File>(include_str!("../data/wpi-areas.toml")) {
        Ok(file) => file.areas,
        Err(e) => panic!("compiled-in wpi-areas.toml is invalid: {e}"),
    }
}

/// Every WPI area id of the criteria.
fn wpi_ids() -> BTreeSet<String> {
    match &myomap_scoring::Instrument::Acr2016Fm.definition().scoring {
        myomap_scoring::Scoring::Acr2016(rule) => rule
            .regions
            .iter()
            .flat_map(|r| r.areas.iter().map(|a| a.id.clone()))
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// The WPI area id for a base and the side drawn: `jaw` + left is
/// `jaw_left`; the axial areas (`lower_back`) have no sides.
fn wpi_id(base: &str, side: Option<myomap_domain::Side>, ids: &BTreeSet<String>) -> Option<String> {
    let sided = side.map(|side| format!("{base}_{side}")).filter(|id| ids.contains(id));
    sided.or_else(|| ids.contains(base).then(|| base.to_owned()))
}

/// The WPI area ids the painful places of a map fall in.
pub fn wpi_areas(marks: &[PainMark]) -> BTreeSet<String> {
    let ids = wpi_ids();
    marks
        .iter()
        .filter(|m| m.intensity > 0)
        .filter_map(|m| wpi_id(table().get(m.site.area().as_str())?, m.site.side(), &ids))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use myomap_domain::{AreaSite, body_areas};

    use super::*;

    #[test]
    fn every_mapped_area_exists_and_maps_to_a_wpi_area() {
        let ids = wpi_ids();
        assert_eq!(ids.len(), 19);
        assert!(!table().is_empty());
        for (area, base) in table() {
            let id = body_areas().find(area).unwrap();
            let sides: &[Option<myomap_domain::Side>] = if id.is_sided() {
                &[Some(myomap_domain::Side::Left), Some(myomap_domain::Side::Right)]
            } else {
                &[None]
            };
            for side in sides {
                assert!(
                    wpi_id(base, *side, &ids).is_some(),
                    "{area} ({side:?}) -> {base} is not a WPI area"
                );
            }
        }
    }

    #[test]
    fn a_pain_map_ticks_its_wpi_areas() {
        let mark = |area: &str, side: Option<&str>, intensity| PainMark {
            site: AreaSite::parse(area, side).unwrap(),
            intensity,
            quality: myomap_domain::record::PainQuality::Aching,
        };
        let marks = [
            mark("face.jaw", Some("left"), 4),
            mark("back.lumbar", Some("right"), 6),
            mark("thigh.back", Some("right"), 0),
        ];
        let ticked: Vec<String> = wpi_areas(&marks).into_iter().collect();
        assert_eq!(ticked, ["jaw_left", "lower_back"]);
    }
}
