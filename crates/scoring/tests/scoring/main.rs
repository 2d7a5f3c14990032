//! The one integration-test binary of the scoring crate (one link, not one
//! per file): worked examples computed by hand from the spec, and property
//! tests for every instrument.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod change;
mod examples;
mod properties;

use myomap_scoring::score_json;
use serde_json::Value;

/// What a worked example expects: some result keys, or an error line.
pub enum Expect {
    /// These keys, with these exact JSON values (`35.6`, not `35.60`; `7`,
    /// not `7.0`). The full key set is checked separately.
    Keys(Value),
    /// `score_json` fails with exactly this `Display` line.
    Error(&'static str),
}

/// Runs a table of `(instrument, input, expected)` cases, reporting every
/// failure at once.
pub fn check_cases(cases: &[(&str, Value, Expect)]) {
    let mut failures = Vec::new();
    for (instrument, input, expect) in cases {
        let got = score_json(instrument, input);
        let ok = match (expect, &got) {
            (Expect::Keys(want), Ok(result)) => want
                .as_object()
                .unwrap()
                .iter()
                .all(|(key, value)| result.get(key) == Some(value)),
            (Expect::Error(want), Err(error)) => error.to_string() == *want,
            _ => false,
        };
        if !ok {
            let want = match expect {
                Expect::Keys(value) => value.to_string(),
                Expect::Error(line) => format!("error {line:?}"),
            };
            failures.push(format!("{instrument} {input}\n  want {want}\n  got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
