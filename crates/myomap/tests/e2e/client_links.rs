//! Client links that reach the client: every open link stays on the client
//! page to copy or e-mail until it is used or expires; questionnaires show
//! what each answer means; the assessment saves several parts at once.

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, hidden_field, http};

on_both_backends!(open_links_stay_findable_and_go_out_by_email);

fn field_of(problem: &Value) -> String {
    problem["errors"][0]["field"].as_str().unwrap_or_default().to_owned()
}

async fn open_links_stay_findable_and_go_out_by_email(db: &TestDb) {
    add_user(db, "North Clinic", "therapist@north.test", "therapist");
    add_user(db, "North Clinic", "desk@north.test", "front_desk");
    add_user(db, "South Clinic", "owner@south.test", "owner");
    let server = Server::start(db);
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let desk = Api::login(&server, "desk@north.test", PASSWORD).await;
    let south = Api::login(&server, "owner@south.test", PASSWORD).await;
    let (status, ada) = therapist
        .post(
            "/api/v1/clients",
            json!({"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1985-12-10", "email": "ada@example.test"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = ada["id"].as_str().unwrap();
    let no_email = therapist.create_client("Bob", "Quill").await;

    let (_, intake) = desk.post(&format!("/api/v1/clients/{id}/intake-link"), json!({})).await;
    let (status, _) = therapist
        .post(
            &format!("/api/v1/clients/{id}/questionnaire-link"),
            json!({"instrument": "ndi"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Listed for the roles that hand them out, with the same address.
    let (status, listed) = therapist.get(&format!("/api/v1/clients/{id}/links")).await;
    assert_eq!(status, StatusCode::OK);
    let purposes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["questionnaire", "intake"]);
    assert_eq!(listed[1]["url"], intake["url"]);
    let (_, at_desk) = desk.get(&format!("/api/v1/clients/{id}/links")).await;
    assert_eq!(at_desk.as_array().unwrap().len(), 1, "{at_desk}");
    let (status, _) = south.get(&format!("/api/v1/clients/{id}/links")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // E-mailed through the outbox: with no relay configured it waits there
    // for the front desk, carrying the link.
    let target = listed[1]["target_id"].as_str().unwrap();
    let (status, queued) = desk
        .post("/api/v1/links/email", json!({"purpose": "intake", "target_id": target}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    assert_eq!(queued["delivery"], "by_hand");
    let (_, outbox) = desk.get("/api/v1/outbox").await;
    let message = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == queued["message_id"])
        .unwrap();
    assert_eq!(message["recipient"], "ada@example.test");
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains(intake["url"].as_str().unwrap())
    );
    // Refusals name their field; another clinic finds nothing to send.
    let (status, problem) = desk
        .post(
            "/api/v1/links/email",
            json!({"purpose": "postcard", "target_id": target}),
        )
        .await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "purpose")
    );
    let (status, _) = south
        .post("/api/v1/links/email", json!({"purpose": "intake", "target_id": target}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, bob_link) = desk
        .post(&format!("/api/v1/clients/{no_email}/intake-link"), json!({}))
        .await;
    let (_, bob_links) = desk.get(&format!("/api/v1/clients/{no_email}/links")).await;
    assert_eq!(bob_links[0]["url"], bob_link["url"]);
    let (status, problem) = desk
        .post(
            "/api/v1/links/email",
            json!({"purpose": "intake", "target_id": bob_links[0]["target_id"]}),
        )
        .await;
    assert_eq!(
        (status, field_of(&problem).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "email")
    );
    // The same refusal on the page, in words.
    let desk_pages = Browser::new(&server);
    desk_pages.sign_in("desk@north.test", PASSWORD).await;
    let csrf = desk_pages.csrf().await;
    let (status, page, _) = desk_pages
        .post_form(
            "/links/email",
            &[
                ("csrf", &csrf),
                ("purpose", "intake"),
                ("target", bob_links[0]["target_id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no e-mail address on file"), "{page}");

    // The client page lists the open link with its copy and e-mail actions.
    let browser = Browser::new(&server);
    browser.sign_in("therapist@north.test", PASSWORD).await;
    let (_, page) = browser.get(&format!("/clients/{id}")).await;
    let links_section = &page[page.find("id=\"links\"").unwrap()..];
    assert!(links_section.contains(intake["url"].as_str().unwrap()));
    assert!(links_section.contains("Questionnaire: Neck Disability Index"));
    assert!(links_section.contains("E-mail to client") && links_section.contains("data-copy="));
    let csrf = hidden_field(&page, "csrf");
    let (status, page, _) = browser
        .post_form(
            "/links/email",
            &[("csrf", &csrf), ("purpose", "intake"), ("target", target)],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{page}");
    assert!(page.contains("on the Messages page"), "{page}");

    // Once the client has used it, it is gone from the page and the API.
    let answer = json!({"form": {"reason_for_visit": "Neck pain"}});
    let used = http()
        .post(server.url(&format!("/api/v1/links/{}/intake", intake["token"].as_str().unwrap())))
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert!(used.status().is_success(), "{}", used.text().await.unwrap());
    let (_, listed) = therapist.get(&format!("/api/v1/clients/{id}/links")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (_, page) = browser.get(&format!("/clients/{id}")).await;
    assert!(!page.contains(intake["url"].as_str().unwrap()));
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM client_links WHERE used_at IS NOT NULL AND token IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn questionnaires_say_what_each_answer_means() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let id = therapist.create_client("Ada", "Byron").await;
    let (_, link) = therapist
        .post(
            &format!("/api/v1/clients/{id}/questionnaire-link"),
            json!({"instrument": "ndi"}),
        )
        .await;
    // On the client's phone, through the link.
    let page = http()
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(">0: No pain at the moment<"), "{page}");
    assert!(page.contains(">5: I cannot do it at all<"));
    assert!(page.contains(">5: Headaches nearly all the time<"));
    // On the therapist's form, LEFS counts up to "no difficulty".
    let browser = Browser::new(&server);
    browser.sign_in("therapist@north.test", PASSWORD).await;
    let (_, page) = browser
        .get(&format!("/clients/{id}/questionnaires/new?instrument=lefs"))
        .await;
    assert!(page.contains(">4: No difficulty<"), "{page}");
    assert!(page.contains("answer wording of our own"));
    // A 0-10 scale words its ends and leaves the middle as numbers.
    let (_, page) = browser
        .get(&format!("/clients/{id}/questionnaires/new?instrument=nprs"))
        .await;
    assert!(
        page.contains(">0: No pain<") && page.contains(">5<") && page.contains(">10: The worst pain you can imagine<")
    );
}

#[tokio::test]
async fn the_assessment_saves_several_parts_in_one_step() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let id = therapist.create_client("Ada", "Byron").await;
    let browser = Browser::new(&server);
    browser.sign_in("therapist@north.test", PASSWORD).await;
    let csrf = browser.csrf().await;
    let (status, _, location) = browser
        .post_form(&format!("/clients/{id}/assessments"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let assessment = location.unwrap();
    let (_, page) = browser.get(&assessment).await;
    let version = hidden_field(&page, "version");
    let save = format!("{}/save", assessment.split('#').next().unwrap());

    // Posture ticked and a tone row chosen, sent together as the page's
    // script sends them: both kept, one version step, both confirmed.
    let (status, body, location) = browser
        .post_form(
            &save,
            &[
                ("section", "posture"),
                ("csrf", &csrf),
                ("version", &version),
                ("finding", "forward_head"),
                ("notes", "Desk worker"),
                ("section", "tone"),
                ("csrf", &csrf),
                ("version", &version),
                ("tone_muscle", "upper_trapezius:right"),
                ("tone_value", "hypertonic"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let location = location.unwrap();
    assert!(location.contains("saved=posture,tone"), "{location}");
    let (_, page) = browser.get(&location).await;
    assert!(page.contains("Saved: posture and muscle tone."), "{page}");
    assert!(page.contains("value=\"forward_head\" checked") && page.contains("Desk worker"));
    assert!(page.contains("value=\"upper_trapezius:right\" selected"));
    assert_eq!(
        hidden_field(&page, "version").parse::<i64>().unwrap(),
        version.parse::<i64>().unwrap() + 1
    );

    // A stale version saves nothing and says why; an unknown part is named.
    let (status, body, _) = browser
        .post_form(
            &save,
            &[
                ("section", "tone"),
                ("csrf", &csrf),
                ("version", &version),
                ("tone_muscle", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("role=\"alert\""), "{body}");
    let (_, page) = browser.get(&location).await;
    assert!(page.contains("value=\"upper_trapezius:right\" selected"));
    let (status, body, _) = browser
        .post_form(&save, &[("section", "diary"), ("csrf", &csrf), ("version", &version)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("section"), "{body}");
}
