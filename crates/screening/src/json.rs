//! The JSON edge used by the CLI (`myomap screen --json`) and the API
//! (`POST /api/v1/screening`): one object in, one object out, every refusal
//! named by its field.

use myomap_domain::{AreaSite, ValidationErrors};
use serde_json::{Map, Value, json};

use crate::input::{Answer, MAX_AGE, ScreeningInput, ScreeningRequest};
use crate::verdict::screen;

/// Screens `{"conditions": [...], "age": 52, "answers": [{"question": "...", "sites": [...]}]}`
/// (every key optional) and answers
/// `{"outcome", "urgency", "reasons", "precautions", "advice"}`; `urgency`
/// and `advice` (`{label, action, tell_client}`) are null unless the outcome
/// is `refer_first`.
///
/// Unknown keys, wrong types, unknown condition or question ids, a follow-up
/// answered without its question, or areas where none are asked are refused,
/// each problem named by its path (`answers[1].question`).
pub fn screen_json(input: &Value) -> Result<Value, ValidationErrors> {
    let input = read(input)?;
    let verdict = screen(&input);
    Ok(json!({
        "outcome": verdict.outcome,
        "urgency": verdict.urgency,
        "reasons": verdict.reasons,
        "precautions": verdict.precautions,
        "advice": verdict.advice(),
    }))
}

/// Reads the JSON form into a validated input.
pub fn read(input: &Value) -> Result<ScreeningInput, ValidationErrors> {
    let Some(object) = input.as_object() else {
        return Err(ValidationErrors::single("input", "must be a JSON object"));
    };
    let mut errors = ValidationErrors::default();
    for key in object.keys() {
        if !["conditions", "age", "answers"].contains(&key.as_str()) {
            errors.add(shorten(key), "unknown field: the input has conditions, age and answers");
        }
    }
    let conditions = strings(&mut errors, object, "conditions");
    let age = match object.get("age") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64().and_then(|a| u32::try_from(a).ok()) {
            Some(age) => Some(age),
            None => {
                errors.add("age", format!("must be a whole number of years (0-{MAX_AGE}) or null"));
                None
            }
        },
    };
    let answers = answers(&mut errors, object);
    if !errors.is_empty() {
        return Err(errors);
    }
    ScreeningInput::try_from(ScreeningRequest {
        conditions,
        age,
        answers,
    })
}

fn shorten(key: &str) -> String {
    crate::answers::shown(key)
}

fn strings(errors: &mut ValidationErrors, object: &Map<String, Value>, key: &str) -> Vec<String> {
    match object.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.as_str() {
                Some(text) => Some(text.to_owned()),
                None => {
                    errors.add(format!("{key}[{i}]"), "must be a condition id (text)");
                    None
                }
            })
            .collect(),
        Some(_) => {
            errors.add(key, "must be a list of condition ids");
            Vec::new()
        }
    }
}

fn answers(errors: &mut ValidationErrors, object: &Map<String, Value>) -> Vec<Answer> {
    let items = match object.get("answers") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add("answers", "must be a list of {\"question\": id, \"sites\": [...]}");
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("answers[{i}]");
        let Some(fields) = item.as_object() else {
            errors.add(at, "must be an object {\"question\": id, \"sites\": [...]}");
            continue;
        };
        for key in fields.keys() {
            if key != "question" && key != "sites" {
                errors.add(
                    format!("{at}.{}", shorten(key)),
                    "unknown field: an answer has question and sites",
                );
            }
        }
        let question = match fields.get("question").map(Value::as_str) {
            Some(Some(id)) => id.to_owned(),
            Some(None) => {
                errors.add(format!("{at}.question"), "must be a question id (text)");
                continue;
            }
            None => {
                errors.add(format!("{at}.question"), "is required");
                continue;
            }
        };
        let mut sites = Vec::new();
        match fields.get("sites") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (j, site) in list.iter().enumerate() {
                    match serde_json::from_value::<AreaSite>(site.clone()) {
                        Ok(site) => sites.push(site),
                        Err(e) => errors.add(format!("{at}.sites[{j}]"), e.to_string()),
                    }
                }
            }
            Some(_) => errors.add(format!("{at}.sites"), "must be a list of {\"area\", \"side\"} objects"),
        }
        out.push(Answer { question, sites });
    }
    out
}
