//! The definition data of every instrument: `data/instruments.toml`, compiled
//! in, parsed and checked once on first use.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::{Instrument, Ratio};

/// Everything about one instrument that is data rather than code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Definition {
    /// The instrument id (see [`Instrument::as_str`]).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether a higher score means worse or better.
    pub higher_is: HigherIs,
    /// The scoring rule and its parameters.
    pub scoring: Scoring,
    /// Severity bands, applied to the unrounded score (ACR: to FS).
    #[serde(default)]
    pub bands: Option<Bands>,
    /// Default minimal clinically important difference; `None` where the
    /// spec has none (JFLS-8, ACR 2016, QuickDASH modules).
    #[serde(default)]
    pub mcid: Option<Mcid>,
    /// Where the scoring rules come from.
    pub source: String,
    /// Licensing of the questionnaire text.
    pub licence: String,
    /// Other notes for clinicians (recall period, app policies, context).
    #[serde(default)]
    pub notes: Option<String>,
}

/// Direction of an instrument's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HigherIs {
    /// Higher = more pain or disability (most instruments).
    Worse,
    /// Higher = better function (LEFS, PSFS) or less tenderness (PPT).
    Better,
}

/// How an instrument is scored. The code implements each rule; the
/// parameters are data.
#[derive(Debug, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scoring {
    /// The one answer is the score (NPRS).
    Single(ItemRule),
    /// Mean answer rescaled to 0-100: `(mean − min) / (max − min) × 100`.
    /// NDI/ODI `sum / (5 × answered) × 100`; QuickDASH `(mean − 1) × 25`.
    PercentOfRange(ItemRule),
    /// Mean of the answered items (BCTQ, JFLS-8, PSFS).
    Mean(ItemRule),
    /// `sum × items / answered` (LEFS).
    ProratedSum(ItemRule),
    /// Mean of algometer trials (PPT).
    PptMean(PptRule),
    /// ACR 2016 fibromyalgia criteria.
    Acr2016(AcrRule),
}

impl Scoring {
    /// The item parameters, for the rules scored from item answers.
    pub fn item_rule(&self) -> Option<&ItemRule> {
        match self {
            Self::Single(rule) | Self::PercentOfRange(rule) | Self::Mean(rule) | Self::ProratedSum(rule) => Some(rule),
            Self::PptMean(_) | Self::Acr2016(_) => None,
        }
    }
}

/// Parameters of a questionnaire scored from item answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ItemRule {
    /// Neutral item labels in official order; their number is the maximum
    /// number of answers.
    pub items: Vec<String>,
    #[serde(default)]
    min_items: Option<usize>,
    /// Response range of every item.
    pub response: ResponseRange,
    /// Fewer answered items than this gives `valid: false`.
    pub min_answered: usize,
    /// Decimal places of the output score.
    pub decimals: u32,
    /// If set, also report the prorated raw sum with this many decimals (NDI).
    #[serde(default)]
    pub raw_decimals: Option<u32>,
    /// Output the score as an integer when no item is missing (LEFS).
    #[serde(default)]
    pub whole_when_complete: bool,
}

impl ItemRule {
    /// The fewest answers (including `null`s) the input array may hold; equal
    /// to `items.len()` except for PSFS.
    pub fn min_items(&self) -> usize {
        self.min_items.unwrap_or(self.items.len())
    }

    /// The most answers the input array may hold.
    pub fn max_items(&self) -> usize {
        self.items.len()
    }
}

/// Inclusive range of whole-number answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRange {
    /// Lowest answer.
    pub min: u8,
    /// Highest answer.
    pub max: u8,
}

impl ResponseRange {
    /// Whether `value` is a valid answer.
    pub fn contains(self, value: i64) -> bool {
        (i64::from(self.min)..=i64::from(self.max)).contains(&value)
    }
}

/// Parameters of the PPT mean.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PptRule {
    /// At most this many trials (at least 1).
    pub max_trials: usize,
    /// kPa per kg/cm² (98.0665 exactly).
    pub kpa_per_kg_cm2: Ratio,
    /// Decimal places of `mean_kpa`.
    pub kpa_decimals: u32,
    /// Decimal places of `mean_kg_cm2`.
    pub kg_cm2_decimals: u32,
}

/// Parameters of the ACR 2016 criteria: the WPI areas by region and the
/// SSS fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcrRule {
    /// Criterion 3: symptoms for at least this many months.
    pub min_duration_months: Ratio,
    /// The five regions of section 9.1 with their 19 areas.
    pub regions: Vec<AcrRegion>,
    /// The six SSS fields of section 9.2.
    pub symptoms: Vec<AcrSymptom>,
}

