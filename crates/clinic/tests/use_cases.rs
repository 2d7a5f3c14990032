//! Use cases at their own boundary: no HTTP, a fixed clock, both back ends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use myomap_clinic::messages::Messages;
use myomap_clinic::notes::EmailOutcome;
use myomap_clinic::outcomes::{self, Answers};
use myomap_clinic::{ClinicError, FixedClock, home_care, progress, report, treatment_plans};
use myomap_domain::{ClientFields, Role, Side};
use myomap_plans::{Habits, build_home_care};
use myomap_store::Store;
use myomap_testkit::{TestDb, on_both_backends};

on_both_backends!(
    home_care_ticks_follow_one_policy_on_the_clinic_s_day,
    a_note_signed_late_in_the_evening_is_dated_on_the_clinic_s_day,
    questionnaires_are_scored_once_and_dated_on_the_clinic_s_day,
    a_plan_starts_on_the_clinic_s_day_and_reports_its_progress,
    the_progress_report_is_one_use_case_for_every_face,
    signing_queues_the_check_in_message_with_its_links_and_the_clinic_s_signature,
    an_intake_is_checked_screened_and_stored_in_the_clinic_or_by_link,
    online_booking_offers_free_times_after_the_lead_on_the_clinic_s_clock,
    a_birth_date_is_checked_against_the_clinic_s_day,
    a_therapist_s_free_slots_are_their_hours_on_the_clinic_s_clock,
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

/// 23:30 on 25 November in Los Angeles, already the 26th in UTC.
fn late_evening() -> FixedClock {
    FixedClock("2026-11-26T07:30:00Z".parse().unwrap())
}

fn nprs(value: u8) -> Answers<'static> {
    Answers {
        instrument: "nprs",
        input: serde_json::json!({"value": value}),
        activities: None,
    }
}

/// Staff and a client through a link score answers the same way, both dated
/// on the clinic's day; refusals name the field; progress sees both.
async fn questionnaires_are_scored_once_and_dated_on_the_clinic_s_day(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let clock = late_evening();

    let recorded = outcomes::record_questionnaire(&store, &therapist, &clock, ada.id, nprs(7), None, "clinic")
        .await
        .unwrap();
    assert_eq!(recorded.taken_on, "2026-11-25", "the clinic's day, not the server's");

    let refused = outcomes::record_questionnaire(
        &store,
        &therapist,
        &clock,
        ada.id,
        Answers {
            instrument: "ndi",
            input: serde_json::json!({"items": [1, 2]}),
            activities: None,
        },
        None,
        "clinic",
    )
    .await;
    match refused {
        Err(ClinicError::Invalid(errors)) => assert_eq!(errors.0[0].field, "input.items", "{errors}"),
        other => panic!("a short NDI is refused by field, not {other:?}"),
    }
    let unknown = outcomes::record_questionnaire(
        &store,
        &therapist,
        &clock,
        ada.id,
        Answers {
            instrument: "vas",
            input: serde_json::json!({}),
            activities: None,
        },
        None,
        "clinic",
    )
    .await;
    assert!(matches!(unknown, Err(ClinicError::Unknown(_))), "{unknown:?}");

    let link = store
        .clinic(&therapist)
        .request_questionnaire_link(ada.id, "nprs", Duration::from_secs(3600))
        .await
        .unwrap();
    let grant = store.open_link(&link.token).await.unwrap();
    let (instrument, _) = outcomes::questionnaire_of_link(&store, &grant).await.unwrap();
    assert_eq!(instrument.as_str(), "nprs");
    outcomes::answer_via_link(&store, &clock, &link.token, &grant, nprs(4))
        .await
        .unwrap();

    let progress = progress::client_progress(&store, &therapist, ada.id).await.unwrap();
    let pain = progress.measures.iter().find(|m| m.instrument == "nprs").unwrap();
    assert_eq!(
        pain.points,
        vec![("2026-11-25".to_owned(), 7.0), ("2026-11-25".to_owned(), 4.0)]
    );
    assert_eq!(pain.change, Some(-3.0));
}

fn neck_plan() -> myomap_plans::PlanDraft {
    myomap_plans::PlanDraft::from_protocol_for("back_neck_shoulder", "neck_pain").unwrap()
}

