//! Change scores (spec 0.4, 1 and 11): the NPRS change flags and the MCID
//! classifier for progress pages.

use crate::catalog::{HigherIs, McidRule};
use crate::items::{check_answer, item_rule};
use crate::{Instrument, Ratio, ScoringError};

/// NPRS change between two ratings (spec section 1), `change = followup −
/// baseline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NprsChange {
    /// `followup − baseline` (negative = less pain).
    pub change: i32,
    /// `change / baseline × 100`, exact; `None` when the baseline is 0.
    pub percent_change: Option<Ratio>,
    /// `baseline − followup ≥ 2`.
    pub improved_2pt: bool,
    /// `baseline > 0` and `10 × (baseline − followup) ≥ 3 × baseline`: the
    /// main criterion.
    pub improved_30pct: bool,
}

/// Output decimals of [`NprsChange::percent_change`].
pub const NPRS_PERCENT_DECIMALS: u32 = 1;

/// Computes the NPRS change flags in the spec's integer form. Both ratings
/// must be whole numbers 0-10.
pub fn nprs_change(baseline: u8, followup: u8) -> Result<NprsChange, ScoringError> {
    let rule = item_rule(Instrument::Nprs)?;
    check_answer(rule, i64::from(baseline), || "baseline".to_owned())?;
    check_answer(rule, i64::from(followup), || "followup".to_owned())?;
    let (b, f) = (i32::from(baseline), i32::from(followup));
    Ok(NprsChange {
        change: f - b,
        percent_change: Ratio::new(i128::from(f - b) * 100, i128::from(b)),
        improved_2pt: b - f >= 2,
        improved_30pct: b > 0 && 10 * (b - f) >= 3 * b,
    })
}

/// Whether a change is clinically meaningful, by the default MCID (spec 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeVerdict {
    /// At least the MCID, in the instrument's "better" direction.
    MeaningfulImprovement,
    /// Less than the MCID either way.
    NoMeaningfulChange,
    /// At least the MCID, in the "worse" direction.
    MeaningfulWorsening,
}

/// Classifies `baseline → followup` (unrounded scores in the instrument's own
/// units: NDI in percent, PPT in kg/cm²) against the default MCID of
/// section 11. Reaching the MCID exactly counts as meaningful.
///
/// - NPRS: 30 % of baseline is the main criterion (the 2-point flag is in
///   [`nprs_change`]); from a baseline of 0 no percent exists, so a rise
///   counts as worsening from 2 points.
/// - ODI: 10 points, or 30 % of baseline.
/// - NDI 15 %-points (7.5 raw), QuickDASH 15.9, BCTQ SSS 1.05 / FSS 1.13,
///   LEFS 9, PSFS 2 (average score), PPT 0.34 kg/cm².
/// - Worsening mirrors improvement: the same threshold the other way.
///
/// `None` when the instrument has no MCID (JFLS-8, ACR 2016, the QuickDASH
/// modules), or for values so extreme that the change cannot be computed
/// exactly.
pub fn classify_change(instrument: Instrument, baseline: Ratio, followup: Ratio) -> Option<ChangeVerdict> {
    let def = instrument.definition();
    let mcid = def.mcid.as_ref()?;
    let change = followup.checked_sub(baseline)?;
    let size = change.checked_abs()?;
    let by_points = mcid.points.map(|points| size >= points);
    let by_percent = match mcid.percent {
        // size / |baseline| ≥ percent / 100
        Some(percent) if baseline != Ratio::ZERO => {
            let threshold = baseline
                .checked_abs()?
                .checked_mul(Ratio::new(i128::from(percent), 100)?)?;
            Some(size >= threshold)
        }
        _ => None,
    };
    let meaningful = match mcid.rule {
        McidRule::Points => by_points?,
        McidRule::Percent => by_percent.or(by_points)?,
        McidRule::PointsOrPercent => by_points? || by_percent == Some(true),
    };
    let better = match def.higher_is {
        HigherIs::Worse => change < Ratio::ZERO,
        HigherIs::Better => change > Ratio::ZERO,
    };
    Some(match (meaningful && size != Ratio::ZERO, better) {
        (false, _) => ChangeVerdict::NoMeaningfulChange,
        (true, true) => ChangeVerdict::MeaningfulImprovement,
        (true, false) => ChangeVerdict::MeaningfulWorsening,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nprs_flags_follow_the_data_mcid() {
        // The flag names are fixed by the spec; the data must agree with them.
        let mcid = Instrument::Nprs.definition().mcid.as_ref().unwrap();
        assert_eq!(mcid.rule, McidRule::Percent);
        assert_eq!(mcid.percent, Some(30));
        assert_eq!(mcid.points, Some(Ratio::from(2_i64)));
    }
}
