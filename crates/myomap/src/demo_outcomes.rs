//! The demo clinic's outcome questionnaires: a course of scores per client
//! so the progress pages and the clinic dashboard show clients who improve,
//! stay flat and worsen.

use anyhow::anyhow;
use myomap_domain::ClientId;
use myomap_store::ClinicScope;
use serde_json::Value;

struct Course {
    client: &'static str,
    /// Intake condition ids (they decide the suggested measures).
    conditions: &'static [&'static str],
    /// (instrument, days ago, scoring input as JSON)
    answers: &'static [(&'static str, i64, &'static str)],
}

const COURSES: &[Course] = &[
    Course {
        client: "Maya Okafor",
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
        conditions: &["shoulder_arm"],
        answers: &[
            ("quickdash", 24, r#"{"items":[4,3,3,3,3,4,2,3,4,2,3]}"#),
            ("quickdash", 5, r#"{"items":[2,2,1,2,1,3,1,2,2,1,1]}"#),
        ],
    },
    Course {
        client: "Luis Ortega",
        conditions: &["sports_lower_limb"],
        answers: &[
            ("lefs", 18, r#"{"items":[2,1,3,4,3,2,2,3,2,3,3,2,3,2,3,1,1,1,1,4]}"#),
            ("lefs", 4, r#"{"items":[3,2,4,4,4,3,3,4,3,4,4,3,4,3,4,2,2,2,2,4]}"#),
        ],
    },
    Course {
        client: "Aisha Bello",
        conditions: &["shoulder_arm"],
        answers: &[
            ("quickdash", 16, r#"{"items":[3,3,2,3,2,3,2,3,3,2,2]}"#),
            ("quickdash", 2, r#"{"items":[3,2,2,3,2,3,2,3,3,2,2]}"#),
        ],
    },
    Course {
        client: "Daniel Moreau",
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
        let scored = myomap_web::outcomes::score(instrument, &taken_on, &input)
            .map_err(|p| anyhow!("{instrument}: {}", p.detail))?;
        scope.record_questionnaire(client, &scored, "clinic").await?;
    }
    Ok(course.answers.len())
}
