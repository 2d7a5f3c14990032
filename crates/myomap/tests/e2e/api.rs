//! The JSON API contract, its errors, isolation and roles.

use myomap_testkit::{Backend, TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Api, PASSWORD, Server, add_user, http};

on_both_backends!(api_contract_and_bad_input, clinics_are_isolated_in_the_api);

async fn api_contract_and_bad_input(db: &TestDb) {
    add_user(db, "North Clinic", "owner@north.test", "owner");
    let server = Server::start(db);
    let anonymous = http();

    let health: serde_json::Value = anonymous
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let backend = if db.backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(
        health,
        json!({"status": "ok", "database": backend, "version": env!("CARGO_PKG_VERSION")})
    );

    let wrong = anonymous
        .post(server.url("/api/v1/login"))
        .json(&json!({"email": "owner@north.test", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.headers()["content-type"], "application/problem+json");

    let api = Api::login(&server, "owner@north.test", PASSWORD).await;
    let (status, created) = api
        .post(
            "/api/v1/clients",
            json!({"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1985-12-10"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["version"], 1);

    let (status, list) = api.get("/api/v1/clients").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["clients"][0]["family_name"], "Byron");
    let (status, one) = api.get(&format!("/api/v1/clients/{id}")).await;
    assert_eq!(
        (status, one["date_of_birth"].as_str()),
        (StatusCode::OK, Some("1985-12-10"))
    );

    let update = json!({"version": 1, "given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "1815-12-10",
                        "email": "ada@example.org", "notes": "Neck pain, worse at the desk."});
    let (status, updated) = api.put(&format!("/api/v1/clients/{id}"), update.clone()).await;
    assert_eq!(
        (status, updated["version"].as_i64()),
        (StatusCode::UNPROCESSABLE_ENTITY, None),
        "1815 is before 1900: {updated}"
    );
    let mut update = update;
    update["date_of_birth"] = json!("1985-12-10");
    let (status, updated) = api.put(&format!("/api/v1/clients/{id}"), update.clone()).await;
    assert_eq!((status, updated["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (status, stale) = api.put(&format!("/api/v1/clients/{id}"), update).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(stale["detail"].as_str().unwrap().contains("changed by someone else"));

    let (status, archived) = api.post(&format!("/api/v1/clients/{id}/archive"), json!({})).await;
    assert_eq!((status, &archived["archived"]), (StatusCode::OK, &json!(true)));
    assert_eq!(api.get("/api/v1/clients").await.1["total"], 0);
    assert_eq!(api.get("/api/v1/clients?archived=true").await.1["total"], 1);
    api.post(&format!("/api/v1/clients/{id}/restore"), json!({})).await;

    // Every bad input names its problem and changes nothing.
    let count_before = db.raw_count("SELECT COUNT(*) FROM clients").await;
    let (status, problem) = api
        .post_raw("/api/v1/clients", "application/json", "{\"given_name\": \"Ada\",")
        .await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Malformed JSON"))
    );
    let (status, problem) = api
        .post(
            "/api/v1/clients",
            json!({"given_name": "A", "family_name": "B", "date_of_birth": "1985-12-10", "nickname": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"].as_str().unwrap().contains("unknown field `nickname`"),
        "{problem}"
    );
    let (status, problem) = api
        .post(
            "/api/v1/clients",
            json!({"given_name": "A", "family_name": "B", "date_of_birth": 1985}),
        )
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("date_of_birth"))
    );
    let (status, problem) = api
        .post("/api/v1/clients", json!({"given_name": "A", "family_name": "B"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `date_of_birth`"),
        "{problem}"
    );
    let (status, problem) = api
        .post(
            "/api/v1/clients",
            json!({"given_name": " ", "family_name": "B", "date_of_birth": "2999-01-01", "email": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["given_name", "date_of_birth", "email"]);
    let (status, _) = api
        .post_raw("/api/v1/clients", "application/json", "x".repeat(100 * 1024))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = api.post_raw("/api/v1/clients", "text/plain", "given_name=Ada").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, problem) = api.get("/api/v1/clients?page=0").await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("page"))
    );
    assert_eq!(api.get("/api/v1/clients/not-a-uuid").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/api/v1/nothing-here").await.0, StatusCode::NOT_FOUND);
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM clients").await, count_before);

    // No token, a malformed header, an unknown token, an expired session.
    assert_eq!(
        anonymous
            .get(server.url("/api/v1/clients"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let malformed = anonymous
        .get(server.url("/api/v1/clients"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::UNAUTHORIZED);
    let unknown = anonymous
        .get(server.url("/api/v1/clients"))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    db.raw_execute("UPDATE sessions SET expires_at = 0").await;
    let (status, problem) = api.get("/api/v1/clients").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("expired"), "{problem}");
}

async fn clinics_are_isolated_in_the_api(db: &TestDb) {
    add_user(db, "North Clinic", "owner@north.test", "owner");
    add_user(db, "South Clinic", "owner@south.test", "owner");
    let server = Server::start(db);
    let north = Api::login(&server, "owner@north.test", PASSWORD).await;
    let south = Api::login(&server, "owner@south.test", PASSWORD).await;
    let id = north.create_client("Ada", "Byron").await;

    let (status, body) = south.get(&format!("/api/v1/clients/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.to_string().contains("Byron"));
    assert_eq!(south.get("/api/v1/clients?q=byron").await.1["total"], 0);
    let update = json!({"version": 1, "given_name": "Eve", "family_name": "Spy", "date_of_birth": "1985-12-10"});
    assert_eq!(
        south.put(&format!("/api/v1/clients/{id}"), update).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        south.post(&format!("/api/v1/clients/{id}/archive"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        north.get(&format!("/api/v1/clients/{id}")).await.1["family_name"],
        "Byron"
    );
}

#[tokio::test]
async fn front_desk_never_sees_clinical_notes_in_the_api() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    let server = Server::start(&db);
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let desk = Api::login(&server, "desk@north.test", PASSWORD).await;
    let id = therapist.create_client("Ada", "Byron").await;
    assert_eq!(
        therapist.get(&format!("/api/v1/clients/{id}")).await.1["notes"],
        "Ada has right-sided neck pain"
    );

    let (status, seen) = desk.get(&format!("/api/v1/clients/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen.get("notes").is_none(), "{seen}");
    assert!(!desk.get("/api/v1/clients").await.1.to_string().contains("neck pain"));
    let (status, problem) = desk
        .post(
            "/api/v1/clients",
            json!({"given_name": "E", "family_name": "F", "date_of_birth": "1990-01-01", "notes": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().unwrap().contains("clinical notes"));
}

#[tokio::test]
async fn repeated_wrong_passwords_are_slowed_down() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    let server = Server::start(&db);
    let client = http();
    let attempt = |password: &'static str| {
        client
            .post(server.url("/api/v1/login"))
            .json(&json!({"email": "owner@north.test", "password": password}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let limited = attempt(PASSWORD).await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after));
}

#[tokio::test]
async fn sessions_are_valid_across_server_instances() {
    let db = TestDb::postgres().await;
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    let first = Server::start(&db);
    let second = Server::start(&db);
    assert_ne!(first.base, second.base);

    let on_first = Api::login(&first, "owner@north.test", PASSWORD).await;
    let id = on_first.create_client("Ada", "Byron").await;
    let on_second = on_first.with_base(&second.base);
    assert_eq!(
        on_second.get(&format!("/api/v1/clients/{id}")).await.1["family_name"],
        "Byron"
    );

    // Signing out on one instance ends the session on the other.
    assert_eq!(
        on_second.post("/api/v1/logout", json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(on_first.get("/api/v1/clients").await.0, StatusCode::UNAUTHORIZED);
}
