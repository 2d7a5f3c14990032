//! The demo clinic's outcome questionnaires: a course of scores per client
//! so the progress pages and the clinic dashboard show clients who improve,
//! stay flat and worsen.

use anyhow::anyhow;
use myomap_domain::ClientId;
use myomap_store::ClinicScope;
use serde_json::Value;

struct Course {
    client: &'static str,
    /// The protocol the client's treatment plan starts from, if they have one.
    protocol: Option<&'static str>,
    /// Intake condition ids (they decide the suggested measures).
    conditions: &'static [&'static str],
    /// (instrument, days ago, scoring input as JSON)
    answers: &'static [(&'static str, i64, &'static str)],
}

const COURSES: &[Course] = &[
    Course {
        client: "Maya Okafor",
        protocol: Some("back_neck_shoulder"),
        conditions: &["neck_pain", "headache"],
        answers: &[
            ("ndi", 27, r#"{"items":[3,2,2,2,3,2,2,2,3,2]}"#),
            ("nprs", 27, r#"{"value":6}"#),
            ("psfs", 27, r#"{"items":[4,5]}"#),
            ("ndi", 13, r#"{"items":[2,1,2,1,2,1,2,1,2,1]}"#),
            ("ndi", 4, r#"{"items":[1,1,1,0,1,1,1,0,1,1]}"#),
            ("nprs", 4, r#"{"value":2}"#),
            ("psfs", 4, r#"{"items":[8,8]}"#),
        ],
    },
    Course {
        client: "Tom Lindqvist",
        protocol: Some("back_neck_shoulder"),
        conditions: &["back_pain"],
        answers: &[
            ("odi", 25, r#"{"items":[2,2,2,1,3,2,1,null,2,1]}"#),
            ("nprs", 25, r#"{"value":5}"#),
            ("odi", 5, r#"{"items":[2,2,1,1,3,2,1,null,2,1]}"#),
            ("nprs", 5, r#"{"value":5}"#),
        ],
    },
    Course {
        client: "Grace Whitfield",
        protocol: Some("sciatica_nerve_entrapment"),
        conditions: &["sciatica"],
        answers: &[
            ("odi", 20, r#"{"items":[2,1,1,1,2,1,1,null,1,2]}"#),
            ("nprs", 20, r#"{"value":4}"#),
            ("odi", 3, r#"{"items":[3,2,2,2,3,2,2,null,2,2]}"#),
            ("nprs", 3, r#"{"value":6}"#),
        ],
    },
    Course {
        client: "Priya Raman",
        protocol: None,
        conditions: &["tmj", "headache"],
        answers: &[
            ("jfls8", 21, r#"{"items":[3,2,1,2,1,2,1,1]}"#),
            ("jfls8", 6, r#"{"items":[2,1,0,1,0,1,1,0]}"#),
            ("nprs", 21, r#"{"value":5}"#),
            ("nprs", 6, r#"{"value":3}"#),
        ],
    },
    Course {
        client: "Kwame Asante",
        protocol: Some("sports_repetitive_strain"),
        conditions: &["shoulder_arm"],
        answers: &[
            ("quickdash", 24, r#"{"items":[4,3,3,3,3,4,2,3,4,2,3]}"#),
            ("quickdash", 5, r#"{"items":[2,2,1,2,1,3,1,2,2,1,1]}"#),
        ],
    },
    Course {
        client: "Luis Ortega",
        protocol: None,
        conditions: &["sports_lower_limb"],
        answers: &[
            ("lefs", 18, r#"{"items":[2,1,3,4,3,2,2,3,2,3,3,2,3,2,3,1,1,1,1,4]}"#),
            ("lefs", 4, r#"{"items":[3,2,4,4,4,3,3,4,3,4,4,3,4,3,4,2,2,2,2,4]}"#),
        ],
    },
    Course {
        client: "Aisha Bello",
        protocol: None,
        conditions: &["shoulder_arm"],
        answers: &[
            ("quickdash", 16, r#"{"items":[3,3,2,3,2,3,2,3,3,2,2]}"#),
            ("quickdash", 2, r#"{"items":[3,2,2,3,2,3,2,3,3,2,2]}"#),
        ],
    },
    Course {
        client: "Daniel Moreau",
        protocol: None,
        conditions: &["carpal_tunnel"],
        answers: &[],
    },
];

/// The demo intake's conditions for a client.
pub fn conditions(client: &str) -> Vec<String> {
    COURSES
        .iter()
        .find(|c| c.client == client)
        .map(|c| c.conditions.iter().map(|s| (*s).to_owned()).collect())
        .unwrap_or_default()
}

/// Scores and stores the client's course; returns how many were stored.
pub async fn seed(
    scope: &ClinicScope<'_>,
    client: ClientId,
    name: &str,
    today: jiff::civil::Date,
) -> anyhow::Result<usize> {
    let Some(course) = COURSES.iter().find(|c| c.client == name) else {
        return Ok(0);
    };
    for (instrument, days_ago, input) in course.answers {
        let input: Value = serde_json::from_str(input)?;
        let taken_on = today.checked_sub(jiff::Span::new().days(*days_ago))?.to_string();
        let scored =
            myomap_clinic::outcomes::score(instrument, &taken_on, &input).map_err(|e| anyhow!("{instrument}: {e}"))?;
        scope.record_questionnaire(client, &scored, "clinic").await?;
    }
    if let (Some(protocol), Some(condition)) = (course.protocol, course.conditions.first()) {
        let plan = myomap_plans::PlanDraft::from_protocol_for(protocol, condition)
            .ok_or_else(|| anyhow!("no protocol {protocol}"))?;
        plan.validate().map_err(|e| anyhow!("{protocol}: {e}"))?;
        let starts_on = today.checked_sub(jiff::Span::new().days(28))?.to_string();
        scope
            .create_plan(client, &serde_json::to_value(&plan)?, &starts_on)
            .await?;
    }
    Ok(course.answers.len())
}

/// A home-care handout from the client's last session for the clients with a
/// plan, and a few days of ticks through their link, so adherence shows.
pub async fn seed_home_care(
    store: &myomap_store::Store,
    scope: &ClinicScope<'_>,
    client: ClientId,
    name: &str,
    today: jiff::civil::Date,
) -> anyhow::Result<()> {
    if !COURSES.iter().any(|c| c.client == name && c.protocol.is_some()) {
        return Ok(());
    }
    let record = scope.client_record(client).await?;
    let plan = myomap_clinic::home_care::home_care_plan(&record);
    let handout = scope.create_home_care(client, &serde_json::to_value(&plan)?).await?;
    let link = scope
        .home_care_link(&handout.id, std::time::Duration::from_secs(90 * 24 * 60 * 60))
        .await?;
    let items: Vec<String> = plan.daily_items().into_iter().map(|(id, _)| id).collect();
    // Most items on most days, fewer as the week goes on: a believable habit.
    for (days_ago, take) in [(4, items.len()), (3, items.len()), (2, items.len() / 2), (0, 1)] {
        let day = today.checked_sub(jiff::Span::new().days(days_ago))?.to_string();
        store
            .tick_home_care_via_link(&link.token, &day, &items[..take.min(items.len())])
            .await?;
    }
    Ok(())
}
