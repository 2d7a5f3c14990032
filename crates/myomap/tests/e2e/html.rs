//! The pages, over HTTP: sign-in, CSRF on every form, isolation and roles.

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, hidden_field};

on_both_backends!(pages_are_isolated_between_clinics);

async fn pages_are_isolated_between_clinics(db: &TestDb) {
    add_user(db, "North Clinic", "owner@north.test", "owner");
    add_user(db, "South Clinic", "owner@south.test", "owner");
    let server = Server::start(db);
    let id = Api::login(&server, "owner@north.test", PASSWORD)
        .await
        .create_client("Ada", "Byron")
        .await;

    let north = Browser::new(&server);
    north.sign_in("owner@north.test", PASSWORD).await;
    let (status, page) = north.get(&format!("/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ada Byron") && page.contains("right-sided neck pain"));

    let south = Browser::new(&server);
    south.sign_in("owner@south.test", PASSWORD).await;
    let (status, page) = south.get(&format!("/clients/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Byron"));
    let (_, list) = south.get("/clients?q=byron").await;
    assert!(!list.contains("Byron") && list.contains("0 clients"));
    let csrf = south.csrf().await;
    let (status, _, _) = south
        .post_form(&format!("/clients/{id}/archive"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM clients WHERE archived_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn forms_need_their_csrf_token_and_keep_what_was_typed() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let browser = Browser::new(&server);

    // Not signed in: pages send you to the sign-in form.
    let (status, _) = browser.get("/clients").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The sign-in form itself is CSRF-protected.
    let (status, page, _) = browser
        .post_form("/login", &[("email", "therapist@north.test"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("security token"));
    browser.sign_in("therapist@north.test", PASSWORD).await;

    let form = [
        ("given_name", "Grace"),
        ("family_name", "Hopper"),
        ("date_of_birth", "1986-12-09"),
        ("notes", "Low back ache"),
    ];
    let (status, page, _) = browser.post_form("/clients", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    let mut with_wrong = form.to_vec();
    with_wrong.push(("csrf", "forged"));
    assert_eq!(
        browser.post_form("/clients", &with_wrong).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM clients").await, 0);

    let csrf = browser.csrf().await;
    let invalid = [
        ("csrf", csrf.as_str()),
        ("given_name", "Grace"),
        ("family_name", ""),
        ("date_of_birth", "09/12/1986"),
        ("notes", "Low back ache"),
    ];
    let (status, page, _) = browser.post_form("/clients", &invalid).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Family name is required"), "{page}");
    assert!(page.contains("is not a date in the form YYYY-MM-DD"));
    assert!(
        page.contains("value=\"Grace\"") && page.contains("Low back ache"),
        "typed values are kept"
    );

    let mut valid = form.to_vec();
    valid.push(("csrf", &csrf));
    let (status, _, location) = browser.post_form("/clients", &valid).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let client_path = location.unwrap();
    let (_, page) = browser.get(&client_path).await;
    assert!(page.contains("Grace Hopper") && page.contains("Low back ache"));

    // Editing keeps the version so concurrent edits are caught.
    let (_, edit) = browser.get(&format!("{client_path}/edit")).await;
    let version = hidden_field(&edit, "version");
    let mut edited = valid.clone();
    edited[1] = ("family_name", "Murray Hopper");
    edited.push(("version", &version));
    assert_eq!(browser.post_form(&client_path, &edited).await.0, StatusCode::SEE_OTHER);
    let (status, page, _) = browser.post_form(&client_path, &edited).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("changed by someone else"));

    // A cookie-authenticated API call must carry the CSRF header.
    let response = browser
        .http
        .post(format!("{}/api/v1/clients", server.base))
        .json(&serde_json::json!({"given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .http
        .post(format!("{}/api/v1/clients", server.base))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    // Signing out ends the session for every later request.
    assert_eq!(
        browser.post_form("/logout", &[("csrf", &csrf)]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(browser.get("/clients").await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn front_desk_pages_show_no_clinical_notes() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    let server = Server::start(&db);
    let id = Api::login(&server, "therapist@north.test", PASSWORD)
        .await
        .create_client("Ada", "Byron")
        .await;

    let desk = Browser::new(&server);
    desk.sign_in("desk@north.test", PASSWORD).await;
    let (status, page) = desk.get(&format!("/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ada Byron"));
    assert!(!page.contains("Clinical notes") && !page.contains("neck pain") && !page.contains("Record history"));
    let (_, edit) = desk.get(&format!("/clients/{id}/edit")).await;
    assert!(!edit.contains("name=\"notes\""));

    // Front desk edits the phone; the therapist's notes survive.
    let csrf = desk.csrf().await;
    let version = hidden_field(&edit, "version");
    let form = [
        ("csrf", csrf.as_str()),
        ("version", &version),
        ("given_name", "Ada"),
        ("family_name", "Byron"),
        ("date_of_birth", "1985-12-10"),
        ("phone", "+44 20 7946 0000"),
    ];
    assert_eq!(
        desk.post_form(&format!("/clients/{id}"), &form).await.0,
        StatusCode::SEE_OTHER
    );
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let seen = therapist.get(&format!("/api/v1/clients/{id}")).await.1;
    assert_eq!(
        (seen["phone"].as_str(), seen["notes"].as_str()),
        (Some("+44 20 7946 0000"), Some("Ada has right-sided neck pain"))
    );
}

/// A multipart form body with the given text fields and one PNG file.
fn multipart(boundary: &str, fields: &[(&str, &str)], png: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"front.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// The photo upload carries its CSRF token in the form, not in the address
/// (where proxies log it): a token in the query string is not accepted.
#[tokio::test]
async fn the_photo_upload_takes_its_csrf_token_from_the_form() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let (status, assessment) = api
        .post(&format!("/api/v1/clients/{id}/assessments"), serde_json::json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let aid = assessment["id"].as_str().unwrap().to_owned();
    let browser = Browser::new(&server);
    browser.sign_in("t@north.test", PASSWORD).await;
    let (_, page) = browser.get(&format!("/assessments/{aid}")).await;
    assert!(!page.contains("photos?csrf="), "the token is not put in the address");
    let csrf = browser.csrf().await;
    let png = crate::harness::test_png(400, 300);
    let boundary = "myomap-test-boundary";
    let upload = |url: String, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser
            .http
            .post(url)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(multipart(boundary, &fields, &png))
            .send()
    };
    let in_address = upload(
        format!("{}/assessments/{aid}/photos?csrf={csrf}", browser.base),
        vec![("view", "front".into())],
    )
    .await
    .unwrap();
    assert_eq!(in_address.status(), StatusCode::FORBIDDEN);
    let in_form = upload(
        format!("{}/assessments/{aid}/photos", browser.base),
        vec![("csrf", csrf.clone()), ("view", "front".into())],
    )
    .await
    .unwrap();
    assert_eq!(in_form.status(), StatusCode::SEE_OTHER);
    let (_, photos) = api.get(&format!("/api/v1/assessments/{aid}")).await;
    assert_eq!(photos["photos"].as_array().map(Vec::len), Some(1), "{photos}");
}

/// The online booking link offers the client's own therapist first, not
/// whoever happens to head the staff list (the clinic owner).
#[tokio::test]
async fn the_booking_link_defaults_to_the_client_s_own_therapist() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let server = Server::start(&db);
    let owner = Api::login(&server, "owner@north.test", PASSWORD).await;
    let therapist = Api::login(&server, "t@north.test", PASSWORD).await;
    let id = owner.create_client("Ada", "Byron").await;
    let first_offered = |page: &str| {
        let select = &page[page.find("id=\"booking-therapist\"").expect("a booking select")..];
        let value = &select[select.find("value=\"").unwrap() + 7..];
        value[..value.find('"').unwrap()].to_owned()
    };
    let therapist_id = therapist.user_id().await;
    let browser = Browser::new(&server);
    browser.sign_in("owner@north.test", PASSWORD).await;
    let (_, before) = browser.get(&format!("/clients/{id}")).await;
    assert_ne!(first_offered(&before), therapist_id, "the owner heads the list");

    let (status, booked) = owner
        .post(
            "/api/v1/appointments",
            serde_json::json!({"client_id": id, "therapist_id": therapist_id, "starts_at": "2030-04-01T09:00", "minutes": 60, "outside_hours": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (_, after) = browser.get(&format!("/clients/{id}")).await;
    assert_eq!(first_offered(&after), therapist_id);
}

#[tokio::test]
async fn a_referral_shows_where_treatment_is_recorded_and_signing_asks_why() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    let server = Server::start(&db);
    let api = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let intake = serde_json::json!({"form": {"reason_for_visit": "Low back pain"},
        "screening": {"answers": [{"question": "back_pain"}, {"question": "saddle_numbness"}]}});
    let (status, submitted) = api.post(&format!("/api/v1/clients/{id}/intake"), intake).await;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    assert_eq!(submitted["screening"]["outcome"], "refer_first");
    let (_, draft) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            serde_json::json!({"note": {"date": "2026-11-20", "duration_minutes": 60}}),
        )
        .await;
    let sid = draft["id"].as_str().unwrap().to_owned();

    let therapist = Browser::new(&server);
    therapist.sign_in("therapist@north.test", PASSWORD).await;
    for page in [
        format!("/sessions/{sid}"),
        format!("/clients/{id}/sessions/new"),
        format!("/clients/{id}/plans/new"),
        format!("/schedule/book?client={id}"),
    ] {
        let (status, html) = therapist.get(&page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains("data-safety=\"refer\""), "no referral banner on {page}");
    }
    let (_, note_page) = therapist.get(&format!("/sessions/{sid}")).await;
    assert!(note_page.contains("name=\"referral_reason\""));

    // Signing without a reason keeps the draft and asks for one.
    let csrf = therapist.csrf().await;
    let version = hidden_field(&note_page, "version");
    let sign = |reason: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            ("date", "2026-11-20".to_owned()),
            ("duration_minutes", "60".to_owned()),
            ("referral_reason", reason.to_owned()),
            ("action", "sign".to_owned()),
        ]
    };
    let form = sign("");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, refused, _) = therapist.post_form(&format!("/sessions/{sid}"), &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Reason for treating: the client"), "{refused}");
    assert_eq!(api.get(&format!("/api/v1/sessions/{sid}")).await.1["status"], "draft");

    let version = hidden_field(&refused, "version");
    let form: Vec<(&str, String)> = sign("Her GP examined her this morning and cleared treatment.")
        .into_iter()
        .map(|(k, v)| if k == "version" { (k, version.clone()) } else { (k, v) })
        .collect();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, signed, _) = therapist.post_form(&format!("/sessions/{sid}"), &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(signed.contains("Soreness check-ins created"));
    assert!(signed.contains("Signed over a referral") && signed.contains("cleared treatment"));

    // Booked two days ahead: the therapist's dashboard warns of it.
    let therapist_id = api.user_id().await;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let day = today.checked_add(jiff::Span::new().days(2)).unwrap();
    let (status, booked) = api
        .post(
            "/api/v1/appointments",
            serde_json::json!({"client_id": id, "therapist_id": therapist_id,
                "starts_at": format!("{day}T10:00"), "minutes": 60, "outside_hours": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let (_, dashboard) = therapist.get("/dashboard").await;
    assert!(
        dashboard.contains("Booked with a referral open") && dashboard.contains("Ada Byron"),
        "{dashboard}"
    );

    // The front desk, who book, see the verdict and its urgency, not why.
    let desk = Browser::new(&server);
    desk.sign_in("desk@north.test", PASSWORD).await;
    let (status, booking) = desk.get(&format!("/schedule/book?client={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(booking.contains("data-safety=\"refer\"") && booking.contains("Emergency"));
    assert!(!booking.to_lowercase().contains("saddle"), "{booking}");
}

#[tokio::test]
async fn an_assessment_is_linked_only_when_chosen_and_an_empty_one_can_be_deleted() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let (status, assessment) = api
        .post(&format!("/api/v1/clients/{id}/assessments"), serde_json::json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{assessment}");
    let aid = assessment["id"].as_str().unwrap().to_owned();

    let therapist = Browser::new(&server);
    therapist.sign_in("therapist@north.test", PASSWORD).await;
    // The new note offers the assessment but links nothing by itself.
    let (_, form) = therapist.get(&format!("/clients/{id}/sessions/new")).await;
    assert!(form.contains("<option value=\"\">Not linked</option>"), "{form}");
    assert!(form.contains(&format!("<option value=\"{aid}\">")), "{form}");
    assert!(!form.contains(&format!("<option value=\"{aid}\" selected")));

    // The empty assessment, opened by mistake, is deleted.
    let (_, page) = therapist.get(&format!("/assessments/{aid}")).await;
    assert!(page.contains("Delete empty assessment") && page.contains("data-confirm"));
    let csrf = therapist.csrf().await;
    let version = hidden_field(&page, "version");
    let (status, _, location) = therapist
        .post_form(
            &format!("/assessments/{aid}/delete"),
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(format!("/clients/{id}").as_str()));
    assert_eq!(
        api.get(&format!("/api/v1/assessments/{aid}")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn records_name_staff_keep_one_row_per_session_and_the_audit_log_apart() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    assert_eq!(
        db.raw_execute("UPDATE users SET display_name = 'Sam Rivera' WHERE email = 't@north.test'")
            .await,
        1
    );
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let note = serde_json::json!({"date": "2026-11-20", "duration_minutes": 60});
    let (_, draft) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            serde_json::json!({"note": note}),
        )
        .await;
    let sid = draft["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post(
            &format!("/api/v1/sessions/{sid}/sign"),
            serde_json::json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, amended) = api
        .post(
            &format!("/api/v1/sessions/{sid}/amend"),
            serde_json::json!({"note": {"date": "2026-11-20", "duration_minutes": 90}, "reason": "It was 90 minutes"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{amended}");
    let amendment = amended["id"].as_str().unwrap().to_owned();

    let therapist = Browser::new(&server);
    therapist.sign_in("t@north.test", PASSWORD).await;
    let (_, page) = therapist.get(&format!("/clients/{id}")).await;
    // One session, shown as its amendment; the original is reached from it.
    assert!(page.contains(&format!("href=\"/sessions/{amendment}\"")), "{page}");
    assert!(!page.contains(&format!("href=\"/sessions/{sid}\"")), "{page}");
    assert!(page.contains("href=\"/clients/") && page.contains("/history\">Record history</a>"));
    assert!(!page.contains("UTC") && !page.contains("<ul class=\"history\">"));

    assert!(
        page.contains(">Sam Rivera · Therapist</span>"),
        "the navigation names the user"
    );
    let (_, note_page) = therapist.get(&format!("/sessions/{sid}")).await;
    assert!(note_page.contains("by Sam Rivera") && !note_page.contains("by t@north.test"));

    let (status, history) = therapist.get(&format!("/clients/{id}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(history.contains("Whole record opened") && history.contains("Client added"));
    assert!(
        history.contains("<td>Sam Rivera</td>") && !history.contains("<td>t@north.test</td>"),
        "{history}"
    );
}

#[tokio::test]
async fn messages_needing_someone_come_first_and_are_counted_on_the_navigation() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let (_, draft) = api
        .post(
            &format!("/api/v1/clients/{id}/sessions"),
            serde_json::json!({"note": {"date": "2026-11-20", "duration_minutes": 60}}),
        )
        .await;
    let sid = draft["id"].as_str().unwrap();
    let (status, _) = api
        .post(
            &format!("/api/v1/sessions/{sid}/sign"),
            serde_json::json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // No relay on this server: the check-in message waits to be sent by hand.
    let desk = Browser::new(&server);
    desk.sign_in("t@north.test", PASSWORD).await;
    let (_, page) = desk.get("/messages").await;
    assert!(page.contains("class=\"nav-count\""), "{page}");
    assert!(
        page.contains("<h2>Needs you</h2>") && page.contains(">Today</th>"),
        "{page}"
    );
    assert!(!page.contains("<h2>Sent</h2>"));
    let message_id = page
        .split("action=\"/messages/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let csrf = desk.csrf().await;
    let (status, _, _) = desk
        .post_form(&format!("/messages/{message_id}/sent"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = desk.get("/messages").await;
    assert!(!page.contains("class=\"nav-count\""), "{page}");
    assert!(page.contains("<h2>Sent</h2>") && !page.contains("<h2>Needs you</h2>"));
    assert!(!page.contains("action=\"/messages/"), "nothing left to mark sent");
}

#[tokio::test]
async fn a_therapist_starts_on_today_with_what_waits_for_them() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    let server = Server::start(&db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let ada = api.create_client("Ada", "Byron").await;
    let grace = api.create_client("Grace", "Hopper").await;
    // Ada answered her intake through a link; Grace's note is still a draft.
    let (_, link) = api
        .post(&format!("/api/v1/clients/{ada}/intake-link"), serde_json::json!({}))
        .await;
    let token = link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let answered = crate::harness::http()
        .post(server.url(&format!("/api/v1/links/{token}/intake")))
        .json(&serde_json::json!({"form": {"reason_for_visit": "Neck pain"}, "screening": {"answers": []}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    let (_, draft) = api
        .post(
            &format!("/api/v1/clients/{grace}/sessions"),
            serde_json::json!({"note": {"date": "2026-11-20", "duration_minutes": 60}}),
        )
        .await;
    let draft_id = draft["id"].as_str().unwrap();

    let therapist = Browser::new(&server);
    therapist.sign_in("t@north.test", PASSWORD).await;
    let starts_at = |browser: &Browser| {
        let http = browser.http.clone();
        let url = format!("{}/", browser.base);
        async move {
            let response = http.get(url).send().await.unwrap();
            (
                response.status(),
                response
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_owned()),
            )
        }
    };
    assert_eq!(
        starts_at(&therapist).await,
        (StatusCode::SEE_OTHER, Some("/dashboard".to_owned()))
    );
    let (_, home) = therapist.get("/dashboard").await;
    assert!(home.contains("Today ·") && home.contains("Your appointments"), "{home}");
    assert!(home.contains("Intakes to review") && home.contains(&format!("/clients/{ada}#intake")));
    assert!(home.contains("Your unsigned notes") && home.contains(&format!("/sessions/{draft_id}")));

    let desk = Browser::new(&server);
    desk.sign_in("desk@north.test", PASSWORD).await;
    assert_eq!(
        starts_at(&desk).await,
        (StatusCode::SEE_OTHER, Some("/schedule".to_owned()))
    );
}
