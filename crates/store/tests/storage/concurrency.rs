//! Racing changes and abandoned units of work: what two instances (two
//! store handles on one database) or a client hanging up can do to a row.

use std::future::Future;
use std::time::Duration;

use myomap_domain::record::{AssessmentRecord, SessionNote};
use myomap_domain::{ClientId, Role};
use myomap_store::{Actor, AppointmentStatus, Delivery, OutboxDraft, Store, StoreError};
use myomap_testkit::TestDb;

use super::{account, booking, client, intake_form, screening, session_note, slot};

/// Runs both changes at once, on their own tasks.
async fn race<T: Send + 'static>(
    a: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    b: impl Future<Output = Result<T, StoreError>> + Send + 'static,
) -> [Result<T, StoreError>; 2] {
    let (a, b) = tokio::join!(tokio::spawn(a), tokio::spawn(b));
    [a.unwrap(), b.unwrap()]
}

/// Exactly one of the two won; the other was told it lost the race.
fn one_winner<T>(what: &str, results: [Result<T, StoreError>; 2]) -> T {
    let mut winners = Vec::new();
    for result in results {
        match result {
            Ok(value) => winners.push(value),
            Err(StoreError::Conflict(message)) => assert!(!message.is_empty(), "{what}: empty conflict"),
            Err(e) => panic!("{what}: unexpected error {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "{what}: exactly one racer must win");
    winners.remove(0)
}

async fn audit_entries(db: &TestDb, action: &str, record_id: &str) -> i64 {
    db.raw_count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND record_id = '{record_id}'"
    ))
    .await
}

fn checkin_message() -> OutboxDraft {
    OutboxDraft {
        kind: "checkin".into(),
        recipient: Some("ada@example.org".into()),
        title: "How do you feel after your session?".into(),
        body: "Tell us through the links.".into(),
        send_after: jiff::Timestamp::now(),
        delivery: Delivery::Relay,
    }
}

/// Every versioned change, raced from two instances with the version both
/// editors saw: one winner, one audit entry, one set of check-ins.
pub(super) async fn racing_changes_have_exactly_one_winner(db: &TestDb) {
    let one = Store::open(&db.target()).await.unwrap();
    // A second instance on the same database.
    let two = Store::open(&db.target()).await.unwrap();
    let therapist = account(&one, "North", "t@north.test", Role::Therapist).await;
    let scope = one.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();

    // Client fields.
    let [a, b] = [one.clone(), two.clone()];
    let (ta, tb) = (therapist.clone(), therapist.clone());
    let version = ada.version;
    let won = one_winner(
        "client update",
        race(
            async move {
                a.clinic(&ta)
                    .update_client(ada.id, version, &client("Ada", "Lovelace"))
                    .await
            },
            async move {
                b.clinic(&tb)
                    .update_client(ada.id, version, &client("Ada", "King"))
                    .await
            },
        )
        .await,
    );
    let stored = scope.get_client(ada.id).await.unwrap();
    assert_eq!((stored.family_name, stored.version), (won.family_name, version + 1));
    assert_eq!(audit_entries(db, "client.update", &ada.id.to_string()).await, 1);

    // A draft note edited twice, then signed twice.
    let draft = scope.create_note(ada.id, None, &session_note(3, false)).await.unwrap();
    let note_race = |note: SessionNote, store: Store, actor: Actor, id: String, version: i64| async move {
        store.clinic(&actor).update_note(&id, version, &note).await
    };
    one_winner(
        "note update",
        race(
            note_race(
                session_note(4, false),
                one.clone(),
                therapist.clone(),
                draft.id.clone(),
                draft.version,
            ),
            note_race(
                session_note(5, false),
                two.clone(),
                therapist.clone(),
                draft.id.clone(),
                draft.version,
            ),
        )
        .await,
    );
    assert_eq!(audit_entries(db, "note.update", &draft.id).await, 1);
    let draft = scope.get_note(&draft.id).await.unwrap();
    let sign = |store: Store, actor: Actor, id: String, version: i64| async move {
        store
            .clinic(&actor)
            .sign_note_and_notify(&id, version, None, |_, _| Some(checkin_message()))
            .await
    };
    let signs = race(
        sign(one.clone(), therapist.clone(), draft.id.clone(), draft.version),
        sign(two.clone(), therapist.clone(), draft.id.clone(), draft.version),
    )
    .await;
    // Signing is idempotent: both answer with the signed note, only one
    // created check-ins and a message.
    let mut issued = 0;
    let mut messages = 0;
    for result in signs {
        let (note, links, message) = result.unwrap();
        assert_eq!(note.checkins.len(), 2);
        issued += links.len();
        messages += usize::from(message.is_some());
    }
    assert_eq!((issued, messages), (2, 1));
    assert_eq!(audit_entries(db, "note.sign", &draft.id).await, 1);
    assert_eq!(
        db.raw_count(&format!("SELECT COUNT(*) FROM checkins WHERE note_id = '{}'", draft.id))
            .await,
        2
    );
    assert_eq!(
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE subject_id = '{}'",
            draft.id
        ))
        .await,
        1
    );
    // Two amendments of one signed note: the second is refused.
    let amend = |store: Store, actor: Actor, id: String| async move {
        store
            .clinic(&actor)
            .amend_note(&id, &session_note(2, false), "pressure recorded wrongly")
            .await
    };
    one_winner(
        "note amendment",
        race(
            amend(one.clone(), therapist.clone(), draft.id.clone()),
            amend(two.clone(), therapist.clone(), draft.id.clone()),
        )
        .await,
    );

    // Assessment.
    let assessment = scope
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();
    let edit = |store: Store, actor: Actor, id: String, version: i64| async move {
        store
            .clinic(&actor)
            .update_assessment(&id, version, &AssessmentRecord::default())
            .await
    };
    one_winner(
        "assessment update",
        race(
            edit(
                one.clone(),
                therapist.clone(),
                assessment.id.clone(),
                assessment.version,
            ),
            edit(
                two.clone(),
                therapist.clone(),
                assessment.id.clone(),
                assessment.version,
            ),
        )
        .await,
    );
    assert_eq!(audit_entries(db, "assessment.update", &assessment.id).await, 1);

    // Plan: edit, then close.
    let plan = scope
        .create_plan(ada.id, &serde_json::json!({"condition": "neck_pain"}), "2026-11-01")
        .await
        .unwrap();
    let edit_plan = |store: Store, actor: Actor, id: String, sessions: u8| async move {
        store
            .clinic(&actor)
            .update_plan(
                &id,
                1,
                &serde_json::json!({"condition": "neck_pain", "sessions_planned": sessions}),
            )
            .await
    };
    one_winner(
        "plan update",
        race(
            edit_plan(one.clone(), therapist.clone(), plan.id.clone(), 6),
            edit_plan(two.clone(), therapist.clone(), plan.id.clone(), 8),
        )
        .await,
    );
    let close = |store: Store, actor: Actor, id: String| async move { store.clinic(&actor).close_plan(&id).await };
    one_winner(
        "plan close",
        race(
            close(one.clone(), therapist.clone(), plan.id.clone()),
            close(two.clone(), therapist.clone(), plan.id.clone()),
        )
        .await,
    );
    assert_eq!(audit_entries(db, "plan.close", &plan.id).await, 1);

    // Intake review.
    let intake = scope.submit_intake(ada.id, &intake_form(), &screening()).await.unwrap();
    let review = |store: Store, actor: Actor, id: String, version: i64| async move {
        store.clinic(&actor).sign_intake(&id, version).await
    };
    one_winner(
        "intake sign",
        race(
            review(one.clone(), therapist.clone(), intake.id.clone(), intake.version),
            review(two.clone(), therapist.clone(), intake.id.clone(), intake.version),
        )
        .await,
    );
    assert_eq!(audit_entries(db, "intake.sign", &intake.id).await, 1);

    // Appointment: moved twice, then cancelled and marked attended at once.
    let t = therapist.user_id.to_string();
    let nine = slot(&t, None, "2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z");
    let booked = scope.book(&booking(ada.id, &nine), None).await.unwrap();
    let move_to = |store: Store, actor: Actor, id: String, start: &'static str, end: &'static str, t: String| async move {
        store
            .clinic(&actor)
            .reschedule(&id, 1, &slot(&t, None, start, end), None)
            .await
    };
    one_winner(
        "reschedule",
        race(
            move_to(
                one.clone(),
                therapist.clone(),
                booked.id.clone(),
                "2026-03-30T11:00:00Z",
                "2026-03-30T12:00:00Z",
                t.clone(),
            ),
            move_to(
                two.clone(),
                therapist.clone(),
                booked.id.clone(),
                "2026-03-30T13:00:00Z",
                "2026-03-30T14:00:00Z",
                t.clone(),
            ),
        )
        .await,
    );
    assert_eq!(audit_entries(db, "appointment.reschedule", &booked.id).await, 1);
    let status = |store: Store, actor: Actor, id: String, status: AppointmentStatus| async move {
        store.clinic(&actor).set_appointment_status(&id, 2, status).await
    };
    one_winner(
        "appointment status",
        race(
            status(
                one.clone(),
                therapist.clone(),
                booked.id.clone(),
                AppointmentStatus::Cancelled,
            ),
            status(
                two.clone(),
                therapist.clone(),
                booked.id.clone(),
                AppointmentStatus::Attended,
            ),
        )
        .await,
    );
    let cancelled = audit_entries(db, "appointment.cancelled", &booked.id).await;
    let attended = audit_entries(db, "appointment.attended", &booked.id).await;
    assert_eq!(cancelled + attended, 1);

    assert!(one.verify_audit().await.unwrap().first_problem.is_none());
}

