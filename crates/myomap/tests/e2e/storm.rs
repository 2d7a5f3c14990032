//! Clients that hang up, and instances that race.
//!
//! A cancellation storm: hundreds of requests against the write routes and
//! the audited reads, each given up by its client after a few milliseconds.
//! Afterwards every route answers within a second, the audit chain verifies
//! and no change is half-written. Then two server instances on one
//! PostgreSQL database race for the same records: exactly one wins.

use std::time::{Duration, Instant};

use myomap_testkit::{TestDb, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, cli_db, text};

on_both_backends!(a_cancellation_storm_leaves_every_route_answering);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_racing_have_one_winner() {
    let db = TestDb::postgres().await;
    two_instances_race(&db).await;
}

fn note(discomfort: u32) -> Value {
    json!({"date": "2026-11-20", "duration_minutes": 60, "techniques": ["ischemic compression"],
           "pain_before": 6, "pain_after": 3,
           "treated": [{"muscle": "temporalis", "side": "right", "trigger_point": "tp1", "pressure": "firm",
                        "checks": [{"discomfort": discomfort, "sharp": false}]}]})
}

fn plan(sessions: u32) -> Value {
    json!({"protocol": "back_neck_shoulder", "condition": "neck_pain",
           "goals": [{"instrument": "nprs", "at_most": 2, "label": "pain 2/10 or less"}],
           "sessions_planned": sessions, "interval_days": 7, "session_minutes": 60, "reassess_every": 2,
           "precautions": [], "notes": ""})
}

fn client_fields(family: &str) -> Value {
    json!({"given_name": "Ada", "family_name": family, "date_of_birth": "1985-12-10"})
}

fn intake() -> Value {
    json!({"form": {"reason_for_visit": "Neck pain", "long_sitting": true},
           "screening": {"answers": [{"question": "anticoagulants"}]}})
}

/// The records a storm round works on.
struct Fixture {
    client: String,
    notes: Vec<String>,
    assessment: String,
    plan: String,
    appointment: String,
    therapist: String,
}

