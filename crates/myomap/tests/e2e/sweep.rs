//! The isolation sweep, generated from the route tables.
//!
//! Clinic A gets one object of every kind. Then every route of the API (read
//! from the served OpenAPI document) and every page route (read from the
//! page router's own table, `myomap_web::page_routes`) is called with A's
//! ids in its path, as clinic B's owner, therapist and front desk, with no
//! credentials and with a forged session (the stored hash of A's owner's
//! session token, with A's owner's CSRF token: what someone holding a copy
//! of the database has). Nothing of A may appear in any answer, A's rows
//! and audit chain may not change, and every answer must equal the answer
//! for a random id of the same shape. Last, A's own front desk calls every
//! route with A's ids: no clinical text may appear.
//!
//! A route whose path parameters have no line in [`PARAMETERS`] fails the
//! test with its name, so a new route cannot skip the sweep.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read as _;

use myomap_testkit::{Backend, TestDb, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user, http, test_png};

on_both_backends!(no_route_shows_or_changes_another_clinics_records);

/// What a path parameter names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Client,
    Intake,
    Assessment,
    Photo,
    Note,
    Checkin,
    Plan,
    HomeCare,
    Appointment,
    TimeOff,
    Outbox,
    Therapist,
    /// A client link: the route takes the link's token. The sweep sends the
    /// token's stored SHA-256, which must not open the link.
    Link,
    /// A therapist's calendar feed: likewise its stored hash.
    CalendarFeed,
    /// A sign-in session of A's therapist, by its listed id.
    Session,
    /// An open staff invitation of A's.
    Invitation,
    /// That invitation's link: the sweep sends its stored hash.
    InvitationToken,
    /// Reference data shared by every clinic (atlas, protocols,
    /// instruments): called with a real id, not compared with a missing one.
    Reference(&'static str),
}

use Kind::*;

