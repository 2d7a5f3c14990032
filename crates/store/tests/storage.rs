//! The storage suite: every scenario runs against SQLite and against a real
//! PostgreSQL server, each test on a database of its own (see myomap-testkit).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use myomap_domain::record::{
    AssessmentRecord, CheckinAnswer, CheckinFlag, DiscomfortCheck, IntakeForm, Pressure, SessionNote, TreatedPoint,
};
use myomap_domain::{ClientFields, Role, Side, ValidClient};
use myomap_store::{Actor, ClientQuery, LoginAttempt, SessionGrant, SignIn, Store, StoreError};
use myomap_store::{
    AppointmentStatus, Delivery, HoursRow, MAX_ATTEMPTS, NewAppointment, NewTime, OutboxDraft, OutboxStatus,
};
use myomap_store::{IntakeStatus, LinkPurpose, NoteStatus, PlanStatus, ScoredAnswers, ScreeningResult};

use myomap_testkit::{TestDb, on_both_backends};

on_both_backends!(
    migrations_apply_once,
    accounts_sessions_and_rate_limit,
    failing_multi_row_change_leaves_nothing,
    clinics_are_isolated,
    front_desk_never_sees_clinical_notes,
    concurrent_edits_do_not_overwrite,
    search_and_paging,
    audit_chain_detects_tampering,
    concurrent_writes_are_all_kept,
    intake_links_are_single_use_and_expire,
    session_notes_sign_amend_and_follow_up,
    the_clinical_record_is_isolated_and_clinical_only,
    questionnaires_are_stored_linked_and_isolated,
    treatment_plans_edit_close_and_isolate,
    home_care_links_stay_open_and_record_daily_ticks,
    double_bookings_are_refused_even_when_racing,
    the_outbox_keeps_every_message_until_it_is_sent,
    racing_changes_have_exactly_one_winner,
    abandoned_units_never_wedge_the_store,
    the_client_page_reads_in_one_audited_unit,
    signing_over_a_referral_needs_a_reason,
    only_an_empty_assessment_can_be_deleted,
    backups_record_their_outcome_and_snapshot_sqlite_only,
    erasure_removes_the_clinical_record_and_keeps_the_chain,
    open_links_are_listed_emailed_and_forgotten_once_used,
    invitations_are_single_use_and_expire,
    the_last_owner_stays_and_deactivation_ends_sessions,
    sessions_are_listed_and_revoked_within_the_clinic,
    clinic_settings_change_only_from_the_version_read,
    staff_mfa_enrols_verifies_refuses_replays_and_resets,
);

#[path = "storage/mfa.rs"]
mod mfa;
use mfa::staff_mfa_enrols_verifies_refuses_replays_and_resets;

#[path = "storage/concurrency.rs"]
mod concurrency;
use concurrency::{abandoned_units_never_wedge_the_store, racing_changes_have_exactly_one_winner};

#[path = "storage/backups.rs"]
mod backups;
use backups::backups_record_their_outcome_and_snapshot_sqlite_only;

#[path = "storage/staff.rs"]
mod staff;
use staff::{
    clinic_settings_change_only_from_the_version_read, invitations_are_single_use_and_expire,
    sessions_are_listed_and_revoked_within_the_clinic, the_last_owner_stays_and_deactivation_ends_sessions,
};

#[path = "storage/erasure.rs"]
mod erasure;
use erasure::erasure_removes_the_clinical_record_and_keeps_the_chain;

#[path = "storage/links.rs"]
mod links;
use links::open_links_are_listed_emailed_and_forgotten_once_used;

const PASSWORD: &str = "correct horse battery";

fn client(given: &str, family: &str) -> ValidClient {
    ClientFields {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: "1985-12-10".into(),
        notes: "Right-sided neck pain after desk work.".into(),
        ..Default::default()
    }
    .validate(jiff::civil::date(2026, 11, 26))
    .unwrap()
}

async fn account(store: &Store, clinic: &str, email: &str, role: Role) -> Actor {
    store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    store.actor_for_email(email).await.unwrap()
}

async fn migrations_apply_once(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    store.close().await;
    let store = Store::open(&db.target()).await.unwrap();
    store.ping().await.unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM schema_migrations").await,
        i64::try_from(files).unwrap()
    );
}

