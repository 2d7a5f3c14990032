//! Reference commands and endpoints: the referred-pain engine, the atlas and
//! outcome scoring, through the real binary and a real server.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, PASSWORD, Server, add_user, cli, http, text};

fn json_out(args: &[&str], stdin: &str) -> Value {
    let out = cli(args, stdin);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.trim().lines().count(), 1, "exactly one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn suggest_ranks_temporalis_for_temple_and_upper_teeth() {
    let result = json_out(
        &["suggest", "head.temple:right@7", "face.upper_teeth:right", "--json"],
        "",
    );
    let first = &result["suggestions"][0];
    assert_eq!(
        (first["muscle"].as_str(), first["side"].as_str()),
        (Some("temporalis"), Some("right"))
    );
    assert_eq!(first["name"], "Temporalis");
    let score = first["score"].as_f64().unwrap();
    assert!(score > 0.0 && score <= 1.0);
    assert_eq!(first["explains"][0]["zone"], "essential");
    assert_eq!(first["unexplained"], json!([]));
    assert_eq!(result["explaining_set"][0], "temporalis");
    assert_eq!(
        result["suggestions"].as_array().unwrap().len(),
        10,
        "--top defaults to 10"
    );
    let three = json_out(&["suggest", "foot.heel:left", "--top", "3", "--json"], "");
    assert_eq!(three["suggestions"].as_array().unwrap().len(), 3);
    assert!(
        three["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["side"] == "left")
    );

    let human = text(&cli(&["suggest", "head.temple:right@7", "face.upper_teeth:right"], "").stdout);
    assert!(
        human.contains("Temporalis") && human.contains("Explaining set"),
        "{human}"
    );
}

#[test]
fn suggest_refuses_bad_areas_with_one_line_and_exit_code_2() {
    for (spec, message) in [
        ("head.nose:left", "unknown body area \"head.nose\""),
        ("head.temple", "is sided: give side \"left\" or \"right\""),
        ("chest.sternum:left", "is a midline area and takes no side"),
        (
            "head.temple:right@11",
            "intensity must be a whole number from 1 to 10, not \"11\"",
        ),
        ("head.temple:up", "side must be \"left\" or \"right\""),
    ] {
        let out = cli(&["suggest", spec, "--json"], "");
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(spec) && stderr.contains(message), "{spec}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn atlas_lists_searches_shows_and_evaluates() {
    let all = json_out(&["atlas", "--json"], "");
    let muscles = all["muscles"].as_array().unwrap();
    assert!(muscles.len() >= 100);
    for m in muscles {
        for key in ["id", "name", "region", "trigger_points", "referral", "sources"] {
            assert!(m.get(key).is_some(), "{} lacks {key}", m["id"]);
        }
    }
    let heel = json_out(&["atlas", "foot.heel", "--json"], "");
    assert!(heel["muscles"].as_array().unwrap().iter().any(|m| m["id"] == "soleus"));
    let shown = json_out(&["atlas", "show", "upper_trapezius", "--json"], "");
    assert_eq!(shown["muscles"][0]["id"], "upper_trapezius");
    let out = cli(&["atlas", "show", "upper_trapezoid"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown muscle \"upper_trapezoid\""));

    let evaluation = json_out(&["atlas", "evaluate", "--json"], "");
    assert!(evaluation["vignettes"].as_u64().unwrap() >= 40);
    let top3 = evaluation["top3"].as_f64().unwrap();
    assert!(top3 >= 0.9, "top-3 hit rate {top3}");
    assert!(text(&cli(&["atlas", "evaluate"], "").stdout).contains("top-3:"));
}

#[test]
fn score_reads_json_on_stdin_and_refuses_errors_with_exit_code_2() {
    let odi = json_out(&["score", "odi", "--json"], r#"{"items":[2,3,1,null,0,4,2,1,3,2]}"#);
    assert_eq!(odi, json!({"valid": true, "score": 40.0, "band": "moderate"}));
    let missing = json_out(&["score", "odi", "--json"], r#"{"items":[2,3,null,null,0,4,2,1,3,2]}"#);
    assert_eq!(
        (missing["valid"].as_bool(), &missing["score"]),
        (Some(false), &Value::Null)
    );
    for (instrument, input, message) in [
        (
            "odi",
            r#"{"items":[2,3,1,0,0,4,2,1,3]}"#,
            "items: expected 10 answers, got 9",
        ),
        ("odi", r#"{"items":[2,3,1,0,0,4,2,1,3,6]}"#, "items[9]"),
        ("ndi", r#"{"items":[2,3,1,0,0,4,2,1,3,1.5]}"#, "items[9]"),
        (
            "acr2016_fm",
            r#"{"regions":["knee_left"],"fatigue":0,"waking_unrefreshed":0,"cognitive":0,"headaches":0,"lower_abdominal":0,"depression":0,"duration_months":3}"#,
            "knee_left",
        ),
        ("nosuch", "{}", "unknown instrument \"nosuch\""),
    ] {
        let out = cli(&["score", instrument, "--json"], input);
        assert_eq!(out.status.code(), Some(2), "{instrument} {input}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(message) && stderr.trim().lines().count() == 1,
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn the_api_serves_suggestions_the_atlas_and_scores() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let client = http();
    let post = |path: &str, body: Value| client.post(server.url(path)).json(&body).send();

    let response = post("/api/v1/suggest", json!({"areas": [{"area": "head.temple", "side": "right", "intensity": 7}, {"area": "face.upper_teeth", "side": "right"}]})).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let api: Value = response.json().await.unwrap();
    let cli_result = json_out(
        &["suggest", "head.temple:right@7", "face.upper_teeth:right", "--json"],
        "",
    );
    assert_eq!(api, cli_result, "the API and the CLI give the same answer");

    for (body, field) in [
        (json!({"areas": [{"area": "head.nose", "side": "left"}]}), "areas[0]"),
        (json!({"areas": [{"area": "head.temple", "intensity": 7}]}), "areas[0]"),
        (
            json!({"areas": [{"area": "head.temple", "side": "right", "intensity": 11}]}),
            "areas[0]",
        ),
        (json!({"areas": []}), "areas"),
        (
            json!({"areas": [{"area": "head.temple", "side": "right"}], "colour": "red"}),
            "colour",
        ),
    ] {
        let response = post("/api/v1/suggest", body.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = response.json().await.unwrap();
        let named = problem["errors"][0]["field"].as_str().unwrap_or_default().to_owned();
        assert!(
            named.starts_with(field) || problem["detail"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }

    let muscles: Value = client
        .get(server.url("/api/v1/atlas/muscles"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(muscles["muscles"].as_array().unwrap().len() >= 100);
    let one: Value = client
        .get(server.url("/api/v1/atlas/muscles/temporalis"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["name"], "Temporalis");
    assert_eq!(
        client
            .get(server.url("/api/v1/atlas/muscles/nope"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let scored: Value = post("/api/v1/score/odi", json!({"items": [2, 3, 1, null, 0, 4, 2, 1, 3, 2]}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(scored["band"], "moderate");
    let refused = post("/api/v1/score/odi", json!({"items": [2, 3, 1, null, 0, 4, 2, 1, 3, 9]}))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "items[9]");
    assert_eq!(
        post("/api/v1/score/nosuch", json!({})).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // The atlas pages draw the referral zones on the body chart.
    let browser = Browser::new(&server);
    browser.sign_in("therapist@north.test", PASSWORD).await;
    let (status, page) = browser.get("/atlas/temporalis").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-area=\"head.temple\" data-side=\"right\"") || page.contains("class=\"area essential"));
    assert!(
        page.contains("class=\"area essential tp\" data-area=\"head.temple\" data-side=\"right\""),
        "temple marked"
    );
    assert!(page.contains("class=\"area essential\" data-area=\"face.upper_teeth\" data-side=\"right\""));
    assert!(
        !page.contains("data-area=\"face.upper_teeth\" data-side=\"left\" class"),
        "left side unmarked"
    );
    let (status, list) = browser.get("/atlas?q=heel").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("/atlas/soleus"));
    assert_eq!(browser.get("/atlas/nope").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_server_describes_its_api_in_openapi_without_sign_in() {
    let db = TestDb::sqlite();
    let server = Server::start(&db);
    let response = http().get(server.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'), "{}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "Myomap API");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/clients/{id}",
        "/api/v1/sessions/{id}/sign",
        "/api/v1/openapi.json",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    assert!(paths["/api/v1/clients/{id}"]["put"]["security"][0]["bearer"].is_array());
    assert!(paths["/api/v1/suggest"]["post"].get("security").is_none());
}
