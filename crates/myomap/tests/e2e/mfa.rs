//! Staff two-factor sign-in through the real server: an owner without it
//! is held at the set-up (pages and API), enrols on the page, and the API
//! login then asks for `totp` by name, refuses a replayed code, takes a
//! recovery code once, and `myomap user reset-mfa` starts it over.

use myomap_store::{TOTP_STEP_SECS, TotpSecret};
use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, PASSWORD, Server, cli_db, hidden_field, http, text};

on_both_backends!(an_owner_enrols_and_the_api_login_asks_for_the_code);

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn api_login(server: &Server, body: Value) -> (StatusCode, Value) {
    let response = http()
        .post(server.url("/api/v1/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn get_with(server: &Server, token: &str, path: &str) -> (StatusCode, Value) {
    let response = http().get(server.url(path)).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The text between `<code id="ID" ...>` and `</code>`.
fn element_text(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</").unwrap();
    rest[open..close].trim().to_owned()
}

fn recovery_codes(page: &str) -> Vec<String> {
    let list = &page[page.find("id=\"recovery-codes\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<code>")
        .skip(1)
        .map(|part| part[..part.find("</code>").unwrap()].to_owned())
        .collect()
}

async fn an_owner_enrols_and_the_api_login_asks_for_the_code(db: &TestDb) {
    // Added without the harness's enrolment: a fresh owner, as after
    // `myomap user add` or the demo.
    let out = cli_db(
        db,
        &[
            "user",
            "add",
            "--clinic",
            "North Clinic",
            "--email",
            "owner@north.test",
            "--role",
            "owner",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let server = Server::start(db);

    // Before enrolment the password gives a session good only for the
    // set-up: the API answers who you are and nothing else.
    let (status, grant) = api_login(&server, json!({"email": "owner@north.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    let early = grant["token"].as_str().unwrap().to_owned();
    assert_eq!(get_with(&server, &early, "/api/v1/me").await.0, StatusCode::OK);
    let (status, refused) = get_with(&server, &early, "/api/v1/clients").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(refused["detail"].as_str().unwrap().contains("two-factor"), "{refused}");

    // The pages lead to the set-up and nowhere else.
    let browser = Browser::new(&server);
    browser.sign_in("owner@north.test", PASSWORD).await;
    let (status, _) = browser.get("/clients").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = browser.get("/account/mfa").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg"), "the QR code is inline SVG");
    let secret = TotpSecret::from_base32(&element_text(&page, "mfa-secret")).unwrap();
    let csrf = hidden_field(&page, "csrf");
    let (status, page, _) = browser
        .post_form("/account/mfa/confirm", &[("csrf", &csrf), ("code", "12345")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Code: "), "the refusal names the field");
    let now = unix_now();
    let (status, page, _) = browser
        .post_form(
            "/account/mfa/confirm",
            &[("csrf", &csrf), ("code", &secret.code_at(now))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let recovery = recovery_codes(&page);
    assert_eq!(recovery.len(), 10);
    let (status, _) = browser.get("/clients").await;
    assert_eq!(status, StatusCode::OK, "enrolled: the pages open");
    assert_eq!(get_with(&server, &early, "/api/v1/clients").await.0, StatusCode::OK);

    // Now the API login asks for the code by name.
    let (status, problem) = api_login(&server, json!({"email": "owner@north.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["errors"][0]["field"], "totp", "{problem}");
    let (status, problem) = api_login(
        &server,
        json!({"email": "owner@north.test", "password": PASSWORD, "totp": "12345"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["errors"][0]["field"], "totp", "{problem}");
    // The code that confirmed the enrolment is spent; the next step's works once.
    let (status, _) = api_login(
        &server,
        json!({"email": "owner@north.test", "password": PASSWORD, "totp": secret.code_at(now)}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let next = secret.code_at(now + TOTP_STEP_SECS);
    let (status, grant) = api_login(
        &server,
        json!({"email": "owner@north.test", "password": PASSWORD, "totp": next}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    let token = grant["token"].as_str().unwrap().to_owned();
    assert_eq!(get_with(&server, &token, "/api/v1/clients").await.0, StatusCode::OK);
    let (status, problem) = api_login(
        &server,
        json!({"email": "owner@north.test", "password": PASSWORD, "totp": next}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a replayed code is refused");
    assert_eq!(problem["errors"][0]["field"], "totp");
    // `code` is accepted as the field's other name; a recovery code works once.
    let with_recovery = json!({"email": "owner@north.test", "password": PASSWORD, "code": recovery[0]});
    assert_eq!(api_login(&server, with_recovery.clone()).await.0, StatusCode::OK);
    assert_eq!(api_login(&server, with_recovery).await.0, StatusCode::UNAUTHORIZED);

    // The operator resets it: sessions end, and the set-up starts over.
    let out = cli_db(db, &["user", "reset-mfa", "Owner@North.test"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        get_with(&server, &token, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, grant) = api_login(&server, json!({"email": "owner@north.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    let again = grant["token"].as_str().unwrap();
    assert_eq!(
        get_with(&server, again, "/api/v1/clients").await.0,
        StatusCode::FORBIDDEN
    );
    let out = cli_db(db, &["user", "reset-mfa", "nobody@north.test"], "");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    let out = cli_db(db, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// An owner resets another member's second factor (a lost phone) from the
/// staff page or the API: their sessions end and they set it up anew; a
/// therapist may not, and another clinic's owner finds nobody.
#[tokio::test]
async fn an_owner_resets_a_colleagues_two_factor_sign_in() {
    use crate::harness::{Api, add_user};
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "North Clinic", "second@north.test", "owner");
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    add_user(&db, "South Clinic", "owner@south.test", "owner");
    let server = Server::start(&db);
    let owner = Browser::new(&server);
    owner.sign_in("owner@north.test", PASSWORD).await;
    let second = Api::login(&server, "second@north.test", PASSWORD).await;
    let second_id = second.user_id().await;

    // Offered for the colleague who has a second factor, not for oneself.
    let (status, page) = owner.get("/settings/staff").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("/settings/staff/{second_id}/reset-mfa")),
        "{page}"
    );
    assert_eq!(
        page.matches("/reset-mfa").count(),
        1,
        "only the colleague's row offers it"
    );

    // Neither a therapist nor another clinic's owner can reset it.
    let therapist = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let (status, _) = therapist
        .post(&format!("/api/v1/staff/{second_id}/reset-mfa"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let south = Api::login(&server, "owner@south.test", PASSWORD).await;
    let (status, _) = south
        .post(&format!("/api/v1/staff/{second_id}/reset-mfa"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(second.get("/api/v1/me").await.0, StatusCode::OK);

    // The owner's button: the colleague's session ends at once.
    let csrf = hidden_field(&page, "csrf");
    let (status, _, location) = owner
        .post_form(&format!("/settings/staff/{second_id}/reset-mfa"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/settings/staff?notice="));
    assert_eq!(second.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (_, accounts) = Api::login(&server, "owner@north.test", PASSWORD)
        .await
        .get("/api/v1/staff/accounts")
        .await;
    let row = accounts["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == second_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["two_factor"], false, "{row}");
    // Signing in again leads only to the set-up.
    let (status, grant) = api_login(&server, json!({"email": "second@north.test", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    let (status, _) = get_with(&server, grant["token"].as_str().unwrap(), "/api/v1/clients").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let out = cli_db(&db, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stdout));
}