/// Units abandoned at every point (a client hanging up mid-request): the
/// store keeps answering, every change is whole or absent, the audit chain
/// verifies, and no connection is left inside a transaction.
pub(super) async fn abandoned_units_never_wedge_the_store(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North", "t@north.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let mut clients: Vec<ClientId> = Vec::new();
    for n in 0..4 {
        clients.push(
            scope
                .create_client(&client("Storm", &format!("Client{n}")))
                .await
                .unwrap()
                .id,
        );
    }
    let mut drafts = Vec::new();
    for &id in &clients {
        drafts.push(scope.create_note(id, None, &session_note(3, false)).await.unwrap());
    }

    for round in 0..240u64 {
        // From "before the first await" to "well after the commit".
        let patience = Duration::from_micros((round % 60) * 40);
        let who = clients[usize::try_from(round).unwrap() % clients.len()];
        let store = store.clone();
        let actor = therapist.clone();
        let drafts = drafts.clone();
        let work = async move {
            let scope = store.clinic(&actor);
            match round % 5 {
                0 => {
                    let current = scope.get_client(who).await?;
                    scope
                        .update_client(who, current.version, &client("Storm", &format!("Renamed{round}")))
                        .await
                        .map(drop)
                }
                1 => scope.client_record(who).await.map(drop),
                2 => {
                    let note = &drafts[usize::try_from(round).unwrap_or(0) % drafts.len()];
                    scope
                        .sign_note_and_notify(&note.id, note.version, None, |_, _| Some(checkin_message()))
                        .await
                        .map(drop)
                }
                3 => scope.create_note(who, None, &session_note(2, false)).await.map(drop),
                _ => scope.get_client(who).await.map(drop),
            }
        };
        // Dropping the future mid-flight is what a hung-up client does.
        let _ = tokio::time::timeout(patience, work).await;
    }

    // The store answers a write and an audited read promptly.
    let answered = tokio::time::timeout(Duration::from_secs(5), async {
        let current = scope.get_client(clients[0]).await.unwrap();
        scope
            .update_client(clients[0], current.version, &client("Storm", "After"))
            .await
            .unwrap();
        scope.client_record(clients[1]).await.unwrap();
    })
    .await;
    assert!(answered.is_ok(), "the store is wedged after abandoned units");

    // Whole or absent: every committed client update has exactly one audit
    // entry, every signed note exactly its two check-ins and one message.
    for &id in &clients {
        let version = scope.get_client(id).await.unwrap().version;
        assert_eq!(audit_entries(db, "client.update", &id.to_string()).await, version - 1);
    }
    for draft in &drafts {
        let note = scope.get_note(&draft.id).await.unwrap();
        let signs = audit_entries(db, "note.sign", &draft.id).await;
        let checkins = db
            .raw_count(&format!("SELECT COUNT(*) FROM checkins WHERE note_id = '{}'", draft.id))
            .await;
        let messages = db
            .raw_count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE subject_id = '{}'",
                draft.id
            ))
            .await;
        match note.status {
            myomap_store::NoteStatus::Signed => assert_eq!((signs, checkins, messages), (1, 2, 1)),
            myomap_store::NoteStatus::Draft => assert_eq!((signs, checkins, messages), (0, 0, 0)),
        }
    }
    let report = store.verify_audit().await.unwrap();
    assert!(report.first_problem.is_none(), "{:?}", report.first_problem);

    assert_eq!(
        db.open_transactions_after_settling().await,
        0,
        "connections left inside a transaction"
    );
}
