//! The JSON edge used by the CLI and the HTTP API. Only this module knows
//! `serde_json`: it reads the input objects of spec 0.5 into the typed calls
//! and renders their results with exactly the spec's result keys.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::acr::{self, AcrInput, AcrSymptoms, acr2016_fm};
use crate::catalog::ItemRule;
use crate::change::{NPRS_PERCENT_DECIMALS, nprs_change};
use crate::error::Problem;
use crate::items::{ItemScore, item_rule, nprs, score_items};
use crate::ppt::{PptUnit, ppt};
use crate::{Instrument, Ratio, ScoringError};

/// Scores `input` (an object of spec 0.5) with the instrument `instrument`
/// (an id such as `"ndi"`) and returns the result object: exactly the
/// spec's keys, numbers rounded per spec 0.2 (whole-number scores as JSON
/// integers), `null` for the score and band of an invalid result.
///
/// NPRS takes either `{"value": n|null}` or `{"baseline": n, "followup": n}`.
/// ACR 2016 takes `{"regions": [area ids], "fatigue", "waking_unrefreshed",
/// "cognitive", "headaches", "lower_abdominal", "depression",
/// "duration_months"}`.
///
/// Unknown keys, missing keys, wrong types, wrong lengths, fractional or
/// out-of-range answers are errors; too many unanswered items is not.
pub fn score_json(instrument: &str, input: &Value) -> Result<Value, ScoringError> {
    let instrument: Instrument = instrument.parse()?;
    let Value::Object(input) = input else {
        return Err(wrong_type("input".to_owned(), "an object", input));
    };
    match instrument {
        Instrument::Nprs => nprs_json(input),
        Instrument::Ppt => ppt_json(input),
        Instrument::Acr2016Fm => acr_json(input),
        _ => items_json(instrument, input),
    }
}

