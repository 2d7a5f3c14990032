//! Schemathesis against the served OpenAPI document: generated requests
//! (examples, boundary values, then random data) to every documented
//! operation of a demo clinic, signed in as its owner. No answer may be a
//! server error, and every answer must match the status codes and the
//! response schema its operation documents.
//!
//! Choices, so the run stays short and means something:
//! - `POST /api/v1/login` and `/api/v1/logout` are left out: the one would
//!   spend the run in argon2 and trip the per-address sign-in limit, the
//!   other would end the session the run signs in with. Both are covered by
//!   the hand-written API tests.
//! - The stateful phase (chains of create → read → change) is left out:
//!   every change appends to the audit chain in a transaction, and chains
//!   spend the time budget on a few operations. Writes still happen in the
//!   other phases, with generated ids that mostly name nothing.
//! - A fixed seed, so that a failure can be replayed.
//!
//! Schemathesis is installed by `tests/schemathesis/install.sh` (called by
//! .ci/run) into `target/schemathesis`.

use std::path::PathBuf;
use std::process::Command;

use myomap_testkit::{TestDb, on_both_backends};
use serde_json::Value;

use crate::harness::{Api, Server, cli_db, text};

on_both_backends!(schemathesis_finds_no_server_error_or_schema_break);

/// Generated test cases per operation and phase.
const EXAMPLES_PER_OPERATION: &str = "6";

fn schemathesis() -> PathBuf {
    let dir = std::env::var_os("MYOMAP_SCHEMATHESIS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/schemathesis"),
        PathBuf::from,
    );
    let st = dir.join("venv/bin/st");
    assert!(
        st.exists(),
        "Schemathesis is not installed in {}: run `bash crates/myomap/tests/schemathesis/install.sh` \
         (as .ci/run does; it needs python3 with venv and pip reaching PyPI), or point \
         MYOMAP_SCHEMATHESIS at an installation",
        dir.display()
    );
    st
}

async fn schemathesis_finds_no_server_error_or_schema_break(db: &TestDb) {
    let st = schemathesis();
    let seeded = cli_db(db, &["demo", "--no-serve", "--clients", "12"], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    // Owners sign in with a second factor; the harness answers its code.
    crate::harness::enrol_mfa(db, "owner@demo.test");
    let server = Server::start(db);
    let owner = Api::login(&server, "owner@demo.test", "demo-clinic-owner").await;
    let reports = tempfile::tempdir().unwrap();
    let har = reports.path().join("run.har");
    let junit = reports.path().join("run.xml");
    // A run that Schemathesis itself could not finish (a runtime error in
    // its own example generator, with no server error and no failed check)
    // says nothing about the server: it is run once more, whole.
    let mut attempts = 0;
    let (out, stdout) = loop {
        attempts += 1;
        let out = Command::new(&st)
            .arg("run")
            .arg(server.url("/api/v1/openapi.json"))
            .args(["--header", &format!("Authorization: Bearer {}", owner.token)])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", EXAMPLES_PER_OPERATION])
            .args(["--seed", "13"])
            .args(["--workers", "2"])
            .args(["--exclude-path", "/api/v1/login", "--exclude-path", "/api/v1/logout"])
            .args(["--request-timeout", "20"])
            .args(["--generation-database", "none"])
            .arg("--continue-on-failure")
            .arg("--no-color")
            .args(["--report", "har,junit"])
            .arg("--report-har-path")
            .arg(&har)
            .arg("--report-junit-path")
            .arg(&junit)
            .env("SCHEMATHESIS_HOOKS", "")
            .current_dir(reports.path())
            .output()
            .expect("Schemathesis runs");
        let stdout = text(&out.stdout);
        let junit_text = std::fs::read_to_string(&junit).unwrap_or_default();
        let server_error = serde_json::from_str::<Value>(&std::fs::read_to_string(&har).unwrap_or_default())
            .ok()
            .and_then(|har| har["log"]["entries"].as_array().cloned())
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| e["response"]["status"].as_u64().is_some_and(|s| s >= 500))
            });
        let tool_error_only = stdout.contains("Runtime Error") && !junit_text.contains("<failure") && !server_error;
        if tool_error_only && attempts < 2 {
            println!("Schemathesis stopped on an error of its own; running it again");
            continue;
        }
        break (out, stdout);
    };

    // Every exchange is in the HAR file: count them ourselves.
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&har).unwrap_or_else(|e| {
        panic!(
            "no HAR report from Schemathesis ({e}); its output:\n{stdout}\n{}",
            text(&out.stderr)
        )
    }))
    .unwrap();
    let entries = recorded["log"]["entries"].as_array().cloned().unwrap_or_default();
    let server_errors: Vec<String> = entries
        .iter()
        .filter(|e| e["response"]["status"].as_u64().is_some_and(|s| s >= 500))
        .map(|e| {
            format!(
                "{} {} → {}",
                e["request"]["method"].as_str().unwrap_or_default(),
                e["request"]["url"].as_str().unwrap_or_default(),
                e["response"]["status"]
            )
        })
        .collect();
    let junit_text = std::fs::read_to_string(&junit).unwrap_or_default();
    let failures = junit_text.matches("<failure").count() + junit_text.matches("<error").count();
    let report = format!(
        "schemathesis ({:?}): {} requests, {} server errors, {} failing operations (checks: \
         not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)\n",
        db.backend,
        entries.len(),
        server_errors.len(),
        failures,
    );
    print!("{report}");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/security-figures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("schemathesis-{:?}.txt", db.backend).to_lowercase()),
        &report,
    )
    .unwrap();

    assert!(server_errors.is_empty(), "server errors: {server_errors:#?}\n{stdout}");
    assert!(
        out.status.success() && failures == 0,
        "Schemathesis found failures (exit {:?}):\n{stdout}\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    assert!(
        entries.len() >= 1000,
        "only {} requests were generated; raise EXAMPLES_PER_OPERATION",
        entries.len()
    );
}