/// A plan without a start date starts on the clinic's day; its refusals
/// name the plan's fields; a stale edit is a conflict; its progress is
/// judged on the record.
async fn a_plan_starts_on_the_clinic_s_day_and_reports_its_progress(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let clock = late_evening();

    let mut empty = neck_plan();
    empty.goals.clear();
    match treatment_plans::start_plan(&store, &therapist, &clock, ada.id, &empty, None).await {
        Err(ClinicError::Invalid(errors)) => assert!(errors.for_field("plan.goals").is_some(), "{errors}"),
        other => panic!("a plan without goals is refused, not {other:?}"),
    }
    match treatment_plans::start_plan(&store, &therapist, &clock, ada.id, &neck_plan(), Some("soon")).await {
        Err(ClinicError::Invalid(errors)) => assert!(errors.for_field("starts_on").is_some(), "{errors}"),
        other => panic!("a start that is no date is refused, not {other:?}"),
    }

    let stored = treatment_plans::start_plan(&store, &therapist, &clock, ada.id, &neck_plan(), None)
        .await
        .unwrap();
    assert_eq!(stored.starts_on, "2026-11-25");

    let mut longer = neck_plan();
    longer.sessions_planned += 2;
    let revised = treatment_plans::revise_plan(&store, &therapist, &stored.id, stored.version, &longer)
        .await
        .unwrap();
    let stale = treatment_plans::revise_plan(&store, &therapist, &stored.id, stored.version, &longer).await;
    assert!(matches!(stale, Err(ClinicError::Conflict(_))), "{stale:?}");

    let (plan, client) = treatment_plans::read_plan(&store, &therapist, &stored.id)
        .await
        .unwrap();
    assert_eq!(client.id, ada.id);
    assert_eq!(plan.stored.version, revised.version);
    assert_eq!(plan.progress.sessions_planned, longer.sessions_planned);
    assert_eq!(plan.progress.sessions_done, 0);
    let listed = treatment_plans::client_plans(&store, &therapist, ada.id).await.unwrap();
    assert_eq!(listed.len(), 1);
}

/// The PDF the page serves, `myomap report` writes and the record export
/// packs: dated on the clinic's day and named after the client.
async fn the_progress_report_is_one_use_case_for_every_face(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let clock = late_evening();
    outcomes::record_questionnaire(&store, &therapist, &clock, ada.id, nprs(6), None, "clinic")
        .await
        .unwrap();

    let made = report::progress_report(&store, &therapist, &clock, ada.id)
        .await
        .unwrap();
    assert_eq!(made.file_name, "progress-report-byron.pdf");
    assert!(made.pdf.starts_with(b"%PDF"));
    assert_eq!(made.data.today, jiff::civil::date(2026, 11, 25));
    assert_eq!(made.data.measures.len(), 1);

    let elsewhere: myomap_domain::ClientId = "0195f6a0-0000-7000-8000-000000000001".parse().unwrap();
    let missing = report::progress_report(&store, &therapist, &clock, elsewhere).await;
    assert!(matches!(missing, Err(ClinicError::NotFound(_))), "{:?}", missing.err());
}

/// Signing queues the check-in message in the same step: its links under
/// the configured public address (never a request's), the clinic's
/// signature, sent after the clock's now; by hand when the client has no
/// address even though a relay is configured.
async fn signing_queues_the_check_in_message_with_its_links_and_the_clinic_s_signature(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let owner = store.actor_for_email("owner@la.test").await.unwrap();
    let owners = store.clinic(&owner);
    let settings = owners.clinic_settings().await.unwrap();
    owners
        .update_clinic_settings(&myomap_store::ClinicSettingsChange {
            name: settings.name.clone(),
            address: "1 Ocean Front Walk".into(),
            time_zone: settings.time_zone.clone(),
            phone: "+1 310 555 0100".into(),
            email: String::new(),
            version: settings.version,
        })
        .await
        .unwrap();

    let clock = late_evening();
    let scope = store.clinic(&therapist);
    let draft = myomap_clinic::notes::carry_forward(&store, &therapist, &clock, ada.id)
        .await
        .unwrap();
    let note = scope.create_note(ada.id, None, &draft).await.unwrap();
    let messages = Messages {
        relay: true,
        public_url: "https://clinic.example.org".into(),
        clock: &clock,
    };
    let (signed, links, email) =
        myomap_clinic::notes::sign_and_queue_checkins(&store, &therapist, &messages, &note.id, note.version, None)
            .await
            .unwrap();
    assert_eq!(signed.note.date, "2026-11-25");
    assert_eq!(links.len(), 2);
    let EmailOutcome::ByHand { message_id, .. } = email else {
        panic!("a client without an address is written to by hand");
    };
    let outbox = store.clinic(&owner).outbox(false, 10).await.unwrap();
    let message = outbox.iter().find(|m| m.id == message_id).unwrap();
    assert_eq!(message.send_after, clock.0);
    for (_, link) in &links {
        let url = format!("https://clinic.example.org/c/{}", link.token);
        assert!(message.body.contains(&url), "{}", message.body);
    }
    assert!(
        message.body.ends_with("1 Ocean Front Walk\nPhone +1 310 555 0100\n"),
        "{}",
        message.body
    );
}

