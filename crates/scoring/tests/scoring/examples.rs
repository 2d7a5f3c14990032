//! Worked examples, computed by hand from the spec, through `score_json`.

use myomap_scoring::{Instrument, score_json};
use serde_json::{Value, json};

use crate::{Expect, check_cases};

fn ok(keys: Value) -> Expect {
    Expect::Keys(keys)
}

fn err(line: &'static str) -> Expect {
    Expect::Error(line)
}

/// `n` copies of `value`, then the rest.
fn items(n: usize, value: Value, rest: &[Value]) -> Value {
    let mut all = vec![value; n];
    all.extend_from_slice(rest);
    json!({ "items": all })
}

fn zeros(n: usize) -> Vec<Value> {
    vec![json!(0); n]
}

#[test]
fn result_objects_have_exactly_the_spec_keys() {
    let item_keys = ["score", "valid"];
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("nprs", json!({"value": 4}), item_keys.to_vec()),
        (
            "nprs",
            json!({"baseline": 6, "followup": 3}),
            vec!["change", "improved_2pt", "improved_30pct", "percent_change"],
        ),
        ("ndi", items(10, json!(1), &[]), vec!["band", "raw", "score", "valid"]),
        ("odi", items(10, json!(1), &[]), vec!["band", "score", "valid"]),
        ("quickdash", items(11, json!(1), &[]), item_keys.to_vec()),
        ("quickdash_work", items(4, json!(1), &[]), item_keys.to_vec()),
        ("quickdash_sport", items(4, json!(1), &[]), item_keys.to_vec()),
        ("bctq_sss", items(11, json!(1), &[]), item_keys.to_vec()),
        ("bctq_fss", items(8, json!(1), &[]), item_keys.to_vec()),
        ("lefs", items(20, json!(1), &[]), item_keys.to_vec()),
        ("jfls8", items(8, json!(1), &[]), item_keys.to_vec()),
        ("psfs", items(3, json!(1), &[]), item_keys.to_vec()),
        (
            "ppt",
            json!({"trials": [3], "unit": "kg_cm2"}),
            vec!["mean_kg_cm2", "mean_kpa"],
        ),
        (
            "acr2016_fm",
            acr(&["neck"], [0, 0, 0, 0, 0, 0], json!(0)),
            vec!["fs", "fs_band", "generalized_pain", "meets_criteria", "sss", "wpi"],
        ),
    ];
    let mut covered: Vec<&str> = cases.iter().map(|case| case.0).collect();
    covered.dedup();
    let all: Vec<&str> = Instrument::ALL.iter().map(|i| i.as_str()).collect();
    assert_eq!(covered, all, "every instrument has a key-set case");
    for (instrument, input, keys) in cases {
        let result = score_json(instrument, &input).unwrap();
        let mut got: Vec<&str> = result.as_object().unwrap().keys().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, keys, "{instrument}");
    }
}

#[test]
fn nprs() {
    check_cases(&[
        ("nprs", json!({"value": 7}), ok(json!({"valid": true, "score": 7}))),
        ("nprs", json!({"value": 0}), ok(json!({"valid": true, "score": 0}))),
        ("nprs", json!({"value": 7.0}), ok(json!({"valid": true, "score": 7}))),
        (
            "nprs",
            json!({"value": null}),
            ok(json!({"valid": false, "score": null})),
        ),
        ("nprs", json!({"value": 11}), err("value: 11 is out of range 0-10")),
        ("nprs", json!({"value": -1}), err("value: -1 is out of range 0-10")),
        ("nprs", json!({"value": 6.5}), err("value: 6.5 is not a whole number")),
        (
            "nprs",
            json!({"value": "7"}),
            err("value: expected a whole number or null, got a string"),
        ),
        (
            "nprs",
            json!({"value": true}),
            err("value: expected a whole number or null, got a boolean"),
        ),
        ("nprs", json!({}), err("value: missing")),
        (
            "nprs",
            json!({"value": 3, "recall": "24h"}),
            err("input: unknown key \"recall\""),
        ),
    ]);
}

