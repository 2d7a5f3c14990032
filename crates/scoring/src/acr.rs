//! ACR 2016 revised fibromyalgia diagnostic criteria (spec 9; Wolfe et al.
//! 2016), with the fibromyalgia severity (FS) band of Wolfe et al. 2015.

use crate::catalog::{AcrRule, Scoring};
use crate::error::Problem;
use crate::{Instrument, Ratio, ScoringError};

/// Criterion 1, first branch: WPI ≥ 7 and SSS ≥ 5.
const HIGH_WPI: usize = 7;
const SSS_WITH_HIGH_WPI: u8 = 5;
/// Criterion 1, second branch (2016, not 2010's 3-6): WPI 4-6 and SSS ≥ 9.
const LOW_WPI: std::ops::RangeInclusive<usize> = 4..=6;
const SSS_WITH_LOW_WPI: u8 = 9;
/// Criterion 2: generalized pain in at least 4 of the 5 regions.
const MIN_PAIN_REGIONS: usize = 4;

/// The six Symptom Severity Scale fields (spec 9.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AcrSymptoms {
    /// Fatigue in the past week, 0-3.
    pub fatigue: u8,
    /// Waking unrefreshed in the past week, 0-3.
    pub waking_unrefreshed: u8,
    /// Cognitive symptoms in the past week, 0-3.
    pub cognitive: u8,
    /// Headaches in the previous 6 months, 0 or 1.
    pub headaches: u8,
    /// Lower abdominal pain or cramps in the previous 6 months, 0 or 1.
    pub lower_abdominal: u8,
    /// Depression in the previous 6 months, 0 or 1.
    pub depression: u8,
}

impl AcrSymptoms {
    /// The field ids, as in the input object and the definition data.
    pub const FIELDS: [&'static str; 6] = [
        "fatigue",
        "waking_unrefreshed",
        "cognitive",
        "headaches",
        "lower_abdominal",
        "depression",
    ];

    /// The value of a field by id.
    pub fn get(&self, field: &str) -> Option<u8> {
        let mut copy = *self;
        copy.field_mut(field).copied()
    }

    /// A field by id, for building the struct from a map of fields.
    pub fn field_mut(&mut self, field: &str) -> Option<&mut u8> {
        match field {
            "fatigue" => Some(&mut self.fatigue),
            "waking_unrefreshed" => Some(&mut self.waking_unrefreshed),
            "cognitive" => Some(&mut self.cognitive),
            "headaches" => Some(&mut self.headaches),
            "lower_abdominal" => Some(&mut self.lower_abdominal),
            "depression" => Some(&mut self.depression),
            _ => None,
        }
    }
}

/// What the criteria need.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcrInput {
    /// Painful WPI area ids (section 9.1 ids such as `shoulder_girdle_left`,
    /// not body-areas.toml ids); each at most once.
    pub regions: Vec<String>,
    /// The SSS fields.
    pub symptoms: AcrSymptoms,
    /// How long symptoms have been at a similar level, in months (≥ 0).
    pub duration_months: Ratio,
}

/// The criteria result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcrResult {
    /// Widespread Pain Index, 0-19.
    pub wpi: u8,
    /// Symptom Severity Scale, 0-12.
    pub sss: u8,
    /// Fibromyalgia severity `wpi + sss`, 0-31.
    pub fs: u8,
    /// Regions (of 5) with pain in a non-excluded area.
    pub pain_regions: u8,
    /// Criterion 2: `pain_regions ≥ 4`.
    pub generalized_pain: bool,
    /// All three criteria hold.
    pub meets_criteria: bool,
    /// FS band: `none`, `mild`, `moderate`, `severe`, `very_severe`.
    pub fs_band: &'static str,
}

/// Applies the ACR 2016 criteria. Errors: an unknown or repeated area id, a
/// symptom value out of range, a negative duration.
pub fn acr2016_fm(input: &AcrInput) -> Result<AcrResult, ScoringError> {
    let def = Instrument::Acr2016Fm.definition();
    let rule = rule(&def.scoring)?;

    let mut seen: Vec<&str> = Vec::with_capacity(input.regions.len());
    let mut region_has_pain = vec![false; rule.regions.len()];
    for (index, id) in input.regions.iter().enumerate() {
        let found = rule
            .regions
            .iter()
            .enumerate()
            .find_map(|(region, r)| r.areas.iter().find(|area| area.id == *id).map(|area| (region, area)));
        let Some((region, area)) = found else {
            return Err(ScoringError::invalid(
                format!("regions[{index}]"),
                Problem::UnknownRegion(id.clone()),
            ));
        };
        if seen.contains(&id.as_str()) {
            return Err(ScoringError::invalid(
                format!("regions[{index}]"),
                Problem::DuplicateRegion(id.clone()),
            ));
        }
        seen.push(id);
        if area.generalized {
            region_has_pain[region] = true;
        }
    }

    let mut sss = 0_u8;
    for symptom in &rule.symptoms {
        let value = input.symptoms.get(&symptom.id).unwrap_or(0);
        if value > symptom.max {
            return Err(ScoringError::invalid(
                symptom.id.clone(),
                Problem::OutOfRange {
                    value: value.to_string(),
                    min: 0,
                    max: i64::from(symptom.max),
                },
            ));
        }
        sss = sss.saturating_add(value);
    }

    if input.duration_months < Ratio::ZERO {
        return Err(ScoringError::invalid(
            "duration_months",
            Problem::Negative(input.duration_months.to_string()),
        ));
    }

    let wpi = seen.len();
    let pain_regions = region_has_pain.iter().filter(|&&pain| pain).count();
    let severity = (wpi >= HIGH_WPI && sss >= SSS_WITH_HIGH_WPI) || (LOW_WPI.contains(&wpi) && sss >= SSS_WITH_LOW_WPI);
    let generalized_pain = pain_regions >= MIN_PAIN_REGIONS;
    let long_enough = input.duration_months >= rule.min_duration_months;
    // At most 19 areas (unknown and repeated ids are rejected above).
    let wpi = u8::try_from(wpi).unwrap_or(u8::MAX);
    let fs = wpi.saturating_add(sss);
    Ok(AcrResult {
        wpi,
        sss,
        fs,
        pain_regions: u8::try_from(pain_regions).unwrap_or(u8::MAX),
        generalized_pain,
        meets_criteria: severity && generalized_pain && long_enough,
        fs_band: def
            .bands
            .as_ref()
            .map_or("", |bands| bands.band(Ratio::from(u32::from(fs)))),
    })
}

pub(crate) fn rule(scoring: &Scoring) -> Result<&AcrRule, ScoringError> {
    match scoring {
        Scoring::Acr2016(rule) => Ok(rule),
        _ => Err(ScoringError::NotApplicable {
            instrument: Instrument::Acr2016Fm,
            what: "ACR 2016 criteria",
        }),
    }
}