/// Which of clinic A's objects each path parameter of a route names, in
/// the order the parameters appear. One line per route with parameters (all
/// methods of the path share it).
const PARAMETERS: &[(&str, &[Kind])] = &[
    // JSON API
    ("/api/v1/clients/{id}", &[Client]),
    ("/api/v1/clients/{id}/archive", &[Client]),
    ("/api/v1/clients/{id}/restore", &[Client]),
    ("/api/v1/clients/{id}/fhir", &[Client]),
    ("/api/v1/clients/{id}/intake", &[Client]),
    ("/api/v1/clients/{id}/intake-link", &[Client]),
    ("/api/v1/clients/{id}/assessments", &[Client]),
    ("/api/v1/clients/{id}/sessions", &[Client]),
    ("/api/v1/clients/{id}/sessions/carry-forward", &[Client]),
    ("/api/v1/clients/{id}/questionnaires", &[Client]),
    ("/api/v1/clients/{id}/progress", &[Client]),
    ("/api/v1/clients/{id}/home-care", &[Client]),
    ("/api/v1/clients/{id}/plans", &[Client]),
    ("/api/v1/clients/{id}/questionnaire-link", &[Client]),
    ("/api/v1/clients/{id}/booking-link", &[Client]),
    ("/api/v1/clients/{id}/appointments", &[Client]),
    ("/api/v1/clients/{id}/links", &[Client]),
    ("/api/v1/staff/{id}/role", &[Therapist]),
    ("/api/v1/staff/{id}/deactivate", &[Therapist]),
    ("/api/v1/staff/{id}/reactivate", &[Therapist]),
    ("/api/v1/staff/{id}/reset-mfa", &[Therapist]),
    ("/api/v1/clinic/sessions/{id}", &[Session]),
    ("/api/v1/score/{instrument}", &[Reference("nprs")]),
    ("/api/v1/intakes/{id}/sign", &[Intake]),
    ("/api/v1/links/{token}", &[Link]),
    ("/api/v1/links/{token}/intake", &[Link]),
    ("/api/v1/links/{token}/checkin", &[Link]),
    ("/api/v1/links/{token}/home-care", &[Link]),
    ("/api/v1/links/{token}/questionnaire", &[Link]),
    ("/api/v1/assessments/{id}", &[Assessment]),
    ("/api/v1/assessments/{id}/photos", &[Assessment]),
    ("/api/v1/photos/{id}", &[Photo]),
    ("/api/v1/photos/{id}/landmarks", &[Photo]),
    ("/api/v1/sessions/{id}", &[Note]),
    ("/api/v1/sessions/{id}/sign", &[Note]),
    ("/api/v1/sessions/{id}/amend", &[Note]),
    ("/api/v1/home-care/{id}", &[HomeCare]),
    ("/api/v1/home-care/{id}/link", &[HomeCare]),
    ("/api/v1/protocols/{id}", &[Reference("back_neck_shoulder")]),
    ("/api/v1/plans/{id}", &[Plan]),
    ("/api/v1/plans/{id}/close", &[Plan]),
    ("/api/v1/checkins/{id}/review", &[Checkin]),
    ("/api/v1/checkins/{id}/link", &[Checkin]),
    ("/api/v1/atlas/muscles/{id}", &[Reference("upper_trapezius")]),
    ("/api/v1/therapists/{id}/hours", &[Therapist]),
    ("/api/v1/therapists/{id}/slots", &[Therapist]),
    ("/api/v1/therapists/{id}/time-off", &[Therapist]),
    ("/api/v1/therapists/{id}/calendar-feed", &[Therapist]),
    ("/api/v1/time-off/{id}", &[TimeOff]),
    ("/calendar/{token}", &[CalendarFeed]),
    ("/api/v1/appointments/{id}", &[Appointment]),
    ("/api/v1/appointments/{id}/reschedule", &[Appointment]),
    ("/api/v1/appointments/{id}/status", &[Appointment]),
    ("/api/v1/outbox/{id}/sent", &[Outbox]),
    ("/api/v1/outbox/{id}/retry", &[Outbox]),
    // Pages
    ("/clients/{id}", &[Client]),
    ("/clients/{id}/history", &[Client]),
    ("/clients/{id}/edit", &[Client]),
    ("/clients/{id}/archive", &[Client]),
    ("/clients/{id}/erase", &[Client]),
    ("/clients/{id}/export.zip", &[Client]),
    ("/clients/{id}/restore", &[Client]),
    ("/clients/{id}/intake", &[Client]),
    ("/clients/{id}/intake-link", &[Client]),
    ("/clients/{id}/assessments", &[Client]),
    ("/clients/{id}/questionnaires/new", &[Client]),
    ("/clients/{id}/questionnaires", &[Client]),
    ("/clients/{id}/questionnaire-link", &[Client]),
    ("/clients/{id}/progress", &[Client]),
    ("/clients/{id}/report.pdf", &[Client]),
    ("/clients/{id}/home-care", &[Client]),
    ("/clients/{id}/plans/new", &[Client]),
    ("/clients/{id}/plans", &[Client]),
    ("/clients/{id}/sessions/new", &[Client]),
    ("/clients/{id}/sessions", &[Client]),
    ("/clients/{id}/booking-link", &[Client]),
    ("/checkins/{id}/review", &[Checkin]),
    ("/checkins/{id}/link", &[Checkin]),
    ("/intakes/{id}/sign", &[Intake]),
    ("/c/{token}", &[Link]),
    ("/assessments/{id}", &[Assessment]),
    ("/assessments/{id}/delete", &[Assessment]),
    ("/assessments/{id}/pain-map", &[Assessment]),
    ("/assessments/{id}/posture", &[Assessment]),
    ("/assessments/{id}/tone", &[Assessment]),
    ("/assessments/{id}/findings", &[Assessment]),
    ("/assessments/{id}/photos", &[Assessment]),
    ("/assessments/{id}/photos/{photo}", &[Assessment, Photo]),
    ("/assessments/{id}/photos/{photo}/landmarks", &[Assessment, Photo]),
    ("/home-care/{id}", &[HomeCare]),
    ("/home-care/{id}/handout.pdf", &[HomeCare]),
    ("/home-care/{id}/link", &[HomeCare]),
    ("/plans/{id}", &[Plan]),
    ("/plans/{id}/edit", &[Plan]),
    ("/plans/{id}/close", &[Plan]),
    ("/sessions/{id}", &[Note]),
    ("/sessions/{id}/amend", &[Note]),
    ("/time-off/{id}/remove", &[TimeOff]),
    ("/appointments/{id}", &[Appointment]),
    ("/appointments/{id}/status", &[Appointment]),
    ("/appointments/{id}/move", &[Appointment]),
    ("/messages/{id}/sent", &[Outbox]),
    ("/messages/{id}/retry", &[Outbox]),
    ("/atlas/{id}", &[Reference("upper_trapezius")]),
    ("/assessments/{id}/save", &[Assessment]),
    ("/settings/staff/{id}/role", &[Therapist]),
    ("/settings/staff/{id}/deactivate", &[Therapist]),
    ("/settings/staff/{id}/reactivate", &[Therapist]),
    ("/settings/staff/{id}/reset-mfa", &[Therapist]),
    ("/settings/invitations/{id}/withdraw", &[Invitation]),
    ("/settings/sessions/{id}/revoke", &[Session]),
    ("/invite/{token}", &[InvitationToken]),
];