#[test]
fn nprs_change() {
    let change = |c: i64, p: Value, two: bool, thirty: bool| {
        ok(json!({"change": c, "percent_change": p, "improved_2pt": two, "improved_30pct": thirty}))
    };
    check_cases(&[
        // 10 × 3 = 30 ≥ 3 × 8 = 24
        (
            "nprs",
            json!({"baseline": 8, "followup": 5}),
            change(-3, json!(-37.5), true, true),
        ),
        // exactly 30 %: 10 × 3 = 30 ≥ 30
        (
            "nprs",
            json!({"baseline": 10, "followup": 7}),
            change(-3, json!(-30.0), true, true),
        ),
        // 2 points but only 20 %
        (
            "nprs",
            json!({"baseline": 10, "followup": 8}),
            change(-2, json!(-20.0), true, false),
        ),
        // 1 point but 33.3 %: 10 ≥ 9
        (
            "nprs",
            json!({"baseline": 3, "followup": 2}),
            change(-1, json!(-33.3), false, true),
        ),
        // 28.571… %: 20 < 21
        (
            "nprs",
            json!({"baseline": 7, "followup": 5}),
            change(-2, json!(-28.6), true, false),
        ),
        (
            "nprs",
            json!({"baseline": 0, "followup": 3}),
            change(3, Value::Null, false, false),
        ),
        (
            "nprs",
            json!({"baseline": 0, "followup": 0}),
            change(0, Value::Null, false, false),
        ),
        (
            "nprs",
            json!({"baseline": 4, "followup": 6}),
            change(2, json!(50.0), false, false),
        ),
        (
            "nprs",
            json!({"baseline": 6, "followup": 6}),
            change(0, json!(0.0), false, false),
        ),
        ("nprs", json!({"baseline": 6}), err("followup: missing")),
        (
            "nprs",
            json!({"baseline": 6, "followup": null}),
            err("followup: expected a whole number, got null"),
        ),
        (
            "nprs",
            json!({"baseline": 11, "followup": 3}),
            err("baseline: 11 is out of range 0-10"),
        ),
        (
            "nprs",
            json!({"baseline": 5, "followup": 2.5}),
            err("followup: 2.5 is not a whole number"),
        ),
        (
            "nprs",
            json!({"baseline": 5, "followup": 2, "value": 3}),
            err("input: unknown key \"value\""),
        ),
    ]);
}

