//! Suitability screening end to end: `myomap screen --json`, `POST
//! /api/v1/screening`, and an intake whose reason for visit reaches the rules
//! and whose urgency shows on the client page.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, cli, http, text};

const CAUDA_EQUINA: &str = r#"{"conditions":["sciatica"],"age":52,"answers":[{"question":"bowel_bladder_change"}]}"#;

fn screen_json(stdin: &str) -> Value {
    let out = cli(&["screen", "--json"], stdin);
    assert!(out.status.success(), "{stdin}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.trim().lines().count(), 1, "exactly one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn screen_reads_json_on_stdin_and_refuses_errors_with_exit_code_2() {
    let verdict = screen_json(CAUDA_EQUINA);
    assert_eq!(verdict["outcome"], "refer_first");
    assert_eq!(verdict["urgency"], "emergency");
    assert_eq!(verdict["reasons"][0]["rule"], "possible_cauda_equina");
    assert_eq!(verdict["reasons"][0]["conditions"], json!(["sciatica"]));
    assert!(verdict["reasons"][0]["sources"][0].is_string());
    assert!(verdict["precautions"].is_array());

    let suitable = screen_json(r#"{"conditions":["neck_pain"],"age":30,"answers":[]}"#);
    assert_eq!(
        (&suitable["outcome"], &suitable["urgency"]),
        (&json!("suitable"), &Value::Null)
    );
    let giant_cell = screen_json(r#"{"age":71,"answers":[{"question":"temporal_arteritis_signs"}]}"#);
    assert_eq!(giant_cell["urgency"], "same_day");
    let head_injury =
        screen_json(r#"{"answers":[{"question":"recent_head_or_neck_injury"},{"question":"anticoagulants"}]}"#);
    assert_eq!(head_injury["urgency"], "emergency");

    let readable = cli(&["screen"], CAUDA_EQUINA);
    assert!(readable.status.success());
    let lines = text(&readable.stdout);
    assert!(lines.starts_with("outcome: refer_first (emergency)"), "{lines}");
    assert!(lines.contains("tell the client:"), "{lines}");

    for (input, field) in [
        (r#"{"answers":[{"question":"levitation"}]}"#, "answers[0].question"),
        (r#"{"conditions":["gout"]}"#, "conditions[0]"),
        (
            r#"{"answers":[{"question":"preeclampsia_signs"}]}"#,
            "answers[0].question",
        ),
        (r#"{"age":-1}"#, "age"),
        (r#"{"colour":"red"}"#, "colour"),
        ("not json", "input"),
    ] {
        let out = cli(&["screen", "--json"], input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(field) && stderr.trim().lines().count() == 1,
            "{input}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{input}");
    }
}

#[tokio::test]
async fn the_api_screens_like_the_cli_and_an_intake_s_reason_for_visit_reaches_the_rules() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let server = Server::start(&db);
    let public = http();

    // The reference endpoint: no sign-in, the same answer as the CLI.
    let response = public
        .post(server.url("/api/v1/screening"))
        .header("content-type", "application/json")
        .body(CAUDA_EQUINA)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let api: Value = response.json().await.unwrap();
    assert_eq!(
        api,
        screen_json(CAUDA_EQUINA),
        "the API and the CLI give the same answer"
    );

    for (body, field) in [
        (json!({"answers": [{"question": "levitation"}]}), "answers[0].question"),
        (json!({"conditions": ["gout"]}), "conditions[0]"),
        (
            json!({"answers": [{"question": "head_injury_red_signs"}]}),
            "answers[0].question",
        ),
        (json!({"age": "old"}), "age"),
    ] {
        let response = public
            .post(server.url("/api/v1/screening"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }

    // An intake for sciatica with a new bladder problem: an emergency without
    // ticking "back pain" a second time.
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let intake = json!({
        "form": {"reason_for_visit": "Leg pain", "conditions": ["sciatica"]},
        "screening": {"answers": [{"question": "bowel_bladder_change"}]}
    });
    let (status, submitted) = api.post(&format!("/api/v1/clients/{id}/intake"), intake).await;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    let verdict = &submitted["screening"]["verdict"];
    assert_eq!(submitted["screening"]["outcome"], "refer_first");
    assert_eq!(verdict["urgency"], "emergency");
    assert_eq!(verdict["urgent"], true, "the flag older readers know stays");
    assert_eq!(verdict["reasons"][0]["rule"], "possible_cauda_equina");

    // The client page shows the urgency and what to do.
    let browser = Browser::new(&server);
    browser.sign_in("t@north.test", PASSWORD).await;
    let (status, page) = browser.get(&format!("/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("urgency emergency"), "no urgency on the client page");
    assert!(page.contains("Tell the client:"), "no advice on the client page");

    // The therapist's day says how urgent the referral is, next to the
    // booking, and so does the progress report.
    let therapist = api.user_id().await;
    let (status, booked) = api
        .post(
            "/api/v1/appointments",
            json!({"client_id": id, "therapist_id": therapist, "starts_at": "2030-04-01T09:00", "minutes": 60, "outside_hours": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (status, day) = browser
        .get(&format!("/schedule?day=2030-04-01&therapist={therapist}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(day.contains("Refer first (Emergency)"), "no urgency on the day view");
}