/// Routes the sweep does not call, and why. Each names no object, so there
/// is nothing of clinic A to substitute.
const NOT_SWEPT: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/logout",
        "ends the caller's own session, which the sweep goes on using",
    ),
    (
        "POST",
        "/logout",
        "ends the caller's own session, which the sweep goes on using",
    ),
];

/// Text of clinic A that no one outside A may see: contact details and
/// what only the clinical roles of A may see. Plain letters, so that no
/// escaping (HTML, JSON, PDF) can hide them.
const CONTACT_MARKERS: &[&str] = &[
    "Zqxgivenname",
    "Zqxfamilyname",
    "zqxmailbox",
    "Zqxappointmentnote",
    "Zqxroomname",
    "Zqxtimeoffreason",
];
const CLINICAL_MARKERS: &[&str] = &[
    "Zqxclientnotes",
    "Zqxintakereason",
    "Zqxcomplainthistory",
    "Zqxassessmentnotes",
    "Zqxsubjective",
    "Zqxcheckincomment",
    "Zqxplannotes",
];
/// A posture photo's bytes start with this; no route may hand one out to
/// anyone but A's clinical roles.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Clinic A's objects, by kind.
struct ClinicA {
    ids: BTreeMap<String, String>,
}

impl ClinicA {
    fn value(&self, kind: Kind) -> String {
        match kind {
            Reference(id) => id.to_owned(),
            other => self
                .ids
                .get(&format!("{other:?}"))
                .unwrap_or_else(|| panic!("the fixture made no {other:?}"))
                .clone(),
        }
    }
}

/// An id of the same shape that names nothing: every hexadecimal digit
/// turned to another (so a UUID stays a UUID and a hash a hash), every
/// other letter or digit to another of its kind.
fn missing(value: &str) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    value
        .chars()
        .map(|c| match c {
            '0'..='9' | 'a'..='f' => {
                let at = HEX.iter().position(|&h| char::from(h) == c).unwrap_or(0);
                char::from(HEX[(at + 7) % 16])
            }
            'g'..='z' => char::from(b'g' + (c as u8 - b'g' + 5) % 20),
            'A'..='Z' => char::from(b'A' + (c as u8 - b'A' + 7) % 26),
            other => other,
        })
        .collect()
}

/// Who calls.
struct Caller {
    name: &'static str,
    /// For the API.
    bearer: Option<String>,
    /// For pages: a client with the caller's cookies (or none).
    pages: reqwest::Client,
    /// A `Cookie` header sent as is (the forged session).
    cookie: Option<String>,
    csrf: String,
    /// A caller of clinic A's own (only its front desk): contact details
    /// are theirs to see, and "someone else's" does not apply.
    same_clinic: bool,
}

#[derive(Default)]
struct Tally {
    requests: usize,
    leaks: Vec<String>,
    server_errors: Vec<String>,
    differences: Vec<String>,
    by_status: BTreeMap<u16, usize>,
    /// Answers to A's own front desk that show A's contact details: proof
    /// that the marker search sees what it looks for.
    contact_seen_by_own_desk: usize,
}

struct Answer {
    status: StatusCode,
    /// The body as text (PDFs through pdftotext, ZIP entries unpacked), with
    /// the Location header.
    text: String,
    png: bool,
}

async fn created(api: &Api, path: &str, body: Value) -> Value {
    let (status, answer) = api.post(path, body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_owned()
}

fn note(subjective: &str) -> Value {
    json!({"date": "2026-11-20", "duration_minutes": 60, "subjective": subjective,
           "techniques": ["ischemic compression"], "pain_before": 6, "pain_after": 3,
           "treated": [{"muscle": "upper_trapezius", "side": "right", "trigger_point": "tp1", "pressure": "firm",
                        "checks": [{"discomfort": 4, "sharp": false}]}]})
}

fn plan(notes: &str) -> Value {
    json!({"protocol": "back_neck_shoulder", "condition": "neck_pain",
           "goals": [{"instrument": "nprs", "at_most": 2, "label": "pain 2/10 or less"}],
           "sessions_planned": 6, "interval_days": 7, "session_minutes": 60, "reassess_every": 2,
           "precautions": [], "notes": notes})
}

fn week_hours() -> Value {
    let rows: Vec<Value> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|day| json!({"weekday": day, "starts": "09:00", "ends": "17:00", "kind": "work"}))
        .collect();
    json!({"hours": rows})
}