#[test]
fn ndi() {
    let r = |score: f64, raw: f64, band: &str| ok(json!({"valid": true, "score": score, "raw": raw, "band": band}));
    check_cases(&[
        ("ndi", items(10, json!(0), &[]), r(0.0, 0.0, "none")),
        ("ndi", items(10, json!(5), &[]), r(100.0, 50.0, "complete")),
        // The spec's one-missing example: 16 of 45 → 35.6 %; raw 16 × 10 / 9.
        (
            "ndi",
            items(7, json!(2), &[Value::Null, json!(1), json!(1)]),
            r(35.6, 17.8, "moderate"),
        ),
        // Band boundaries (raw × 2 = percent), the cut goes to the upper band.
        ("ndi", items(4, json!(1), &zeros(6)), r(8.0, 4.0, "none")),
        ("ndi", items(5, json!(1), &zeros(5)), r(10.0, 5.0, "mild")),
        ("ndi", items(7, json!(2), &zeros(3)), r(28.0, 14.0, "mild")),
        ("ndi", items(5, json!(3), &zeros(5)), r(30.0, 15.0, "moderate")),
        ("ndi", items(8, json!(3), &zeros(2)), r(48.0, 24.0, "moderate")),
        ("ndi", items(5, json!(5), &zeros(5)), r(50.0, 25.0, "severe")),
        (
            "ndi",
            items(6, json!(5), &[json!(4), json!(0), json!(0), json!(0)]),
            r(68.0, 34.0, "severe"),
        ),
        ("ndi", items(7, json!(5), &zeros(3)), r(70.0, 35.0, "complete")),
        // Prorated (9 answered: percent = sum × 20 / 9) on both sides of 10 and 30.
        (
            "ndi",
            items(
                4,
                json!(1),
                &[json!(0), json!(0), json!(0), json!(0), json!(0), Value::Null],
            ),
            r(8.9, 4.4, "none"),
        ),
        (
            "ndi",
            items(5, json!(1), &[json!(0), json!(0), json!(0), json!(0), Value::Null]),
            r(11.1, 5.6, "mild"),
        ),
        (
            "ndi",
            items(6, json!(2), &[json!(1), json!(0), json!(0), Value::Null]),
            r(28.9, 14.4, "mild"),
        ),
        (
            "ndi",
            items(7, json!(2), &[json!(0), json!(0), Value::Null]),
            r(31.1, 15.6, "moderate"),
        ),
        // Two missing: not scored, not an error.
        (
            "ndi",
            items(8, json!(2), &[Value::Null, Value::Null]),
            ok(json!({"valid": false, "score": null, "raw": null, "band": null})),
        ),
        (
            "ndi",
            items(10, Value::Null, &[]),
            ok(json!({"valid": false, "score": null, "raw": null, "band": null})),
        ),
        // Validation.
        ("ndi", items(9, json!(1), &[]), err("items: expected 10 answers, got 9")),
        (
            "ndi",
            items(11, json!(1), &[]),
            err("items: expected 10 answers, got 11"),
        ),
        (
            "ndi",
            items(
                3,
                json!(1),
                &[json!(7), json!(1), json!(1), json!(1), json!(1), json!(1), json!(1)],
            ),
            err("items[3]: 7 is out of range 0-5"),
        ),
        (
            "ndi",
            items(9, json!(1), &[json!(-1)]),
            err("items[9]: -1 is out of range 0-5"),
        ),
        (
            "ndi",
            items(
                1,
                json!(1),
                &[
                    json!(2.5),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                ],
            ),
            err("items[1]: 2.5 is not a whole number"),
        ),
        (
            "ndi",
            items(
                2,
                json!(1),
                &[
                    json!("3"),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                    json!(1),
                ],
            ),
            err("items[2]: expected a whole number or null, got a string"),
        ),
        (
            "ndi",
            items(9, json!(1), &[json!(false)]),
            err("items[9]: expected a whole number or null, got a boolean"),
        ),
        (
            "ndi",
            items(9, json!(1), &[json!(1e300)]),
            err("items[9]: 1e+300 is out of range 0-5"),
        ),
        (
            "ndi",
            json!({"items": {"0": 1}}),
            err("items: expected an array, got an object"),
        ),
        ("ndi", json!({}), err("items: missing")),
        (
            "ndi",
            json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "raw": 10}),
            err("input: unknown key \"raw\""),
        ),
        ("ndi", json!([1, 1, 1]), err("input: expected an object, got an array")),
    ]);
}

#[test]
fn odi() {
    let r = |score: f64, band: &str| ok(json!({"valid": true, "score": score, "band": band}));
    check_cases(&[
        ("odi", items(10, json!(0), &[]), r(0.0, "minimal")),
        // The spec's example: 16/45 is 35.6 (not the truncated 35.5).
        (
            "odi",
            items(7, json!(2), &[json!(1), Value::Null, json!(1)]),
            r(35.6, "moderate"),
        ),
        // Band boundaries, complete: the cut goes to the lower band.
        ("odi", items(10, json!(1), &[]), r(20.0, "minimal")),
        ("odi", items(9, json!(1), &[json!(2)]), r(22.0, "moderate")),
        ("odi", items(10, json!(2), &[]), r(40.0, "moderate")),
        ("odi", items(9, json!(2), &[json!(3)]), r(42.0, "severe")),
        ("odi", items(10, json!(3), &[]), r(60.0, "severe")),
        ("odi", items(9, json!(3), &[json!(4)]), r(62.0, "crippled")),
        ("odi", items(10, json!(4), &[]), r(80.0, "crippled")),
        ("odi", items(9, json!(4), &[json!(5)]), r(82.0, "bed_bound")),
        ("odi", items(10, json!(5), &[]), r(100.0, "bed_bound")),
        // Prorated: exactly 20 and 40 with one missing (9/45, 18/45), and just above.
        ("odi", items(9, json!(1), &[Value::Null]), r(20.0, "minimal")),
        ("odi", items(8, json!(1), &[json!(2), Value::Null]), r(22.2, "moderate")),
        ("odi", items(9, json!(2), &[Value::Null]), r(40.0, "moderate")),
        ("odi", items(8, json!(2), &[json!(3), Value::Null]), r(42.2, "severe")),
        ("odi", items(9, json!(4), &[Value::Null]), r(80.0, "crippled")),
        (
            "odi",
            items(8, json!(4), &[json!(5), Value::Null]),
            r(82.2, "bed_bound"),
        ),
        (
            "odi",
            items(8, json!(2), &[Value::Null, Value::Null]),
            ok(json!({"valid": false, "score": null, "band": null})),
        ),
        ("odi", items(10, json!(6), &[]), err("items[0]: 6 is out of range 0-5")),
    ]);
}