/// Staff and the client's link take an intake the same way: the form's
/// refusals are named `form.<field>`, the screening is stored with it, and
/// a handout is made from the record as it is then.
async fn an_intake_is_checked_screened_and_stored_in_the_clinic_or_by_link(db: &TestDb) {
    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let clock = late_evening();
    let answers = myomap_screening::ScreeningAnswers::new([("bowel_bladder_change", vec![])]).unwrap();
    let blank = myomap_domain::record::IntakeForm::default();
    match myomap_clinic::intake::take_intake(&store, &therapist, &clock, ada.id, &blank, &answers).await {
        Err(ClinicError::Invalid(errors)) => {
            assert!(errors.0.iter().all(|e| e.field.starts_with("form.")), "{errors}")
        }
        other => panic!("a blank intake is refused by field, not {other:?}"),
    }
    let form = myomap_domain::record::IntakeForm {
        conditions: vec!["sciatica".into()],
        reason_for_visit: "Leg pain".into(),
        ..Default::default()
    };
    let taken = myomap_clinic::intake::take_intake(&store, &therapist, &clock, ada.id, &form, &answers)
        .await
        .unwrap();
    assert_eq!(taken.screening.unwrap().outcome, "refer_first");

    let link = store
        .clinic(&therapist)
        .request_intake_link(ada.id, Duration::from_secs(3600))
        .await
        .unwrap();
    let refused = myomap_clinic::intake::submit_via_link(&store, &clock, &link.token, &blank, &answers).await;
    assert!(matches!(refused, Err(ClinicError::Invalid(_))), "{refused:?}");
    myomap_clinic::intake::submit_via_link(&store, &clock, &link.token, &form, &answers)
        .await
        .unwrap();
    let used = myomap_clinic::intake::submit_via_link(&store, &clock, &link.token, &form, &answers).await;
    assert!(
        matches!(used, Err(ClinicError::Gone(_) | ClinicError::NotFound(_))),
        "{used:?}"
    );

    let handout = home_care::create_handout(&store, &therapist, ada.id).await.unwrap();
    assert_eq!(handout.client_id, ada.id);
}

/// At 09:00 on a Wednesday in Los Angeles the link offers that day's free
/// half hours from 11:00 (two hours' lead), books one with its reminder,
/// refuses a time it did not offer, and is used up by the booking.
async fn online_booking_offers_free_times_after_the_lead_on_the_clinic_s_clock(db: &TestDb) {
    use myomap_clinic::online_booking::{self, BookingRefused};

    let (store, therapist, ada) = los_angeles_clinic(db).await;
    let sam = therapist_working_weekdays(&store).await;
    let link = store
        .clinic(&therapist)
        .booking_link(ada.id, &sam.id, Duration::from_secs(3600))
        .await
        .unwrap();

    let nine_in_the_morning = FixedClock("2026-11-25T17:00:00Z".parse().unwrap());
    let context = online_booking::open(&store, &nine_in_the_morning, &link.token)
        .await
        .unwrap();
    let offer = online_booking::offer(&context, &nine_in_the_morning).unwrap();
    let first = offer.slots.first().unwrap().start;
    assert_eq!(first.to_string(), "2026-11-25T19:00:00Z", "11:00 in Los Angeles");

    let messages = Messages {
        relay: false,
        public_url: "https://clinic.example.org".into(),
        clock: &nine_in_the_morning,
    };
    let elsewhen = online_booking::book(&store, &messages, &link.token, "2026-11-25T17:15:00Z").await;
    assert!(
        matches!(elsewhen, Err(BookingRefused::ChooseAgain(_))),
        "{:?}",
        elsewhen.err()
    );
    let booked = online_booking::book(&store, &messages, &link.token, &first.to_string())
        .await
        .unwrap();
    assert_eq!(booked.appointment.starts_at, first);
    assert_eq!(booked.appointment.therapist_id, sam.id);
    let again = online_booking::book(&store, &messages, &link.token, &first.to_string()).await;
    assert!(matches!(again, Err(BookingRefused::Link(_))), "{:?}", again.err());
}