/// One object of every kind in clinic A, made through the API as A's
/// owner and therapist, each carrying a marker in its free text.
async fn fill_clinic_a(db: &TestDb, server: &Server, owner: &Api, therapist: &Api) -> ClinicA {
    let mut ids = BTreeMap::new();
    let client = id_of(
        &created(
            owner,
            "/api/v1/clients",
            json!({"given_name": "Zqxgivenname", "family_name": "Zqxfamilyname", "date_of_birth": "1985-12-10",
                   "email": "zqxmailbox@north.test", "notes": "Zqxclientnotes: neck pain"}),
        )
        .await,
    );
    let intake = created(
        therapist,
        &format!("/api/v1/clients/{client}/intake"),
        json!({"form": {"reason_for_visit": "Zqxintakereason", "complaint_history": "Zqxcomplainthistory",
                        "long_sitting": true}}),
    )
    .await;
    ids.insert("Intake".to_owned(), id_of(&intake));
    let assessment = id_of(
        &created(
            therapist,
            &format!("/api/v1/clients/{client}/assessments"),
            json!({"notes": "Zqxassessmentnotes",
                   "pain_map": [{"area": "head.temple", "side": "right", "intensity": 7, "quality": "aching"}]}),
        )
        .await,
    );
    let photo = therapist
        .http
        .post(server.url(&format!("/api/v1/assessments/{assessment}/photos?view=front")))
        .bearer_auth(&therapist.token)
        .header("content-type", "image/png")
        .body(test_png(64, 64))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::CREATED);
    let photo: Value = photo.json().await.unwrap();
    ids.insert("Photo".to_owned(), id_of(&photo));
    ids.insert("Assessment".to_owned(), assessment);
    let draft = created(
        therapist,
        &format!("/api/v1/clients/{client}/sessions"),
        json!({"note": note("Zqxsubjective")}),
    )
    .await;
    let note_id = id_of(&draft);
    let signed = created(
        therapist,
        &format!("/api/v1/sessions/{note_id}/sign"),
        json!({"version": draft["version"]}),
    )
    .await;
    ids.insert("Note".to_owned(), note_id);
    let checkin_token = signed["checkin_links"][0]["token"].as_str().unwrap().to_owned();
    let answered = http()
        .post(server.url(&format!("/api/v1/links/{checkin_token}/checkin")))
        .json(&json!({"soreness": 6, "numbness": true, "comment": "Zqxcheckincomment"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    created(
        therapist,
        &format!("/api/v1/clients/{client}/questionnaires"),
        json!({"instrument": "nprs", "taken_on": "2026-11-20", "input": {"value": 6}}),
    )
    .await;
    let plan_id = id_of(
        &created(
            therapist,
            &format!("/api/v1/clients/{client}/plans"),
            json!({"starts_on": "2026-10-01", "plan": plan("Zqxplannotes")}),
        )
        .await,
    );
    ids.insert("Plan".to_owned(), plan_id);
    let home_care = id_of(&created(therapist, &format!("/api/v1/clients/{client}/home-care"), json!({})).await);
    created(therapist, &format!("/api/v1/home-care/{home_care}/link"), json!({})).await;
    ids.insert("HomeCare".to_owned(), home_care);
    let therapist_id = therapist.user_id().await;
    let (status, _) = owner
        .put(&format!("/api/v1/therapists/{therapist_id}/hours"), week_hours())
        .await;
    assert_eq!(status, StatusCode::OK);
    let room = id_of(&created(owner, "/api/v1/rooms", json!({"name": "Zqxroomname"})).await);
    let appointment = id_of(
        &created(
            owner,
            "/api/v1/appointments",
            json!({"client_id": client, "therapist_id": therapist_id, "room_id": room,
                   "starts_at": "2030-04-01T09:00", "minutes": 60, "note": "Zqxappointmentnote",
                   "outside_hours": true}),
        )
        .await,
    );
    ids.insert("Appointment".to_owned(), appointment);
    let time_off = id_of(
        &created(
            owner,
            &format!("/api/v1/therapists/{therapist_id}/time-off"),
            json!({"starts_at": "2031-01-01T00:00", "ends_at": "2031-01-02T00:00", "reason": "Zqxtimeoffreason"}),
        )
        .await,
    );
    ids.insert("TimeOff".to_owned(), time_off);
    created(owner, &format!("/api/v1/clients/{client}/intake-link"), json!({})).await;
    created(
        owner,
        &format!("/api/v1/clients/{client}/questionnaire-link"),
        json!({"instrument": "ndi"}),
    )
    .await;
    created(
        owner,
        &format!("/api/v1/clients/{client}/booking-link"),
        json!({"therapist_id": therapist_id}),
    )
    .await;
    created(
        therapist,
        &format!("/api/v1/therapists/{therapist_id}/calendar-feed"),
        json!({}),
    )
    .await;
    let invitation = created(
        owner,
        "/api/v1/staff/invitations",
        json!({"email": "invited@north.test", "name": "Invited Person", "role": "therapist"}),
    )
    .await;
    ids.insert("Invitation".to_owned(), id_of(&invitation));
    ids.insert("Therapist".to_owned(), therapist_id);
    ids.insert("Client".to_owned(), client.clone());

    // Objects the API answers without their id are read from the rows.
    let clinic = clinic_id(db, "North Clinic").await;
    let one = |sql: String| async move {
        db.raw_strings(&sql)
            .await
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing from {sql}"))
    };
    ids.insert(
        "Checkin".to_owned(),
        one(format!("SELECT id FROM checkins WHERE clinic_id = '{clinic}'")).await,
    );
    ids.insert(
        "Outbox".to_owned(),
        one(format!("SELECT id FROM outbox WHERE clinic_id = '{clinic}'")).await,
    );
    ids.insert(
        "Link".to_owned(),
        one(format!(
            "SELECT token_hash FROM client_links WHERE clinic_id = '{clinic}' AND purpose = 'intake'"
        ))
        .await,
    );
    ids.insert(
        "Session".to_owned(),
        one(format!(
            "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.clinic_id = '{clinic}' AND u.role = 'therapist'"
        ))
        .await,
    );
    ids.insert(
        "InvitationToken".to_owned(),
        one(format!(
            "SELECT token_hash FROM staff_invitations WHERE clinic_id = '{clinic}'"
        ))
        .await,
    );
    ids.insert(
        "CalendarFeed".to_owned(),
        one(format!(
            "SELECT feed_token_hash FROM calendars WHERE clinic_id = '{clinic}' AND feed_token_hash IS NOT NULL"
        ))
        .await,
    );
    ClinicA { ids }
}

async fn clinic_id(db: &TestDb, name: &str) -> String {
    db.raw_strings(&format!("SELECT id FROM clinics WHERE name = '{name}'"))
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no clinic {name}"))
}

/// Every row of clinic A (each table with a `clinic_id`, the clinic's own
/// row with its audit head) and every row of the tables that have no clinic
/// column, except sign-in bookkeeping, as text: equal before and after
/// means nothing changed.
async fn fingerprint(db: &TestDb, clinic: &str) -> BTreeMap<String, String> {
    let tables = match db.backend {
        Backend::Sqlite => {
            db.raw_strings(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE '_sqlx%' ORDER BY name",
            )
            .await
        }
        Backend::Postgres => {
            db.raw_strings(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
                 AND table_name NOT LIKE '_sqlx%' ORDER BY 1",
            )
            .await
        }
    };
    let mut prints = BTreeMap::new();
    for table in tables {
        if ["sessions", "login_failures", "schema_version", "migrations"].contains(&table.as_str()) {
            continue;
        }
        let columns = match db.backend {
            Backend::Sqlite => {
                db.raw_strings(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
                    .await
            }
            Backend::Postgres => {
                db.raw_strings(&format!(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
                ))
                .await
            }
        };
        let filter = if table == "clinics" {
            format!("WHERE id = '{clinic}'")
        } else if columns.iter().any(|c| c == "clinic_id") {
            format!("WHERE clinic_id = '{clinic}'")
        } else {
            String::new()
        };
        let sql = match db.backend {
            Backend::Sqlite => {
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                format!(
                    "SELECT COALESCE(group_concat(r, '|'), '') FROM \
                     (SELECT {row} AS r FROM \"{table}\" {filter} ORDER BY 1)"
                )
            }
            Backend::Postgres => {
                format!("SELECT COALESCE(string_agg(t::text, '|' ORDER BY t::text), '') FROM \"{table}\" t {filter}")
            }
        };
        let print = db.raw_strings(&sql).await.into_iter().next().unwrap_or_default();
        prints.insert(table, print);
    }
    prints
}

/// The route's path with `values` in its parameters, in order.
fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut values = values.iter();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(values.next().expect("a value for every parameter"));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn parameters(template: &str) -> usize {
    template.matches('{').count()
}

/// A body a route would accept for an object of the caller's own clinic,
/// so that a write reaches the lookup of the id rather than stopping at
/// input validation. `therapist` is the therapist id of this variant.
fn api_body(method: &Method, template: &str, therapist: &str) -> Value {
    match (method.as_str(), template) {
        ("PUT", "/api/v1/clients/{id}") => {
            json!({"version": 1, "given_name": "Sweep", "family_name": "Changed", "date_of_birth": "1990-01-01"})
        }
        ("POST", "/api/v1/clients/{id}/intake") => json!({"form": {"reason_for_visit": "sweep"}}),
        ("POST", "/api/v1/intakes/{id}/sign") | ("POST", "/api/v1/sessions/{id}/sign") => json!({"version": 1}),
        ("PUT", "/api/v1/assessments/{id}") => json!({"version": 1, "record": {"notes": "sweep"}}),
        ("PUT", "/api/v1/photos/{id}/landmarks") => {
            json!({"points": [{"landmark": "acromion_left", "at": {"x": 30.0, "y": 10.0}},
                              {"landmark": "acromion_right", "at": {"x": 10.0, "y": 11.0}}]})
        }
        ("POST", "/api/v1/clients/{id}/sessions") => json!({"note": note("sweep")}),
        ("PUT", "/api/v1/sessions/{id}") => json!({"version": 1, "note": note("sweep")}),
        ("POST", "/api/v1/sessions/{id}/amend") => json!({"note": note("sweep"), "reason": "sweep"}),
        ("POST", "/api/v1/clients/{id}/questionnaires") => json!({"instrument": "nprs", "input": {"value": 3}}),
        ("POST", "/api/v1/clients/{id}/questionnaire-link") => json!({"instrument": "ndi"}),
        ("POST", "/api/v1/clients/{id}/plans") => json!({"starts_on": "2026-10-01", "plan": plan("sweep")}),
        ("PUT", "/api/v1/plans/{id}") => json!({"version": 1, "plan": plan("sweep")}),
        ("PUT", "/api/v1/therapists/{id}/hours") => week_hours(),
        ("POST", "/api/v1/therapists/{id}/time-off") => {
            json!({"starts_at": "2032-01-01T00:00", "ends_at": "2032-01-02T00:00", "reason": "sweep"})
        }
        ("POST", "/api/v1/appointments/{id}/reschedule") => {
            json!({"version": 1, "therapist_id": therapist, "starts_at": "2030-05-01T09:00", "minutes": 60,
                   "outside_hours": true})
        }
        ("POST", "/api/v1/appointments/{id}/status") => json!({"status": "cancelled", "version": 1}),
        ("POST", "/api/v1/clients/{id}/booking-link") => json!({"therapist_id": therapist}),
        ("POST", "/api/v1/links/{token}/intake") => json!({"form": {"reason_for_visit": "sweep"}}),
        ("POST", "/api/v1/links/{token}/checkin") => json!({"soreness": 1}),
        _ => json!({}),
    }
}

/// A response as text to search for markers.
async fn read(response: reqwest::Response) -> Answer {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    let png = bytes.windows(PNG_SIGNATURE.len()).any(|w| w == PNG_SIGNATURE);
    let body = if content_type.starts_with("application/pdf") {
        pdf_text(&bytes)
    } else if content_type.starts_with("application/zip") {
        zip_text(&bytes)
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Answer {
        status,
        text: format!("{location}\n{body}"),
        png,
    }
}

fn pdf_text(bytes: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) reads the PDFs the sweep receives");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every entry of an archive, unpacked; a photo inside counts as a photo.
fn zip_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for n in 0..archive.len() {
        let mut entry = archive.by_index(n).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if content.starts_with(PNG_SIGNATURE) {
            text.push_str("[a PNG photo]");
        }
        text.push_str(&String::from_utf8_lossy(&content));
    }
    text
}

async fn call(
    server: &Server,
    caller: &Caller,
    api: bool,
    method: &Method,
    template: &str,
    values: &[String],
    therapist: &str,
) -> Answer {
    let path = fill(template, values);
    if api {
        let http = http();
        let mut request = if template == "/api/v1/assessments/{id}/photos" {
            http.post(server.url(&format!("{path}?view=front")))
                .header("content-type", "image/png")
                .body(test_png(64, 64))
        } else {
            let request = http.request(method.clone(), server.url(&path));
            if *method == Method::POST || *method == Method::PUT {
                request.json(&api_body(method, template, therapist))
            } else {
                request
            }
        };
        if let Some(token) = &caller.bearer {
            request = request.bearer_auth(token);
        }
        read(request.send().await.unwrap()).await
    } else {
        let mut request = caller.pages.request(method.clone(), server.url(&path));
        if let Some(cookie) = &caller.cookie {
            request = request.header("cookie", cookie);
        }
        if *method == Method::POST {
            request = request.form(&[("csrf", caller.csrf.as_str())]);
        }
        read(request.send().await.unwrap()).await
    }
}

/// What may not appear in an answer to this caller.
fn leaks(caller: &Caller, answer: &Answer) -> Vec<&'static str> {
    let text = answer.text.to_lowercase();
    let mut found: Vec<&'static str> = CLINICAL_MARKERS
        .iter()
        .chain(if caller.same_clinic {
            [].iter()
        } else {
            CONTACT_MARKERS.iter()
        })
        .filter(|m| text.contains(&m.to_lowercase()))
        .copied()
        .collect();
    if answer.png {
        found.push("a posture photo");
    }
    found
}

/// Every route: the API's from the served OpenAPI document (and the API
/// router's table, so an undocumented route is swept too), the pages' from
/// the page router's table. `true` marks an API route.
async fn every_route(server: &Server) -> Vec<(bool, Method, String)> {
    let doc: Value = http()
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut api = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                api.insert((method.to_string(), path.clone()));
            }
        }
    }
    for route in myomap_web::api_routes() {
        api.insert((route.method.to_string(), route.path.to_owned()));
    }
    let mut routes: Vec<(bool, Method, String)> = api.into_iter().map(|(m, p)| (true, m.parse().unwrap(), p)).collect();
    for route in myomap_web::page_routes() {
        routes.push((false, route.method, route.path.to_owned()));
    }
    routes.retain(|(_, method, path)| !NOT_SWEPT.iter().any(|(m, p, _)| *m == method.as_str() && p == path));
    let unmapped: Vec<String> = routes
        .iter()
        .filter(|(_, _, path)| parameters(path) > 0 && !PARAMETERS.iter().any(|(p, _)| p == path))
        .map(|(_, m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unmapped.is_empty(),
        "routes with path parameters that the isolation sweep does not know; add a line for each to \
         PARAMETERS in crates/myomap/tests/e2e/sweep.rs naming the kind of object each parameter is: {unmapped:#?}"
    );
    for (path, kinds) in PARAMETERS {
        assert_eq!(parameters(path), kinds.len(), "PARAMETERS line for {path}");
        assert!(
            routes.iter().any(|(_, _, p)| p == path),
            "PARAMETERS names {path}, which is no longer a route"
        );
    }
    routes
}

