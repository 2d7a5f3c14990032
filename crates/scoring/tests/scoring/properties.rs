//! Property tests for every instrument.

use myomap_scoring::{
    AcrInput, AcrSymptoms, ChangeVerdict, Decimal, Instrument, ItemRule, McidRule, PptUnit, Ratio, Scoring, acr2016_fm,
    classify_change, nprs_change, ppt, psfs, score_items, score_json,
};
use proptest::prelude::*;
use proptest::{collection::vec, option, sample::select};
use serde_json::{Value, json};

const ITEM_INSTRUMENTS: [Instrument; 11] = [
    Instrument::Nprs,
    Instrument::Ndi,
    Instrument::Odi,
    Instrument::QuickDash,
    Instrument::QuickDashWork,
    Instrument::QuickDashSport,
    Instrument::BctqSss,
    Instrument::BctqFss,
    Instrument::Lefs,
    Instrument::Jfls8,
    Instrument::Psfs,
];

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

fn rule(instrument: Instrument) -> &'static ItemRule {
    instrument.definition().scoring.item_rule().unwrap()
}

/// An item instrument with a valid-length answer list (some `None`s).
fn answers() -> impl Strategy<Value = (Instrument, Vec<Option<u8>>)> {
    select(ITEM_INSTRUMENTS.to_vec()).prop_flat_map(|instrument| {
        let rule = rule(instrument);
        let (lo, hi) = (rule.response.min, rule.response.max);
        (
            Just(instrument),
            vec(option::weighted(0.85, lo..=hi), rule.min_items()..=rule.max_items()),
        )
    })
}

/// An item instrument, a complete answer list and a random order of its
/// positions (to choose which items go missing).
fn complete_answers() -> impl Strategy<Value = (Instrument, Vec<u8>, Vec<usize>)> {
    select(ITEM_INSTRUMENTS.to_vec())
        .prop_flat_map(|instrument| {
            let rule = rule(instrument);
            let (lo, hi) = (rule.response.min, rule.response.max);
            (Just(instrument), vec(lo..=hi, rule.min_items()..=rule.max_items()))
        })
        .prop_flat_map(|(instrument, values)| {
            let order: Vec<usize> = (0..values.len()).collect();
            (Just(instrument), Just(values), Just(order).prop_shuffle())
        })
}

/// The exact bounds of an item instrument's score.
fn bounds(instrument: Instrument) -> (Ratio, Ratio) {
    let rule = rule(instrument);
    let (lo, hi) = (i64::from(rule.response.min), i64::from(rule.response.max));
    let n = rule.max_items() as i64;
    let (lo, hi) = match &instrument.definition().scoring {
        Scoring::PercentOfRange(_) => (0, 100),
        Scoring::ProratedSum(_) => (lo * n, hi * n),
        _ => (lo, hi),
    };
    (Ratio::from(lo), Ratio::from(hi))
}

/// The JSON input for answers of an item instrument.
fn item_input(instrument: Instrument, answers: &[Option<u8>]) -> Value {
    match instrument {
        Instrument::Nprs => json!({ "value": answers[0] }),
        _ => json!({ "items": answers }),
    }
}

/// A rounded decimal as `score_json` renders it.
fn rendered(value: Option<Decimal>) -> Value {
    match value {
        None => Value::Null,
        Some(d) if d.scale() == 0 => json!(i64::try_from(d.mantissa()).unwrap()),
        Some(d) => json!(d.to_string().parse::<f64>().unwrap()),
    }
}

/// Any JSON value, biased toward the keys and values the scorers look at.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3_i64..14).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (-1e3_f64..1e3).prop_map(Value::from),
        select(vec!["kpa", "kg_cm2", "psi", "neck", "jaw_left", "chest", "", "7"]).prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    let keys = vec![
        "items",
        "value",
        "baseline",
        "followup",
        "trials",
        "unit",
        "regions",
        "fatigue",
        "waking_unrefreshed",
        "cognitive",
        "headaches",
        "lower_abdominal",
        "depression",
        "duration_months",
        "other",
    ];
    leaf.prop_recursive(3, 40, 22, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..22).prop_map(Value::Array),
            proptest::collection::btree_map(select(keys.clone()), inner, 0..9)
                .prop_map(|map| { Value::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()) }),
        ]
    })
}

fn ratio_strategy() -> impl Strategy<Value = Ratio> {
    (-100_000_i64..100_000, 0_u32..4).prop_map(|(m, scale)| Ratio::from(Decimal::new(m, scale)))
}