/// One of the five WPI regions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcrRegion {
    /// Region id (`left_upper`, ..., `axial`).
    pub id: String,
    /// Neutral label.
    pub label: String,
    /// The WPI areas of the region.
    pub areas: Vec<AcrArea>,
}

/// One of the 19 WPI areas (ids of their own, not body-areas.toml ids).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcrArea {
    /// Area id, e.g. `shoulder_girdle_left`.
    pub id: String,
    /// Neutral label.
    pub label: String,
    /// Whether pain here counts toward generalized pain (false for jaw,
    /// chest and abdomen, which count toward the WPI only).
    #[serde(default = "yes")]
    pub generalized: bool,
}

fn yes() -> bool {
    true
}

/// One SSS field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcrSymptom {
    /// Field id, e.g. `fatigue`.
    pub id: String,
    /// Neutral label.
    pub label: String,
    /// Highest value (3 for severities, 1 for presence); lowest is 0.
    pub max: u8,
}

/// Severity bands over an unrounded score.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Bands {
    /// Which band a score exactly on a cut belongs to.
    pub cut_goes_to: CutGoesTo,
    /// Ascending cut points between bands.
    pub cuts: Vec<Ratio>,
    /// Band names, one more than `cuts`.
    pub names: Vec<String>,
}

/// Where a boundary score goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutGoesTo {
    /// A score equal to a cut is in the upper band (NDI: 30 % is moderate).
    Upper,
    /// A score equal to a cut is in the lower band (ODI: 20 is minimal).
    Lower,
}

impl Bands {
    /// The band of an unrounded score.
    pub fn band(&self, score: Ratio) -> &str {
        let index = self
            .cuts
            .iter()
            .filter(|&&cut| match self.cut_goes_to {
                CutGoesTo::Upper => score >= cut,
                CutGoesTo::Lower => score > cut,
            })
            .count();
        self.names.get(index).map_or("", String::as_str)
    }
}

/// A minimal clinically important difference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Mcid {
    /// How `points` and `percent` combine.
    pub rule: McidRule,
    /// Threshold in score units (PPT: kg/cm²).
    #[serde(default)]
    pub points: Option<Ratio>,
    /// Threshold in percent of the baseline score.
    #[serde(default)]
    pub percent: Option<u32>,
    /// Sources and alternatives.
    pub note: String,
}

/// Which criterion of an [`Mcid`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum McidRule {
    /// `|change| ≥ points`.
    Points,
    /// `|change| ≥ percent % of baseline`; `points` when the baseline is 0.
    Percent,
    /// Either criterion (ODI).
    PointsOrPercent,
}

static DEFINITIONS: LazyLock<Vec<Definition>> = LazyLock::new(load);

#[expect(
    clippy::expect_used,
    reason = "the file is compiled in and a unit test parses it: a broken file is a build defect"
)]
fn load() -> Vec<Definition> {
    parse(include_str!("../data/instruments.toml")).expect("data/instruments.toml is valid")
}

/// The definition of `instrument` (index = declaration order, checked by
/// `parse`).
pub(crate) fn definition(instrument: Instrument) -> &'static Definition {
    &DEFINITIONS[instrument as usize]
}

/// Parses the catalog and orders it like [`Instrument::ALL`], checking that
/// every instrument is there once with a rule the code can score.
fn parse(text: &str) -> Result<Vec<Definition>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        instrument: Vec<Definition>,
    }
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut by_id = BTreeMap::new();
    for def in file.instrument {
        if let Some(old) = by_id.insert(def.id.clone(), def) {
            return Err(format!("{}: defined twice", old.id));
        }
    }
    let mut ordered = Vec::with_capacity(Instrument::ALL.len());
    for (index, instrument) in Instrument::ALL.into_iter().enumerate() {
        if instrument as usize != index {
            return Err(format!("Instrument::ALL is not in declaration order at {instrument}"));
        }
        let def = by_id
            .remove(instrument.as_str())
            .ok_or_else(|| format!("{instrument}: no definition"))?;
        check(instrument, &def).map_err(|e| format!("{instrument}: {e}"))?;
        ordered.push(def);
    }
    match by_id.keys().next() {
        Some(extra) => Err(format!("{extra}: not an Instrument")),
        None => Ok(ordered),
    }
}