/// Sweeps every route as `caller`, counting into `tally`.
async fn sweep(server: &Server, a: &ClinicA, routes: &[(bool, Method, String)], caller: &Caller, tally: &mut Tally) {
    for (api, method, template) in routes {
        let kinds: &[Kind] = PARAMETERS
            .iter()
            .find(|(p, _)| p == template)
            .map_or(&[], |(_, kinds)| kinds);
        let theirs: Vec<String> = kinds.iter().map(|k| a.value(*k)).collect();
        let therapist = a.value(Therapist);
        let at = format!("{} {method} {template}", caller.name);
        let answer = call(server, caller, *api, method, template, &theirs, &therapist).await;
        tally.requests += 1;
        *tally.by_status.entry(answer.status.as_u16()).or_default() += 1;
        if answer.status.is_server_error() {
            tally.server_errors.push(format!("{at}: {}", answer.status));
        }
        if caller.same_clinic {
            let text = answer.text.to_lowercase();
            if CONTACT_MARKERS.iter().any(|m| text.contains(&m.to_lowercase())) {
                tally.contact_seen_by_own_desk += 1;
            }
        }
        let found = leaks(caller, &answer);
        if !found.is_empty() {
            tally.leaks.push(format!("{at} ({}) shows {found:?}", answer.status));
        }
        let compared = !caller.same_clinic && kinds.iter().any(|k| !matches!(k, Reference(_)));
        if compared {
            let nobodys: Vec<String> = kinds
                .iter()
                .zip(&theirs)
                .map(|(k, v)| {
                    if matches!(k, Reference(_)) {
                        v.clone()
                    } else {
                        missing(v)
                    }
                })
                .collect();
            let other = call(server, caller, *api, method, template, &nobodys, &missing(&therapist)).await;
            tally.requests += 1;
            *tally.by_status.entry(other.status.as_u16()).or_default() += 1;
            if other.status.is_server_error() {
                tally.server_errors.push(format!("{at} (missing id): {}", other.status));
            }
            let normalise = |text: &str, values: &[String], therapist: &str| {
                let mut text = text.replace(therapist, "{therapist}");
                for v in values {
                    text = text.replace(v.as_str(), "{id}");
                }
                text
            };
            let mine = normalise(&answer.text, &theirs, &therapist);
            let none = normalise(&other.text, &nobodys, &missing(&therapist));
            if answer.status != other.status || mine != none {
                tally.differences.push(format!(
                    "{at}: {} for clinic A's id, {} for a missing one{}",
                    answer.status,
                    other.status,
                    if answer.status == other.status {
                        format!(" (bodies differ: {:.200} / {:.200})", mine, none)
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
}

async fn signed_in(server: &Server, email: &str, name: &'static str, same_clinic: bool) -> Caller {
    let api = Api::login(server, email, PASSWORD).await;
    let browser = Browser::new(server);
    browser.sign_in(email, PASSWORD).await;
    let csrf = browser.csrf().await;
    Caller {
        name,
        bearer: Some(api.token),
        pages: browser.http,
        cookie: None,
        csrf,
        same_clinic,
    }
}

async fn no_route_shows_or_changes_another_clinics_records(db: &TestDb) {
    for (clinic, email, role) in [
        ("North Clinic", "owner@north.test", "owner"),
        ("North Clinic", "t@north.test", "therapist"),
        ("North Clinic", "desk@north.test", "front_desk"),
        ("South Clinic", "owner@south.test", "owner"),
        ("South Clinic", "t@south.test", "therapist"),
        ("South Clinic", "desk@south.test", "front_desk"),
    ] {
        add_user(db, clinic, email, role);
    }
    let server = Server::start(db);
    let a_owner = Api::login(&server, "owner@north.test", PASSWORD).await;
    let a_therapist = Api::login(&server, "t@north.test", PASSWORD).await;
    let a = fill_clinic_a(db, &server, &a_owner, &a_therapist).await;
    let routes = every_route(&server).await;

    let mut outsiders = vec![
        signed_in(&server, "owner@south.test", "B's owner", false).await,
        signed_in(&server, "t@south.test", "B's therapist", false).await,
        signed_in(&server, "desk@south.test", "B's front desk", false).await,
        Caller {
            name: "no credentials",
            bearer: None,
            pages: http(),
            cookie: None,
            csrf: String::new(),
            same_clinic: false,
        },
    ];
    // What a copy of the database holds about A's owner's live session: the
    // token's hash and the CSRF token in clear.
    let a_owner_session = db
        .raw_strings(
            "SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE u.email = 'owner@north.test'",
        )
        .await
        .remove(0);
    let a_owner_csrf = db
        .raw_strings(&format!(
            "SELECT csrf_token FROM sessions WHERE token_hash = '{a_owner_session}'"
        ))
        .await
        .remove(0);
    outsiders.push(Caller {
        name: "forged session",
        bearer: Some(a_owner_session.clone()),
        pages: http(),
        cookie: Some(format!("{}={a_owner_session}", "myomap_session")),
        csrf: a_owner_csrf,
        same_clinic: false,
    });

    let clinic = clinic_id(db, "North Clinic").await;
    let before = fingerprint(db, &clinic).await;
    assert!(
        before.values().any(|rows| rows.contains("Zqxgivenname")) && before.contains_key("audit_log"),
        "the fingerprint does not see clinic A's rows: {:?}",
        before.keys()
    );
    let mut tally = Tally::default();
    for caller in &outsiders {
        sweep(&server, &a, &routes, caller, &mut tally).await;
    }
    let after = fingerprint(db, &clinic).await;
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|table| before.get(*table) != after.get(*table))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let outsider_requests = tally.requests;

    let a_desk = signed_in(&server, "desk@north.test", "A's front desk", true).await;
    sweep(&server, &a, &routes, &a_desk, &mut tally).await;

    let mut report = String::new();
    writeln!(
        report,
        "isolation sweep ({:?}): {} routes ({} API, {} pages), {} requests ({} as outsiders, {} as A's front desk), \
         {} leaks, {} server errors, {} answers that differ from a missing id's, {} of A's tables changed",
        db.backend,
        routes.len(),
        routes.iter().filter(|r| r.0).count(),
        routes.iter().filter(|r| !r.0).count(),
        tally.requests,
        outsider_requests,
        tally.requests - outsider_requests,
        tally.leaks.len(),
        tally.server_errors.len(),
        tally.differences.len(),
        changed.len(),
    )
    .unwrap();
    writeln!(report, "answers by status: {:?}", tally.by_status).unwrap();
    print!("{report}");
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/security-figures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("isolation-sweep-{:?}.txt", db.backend).to_lowercase()),
        &report,
    )
    .unwrap();

    assert!(tally.leaks.is_empty(), "leaks: {:#?}", tally.leaks);
    assert!(
        tally.server_errors.is_empty(),
        "server errors: {:#?}",
        tally.server_errors
    );
    assert!(
        tally.differences.is_empty(),
        "another clinic's id answered unlike a missing one: {:#?}",
        tally.differences
    );
    assert!(
        changed.is_empty(),
        "clinic A's rows changed during the outsiders' sweep in {changed:?}"
    );
    assert!(tally.requests >= 1000, "only {} requests", tally.requests);
    assert!(
        tally.contact_seen_by_own_desk > 0,
        "A's front desk never saw A's client's name: the marker search finds nothing"
    );
}