fn items_json(instrument: Instrument, input: &Map<String, Value>) -> Result<Value, ScoringError> {
    only_keys(input, &["items"])?;
    let items = array(required(input, "items")?, "items")?;
    let rule = item_rule(instrument)?;
    // The length first, so that a short array is reported as such.
    if !(rule.min_items()..=rule.max_items()).contains(&items.len()) {
        let (min, max) = (rule.min_items(), rule.max_items());
        return Err(ScoringError::count("items", min, max, "answers", items.len()));
    }
    let answers = items
        .iter()
        .enumerate()
        .map(|(index, value)| answer(rule, value, &|| format!("items[{index}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(item_result(&score_items(instrument, &answers)?))
}

fn nprs_json(input: &Map<String, Value>) -> Result<Value, ScoringError> {
    if !(input.contains_key("baseline") || input.contains_key("followup")) {
        only_keys(input, &["value"])?;
        let value = answer(item_rule(Instrument::Nprs)?, required(input, "value")?, &|| {
            "value".to_owned()
        })?;
        return Ok(item_result(&nprs(value)?));
    }
    only_keys(input, &["baseline", "followup"])?;
    let rule = item_rule(Instrument::Nprs)?;
    let range = (i64::from(rule.response.min), i64::from(rule.response.max));
    let rating = |key: &'static str| -> Result<u8, ScoringError> {
        let field = || key.to_owned();
        let value = whole_in_range(required(input, key)?, &field, "a whole number", range)?;
        u8::try_from(value).map_err(|_| ScoringError::invalid(key, Problem::NotRepresentable(value.to_string())))
    };
    let change = nprs_change(rating("baseline")?, rating("followup")?)?;
    let percent = change.percent_change.and_then(|p| p.round_dp(NPRS_PERCENT_DECIMALS));
    Ok(json!({
        "change": change.change,
        "percent_change": decimal(percent),
        "improved_2pt": change.improved_2pt,
        "improved_30pct": change.improved_30pct,
    }))
}

fn ppt_json(input: &Map<String, Value>) -> Result<Value, ScoringError> {
    only_keys(input, &["trials", "unit"])?;
    let trials = array(required(input, "trials")?, "trials")?
        .iter()
        .enumerate()
        .map(|(index, value)| exact_number(value, &|| format!("trials[{index}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let unit: PptUnit = match required(input, "unit")? {
        Value::String(unit) => unit.parse()?,
        other => return Err(wrong_type("unit".to_owned(), "a string", other)),
    };
    let mean = ppt(&trials, unit)?;
    Ok(json!({
        "mean_kpa": decimal(Some(mean.mean_kpa)),
        "mean_kg_cm2": decimal(Some(mean.mean_kg_cm2)),
    }))
}

fn acr_json(input: &Map<String, Value>) -> Result<Value, ScoringError> {
    let mut keys = vec!["regions", "duration_months"];
    keys.extend(AcrSymptoms::FIELDS);
    only_keys(input, &keys)?;
    let regions = array(required(input, "regions")?, "regions")?
        .iter()
        .enumerate()
        .map(|(index, value)| match value {
            Value::String(id) => Ok(id.clone()),
            other => Err(wrong_type(format!("regions[{index}]"), "a string", other)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rule = acr::rule(&Instrument::Acr2016Fm.definition().scoring)?;
    let mut symptoms = AcrSymptoms::default();
    for symptom in &rule.symptoms {
        let field = || symptom.id.clone();
        let range = (0, i64::from(symptom.max));
        let value = whole_in_range(required(input, &symptom.id)?, &field, "a whole number", range)?;
        if let (Some(slot), Ok(value)) = (symptoms.field_mut(&symptom.id), u8::try_from(value)) {
            *slot = value;
        }
    }
    let duration_months = exact_number(required(input, "duration_months")?, &|| "duration_months".to_owned())?;
    let result = acr2016_fm(&AcrInput {
        regions,
        symptoms,
        duration_months,
    })?;
    Ok(json!({
        "wpi": result.wpi,
        "sss": result.sss,
        "fs": result.fs,
        "generalized_pain": result.generalized_pain,
        "meets_criteria": result.meets_criteria,
        "fs_band": result.fs_band,
    }))
}

/// `{valid, score}` plus `raw` (NDI) and `band` where the instrument has them.
fn item_result(score: &ItemScore) -> Value {
    let def = score.instrument.definition();
    let mut out = Map::new();
    out.insert("valid".into(), Value::Bool(score.is_valid()));
    out.insert("score".into(), decimal(score.rounded_score()));
    if def.scoring.item_rule().is_some_and(|rule| rule.raw_decimals.is_some()) {
        out.insert("raw".into(), decimal(score.rounded_raw()));
    }
    if def.bands.is_some() {
        out.insert("band".into(), score.band.map_or(Value::Null, Value::from));
    }
    Value::Object(out)
}

/// A rounded output number: a JSON integer at scale 0, else the nearest
/// double to the rounded decimal (which prints as that decimal).
fn decimal(value: Option<Decimal>) -> Value {
    match value {
        None => Value::Null,
        Some(d) if d.scale() == 0 => i64::try_from(d.mantissa()).map_or(Value::Null, Value::from),
        Some(d) => d.to_string().parse::<f64>().map_or(Value::Null, Value::from),
    }
}

/// One item answer: `null` or a whole number in the response range.
fn answer(rule: &ItemRule, value: &Value, field: &dyn Fn() -> String) -> Result<Option<u8>, ScoringError> {
    if value.is_null() {
        return Ok(None);
    }
    let range = (i64::from(rule.response.min), i64::from(rule.response.max));
    let value = whole_in_range(value, field, "a whole number or null", range)?;
    u8::try_from(value)
        .map(Some)
        .map_err(|_| ScoringError::invalid(field(), Problem::NotRepresentable(value.to_string())))
}

/// A JSON number with no fractional part (`3` or `3.0`) within `min..=max`.
fn whole_in_range(
    value: &Value,
    field: &dyn Fn() -> String,
    expected: &'static str,
    (min, max): (i64, i64),
) -> Result<i64, ScoringError> {
    let Value::Number(number) = value else {
        return Err(wrong_type(field(), expected, value));
    };
    let out_of_range = || {
        ScoringError::invalid(
            field(),
            Problem::OutOfRange {
                value: number.to_string(),
                min,
                max,
            },
        )
    };
    if let Some(whole) = number.as_i64() {
        return if (min..=max).contains(&whole) {
            Ok(whole)
        } else {
            Err(out_of_range())
        };
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    if float.fract() != 0.0 {
        Err(ScoringError::invalid(field(), Problem::NotWhole(number.to_string())))
    } else if (min as f64..=max as f64).contains(&float) {
        Ok(float as i64)
    } else {
        Err(out_of_range())
    }
}

/// A JSON number read exactly: integers as they are, other numbers from the
/// shortest decimal text of their double (`0.1` is 1/10, not 0.1000000000000000055…).
fn exact_number(value: &Value, field: &dyn Fn() -> String) -> Result<Ratio, ScoringError> {
    let Value::Number(number) = value else {
        return Err(wrong_type(field(), "a number", value));
    };
    if let Some(whole) = number.as_i64() {
        return Ok(Ratio::from(whole));
    }
    if let Some(whole) = number.as_u64() {
        return Ok(Ratio::from_integer(i128::from(whole)));
    }
    number
        .as_f64()
        .and_then(|float| float.to_string().parse().ok())
        .ok_or_else(|| ScoringError::invalid(field(), Problem::NotRepresentable(number.to_string())))
}

fn only_keys(input: &Map<String, Value>, allowed: &[&str]) -> Result<(), ScoringError> {
    match input.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(ScoringError::invalid("input", Problem::UnknownKey(key.clone()))),
        None => Ok(()),
    }
}

fn required<'a>(input: &'a Map<String, Value>, key: &str) -> Result<&'a Value, ScoringError> {
    input
        .get(key)
        .ok_or_else(|| ScoringError::invalid(key, Problem::Missing))
}

fn array<'a>(value: &'a Value, field: &str) -> Result<&'a Vec<Value>, ScoringError> {
    match value {
        Value::Array(values) => Ok(values),
        other => Err(wrong_type(field.to_owned(), "an array", other)),
    }
}

fn wrong_type(field: String, expected: &'static str, got: &Value) -> ScoringError {
    let got = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    ScoringError::invalid(field, Problem::WrongType { expected, got })
}
