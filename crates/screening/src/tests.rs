#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use myomap_domain::{AreaSite, body_areas};
use proptest::prelude::*;

use crate::{Effect, Outcome, ScreeningAnswers, ScreeningInput, Urgency, Verdict, questions, screen, screen_json};

type Site<'a> = (&'a str, Option<&'a str>);

fn site(area: &str, side: Option<&str>) -> AreaSite {
    AreaSite::parse(area, side).unwrap()
}

fn answers(yes: &[(&str, &[Site])]) -> ScreeningAnswers {
    ScreeningAnswers::new(
        yes.iter()
            .map(|(id, sites)| (*id, sites.iter().map(|(a, s)| site(a, *s)).collect())),
    )
    .unwrap()
}

fn verdict(yes: &[(&str, &[Site])]) -> Verdict {
    screen(&answers(yes).into())
}

fn verdict_for(conditions: &[&str], age: Option<u32>, yes: &[(&str, &[Site])]) -> Verdict {
    screen(&ScreeningInput::new(conditions.iter().copied(), age, answers(yes)).unwrap())
}

const CALF_LEFT: &[Site] = &[("leg.calf", Some("left"))];
const NONE: &[Site] = &[];

// --- Table tests -------------------------------------------------------------

struct Case {
    yes: &'static [(&'static str, &'static [Site<'static>])],
    outcome: Outcome,
    urgency: Option<Urgency>,
    /// Must be among the reasons' questions.
    questions: &'static [&'static str],
    /// The rule that must have fired, if any.
    rule: Option<&'static str>,
    /// Each must occur in the reasons' or the precautions' text.
    mentions: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        yes: &[("dvt_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["dvt_signs"],
        rule: None,
        mentions: &["deep vein thrombosis", "affected leg"],
    },
    Case {
        yes: &[("chest_pain_or_breathlessness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["chest_pain_or_breathlessness"],
        rule: None,
        mentions: &["urgent medical assessment"],
    },
    Case {
        yes: &[("fever_or_acute_infection", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["fever_or_acute_infection"],
        rule: None,
        mentions: &["postpone"],
    },
    Case {
        yes: &[("cancer_active", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["cancer_active"],
        rule: None,
        mentions: &["clearance", "lymphoedema"],
    },
    Case {
        yes: &[("cancer_history", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["cancer_history"],
        rule: None,
        mentions: &["gentle pressure"],
    },
    Case {
        yes: &[("cancer_history", NONE), ("back_pain", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["cancer_history", "back_pain"],
        rule: Some("back_pain_after_cancer"),
        mentions: &["spread to the spine"],
    },
    Case {
        yes: &[("unexplained_weight_loss", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["unexplained_weight_loss"],
        rule: None,
        mentions: &["weight loss"],
    },
    Case {
        yes: &[("progressive_weakness_or_numbness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["progressive_weakness_or_numbness"],
        rule: None,
        mentions: &["weakness"],
    },
    Case {
        yes: &[("progressive_weakness_or_numbness", NONE), ("back_pain", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["progressive_weakness_or_numbness", "back_pain"],
        rule: Some("back_pain_with_progressive_deficit"),
        mentions: &["compression"],
    },
    Case {
        yes: &[("bowel_bladder_change", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["bowel_bladder_change"],
        rule: None,
        mentions: &["bowel or bladder"],
    },
    Case {
        yes: &[("bowel_bladder_change", NONE), ("back_pain", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        questions: &["bowel_bladder_change", "back_pain"],
        rule: Some("possible_cauda_equina"),
        mentions: &["cauda equina", "emergency"],
    },
    Case {
        yes: &[("saddle_numbness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        questions: &["saddle_numbness"],
        rule: None,
        mentions: &["cauda equina", "emergency department now"],
    },
    Case {
        yes: &[("back_pain", NONE), ("saddle_numbness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        questions: &["saddle_numbness", "back_pain"],
        rule: Some("possible_cauda_equina"),
        mentions: &["cauda equina"],
    },
    Case {
        yes: &[("uncontrolled_high_blood_pressure", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["uncontrolled_high_blood_pressure"],
        rule: None,
        mentions: &["blood pressure"],
    },
    Case {
        yes: &[("recent_heart_attack_or_stroke", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["recent_heart_attack_or_stroke"],
        rule: None,
        mentions: &["clearance"],
    },
    Case {
        yes: &[("anticoagulants", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["anticoagulants"],
        rule: None,
        mentions: &["Gentle to moderate pressure", "bruising"],
    },
    Case {
        yes: &[("bleeding_disorder", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["bleeding_disorder"],
        rule: None,
        mentions: &["Light pressure only"],
    },
    Case {
        yes: &[("severe_osteoporosis", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["severe_osteoporosis"],
        rule: None,
        mentions: &["spine or ribs", "forceful"],
    },
    Case {
        yes: &[("pregnancy", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["pregnancy"],
        rule: None,
        mentions: &[
            "no prone lying after the first trimester",
            "no deep pressure on the legs",
        ],
    },
    Case {
        yes: &[("pregnancy", NONE), ("pregnancy_complications", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["pregnancy", "pregnancy_complications"],
        rule: None,
        mentions: &["obstetrician", "side-lying"],
    },
    Case {
        yes: &[("diabetes_neuropathy", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["diabetes_neuropathy"],
        rule: None,
        mentions: &["feedback cannot be relied on"],
    },
    Case {
        yes: &[("kidney_disease", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["kidney_disease"],
        rule: None,
        mentions: &["fistula"],
    },
    Case {
        yes: &[("recent_head_or_neck_injury", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["recent_head_or_neck_injury"],
        rule: None,
        mentions: &["no forceful neck stretches"],
    },
    Case {
        yes: &[("dizziness_or_visual_changes", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["dizziness_or_visual_changes"],
        rule: None,
        mentions: &["sit up slowly", "No neck work until then"],
    },
    Case {
        yes: &[
            ("recent_head_or_neck_injury", NONE),
            ("dizziness_or_visual_changes", NONE),
        ],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["recent_head_or_neck_injury", "dizziness_or_visual_changes"],
        rule: Some("head_injury_with_dizziness"),
        mentions: &["concussion", "no forceful neck stretches"],
    },
    Case {
        yes: &[("recent_immobility", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["recent_immobility"],
        rule: None,
        mentions: &["check both calves"],
    },
    Case {
        yes: &[("recent_fracture_or_surgery", CALF_LEFT)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["recent_fracture_or_surgery"],
        rule: None,
        mentions: &["No deep pressure over Calf (left); light work around the area only"],
    },
    Case {
        yes: &[
            ("fracture_or_surgery_not_cleared", NONE),
            ("recent_fracture_or_surgery", CALF_LEFT),
        ],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        questions: &["recent_fracture_or_surgery", "fracture_or_surgery_not_cleared"],
        rule: Some("fresh_fracture_or_surgery_not_cleared"),
        mentions: &[
            "Fracture or surgery at Calf (left) within the last 6 weeks",
            "No deep pressure over Calf (left)",
        ],
    },
    Case {
        yes: &[(
            "skin_lesion_at_site",
            &[
                ("hand.palm", Some("right")),
                ("hand.palm", Some("left")),
                ("chest.sternum", None),
            ],
        )],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["skin_lesion_at_site"],
        rule: None,
        mentions: &["Do not touch Breastbone, Palm (left) and Palm (right)"],
    },
    Case {
        yes: &[(
            "varicose_veins_at_site",
            &[("leg.calf", Some("right")), ("knee.back", Some("right"))],
        )],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["varicose_veins_at_site"],
        rule: None,
        mentions: &["No pressure over Back of knee (right) and Calf (right)"],
    },
    Case {
        yes: &[("local_inflammation_at_site", &[("knee.front", Some("left"))])],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        questions: &["local_inflammation_at_site"],
        rule: None,
        mentions: &["No deep pressure over Front of knee and kneecap (left)"],
    },
    // Refer dominates, and the precautions are kept for later.
    Case {
        yes: &[
            ("anticoagulants", NONE),
            ("dvt_signs", NONE),
            ("recent_fracture_or_surgery", CALF_LEFT),
        ],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        questions: &["dvt_signs", "anticoagulants", "recent_fracture_or_surgery"],
        rule: None,
        mentions: &["Gentle to moderate pressure", "No deep pressure over Calf (left)"],
    },
];

#[test]
fn every_red_flag_and_precaution_gives_its_verdict() {
    for case in CASES {
        let v = verdict(case.yes);
        let label = format!("{:?}", case.yes.iter().map(|(id, _)| *id).collect::<Vec<_>>());
        assert_eq!(v.outcome, case.outcome, "{label}");
        assert_eq!(v.urgency, case.urgency, "{label}");
        assert_eq!(v.urgent, case.urgency >= Some(Urgency::SameDay), "{label}");
        let asked: BTreeSet<&str> = v.question_ids();
        for id in case.questions {
            assert!(asked.contains(id), "{label}: {id} missing from {asked:?}");
        }
        let fired: Vec<&str> = v.reasons.iter().filter_map(|r| r.rule.as_deref()).collect();
        match case.rule {
            Some(rule) => assert!(fired.contains(&rule), "{label}: {rule} did not fire ({fired:?})"),
            None => assert!(fired.is_empty(), "{label}: unexpected rules {fired:?}"),
        }
        let all_text: String = v
            .reasons
            .iter()
            .map(|r| r.text.as_str())
            .chain(v.precautions.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        for needle in case.mentions {
            assert!(all_text.contains(needle), "{label}: {needle:?} not in\n{all_text}");
        }
        assert_eq!(v.reasons[0].outcome, v.outcome, "{label}: most severe reason first");
        assert!(v.reasons.iter().all(|r| !r.sources.is_empty()), "{label}");
        if v.outcome == Outcome::SuitableWithPrecautions {
            assert!(!v.precautions.is_empty(), "{label}");
        }
    }
}

#[test]
fn nothing_reported_is_suitable_with_its_reason() {
    for v in [
        screen(&ScreeningAnswers::none().into()),
        verdict(&[("back_pain", NONE)]),
        verdict_for(
            &["back_pain", "sciatica", "neck_pain", "headache", "tmj"],
            Some(90),
            &[],
        ),
    ] {
        assert_eq!(v.outcome, Outcome::Suitable);
        assert!(!v.urgent);
        assert_eq!(v.urgency, None);
        assert_eq!(v.reasons.len(), 1);
        assert_eq!(v.reasons[0].text, "No contraindication reported in screening.");
        assert_eq!(v.reasons[0].outcome, Outcome::Suitable);
        assert!(v.precautions.is_empty());
    }
}

#[test]
fn urgent_reasons_come_first() {
    let v = verdict(&[
        ("anticoagulants", NONE),
        ("fever_or_acute_infection", NONE),
        ("back_pain", NONE),
        ("bowel_bladder_change", NONE),
    ]);
    let order: Vec<(Outcome, Option<Urgency>, Option<&str>)> = v
        .reasons
        .iter()
        .map(|r| (r.outcome, r.urgency, r.rule.as_deref()))
        .collect();
    assert_eq!(
        order,
        [
            (
                Outcome::ReferFirst,
                Some(Urgency::Emergency),
                Some("possible_cauda_equina")
            ),
            (
                Outcome::ReferFirst,
                Some(Urgency::SameDay),
                Some("back_pain_with_fever")
            ),
            (Outcome::ReferFirst, Some(Urgency::Routine), None),
            (Outcome::ReferFirst, Some(Urgency::Routine), None),
            (Outcome::SuitableWithPrecautions, None, None),
        ]
    );
    assert_eq!(v.reasons[0].questions, ["bowel_bladder_change", "back_pain"]);
}

#[test]
fn every_question_alone_reaches_its_own_outcome() {
    let calf = vec![site("leg.calf", Some("left"))];
    for q in questions() {
        let mut yes = Vec::new();
        if let Some(parent) = &q.follows {
            let parent_q = crate::question(parent).unwrap();
            yes.push((parent.as_str(), if parent_q.asks_site { calf.clone() } else { vec![] }));
        }
        yes.push((q.id.as_str(), if q.asks_site { calf.clone() } else { vec![] }));
        let v = screen(&ScreeningAnswers::new(yes).unwrap().into());
        let least = match q.outcome {
            Effect::Refer => Outcome::ReferFirst,
            Effect::Precaution => Outcome::SuitableWithPrecautions,
            Effect::Context => Outcome::Suitable,
        };
        assert!(v.outcome >= least, "{}", q.id);
        if q.outcome == Effect::Refer {
            // A red flag alone refers, at least as urgently as its own level.
            assert_eq!(v.outcome, Outcome::ReferFirst, "{}", q.id);
            assert!(q.urgency.is_some() && v.urgency >= q.urgency, "{}", q.id);
            let own = v
                .reasons
                .iter()
                .find(|r| r.rule.is_none() && r.questions == [q.id.clone()])
                .unwrap();
            assert_eq!(own.urgency, q.urgency, "{}", q.id);
            assert!(!own.sources.is_empty(), "{}", q.id);
        } else if q.outcome == Effect::Precaution {
            assert_eq!(v.urgency, None, "{}", q.id);
        }
        assert_eq!(v.urgent, v.urgency >= Some(Urgency::SameDay), "{}", q.id);
        for text in v.reasons.iter().map(|r| &r.text).chain(&v.precautions) {
            assert!(!text.contains('{'), "{}: unfilled placeholder in {text}", q.id);
        }
    }
}

// --- Validation and JSON -----------------------------------------------------

fn from_json(json: &str) -> Result<ScreeningAnswers, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn the_json_form_reads_and_round_trips() {
    let a = from_json(
        r#"{"answers":[{"question":"anticoagulants"},{"question":"recent_fracture_or_surgery","sites":[{"area":"leg.calf","side":"left"}]}]}"#,
    )
    .unwrap();
    assert!(a.is_yes("anticoagulants"));
    assert!(!a.is_yes("pregnancy"));
    assert!(!a.is_yes("no_such_question"));
    assert_eq!(a.sites("recent_fracture_or_surgery").unwrap().len(), 1);
    assert_eq!(a.iter().count(), 2);

    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(from_json(&json).unwrap(), a);
    assert_eq!(from_json(r#"{"answers":[]}"#).unwrap(), ScreeningAnswers::none());

    let v = screen(&a.into());
    assert_eq!(
        v.precautions,
        [
            "Gentle to moderate pressure only; no deep stripping or long trigger-point compressions; \
             check for bruising at the next visit.",
            "No deep pressure over Calf (left); light work around the area only, and no stretching across the \
             healing fracture or scar.",
        ]
    );
}

#[test]
fn the_verdict_serialises_in_snake_case() {
    let v = verdict(&[("back_pain", NONE), ("saddle_numbness", NONE)]);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["outcome"], "refer_first");
    assert_eq!(json["urgency"], "emergency");
    assert_eq!(json["urgent"], true);
    assert_eq!(json["reasons"][0]["urgency"], "emergency");
    assert_eq!(
        json["reasons"][0]["facts"],
        serde_json::json!(["back_or_leg_complaint"])
    );
    assert_eq!(json["reasons"][0]["rule"], "possible_cauda_equina");
    assert_eq!(json["reasons"][0]["outcome"], "refer_first");
    assert_eq!(
        json["reasons"][0]["questions"],
        serde_json::json!(["saddle_numbness", "back_pain"])
    );
    assert!(json["reasons"][0]["sources"][0].is_string());
    assert_eq!(json["reasons"][1]["rule"], serde_json::Value::Null);
    assert_eq!(json["precautions"], serde_json::json!([]));

    let suitable = serde_json::to_value(screen(&ScreeningAnswers::none().into())).unwrap();
    assert_eq!(suitable["outcome"], "suitable");
    assert_eq!(suitable["urgency"], serde_json::Value::Null);
    let precaution = serde_json::to_value(verdict(&[("pregnancy", NONE)])).unwrap();
    assert_eq!(precaution["outcome"], "suitable_with_precautions");
    assert_eq!(
        serde_json::to_value(Outcome::SuitableWithPrecautions).unwrap(),
        Outcome::SuitableWithPrecautions.as_str()
    );
}

#[test]
fn bad_answers_are_refused_naming_the_question() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"answers":[{"question":"levitation"}]}"#,
            "unknown screening question \"levitation\"",
        ),
        (
            r#"{"answers":[{"question":"anticoagulants","sites":[{"area":"leg.calf","side":"left"}]}]}"#,
            "question \"anticoagulants\" does not ask for body areas",
        ),
        (
            r#"{"answers":[{"question":"skin_lesion_at_site"}]}"#,
            "question \"skin_lesion_at_site\" asks where: name the area",
        ),
        (
            r#"{"answers":[{"question":"skin_lesion_at_site","sites":[]}]}"#,
            "question \"skin_lesion_at_site\" asks where: name the area",
        ),
        (
            r#"{"answers":[{"question":"pregnancy"},{"question":"pregnancy"}]}"#,
            "answers[1].question: question \"pregnancy\" is answered more than once",
        ),
        (
            r#"{"answers":[{"question":"pregnancy_complications"}]}"#,
            "question \"pregnancy_complications\" follows up \"pregnancy\"",
        ),
        (
            r#"{"answers":[{"question":"pregnancy","weeks":12}]}"#,
            "unknown field `weeks`",
        ),
        (r#"{"answers":[],"notes":"x"}"#, "unknown field `notes`"),
        (r#"{}"#, "missing field `answers`"),
        (
            r#"{"answers":[{"question":"skin_lesion_at_site","sites":[{"area":"leg.calf"}]}]}"#,
            "body area \"leg.calf\" is sided",
        ),
    ];
    for (json, needle) in cases {
        let err = from_json(json).unwrap_err();
        assert!(err.contains(needle), "{json}: {err:?} lacks {needle:?}");
    }

    let errors = ScreeningAnswers::new([
        ("pregnancy", vec![]),
        ("recent_fracture_or_surgery", vec![]),
        ("x".repeat(500).as_str(), vec![]),
    ])
    .map(|_| ())
    .map_err(|e| e.to_string())
    .unwrap_err();
    assert!(
        errors.contains("answers[1].sites: question \"recent_fracture_or_surgery\" asks where"),
        "{errors}"
    );
    assert!(
        errors.contains("answers[2].question: unknown screening question"),
        "{errors}"
    );
    assert!(errors.len() < 300, "long ids are shortened: {errors}");

    let errors = ScreeningAnswers::new([("fracture_or_surgery_not_cleared", vec![])]).unwrap_err();
    assert!(
        errors
            .for_field("answers[0].question")
            .unwrap()
            .contains("recent_fracture_or_surgery")
    );
}

#[test]
fn the_question_list_serialises_for_the_form() {
    let json = serde_json::to_value(questions()).unwrap();
    let first = &json[0];
    assert_eq!(first["id"], "dvt_signs");
    assert_eq!(first["outcome"], "refer");
    assert_eq!(first["asks_site"], false);
    let sited = json
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "skin_lesion_at_site")
        .unwrap();
    assert_eq!(sited["asks_site"], true);
}

// --- The intake feeds the screening ------------------------------------------

struct IntakeCase {
    conditions: &'static [&'static str],
    age: Option<u32>,
    yes: &'static [(&'static str, &'static [Site<'static>])],
    outcome: Outcome,
    urgency: Option<Urgency>,
    rule: Option<&'static str>,
}

const INTAKE_CASES: &[IntakeCase] = &[
    // Cauda equina from the reason for visit: no second tick needed.
    IntakeCase {
        conditions: &["sciatica"],
        age: None,
        yes: &[("bowel_bladder_change", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("possible_cauda_equina"),
    },
    IntakeCase {
        conditions: &["back_pain"],
        age: Some(40),
        yes: &[("saddle_numbness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("possible_cauda_equina"),
    },
    IntakeCase {
        conditions: &["sports_lower_limb"],
        age: None,
        yes: &[("bowel_bladder_change", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("possible_cauda_equina"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("both_legs_symptoms", NONE), ("bowel_bladder_change", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("possible_cauda_equina"),
    },
    IntakeCase {
        conditions: &["back_pain"],
        age: None,
        yes: &[("both_legs_symptoms", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("back_pain_with_both_legs"),
    },
    IntakeCase {
        conditions: &["back_pain"],
        age: None,
        yes: &[("fever_or_acute_infection", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("back_pain_with_fever"),
    },
    IntakeCase {
        conditions: &["neck_pain"],
        age: None,
        yes: &[("cancer_history", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("back_pain_after_cancer"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("cancer_history", NONE), ("night_pain", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("back_pain_after_cancer"),
    },
    IntakeCase {
        conditions: &["headache"],
        age: None,
        yes: &[("cancer_history", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        rule: None,
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("recent_head_or_neck_injury", NONE), ("anticoagulants", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("head_injury_on_anticoagulants"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("recent_head_or_neck_injury", NONE), ("bleeding_disorder", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("head_injury_on_anticoagulants"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("recent_head_or_neck_injury", NONE), ("head_injury_red_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: None,
    },
    IntakeCase {
        conditions: &["headache"],
        age: Some(49),
        yes: &[("temporal_arteritis_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        rule: None,
    },
    IntakeCase {
        conditions: &["headache"],
        age: Some(50),
        yes: &[("temporal_arteritis_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("giant_cell_arteritis_over_50"),
    },
    IntakeCase {
        conditions: &["neck_pain"],
        age: None,
        yes: &[("major_trauma", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("spinal_pain_after_major_trauma"),
    },
    IntakeCase {
        conditions: &["back_pain"],
        age: None,
        yes: &[("long_term_steroids", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        rule: Some("spinal_pain_on_steroids"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("long_term_steroids", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        rule: None,
    },
    IntakeCase {
        conditions: &["neck_pain"],
        age: None,
        yes: &[("dizziness_or_visual_changes", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Routine),
        rule: Some("dizziness_with_neck_or_head_complaint"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("dvt_signs", NONE), ("chest_pain_or_breathlessness", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: Some("clot_with_breathlessness"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("pregnancy", NONE), ("preeclampsia_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: None,
    },
    IntakeCase {
        conditions: &["neck_pain"],
        age: None,
        yes: &[("cervical_arterial_signs", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: None,
    },
    IntakeCase {
        conditions: &["tmj"],
        age: None,
        yes: &[("exertional_arm_jaw_pain", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: None,
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[
            ("immunosuppressed_or_iv_drugs", NONE),
            ("fever_or_acute_infection", NONE),
        ],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::SameDay),
        rule: Some("infection_when_immunosuppressed"),
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("thunderclap_headache", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: None,
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("headache_with_fever_or_stiff_neck", NONE)],
        outcome: Outcome::ReferFirst,
        urgency: Some(Urgency::Emergency),
        rule: None,
    },
    IntakeCase {
        conditions: &[],
        age: None,
        yes: &[("heart_failure", NONE), ("postpartum_recent", NONE)],
        outcome: Outcome::SuitableWithPrecautions,
        urgency: None,
        rule: None,
    },
];

#[test]
fn the_intake_s_conditions_and_age_feed_the_rules() {
    for case in INTAKE_CASES {
        let v = verdict_for(case.conditions, case.age, case.yes);
        let label = format!(
            "{:?} age {:?} {:?}",
            case.conditions,
            case.age,
            case.yes.iter().map(|(id, _)| *id).collect::<Vec<_>>()
        );
        assert_eq!((v.outcome, v.urgency), (case.outcome, case.urgency), "{label}");
        let fired: Vec<&str> = v.reasons.iter().filter_map(|r| r.rule.as_deref()).collect();
        match case.rule {
            Some(rule) => {
                assert!(fired.contains(&rule), "{label}: {rule} did not fire ({fired:?})");
                let reason = v.reasons.iter().find(|r| r.rule.as_deref() == Some(rule)).unwrap();
                for c in case.conditions {
                    if !reason.facts.is_empty() && !reason.conditions.is_empty() {
                        assert!(reason.conditions.iter().any(|x| x == c), "{label}: {c} not named");
                    }
                }
            }
            None => assert!(
                v.reasons.iter().all(|r| r.rule.is_none() || r.urgency < v.urgency),
                "{label}: {fired:?}"
            ),
        }
    }
    // Cauda equina through "Sciatica" names the condition behind it.
    let v = verdict_for(&["sciatica"], None, &[("bowel_bladder_change", NONE)]);
    assert_eq!(v.reasons[0].conditions, ["sciatica"]);
    assert_eq!(v.reasons[0].questions, ["bowel_bladder_change"]);
}

#[test]
fn the_issue_s_question_ids_exist_with_their_parents() {
    for (id, follows) in [
        ("thunderclap_headache", None),
        ("headache_with_fever_or_stiff_neck", None),
        ("temporal_arteritis_signs", None),
        ("headache_neuro_signs", None),
        ("cervical_arterial_signs", None),
        ("exertional_arm_jaw_pain", None),
        ("both_legs_symptoms", None),
        ("major_trauma", None),
        ("long_term_steroids", None),
        ("immunosuppressed_or_iv_drugs", None),
        ("night_pain", None),
        ("preeclampsia_signs", Some("pregnancy")),
        ("inflammatory_back_pain", None),
        ("head_injury_red_signs", Some("recent_head_or_neck_injury")),
        ("postpartum_recent", None),
        ("heart_failure", None),
    ] {
        let q = crate::question(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(q.follows.as_deref(), follows, "{id}");
        assert!(!q.sources.is_empty(), "{id}");
    }
}

#[test]
fn each_urgency_says_what_to_do_and_what_to_tell_the_client() {
    for urgency in Urgency::ALL {
        let advice = urgency.advice();
        assert!(!advice.label.is_empty() && !advice.action.is_empty() && !advice.tell_client.is_empty());
        assert_eq!(Urgency::parse(urgency.as_str()), Some(urgency));
    }
    assert!(Urgency::Emergency.advice().action.contains("emergency"));
    assert!(Urgency::SameDay.advice().tell_client.contains("today"));
    assert!(Urgency::Routine < Urgency::SameDay && Urgency::SameDay < Urgency::Emergency);
    // Verdicts stored before urgency levels: urgent meant same day.
    assert_eq!(Urgency::from_legacy(true, true), Some(Urgency::SameDay));
    assert_eq!(Urgency::from_legacy(true, false), Some(Urgency::Routine));
    assert_eq!(Urgency::from_legacy(false, false), None);
}

#[test]
fn the_json_entry_point_answers_and_names_bad_fields() {
    let out = screen_json(&serde_json::json!({
        "conditions": ["sciatica"],
        "age": 52,
        "answers": [{"question": "bowel_bladder_change"}]
    }))
    .unwrap();
    assert_eq!(out["outcome"], "refer_first");
    assert_eq!(out["urgency"], "emergency");
    assert_eq!(out["reasons"][0]["rule"], "possible_cauda_equina");
    assert!(out["advice"]["tell_client"].as_str().unwrap().contains("emergency"));
    assert!(out["precautions"].is_array());

    let none = screen_json(&serde_json::json!({})).unwrap();
    assert_eq!(none["outcome"], "suitable");
    assert_eq!(none["urgency"], serde_json::Value::Null);
    assert_eq!(none["advice"], serde_json::Value::Null);

    let cases: &[(serde_json::Value, &str, &str)] = &[
        (
            serde_json::json!({"conditions": ["gout"]}),
            "conditions[0]",
            "unknown condition \"gout\"",
        ),
        (serde_json::json!({"conditions": "back_pain"}), "conditions", "list"),
        (
            serde_json::json!({"conditions": ["back_pain", "back_pain"]}),
            "conditions[1]",
            "more than once",
        ),
        (serde_json::json!({"age": -3}), "age", "whole number"),
        (serde_json::json!({"age": 200}), "age", "not an age"),
        (serde_json::json!({"age": "old"}), "age", "whole number"),
        (
            serde_json::json!({"answers": [{"question": "levitation"}]}),
            "answers[0].question",
            "unknown screening question",
        ),
        (
            serde_json::json!({"answers": [{"question": "preeclampsia_signs"}]}),
            "answers[0].question",
            "follows up \"pregnancy\"",
        ),
        (
            serde_json::json!({"answers": [{"question": "head_injury_red_signs"}]}),
            "answers[0].question",
            "recent_head_or_neck_injury",
        ),
        (
            serde_json::json!({"answers": [{"sites": []}]}),
            "answers[0].question",
            "required",
        ),
        (
            serde_json::json!({"answers": [{"question": "skin_lesion_at_site", "sites": [{"area": "nowhere"}]}]}),
            "answers[0].sites[0]",
            "nowhere",
        ),
        (
            serde_json::json!({"answers": [{"question": "pregnancy", "weeks": 3}]}),
            "answers[0].weeks",
            "unknown field",
        ),
        (serde_json::json!({"notes": 1}), "notes", "unknown field"),
        (serde_json::json!([1]), "input", "JSON object"),
    ];
    for (input, field, needle) in cases {
        let errors = screen_json(input).unwrap_err();
        let message = errors
            .for_field(field)
            .unwrap_or_else(|| panic!("{input}: no error for {field}: {errors}"));
        assert!(message.contains(needle), "{input}: {message:?} lacks {needle:?}");
    }
}

// --- Properties --------------------------------------------------------------

/// Per question: answered yes or not, and which sites it would name.
#[derive(Debug, Clone)]
struct Table {
    chosen: Vec<bool>,
    sites: Vec<Vec<usize>>,
}

fn all_sites() -> Vec<AreaSite> {
    body_areas().sites().collect()
}

fn table() -> impl Strategy<Value = Table> {
    let n = questions().len();
    let site_count = all_sites().len();
    (
        proptest::collection::vec(proptest::bool::weighted(0.25), n),
        proptest::collection::vec(proptest::collection::vec(0..site_count, 1..4), n),
    )
        .prop_map(|(chosen, sites)| Table { chosen, sites })
}

impl Table {
    /// The yes answers, with every follow-up's parent answered yes too.
    fn pairs(&self) -> Vec<(String, Vec<AreaSite>)> {
        let qs = questions();
        let mut chosen = self.chosen.clone();
        for i in (0..qs.len()).rev() {
            if let (true, Some(parent)) = (chosen[i], &qs[i].follows) {
                let p = qs.iter().position(|q| &q.id == parent).unwrap();
                chosen[p] = true;
            }
        }
        let sites = all_sites();
        qs.iter()
            .zip(&chosen)
            .zip(&self.sites)
            .filter(|((_, yes), _)| **yes)
            .map(|((q, _), picks)| {
                let named = if q.asks_site {
                    picks.iter().map(|&i| sites[i]).collect()
                } else {
                    Vec::new()
                };
                (q.id.clone(), named)
            })
            .collect()
    }

    fn union(&self, other: &Table) -> Table {
        Table {
            chosen: self.chosen.iter().zip(&other.chosen).map(|(a, b)| *a || *b).collect(),
            sites: self.sites.clone(),
        }
    }

    fn answers(&self) -> ScreeningAnswers {
        ScreeningAnswers::new(self.pairs()).unwrap()
    }
}

/// A whole random input: answers, intake conditions and age.
#[derive(Debug, Clone)]
struct Intake {
    table: Table,
    conditions: Vec<bool>,
    age: Option<u32>,
}

fn intake() -> impl Strategy<Value = Intake> {
    let n = myomap_domain::record::CONDITIONS.len();
    (
        table(),
        proptest::collection::vec(proptest::bool::weighted(0.3), n),
        proptest::option::of(0..=crate::MAX_AGE),
    )
        .prop_map(|(table, conditions, age)| Intake { table, conditions, age })
}

impl Intake {
    fn condition_ids(&self) -> Vec<&'static str> {
        myomap_domain::record::CONDITIONS
            .iter()
            .zip(&self.conditions)
            .filter(|(_, on)| **on)
            .map(|((id, _), _)| *id)
            .collect()
    }

    fn input(&self) -> ScreeningInput {
        ScreeningInput::new(self.condition_ids(), self.age, self.table.answers()).unwrap()
    }

    /// Everything of both: more answers, more conditions, the higher age
    /// (a known age counts as more than an unknown one).
    fn union(&self, other: &Intake) -> Intake {
        Intake {
            table: self.table.union(&other.table),
            conditions: self
                .conditions
                .iter()
                .zip(&other.conditions)
                .map(|(a, b)| *a || *b)
                .collect(),
            age: self.age.max(other.age),
        }
    }
}

/// The reasons of `small` are all in `big`: same rule, text, outcome and
/// urgency, with at least the same questions and conditions behind them.
fn kept_reasons(small: &Verdict, big: &Verdict) -> Result<(), TestCaseError> {
    for r in small.reasons.iter().filter(|r| r.outcome != Outcome::Suitable) {
        let kept = big.reasons.iter().any(|b| {
            b.rule == r.rule
                && b.text == r.text
                && (b.outcome, b.urgency) == (r.outcome, r.urgency)
                && r.questions.iter().all(|q| b.questions.contains(q))
                && r.conditions.iter().all(|c| b.conditions.contains(c))
        });
        prop_assert!(kept, "lost reason {}", r.text);
    }
    for p in &small.precautions {
        prop_assert!(big.precautions.contains(p), "lost precaution {}", p);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn more_yes_answers_never_lower_the_verdict(a in table(), b in table()) {
        let small = screen(&a.answers().into());
        let big = screen(&a.union(&b).answers().into());
        prop_assert!(small.outcome <= big.outcome);
        prop_assert!(small.urgency <= big.urgency);
        prop_assert!(!small.urgent || big.urgent);
        kept_reasons(&small, &big)?;
    }

    #[test]
    fn more_answers_conditions_or_years_never_lower_the_outcome_or_the_urgency(a in intake(), b in intake()) {
        let small = screen(&a.input());
        let big = screen(&a.union(&b).input());
        prop_assert!(small.outcome <= big.outcome, "{:?} > {:?}", small.outcome, big.outcome);
        prop_assert!(small.urgency <= big.urgency, "{:?} > {:?}", small.urgency, big.urgency);
        kept_reasons(&small, &big)?;
    }

    #[test]
    fn a_red_flag_among_any_other_answers_still_refers(a in intake(), pick in any::<proptest::sample::Index>()) {
        let flags: Vec<&crate::Question> = questions().iter().filter(|q| q.outcome == Effect::Refer).collect();
        let flag = flags[pick.index(flags.len())];
        let mut pairs = a.table.pairs();
        for id in [flag.follows.clone(), Some(flag.id.clone())].into_iter().flatten() {
            if !pairs.iter().any(|(q, _)| *q == id) {
                pairs.push((id, Vec::new()));
            }
        }
        let input = ScreeningInput::new(a.condition_ids(), a.age, ScreeningAnswers::new(pairs).unwrap()).unwrap();
        let v = screen(&input);
        prop_assert_eq!(v.outcome, Outcome::ReferFirst);
        prop_assert!(v.urgency >= flag.urgency);
    }

    #[test]
    fn every_referral_has_reasons_with_sources_and_its_urgency(a in intake()) {
        let v = screen(&a.input());
        prop_assert_eq!(v.outcome == Outcome::ReferFirst, v.urgency.is_some());
        prop_assert_eq!(v.urgency, v.reasons.iter().filter_map(|r| r.urgency).max());
        prop_assert_eq!(v.advice().is_some(), v.urgency.is_some());
        for r in v.reasons.iter().filter(|r| r.outcome != Outcome::Suitable) {
            prop_assert!(!r.sources.is_empty(), "{} has no source", r.text);
            prop_assert!(!r.questions.is_empty(), "{} names no question", r.text);
            prop_assert_eq!(r.outcome == Outcome::ReferFirst, r.urgency.is_some());
        }
        if v.outcome == Outcome::ReferFirst {
            prop_assert!(v.reasons.iter().any(|r| r.urgency == v.urgency && !r.sources.is_empty()));
        }
    }

    #[test]
    fn the_verdict_always_has_reasons_and_matches_them(a in intake()) {
        let v = screen(&a.input());
        prop_assert!(!v.reasons.is_empty());
        let most = v.reasons.iter().map(|r| r.outcome).max().unwrap();
        prop_assert_eq!(most, v.outcome);
        prop_assert_eq!(v.reasons[0].outcome, v.outcome);
        prop_assert_eq!(v.reasons[0].urgency, v.urgency);
        prop_assert_eq!(v.urgent, v.reasons.iter().any(|r| r.urgent));
        prop_assert!(v.reasons.windows(2).all(|w| (w[0].outcome, w[0].urgency) >= (w[1].outcome, w[1].urgency)));
        if v.outcome == Outcome::Suitable {
            prop_assert_eq!(v.reasons.len(), 1);
            prop_assert!(v.precautions.is_empty());
        }
        let unique: BTreeSet<&String> = v.precautions.iter().collect();
        prop_assert_eq!(unique.len(), v.precautions.len());
        for text in v.reasons.iter().map(|r| &r.text).chain(&v.precautions) {
            prop_assert!(!text.contains('{'), "unfilled placeholder in {}", text);
        }
    }

    #[test]
    fn the_order_of_answers_and_sites_does_not_matter(
        a in table(),
        shuffle_seed in any::<u64>(),
    ) {
        let pairs = a.pairs();
        let mut shuffled = pairs.clone();
        // A rotation and maybe a reversal of the answers; each answer's sites
        // reversed and named twice.
        if !shuffled.is_empty() {
            let by = usize::try_from(shuffle_seed % 64).unwrap() % shuffled.len();
            shuffled.rotate_left(by);
        }
        if shuffle_seed % 2 == 0 {
            shuffled.reverse();
        }
        for (_, sites) in &mut shuffled {
            sites.reverse();
            let again = sites.clone();
            sites.extend(again);
        }
        let one = ScreeningAnswers::new(pairs).unwrap();
        let other = ScreeningAnswers::new(shuffled).unwrap();
        prop_assert_eq!(&one, &other);
        prop_assert_eq!(screen(&one.into()), screen(&other.into()));
    }

    #[test]
    fn shuffled_answers_give_the_same_verdict(pairs in table().prop_map(|t| t.pairs()).prop_shuffle()) {
        let mut sorted = pairs.clone();
        sorted.sort();
        let v1 = screen(&ScreeningAnswers::new(pairs).unwrap().into());
        let v2 = screen(&ScreeningAnswers::new(sorted).unwrap().into());
        prop_assert_eq!(v1, v2);
    }

    #[test]
    fn valid_input_round_trips_through_json(a in intake()) {
        let answers = a.table.answers();
        let json = serde_json::to_string(&answers).unwrap();
        let back: ScreeningAnswers = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, answers);
        let input = a.input();
        let json = serde_json::to_value(&input).unwrap();
        let back: ScreeningInput = serde_json::from_value(json.clone()).unwrap();
        prop_assert_eq!(&back, &input);
        let through_entry_point = screen_json(&json).unwrap();
        prop_assert_eq!(through_entry_point["outcome"].as_str(), Some(screen(&input).outcome.as_str()));
    }

    #[test]
    fn no_input_panics(
        raw in proptest::collection::vec(
            (
                prop_oneof![
                    proptest::sample::select(questions().iter().map(|q| q.id.clone()).collect::<Vec<_>>()),
                    "[a-z_]{0,12}",
                    ".{0,8}",
                ],
                proptest::collection::vec(0..all_sites().len(), 0..3),
            ),
            0..12,
        )
    ) {
        let sites = all_sites();
        let pairs: Vec<(String, Vec<AreaSite>)> =
            raw.into_iter().map(|(id, picks)| (id, picks.into_iter().map(|i| sites[i]).collect())).collect();
        match ScreeningAnswers::new(pairs) {
            Ok(answers) => prop_assert!(!screen(&answers.into()).reasons.is_empty()),
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    #[test]
    fn no_json_panics(conditions in proptest::collection::vec(".{0,10}", 0..4), age in any::<i64>(), junk in ".{0,6}") {
        let value = serde_json::json!({"conditions": conditions, "age": age, "answers": [{"question": junk}]});
        match screen_json(&value) {
            Ok(v) => prop_assert!(v["reasons"].is_array()),
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }
}

/// Any JSON, objects keyed mostly by the names the screening input reads.
fn any_screening_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(vec![
            "anticoagulants",
            "back_pain",
            "varicose_veins_at_site",
            "leg.calf",
            "left",
            "right",
            "pregnancy",
            ""
        ])
        .prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        4 => proptest::sample::select(vec!["conditions", "age", "answers", "question", "sites", "area", "side"])
                            .prop_map(str::to_owned),
                        1 => "[a-z_]{1,8}",
                    ],
                    inner,
                ),
                0..5,
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Whatever JSON arrives at `POST /api/v1/screening` or `myomap screen
    /// --json`: a verdict, or refusals that each name the field at fault.
    #[test]
    fn any_json_is_screened_or_refused_naming_the_field(value in any_screening_json()) {
        match screen_json(&value) {
            Ok(v) => prop_assert!(v["reasons"].is_array()),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors.0 {
                    prop_assert!(!error.field.trim().is_empty() && !error.message.trim().is_empty(), "{:?}", error);
                }
            }
        }
    }
}

// --- Rendered output -----------------------------------------------------------

#[test]
fn the_json_answer_is_stable() {
    let cauda_equina = screen_json(&serde_json::json!({
        "conditions": ["sciatica"],
        "age": 52,
        "answers": [{"question": "bowel_bladder_change"}, {"question": "anticoagulants"}]
    }))
    .unwrap();
    insta::assert_json_snapshot!("cauda_equina_from_sciatica", cauda_equina);
    let giant_cell = screen_json(&serde_json::json!({
        "conditions": ["headache"],
        "age": 67,
        "answers": [{"question": "temporal_arteritis_signs"}]
    }))
    .unwrap();
    insta::assert_json_snapshot!("giant_cell_arteritis_over_50", giant_cell);
}
