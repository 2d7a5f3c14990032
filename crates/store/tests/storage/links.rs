//! Client links stay findable until used: listed with their token for the
//! roles that may hand them out, e-mailed through the outbox, and the kept
//! token is erased when the link is used up or expires.

use std::time::Duration;

use myomap_domain::{ClientFields, Role};
use myomap_store::{Delivery, LinkPurpose, OutboxStatus, Store, StoreError};
use myomap_testkit::TestDb;

use super::{account, client, intake_form, screening};

fn with_email(given: &str, email: &str) -> myomap_domain::ValidClient {
    ClientFields {
        given_name: given.into(),
        family_name: "Lovelace".into(),
        date_of_birth: "1985-12-10".into(),
        email: email.into(),
        ..Default::default()
    }
    .validate(jiff::civil::date(2026, 11, 26))
    .unwrap()
}

pub async fn open_links_are_listed_emailed_and_forgotten_once_used(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    let therapist = account(&store, "North Clinic", "t@north.test", Role::Therapist).await;
    let desk = account(&store, "North Clinic", "desk@north.test", Role::FrontDesk).await;
    let stranger = account(&store, "South Clinic", "t@south.test", Role::Therapist).await;
    let scope = store.clinic(&therapist);
    let ada = scope
        .create_client(&with_email("Ada", "ada@example.test"))
        .await
        .unwrap();
    let bob = scope.create_client(&client("Bob", "Noemail")).await.unwrap();

    let intake = store
        .clinic(&desk)
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let questionnaire = scope
        .request_questionnaire_link(ada.id, "ndi", Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(intake.purpose, LinkPurpose::Intake);

    // Clinical staff see both, newest first, with the token that opens them;
    // the front desk sees only the intake link it may hand out.
    let listed = scope.open_links(ada.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|l| (l.purpose, l.token.as_str())).collect::<Vec<_>>(),
        vec![
            (LinkPurpose::Questionnaire, questionnaire.token.as_str()),
            (LinkPurpose::Intake, intake.token.as_str())
        ]
    );
    let at_desk = store.clinic(&desk).open_links(ada.id).await.unwrap();
    assert_eq!(at_desk.len(), 1);
    assert_eq!(at_desk[0].purpose, LinkPurpose::Intake);
    let overview = store.clinic(&desk).client_overview(ada.id).await.unwrap();
    assert_eq!(overview.links, at_desk);
    // Another clinic cannot list them, nor tell the client exists.
    assert!(matches!(
        store.clinic(&stranger).open_links(ada.id).await,
        Err(StoreError::NotFound(_))
    ));

    // E-mailing a link queues it for the client's address, with the link in it.
    let (message, to) = store
        .clinic(&desk)
        .email_link(LinkPurpose::Intake, &intake.target_id, Delivery::Relay, |facts| {
            assert_eq!(facts.client_given_name, "Ada");
            assert_eq!(facts.clinic_name, "North Clinic");
            (
                "Your intake".into(),
                format!("Open https://clinic.test/c/{}\n", facts.link.token),
            )
        })
        .await
        .unwrap();
    assert_eq!(to, ada.id);
    let queued = store.clinic(&desk).outbox(false, 10).await.unwrap();
    let queued = queued.iter().find(|m| m.id == message).unwrap();
    assert_eq!(queued.status, OutboxStatus::Queued);
    assert_eq!(queued.recipient.as_deref(), Some("ada@example.test"));
    assert!(queued.body.contains(&intake.token));
    // The front desk may not send clinical links; another clinic finds none.
    assert!(matches!(
        store
            .clinic(&desk)
            .email_link(
                LinkPurpose::Questionnaire,
                &questionnaire.target_id,
                Delivery::Relay,
                |_| { (String::new(), String::new()) }
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .clinic(&stranger)
            .email_link(LinkPurpose::Intake, &intake.target_id, Delivery::Relay, |_| {
                (String::new(), String::new())
            })
            .await,
        Err(StoreError::NotFound(_))
    ));
    // A client without an address: refused, naming the field, nothing queued.
    let bob_link = scope
        .request_intake_link(bob.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let before = scope.outbox(false, 100).await.unwrap().len();
    match scope
        .email_link(LinkPurpose::Intake, &bob_link.target_id, Delivery::Relay, |_| {
            (String::new(), String::new())
        })
        .await
    {
        Err(StoreError::Invalid(errors)) => assert!(errors.0.iter().any(|e| e.field == "email")),
        other => panic!("expected a refusal naming the e-mail, got {other:?}"),
    }
    assert_eq!(scope.outbox(false, 100).await.unwrap().len(), before);

    // Used up: no longer listed, and its token is gone from the database.
    store
        .submit_intake_via_link(&intake.token, &intake_form(), &screening())
        .await
        .unwrap();
    let listed = scope.open_links(ada.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].purpose, LinkPurpose::Questionnaire);
    assert!(matches!(
        scope
            .email_link(LinkPurpose::Intake, &intake.target_id, Delivery::Relay, |_| {
                (String::new(), String::new())
            })
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Expired: not listed; the housekeeping erases the kept token.
    let short = scope
        .request_intake_link(bob.id, Duration::from_millis(1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(scope.open_links(bob.id).await.unwrap().is_empty());
    assert!(store.forget_expired_link_tokens().await.unwrap() >= 1);
    assert_eq!(store.forget_expired_link_tokens().await.unwrap(), 0);
    assert!(matches!(store.open_link(&short.token).await, Err(StoreError::Gone(_))));
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}