async fn created(api: &Api, path: &str, body: Value) -> String {
    let (status, answer) = api.post(path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer["id"].as_str().unwrap().to_owned()
}

async fn fixture(api: &Api) -> Fixture {
    let client = api.create_client("Ada", "Byron").await;
    created(api, &format!("/api/v1/clients/{client}/intake"), intake()).await;
    let mut notes = Vec::new();
    for n in 0..4 {
        notes.push(
            created(
                api,
                &format!("/api/v1/clients/{client}/sessions"),
                json!({"note": note(n)}),
            )
            .await,
        );
    }
    let assessment = created(api, &format!("/api/v1/clients/{client}/assessments"), json!({})).await;
    let plan = created(
        api,
        &format!("/api/v1/clients/{client}/plans"),
        json!({"starts_on": "2026-10-01", "plan": plan(6)}),
    )
    .await;
    let therapist = api.user_id().await;
    let appointment = created(
        api,
        "/api/v1/appointments",
        json!({"client_id": client, "therapist_id": therapist, "starts_at": "2030-04-01T09:00", "minutes": 60, "outside_hours": true}),
    )
    .await;
    Fixture {
        client,
        notes,
        assessment,
        plan,
        appointment,
        therapist,
    }
}

async fn version(api: &Api, path: &str) -> i64 {
    api.get(path).await.1["version"].as_i64().unwrap_or(1)
}

/// Every write route and audited read a storm round fires, with the bodies
/// and versions current at the start of the round.
async fn storm_requests(api: &Api, f: &Fixture, round: usize) -> Vec<(Method, String, Option<Value>)> {
    let c = &f.client;
    let client_version = version(api, &format!("/api/v1/clients/{c}")).await;
    let note_id = &f.notes[round % f.notes.len()];
    let note_version = version(api, &format!("/api/v1/sessions/{note_id}")).await;
    let assessment_version = version(api, &format!("/api/v1/assessments/{}", f.assessment)).await;
    let plan_version = version(api, &format!("/api/v1/plans/{}", f.plan)).await;
    let appointment_version = version(api, &format!("/api/v1/appointments/{}", f.appointment)).await;
    let day = 2 + round % 20;
    let post = |path: String, body: Value| (Method::POST, path, Some(body));
    let put = |path: String, body: Value| (Method::PUT, path, Some(body));
    let get = |path: String| (Method::GET, path, None);
    vec![
        // Audited reads.
        get(format!("/api/v1/clients/{c}")),
        get(format!("/api/v1/clients/{c}/intake")),
        get(format!("/api/v1/clients/{c}/sessions")),
        get(format!("/api/v1/sessions/{note_id}")),
        get(format!("/api/v1/clients/{c}/assessments")),
        get(format!("/api/v1/assessments/{}", f.assessment)),
        get(format!("/api/v1/clients/{c}/plans")),
        get(format!("/api/v1/plans/{}", f.plan)),
        get(format!("/api/v1/clients/{c}/progress")),
        get(format!("/api/v1/clients/{c}/questionnaires")),
        get("/api/v1/dashboard".into()),
        // Writes.
        post("/api/v1/clients".into(), client_fields(&format!("Storm{round}"))),
        put(
            format!("/api/v1/clients/{c}"),
            json!({"version": client_version, "given_name": "Ada", "family_name": format!("Byron{round}"), "date_of_birth": "1985-12-10"}),
        ),
        post(format!("/api/v1/clients/{c}/intake"), intake()),
        post(format!("/api/v1/clients/{c}/intake-link"), json!({})),
        post(format!("/api/v1/clients/{c}/assessments"), json!({})),
        put(
            format!("/api/v1/assessments/{}", f.assessment),
            json!({"version": assessment_version, "record": {}}),
        ),
        post(format!("/api/v1/clients/{c}/sessions"), json!({"note": note(2)})),
        put(
            format!("/api/v1/sessions/{note_id}"),
            json!({"version": note_version, "note": note(3)}),
        ),
        post(
            format!("/api/v1/sessions/{note_id}/sign"),
            json!({"version": note_version}),
        ),
        post(
            format!("/api/v1/clients/{c}/questionnaires"),
            json!({"instrument": "ndi", "taken_on": "2026-11-20", "input": {"items": [2, 3, 1, 1, 0, 4, 2, 1, 3, 2]}}),
        ),
        put(
            format!("/api/v1/plans/{}", f.plan),
            json!({"version": plan_version, "plan": plan(6 + u32::try_from(round % 4).unwrap())}),
        ),
        post(format!("/api/v1/clients/{c}/home-care"), json!({})),
        post(
            format!("/api/v1/clients/{c}/questionnaire-link"),
            json!({"instrument": "ndi"}),
        ),
        post(
            "/api/v1/appointments".into(),
            json!({"client_id": c, "therapist_id": f.therapist, "starts_at": format!("2030-05-{day:02}T09:00"), "minutes": 30, "outside_hours": true}),
        ),
        post(
            format!("/api/v1/appointments/{}/reschedule", f.appointment),
            json!({"version": appointment_version, "therapist_id": f.therapist, "starts_at": format!("2030-04-{day:02}T10:00"), "minutes": 60, "outside_hours": true}),
        ),
    ]
}

fn request(api: &Api, method: &Method, path: &str, body: Option<&Value>) -> reqwest::RequestBuilder {
    let builder = api
        .http
        .request(method.clone(), format!("{}{path}", api.base))
        .bearer_auth(&api.token);
    match body {
        Some(body) => builder.json(body),
        None => builder,
    }
}

async fn a_cancellation_storm_leaves_every_route_answering(db: &TestDb) {
    add_user(db, "North Clinic", "t@north.test", "therapist");
    let server = Server::start(db);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let browser = Browser::new(&server);
    browser.sign_in("t@north.test", PASSWORD).await;
    let f = fixture(&api).await;
    let pages = [
        format!("/clients/{}", f.client),
        "/clients".to_owned(),
        "/schedule".to_owned(),
    ];

    let mut fired = 0;
    let mut last_round = Vec::new();
    for round in 0..12 {
        let requests = storm_requests(&api, &f, round).await;
        let mut storm = Vec::new();
        for (n, (method, path, body)) in requests.iter().enumerate() {
            // 1 to 9 ms: the client gives up mid-request.
            let patience = Duration::from_millis(1 + u64::try_from((n + round) % 9).unwrap());
            storm.push(tokio::spawn(
                request(&api, method, path, body.as_ref()).timeout(patience).send(),
            ));
        }
        for (n, page) in pages.iter().enumerate() {
            let patience = Duration::from_millis(1 + u64::try_from((n + round) % 9).unwrap());
            storm.push(tokio::spawn(
                browser
                    .http
                    .get(format!("{}{page}", browser.base))
                    .timeout(patience)
                    .send(),
            ));
        }
        fired += storm.len();
        for request in storm {
            // Given up or answered: either way the server must cope.
            let _ = request.await.unwrap();
        }
        last_round = requests;
    }
    println!("cancellation storm: {fired} requests given up by their clients");
    assert!(fired >= 300);

    // Every route answers, promptly and without a server error.
    for (method, path, body) in &last_round {
        let started = Instant::now();
        let response = request(&api, method, path, body.as_ref()).send().await.unwrap();
        let took = started.elapsed();
        assert!(
            !response.status().is_server_error(),
            "{method} {path} → {}",
            response.status()
        );
        assert!(
            took < Duration::from_secs(1),
            "{method} {path} took {took:?} after the storm"
        );
    }
    for page in &pages {
        let started = Instant::now();
        let (status, _) = browser.get(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{page} is slow after the storm"
        );
    }

    // The audit chain verifies.
    let verified = cli_db(db, &["audit", "verify"], "");
    assert!(verified.status.success(), "{}", text(&verified.stdout));

    // No half-written change: each committed change of a versioned record
    // has its audit entry, each signed note its two check-ins.
    let pairs = [
        ("clients", "'client.update', 'client.archive', 'client.restore'"),
        ("session_notes", "'note.update', 'note.sign'"),
        ("assessments", "'assessment.update'"),
        ("treatment_plans", "'plan.update', 'plan.close'"),
    ];
    for (table, actions) in pairs {
        let mismatched = db
            .raw_count(&format!(
                "SELECT COUNT(*) FROM {table} r WHERE r.version - 1 <> \
                 (SELECT COUNT(*) FROM audit_log a WHERE a.record_id = r.id AND a.action IN ({actions}))"
            ))
            .await;
        assert_eq!(mismatched, 0, "{table}: versions and audit entries disagree");
    }
    let half_signed = db
        .raw_count(
            "SELECT COUNT(*) FROM session_notes n WHERE (n.status = 'signed' AND n.amends IS NULL) <> \
             ((SELECT COUNT(*) FROM checkins k WHERE k.note_id = n.id) = 2)",
        )
        .await;
    assert_eq!(half_signed, 0, "a note is signed without its check-ins, or the reverse");
    let moved = db
        .raw_count(&format!(
            "SELECT COUNT(*) FROM appointments r WHERE r.version - 1 <> \
             (SELECT COUNT(*) FROM audit_log a WHERE a.record_id = r.id AND a.action LIKE 'appointment.%' \
              AND a.action <> 'appointment.book') AND r.id = '{}'",
            f.appointment
        ))
        .await;
    assert_eq!(moved, 0, "the appointment's versions and audit entries disagree");

    assert_eq!(
        db.open_transactions_after_settling().await,
        0,
        "connections left inside a transaction"
    );
}

async fn audit_count(db: &TestDb, action: &str, record_id: &str) -> i64 {
    db.raw_count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND record_id = '{record_id}'"
    ))
    .await
}

