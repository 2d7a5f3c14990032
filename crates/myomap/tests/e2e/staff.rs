//! Staff management, sessions and clinic settings over the JSON API and the
//! pages, against the real binary and PostgreSQL.

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, hidden_field};

pub const INVITEE_PASSWORD: &str = "willow kettle harbour";

/// The token of the newest invitation to `email`, read from the clinic's
/// outbox as its owner sees it.
pub async fn invitation_token(owner: &Api, email: &str) -> String {
    let (status, outbox) = owner.get("/api/v1/outbox").await;
    assert_eq!(status, StatusCode::OK, "{outbox}");
    let message = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "staff_invitation" && m["recipient"] == email)
        .unwrap_or_else(|| panic!("no invitation to {email} in {outbox}"));
    assert!(message["client_id"].is_null());
    let body = message["body"].as_str().unwrap();
    let start = body.find("/invite/").expect("the message carries the link") + "/invite/".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

fn problem_field(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn staff_sessions_and_settings_over_the_api_and_forms() {
    let db = TestDb::postgres().await;
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    add_user(&db, "South Clinic", "owner@south.test", "owner");
    let server = Server::start(&db);
    let owner = Api::login(&server, "owner@north.test", PASSWORD).await;
    let desk = Api::login(&server, "desk@north.test", PASSWORD).await;
    let stranger = Api::login(&server, "owner@south.test", PASSWORD).await;

    // Only an owner manages staff, as problem details.
    let (status, body) = desk.get("/api/v1/staff/accounts").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["status"], 403);
    let (status, body) = owner.get("/api/v1/staff/accounts").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["staff"].as_array().unwrap().len(), 2);
    assert!(body["staff"].as_array().unwrap().iter().all(|m| m["active"] == true));

    // Invitations: refused input names its field; the link is single use.
    let (status, body) = owner
        .post(
            "/api/v1/staff/invitations",
            json!({"email": "x", "name": "", "role": "admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problem_field(&body), vec!["role"]);
    let (status, body) = owner
        .post(
            "/api/v1/staff/invitations",
            json!({"email": "x", "name": "", "role": "therapist"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problem_field(&body), vec!["email", "name"]);
    let (status, body) = desk
        .post(
            "/api/v1/staff/invitations",
            json!({"email": "sneaky@north.test", "name": "Sneaky", "role": "owner"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, issued) = owner
        .post(
            "/api/v1/staff/invitations",
            json!({"email": "new@north.test", "name": "Nia Therapist", "role": "therapist"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert!(
        issued["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/invite/", server.base)),
        "{issued}"
    );
    let token = invitation_token(&owner, "new@north.test").await;
    assert!(issued["url"].as_str().unwrap().ends_with(&token));
    // The front desk sees the message but not its link.
    let (_, desk_outbox) = desk.get("/api/v1/outbox").await;
    assert!(!desk_outbox.to_string().contains(&token));
    let (_, south_outbox) = stranger.get("/api/v1/outbox").await;
    assert!(!south_outbox.to_string().contains("new@north.test"));

    let invitee = Browser::new(&server);
    let (status, page) = invitee.get(&format!("/invite/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Join North Clinic") && page.contains("new@north.test"),
        "{page}"
    );
    let (status, page, _) = invitee
        .post_form(
            &format!("/invite/{token}"),
            &[("password", "too short"), ("password_again", "too short")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("password: must be"), "{page}");
    let (status, _, location) = invitee
        .post_form(
            &format!("/invite/{token}"),
            &[("password", INVITEE_PASSWORD), ("password_again", INVITEE_PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/"));
    let (status, page) = invitee.get("/settings/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("(this browser)"), "{page}");
    // Used: a clear page, for the invitee and for anyone else.
    let (status, page) = Browser::new(&server).get(&format!("/invite/{token}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("already been used"), "{page}");
    let (status, page) = Browser::new(&server).get("/invite/not-a-token").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Invitation not found"));

    // A therapist gets a 403 page and no Staff link.
    let (status, page) = invitee.get("/settings/staff").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !page.contains("href=\"/settings/staff\""),
        "the nav offers Staff to owners only"
    );

    // Sessions: the owner sees the invitee's and ends it; the next request
    // of that browser is signed out. Another clinic cannot even find it.
    let (status, sessions) = owner.get("/api/v1/clinic/sessions").await;
    assert_eq!(status, StatusCode::OK, "{sessions}");
    let session = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_email"] == "new@north.test")
        .unwrap()
        .clone();
    let id = session["id"].as_str().unwrap();
    assert!(session["remote_address"].as_str().unwrap().starts_with("127."));
    let (status, body) = stranger.delete(&format!("/api/v1/clinic/sessions/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = desk.delete(&format!("/api/v1/clinic/sessions/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = desk.get("/api/v1/clinic/sessions").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = owner.delete(&format!("/api/v1/clinic/sessions/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = invitee.get("/settings/sessions").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a revoked session is signed out");

    // Roles: the last owner stays; the invitee becomes front desk.
    let invitee_api = Api::login(&server, "new@north.test", INVITEE_PASSWORD).await;
    let invitee_id = invitee_api.user_id().await;
    let owner_id = owner.user_id().await;
    let (status, body) = owner
        .put(&format!("/api/v1/staff/{owner_id}/role"), json!({"role": "therapist"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("active owner"));
    let (status, body) = owner
        .put(
            &format!("/api/v1/staff/{invitee_id}/role"),
            json!({"role": "front_desk"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = stranger
        .put(&format!("/api/v1/staff/{invitee_id}/role"), json!({"role": "owner"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, me) = invitee_api.get("/api/v1/me").await;
    assert_eq!(me["role"], "front_desk", "{me}");

    // Deactivation ends the API session at once and refuses sign-in.
    let (status, _) = owner
        .post(&format!("/api/v1/staff/{invitee_id}/deactivate"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = invitee_api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let refused = reqwest::Client::new()
        .post(server.url("/api/v1/login"))
        .json(&json!({"email": "new@north.test", "password": INVITEE_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = owner
        .post(&format!("/api/v1/staff/{invitee_id}/reactivate"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    Api::login(&server, "new@north.test", INVITEE_PASSWORD).await;
    let (_, body) = stranger.get("/api/v1/staff/accounts").await;
    assert_eq!(body["staff"].as_array().unwrap().len(), 1, "{body}");

    // Own sessions: "sign out other devices" keeps the one asking.
    let second = Api::login(&server, "owner@north.test", PASSWORD).await;
    let (status, body) = second.post("/api/v1/me/sessions/revoke-others", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["revoked"].as_u64().unwrap() >= 1);
    let (status, _) = owner.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let owner = second;
    let (_, own) = owner.get("/api/v1/me/sessions").await;
    assert_eq!(own["sessions"].as_array().unwrap().len(), 1, "{own}");

    // Clinic settings with their version.
    let (status, settings) = owner.get("/api/v1/clinic/settings").await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let version = settings["version"].as_i64().unwrap();
    let change = json!({"name": "North Street Clinic", "address": "1 North Street", "time_zone": "Europe/London",
                        "phone": "+44 117 496 0000", "email": "hello@north.test", "version": version});
    let (status, body) = owner
        .put(
            "/api/v1/clinic/settings",
            json!({"name": "North", "time_zone": "Mars/Base", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problem_field(&body), vec!["time_zone"]);
    let (status, _) = desk.put("/api/v1/clinic/settings", change.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = owner.put("/api/v1/clinic/settings", change.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], version + 1);
    let (status, body) = owner.put("/api/v1/clinic/settings", change).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("changed by someone else"));
    let (_, me) = desk.get("/api/v1/me").await;
    assert_eq!(me["clinic"]["name"], "North Street Clinic", "{me}");
    // Messages give the clinic's new name and contact details.
    let (status, _) = owner
        .post(
            "/api/v1/staff/invitations",
            json!({"email": "later@north.test", "name": "Lee Later", "role": "front_desk"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, outbox) = owner.get("/api/v1/outbox").await;
    let message = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["recipient"] == "later@north.test")
        .unwrap();
    assert!(
        message["title"].as_str().unwrap().starts_with("North Street Clinic:"),
        "{message}"
    );
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains("Phone +44 117 496 0000 · E-mail hello@north.test"),
        "{message}"
    );

    // The pages' forms carry the CSRF token: one without it changes nothing.
    let page_owner = Browser::new(&server);
    page_owner.sign_in("owner@north.test", PASSWORD).await;
    let (status, _, _) = page_owner
        .post_form(
            "/settings/staff/invite",
            &[("email", "csrf@north.test"), ("name", "No Token"), ("role", "owner")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = page_owner.get("/settings/clinic").await;
    let csrf = hidden_field(&page, "csrf");
    let stale_version = hidden_field(&page, "version");
    let (status, _, location) = page_owner
        .post_form(
            "/settings/clinic",
            &[
                ("csrf", &csrf),
                ("name", "North Street Clinic"),
                ("address", ""),
                ("time_zone", "Europe/London"),
                ("phone", ""),
                ("email", ""),
                ("version", &stale_version),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/settings/clinic?notice=Clinic+settings+saved")
    );
    let (status, page, _) = page_owner
        .post_form(
            "/settings/clinic",
            &[
                ("csrf", &csrf),
                ("name", "Stale Clinic"),
                ("time_zone", "UTC"),
                ("version", &stale_version),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("changed by someone else"), "{page}");
}
