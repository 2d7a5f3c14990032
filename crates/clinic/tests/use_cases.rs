//! Use cases at their own boundary: no HTTP, a fixed clock, both back ends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use myomap_clinic::{ClinicError, FixedClock, home_care};
use myomap_domain::{ClientFields, Role, Side};
use myomap_plans::{Habits, build_home_care};
use myomap_store::Store;
use myomap_testkit::{TestDb, on_both_backends};

on_both_backends!(
    home_care_ticks_follow_one_policy_on_the_clinic_s_day,
    a_note_signed_late_in_the_evening_is_dated_on_the_clinic_s_day,
);

/// A clinic in Los Angeles (its owner set the zone), its therapist, and a
/// client.
async fn los_angeles_clinic(db: &TestDb) -> (Store, myomap_store::Actor, myomap_domain::Client) {
    let store = Store::open(&db.target()).await.unwrap();
    for (email, role) in [("owner@la.test", Role::Owner), ("t@la.test", Role::Therapist)] {
        store
            .add_account("Venice Beach NMT", email, "correct horse battery", role, "test")
            .await
            .unwrap();
    }
    let owner = store.actor_for_email("owner@la.test").await.unwrap();
    store.clinic(&owner).set_time_zone("America/Los_Angeles").await.unwrap();
    let therapist = store.actor_for_email("t@la.test").await.unwrap();
    let client = ClientFields {
        given_name: "Ada".into(),
        family_name: "Byron".into(),
        date_of_birth: "1985-12-10".into(),
        ..Default::default()
    }
    .validate(jiff::civil::date(2026, 11, 25))
    .unwrap();
    let ada = store.clinic(&therapist).create_client(&client).await.unwrap();
    (store, therapist, ada)
}

/// A clinic in Los Angeles (UTC−8 in November) on a server that keeps UTC:
/// at 23:30 local time, a new note is dated on the local day and keeps that
/// date through signing.
async fn a_note_signed_late_in_the_evening_is_dated_on_the_clinic_s_day(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let scope = store.clinic(&therapist);

    let half_past_eleven_local = FixedClock("2026-11-26T07:30:00Z".parse().unwrap());
    let draft = myomap_clinic::notes::carry_forward(&store, &therapist, &half_past_eleven_local, ada.id)
        .await
        .unwrap();
    assert_eq!(draft.date, "2026-11-25", "dated on the clinic's day, not the server's");
    let created = scope.create_note(ada.id, None, &draft).await.unwrap();
    let (signed, links) = scope.sign_note(&created.id, created.version, None).await.unwrap();
    assert_eq!(signed.note.date, "2026-11-25");
    assert_eq!(links.len(), 2);

    // The next note carries the last one forward, dated on the next local day.
    let next_morning = FixedClock("2026-11-26T17:00:00Z".parse().unwrap());
    let next = myomap_clinic::notes::carry_forward(&store, &therapist, &next_morning, ada.id)
        .await
        .unwrap();
    assert_eq!(next.date, "2026-11-26");
    assert_eq!(next.duration_minutes, signed.note.duration_minutes);
}

async fn home_care_ticks_follow_one_policy_on_the_clinic_s_day(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let scope = store.clinic(&therapist);
    let plan = build_home_care(
        &[("upper_trapezius".to_owned(), Some(Side::Right))],
        Habits {
            long_sitting: true,
            ..Habits::default()
        },
    );
    let items: Vec<String> = plan.daily_items().into_iter().map(|(id, _)| id).collect();
    assert!(items.len() >= 2, "{items:?}");
    let handout = scope
        .create_home_care(ada.id, &serde_json::to_value(&plan).unwrap())
        .await
        .unwrap();
    let link = scope
        .home_care_link(&handout.id, Duration::from_secs(3600 * 24 * 90))
        .await
        .unwrap();

    // 23:30 on the 25th in Los Angeles, on a server whose clock says the 26th.
    let late_evening = FixedClock("2026-11-26T07:30:00Z".parse().unwrap());
    let done = vec![items[0].clone(), items[1].clone(), items[0].clone()];
    let day = home_care::tick_via_link(&store, &late_evening, &link.token, &done)
        .await
        .unwrap();
    assert_eq!(day, jiff::civil::date(2026, 11, 25));
    let open = home_care::open_via_link(&store, &late_evening, &link.token)
        .await
        .unwrap();
    assert_eq!(open.done_today.len(), 2, "a repeated item counts once");
    assert!(open.handout.ticks.iter().all(|(day, _)| day == "2026-11-25"));

    // An item the handout does not have is refused by name, on every face.
    let unknown = vec![items[0].clone(), "levitation".to_owned()];
    match home_care::tick_via_link(&store, &late_evening, &link.token, &unknown).await {
        Err(ClinicError::Invalid(errors)) => {
            assert!(errors.to_string().contains("done[1]"), "{errors}");
        }
        other => panic!("expected a refusal naming done[1], got {other:?}"),
    }
    // Nothing of the refused request was saved.
    let open = home_care::open_via_link(&store, &late_evening, &link.token)
        .await
        .unwrap();
    assert_eq!(open.done_today.len(), 2);

    // A link that does not exist is "not found", like another clinic's.
    assert!(matches!(
        home_care::tick_via_link(&store, &late_evening, "no-such-token", &[]).await,
        Err(ClinicError::NotFound(_))
    ));
}