fn acr_input() -> impl Strategy<Value = AcrInput> {
    (
        Just(AREAS.to_vec()).prop_shuffle(),
        0..=AREAS.len(),
        (0_u8..=3, 0_u8..=3, 0_u8..=3, 0_u8..=1, 0_u8..=1, 0_u8..=1),
        0_i64..48,
    )
        .prop_map(|(areas, count, (f, w, c, h, l, d), duration)| AcrInput {
            regions: areas[..count].iter().map(|s| (*s).to_owned()).collect(),
            symptoms: AcrSymptoms {
                fatigue: f,
                waking_unrefreshed: w,
                cognitive: c,
                headaches: h,
                lower_abdominal: l,
                depression: d,
            },
            duration_months: Ratio::from(duration),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scores_stay_within_bounds_and_json_agrees((instrument, answers) in answers()) {
        let result = score_items(instrument, &answers).unwrap();
        let rule = rule(instrument);
        let answered = answers.iter().flatten().count();
        prop_assert_eq!(result.answered, answered);
        prop_assert_eq!(result.is_valid(), answered >= rule.min_answered);
        if let Some(score) = result.score {
            let (lo, hi) = bounds(instrument);
            prop_assert!(lo <= score && score <= hi, "{} out of {}..{}", score, lo, hi);
        }
        let def = instrument.definition();
        prop_assert_eq!(result.band.is_some(), result.is_valid() && def.bands.is_some());
        if instrument == Instrument::Ndi {
            // Vernon's prorated raw is exactly half the percent.
            prop_assert_eq!(result.raw.map(|raw| raw.checked_mul(Ratio::from(2_i64)).unwrap()), result.score);
        } else {
            prop_assert_eq!(result.raw, None);
        }
        let json = score_json(instrument.as_str(), &item_input(instrument, &answers)).unwrap();
        prop_assert_eq!(&json["valid"], &json!(result.is_valid()));
        prop_assert_eq!(&json["score"], &rendered(result.rounded_score()));
    }

    #[test]
    fn scores_are_monotonic_in_each_item(
        (instrument, answers) in answers(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let rule = rule(instrument);
        let raisable: Vec<usize> = (0..answers.len())
            .filter(|&i| answers[i].is_some_and(|v| v < rule.response.max))
            .collect();
        prop_assume!(!raisable.is_empty());
        let index = raisable[pick.index(raisable.len())];
        let mut higher = answers.clone();
        higher[index] = higher[index].map(|v| v + 1);
        let before = score_items(instrument, &answers).unwrap();
        let after = score_items(instrument, &higher).unwrap();
        prop_assert_eq!(before.is_valid(), after.is_valid());
        if let (Some(before), Some(after)) = (before.score, after.score) {
            prop_assert!(after > before, "{} then {}", before, after);
        }
    }

    #[test]
    fn missing_item_limits_hold_exactly_at_the_boundary(
        (instrument, values, order) in complete_answers(),
    ) {
        let rule = rule(instrument);
        let allowed_missing = values.len() - rule.min_answered;
        let with_missing = |missing: usize| {
            let mut answers: Vec<Option<u8>> = values.iter().copied().map(Some).collect();
            for &i in &order[..missing] {
                answers[i] = None;
            }
            answers
        };
        let at_limit = with_missing(allowed_missing);
        let past_limit = with_missing(allowed_missing + 1);
        prop_assert!(score_items(instrument, &at_limit).unwrap().is_valid());
        let invalid = score_items(instrument, &past_limit).unwrap();
        prop_assert!(!invalid.is_valid());
        prop_assert_eq!((invalid.score, invalid.raw, invalid.band), (None, None, None));
        let json = score_json(instrument.as_str(), &item_input(instrument, &past_limit)).unwrap();
        prop_assert_eq!(&json["valid"], &json!(false));
        prop_assert_eq!(&json["score"], &Value::Null);
        if instrument.definition().bands.is_some() {
            prop_assert_eq!(&json["band"], &Value::Null);
        }
    }

    #[test]
    fn out_of_range_answers_are_errors_naming_the_item(
        (instrument, answers) in answers(),
        pick in any::<proptest::sample::Index>(),
        above in any::<bool>(),
    ) {
        let rule = rule(instrument);
        let index = pick.index(answers.len());
        let bad = if above { i64::from(rule.response.max) + 1 } else { i64::from(rule.response.min) - 1 };
        let mut input: Vec<Value> = answers.iter().map(|a| json!(a)).collect();
        input[index] = json!(bad);
        let field = if instrument == Instrument::Nprs { "value".to_owned() } else { format!("items[{index}]") };
        let input = if instrument == Instrument::Nprs { json!({"value": bad}) } else { json!({ "items": input }) };
        let error = score_json(instrument.as_str(), &input).unwrap_err().to_string();
        prop_assert_eq!(
            error,
            format!("{field}: {bad} is out of range {}-{}", rule.response.min, rule.response.max)
        );
    }

    #[test]
    fn psfs_order_is_irrelevant(
        (ratings, shuffled) in vec(option::of(0_u8..=10), 1..=5)
            .prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
    ) {
        prop_assert_eq!(psfs(&ratings).unwrap(), psfs(&shuffled).unwrap());
        prop_assert_eq!(
            score_json("psfs", &json!({ "items": ratings })).unwrap(),
            score_json("psfs", &json!({ "items": shuffled })).unwrap()
        );
    }

    #[test]
    fn nprs_scores_and_change_flags(baseline in 0_u8..=10, followup in 0_u8..=10) {
        let single = score_json("nprs", &json!({ "value": baseline })).unwrap();
        prop_assert_eq!(single, json!({ "valid": true, "score": baseline }));
        let change = nprs_change(baseline, followup).unwrap();
        let (b, f) = (i32::from(baseline), i32::from(followup));
        prop_assert_eq!(change.change, f - b);
        prop_assert_eq!(change.improved_2pt, b - f >= 2);
        prop_assert_eq!(change.percent_change.is_none(), b == 0);
        // The integer form agrees with the exact percent.
        let thirty = change.percent_change.is_some_and(|p| p <= Ratio::from(-30_i64));
        prop_assert_eq!(change.improved_30pct, thirty);
        // The 30 % flag is the classifier's main criterion.
        let verdict = classify_change(Instrument::Nprs, Ratio::from(i64::from(b)), Ratio::from(i64::from(f)));
        prop_assert_eq!(change.improved_30pct, verdict == Some(ChangeVerdict::MeaningfulImprovement));
    }

    #[test]
    fn ppt_mean_is_exact_in_both_units(
        (trials, shuffled) in vec((1_i64..2_000_000, 0_u32..5), 1..=5)
            .prop_map(|t| t.into_iter().map(|(m, s)| Decimal::new(m, s)).collect::<Vec<_>>())
            .prop_flat_map(|t| (Just(t.clone()), Just(t).prop_shuffle())),
    ) {
        let exact: Vec<Ratio> = trials.iter().map(|&d| Ratio::from(d)).collect();
        let kg = ppt(&exact, PptUnit::KgCm2).unwrap();
        let factor: Ratio = "98.0665".parse().unwrap();
        prop_assert_eq!(kg.exact_kpa, kg.exact_kg_cm2.checked_mul(factor).unwrap());
        let (min, max) = (exact.iter().min().unwrap(), exact.iter().max().unwrap());
        prop_assert!(*min <= kg.exact_kg_cm2 && kg.exact_kg_cm2 <= *max);
        // The same pressures given in kPa give the same exact means.
        let in_kpa: Vec<Ratio> = exact.iter().map(|t| t.checked_mul(factor).unwrap()).collect();
        let kpa = ppt(&in_kpa, PptUnit::Kpa).unwrap();
        prop_assert_eq!(kpa, kg);
        // Order does not matter.
        let reordered: Vec<Ratio> = shuffled.iter().map(|&d| Ratio::from(d)).collect();
        prop_assert_eq!(ppt(&reordered, PptUnit::KgCm2).unwrap(), kg);
        // JSON doubles are read from their shortest decimal text, exactly.
        let doubles: Vec<f64> = trials.iter().map(|d| d.to_string().parse().unwrap()).collect();
        let json = score_json("ppt", &json!({ "trials": doubles, "unit": "kg_cm2" })).unwrap();
        prop_assert_eq!(json, json!({
            "mean_kpa": rendered(Some(kg.mean_kpa)),
            "mean_kg_cm2": rendered(Some(kg.mean_kg_cm2)),
        }));
    }

    #[test]
    fn acr_counts_and_criteria_are_consistent(input in acr_input(), extra in any::<proptest::sample::Index>()) {
        let result = acr2016_fm(&input).unwrap();
        let s = input.symptoms;
        let sss = s.fatigue + s.waking_unrefreshed + s.cognitive + s.headaches + s.lower_abdominal + s.depression;
        prop_assert_eq!(usize::from(result.wpi), input.regions.len());
        prop_assert_eq!(result.sss, sss);
        prop_assert_eq!(result.fs, result.wpi + sss);
        prop_assert!(result.wpi <= 19 && result.sss <= 12 && result.fs <= 31);
        prop_assert_eq!(result.generalized_pain, result.pain_regions >= 4);
        if result.generalized_pain {
            prop_assert!(result.wpi >= 4);
        }
        if result.meets_criteria {
            prop_assert!(result.fs >= 12 && result.wpi >= 4 && result.generalized_pain);
            prop_assert!(input.duration_months >= Ratio::from(3_i64));
        }
        // Order of the areas does not matter.
        let mut reversed = input.clone();
        reversed.regions.reverse();
        prop_assert_eq!(acr2016_fm(&reversed).unwrap(), result);
        // One more painful area never un-meets the criteria, nor lowers the band.
        let unused: Vec<&str> = AREAS.iter().copied().filter(|a| !input.regions.iter().any(|r| r == a)).collect();
        if !unused.is_empty() {
            let mut more = input.clone();
            more.regions.push(unused[extra.index(unused.len())].to_owned());
            let more = acr2016_fm(&more).unwrap();
            prop_assert!(more.meets_criteria >= result.meets_criteria);
            prop_assert!(band_rank(more.fs_band) >= band_rank(result.fs_band));
        }
        // Nor does one more symptom point.
        let mut worse = input.clone();
        for field in AcrSymptoms::FIELDS {
            let max = if ["fatigue", "waking_unrefreshed", "cognitive"].contains(&field) { 3 } else { 1 };
            let slot = worse.symptoms.field_mut(field).unwrap();
            if *slot < max {
                *slot += 1;
                break;
            }
        }
        prop_assert!(acr2016_fm(&worse).unwrap().meets_criteria >= result.meets_criteria);
    }

    #[test]
    fn score_json_never_panics_and_errors_are_one_line(
        input in any_json(),
        id in prop_oneof![
            select(Instrument::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>()).prop_map(str::to_owned),
            ".{0,12}",
        ],
    ) {
        match score_json(&id, &input) {
            Ok(result) => prop_assert!(result.is_object()),
            Err(error) => {
                let line = error.to_string();
                prop_assert!(!line.is_empty() && !line.contains('\n'), "{:?}", line);
                // Every refusal names what is wrong: the instrument, or the
                // field of the input by its path.
                match &error {
                    myomap_scoring::ScoringError::UnknownInstrument(_) => {
                        prop_assert!(id.parse::<Instrument>().is_err(), "{} is an instrument", id);
                    }
                    myomap_scoring::ScoringError::Invalid { field, .. } => {
                        prop_assert!(!field.trim().is_empty(), "{:?}", error);
                    }
                    other => prop_assert!(false, "score_json refused with {:?}", other),
                }
            }
        }
    }

    #[test]
    fn item_arrays_of_any_values_never_panic(
        instrument in select(ITEM_INSTRUMENTS.to_vec()),
        items in vec(any_json(), 0..24),
    ) {
        let _ = score_json(instrument.as_str(), &json!({ "items": items }));
    }

    #[test]
    fn rounding_is_half_away_from_zero(
        numer in -10_000_000_i64..10_000_000,
        denom in 1_i64..100_000,
        dp in 0_u32..4,
    ) {
        let exact = Ratio::new(i128::from(numer), i128::from(denom)).unwrap();
        let rounded = Ratio::from(exact.round_dp(dp).unwrap());
        let error = rounded.checked_sub(exact).unwrap().checked_abs().unwrap();
        let half = Ratio::new(1, 2 * 10_i128.pow(dp)).unwrap();
        prop_assert!(error <= half);
        if error == half {
            // A tie goes away from zero.
            prop_assert!(rounded.checked_abs().unwrap() > exact.checked_abs().unwrap());
        }
    }

    #[test]
    fn points_mcids_are_symmetric(
        instrument in select(vec![
            Instrument::Ndi, Instrument::QuickDash, Instrument::BctqSss, Instrument::BctqFss,
            Instrument::Lefs, Instrument::Psfs, Instrument::Ppt,
        ]),
        baseline in ratio_strategy(),
        followup in ratio_strategy(),
    ) {
        prop_assert_eq!(instrument.definition().mcid.as_ref().unwrap().rule, McidRule::Points);
        let forward = classify_change(instrument, baseline, followup).unwrap();
        let backward = classify_change(instrument, followup, baseline).unwrap();
        let mirrored = match forward {
            ChangeVerdict::MeaningfulImprovement => ChangeVerdict::MeaningfulWorsening,
            ChangeVerdict::MeaningfulWorsening => ChangeVerdict::MeaningfulImprovement,
            ChangeVerdict::NoMeaningfulChange => ChangeVerdict::NoMeaningfulChange,
        };
        prop_assert_eq!(backward, mirrored);
    }
}

fn band_rank(band: &str) -> usize {
    ["none", "mild", "moderate", "severe", "very_severe"]
        .iter()
        .position(|b| *b == band)
        .unwrap()
}