async fn accounts_sessions_and_rate_limit(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let first = store
        .add_account("North Clinic", "Owner@North.test", PASSWORD, Role::Owner, "test")
        .await
        .unwrap();
    assert!(first.clinic_created);
    let second = store
        .add_account("North Clinic", "desk@north.test", PASSWORD, Role::FrontDesk, "test")
        .await
        .unwrap();
    assert!(!second.clinic_created);
    assert_eq!(first.clinic_id, second.clinic_id);

    let duplicate = store
        .add_account("North Clinic", "owner@north.test", PASSWORD, Role::Therapist, "test")
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(m)) if m.contains("already exists")));
    let short = store
        .add_account("North Clinic", "new@north.test", "short", Role::Therapist, "test")
        .await;
    assert!(matches!(short, Err(StoreError::Invalid(e)) if e.for_field("password").is_some()));
    // The password policy is checked before anything is written: a refused
    // account for a new clinic leaves no clinic behind.
    for (password, reason) in [
        ("Unbelievable", "most common passwords"),
        ("new@south.test", "e-mail address"),
        ("south side", "must be 12"),
        ("South Side Clinic", "clinic's name"),
    ] {
        let refused = store
            .add_account("South Side Clinic", "new@south.test", password, Role::Owner, "test")
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(e)) if e.for_field("password").is_some_and(|m| m.contains(reason))),
            "{password}: {refused:?}"
        );
    }
    let south = store
        .add_account("South Side Clinic", "new@south.test", PASSWORD, Role::Owner, "test")
        .await
        .unwrap();
    assert!(south.clinic_created, "a refused password left a clinic behind");

    let attempt = |password: &'static str| LoginAttempt {
        user_agent: "",
        email: "owner@north.test",
        password,
        remote: "10.0.0.1",
        code: None,
    };
    let session = |signed: SignIn| -> SessionGrant {
        match signed {
            SignIn::Session(grant) => grant,
            SignIn::CodeNeeded { .. } => panic!("no second factor is set up"),
        }
    };
    let grant = session(store.login(attempt(PASSWORD), Duration::from_secs(3600)).await.unwrap());
    let actor = store.authenticate(&grant.token).await.unwrap();
    assert_eq!(actor.role, Role::Owner);
    assert_eq!(actor.email, "owner@north.test");
    assert_eq!(actor.csrf_token, grant.csrf_token);
    assert!(matches!(
        store.authenticate("not-a-token").await,
        Err(StoreError::Unauthenticated)
    ));

    store.logout(&grant.token).await.unwrap();
    assert!(matches!(
        store.authenticate(&grant.token).await,
        Err(StoreError::Unauthenticated)
    ));

    let short_lived = session(store.login(attempt(PASSWORD), Duration::from_millis(1)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(matches!(
        store.authenticate(&short_lived.token).await,
        Err(StoreError::SessionExpired)
    ));

    for _ in 0..5 {
        assert!(matches!(
            store.login(attempt("wrong password"), Duration::from_secs(60)).await,
            Err(StoreError::WrongCredentials)
        ));
    }
    // Locked out, even with the right password, until the window passes.
    assert!(matches!(
        store.login(attempt(PASSWORD), Duration::from_secs(60)).await,
        Err(StoreError::TooManyAttempts { retry_after_secs }) if retry_after_secs > 0 && retry_after_secs <= 900
    ));
    // Unknown accounts fail the same way as wrong passwords.
    let unknown = LoginAttempt {
        user_agent: "",
        email: "nobody@north.test",
        password: PASSWORD,
        remote: "10.0.0.2",
        code: None,
    };
    assert!(matches!(
        store.login(unknown, Duration::from_secs(60)).await,
        Err(StoreError::WrongCredentials)
    ));
}

async fn failing_multi_row_change_leaves_nothing(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    // A new clinic plus an account whose email is taken: the clinic must not remain.
    let taken = store
        .add_account("South Clinic", "owner@north.test", PASSWORD, Role::Owner, "test")
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))));
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM clinics WHERE name = 'South Clinic'")
            .await,
        0
    );

    // A batch whose third row breaks a database constraint stores none.
    let actor = store.actor_for_email("owner@north.test").await.unwrap();
    let mut broken = client("Ada", "Byron");
    broken.given_name = String::new();
    let batch = [client("Grace", "Hopper"), client("Alan", "Turing"), broken];
    assert!(store.clinic(&actor).create_clients(&batch).await.is_err());
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM clients").await, 0);
    let audit_before = db.raw_count("SELECT COUNT(*) FROM audit_log").await;
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
    assert_eq!(
        store.verify_audit().await.unwrap().entries,
        u64::try_from(audit_before).unwrap()
    );
}