/// The Los Angeles clinic's therapist, working 09:00–17:00 Monday to
/// Friday (set by the owner).
async fn therapist_working_weekdays(store: &Store) -> myomap_store::StaffMember {
    let owner = store.actor_for_email("owner@la.test").await.unwrap();
    let scope = store.clinic(&owner);
    let sam = scope
        .therapists()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.email == "t@la.test")
        .unwrap();
    let hours: Vec<myomap_store::HoursRow> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .into_iter()
        .map(|weekday| myomap_store::HoursRow {
            weekday: weekday.into(),
            starts: "09:00".into(),
            ends: "17:00".into(),
            kind: "work".into(),
        })
        .collect();
    scope.set_working_hours(&sam.id, &hours).await.unwrap();
    sam
}

/// At 23:30 on the 25th in Los Angeles (already the 26th in UTC) a client
/// cannot be born on the 26th yet; the next morning they can.
async fn a_birth_date_is_checked_against_the_clinic_s_day(db: &TestDb) {
    let (store, therapist, _) = los_angeles_clinic(db).await;
    let born_tomorrow = ClientFields {
        given_name: "Grace".into(),
        family_name: "Hopper".into(),
        date_of_birth: "2026-11-26".into(),
        ..Default::default()
    };
    match myomap_clinic::clients::register(&store, &therapist, &late_evening(), &born_tomorrow).await {
        Err(ClinicError::Invalid(errors)) => assert!(errors.for_field("date_of_birth").is_some(), "{errors}"),
        other => panic!("a birth date after the clinic's today is refused, not {other:?}"),
    }
    let next_morning = FixedClock("2026-11-26T17:00:00Z".parse().unwrap());
    let grace = myomap_clinic::clients::register(&store, &therapist, &next_morning, &born_tomorrow)
        .await
        .unwrap();
    let mut corrected = born_tomorrow.clone();
    corrected.given_name = "Grace B.".into();
    let updated =
        myomap_clinic::clients::update(&store, &therapist, &next_morning, grace.id, grace.version, &corrected)
            .await
            .unwrap();
    assert_eq!(updated.given_name, "Grace B.");
    let stale =
        myomap_clinic::clients::update(&store, &therapist, &next_morning, grace.id, grace.version, &corrected).await;
    assert!(matches!(stale, Err(ClinicError::Conflict(_))), "{stale:?}");
}

/// The API's slot list: a therapist's hours on the clinic's calendar, none
/// before now; someone who is not a therapist has none to ask for.
async fn a_therapist_s_free_slots_are_their_hours_on_the_clinic_s_clock(db: &TestDb) {
    use myomap_clinic::schedule::{length, therapist_free_slots};

    let (store, therapist, _) = los_angeles_clinic(db).await;
    let sam = therapist_working_weekdays(&store).await;
    let wednesday: jiff::civil::Date = "2026-11-25".parse().unwrap();
    let hour = length("minutes", 60).unwrap();
    let scope = store.clinic(&therapist);

    let before_opening = FixedClock("2026-11-25T15:00:00Z".parse().unwrap());
    let slots = therapist_free_slots(&scope, &before_opening, &sam.id, wednesday, 1, hour)
        .await
        .unwrap();
    assert_eq!(
        slots.first().unwrap().start.to_string(),
        "2026-11-25T17:00:00Z",
        "09:00 in Los Angeles"
    );
    assert_eq!(
        slots.last().unwrap().start.to_string(),
        "2026-11-26T00:00:00Z",
        "16:00 in Los Angeles"
    );
    assert_eq!(slots.len(), 29, "every quarter hour from 09:00 to 16:00");

    let ten_past_noon = FixedClock("2026-11-25T20:10:00Z".parse().unwrap());
    let later = therapist_free_slots(&scope, &ten_past_noon, &sam.id, wednesday, 1, hour)
        .await
        .unwrap();
    assert_eq!(
        later.first().unwrap().start.to_string(),
        "2026-11-25T20:15:00Z",
        "12:15, not before now"
    );

    let nobody = therapist_free_slots(&scope, &ten_past_noon, "not-a-therapist", wednesday, 1, hour).await;
    assert!(
        matches!(nobody, Err(ClinicError::NotFound("therapist"))),
        "{:?}",
        nobody.err()
    );
}
