//! Erasure on request: the owner's form on the client page (typed name,
//! data-confirm), refused to a therapist, and the command line with the
//! clinic's retention period.

use myomap_testkit::TestDb;
use reqwest::StatusCode;

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, cli_db, text};

#[tokio::test]
async fn the_owner_erases_a_client_from_the_page_and_the_command_line() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "owner@north.test", PASSWORD).await;
    let ada = api.create_client("Ada", "Byron").await;
    let grace = api.create_client("Grace", "Hopper").await;

    // The therapist sees no erase form and is refused.
    let therapist = Browser::new(&server);
    therapist.sign_in("therapist@north.test", PASSWORD).await;
    let (_, page) = therapist.get(&format!("/clients/{ada}")).await;
    assert!(!page.contains("/erase\""));
    let csrf = therapist.csrf().await;
    let (status, _, _) = therapist
        .post_form(
            &format!("/clients/{ada}/erase"),
            &[("csrf", &csrf), ("confirm", "Ada Byron")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The owner's page has the form, asking before it is sent.
    let owner = Browser::new(&server);
    owner.sign_in("owner@north.test", PASSWORD).await;
    let (_, page) = owner.get(&format!("/clients/{ada}")).await;
    assert!(page.contains(&format!("action=\"/clients/{ada}/erase\"")));
    assert!(page.contains("data-confirm=\"Erase this client"));
    let csrf = owner.csrf().await;

    // A wrong name is refused, naming the field; nothing is erased.
    let (status, page, _) = owner
        .post_form(
            &format!("/clients/{ada}/erase"),
            &[("csrf", &csrf), ("confirm", "Ada Lovelace")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Full name (confirm)"), "{page}");
    assert!(page.contains("Nothing was erased"));
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM clients WHERE family_name = 'Byron'")
            .await,
        1
    );

    // A retention period blocks it, on the page and on the command line.
    let out = cli_db(&db, &["clinic", "set-retention", "--years", "5"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (status, page, _) = owner
        .post_form(
            &format!("/clients/{ada}/erase"),
            &[("csrf", &csrf), ("confirm", "Ada Byron")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("can be erased from"), "{page}");
    let out = cli_db(&db, &["client", "erase", &ada, "--confirm", "Ada Byron"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("can be erased from"),
        "{}",
        text(&out.stderr)
    );
    let out = cli_db(&db, &["clinic", "set-retention", "--years", "0"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Erased from the page: a tombstone, no erase form any more.
    let (status, _, location) = owner
        .post_form(
            &format!("/clients/{ada}/erase"),
            &[("csrf", &csrf), ("confirm", "ada byron")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, Some(format!("/clients/{ada}?saved=1")));
    let (status, page) = owner.get(&format!("/clients/{ada}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Erased Erased") && !page.contains("Byron") && !page.contains("neck pain"));
    assert!(!page.contains("/erase\""));
    let (status, _, _) = owner
        .post_form(
            &format!("/clients/{ada}/erase"),
            &[("csrf", &csrf), ("confirm", "Erased Erased")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The command line: the owner only, the typed name, twice is refused.
    let out = cli_db(
        &db,
        &[
            "client",
            "erase",
            &grace,
            "--confirm",
            "Grace Hopper",
            "--as",
            "therapist@north.test",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("owner"), "{}", text(&out.stderr));
    let out = cli_db(&db, &["client", "erase", &grace, "--confirm", "Grace"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("confirm"), "{}", text(&out.stderr));
    let out = cli_db(&db, &["client", "erase", &grace, "--confirm", "Grace Hopper"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("erased client"));
    let out = cli_db(&db, &["client", "erase", &grace, "--confirm", "Grace Hopper"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already been erased"),
        "{}",
        text(&out.stderr)
    );

    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM clients WHERE erased_at IS NOT NULL")
            .await,
        2
    );
    let out = cli_db(&db, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
}