/// Sends the same change to both instances at once.
async fn both(one: &Api, two: &Api, method: Method, path: &str, body: Value) -> [StatusCode; 2] {
    let (a, b) = tokio::join!(
        request(one, &method, path, Some(&body)).send(),
        request(two, &method, path, Some(&body)).send()
    );
    [a.unwrap().status(), b.unwrap().status()]
}

fn one_winner(what: &str, statuses: [StatusCode; 2], winner: StatusCode) {
    let won = statuses.iter().filter(|s| **s == winner).count();
    let lost = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((won, lost), (1, 1), "{what}: {statuses:?}");
}

async fn two_instances_race(db: &TestDb) {
    add_user(db, "North Clinic", "t@north.test", "therapist");
    let first = Server::start(db);
    let second = Server::start(db);
    let one = Api::login(&first, "t@north.test", PASSWORD).await;
    // Sessions live in the database: the same token works on both.
    let two = one.with_base(&second.base);
    let f = fixture(&one).await;
    let c = &f.client;

    for round in 0..3 {
        let v = version(&one, &format!("/api/v1/clients/{c}")).await;
        let body = json!({"version": v, "given_name": "Ada", "family_name": format!("Race{round}"), "date_of_birth": "1985-12-10"});
        one_winner(
            "client update",
            both(&one, &two, Method::PUT, &format!("/api/v1/clients/{c}"), body).await,
            StatusCode::OK,
        );
    }
    let updates = audit_count(db, "client.update", c).await;
    assert_eq!(updates, 3);

    let note_id = &f.notes[0];
    one_winner(
        "note update",
        both(
            &one,
            &two,
            Method::PUT,
            &format!("/api/v1/sessions/{note_id}"),
            json!({"version": 1, "note": note(5)}),
        )
        .await,
        StatusCode::OK,
    );
    // Both taps on "Sign" answer with the signed note; one signed it.
    let signs = both(
        &one,
        &two,
        Method::POST,
        &format!("/api/v1/sessions/{note_id}/sign"),
        json!({"version": 2}),
    )
    .await;
    assert_eq!(signs, [StatusCode::OK, StatusCode::OK]);
    assert_eq!(audit_count(db, "note.sign", note_id).await, 1);
    assert_eq!(
        db.raw_count(&format!("SELECT COUNT(*) FROM checkins WHERE note_id = '{note_id}'"))
            .await,
        2
    );
    assert!(
        db.raw_count(&format!("SELECT COUNT(*) FROM outbox WHERE subject_id = '{note_id}'"))
            .await
            <= 1
    );

    one_winner(
        "assessment update",
        both(
            &one,
            &two,
            Method::PUT,
            &format!("/api/v1/assessments/{}", f.assessment),
            json!({"version": 1, "record": {}}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(audit_count(db, "assessment.update", &f.assessment).await, 1);
    one_winner(
        "plan update",
        both(
            &one,
            &two,
            Method::PUT,
            &format!("/api/v1/plans/{}", f.plan),
            json!({"version": 1, "plan": plan(8)}),
        )
        .await,
        StatusCode::OK,
    );
    one_winner(
        "plan close",
        both(
            &one,
            &two,
            Method::POST,
            &format!("/api/v1/plans/{}/close", f.plan),
            json!({}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(audit_count(db, "plan.close", &f.plan).await, 1);
    let intake_version = one.get(&format!("/api/v1/clients/{c}/intake")).await.1;
    let intake_id = intake_version["id"].as_str().unwrap().to_owned();
    let v = intake_version["version"].as_i64().unwrap();
    one_winner(
        "intake sign",
        both(
            &one,
            &two,
            Method::POST,
            &format!("/api/v1/intakes/{intake_id}/sign"),
            json!({"version": v}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(audit_count(db, "intake.sign", &intake_id).await, 1);
    one_winner(
        "reschedule",
        both(
            &one,
            &two,
            Method::POST,
            &format!("/api/v1/appointments/{}/reschedule", f.appointment),
            json!({"version": 1, "therapist_id": f.therapist, "starts_at": "2030-04-03T10:00", "minutes": 60, "outside_hours": true}),
        )
        .await,
        StatusCode::OK,
    );
    one_winner(
        "appointment status",
        both(
            &one,
            &two,
            Method::POST,
            &format!("/api/v1/appointments/{}/status", f.appointment),
            json!({"version": 2, "status": "cancelled"}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(audit_count(db, "appointment.cancelled", &f.appointment).await, 1);
    let verified = cli_db(db, &["audit", "verify"], "");
    assert!(verified.status.success(), "{}", text(&verified.stdout));
}