fn check(instrument: Instrument, def: &Definition) -> Result<(), String> {
    let rule_fits = match (&def.scoring, instrument) {
        (Scoring::Single(_), Instrument::Nprs)
        | (Scoring::PptMean(_), Instrument::Ppt)
        | (Scoring::Acr2016(_), Instrument::Acr2016Fm) => true,
        (Scoring::Single(_) | Scoring::PptMean(_) | Scoring::Acr2016(_), _)
        | (_, Instrument::Nprs | Instrument::Ppt | Instrument::Acr2016Fm) => false,
        _ => true,
    };
    if !rule_fits {
        return Err("the scoring rule does not fit this instrument".into());
    }
    if let Some(rule) = def.scoring.item_rule() {
        let ok = !rule.items.is_empty()
            && (1..=rule.max_items()).contains(&rule.min_items())
            && (1..=rule.min_items()).contains(&rule.min_answered)
            && rule.response.min < rule.response.max;
        if !ok {
            return Err("inconsistent item counts or response range".into());
        }
    }
    if let Scoring::Acr2016(rule) = &def.scoring {
        let mut ids: Vec<&str> = rule
            .regions
            .iter()
            .flat_map(|r| &r.areas)
            .map(|a| a.id.as_str())
            .collect();
        let areas = ids.len();
        ids.sort_unstable();
        ids.dedup();
        let symptoms: Vec<&str> = rule.symptoms.iter().map(|s| s.id.as_str()).collect();
        if ids.len() != areas || rule.regions.len() != 5 || symptoms != crate::acr::AcrSymptoms::FIELDS {
            return Err("the regions, areas or symptom fields are not those of section 9".into());
        }
    }
    if let Some(bands) = &def.bands {
        let ascending = bands.cuts.windows(2).all(|w| w[0] < w[1]);
        if !ascending || bands.names.len() != bands.cuts.len() + 1 {
            return Err("bands need ascending cuts and one more name than cuts".into());
        }
    }
    if let Some(mcid) = &def.mcid {
        let ok = match mcid.rule {
            McidRule::Points => mcid.points.is_some(),
            McidRule::Percent => mcid.percent.is_some(),
            McidRule::PointsOrPercent => mcid.points.is_some() && mcid.percent.is_some(),
        };
        if !ok {
            return Err("the MCID lacks the threshold its rule needs".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_compiled_in_catalog_is_valid() {
        let defs = parse(include_str!("../data/instruments.toml")).unwrap();
        assert_eq!(defs.len(), Instrument::ALL.len());
        for instrument in Instrument::ALL {
            assert_eq!(instrument.definition().id, instrument.as_str());
        }
    }

    #[test]
    fn item_counts_and_ranges_follow_the_spec() {
        // (instrument, items, min items, response, min answered, decimals)
        let table = [
            (Instrument::Nprs, 1, 1, (0, 10), 1, 0),
            (Instrument::Ndi, 10, 10, (0, 5), 9, 1),
            (Instrument::Odi, 10, 10, (0, 5), 9, 1),
            (Instrument::QuickDash, 11, 11, (1, 5), 10, 1),
            (Instrument::QuickDashWork, 4, 4, (1, 5), 4, 1),
            (Instrument::QuickDashSport, 4, 4, (1, 5), 4, 1),
            (Instrument::BctqSss, 11, 11, (1, 5), 10, 2),
            (Instrument::BctqFss, 8, 8, (1, 5), 7, 2),
            (Instrument::Lefs, 20, 20, (0, 4), 18, 1),
            (Instrument::Jfls8, 8, 8, (0, 10), 6, 2),
            (Instrument::Psfs, 5, 1, (0, 10), 1, 2),
        ];
        for (instrument, items, min_items, (lo, hi), min_answered, decimals) in table {
            let rule = instrument.definition().scoring.item_rule().unwrap();
            assert_eq!(rule.max_items(), items, "{instrument}");
            assert_eq!(rule.min_items(), min_items, "{instrument}");
            assert_eq!((rule.response.min, rule.response.max), (lo, hi), "{instrument}");
            assert_eq!(rule.min_answered, min_answered, "{instrument}");
            assert_eq!(rule.decimals, decimals, "{instrument}");
        }
    }

    #[test]
    fn broken_catalogs_are_rejected() {
        let good = include_str!("../data/instruments.toml");
        assert!(parse(&good.replace("id = \"lefs\"", "id = \"lefs2\"")).is_err());
        assert!(parse(&good.replace("min_answered = 9", "min_answered = 11")).is_err());
        assert!(parse(&good.replace("cuts = [\"10\", \"30\"", "cuts = [\"30\", \"10\"")).is_err());
        assert!(parse(&good.replace("id = \"neck\"", "id = \"chest\"")).is_err());
        assert!(parse(&format!("{good}\nbogus = 1\n")).is_err());
    }
}
