//! The command line: help, accounts, migrations, the audit check, the demo.

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;

use crate::harness::{Api, PASSWORD, Server, add_user, cli, cli_db, schema_version, text};

#[test]
fn every_command_explains_itself() {
    for command in [
        &[][..],
        &["serve"],
        &["demo"],
        &["user"],
        &["user", "add"],
        &["migrate"],
        &["audit"],
        &["audit", "verify"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = cli(&args, "");
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(help.contains("Usage: myomap"), "{args:?}: {help}");
    }
    let serve = text(&cli(&["serve", "--help"], "").stdout);
    for option in ["--data", "--database", "--bind"] {
        assert!(serve.contains(option), "serve --help lacks {option}");
    }
}

/// Client links are built from configuration: a server that e-mails them,
/// or listens on every address, will not start without its public address.
#[test]
fn serve_needs_a_public_address_to_build_client_links_from() {
    let db = TestDb::sqlite();
    let serve = |extra: &[&str]| {
        let mut args = vec!["serve"];
        args.extend_from_slice(extra);
        cli_db(&db, &args, "")
    };
    let out = serve(&["--bind", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:2525"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--public-url is required with --smtp-url"),
        "{}",
        text(&out.stderr)
    );
    let out = serve(&["--bind", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--public-url is required when listening on all addresses"));
    let out = serve(&["--bind", "127.0.0.1:0", "--public-url", "clinic.example.org"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--public-url:"), "{}", text(&out.stderr));
}

#[test]
fn user_add_refuses_bad_input_with_exit_code_2() {
    let db = TestDb::sqlite();
    let add = |email: &str, role: &str, password: &str| {
        cli_db(
            &db,
            &[
                "user",
                "add",
                "--clinic",
                "North Clinic",
                "--email",
                email,
                "--role",
                role,
            ],
            password,
        )
    };
    let out = add("a@north.test", "janitor", "long enough password\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--role: role must be one of owner, therapist, front_desk"));
    let out = add("a@north.test", "owner", "short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("password: must be 12"),
        "{}",
        text(&out.stderr)
    );
    // The policy: a common password, the e-mail's name part, the clinic's
    // name; each refused on `password` with its reason, nothing written.
    for (password, reason) in [
        (
            "Contortionist\n",
            "password: is one of the 10,000 most common passwords",
        ),
        (
            "Northern.Lights\n",
            "password: must not be the account's e-mail address",
        ),
        ("north clinic\n", "password: must not be the clinic's name"),
    ] {
        let out = add("northern.lights@north.test", "owner", password);
        assert_eq!(out.status.code(), Some(2), "{password}");
        assert!(text(&out.stderr).contains(reason), "{password}: {}", text(&out.stderr));
    }
    let out = cli_db(
        &db,
        &[
            "user",
            "add",
            "--clinic",
            "Harbour Street Clinic",
            "--email",
            "h@harbour.test",
            "--role",
            "owner",
        ],
        "HARBOUR STREET CLINIC\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("password: must not be the clinic's name"),
        "{}",
        text(&out.stderr)
    );
    let out = add("not-an-email", "owner", "long enough password\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("email: is not an email address"));
    let out = add("a@north.test", "owner", "");
    assert_eq!(out.status.code(), Some(2));

    let out = add("a@north.test", "owner", "long enough password\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(new clinic)"));
    let out = add("A@North.test", "therapist", "long enough password\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already exists"));

    let out = cli(&["migrate", "--database", "mysql://x"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("must start with postgres:// or sqlite:"));
}

on_both_backends!(audit_verify_reports_the_first_tampered_entry);

async fn audit_verify_reports_the_first_tampered_entry(db: &TestDb) {
    add_user(db, "North Clinic", "owner@north.test", "owner");
    let out = cli_db(db, &["migrate"], "");
    assert!(
        text(&out.stdout).contains(&format!("schema is up to date (version {})", schema_version())),
        "{}",
        text(&out.stderr)
    );
    {
        let server = Server::start(db);
        let api = Api::login(&server, "owner@north.test", PASSWORD).await;
        let id = api.create_client("Ada", "Byron").await;
        assert_eq!(api.get(&format!("/api/v1/clients/{id}")).await.0, StatusCode::OK);
    }
    let out = cli_db(db, &["audit", "verify"], "");
    assert!(out.status.success());
    // clinic + user creation, the owner's two-factor set-up and its
    // confirmation (harness), login, client create, client read
    assert!(
        text(&out.stdout).contains("audit log intact: 7 entries in 1 clinic(s)"),
        "{}",
        text(&out.stdout)
    );

    // Someone rewrites who read the record.
    assert_eq!(
        db.raw_execute("UPDATE audit_log SET actor = 'nobody' WHERE action = 'client.read'")
            .await,
        1
    );
    let out = cli_db(db, &["audit", "verify"], "");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("audit log TAMPERED: clinic \"North Clinic\"") && report.contains("entry 7:"),
        "{report}"
    );
}

#[test]
fn demo_creates_its_clinic_once_and_serves_it() {
    let db = TestDb::sqlite();
    let data = db.data_dir().display().to_string();
    let out = cli(&["demo", "--no-serve", "--data", &data], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let banner = text(&out.stdout);
    assert!(banner.contains("24 sample client(s) added"));
    for login in [
        "therapist@demo.test",
        "demo-therapist",
        "owner@demo.test",
        "demo-clinic-owner",
    ] {
        assert!(banner.contains(login), "{banner}");
    }
    // Running it again reuses the clinic and its clients.
    let server = Server::spawn(
        &[
            "demo".into(),
            "--data".into(),
            data.clone(),
            "--bind".into(),
            "127.0.0.1:0".into(),
        ],
        5,
    );
    assert!(
        server
            .stdout_lines
            .iter()
            .any(|l| l.contains("0 sample client(s) added, 24 in all")),
        "{:?}",
        server.stdout_lines
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let therapist = Api::login(&server, "therapist@demo.test", "demo-therapist").await;
        let (status, list) = therapist.get("/api/v1/clients").await;
        assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(24)));
        Api::login(&server, "owner@demo.test", "demo-clinic-owner").await;
    });
}
