//! Erasure on request: every clinical row of the client goes in one unit,
//! the client row stays as a tombstone, the audit chain stays verifiable,
//! and the clinic's retention period blocks erasure before it ends.

use std::time::Duration;

use jiff::civil::date;
use myomap_domain::Role;
use myomap_domain::record::AssessmentRecord;
use myomap_store::{ClientQuery, Delivery, OutboxDraft, Store, StoreError, erased_tables};
use myomap_testkit::TestDb;

use super::{PASSWORD, at, booking, client, ndi, session_note, slot};

pub async fn erasure_removes_the_clinical_record_and_keeps_the_chain(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    store
        .add_account("North Clinic", "o@north.test", PASSWORD, Role::Owner, "test")
        .await
        .unwrap();
    store
        .add_account("North Clinic", "t@north.test", PASSWORD, Role::Therapist, "test")
        .await
        .unwrap();
    store
        .add_account("South Clinic", "o@south.test", PASSWORD, Role::Owner, "test")
        .await
        .unwrap();
    let owner = store.actor_for_email("o@north.test").await.unwrap();
    let therapist = store.actor_for_email("t@north.test").await.unwrap();
    let stranger = store.actor_for_email("o@south.test").await.unwrap();
    let scope = store.clinic(&therapist);
    let ada = scope.create_client(&client("Ada", "Byron")).await.unwrap();
    let grace = scope.create_client(&client("Grace", "Hopper")).await.unwrap();

    // A record in every clinical table: intake (and its link), assessment
    // with a photo, a signed note with its check-ins and an amendment, a
    // questionnaire, a plan, home care with ticks, an appointment with its
    // reminder.
    scope
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let assessment = scope
        .create_assessment(ada.id, &AssessmentRecord::default())
        .await
        .unwrap();
    scope
        .add_photo(&assessment.id, "front", "image/png", (1, 1), b"\x89PNG fake")
        .await
        .unwrap();
    let draft = scope
        .create_note(ada.id, Some(&assessment.id), &session_note(3, false))
        .await
        .unwrap();
    let (signed, _) = scope.sign_note(&draft.id, draft.version, None).await.unwrap();
    scope
        .amend_note(&signed.id, &session_note(2, false), "typo")
        .await
        .unwrap();
    scope
        .record_questionnaire(ada.id, &ndi("2026-10-01", "40"), "clinic")
        .await
        .unwrap();
    scope
        .create_plan(ada.id, &serde_json::json!({"condition": "neck_pain"}), "2026-11-01")
        .await
        .unwrap();
    let handout = scope
        .create_home_care(ada.id, &serde_json::json!({"stretches": [], "advice": []}))
        .await
        .unwrap();
    let link = scope
        .home_care_link(&handout.id, Duration::from_secs(3600))
        .await
        .unwrap();
    store
        .tick_home_care_via_link(&link.token, "2026-11-20", &["hydration".to_owned()])
        .await
        .unwrap();
    let t = therapist.user_id.to_string();
    let reminder = OutboxDraft {
        kind: "reminder".into(),
        recipient: Some("ada@example.test".into()),
        title: "Your appointment".into(),
        body: "See you soon.".into(),
        send_after: at("2029-12-31T00:00:00Z"),
        delivery: Delivery::Relay,
    };
    scope
        .book(
            &booking(ada.id, &slot(&t, None, "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z")),
            Some(reminder),
        )
        .await
        .unwrap();
    // Grace's record must survive Ada's erasure.
    scope
        .create_note(grace.id, None, &session_note(1, false))
        .await
        .unwrap();

    let references = |id: String| {
        let db = &db;
        async move {
            let mut found = Vec::new();
            for table in erased_tables() {
                let sql = match table {
                    "home_care_ticks" => format!(
                        "SELECT COUNT(*) FROM home_care_ticks WHERE home_care_id IN \
                         (SELECT id FROM home_care WHERE client_id = '{id}')"
                    ),
                    "posture_photos" => format!(
                        "SELECT COUNT(*) FROM posture_photos WHERE assessment_id IN \
                         (SELECT id FROM assessments WHERE client_id = '{id}')"
                    ),
                    table => format!("SELECT COUNT(*) FROM {table} WHERE client_id = '{id}'"),
                };
                let n = db.raw_count(&sql).await;
                if n > 0 {
                    found.push(table);
                }
            }
            found
        }
    };
    assert_eq!(references(ada.id.to_string()).await.len(), erased_tables().count());

    // Only the owner; another clinic's client is not found; the typed name
    // must be the client's.
    let today = date(2026, 12, 7);
    assert!(matches!(
        scope.erase_client(ada.id, "Ada Byron", today).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.clinic(&stranger).erase_client(ada.id, "Ada Byron", today).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.clinic(&owner).erase_client(ada.id, "Ada Hopper", today).await,
        Err(StoreError::Invalid(e)) if e.for_field("confirm").is_some()
    ));

    // A retention period blocks it, naming the first allowed day: two years
    // after the last signed session (2026-11-26).
    let owners = store.clinic(&owner);
    assert!(matches!(
        scope.set_retention_years(2).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        owners.set_retention_years(101).await,
        Err(StoreError::Invalid(_))
    ));
    owners.set_retention_years(2).await.unwrap();
    assert_eq!(owners.retention_years().await.unwrap(), 2);
    match owners.erase_client(ada.id, "Ada Byron", today).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("2028-11-26"), "{m}"),
        other => panic!("retention did not block erasure: {other:?}"),
    }
    assert_eq!(references(ada.id.to_string()).await.len(), erased_tables().count());
    let before = store
        .clinic(&owner)
        .list_clients(&ClientQuery::default())
        .await
        .unwrap()
        .total;

    let erasure = owners
        .erase_client(ada.id, " ada  byron ", date(2028, 11, 26))
        .await
        .unwrap();
    assert!(erasure.rows_deleted >= 14);
    assert_eq!(references(ada.id.to_string()).await, Vec::<&str>::new());
    assert!(!references(grace.id.to_string()).await.is_empty());

    // The client reads as erased: a tombstone, archived, counted right.
    let erased = owners.get_client(ada.id).await.unwrap();
    assert_eq!(
        (erased.given_name.as_str(), erased.family_name.as_str()),
        ("Erased", "Erased")
    );
    assert_eq!(erased.date_of_birth.to_string(), myomap_store::TOMBSTONE_BIRTH);
    assert_eq!((erased.email, erased.phone, erased.notes), (None, None, None));
    assert!(erased.archived);
    assert!(owners.is_erased(ada.id).await.unwrap());
    assert!(!owners.is_erased(grace.id).await.unwrap());
    assert_eq!(
        store
            .clinic(&owner)
            .list_clients(&ClientQuery::default())
            .await
            .unwrap()
            .total,
        before - 1
    );
    let all = ClientQuery {
        include_archived: true,
        ..Default::default()
    };
    assert_eq!(store.clinic(&owner).list_clients(&all).await.unwrap().total, 2);
    let search = ClientQuery {
        search: "byron".into(),
        include_archived: true,
        ..Default::default()
    };
    assert_eq!(store.clinic(&owner).list_clients(&search).await.unwrap().total, 0);
    // No name survives anywhere in the client row.
    assert_eq!(
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM clients WHERE id = '{}' AND (search_key LIKE '%byron%' OR given_name = 'Ada')",
            ada.id
        ))
        .await,
        0
    );

    // Twice is a conflict; it cannot be restored or edited back.
    assert!(matches!(
        owners.erase_client(ada.id, "Erased Erased", date(2030, 1, 1)).await,
        Err(StoreError::Conflict(m)) if m.contains("already")
    ));
    assert!(owners.set_archived(ada.id, false).await.unwrap().archived);
    assert!(matches!(
        owners
            .update_client(ada.id, erased.version, &client("Ada", "Byron"))
            .await,
        Err(StoreError::Conflict(_))
    ));

    // Nothing new is recorded for an erased client; its empty record reads.
    assert!(matches!(
        scope.create_note(ada.id, None, &session_note(1, false)).await,
        Err(StoreError::Conflict(m)) if m.contains("erased")
    ));
    assert!(matches!(
        scope.create_assessment(ada.id, &AssessmentRecord::default()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(scope.notes_for(ada.id).await.unwrap().is_empty());

    // The audit chain still verifies, and records the erasure.
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
    let history = owners.client_history(ada.id, 100).await.unwrap();
    assert!(history.iter().any(|e| e.action == "client.erase"));
    assert!(history.iter().any(|e| e.action == "client.create"));
}
