//! Home care: a handout from the last session, its PDF, the client's link
//! with daily ticks, and adherence on the therapist's side.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, http};

#[tokio::test]
async fn a_handout_from_the_last_session_ticked_by_the_client() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    add_user(&db, "South Clinic", "t@south.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let south = Api::login(&server, "t@south.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    api.post(
        &format!("/api/v1/clients/{id}/intake"),
        json!({"form": {"reason_for_visit": "Neck pain at the desk", "long_sitting": true}}),
    )
    .await;
    let note = json!({"note": {"date": "2026-11-20", "duration_minutes": 60, "treated": [
        {"muscle": "upper_trapezius", "side": "right", "trigger_point": "tp1", "pressure": "firm"},
        {"muscle": "levator_scapulae", "side": "right", "pressure": "moderate"}]}});
    let (_, draft) = api.post(&format!("/api/v1/clients/{id}/sessions"), note).await;
    api.post(
        &format!("/api/v1/sessions/{}/sign", draft["id"].as_str().unwrap()),
        json!({"version": 1}),
    )
    .await;

    let (status, handout) = api.post(&format!("/api/v1/clients/{id}/home-care"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{handout}");
    let stretches = handout["content"]["stretches"].as_array().unwrap();
    let muscles: Vec<&str> = stretches.iter().map(|s| s["muscle"].as_str().unwrap()).collect();
    assert_eq!(muscles, ["upper_trapezius", "levator_scapulae"]);
    assert!(stretches[0]["hold_seconds"].as_u64().unwrap() > 0);
    let topics: Vec<&str> = handout["content"]["advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["topic"].as_str().unwrap())
        .collect();
    assert!(
        topics.contains(&"hydration") && topics.contains(&"workstation") && topics.contains(&"after_session"),
        "{topics:?}"
    );
    assert!(!topics.contains(&"sport"), "no sport in the intake");
    let hid = handout["id"].as_str().unwrap();
    assert_eq!(
        south.get(&format!("/api/v1/home-care/{hid}")).await.0,
        StatusCode::NOT_FOUND
    );

    // The client ticks through the link, several times a day and on later visits.
    let (status, link) = api.post(&format!("/api/v1/home-care/{hid}/link"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = link["token"].as_str().unwrap();
    let first_stretch = stretches[0]["id"].as_str().unwrap().to_owned();
    let tick = |done: Value| {
        http()
            .post(server.url(&format!("/api/v1/links/{token}/home-care")))
            .json(&json!({"done": done}))
            .send()
    };
    assert_eq!(
        tick(json!(["not-an-item"])).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        tick(json!([first_stretch, "hydration"])).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        tick(json!([first_stretch])).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (_, read) = api.get(&format!("/api/v1/home-care/{hid}")).await;
    assert_eq!(read["ticks"].as_array().unwrap().len(), 1, "today's ticks are replaced");
    assert!(
        read["adherence"]["summary"]
            .as_str()
            .unwrap()
            .starts_with("Ticked on 1 of the last 14 days")
    );

    // The pages: the printable handout, its PDF, the client's phone page.
    let browser = Browser::new(&server);
    browser.sign_in("t@north.test", PASSWORD).await;
    let (status, page) = browser.get(&format!("/home-care/{hid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Upper trapezius (right)") && page.contains("Ticked on 1 of the last 14 days"));
    let pdf = browser
        .http
        .get(format!("{}/home-care/{hid}/handout.pdf", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let file = db.data_dir().join("handout.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext reads the handout");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Ada Byron") && text.contains("Upper trapezius"), "{text}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let phone = client
        .get(server.url(&format!("/c/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        phone.contains("Your home care, Ada") && phone.contains("checked"),
        "the morning's tick shows"
    );
    // The phone page and the API share one tick policy: an item the
    // handout does not have is refused by name, and nothing is saved.
    let refused = client
        .post(server.url(&format!("/c/{token}")))
        .form(&[
            ("done", "hydration"),
            ("done", "daily_movement"),
            ("done", "not-an-item"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("not an item of this handout"));
    let saved = client
        .post(server.url(&format!("/c/{token}")))
        .form(&[("done", "hydration"), ("done", "daily_movement")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser.get(&format!("/clients/{id}")).await;
    assert!(
        page.contains("Ticked on 1 of the last 14 days (2 of"),
        "adherence on the client page"
    );
}
