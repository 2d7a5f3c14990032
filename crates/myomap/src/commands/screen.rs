use std::io::Read;
use std::process::ExitCode;

use super::{bad_input, emit};

/// Screens one intake read as JSON from standard input and prints the
/// verdict: one JSON object with `--json`, readable lines without.
pub fn run(json: bool) -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let input: serde_json::Value = match serde_json::from_str(&text) {
        Ok(input) => input,
        Err(e) => return Ok(bad_input(format!("input: not a JSON object: {e}"))),
    };
    let result = match myomap_screening::screen_json(&input) {
        Ok(result) => result,
        Err(errors) => return Ok(bad_input(errors)),
    };
    if json {
        return Ok(emit(&format!("{result}\n")));
    }
    Ok(emit(&readable(&result)))
}

fn readable(result: &serde_json::Value) -> String {
    let mut out = String::new();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    out.push_str(&format!("outcome: {}", text(&result["outcome"])));
    if let Some(urgency) = result["urgency"].as_str() {
        out.push_str(&format!(" ({urgency})"));
    }
    out.push('\n');
    if let Some(advice) = result["advice"].as_object() {
        for (key, label) in [("action", "what to do"), ("tell_client", "tell the client")] {
            if let Some(line) = advice.get(key).and_then(|v| v.as_str()) {
                out.push_str(&format!("{label}: {line}\n"));
            }
        }
    }
    for reason in result["reasons"].as_array().into_iter().flatten() {
        out.push_str(&format!("reason: {}\n", text(&reason["text"])));
    }
    for precaution in result["precautions"].as_array().into_iter().flatten() {
        out.push_str(&format!("precaution: {}\n", text(precaution)));
    }
    out
}
