//! PPT: mean pressure pain threshold of 1-5 algometer trials (spec 10).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::catalog::{PptRule, Scoring};
use crate::error::Problem;
use crate::{Instrument, Ratio, ScoringError};

/// The unit the trials were measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PptUnit {
    /// `kg_cm2`: kg/cm² (kgf/cm²) = 98.0665 kPa.
    KgCm2,
    /// `kpa`: kilopascal.
    Kpa,
}

impl PptUnit {
    /// The id used in inputs: `kg_cm2` or `kpa`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::KgCm2 => "kg_cm2",
            Self::Kpa => "kpa",
        }
    }
}

impl fmt::Display for PptUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PptUnit {
    type Err = ScoringError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        match id {
            "kg_cm2" => Ok(Self::KgCm2),
            "kpa" => Ok(Self::Kpa),
            _ => Err(ScoringError::invalid("unit", Problem::UnknownUnit(id.to_owned()))),
        }
    }
}

/// The mean of the trials in both units: exact, and rounded for output
/// (`mean_kpa` 1 dp, `mean_kg_cm2` 2 dp), both from the same exact mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PptMean {
    /// Exact mean in kPa.
    pub exact_kpa: Ratio,
    /// Exact mean in kg/cm² (the unit of the MCID).
    pub exact_kg_cm2: Ratio,
    /// Output value of `mean_kpa`.
    pub mean_kpa: Decimal,
    /// Output value of `mean_kg_cm2`.
    pub mean_kg_cm2: Decimal,
}

/// Averages 1-5 trials, each > 0, given in `unit`.
pub fn ppt(trials: &[Ratio], unit: PptUnit) -> Result<PptMean, ScoringError> {
    let rule = rule()?;
    if !(1..=rule.max_trials).contains(&trials.len()) {
        return Err(ScoringError::count(
            "trials",
            1,
            rule.max_trials,
            "trials",
            trials.len(),
        ));
    }
    for (index, trial) in trials.iter().enumerate() {
        if *trial <= Ratio::ZERO {
            return Err(ScoringError::invalid(
                format!("trials[{index}]"),
                Problem::NotPositive(trial.to_string()),
            ));
        }
    }
    let too_precise = || ScoringError::invalid("trials", Problem::TooPrecise);
    let count = Ratio::from_integer(trials.len() as i128);
    let sum = trials
        .iter()
        .try_fold(Ratio::ZERO, |sum, &trial| sum.checked_add(trial))
        .ok_or_else(too_precise)?;
    let mean = sum.checked_div(count).ok_or_else(too_precise)?;
    let (exact_kpa, exact_kg_cm2) = match unit {
        PptUnit::Kpa => (mean, mean.checked_div(rule.kpa_per_kg_cm2)),
        PptUnit::KgCm2 => (
            mean.checked_mul(rule.kpa_per_kg_cm2).ok_or_else(too_precise)?,
            Some(mean),
        ),
    };
    let exact_kg_cm2 = exact_kg_cm2.ok_or_else(too_precise)?;
    Ok(PptMean {
        exact_kpa,
        exact_kg_cm2,
        mean_kpa: exact_kpa.round_dp(rule.kpa_decimals).ok_or_else(too_precise)?,
        mean_kg_cm2: exact_kg_cm2.round_dp(rule.kg_cm2_decimals).ok_or_else(too_precise)?,
    })
}

fn rule() -> Result<&'static PptRule, ScoringError> {
    match &Instrument::Ppt.definition().scoring {
        Scoring::PptMean(rule) => Ok(rule),
        _ => Err(ScoringError::NotApplicable {
            instrument: Instrument::Ppt,
            what: "algometer trials",
        }),
    }
}