#[test]
fn quickdash_and_modules() {
    let r = |score: f64| ok(json!({"valid": true, "score": score}));
    let invalid = || ok(json!({"valid": false, "score": null}));
    let list = |values: &[i64]| json!({ "items": values });
    check_cases(&[
        ("quickdash", items(11, json!(1), &[]), r(0.0)),
        ("quickdash", items(11, json!(5), &[]), r(100.0)),
        ("quickdash", items(11, json!(3), &[]), r(50.0)),
        // (28 / 11 − 1) × 25 = 425 / 11 = 38.636…
        ("quickdash", list(&[2, 3, 1, 4, 2, 3, 5, 1, 2, 2, 3]), r(38.6)),
        // One missing: n = 10.
        ("quickdash", items(10, json!(3), &[Value::Null]), r(50.0)),
        ("quickdash", items(9, json!(2), &[json!(3), Value::Null]), r(27.5)),
        ("quickdash", items(9, json!(3), &[Value::Null, Value::Null]), invalid()),
        (
            "quickdash",
            items(10, json!(1), &[json!(0)]),
            err("items[10]: 0 is out of range 1-5"),
        ),
        (
            "quickdash",
            items(10, json!(1), &[]),
            err("items: expected 11 answers, got 10"),
        ),
        // Modules: 4 items, all required. (5/4 − 1) × 25 = 6.25 → 6.3 (half away).
        ("quickdash_work", list(&[1, 1, 1, 2]), r(6.3)),
        ("quickdash_work", list(&[1, 2, 3, 4]), r(37.5)),
        ("quickdash_work", json!({"items": [1, 2, 3, null]}), invalid()),
        ("quickdash_sport", list(&[5, 5, 5, 4]), r(93.8)),
        (
            "quickdash_sport",
            list(&[1, 2, 3]),
            err("items: expected 4 answers, got 3"),
        ),
    ]);
}

#[test]
fn bctq() {
    let r = |score: f64| ok(json!({"valid": true, "score": score}));
    let invalid = || ok(json!({"valid": false, "score": null}));
    let list = |values: &[i64]| json!({ "items": values });
    check_cases(&[
        ("bctq_sss", items(11, json!(1), &[]), r(1.0)),
        ("bctq_sss", items(11, json!(5), &[]), r(5.0)),
        (
            "bctq_sss",
            json!({"items": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, null]}),
            r(3.0),
        ),
        // 24 / 11 = 2.1818…
        ("bctq_sss", list(&[2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3]), r(2.18)),
        ("bctq_sss", items(9, json!(2), &[Value::Null, Value::Null]), invalid()),
        // The spec's rounding example: 17 / 8 = 2.125 → 2.13 (not 2.12).
        ("bctq_fss", list(&[3, 2, 2, 2, 2, 2, 2, 2]), r(2.13)),
        ("bctq_fss", list(&[1, 1, 1, 1, 1, 1, 1, 2]), r(1.13)),
        // One missing: 23 / 7 = 3.2857…
        ("bctq_fss", json!({"items": [3, 3, 3, 3, 3, 4, 4, null]}), r(3.29)),
        ("bctq_fss", json!({"items": [3, 3, 3, 3, 3, 3, null, null]}), invalid()),
        (
            "bctq_fss",
            items(7, json!(1), &[json!(6)]),
            err("items[7]: 6 is out of range 1-5"),
        ),
        (
            "bctq_fss",
            items(11, json!(1), &[]),
            err("items: expected 8 answers, got 11"),
        ),
    ]);
}

