//! Questionnaires scored from item answers: NPRS (single value), NDI, ODI,
//! QuickDASH and its modules, BCTQ SSS/FSS, LEFS, JFLS-8, PSFS.

use rust_decimal::Decimal;

use crate::catalog::{ItemRule, Scoring};
use crate::error::Problem;
use crate::{Instrument, Ratio, ScoringError};

/// The result of an item-based questionnaire, unrounded.
///
/// Too few answered items is not an error: `score` is then `None`
/// (`valid: false`), and so are `raw` and `band`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemScore {
    /// The instrument scored.
    pub instrument: Instrument,
    /// How many items were answered (non-`null`).
    pub answered: usize,
    /// The exact score; `None` when too many items are missing.
    pub score: Option<Ratio>,
    /// NDI only: the prorated raw sum `sum × 10 / answered` (0-50).
    pub raw: Option<Ratio>,
    /// The band of the unrounded score, for instruments with bands.
    pub band: Option<&'static str>,
}

impl ItemScore {
    /// Whether there were enough answers to score.
    pub fn is_valid(&self) -> bool {
        self.score.is_some()
    }

    /// Whether every item the instrument has was answered.
    pub fn is_complete(&self) -> bool {
        self.answered == self.rule().map_or(0, ItemRule::max_items)
    }

    /// Decimal places of the output score: the instrument's, or 0 for a
    /// complete LEFS (a whole number).
    pub fn score_decimals(&self) -> u32 {
        match self.rule() {
            Some(rule) if rule.whole_when_complete && self.is_complete() => 0,
            Some(rule) => rule.decimals,
            None => 0,
        }
    }

    /// The score rounded for output (spec 0.2), `None` when not valid.
    pub fn rounded_score(&self) -> Option<Decimal> {
        self.score?.round_dp(self.score_decimals())
    }

    /// The NDI raw sum rounded for output, `None` when not valid or not NDI.
    pub fn rounded_raw(&self) -> Option<Decimal> {
        self.raw?.round_dp(self.rule()?.raw_decimals?)
    }

    fn rule(&self) -> Option<&'static ItemRule> {
        self.instrument.definition().scoring.item_rule()
    }
}

/// Scores any item-based instrument from answers in official order (`None` =
/// not answered). Errors: wrong number of answers, an answer out of range,
/// or an instrument that is not item-based (`ppt`, `acr2016_fm`).
pub fn score_items(instrument: Instrument, items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    let def = instrument.definition();
    let rule = item_rule(instrument)?;
    if !(rule.min_items()..=rule.max_items()).contains(&items.len()) {
        let (min, max) = (rule.min_items(), rule.max_items());
        return Err(ScoringError::count("items", min, max, "answers", items.len()));
    }
    for (index, answer) in items.iter().enumerate() {
        if let Some(value) = answer {
            check_answer(rule, i64::from(*value), || format!("items[{index}]"))?;
        }
    }
    let answered = items.iter().flatten().count();
    let sum: i128 = items.iter().flatten().map(|&v| i128::from(v)).sum();
    let n = answered as i128;
    let score = if answered >= rule.min_answered {
        match &def.scoring {
            Scoring::Single(_) | Scoring::Mean(_) => Ratio::new(sum, n),
            Scoring::PercentOfRange(_) => {
                let (lo, hi) = (i128::from(rule.response.min), i128::from(rule.response.max));
                Ratio::new((sum - lo * n) * 100, (hi - lo) * n)
            }
            Scoring::ProratedSum(_) => prorated_sum(rule, sum, n),
            Scoring::PptMean(_) | Scoring::Acr2016(_) => None,
        }
    } else {
        None
    };
    let raw = match (score, rule.raw_decimals) {
        (Some(_), Some(_)) => prorated_sum(rule, sum, n),
        _ => None,
    };
    let band = match (score, &def.bands) {
        (Some(score), Some(bands)) => Some(bands.band(score)),
        _ => None,
    };
    Ok(ItemScore {
        instrument,
        answered,
        score,
        raw,
        band,
    })
}

/// The item parameters of `instrument`, or `NotApplicable` for PPT and ACR.
pub(crate) fn item_rule(instrument: Instrument) -> Result<&'static ItemRule, ScoringError> {
    instrument
        .definition()
        .scoring
        .item_rule()
        .ok_or(ScoringError::NotApplicable {
            instrument,
            what: "item answers",
        })
}

/// `sum × items / answered`: Vernon's NDI raw and the prorated LEFS.
fn prorated_sum(rule: &ItemRule, sum: i128, answered: i128) -> Option<Ratio> {
    Ratio::new(sum * rule.max_items() as i128, answered)
}

/// Rejects an answer outside the response range.
pub(crate) fn check_answer(rule: &ItemRule, value: i64, field: impl FnOnce() -> String) -> Result<(), ScoringError> {
    if rule.response.contains(value) {
        Ok(())
    } else {
        Err(ScoringError::invalid(
            field(),
            Problem::OutOfRange {
                value: value.to_string(),
                min: i64::from(rule.response.min),
                max: i64::from(rule.response.max),
            },
        ))
    }
}

/// NPRS, single rating (0-10; `None` gives `valid: false`).
pub fn nprs(value: Option<u8>) -> Result<ItemScore, ScoringError> {
    if let Some(value) = value {
        check_answer(item_rule(Instrument::Nprs)?, i64::from(value), || "value".to_owned())?;
    }
    score_items(Instrument::Nprs, &[value])
}

/// Neck Disability Index: 10 items 0-5, at most 1 missing; percent, raw, band.
pub fn ndi(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::Ndi, items)
}

/// Oswestry Disability Index v2.1a: 10 sections 0-5, at most 1 missing; band.
pub fn odi(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::Odi, items)
}

/// QuickDASH: 11 items 1-5, at least 10 answered; `(mean − 1) × 25`.
pub fn quickdash(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::QuickDash, items)
}

/// QuickDASH work module: 4 items 1-5, all required.
pub fn quickdash_work(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::QuickDashWork, items)
}

/// QuickDASH sports/performing-arts module: 4 items 1-5, all required.
pub fn quickdash_sport(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::QuickDashSport, items)
}

/// BCTQ Symptom Severity Scale: 11 items 1-5, mean, at most 1 missing.
pub fn bctq_sss(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::BctqSss, items)
}

/// BCTQ Functional Status Scale: 8 items 1-5, mean, at most 1 missing.
pub fn bctq_fss(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::BctqFss, items)
}

/// LEFS: 20 items 0-4, sum (higher = better), at most 2 missing (prorated).
pub fn lefs(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::Lefs, items)
}

/// JFLS-8: 8 items 0-10, mean of the answered, at most 2 missing.
pub fn jfls8(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::Jfls8, items)
}

/// PSFS: 1-5 activities rated 0-10 (higher = better), mean of the rated.
pub fn psfs(items: &[Option<u8>]) -> Result<ItemScore, ScoringError> {
    score_items(Instrument::Psfs, items)
}
