//! A client's own record as one ZIP, from the client page and the command
//! line: the FHIR bundle (valid JSON), the PDF report and the photos.

use std::io::Read;

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, cli_db, text};

fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

fn check(zip: &[u8], png: &[u8], client: &str) {
    let entries = entries(zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let bundle = &entries.iter().find(|(n, _)| n == "fhir-bundle.json").unwrap().1;
    let bundle: Value = serde_json::from_slice(bundle).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert!(bundle.to_string().contains(client));
    let pdf = &entries.iter().find(|(n, _)| n == "progress-report.pdf").unwrap().1;
    assert!(pdf.starts_with(b"%PDF"), "{names:?}");
    let photos: Vec<_> = entries.iter().filter(|(n, _)| n.starts_with("photos/")).collect();
    assert_eq!(photos.len(), 1, "{names:?}");
    assert!(photos[0].0.ends_with(".png"));
    assert_eq!(photos[0].1, png);
}

#[tokio::test]
async fn a_client_s_record_exports_as_one_zip() {
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    add_user(&db, "North Clinic", "therapist@north.test", "therapist");
    add_user(&db, "North Clinic", "desk@north.test", "front_desk");
    let server = Server::start(&db);
    let api = Api::login(&server, "therapist@north.test", PASSWORD).await;
    let id = api.create_client("Ada", "Byron").await;
    let (status, assessment) = api
        .post(
            &format!("/api/v1/clients/{id}/assessments"),
            json!({"pain_map": [{"area": "head.temple", "side": "right", "intensity": 7, "quality": "aching"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{assessment}");
    let aid = assessment["id"].as_str().unwrap();
    let png = crate::harness::test_png(400, 300);
    let uploaded = api
        .http
        .post(server.url(&format!("/api/v1/assessments/{aid}/photos?view=front")))
        .bearer_auth(&api.token)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);

    // From the client page, for the therapist (and the owner).
    let therapist = Browser::new(&server);
    therapist.sign_in("therapist@north.test", PASSWORD).await;
    let (_, page) = therapist.get(&format!("/clients/{id}")).await;
    assert!(page.contains(&format!("href=\"/clients/{id}/export.zip\"")));
    let response = therapist
        .http
        .get(format!("{}/clients/{id}/export.zip", therapist.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("record-byron.zip")
    );
    check(&response.bytes().await.unwrap(), &png, &id);

    // Not for the front desk.
    let desk = Browser::new(&server);
    desk.sign_in("desk@north.test", PASSWORD).await;
    let (status, _) = desk.get(&format!("/clients/{id}/export.zip")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // From the command line, as the owner by default.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ada.zip");
    let run = cli_db(
        &db,
        &["export", "record", "--client", &id, "--out", out.to_str().unwrap()],
        "",
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    check(&std::fs::read(&out).unwrap(), &png, &id);

    // Each export left its audited reads.
    let reads = db
        .raw_count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE record_id = '{id}' AND action = 'record.read'"
        ))
        .await;
    assert!(reads >= 4, "{reads}");
    let out = cli_db(&db, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
}