#[test]
fn lefs() {
    check_cases(&[
        // Complete: a whole number, output as an integer.
        (
            "lefs",
            items(20, json!(4), &[]),
            ok(json!({"valid": true, "score": 80})),
        ),
        ("lefs", items(20, json!(0), &[]), ok(json!({"valid": true, "score": 0}))),
        (
            "lefs",
            items(20, json!(3), &[]),
            ok(json!({"valid": true, "score": 60})),
        ),
        // Prorated sum × 20 / answered, 1 dp.
        (
            "lefs",
            items(19, json!(3), &[Value::Null]),
            ok(json!({"valid": true, "score": 60.0})),
        ),
        (
            "lefs",
            items(18, json!(4), &[Value::Null, Value::Null]),
            ok(json!({"valid": true, "score": 80.0})),
        ),
        // 53 × 20 / 18 = 58.888…
        (
            "lefs",
            items(17, json!(3), &[json!(2), Value::Null, Value::Null]),
            ok(json!({"valid": true, "score": 58.9})),
        ),
        (
            "lefs",
            items(17, json!(3), &[Value::Null, Value::Null, Value::Null]),
            ok(json!({"valid": false, "score": null})),
        ),
        (
            "lefs",
            items(19, json!(4), &[json!(5)]),
            err("items[19]: 5 is out of range 0-4"),
        ),
    ]);
}

#[test]
fn jfls8() {
    let r = |score: f64| ok(json!({"valid": true, "score": score}));
    let list = |values: &[Value]| json!({ "items": values });
    let n = |v: i64| json!(v);
    check_cases(&[
        ("jfls8", items(8, json!(0), &[]), r(0.0)),
        ("jfls8", items(8, json!(10), &[]), r(10.0)),
        ("jfls8", list(&[n(1), n(2), n(3), n(4), n(5), n(6), n(7), n(8)]), r(4.5)),
        // Two missing allowed: 21 / 6 = 3.5; 7 / 6 = 1.1666…
        (
            "jfls8",
            list(&[n(1), n(2), n(3), n(4), n(5), n(6), Value::Null, Value::Null]),
            r(3.5),
        ),
        (
            "jfls8",
            list(&[n(1), n(1), Value::Null, n(1), n(1), n(1), n(2), Value::Null]),
            r(1.17),
        ),
        (
            "jfls8",
            items(5, json!(1), &[Value::Null, Value::Null, Value::Null]),
            ok(json!({"valid": false, "score": null})),
        ),
        (
            "jfls8",
            items(7, json!(0), &[json!(11)]),
            err("items[7]: 11 is out of range 0-10"),
        ),
    ]);
}

#[test]
fn psfs() {
    let r = |score: f64| ok(json!({"valid": true, "score": score}));
    let invalid = || ok(json!({"valid": false, "score": null}));
    check_cases(&[
        ("psfs", json!({"items": [3]}), r(3.0)),
        ("psfs", json!({"items": [3, 4, 6]}), r(4.33)),
        ("psfs", json!({"items": [1, 2, 2]}), r(1.67)),
        ("psfs", json!({"items": [2, 5, null]}), r(3.5)),
        ("psfs", json!({"items": [10, 10, 10, 10, 10]}), r(10.0)),
        ("psfs", json!({"items": [null]}), invalid()),
        ("psfs", json!({"items": [null, null, null]}), invalid()),
        (
            "psfs",
            json!({"items": []}),
            err("items: expected 1 to 5 answers, got 0"),
        ),
        (
            "psfs",
            json!({"items": [1, 2, 3, 4, 5, 6]}),
            err("items: expected 1 to 5 answers, got 6"),
        ),
        (
            "psfs",
            json!({"items": [1, 11]}),
            err("items[1]: 11 is out of range 0-10"),
        ),
    ]);
}

