//! Treatment plans: the protocol library, plans through the API with their
//! progress and alerts, and building one from a protocol in the browser.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, PASSWORD, Server, add_user, http};

fn draft(sessions: u32) -> Value {
    json!({"protocol": "back_neck_shoulder", "condition": "neck_pain",
           "goals": [{"instrument": "nprs", "at_most": 2, "label": "pain 2/10 or less"},
                     {"instrument": "ndi", "below_band": "mild"}],
           "sessions_planned": sessions, "interval_days": 7, "session_minutes": 60, "reassess_every": 2,
           "precautions": ["No deep work over the anterior neck."], "notes": ""})
}

#[tokio::test]
async fn plans_from_protocols_track_sessions_goals_and_alerts() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    add_user(&db, "South Clinic", "t@south.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let south = Api::login(&server, "t@south.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;

    let library: Value = http()
        .get(server.url("/api/v1/protocols"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = library["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for expected in [
        "back_neck_shoulder",
        "sciatica_nerve_entrapment",
        "tmj",
        "carpal_tunnel",
        "fibromyalgia_myofascial",
        "sports_repetitive_strain",
    ] {
        assert!(ids.contains(&expected), "{expected} in {ids:?}");
    }
    let tmj: Value = http()
        .get(server.url("/api/v1/protocols/tmj"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tmj["assess_first"].as_array().unwrap().iter().any(|m| m == "masseter"));
    assert!(!tmj["sources"].as_array().unwrap().is_empty());

    for (plan, field) in [
        (
            json!({"condition": "neck_pain", "goals": [{"instrument": "nprs", "at_most": 2}], "sessions_planned": 0, "interval_days": 7, "session_minutes": 60, "reassess_every": 1}),
            "plan.sessions_planned",
        ),
        (
            json!({"condition": "neck_pain", "goals": [{"instrument": "nprs", "at_most": 2}], "sessions_planned": 6, "interval_days": 7, "session_minutes": 120, "reassess_every": 2}),
            "plan.session_minutes",
        ),
        (
            json!({"condition": "elbow", "goals": [{"instrument": "nprs", "at_most": 2}], "sessions_planned": 6, "interval_days": 7, "session_minutes": 60, "reassess_every": 2}),
            "plan.condition",
        ),
    ] {
        let (status, problem) = api
            .post(&format!("/api/v1/clients/{id}/plans"), json!({"plan": plan}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }

    let (status, plan) = api
        .post(
            &format!("/api/v1/clients/{id}/plans"),
            json!({"starts_on": "2026-10-01", "plan": draft(3)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let pid = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            plan["progress"]["sessions_done"].as_u64(),
            plan["progress"]["sessions_planned"].as_u64()
        ),
        (Some(0), Some(3))
    );
    assert_eq!(plan["progress"]["goals"][0]["status"], "no_data");

    // Three signed sessions after the start: re-assessment due, course done.
    for date in ["2026-10-02", "2026-10-09", "2026-10-16"] {
        let (_, draft_note) = api
            .post(
                &format!("/api/v1/clients/{id}/sessions"),
                json!({"note": {"date": date, "duration_minutes": 60, "pain_before": 6, "pain_after": 4}}),
            )
            .await;
        api.post(
            &format!("/api/v1/sessions/{}/sign", draft_note["id"].as_str().unwrap()),
            json!({"version": 1}),
        )
        .await;
    }
    for (instrument, taken_on, input) in [
        ("nprs", "2026-09-30", json!({"value": 6})),
        ("nprs", "2026-10-01", json!({"value": 6})),
        ("ndi", "2026-10-01", json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]})),
        ("ndi", "2026-10-01", json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]})),
    ] {
        api.post(
            &format!("/api/v1/clients/{id}/questionnaires"),
            json!({"instrument": instrument, "taken_on": taken_on, "input": input}),
        )
        .await;
    }
    let (_, read) = api.get(&format!("/api/v1/plans/{pid}")).await;
    let progress = &read["progress"];
    assert_eq!(progress["sessions_done"], 3);
    assert_eq!(progress["goals"][0]["status"], "not_met");
    assert_eq!(progress["improved_meaningfully"], false);
    let alerts: Vec<&str> = progress["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        alerts,
        ["reassessment_due", "planned_sessions_done_without_improvement"]
    );

    // NPRS falls to 2: the goal is met and the course improved.
    api.post(
        &format!("/api/v1/clients/{id}/questionnaires"),
        json!({"instrument": "nprs", "taken_on": "2026-10-17", "input": {"value": 2}}),
    )
    .await;
    let (_, read) = api.get(&format!("/api/v1/plans/{pid}")).await;
    assert_eq!(read["progress"]["goals"][0]["status"], "met");
    assert_eq!(read["progress"]["improved_meaningfully"], true);
    assert_eq!(read["progress"]["alerts"], json!(["planned_sessions_done"]));

    let (status, edited) = api
        .put(&format!("/api/v1/plans/{pid}"), json!({"version": 1, "plan": draft(6)}))
        .await;
    assert_eq!(
        (status, edited["plan"]["sessions_planned"].as_u64()),
        (StatusCode::OK, Some(6))
    );
    assert_eq!(
        api.put(&format!("/api/v1/plans/{pid}"), json!({"version": 1, "plan": draft(8)}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        south.get(&format!("/api/v1/plans/{pid}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        south.get(&format!("/api/v1/clients/{id}/plans")).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, closed) = api.post(&format!("/api/v1/plans/{pid}/close"), json!({})).await;
    assert_eq!((status, closed["status"].as_str()), (StatusCode::OK, Some("closed")));
    assert_eq!(
        api.put(&format!("/api/v1/plans/{pid}"), json!({"version": 3, "plan": draft(8)}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        api.get(&format!("/api/v1/clients/{id}/plans")).await.1["plans"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
