//! Outcome measures: questionnaires through the API and a client link,
//! progress with MCID verdicts, licensed wording and the PDF report.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, cli_db, http, text};

async fn record(api: &Api, client: &str, instrument: &str, taken_on: &str, input: Value) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/clients/{client}/questionnaires"),
        json!({"instrument": instrument, "taken_on": taken_on, "input": input}),
    )
    .await
}

#[tokio::test]
async fn questionnaires_progress_wording_and_report() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "South Clinic", "t@south.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let south = Api::login(&server, "t@south.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;

    // NDI improves by 20 points (MCID 15), ODI stays flat, NPRS by session.
    let (status, first) = record(
        &api,
        &id,
        "ndi",
        "2026-09-01",
        json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        first["result"],
        json!({"valid": true, "score": 40.0, "raw": 20.0, "band": "moderate"})
    );
    record(
        &api,
        &id,
        "ndi",
        "2026-10-15",
        json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}),
    )
    .await;
    record(
        &api,
        &id,
        "odi",
        "2026-09-01",
        json!({"items": [2, 3, 1, null, 0, 4, 2, 1, 3, 2]}),
    )
    .await;
    record(
        &api,
        &id,
        "odi",
        "2026-10-15",
        json!({"items": [2, 3, 1, 1, 0, 4, 2, 1, 3, 2]}),
    )
    .await;
    let (status, sparse) = record(
        &api,
        &id,
        "odi",
        "2026-10-16",
        json!({"items": [2, null, null, 1, 0, 4, 2, 1, 3, 2]}),
    )
    .await;
    assert_eq!(
        (status, sparse["result"]["valid"].as_bool()),
        (StatusCode::CREATED, Some(false))
    );

    for (input, field) in [
        (json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 6]}), "input.items[9]"),
        (json!({"items": [2, 2, 2]}), "input.items"),
        (json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 1.5]}), "input.items[9]"),
    ] {
        let (status, problem) = record(&api, &id, "ndi", "2026-10-20", input).await;
        assert_eq!(
            (status, problem["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{problem}"
        );
    }
    let (status, problem) = record(
        &api,
        &id,
        "ndi",
        "20/10/2026",
        json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("taken_on"))
    );
    assert_eq!(
        record(&api, &id, "nosuch", "2026-10-20", json!({})).await.0,
        StatusCode::NOT_FOUND
    );

    let (_, progress) = api.get(&format!("/api/v1/clients/{id}/progress")).await;
    let measure = |instrument: &str| {
        progress["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["instrument"] == instrument)
            .unwrap()
            .clone()
    };
    assert_eq!(measure("ndi")["verdict"], "meaningful_improvement");
    assert_eq!(measure("ndi")["change"], -20.0);
    assert_eq!(measure("odi")["verdict"], "no_meaningful_change");
    assert_eq!(
        measure("odi")["points"].as_array().unwrap().len(),
        2,
        "the unscorable answer is not a point"
    );
    assert_eq!(
        api.get(&format!("/api/v1/clients/{id}/questionnaires")).await.1["questionnaires"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        south.get(&format!("/api/v1/clients/{id}/progress")).await.0,
        StatusCode::NOT_FOUND
    );

    // The client answers a PSFS through a link, once.
    let (status, link) = api
        .post(
            &format!("/api/v1/clients/{id}/questionnaire-link"),
            json!({"instrument": "psfs"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = link["token"].as_str().unwrap();
    let public = http();
    let answer = |input: Value| {
        public
            .post(server.url(&format!("/api/v1/links/{token}/questionnaire")))
            .json(&input)
            .send()
    };
    assert_eq!(
        answer(json!({"items": [11]})).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        answer(json!({"items": [4, 6]})).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        answer(json!({"items": [4, 6]})).await.unwrap().status(),
        StatusCode::GONE
    );
    let list = api.get(&format!("/api/v1/clients/{id}/questionnaires")).await.1;
    assert!(
        list["questionnaires"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["instrument"] == "psfs" && q["source"] == "client_link")
    );

    // Licensed wording: refused when it does not fit, shown when loaded.
    let file = db.data_dir().join("ndi-wording.toml");
    std::fs::write(
        &file,
        "instrument = \"ndi\"\ntitle = \"NDI\"\nitems = [\"one\", \"two\"]\n",
    )
    .unwrap();
    let out = cli_db(
        &db,
        &[
            "instruments",
            "load",
            file.to_str().unwrap(),
            "--clinic",
            "North Clinic",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("items: ndi has 10 items"),
        "{}",
        text(&out.stderr)
    );
    let items: Vec<String> = (1..=10).map(|i| format!("\"Licensed question {i}\"")).collect();
    std::fs::write(
        &file,
        format!(
            "instrument = \"ndi\"\ntitle = \"Neck Disability Index\"\nitems = [{}]\n",
            items.join(", ")
        ),
    )
    .unwrap();
    let out = cli_db(
        &db,
        &[
            "instruments",
            "load",
            file.to_str().unwrap(),
            "--clinic",
            "North Clinic",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let browser = Browser::new(&server);
    browser.sign_in("t@north.test", PASSWORD).await;
    let (status, form) = browser
        .get(&format!("/clients/{id}/questionnaires/new?instrument=ndi"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Licensed question 7"));
    let (_, odi_form) = browser
        .get(&format!("/clients/{id}/questionnaires/new?instrument=odi"))
        .await;
    assert!(!odi_form.contains("Licensed question"), "wording is per instrument");

    // The fibromyalgia criteria start from the latest pain map.
    let map = json!({"pain_map": [{"area": "face.jaw", "side": "left", "intensity": 4, "quality": "aching"},
                                  {"area": "back.lumbar", "side": "right", "intensity": 6, "quality": "aching"}]});
    assert_eq!(
        api.post(&format!("/api/v1/clients/{id}/assessments"), map).await.0,
        StatusCode::CREATED
    );
    let (_, acr) = browser
        .get(&format!("/clients/{id}/questionnaires/new?instrument=acr2016_fm"))
        .await;
    assert!(
        acr.contains("value=\"jaw_left\" checked") && acr.contains("value=\"lower_back\" checked"),
        "WPI pre-filled"
    );
    assert!(!acr.contains("value=\"jaw_right\" checked"));

    // The progress page charts the measures; the PDF report reads back as text.
    let (status, page) = browser.get(&format!("/clients/{id}/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("meaningful improvement") && page.contains("<svg"),
        "progress page"
    );
    let pdf = browser
        .http
        .get(format!("{}/clients/{id}/report.pdf", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    let out_file = db.data_dir().join("report.pdf");
    let out = cli_db(&db, &["report", &id, "--out", out_file.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let extracted = std::process::Command::new("pdftotext")
        .args([out_file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils) reads the report");
    let report = text(&extracted.stdout);
    for expected in [
        "Progress report",
        "North Clinic",
        "Ada Byron",
        "Neck Disability Index",
        "meaningful improvement",
    ] {
        assert!(report.contains(expected), "report lacks {expected}: {report}");
    }
    let out = cli_db(
        &db,
        &[
            "report",
            "00000000-0000-7000-8000-000000000000",
            "--out",
            out_file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}