#[test]
fn ppt() {
    let r = |kpa: f64, kg: f64| ok(json!({"mean_kpa": kpa, "mean_kg_cm2": kg}));
    check_cases(&[
        // Mean 4 kg/cm² = 392.266 kPa.
        (
            "ppt",
            json!({"trials": [3.5, 4.0, 4.5], "unit": "kg_cm2"}),
            r(392.3, 4.0),
        ),
        ("ppt", json!({"trials": [1], "unit": "kg_cm2"}), r(98.1, 1.0)),
        // 310 / 98.0665 = 3.16112…
        ("ppt", json!({"trials": [300, 310, 320], "unit": "kpa"}), r(310.0, 3.16)),
        // 0.1 and 0.2 read exactly: mean 0.15 → 14.709975 kPa.
        ("ppt", json!({"trials": [0.1, 0.2], "unit": "kg_cm2"}), r(14.7, 0.15)),
        // A tie at 2 dp rounds away from zero: 0.005 → 0.01; 0.4903325 kPa.
        ("ppt", json!({"trials": [0.005], "unit": "kg_cm2"}), r(0.5, 0.01)),
        // 98.0665 kPa is exactly 1 kg/cm²; mean of three with a third.
        ("ppt", json!({"trials": [98.0665], "unit": "kpa"}), r(98.1, 1.0)),
        ("ppt", json!({"trials": [2, 2, 3], "unit": "kg_cm2"}), r(228.8, 2.33)),
        ("ppt", json!({"trials": [1, 2, 3, 4, 5], "unit": "kpa"}), r(3.0, 0.03)),
        (
            "ppt",
            json!({"trials": [], "unit": "kpa"}),
            err("trials: expected 1 to 5 trials, got 0"),
        ),
        (
            "ppt",
            json!({"trials": [1, 2, 3, 4, 5, 6], "unit": "kpa"}),
            err("trials: expected 1 to 5 trials, got 6"),
        ),
        (
            "ppt",
            json!({"trials": [3, 0], "unit": "kpa"}),
            err("trials[1]: 0 is not greater than 0"),
        ),
        (
            "ppt",
            json!({"trials": [-2.5], "unit": "kpa"}),
            err("trials[0]: -2.5 is not greater than 0"),
        ),
        (
            "ppt",
            json!({"trials": ["3"], "unit": "kpa"}),
            err("trials[0]: expected a number, got a string"),
        ),
        (
            "ppt",
            json!({"trials": [null], "unit": "kpa"}),
            err("trials[0]: expected a number, got null"),
        ),
        (
            "ppt",
            json!({"trials": [3], "unit": "psi"}),
            err("unit: unknown unit \"psi\" (expected \"kg_cm2\" or \"kpa\")"),
        ),
        (
            "ppt",
            json!({"trials": [3], "unit": 1}),
            err("unit: expected a string, got a number"),
        ),
        ("ppt", json!({"trials": [3]}), err("unit: missing")),
        (
            "ppt",
            json!({"trials": [3], "unit": "kpa", "site": "trapezius"}),
            err("input: unknown key \"site\""),
        ),
        (
            "ppt",
            json!({"trials": [1e300], "unit": "kpa"}),
            err("trials[0]: 1e+300 cannot be represented exactly"),
        ),
    ]);
}

/// An ACR input with these areas, SSS values in field order and duration.
fn acr(regions: &[&str], sss: [i64; 6], duration: Value) -> Value {
    json!({
        "regions": regions,
        "fatigue": sss[0],
        "waking_unrefreshed": sss[1],
        "cognitive": sss[2],
        "headaches": sss[3],
        "lower_abdominal": sss[4],
        "depression": sss[5],
        "duration_months": duration,
    })
}