async fn clinics_are_isolated(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let north = account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    let south = account(&store, "South Clinic", "owner@south.test", Role::Owner).await;
    let ada = store
        .clinic(&north)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();

    let south_scope = store.clinic(&south);
    assert!(matches!(
        south_scope.get_client(ada.id).await,
        Err(StoreError::NotFound("client"))
    ));
    assert!(matches!(
        south_scope.update_client(ada.id, 1, &client("Eve", "Spy")).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        south_scope.set_archived(ada.id, true).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        south_scope.list_clients(&ClientQuery::default()).await.unwrap().total,
        0
    );
    assert_eq!(
        south_scope
            .list_clients(&ClientQuery {
                search: "ada".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .total,
        0
    );

    let north_scope = store.clinic(&north);
    assert_eq!(north_scope.get_client(ada.id).await.unwrap().given_name, "Ada");
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM clients WHERE given_name = 'Eve'")
            .await,
        0
    );
}

async fn front_desk_never_sees_clinical_notes(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let ada = store
        .clinic(&therapist)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();
    assert!(ada.notes.is_some());

    let desk_scope = store.clinic(&desk);
    assert_eq!(desk_scope.get_client(ada.id).await.unwrap().notes, None);
    assert!(
        desk_scope
            .list_clients(&ClientQuery::default())
            .await
            .unwrap()
            .clients
            .iter()
            .all(|c| c.notes.is_none())
    );
    assert!(matches!(
        desk_scope.create_client(&client("Eve", "Spy")).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        desk_scope.client_history(ada.id, 10).await,
        Err(StoreError::Forbidden(_))
    ));

    // Front desk corrects the phone number; the notes they cannot see stay.
    let mut contact_only = client("Ada", "Byron");
    contact_only.notes = None;
    contact_only.phone = Some("+44 20 7946 0000".into());
    let updated = desk_scope
        .update_client(ada.id, ada.version, &contact_only)
        .await
        .unwrap();
    assert_eq!(updated.phone.as_deref(), Some("+44 20 7946 0000"));
    let seen_by_therapist = store.clinic(&therapist).get_client(ada.id).await.unwrap();
    assert_eq!(seen_by_therapist.notes, ada.notes);
}

async fn concurrent_edits_do_not_overwrite(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let owner = account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    let scope = store.clinic(&owner);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();
    let first = scope
        .update_client(ada.id, ada.version, &client("Ada", "Lovelace"))
        .await
        .unwrap();
    assert_eq!(first.version, ada.version + 1);
    let stale = scope.update_client(ada.id, ada.version, &client("Ada", "King")).await;
    assert!(matches!(stale, Err(StoreError::Conflict(m)) if m.contains("changed by someone else")));
    assert_eq!(scope.get_client(ada.id).await.unwrap().family_name, "Lovelace");

    let archived = scope.set_archived(ada.id, true).await.unwrap();
    assert!(archived.archived);
    // Archiving an archived client changes nothing, and counts it once.
    let again = scope.set_archived(ada.id, true).await.unwrap();
    assert_eq!(again.version, archived.version);
    assert_eq!(scope.list_clients(&ClientQuery::default()).await.unwrap().total, 0);
    assert_eq!(
        scope
            .list_clients(&ClientQuery {
                include_archived: true,
                ..Default::default()
            })
            .await
            .unwrap()
            .total,
        1
    );
    assert!(!scope.set_archived(ada.id, false).await.unwrap().archived);
}

async fn search_and_paging(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let owner = account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    let scope = store.clinic(&owner);
    let batch: Vec<_> = (0..120)
        .map(|i| client(&format!("Given{i:03}"), if i % 3 == 0 { "Byron" } else { "Hopper" }))
        .collect();
    scope.create_clients(&batch).await.unwrap();
    let mut odd = client("Percent_Under", "O'Brien");
    odd.email = Some("pob@example.org".into());
    scope.create_client(&odd).await.unwrap();

    let all = scope.list_clients(&ClientQuery::default()).await.unwrap();
    assert_eq!((all.total, all.pages, all.clients.len()), (121, 3, 50));
    assert_eq!(all.clients[0].family_name, "Byron");
    let last = scope
        .list_clients(&ClientQuery {
            page: 99,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((last.page, last.clients.len()), (3, 21));
    // The largest page number is the last page too (Schemathesis found it
    // overflowing the offset once).
    let farthest = scope
        .list_clients(&ClientQuery {
            page: i64::MAX,
            include_archived: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((farthest.page, farthest.clients.len()), (3, 21));

    let search = |s: &str| ClientQuery {
        search: s.into(),
        ..Default::default()
    };
    assert_eq!(scope.list_clients(&search("byron")).await.unwrap().total, 40);
    assert_eq!(scope.list_clients(&search("BYRON given003")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("given003 byron")).await.unwrap().total, 1);
    // LIKE wildcards in a search are plain characters.
    assert_eq!(scope.list_clients(&search("%")).await.unwrap().total, 0);
    assert_eq!(scope.list_clients(&search("percent_")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("o'brien")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("pob@example")).await.unwrap().total, 1);
    // Words match the start of a name's words, whatever the accents and
    // punctuation; inside a word they do not.
    scope.create_client(&client("Zoë", "Ødegaard-Smith")).await.unwrap();
    assert_eq!(scope.list_clients(&search("zoe smith")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("odegaard")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("brien")).await.unwrap().total, 1);
    assert_eq!(scope.list_clients(&search("yron")).await.unwrap().total, 0);

    // Keyset paging walks the whole list once, in the same order as pages.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = scope
            .list_clients(&ClientQuery {
                after: after.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        walked.extend(page.clients.iter().map(|c| c.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut paged = Vec::new();
    for n in 1..=3 {
        let page = scope
            .list_clients(&ClientQuery {
                page: n,
                ..Default::default()
            })
            .await
            .unwrap();
        paged.extend(page.clients.iter().map(|c| c.id));
    }
    assert_eq!((walked.len(), &walked), (122, &paged));
    let forged = scope
        .list_clients(&ClientQuery {
            after: Some("not a cursor".into()),
            ..Default::default()
        })
        .await;
    assert!(matches!(forged, Err(StoreError::Invalid(e)) if e.to_string().contains("after")));

    // A search leaves archived clients out unless asked, and pages by
    // cursor in the same order as by number.
    let byron = scope.list_clients(&search("byron")).await.unwrap().clients[0].id;
    scope.set_archived(byron, true).await.unwrap();
    assert_eq!(scope.list_clients(&search("byron")).await.unwrap().total, 39);
    let with_archived = ClientQuery {
        search: "byron".into(),
        include_archived: true,
        ..Default::default()
    };
    assert_eq!(scope.list_clients(&with_archived).await.unwrap().total, 40);
    scope.set_archived(byron, false).await.unwrap();
    let first = scope.list_clients(&search("hopper")).await.unwrap();
    assert_eq!((first.total, first.clients.len()), (80, 50));
    let second = scope
        .list_clients(&ClientQuery {
            search: "hopper".into(),
            after: first.next.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let numbered = scope
        .list_clients(&ClientQuery {
            search: "hopper".into(),
            page: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(second.clients, numbered.clients);
    assert_eq!((second.clients.len(), second.next), (30, None));

    // Clients stored before search terms existed get them when the store opens.
    db.raw_execute("DELETE FROM client_terms").await;
    drop(store);
    let store = Store::open(&db.target()).await.unwrap();
    assert_eq!(
        store.clinic(&owner).list_clients(&search("byron")).await.unwrap().total,
        40
    );
}

async fn audit_chain_detects_tampering(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let owner = account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    let scope = store.clinic(&owner);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();
    scope.get_client(ada.id).await.unwrap();
    scope
        .update_client(ada.id, ada.version, &client("Ada", "Lovelace"))
        .await
        .unwrap();
    let history = scope.client_history(ada.id, 10).await.unwrap();
    let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["client.update", "client.read", "client.create"]);
    assert_eq!(history[0].actor, "owner@north.test");

    let clean = store.verify_audit().await.unwrap();
    assert_eq!((clean.clinics, clean.entries, clean.first_problem), (1, 5, None));

    // Someone hides the read of the record.
    assert_eq!(
        db.raw_execute("UPDATE audit_log SET action = 'client.list' WHERE seq = 4")
            .await,
        1
    );
    let problem = store.verify_audit().await.unwrap().first_problem.unwrap();
    assert_eq!((problem.seq, problem.clinic_name.as_str()), (4, "North Clinic"));
    assert!(problem.reason.contains("edited"), "{}", problem.reason);
    db.raw_execute("UPDATE audit_log SET action = 'client.read' WHERE seq = 4")
        .await;
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());

    // Someone removes the last entry.
    db.raw_execute("DELETE FROM audit_log WHERE seq = 5").await;
    let problem = store.verify_audit().await.unwrap().first_problem.unwrap();
    assert_eq!(problem.seq, 5);
}

async fn concurrent_writes_are_all_kept(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let owner = account(&store, "North Clinic", "owner@north.test", Role::Owner).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        let owner = owner.clone();
        tasks.push(tokio::spawn(async move {
            store
                .clinic(&owner)
                .create_client(&client(&format!("C{i}"), "Parallel"))
                .await
                .map(|c| c.id)
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM clients").await, 40);
    let report = store.verify_audit().await.unwrap();
    assert_eq!(report.first_problem, None);
    assert_eq!(report.entries, 42);
}

fn screening() -> ScreeningResult {
    ScreeningResult {
        answers: serde_json::json!({"answers": [{"question": "anticoagulants"}]}),
        outcome: "suitable_with_precautions".into(),
        verdict: serde_json::json!({"outcome": "suitable_with_precautions", "precautions": ["Gentle pressure only."]}),
    }
}

fn intake_form() -> IntakeForm {
    IntakeForm {
        reason_for_visit: "Neck pain after desk work".into(),
        long_sitting: true,
        ..Default::default()
    }
}

async fn intake_links_are_single_use_and_expire(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let ada = store
        .clinic(&therapist)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();

    // Front desk sends the link; the client answers once.
    let link = store
        .clinic(&desk)
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let grant = store.open_link(&link.token).await.unwrap();
    assert_eq!(
        (grant.purpose, grant.client_given_name.as_str()),
        (LinkPurpose::Intake, "Ada")
    );
    store
        .submit_intake_via_link(&link.token, &intake_form(), &screening())
        .await
        .unwrap();
    assert!(matches!(store.open_link(&link.token).await, Err(StoreError::Gone(m)) if m.contains("already been used")));
    assert!(matches!(
        store
            .submit_intake_via_link(&link.token, &intake_form(), &screening())
            .await,
        Err(StoreError::Gone(_))
    ));
    assert!(matches!(
        store.open_link("forged").await,
        Err(StoreError::NotFound("link"))
    ));
    // A check-in submission cannot use an intake link.
    let second = store
        .clinic(&desk)
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let answer = CheckinAnswer {
        soreness: 2,
        ..Default::default()
    };
    assert!(matches!(
        store.submit_checkin_via_link(&second.token, &answer).await,
        Err(StoreError::NotFound("link"))
    ));

    // Front desk cannot read the answers; the therapist reviews and signs.
    assert!(matches!(
        store.clinic(&desk).latest_intake(ada.id).await,
        Err(StoreError::Forbidden(_))
    ));
    let intake = store.clinic(&therapist).latest_intake(ada.id).await.unwrap().unwrap();
    assert_eq!(intake.status, IntakeStatus::Submitted);
    assert_eq!(intake.submitted_via.as_deref(), Some("client_link"));
    assert_eq!(intake.screening.as_ref().unwrap().outcome, "suitable_with_precautions");
    assert!(matches!(
        store
            .clinic(&therapist)
            .sign_intake(&intake.id, intake.version - 1)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let signed = store
        .clinic(&therapist)
        .sign_intake(&intake.id, intake.version)
        .await
        .unwrap();
    assert_eq!(
        (signed.status, signed.signed_by.as_deref()),
        (IntakeStatus::Signed, Some("t@north.test"))
    );

    // An expired link answers "expired" and stores nothing.
    let expired = store
        .clinic(&desk)
        .request_intake_link(ada.id, Duration::from_millis(1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(matches!(store.open_link(&expired.token).await, Err(StoreError::Gone(m)) if m.contains("expired")));
    assert!(matches!(
        store
            .submit_intake_via_link(&expired.token, &intake_form(), &screening())
            .await,
        Err(StoreError::Gone(_))
    ));
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}

fn session_note(discomfort: u8, sharp: bool) -> SessionNote {
    SessionNote {
        date: "2026-11-26".into(),
        duration_minutes: 60,
        confirm_duration: false,
        techniques: vec!["ischemic compression".into()],
        subjective: "Neck pain 6/10".into(),
        objective: String::new(),
        assessment: String::new(),
        plan: String::new(),
        pain_before: Some(6),
        pain_after: Some(3),
        treated: vec![TreatedPoint {
            muscle: "upper_trapezius".into(),
            side: Some(Side::Right),
            trigger_point: Some("tp1".into()),
            pressure: Pressure::Firm,
            checks: vec![DiscomfortCheck { discomfort, sharp }],
        }],
    }
}

async fn session_notes_sign_amend_and_follow_up(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();
    let assessment = scope
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();

    let draft = scope
        .create_note(ada.id, Some(&assessment.id), &session_note(8, false))
        .await
        .unwrap();
    assert_eq!(draft.status, NoteStatus::Draft);
    let draft = scope
        .update_note(&draft.id, draft.version, &session_note(9, true))
        .await
        .unwrap();
    let (signed, links) = scope.sign_note(&draft.id, draft.version, None).await.unwrap();
    assert_eq!(signed.status, NoteStatus::Signed);
    assert_eq!(
        signed.checkins.iter().map(|c| c.due_hours).collect::<Vec<_>>(),
        [24, 48]
    );
    assert_eq!(links.len(), 2);
    assert!(
        matches!(scope.update_note(&signed.id, signed.version, &session_note(1, false)).await, Err(StoreError::Conflict(m)) if m.contains("amend"))
    );

    // Amending keeps both versions.
    assert!(matches!(
        scope.amend_note(&signed.id, &session_note(2, false), " ").await,
        Err(StoreError::Invalid(_))
    ));
    let amendment = scope
        .amend_note(&signed.id, &session_note(7, false), "Wrong pressure recorded")
        .await
        .unwrap();
    assert_eq!(
        (amendment.status, amendment.amends.as_deref()),
        (NoteStatus::Signed, Some(signed.id.as_str()))
    );
    assert_eq!(
        scope.get_note(&signed.id).await.unwrap().amended_by.as_deref(),
        Some(amendment.id.as_str())
    );
    assert!(matches!(
        scope.amend_note(&signed.id, &session_note(1, false), "again").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(scope.notes_for(ada.id).await.unwrap().len(), 2);

    // The client answers the 48-hour check-in: still sore, and bruised.
    let (checkin48, link48) = links.iter().find(|(c, _)| c.due_hours == 48).unwrap();
    assert_eq!(
        store.open_link(&link48.token).await.unwrap().purpose,
        LinkPurpose::Checkin
    );
    let answer = CheckinAnswer {
        soreness: 5,
        bruising: true,
        ..Default::default()
    };
    store.submit_checkin_via_link(&link48.token, &answer).await.unwrap();
    assert!(matches!(
        store.submit_checkin_via_link(&link48.token, &answer).await,
        Err(StoreError::Gone(_))
    ));
    let flagged = scope.flagged_checkins(14).await.unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].checkin.id, checkin48.id);
    assert_eq!(
        flagged[0].flags,
        [CheckinFlag::PersistentSoreness, CheckinFlag::NewSymptom]
    );
    assert_eq!(flagged[0].client_name, "Ada Byron");
    scope.review_checkin(&checkin48.id).await.unwrap();
    assert!(scope.flagged_checkins(14).await.unwrap().is_empty());
    let report = store.verify_audit().await.unwrap();
    assert!(report.first_problem.is_none());
}

async fn the_clinical_record_is_isolated_and_clinical_only(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let north = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let south = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let ada = store
        .clinic(&north)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();
    let assessment = store
        .clinic(&north)
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();
    let note = store
        .clinic(&north)
        .create_note(ada.id, None, &session_note(3, false))
        .await
        .unwrap();

    let other = store.clinic(&south);
    assert!(matches!(
        other.get_assessment(&assessment.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(other.get_note(&note.id).await, Err(StoreError::NotFound(_))));
    assert!(matches!(
        other.create_note(ada.id, None, &session_note(3, false)).await,
        Err(StoreError::NotFound("client"))
    ));
    assert!(matches!(
        other.latest_intake(ada.id).await,
        Err(StoreError::NotFound("client"))
    ));
    assert!(matches!(
        other.request_intake_link(ada.id, Duration::from_secs(60)).await,
        Err(StoreError::NotFound("client"))
    ));
    let south_client = other.create_client(&client("Eve", "Spy")).await.unwrap();
    assert!(matches!(
        store
            .clinic(&north)
            .create_note(south_client.id, None, &session_note(3, false))
            .await,
        Err(StoreError::NotFound("client"))
    ));
    // An assessment of one client cannot be attached to another's note.
    let grace = store
        .clinic(&north)
        .create_client(&client("Grace", "Hopper"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .clinic(&north)
            .create_note(grace.id, Some(&assessment.id), &session_note(3, false))
            .await,
        Err(StoreError::NotFound("assessment"))
    ));

    let front = store.clinic(&desk);
    assert!(matches!(
        front.get_assessment(&assessment.id).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(front.notes_for(ada.id).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(
        front.flagged_checkins(14).await,
        Err(StoreError::Forbidden(_))
    ));
}

fn ndi(taken_on: &str, score: &str) -> ScoredAnswers {
    ScoredAnswers {
        instrument: "ndi".into(),
        taken_on: taken_on.into(),
        input: serde_json::json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]}),
        result: serde_json::json!({"valid": true, "score": 40.0, "raw": 20.0, "band": "moderate"}),
        score: Some(score.into()),
    }
}

async fn questionnaires_are_stored_linked_and_isolated(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let north = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let south = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let ada = store
        .clinic(&north)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();
    let scope = store.clinic(&north);
    scope
        .record_questionnaire(ada.id, &ndi("2026-10-01", "40"), "clinic")
        .await
        .unwrap();
    assert!(matches!(
        scope
            .record_questionnaire(ada.id, &ndi("2026-10-01", "40"), "fax")
            .await,
        Err(StoreError::Invalid(_))
    ));

    let link = scope
        .request_questionnaire_link(ada.id, "ndi", Duration::from_secs(3600))
        .await
        .unwrap();
    let grant = store.open_link(&link.token).await.unwrap();
    assert_eq!(grant.purpose, LinkPurpose::Questionnaire);
    assert_eq!(store.link_questionnaire(&grant).await.unwrap().0, "ndi");
    // A link for one instrument cannot carry another's answers.
    let mut odi = ndi("2026-11-01", "20");
    odi.instrument = "odi".into();
    assert!(matches!(
        store.submit_questionnaire_via_link(&link.token, &odi).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .submit_questionnaire_via_link(&link.token, &ndi("2026-11-01", "20"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .submit_questionnaire_via_link(&link.token, &ndi("2026-11-02", "10"))
            .await,
        Err(StoreError::Gone(_))
    ));

    let list = scope.questionnaires_for(ada.id).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|q| (q.taken_on.as_str(), q.source.as_str()))
            .collect::<Vec<_>>(),
        [("2026-10-01", "clinic"), ("2026-11-01", "client_link")]
    );
    assert_eq!(scope.clinic_questionnaires().await.unwrap().len(), 2);
    assert!(matches!(
        store.clinic(&south).questionnaires_for(ada.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.clinic(&south).clinic_questionnaires().await.unwrap().is_empty());
    assert!(matches!(
        store.clinic(&desk).questionnaires_for(ada.id).await,
        Err(StoreError::Forbidden(_))
    ));

    // Licensed wording belongs to the clinic that loaded it.
    let wording = serde_json::json!({"instrument": "ndi", "title": "Official NDI"});
    store
        .load_wording(Some("North Clinic"), "ndi", &wording, "test")
        .await
        .unwrap();
    assert_eq!(scope.wording("ndi").await.unwrap(), Some(wording));
    assert_eq!(store.clinic(&south).wording("ndi").await.unwrap(), None);
    assert!(matches!(
        store
            .load_wording(Some("Nowhere"), "ndi", &serde_json::json!({}), "test")
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Without a name, only an installation with one clinic knows which.
    assert!(matches!(
        store.load_wording(None, "ndi", &serde_json::json!({}), "test").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}

async fn treatment_plans_edit_close_and_isolate(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let north = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let south = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let ada = store
        .clinic(&north)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();
    let scope = store.clinic(&north);
    let plan = serde_json::json!({"condition": "neck_pain", "sessions_planned": 6});
    let created = scope.create_plan(ada.id, &plan, "2026-11-01").await.unwrap();
    assert_eq!(
        (created.status, created.starts_on.as_str(), created.version),
        (PlanStatus::Active, "2026-11-01", 1)
    );
    let edited = scope
        .update_plan(
            &created.id,
            1,
            &serde_json::json!({"condition": "neck_pain", "sessions_planned": 8}),
        )
        .await
        .unwrap();
    assert_eq!(edited.plan["sessions_planned"], 8);
    assert!(matches!(
        scope.update_plan(&created.id, 1, &plan).await,
        Err(StoreError::Conflict(_))
    ));
    let closed = scope.close_plan(&created.id).await.unwrap();
    assert_eq!(closed.status, PlanStatus::Closed);
    assert!(
        matches!(scope.update_plan(&created.id, closed.version, &plan).await, Err(StoreError::Conflict(m)) if m.contains("closed"))
    );
    assert_eq!(scope.plans_for(ada.id).await.unwrap().len(), 1);
    assert!(matches!(
        store.clinic(&south).get_plan(&created.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.clinic(&south).create_plan(ada.id, &plan, "2026-11-01").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.clinic(&desk).plans_for(ada.id).await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn home_care_links_stay_open_and_record_daily_ticks(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let north = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let south = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let ada = store
        .clinic(&north)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap();
    let scope = store.clinic(&north);
    let handout = scope
        .create_home_care(ada.id, &serde_json::json!({"stretches": [], "advice": []}))
        .await
        .unwrap();
    let link = scope
        .home_care_link(&handout.id, Duration::from_secs(3600))
        .await
        .unwrap();
    store
        .tick_home_care_via_link(
            &link.token,
            "2026-11-20",
            &["hydration".to_owned(), "movement".to_owned()],
        )
        .await
        .unwrap();
    // The same link again, the same day: the day's ticks are replaced, not added.
    store
        .tick_home_care_via_link(&link.token, "2026-11-20", &["hydration".to_owned()])
        .await
        .unwrap();
    store
        .tick_home_care_via_link(&link.token, "2026-11-21", &["movement".to_owned()])
        .await
        .unwrap();
    let (grant, seen) = store.home_care_by_link(&link.token).await.unwrap();
    assert_eq!(grant.purpose, LinkPurpose::HomeCare);
    assert_eq!(
        seen.ticks,
        [
            ("2026-11-20".to_owned(), "hydration".to_owned()),
            ("2026-11-21".to_owned(), "movement".to_owned())
        ]
    );
    assert_eq!(scope.home_care_for(ada.id).await.unwrap()[0].ticks.len(), 2);
    assert!(matches!(
        store.clinic(&south).get_home_care(&handout.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .clinic(&south)
            .home_care_link(&handout.id, Duration::from_secs(60))
            .await,
        Err(StoreError::NotFound(_))
    ));
    // An intake link does not open a handout.
    let intake = scope
        .request_intake_link(ada.id, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(matches!(
        store.home_care_by_link(&intake.token).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}

fn at(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

fn slot(therapist: &str, room: Option<&str>, start: &str, end: &str) -> NewTime {
    NewTime {
        therapist_id: therapist.to_owned(),
        room_id: room.map(str::to_owned),
        starts_at: at(start),
        ends_at: at(end),
        minutes: 60,
    }
}

fn booking(client: myomap_domain::ClientId, time: &NewTime) -> NewAppointment {
    NewAppointment {
        client,
        therapist_id: time.therapist_id.clone(),
        room_id: time.room_id.clone(),
        starts_at: time.starts_at,
        ends_at: time.ends_at,
        minutes: time.minutes,
        note: String::new(),
    }
}

async fn double_bookings_are_refused_even_when_racing(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let owner = account(&store, "North", "o@north.test", Role::Owner).await;
    let therapist = account(&store, "North", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North", "d@north.test", Role::FrontDesk).await;
    let scope = store.clinic(&desk);
    let room = scope.add_room("Room 1").await.unwrap();
    assert!(matches!(scope.add_room("Room 1").await, Err(StoreError::Conflict(_))));
    let ada = store
        .clinic(&owner)
        .create_client(&client("Ada", "Byron"))
        .await
        .unwrap()
        .id;
    let grace = store
        .clinic(&owner)
        .create_client(&client("Grace", "Hopper"))
        .await
        .unwrap()
        .id;
    let alan = store
        .clinic(&owner)
        .create_client(&client("Alan", "Turing"))
        .await
        .unwrap()
        .id;
    let t = therapist.user_id.to_string();
    let o = owner.user_id.to_string();

    let ten = slot(&t, Some(&room.id), "2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z");
    let first = scope.book(&booking(ada, &ten), None).await.unwrap();
    // The therapist, the room and the client are each taken at 09:30.
    let overlapping = [
        (
            grace,
            slot(&t, None, "2026-03-30T09:30:00Z", "2026-03-30T10:30:00Z"),
            "already booked",
        ),
        (
            grace,
            slot(&o, Some(&room.id), "2026-03-30T09:30:00Z", "2026-03-30T10:30:00Z"),
            "Room \"Room 1\"",
        ),
        (
            ada,
            slot(&o, None, "2026-03-30T09:30:00Z", "2026-03-30T10:30:00Z"),
            "the client already has",
        ),
    ];
    for (who, time, expected) in overlapping {
        match scope.book(&booking(who, &time), None).await {
            Err(StoreError::Conflict(message)) => assert!(message.contains(expected), "{message}"),
            other => panic!("expected a refusal naming {expected}, got {other:?}"),
        }
    }
    // Touching ends do not clash; a cancellation frees the time.
    let next = slot(&t, Some(&room.id), "2026-03-30T10:00:00Z", "2026-03-30T11:00:00Z");
    scope.book(&booking(grace, &next), None).await.unwrap();
    let cancelled = scope
        .set_appointment_status(&first.id, first.version, AppointmentStatus::Cancelled)
        .await
        .unwrap();
    assert!(matches!(
        scope
            .set_appointment_status(&first.id, first.version, AppointmentStatus::NoShow)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let retaken = scope.book(&booking(alan, &ten), None).await.unwrap();
    // Moving onto another appointment is refused; moving within its own time is not.
    let onto_next = slot(&t, None, "2026-03-30T10:30:00Z", "2026-03-30T11:30:00Z");
    assert!(matches!(
        scope.reschedule(&retaken.id, retaken.version, &onto_next, None).await,
        Err(StoreError::Conflict(_))
    ));
    let shorter = slot(&t, Some(&room.id), "2026-03-30T09:15:00Z", "2026-03-30T10:00:00Z");
    let moved = scope
        .reschedule(&retaken.id, retaken.version, &shorter, None)
        .await
        .unwrap();
    assert_eq!(moved.starts_at, at("2026-03-30T09:15:00Z"));

    // Eight bookings race for one free hour: exactly one wins.
    let contested = slot(&t, None, "2026-03-30T14:00:00Z", "2026-03-30T15:00:00Z");
    let mut racers = Vec::new();
    for n in 0..8 {
        let store = store.clone();
        let desk = desk.clone();
        let contested = contested.clone();
        let who = store
            .clinic(&owner)
            .create_client(&client("Racer", &format!("Number{n}")))
            .await
            .unwrap()
            .id;
        racers.push(tokio::spawn(async move {
            store.clinic(&desk).book(&booking(who, &contested), None).await
        }));
    }
    let mut won = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
    let day = scope
        .appointments_between(Some(&t), at("2026-03-30T00:00:00Z"), at("2026-03-31T00:00:00Z"))
        .await
        .unwrap();
    let held: Vec<_> = day.iter().filter(|a| a.status.occupies_time()).collect();
    for (i, a) in held.iter().enumerate() {
        for b in &held[i + 1..] {
            assert!(
                a.ends_at <= b.starts_at || b.ends_at <= a.starts_at,
                "{a:?} overlaps {b:?}"
            );
        }
    }

    // Another clinic sees none of it and cannot book this therapist.
    let other = account(&store, "South", "o@south.test", Role::Owner).await;
    let theirs = store
        .clinic(&other)
        .create_client(&client("Eve", "Other"))
        .await
        .unwrap()
        .id;
    assert!(matches!(
        store.clinic(&other).appointment(&first.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.clinic(&other).book(&booking(theirs, &contested), None).await,
        Err(StoreError::NotFound(_))
    ));
    // Time off: refused over a booked appointment, then blocks bookings.
    match scope
        .add_time_off(&t, at("2026-03-30T08:00:00Z"), at("2026-03-30T18:00:00Z"), "training")
        .await
    {
        Err(StoreError::Conflict(message)) => assert!(message.contains("booked appointments fall"), "{message}"),
        other => panic!("time off over bookings must be refused: {other:?}"),
    }
    let off = scope
        .add_time_off(&t, at("2026-04-06T00:00:00Z"), at("2026-04-11T00:00:00Z"), "holiday")
        .await
        .unwrap();
    let during = slot(&t, None, "2026-04-07T09:00:00Z", "2026-04-07T10:00:00Z");
    match scope.book(&booking(grace, &during), None).await {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains("is away") && message.contains("holiday"), "{message}")
        }
        other => panic!("booking in time off must be refused: {other:?}"),
    }
    assert!(matches!(
        store
            .clinic(&therapist)
            .add_time_off(&o, at("2026-05-01T00:00:00Z"), at("2026-05-02T00:00:00Z"), "")
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        scope
            .time_off_between(Some(&t), at("2026-04-01T00:00:00Z"), at("2026-05-01T00:00:00Z"))
            .await
            .unwrap(),
        vec![off.clone()]
    );
    assert!(matches!(
        store.clinic(&other).remove_time_off(&off.id).await,
        Err(StoreError::NotFound(_))
    ));
    scope.remove_time_off(&off.id).await.unwrap();
    scope.book(&booking(grace, &during), None).await.unwrap();

    // Hours: only the owner or the therapist themselves.
    let rows = vec![HoursRow {
        weekday: "monday".into(),
        starts: "09:00".into(),
        ends: "17:00".into(),
        kind: "work".into(),
    }];
    assert!(matches!(
        scope.set_working_hours(&t, &rows).await,
        Err(StoreError::Forbidden(_))
    ));
    store.clinic(&therapist).set_working_hours(&t, &rows).await.unwrap();
    assert_eq!(scope.working_hours(&t).await.unwrap(), rows);
}

async fn the_outbox_keeps_every_message_until_it_is_sent(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North", "t@north.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap().id;
    let t = therapist.user_id.to_string();
    let draft = |delivery, to: Option<&str>| OutboxDraft {
        kind: "reminder".into(),
        recipient: to.map(str::to_owned),
        title: "Your appointment".into(),
        body: "See you soon.\nhttps://clinic.test/c/secret-token\n".into(),
        send_after: jiff::Timestamp::now(),
        delivery,
    };
    let time = slot(&t, None, "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z");
    let booked = scope
        .book(
            &booking(ada, &time),
            Some(draft(Delivery::Relay, Some("ada@example.org"))),
        )
        .await
        .unwrap();
    scope
        .enqueue_message(ada, "note-1", &draft(Delivery::ByHand, Some("ada@example.org")))
        .await
        .unwrap();
    scope
        .enqueue_message(ada, "note-2", &draft(Delivery::Relay, None))
        .await
        .unwrap();
    let waiting = scope.outbox(true, 50).await.unwrap();
    assert_eq!(waiting.len(), 2, "by hand, and relay without an address");
    assert!(waiting.iter().all(|m| m.status == OutboxStatus::ByHand));

    // Two senders: each message is claimed once.
    let first = store.claim_due_messages(10, 60_000).await.unwrap();
    let second = store.claim_due_messages(10, 60_000).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(second.is_empty());
    // A failure is kept with its error and retried later, up to the limit.
    let mut message = first[0].clone();
    for attempt in 1..=MAX_ATTEMPTS {
        store.message_failed(&message, "relay refused: 451").await.unwrap();
        message.attempts = attempt;
    }
    let failed = scope.outbox(true, 50).await.unwrap();
    let failed = failed.iter().find(|m| m.id == message.id).unwrap();
    assert_eq!(failed.status, OutboxStatus::Failed);
    assert_eq!(failed.attempts, MAX_ATTEMPTS);
    assert_eq!(failed.last_error.as_deref(), Some("relay refused: 451"));
    // Retried by a person, sent, and the kept copy loses the link.
    scope.retry_message(&message.id).await.unwrap();
    let again = store.claim_due_messages(10, 60_000).await.unwrap();
    assert_eq!(again.len(), 1);
    store.message_sent(&again[0]).await.unwrap();
    let all = scope.outbox(false, 50).await.unwrap();
    let sent = all.iter().find(|m| m.id == message.id).unwrap();
    assert_eq!(sent.status, OutboxStatus::Sent);
    assert!(!sent.body.contains("secret-token"), "{}", sent.body);
    // By hand: marked sent by the front desk.
    let by_hand = all.iter().find(|m| m.status == OutboxStatus::ByHand).unwrap();
    scope.mark_sent_by_hand(&by_hand.id).await.unwrap();
    assert_eq!(scope.outbox(true, 50).await.unwrap().len(), 1);
    // Cancelling an appointment withdraws its unsent reminder.
    let reminder = scope
        .book(
            &booking(ada, &slot(&t, None, "2030-01-08T09:00:00Z", "2030-01-08T10:00:00Z")),
            Some(OutboxDraft {
                send_after: at("2029-12-31T00:00:00Z"),
                ..draft(Delivery::Relay, Some("ada@example.org"))
            }),
        )
        .await
        .unwrap();
    scope
        .set_appointment_status(&reminder.id, reminder.version, AppointmentStatus::Cancelled)
        .await
        .unwrap();
    let all = scope.outbox(false, 50).await.unwrap();
    assert!(all.iter().any(|m| m.status == OutboxStatus::Cancelled));
    assert!(store.claim_due_messages(10, 60_000).await.unwrap().is_empty());
    let _ = booked;
}

async fn the_client_page_reads_in_one_audited_unit(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let stranger = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();

    let first = scope.client_overview(ada.id).await.unwrap();
    assert_eq!(first.client.id, ada.id);
    assert!(first.record.is_some());
    let therapists = first.staff.iter().filter(|s| s.treats_clients()).count();
    assert_eq!(
        (first.staff.len(), therapists),
        (2, 1),
        "the therapist treats, the front desk does not"
    );

    // The whole record read is one access event, not one per part.
    scope.client_overview(ada.id).await.unwrap();
    let actions =
        |history: Vec<myomap_store::AuditEntry>| -> Vec<String> { history.into_iter().map(|e| e.action).collect() };
    assert_eq!(
        actions(scope.client_history(ada.id, 20).await.unwrap()),
        ["record.read", "record.read", "client.create"]
    );

    // The front desk sees the client and the calendar, not the record.
    let at_desk = store.clinic(&desk).client_overview(ada.id).await.unwrap();
    assert!(at_desk.record.is_none());
    assert_eq!(at_desk.client.notes, None);
    assert_eq!(
        actions(scope.client_history(ada.id, 20).await.unwrap()),
        ["client.read", "record.read", "record.read", "client.create"]
    );

    // Another clinic's client is missing, and reading it leaves no entry.
    assert!(matches!(
        store.clinic(&stranger).client_overview(ada.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(scope.client_history(ada.id, 20).await.unwrap().len(), 4);
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}

async fn signing_over_a_referral_needs_a_reason(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();
    assert_eq!(scope.safety_screening(ada.id).await.unwrap(), None);
    let referral = ScreeningResult {
        answers: serde_json::json!([{"question": "saddle_numbness"}]),
        outcome: "refer_first".into(),
        verdict: serde_json::json!({"outcome": "refer_first", "urgency": "emergency",
                                     "reasons": [{"text": "Numbness in the saddle area."}]}),
    };
    scope.submit_intake(ada.id, &intake_form(), &referral).await.unwrap();
    // A new intake being filled in does not lift the referral.
    scope
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(
        scope.safety_screening(ada.id).await.unwrap().map(|s| s.outcome),
        Some("refer_first".to_owned())
    );
    // The front desk, who book, learn the outcome and urgency, not the reasons.
    let at_desk = store.clinic(&desk).safety_screening(ada.id).await.unwrap().unwrap();
    assert_eq!(at_desk.outcome, "refer_first");
    assert_eq!(at_desk.verdict, serde_json::json!({"urgency": "emergency"}));

    let draft = scope.create_note(ada.id, None, &session_note(3, false)).await.unwrap();
    for missing in [None, Some(""), Some("   ")] {
        match scope.sign_note(&draft.id, draft.version, missing).await {
            Err(StoreError::Invalid(errors)) => assert_eq!(errors.0[0].field, "referral_reason"),
            other => panic!("signed without a reason: {other:?}"),
        }
    }
    let too_long = "x".repeat(myomap_store::MAX_REFERRAL_REASON + 1);
    assert!(matches!(
        scope.sign_note(&draft.id, draft.version, Some(&too_long)).await,
        Err(StoreError::Invalid(_))
    ));
    // Nothing was written by the refusals: the draft signs at its version.
    let (signed, links) = scope
        .sign_note(&draft.id, draft.version, Some(" Cleared by her GP today. "))
        .await
        .unwrap();
    assert_eq!(signed.referral_reason.as_deref(), Some("Cleared by her GP today."));
    assert_eq!(links.len(), 2);
    let history = store.verify_audit().await.unwrap();
    assert!(history.first_problem.is_none());

    // A suitable client's note keeps no reason, even when one is given.
    let eve = scope.create_client(&client("Eve", "Moss")).await.unwrap();
    let suitable = ScreeningResult {
        answers: serde_json::json!([]),
        outcome: "suitable".into(),
        verdict: serde_json::json!({"outcome": "suitable"}),
    };
    scope.submit_intake(eve.id, &intake_form(), &suitable).await.unwrap();
    let draft = scope.create_note(eve.id, None, &session_note(3, false)).await.unwrap();
    let (signed, _) = scope
        .sign_note(&draft.id, draft.version, Some("not needed"))
        .await
        .unwrap();
    assert_eq!(signed.referral_reason, None);
}

async fn only_an_empty_assessment_can_be_deleted(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let stranger = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();

    let mistake = scope
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();
    assert!(matches!(
        store
            .clinic(&stranger)
            .delete_empty_assessment(&mistake.id, mistake.version)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        scope.delete_empty_assessment(&mistake.id, mistake.version + 1).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        scope
            .delete_empty_assessment(&mistake.id, mistake.version)
            .await
            .unwrap(),
        ada.id
    );
    assert!(matches!(
        scope.get_assessment(&mistake.id).await,
        Err(StoreError::NotFound(_))
    ));

    // With something recorded, or a note linked to it, it stays.
    let filled = scope
        .create_assessment(
            ada.id,
            &AssessmentRecord {
                notes: "Guarded neck rotation.".into(),
                ..AssessmentRecord::default()
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        scope.delete_empty_assessment(&filled.id, filled.version).await,
        Err(StoreError::Conflict(_))
    ));
    let linked = scope
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();
    scope
        .create_note(ada.id, Some(&linked.id), &session_note(3, false))
        .await
        .unwrap();
    assert!(matches!(
        scope.delete_empty_assessment(&linked.id, linked.version).await,
        Err(StoreError::Conflict(_))
    ));
    // The refusals changed nothing: the versions are as they were.
    assert_eq!(scope.get_assessment(&linked.id).await.unwrap().version, linked.version);
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}
