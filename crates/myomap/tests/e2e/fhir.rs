//! FHIR export with the real binary on a demo database: one client's Bundle
//! from the API and the command line, the whole clinic as bulk NDJSON, who
//! may export (front desk 403, another clinic's client 404), every export
//! audited, and every exported resource validated by validators that are not
//! ours: the `fhir.resources` R4B models and the official FHIR R4 JSON
//! schema, run by `tests/fhir/validate.py` from the venv that
//! `tests/fhir/install.sh` (called by .ci/run) installs.

use std::path::{Path, PathBuf};
use std::process::Command;

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{Api, PASSWORD, Server, add_user, cli_db, text};

on_both_backends!(fhir_export_of_a_demo_clinic_validates);

/// Where install.sh put the validators: `MYOMAP_FHIR_VALIDATORS`, or the
/// workspace's `target/fhir-validators`.
fn validators() -> (PathBuf, PathBuf) {
    let dir = std::env::var_os("MYOMAP_FHIR_VALIDATORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-validators"),
        PathBuf::from,
    );
    let (python, schema) = (dir.join("venv/bin/python"), dir.join("fhir.schema.json"));
    assert!(
        python.exists() && schema.exists(),
        "the FHIR validators are not installed in {}: run `bash crates/myomap/tests/fhir/install.sh` \
         (as .ci/run does; it needs python3 with venv, pip and npm reaching PyPI and npm), \
         or point MYOMAP_FHIR_VALIDATORS at an installation",
        dir.display()
    );
    (python, schema)
}

/// Runs the independent validators over the given exports; returns their report.
fn validate(paths: &[&Path]) -> String {
    let (python, schema) = validators();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.py");
    let out = Command::new(python)
        .arg(script)
        .arg("--schema")
        .arg(schema)
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "FHIR validation failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout).trim().to_owned()
}

fn count(report: &str) -> u64 {
    report
        .strip_prefix("validated ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in the validator's report: {report}"))
}

async fn record_reads(db: &TestDb) -> i64 {
    db.raw_count("SELECT COUNT(*) FROM audit_log WHERE action = 'record.read'")
        .await
}

async fn fhir_export_of_a_demo_clinic_validates(db: &TestDb) {
    let seeded = cli_db(db, &["demo", "--no-serve", "--clients", "30"], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let server = Server::start(db);
    let therapist = Api::login(&server, "therapist@demo.test", "demo-therapist").await;
    let front_desk = Api::login(&server, "frontdesk@demo.test", "demo-frontdesk").await;
    let work = tempfile::tempdir().unwrap();

    // A client with sessions, so the bundle has encounters to check.
    let (status, page) = therapist.get("/api/v1/clients").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let ids: Vec<String> = page["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let mut chosen = None;
    for id in &ids {
        let (_, notes) = therapist.get(&format!("/api/v1/clients/{id}/sessions")).await;
        let signed = notes["sessions"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["status"] == "signed"));
        if signed {
            chosen = Some(id.clone());
            break;
        }
    }
    let client = chosen.expect("a demo client with session notes");

    // The API: a Bundle, fhir+json, audited.
    let reads = record_reads(db).await;
    let response = therapist
        .http
        .get(server.url(&format!("/api/v1/clients/{client}/fhir")))
        .bearer_auth(&therapist.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/fhir+json"
    );
    let bundle: Value = response.json().await.unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert_eq!(record_reads(db).await, reads + 1, "the export is an audited read");
    let entries = bundle["entry"].as_array().unwrap();
    let of_type = |kind: &str| entries.iter().filter(|e| e["resource"]["resourceType"] == kind).count();
    for kind in ["Patient", "Organization", "Practitioner", "Encounter", "Observation"] {
        assert!(of_type(kind) >= 1, "no {kind} in the bundle");
    }
    assert_eq!(of_type("Patient"), 1);
    let patient = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .unwrap();
    assert_eq!(patient["resource"]["id"], client.as_str(), "ids are the record's ids");
    let api_file = work.path().join("api-bundle.json");
    std::fs::write(&api_file, serde_json::to_vec(&bundle).unwrap()).unwrap();

    // Who may: front desk no, another clinic's client is not found.
    let (status, body) = front_desk.get(&format!("/api/v1/clients/{client}/fhir")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    add_user(db, "Elsewhere Clinic", "owner@elsewhere.test", "owner");
    let elsewhere = Api::login(&server, "owner@elsewhere.test", PASSWORD).await;
    let foreign = elsewhere.create_client("Far", "Away").await;
    let (status, body) = therapist.get(&format!("/api/v1/clients/{foreign}/fhir")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // The command line: one client to a file, audited too.
    let cli_file = work.path().join("cli-bundle.json");
    let reads = record_reads(db).await;
    let out = cli_db(
        db,
        &[
            "export",
            "fhir",
            "--client",
            &client,
            "--out",
            cli_file.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("FHIR R4 Bundle"), "{}", text(&out.stdout));
    assert_eq!(record_reads(db).await, reads + 1);
    let from_cli: Value = serde_json::from_slice(&std::fs::read(&cli_file).unwrap()).unwrap();
    assert_eq!(from_cli["entry"].as_array().unwrap().len(), entries.len());

    // The whole clinic (two clinics now: it must be named) as bulk NDJSON.
    let bulk = work.path().join("bulk");
    let out = cli_db(db, &["export", "fhir", "--all", "--out", bulk.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--clinic"), "{}", text(&out.stderr));
    let reads = record_reads(db).await;
    let out = cli_db(
        db,
        &[
            "export",
            "fhir",
            "--all",
            "--clinic",
            "Demo Clinic",
            "--out",
            bulk.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("of 30 clients"), "{summary}");
    assert_eq!(record_reads(db).await, reads + 30, "one audited read per client");
    let mut files: Vec<String> = std::fs::read_dir(&bulk)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for kind in [
        "Appointment",
        "Encounter",
        "Observation",
        "Organization",
        "Patient",
        "Practitioner",
    ] {
        assert!(
            files.contains(&format!("{kind}.ndjson")),
            "no {kind}.ndjson in {files:?}"
        );
    }
    let patients = std::fs::read_to_string(bulk.join("Patient.ndjson")).unwrap();
    assert_eq!(patients.lines().count(), 30);
    let organizations = std::fs::read_to_string(bulk.join("Organization.ndjson")).unwrap();
    assert_eq!(organizations.lines().count(), 1, "the clinic once");
    // A second export into the same directory is refused, not mixed.
    let again = cli_db(
        db,
        &[
            "export",
            "fhir",
            "--all",
            "--clinic",
            "Demo Clinic",
            "--out",
            bulk.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));

    // The independent validators, over everything exported.
    let report = validate(&[&api_file, &cli_file]);
    println!("{:?}: {report}", db.backend);
    assert_eq!(count(&report), 2 * entries.len() as u64);
    let report = validate(&[&bulk]);
    println!("{:?}: {report}", db.backend);
    assert!(count(&report) > 30);
}