#[test]
fn acr2016_branches() {
    let seven = [
        "shoulder_girdle_left",
        "upper_arm_right",
        "hip_left",
        "upper_leg_right",
        "neck",
        "upper_back",
        "lower_back",
    ];
    let four = ["shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "neck"];
    let r = |wpi: i64, sss: i64, generalized: bool, meets: bool, band: &str| {
        ok(
            json!({"wpi": wpi, "sss": sss, "fs": wpi + sss, "generalized_pain": generalized, "meets_criteria": meets, "fs_band": band}),
        )
    };
    check_cases(&[
        // Branch 1: WPI ≥ 7 and SSS ≥ 5.
        (
            "acr2016_fm",
            acr(&seven, [2, 2, 1, 0, 0, 0], json!(3)),
            r(7, 5, true, true, "severe"),
        ),
        (
            "acr2016_fm",
            acr(&seven, [2, 1, 1, 0, 0, 0], json!(3)),
            r(7, 4, true, false, "moderate"),
        ),
        (
            "acr2016_fm",
            acr(&seven[..6], [3, 3, 3, 1, 1, 1], json!(12)),
            r(6, 12, true, true, "severe"),
        ),
        // Branch 2: WPI 4-6 and SSS ≥ 9.
        (
            "acr2016_fm",
            acr(&four, [3, 3, 2, 1, 0, 0], json!(3)),
            r(4, 9, true, true, "severe"),
        ),
        (
            "acr2016_fm",
            acr(&four, [3, 3, 1, 1, 0, 0], json!(3)),
            r(4, 8, true, false, "severe"),
        ),
        // WPI 3 is the 2010/2011 lower branch, not 2016's.
        (
            "acr2016_fm",
            acr(&four[..3], [3, 3, 3, 1, 1, 1], json!(3)),
            r(3, 12, false, false, "severe"),
        ),
        // Criterion 3: at least 3 months.
        (
            "acr2016_fm",
            acr(&seven, [2, 2, 1, 0, 0, 0], json!(2.9)),
            r(7, 5, true, false, "severe"),
        ),
        (
            "acr2016_fm",
            acr(&seven, [2, 2, 1, 0, 0, 0], json!(3.0)),
            r(7, 5, true, true, "severe"),
        ),
        (
            "acr2016_fm",
            acr(&seven, [2, 2, 1, 0, 0, 0], json!(0)),
            r(7, 5, true, false, "severe"),
        ),
    ]);
}

#[test]
fn acr2016_generalized_pain_exclusions() {
    let r = |wpi: i64, generalized: bool, meets: bool| {
        ok(json!({"wpi": wpi, "generalized_pain": generalized, "meets_criteria": meets}))
    };
    let sss = [2, 2, 2, 0, 0, 0];
    check_cases(&[
        // Jaw, chest and abdomen count toward the WPI (8) but not toward
        // generalized pain: only regions 3 and 4 have pain.
        (
            "acr2016_fm",
            acr(
                &[
                    "jaw_left",
                    "jaw_right",
                    "chest",
                    "abdomen",
                    "hip_left",
                    "upper_leg_left",
                    "lower_leg_left",
                    "hip_right",
                ],
                sss,
                json!(6),
            ),
            r(8, false, false),
        ),
        // Region 1 only through the jaw, region 5 through the neck: 4 regions.
        (
            "acr2016_fm",
            acr(
                &[
                    "jaw_left",
                    "upper_arm_right",
                    "hip_left",
                    "hip_right",
                    "chest",
                    "abdomen",
                    "neck",
                ],
                sss,
                json!(6),
            ),
            r(7, true, true),
        ),
        // The same without the neck: region 5 only through chest/abdomen, 3 regions.
        (
            "acr2016_fm",
            acr(
                &[
                    "jaw_left",
                    "upper_arm_right",
                    "lower_arm_right",
                    "hip_left",
                    "hip_right",
                    "chest",
                    "abdomen",
                ],
                sss,
                json!(6),
            ),
            r(7, false, false),
        ),
        // Region 1 through the lower arm, with the jaw too.
        (
            "acr2016_fm",
            acr(
                &[
                    "jaw_left",
                    "lower_arm_left",
                    "jaw_right",
                    "lower_back",
                    "hip_left",
                    "lower_leg_left",
                    "upper_arm_left",
                ],
                sss,
                json!(6),
            ),
            r(7, false, false),
        ),
        (
            "acr2016_fm",
            acr(
                &[
                    "jaw_left",
                    "lower_arm_left",
                    "jaw_right",
                    "lower_back",
                    "hip_left",
                    "lower_leg_right",
                    "upper_arm_left",
                ],
                sss,
                json!(6),
            ),
            r(7, true, true),
        ),
    ]);
}

#[test]
fn acr2016_fs_bands() {
    const AREAS: [&str; 19] = [
        "jaw_left",
        "shoulder_girdle_left",
        "upper_arm_left",
        "lower_arm_left",
        "jaw_right",
        "shoulder_girdle_right",
        "upper_arm_right",
        "lower_arm_right",
        "hip_left",
        "upper_leg_left",
        "lower_leg_left",
        "hip_right",
        "upper_leg_right",
        "lower_leg_right",
        "neck",
        "upper_back",
        "lower_back",
        "chest",
        "abdomen",
    ];
    let band = |fs: usize, name: &str| {
        // SSS up to 12 first, then areas.
        let wpi = fs.saturating_sub(12);
        let sss = fs - wpi;
        let values = [3, 3, 3, 1, 1, 1];
        let mut left = sss as i64;
        let sss_fields: Vec<i64> = values
            .iter()
            .map(|&max| {
                let v = left.min(max);
                left -= v;
                v
            })
            .collect();
        (
            "acr2016_fm",
            acr(&AREAS[..wpi], sss_fields.try_into().unwrap(), json!(6)),
            ok(json!({"fs": fs, "fs_band": name})),
        )
    };
    check_cases(&[
        band(0, "none"),
        band(3, "none"),
        band(4, "mild"),
        band(7, "mild"),
        band(8, "moderate"),
        band(11, "moderate"),
        band(12, "severe"),
        band(19, "severe"),
        band(20, "very_severe"),
        band(31, "very_severe"),
    ]);
}

#[test]
fn acr2016_validation() {
    let sss = [1, 1, 1, 1, 1, 1];
    let mut no_depression = acr(&["neck"], sss, json!(4));
    no_depression.as_object_mut().unwrap().remove("depression");
    let mut extra = acr(&["neck"], sss, json!(4));
    extra.as_object_mut().unwrap().insert("criteria".into(), json!("2010"));
    check_cases(&[
        (
            "acr2016_fm",
            acr(&["neck", "upper_back", "knee_left"], sss, json!(4)),
            err("regions[2]: unknown region id \"knee_left\""),
        ),
        (
            "acr2016_fm",
            acr(&["neck", "neck"], sss, json!(4)),
            err("regions[1]: duplicate region id \"neck\""),
        ),
        // body-areas.toml ids are another namespace.
        (
            "acr2016_fm",
            acr(&["neck.posterior"], sss, json!(4)),
            err("regions[0]: unknown region id \"neck.posterior\""),
        ),
        (
            "acr2016_fm",
            json!({"regions": [1], "fatigue": 0}),
            err("regions[0]: expected a string, got a number"),
        ),
        (
            "acr2016_fm",
            acr(&["neck"], [4, 0, 0, 0, 0, 0], json!(4)),
            err("fatigue: 4 is out of range 0-3"),
        ),
        (
            "acr2016_fm",
            acr(&["neck"], [0, 0, 0, 2, 0, 0], json!(4)),
            err("headaches: 2 is out of range 0-1"),
        ),
        (
            "acr2016_fm",
            acr(&["neck"], [0, 0, 0, 0, 0, 0], json!(-1)),
            err("duration_months: -1 is negative"),
        ),
        (
            "acr2016_fm",
            acr(&["neck"], [0, 0, 0, 0, 0, 0], Value::Null),
            err("duration_months: expected a number, got null"),
        ),
        ("acr2016_fm", no_depression, err("depression: missing")),
        ("acr2016_fm", extra, err("input: unknown key \"criteria\"")),
        (
            "acr2016_fm",
            json!({"regions": [], "fatigue": 1.5}),
            err("fatigue: 1.5 is not a whole number"),
        ),
        (
            "acr2016_fm",
            json!({"regions": [], "fatigue": true}),
            err("fatigue: expected a whole number, got a boolean"),
        ),
    ]);
}

#[test]
fn unknown_instrument() {
    check_cases(&[
        ("foo", json!({}), err("unknown instrument \"foo\"")),
        ("NDI", json!({"items": []}), err("unknown instrument \"NDI\"")),
        ("", json!({}), err("unknown instrument \"\"")),
    ]);
}
