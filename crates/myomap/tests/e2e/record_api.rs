//! The clinical record through the JSON API: every endpoint, its errors,
//! client links, isolation and roles.

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, PASSWORD, Server, add_user, http};

fn field_of(problem: &Value) -> String {
    problem["errors"][0]["field"].as_str().unwrap_or_default().to_owned()
}

on_both_backends!(the_clinical_record_api);

async fn the_clinical_record_api(db: &TestDb) {
    add_user(db, "North Clinic", "t@north.test", "therapist");
    add_user(db, "North Clinic", "desk@north.test", "front_desk");
    add_user(db, "South Clinic", "t@south.test", "therapist");
    let server = Server::start(db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let desk = Api::login(&server, "desk@north.test", PASSWORD).await;
    let south = Api::login(&server, "t@south.test", PASSWORD).await;
    let public = http();
    let id = api.create_client("Ada", "Byron").await;

    // Screening questions are reference data.
    let questions: Value = public
        .get(server.url("/api/v1/screening/questions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        questions["questions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["id"] == "anticoagulants")
    );

    // Intake entered in the clinic, with a site-specific precaution.
    assert_eq!(
        api.get(&format!("/api/v1/clients/{id}/intake")).await.0,
        StatusCode::NOT_FOUND
    );
    let intake = json!({"form": {"reason_for_visit": "Neck pain", "long_sitting": true},
                        "screening": {"answers": [{"question": "varicose_veins_at_site", "sites": [{"area": "leg.calf", "side": "left"}]}]}});
    let (status, submitted) = api.post(&format!("/api/v1/clients/{id}/intake"), intake).await;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    assert_eq!(submitted["screening"]["outcome"], "suitable_with_precautions");
    assert!(
        submitted["screening"]["verdict"]["precautions"]
            .to_string()
            .contains("Calf (left)")
    );
    let (status, problem) = api
        .post(
            &format!("/api/v1/clients/{id}/intake"),
            json!({"form": {"reason_for_visit": "x"}, "screening": {"answers": [{"question": "no_such_question"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem.to_string().contains("no_such_question"), "{problem}");
    let (status, problem) = api
        .post(
            &format!("/api/v1/clients/{id}/intake"),
            json!({"form": {"reason_for_visit": ""}}),
        )
        .await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "form.reason_for_visit")
    );
    let (status, signed) = api
        .post(
            &format!("/api/v1/intakes/{}/sign", submitted["id"].as_str().unwrap()),
            json!({"version": submitted["version"]}),
        )
        .await;
    assert_eq!((status, signed["status"].as_str()), (StatusCode::OK, Some("signed")));

    // The client answers a new intake through a link: once, never twice.
    let (status, link) = desk.post(&format!("/api/v1/clients/{id}/intake-link"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = link["token"].as_str().unwrap();
    assert!(link["url"].as_str().unwrap().ends_with(&format!("/c/{token}")));
    let opened: Value = public
        .get(server.url(&format!("/api/v1/links/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (opened["purpose"].as_str(), opened["client_given_name"].as_str()),
        (Some("intake"), Some("Ada"))
    );
    let answer = json!({"form": {"reason_for_visit": "Still neck pain"}, "screening": {"answers": [{"question": "back_pain"}, {"question": "saddle_numbness"}]}});
    let sent = public
        .post(server.url(&format!("/api/v1/links/{token}/intake")))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::NO_CONTENT);
    let reused = public
        .post(server.url(&format!("/api/v1/links/{token}/intake")))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::GONE);
    assert_eq!(
        public
            .get(server.url("/api/v1/links/not-a-token"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let (_, latest) = api.get(&format!("/api/v1/clients/{id}/intake")).await;
    assert_eq!(
        (latest["status"].as_str(), latest["screening"]["outcome"].as_str()),
        (Some("submitted"), Some("refer_first"))
    );
    assert_eq!(latest["screening"]["verdict"]["urgent"], true);
    // An expired link is refused and stores nothing.
    let (_, link) = desk.post(&format!("/api/v1/clients/{id}/intake-link"), json!({})).await;
    db.raw_execute("UPDATE client_links SET expires_at = 0 WHERE used_at IS NULL")
        .await;
    let expired = public
        .post(server.url(&format!("/api/v1/links/{}/intake", link["token"].as_str().unwrap())))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::GONE);
    let problem: Value = expired.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("expired"));

    // Assessment with pain map, findings and posture; suggestions come back.
    let record = json!({
        "pain_map": [{"area": "head.temple", "side": "right", "intensity": 7, "quality": "aching"},
                     {"area": "face.upper_teeth", "side": "right", "intensity": 4, "quality": "aching"}],
        "posture": [{"finding": "forward_head"}, {"finding": "shoulder_elevated", "side": "right"}],
        "tone": [{"muscle": "temporalis", "side": "right", "tone": "hypertonic"}],
        "findings": [{"muscle": "temporalis", "trigger_point": "tp1", "side": "right", "activity": "active",
                      "referral_reproduced": true, "local_twitch": false, "jump_sign": true, "ppt_kg_cm2": 2.4}]});
    let (status, assessment) = api
        .post(&format!("/api/v1/clients/{id}/assessments"), record.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{assessment}");
    assert_eq!(
        assessment["suggestions"]["pain_map"]["suggestions"][0]["muscle"],
        "temporalis"
    );
    assert!(
        assessment["suggestions"]["posture"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["muscle"] == "upper_trapezius" && m["side"] == "right")
    );
    let aid = assessment["id"].as_str().unwrap().to_owned();
    for (bad, field) in [
        (
            json!({"pain_map": [{"area": "head.nose", "side": "right", "intensity": 3, "quality": "aching"}]}),
            "record.pain_map[0]",
        ),
        (
            json!({"pain_map": [{"area": "head.temple", "intensity": 3, "quality": "aching"}]}),
            "record.pain_map[0]",
        ),
        (
            json!({"pain_map": [{"area": "head.temple", "side": "right", "intensity": 11, "quality": "aching"}]}),
            "record.pain_map[0].intensity",
        ),
        (
            json!({"findings": [{"muscle": "temporalis", "trigger_point": "tp9", "side": "right", "activity": "active"}]}),
            "record.findings[0].trigger_point",
        ),
        (
            json!({"findings": [{"muscle": "temporalis", "trigger_point": "tp1", "activity": "active"}]}),
            "record.findings[0].side",
        ),
        (
            json!({"posture": [{"finding": "slouching"}]}),
            "record.posture[0].finding",
        ),
    ] {
        let (status, problem) = api
            .put(
                &format!("/api/v1/assessments/{aid}"),
                json!({"version": 1, "record": bad}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(field_of(&problem).starts_with(field), "expected {field}: {problem}");
    }
    let (status, updated) = api
        .put(
            &format!("/api/v1/assessments/{aid}"),
            json!({"version": 1, "record": record}),
        )
        .await;
    assert_eq!((status, updated["version"].as_i64()), (StatusCode::OK, Some(2)));
    assert_eq!(
        api.put(
            &format!("/api/v1/assessments/{aid}"),
            json!({"version": 1, "record": {}})
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        api.get(&format!("/api/v1/clients/{id}/assessments")).await.1["assessments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A posture photo, its landmarks and the measured angles.
    let png = crate::harness::test_png(400, 300);
    let upload = |view: &str, body: Vec<u8>, content_type: &'static str| {
        api.http
            .post(server.url(&format!("/api/v1/assessments/{aid}/photos?view={view}")))
            .bearer_auth(&api.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_eq!(
        upload("front", b"not an image".to_vec(), "image/png")
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload("front", png.clone(), "image/gif").await.unwrap().status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        upload("top", png.clone(), "image/png").await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let photo: Value = upload("front", png.clone(), "image/png")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(400), Some(300))
    );
    let pid = photo["id"].as_str().unwrap();
    let landmarks = json!({"points": [{"landmark": "acromion_left", "at": {"x": 300.0, "y": 100.0}},
                                      {"landmark": "acromion_right", "at": {"x": 100.0, "y": 110.0}}]});
    let (status, measured) = api.put(&format!("/api/v1/photos/{pid}/landmarks"), landmarks).await;
    assert_eq!(status, StatusCode::OK, "{measured}");
    let shoulder = &measured["measurements"][0];
    assert_eq!(
        (shoulder["measure"].as_str(), shoulder["lower"].as_str()),
        (Some("shoulder_obliquity"), Some("right"))
    );
    let outside = json!({"points": [{"landmark": "acromion_left", "at": {"x": 900.0, "y": 100.0}}]});
    let (status, problem) = api.put(&format!("/api/v1/photos/{pid}/landmarks"), outside).await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "points[0].at")
    );
    let image = api
        .http
        .get(server.url(&format!("/api/v1/photos/{pid}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(image.bytes().await.unwrap().to_vec(), png);

    // Session note: draft, refused duration, discomfort warning, sign, amend.
    let note = |minutes: u32, confirm: bool, discomfort: u32| {
        json!({"date": "2026-11-20", "duration_minutes": minutes, "confirm_duration": confirm,
        "techniques": ["ischemic compression"], "pain_before": 6, "pain_after": 3,
        "treated": [{"muscle": "temporalis", "side": "right", "trigger_point": "tp1", "pressure": "firm",
                     "checks": [{"discomfort": discomfort, "sharp": false}]}]})
    };
    let (status, problem) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            json!({"note": note(200, false, 5)}),
        )
        .await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "note.duration_minutes")
    );
    assert!(problem["detail"].as_str().unwrap().contains("confirm"));
    let (status, problem) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            json!({"note": {"date": "2026-11-20", "duration_minutes": 60, "pain_before": 11}}),
        )
        .await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "note.pain_before")
    );
    let (status, draft) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            json!({"assessment_id": aid, "note": note(60, false, 8)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["discomfort_warnings"][0]["discomfort"], 8);
    let sid = draft["id"].as_str().unwrap().to_owned();
    let (status, edited) = api
        .put(
            &format!("/api/v1/sessions/{sid}"),
            json!({"version": 1, "note": note(120, true, 8)}),
        )
        .await;
    assert_eq!(
        (status, edited["note"]["duration_minutes"].as_i64()),
        (StatusCode::OK, Some(120))
    );
    // The client's screening (the link intake above) says to refer them
    // first: signing asks for the reason, and nothing is signed without it.
    for refused in [json!({"version": 2}), json!({"version": 2, "referral_reason": "  "})] {
        let (status, problem) = api.post(&format!("/api/v1/sessions/{sid}/sign"), refused).await;
        assert_eq!(
            (status, field_of(&problem).as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "referral_reason"),
            "{problem}"
        );
    }
    assert_eq!(api.get(&format!("/api/v1/sessions/{sid}")).await.1["status"], "draft");
    let (status, signed) = api
        .post(
            &format!("/api/v1/sessions/{sid}/sign"),
            json!({"version": 2, "referral_reason": "GP examined her today and cleared soft-tissue work."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert_eq!(signed["status"], "signed");
    assert_eq!(
        signed["referral_reason"],
        "GP examined her today and cleared soft-tissue work."
    );
    let links = signed["checkin_links"].as_array().unwrap();
    assert_eq!(
        links
            .iter()
            .map(|l| l["due_hours"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [24, 48]
    );
    assert_eq!(
        api.put(
            &format!("/api/v1/sessions/{sid}"),
            json!({"version": 3, "note": note(60, false, 2)})
        )
        .await
        .0,
        StatusCode::CONFLICT
    );
    let (status, amended) = api
        .post(
            &format!("/api/v1/sessions/{sid}/amend"),
            json!({"note": note(90, false, 8), "reason": "Duration was 90 minutes"}),
        )
        .await;
    assert_eq!(
        (status, amended["amends"].as_str()),
        (StatusCode::CREATED, Some(sid.as_str()))
    );
    assert_eq!(
        api.get(&format!("/api/v1/sessions/{sid}")).await.1["amended_by"],
        amended["id"]
    );
    let carried = api.get(&format!("/api/v1/clients/{id}/sessions/carry-forward")).await.1;
    assert_eq!(carried["note"]["treated"][0]["muscle"], "temporalis");
    assert_eq!(carried["note"]["treated"][0]["checks"], json!([]));
    assert_eq!(carried["note"]["duration_minutes"], 90);

    // The client answers the 48-hour check-in; the dashboard flags it.
    let token48 = links[1]["token"].as_str().unwrap();
    let bad = public
        .post(server.url(&format!("/api/v1/links/{token48}/checkin")))
        .json(&json!({"soreness": 11}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let checkin = json!({"soreness": 5, "numbness": true, "areas": [{"area": "head.temple", "side": "right"}]});
    let sent = public
        .post(server.url(&format!("/api/v1/links/{token48}/checkin")))
        .json(&checkin)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::NO_CONTENT);
    let again = public
        .post(server.url(&format!("/api/v1/links/{token48}/checkin")))
        .json(&checkin)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    // An intake answer cannot be sent through a check-in link.
    let token24 = links[0]["token"].as_str().unwrap();
    let wrong = public
        .post(server.url(&format!("/api/v1/links/{token24}/intake")))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let (_, dashboard) = api.get("/api/v1/dashboard").await;
    let flagged = &dashboard["flagged_checkins"][0];
    assert_eq!(flagged["client_name"], "Ada Byron");
    assert_eq!(flagged["flags"], json!(["persistent_soreness", "new_symptom"]));
    let checkin_id = flagged["checkin"]["id"].as_str().unwrap();
    assert_eq!(
        api.post(&format!("/api/v1/checkins/{checkin_id}/review"), json!({}))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(api.get("/api/v1/dashboard").await.1["flagged_checkins"], json!([]));
    let (status, _) = api
        .post(
            &format!("/api/v1/checkins/{}/link", links[0]["checkin_id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let sessions = api.get(&format!("/api/v1/clients/{id}/sessions")).await.1;
    assert_eq!(sessions["sessions"].as_array().unwrap().len(), 2);

    // Another clinic gets 404 for everything; front desk gets 403 for clinical reads.
    for path in [
        format!("/api/v1/clients/{id}/intake"),
        format!("/api/v1/clients/{id}/assessments"),
        format!("/api/v1/assessments/{aid}"),
        format!("/api/v1/clients/{id}/sessions"),
        format!("/api/v1/sessions/{sid}"),
        format!("/api/v1/photos/{pid}"),
    ] {
        assert_eq!(south.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(desk.get(&path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        south
            .post(
                &format!("/api/v1/clients/{id}/sessions"),
                json!({"note": note(60, false, 2)})
            )
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        south
            .post(&format!("/api/v1/clients/{id}/intake-link"), json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.answer'")
            .await
            >= 1
    );
}

/// With a mail relay configured, signing emails the check-in links to the
/// client. The relay is Python's own SMTP server, printing what it receives.
#[tokio::test]
async fn signing_emails_the_checkin_links_through_the_relay() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut relay, received) = crate::harness::start_mail_relay(port);
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let mut args: Vec<String> = ["serve", "--bind", "127.0.0.1:0", "--smtp-url"]
        .map(String::from)
        .to_vec();
    args.push(format!("smtp://127.0.0.1:{port}"));
    args.extend(["--smtp-from".to_owned(), "North Clinic <clinic@north.test>".to_owned()]);
    args.extend(["--public-url".to_owned(), "https://clinic.north.test/".to_owned()]);
    args.extend(db.cli_args());
    let server = Server::spawn(&args, 1);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let (_, client) = api
        .post("/api/v1/clients", json!({"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1985-12-10", "email": "ada@example.org"}))
        .await;
    let id = client["id"].as_str().unwrap();
    let note = json!({"note": {"date": "2026-11-20", "duration_minutes": 60}});
    let (_, draft) = api.post(&format!("/api/v1/clients/{id}/sessions"), note).await;
    // Signed through a request with forged Host and X-Forwarded-Proto
    // headers: the e-mailed links still point at the configured address.
    let signed: Value = api
        .http
        .post(format!(
            "{}/api/v1/sessions/{}/sign",
            api.base,
            draft["id"].as_str().unwrap()
        ))
        .bearer_auth(&api.token)
        .header("Host", "attacker.example")
        .header("X-Forwarded-Proto", "gopher")
        .json(&json!({"version": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed["status"], "signed", "{signed}");
    assert_eq!(signed["email"]["status"], "queued", "{signed}");
    assert_eq!(signed["email"]["to"], "ada@example.org", "{signed}");

    // The outbox's sender delivers it within a few polls.
    let mut mail = String::new();
    for _ in 0..150 {
        mail = std::fs::read_to_string(received.path()).unwrap();
        if mail.contains("END MESSAGE") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = relay.kill();
    let _ = relay.wait();
    assert!(
        mail.contains("To: ada@example.org") && mail.contains("North Clinic: how are you feeling"),
        "{mail}"
    );
    let link48 = signed["checkin_links"][1]["url"].as_str().unwrap();
    assert!(link48.starts_with("https://clinic.north.test/c/"), "{link48}");
    assert!(mail.contains(link48), "the email carries the 48-hour link");
    assert!(
        !mail.contains("attacker.example"),
        "a request header reached the e-mail"
    );

    // A client without an address: signed all the same, the links shown.
    let other = api.create_client("Grace", "Hopper").await;
    let (_, draft) = api
        .post(
            &format!("/api/v1/clients/{other}/sessions"),
            json!({"note": {"date": "2026-11-20", "duration_minutes": 45}}),
        )
        .await;
    let (_, signed) = api
        .post(
            &format!("/api/v1/sessions/{}/sign", draft["id"].as_str().unwrap()),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(signed["email"]["status"], "by_hand", "{signed}");
    assert!(signed["email"]["detail"].as_str().unwrap().contains("no email address"));
    assert_eq!(signed["checkin_links"].as_array().unwrap().len(), 2);
}
