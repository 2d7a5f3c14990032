//! Staff management: invitations are single use and expire, the clinic
//! keeps an active owner, deactivation ends sessions at once, sessions are
//! listed and revoked within the clinic only, and clinic settings change
//! only from the version read.

use std::time::Duration;

use myomap_domain::Role;
use myomap_store::{
    Actor, ClinicSettingsChange, Delivery, INVITATION_TOKEN_MARKER, InvitationRequest, LoginAttempt, OutboxDraft,
    SessionClient, Store, StoreError,
};
use myomap_testkit::TestDb;

use super::PASSWORD;

const TTL: Duration = Duration::from_secs(3600);

async fn signed_in(store: &Store, email: &str, agent: &str) -> (String, Actor) {
    let grant = store
        .login(
            LoginAttempt {
                email,
                password: PASSWORD,
                remote: "127.0.0.9",
                user_agent: agent,
                code: None,
            },
            TTL,
        )
        .await
        .unwrap();
    // Staff in these tests have no second factor: the password is enough.
    let myomap_store::SignIn::Session(grant) = grant else {
        panic!("{email} was asked for a code")
    };
    let actor = store.authenticate(&grant.token).await.unwrap();
    (grant.token, actor)
}

fn invitation_message() -> OutboxDraft {
    OutboxDraft {
        kind: "staff_invitation".into(),
        recipient: None,
        title: "Your invitation".into(),
        body: format!("Choose a password:\nhttps://clinic.test/invite/{INVITATION_TOKEN_MARKER}\n"),
        send_after: jiff::Timestamp::now(),
        delivery: Delivery::ByHand,
    }
}

fn request(email: &str, role: Role, ttl: Duration) -> InvitationRequest {
    InvitationRequest {
        email: email.into(),
        name: "New Person".into(),
        role,
        ttl,
    }
}

const NEW_PASSWORD: &str = "saddle lantern orchard";

pub async fn invitations_are_single_use_and_expire(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    for (clinic, email, role) in [
        ("North Clinic", "o@north.test", Role::Owner),
        ("North Clinic", "desk@north.test", Role::FrontDesk),
        ("South Clinic", "o@south.test", Role::Owner),
    ] {
        store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    }
    let (_, owner) = signed_in(&store, "o@north.test", "Firefox").await;
    let (_, desk) = signed_in(&store, "desk@north.test", "Chrome").await;
    let (_, stranger) = signed_in(&store, "o@south.test", "Chrome").await;
    let scope = store.clinic(&owner);

    // Only an owner invites; the front desk is refused and cannot see the
    // link in the clinic's messages.
    let refused = store
        .clinic(&desk)
        .invite_staff(&request("x@north.test", Role::Owner, TTL), &invitation_message())
        .await;
    assert!(matches!(refused, Err(StoreError::Forbidden(_))), "{refused:?}");
    let bad = scope
        .invite_staff(
            &InvitationRequest {
                name: " ".into(),
                ..request("not-an-address", Role::Therapist, TTL)
            },
            &invitation_message(),
        )
        .await;
    assert!(
        matches!(&bad, Err(StoreError::Invalid(e)) if e.for_field("email").is_some() && e.for_field("name").is_some()),
        "{bad:?}"
    );
    let taken = scope
        .invite_staff(&request("desk@north.test", Role::Therapist, TTL), &invitation_message())
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");

    let issued = scope
        .invite_staff(&request("New@North.test", Role::Therapist, TTL), &invitation_message())
        .await
        .unwrap();
    let stored_hash = db
        .raw_strings(&format!(
            "SELECT token_hash FROM staff_invitations WHERE id = '{}'",
            issued.id
        ))
        .await;
    assert_ne!(
        stored_hash,
        vec![issued.token.clone()],
        "the token itself is never stored"
    );
    let messages = scope.outbox(false, 10).await.unwrap();
    let message = messages.iter().find(|m| m.id == issued.message_id).unwrap();
    assert!(message.client_id.is_none());
    assert_eq!(message.recipient.as_deref(), Some("new@north.test"));
    assert!(
        message.body.contains(&format!("/invite/{}", issued.token)),
        "{}",
        message.body
    );
    let desk_view = store.clinic(&desk).outbox(false, 10).await.unwrap();
    let desk_message = desk_view.iter().find(|m| m.id == issued.message_id).unwrap();
    assert!(!desk_message.body.contains(&issued.token), "{}", desk_message.body);
    assert!(
        store
            .clinic(&stranger)
            .outbox(false, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != issued.message_id)
    );
    assert!(store.clinic(&stranger).pending_invitations().await.unwrap().is_empty());
    assert_eq!(scope.pending_invitations().await.unwrap().len(), 1);

    let open = store.open_invitation(&issued.token).await.unwrap();
    assert_eq!((open.email.as_str(), open.role), ("new@north.test", Role::Therapist));
    assert_eq!(open.clinic_name, "North Clinic");

    // The password policy applies; a refused password leaves the
    // invitation open.
    let weak = store
        .accept_invitation(&issued.token, "short", SessionClient::default(), TTL)
        .await;
    assert!(
        matches!(&weak, Err(StoreError::Invalid(e)) if e.for_field("password").is_some()),
        "{weak:?}"
    );
    let grant = store
        .accept_invitation(
            &issued.token,
            NEW_PASSWORD,
            SessionClient {
                user_agent: "Safari",
                remote: "10.1.2.3",
            },
            TTL,
        )
        .await
        .unwrap();
    let newcomer = store.authenticate(&grant.token).await.unwrap();
    assert_eq!(newcomer.role, Role::Therapist);
    assert_eq!(newcomer.clinic_id, owner.clinic_id);
    assert_eq!(newcomer.name, "New Person");
    let again = store
        .accept_invitation(&issued.token, NEW_PASSWORD, SessionClient::default(), TTL)
        .await;
    assert!(
        matches!(&again, Err(StoreError::Gone(m)) if m.contains("already been used")),
        "{again:?}"
    );
    assert!(matches!(
        store.open_invitation(&issued.token).await,
        Err(StoreError::Gone(_))
    ));
    assert!(matches!(
        store.open_invitation("no-such-token").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(scope.pending_invitations().await.unwrap().is_empty());
    let sessions = store.clinic(&newcomer).own_sessions().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        (sessions[0].user_agent.as_str(), sessions[0].remote_address.as_str()),
        ("Safari", "10.1.2.3")
    );
    assert!(sessions[0].current);

    // An expired invitation answers clearly and creates nothing.
    let short = scope
        .invite_staff(
            &request("late@north.test", Role::FrontDesk, Duration::from_millis(1)),
            &invitation_message(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let late = store
        .accept_invitation(&short.token, NEW_PASSWORD, SessionClient::default(), TTL)
        .await;
    assert!(
        matches!(&late, Err(StoreError::Gone(m)) if m.contains("expired")),
        "{late:?}"
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM users WHERE email = 'late@north.test'")
            .await,
        0
    );
    // A second invitation of one address retires the first.
    let first = scope
        .invite_staff(
            &request("twice@north.test", Role::FrontDesk, TTL),
            &invitation_message(),
        )
        .await
        .unwrap();
    let second = scope
        .invite_staff(
            &request("twice@north.test", Role::FrontDesk, TTL),
            &invitation_message(),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.open_invitation(&first.token).await,
        Err(StoreError::Gone(_))
    ));
    store.open_invitation(&second.token).await.unwrap();
    scope.withdraw_invitation(&second.id).await.unwrap();
    assert!(matches!(
        store.open_invitation(&second.token).await,
        Err(StoreError::Gone(_))
    ));
    assert!(matches!(
        store.clinic(&stranger).withdraw_invitation(&first.id).await,
        Err(StoreError::NotFound(_))
    ));
    let actions = db
        .raw_strings("SELECT action FROM audit_log WHERE action LIKE 'user.invite%' ORDER BY seq")
        .await;
    assert!(
        actions.iter().filter(|a| *a == "user.invite").count() >= 4,
        "{actions:?}"
    );
    assert!(actions.contains(&"user.invite.accept".to_owned()));
    assert!(actions.contains(&"user.invite.withdraw".to_owned()));
}

pub async fn the_last_owner_stays_and_deactivation_ends_sessions(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    for (clinic, email, role) in [
        ("North Clinic", "o@north.test", Role::Owner),
        ("North Clinic", "t@north.test", Role::Therapist),
        ("South Clinic", "o@south.test", Role::Owner),
    ] {
        store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    }
    let (_, owner) = signed_in(&store, "o@north.test", "Firefox").await;
    let (therapist_token, therapist) = signed_in(&store, "t@north.test", "Chrome").await;
    let (stranger_token, stranger) = signed_in(&store, "o@south.test", "Chrome").await;
    let scope = store.clinic(&owner);
    let owner_id = owner.user_id.to_string();
    let therapist_id = therapist.user_id.to_string();

    // The only owner can be neither demoted nor deactivated (nor deactivate
    // themselves).
    let demote = scope.set_staff_role(&owner_id, Role::Therapist).await;
    assert!(
        matches!(&demote, Err(StoreError::Conflict(m)) if m.contains("active owner")),
        "{demote:?}"
    );
    assert!(matches!(
        scope.deactivate_staff(&owner_id).await,
        Err(StoreError::Conflict(_))
    ));
    // A therapist manages nobody; another clinic's owner reaches nobody here.
    assert!(matches!(
        store
            .clinic(&therapist)
            .set_staff_role(&therapist_id, Role::Owner)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.clinic(&stranger).deactivate_staff(&therapist_id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .clinic(&stranger)
            .set_staff_role(&therapist_id, Role::FrontDesk)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let staff = store.clinic(&stranger).staff_accounts().await.unwrap();
    assert_eq!(staff.len(), 1, "another clinic's staff stay invisible");

    // With a second owner the first may step down; the second then is the
    // last and stays.
    scope.set_staff_role(&therapist_id, Role::Owner).await.unwrap();
    scope.set_staff_role(&owner_id, Role::Therapist).await.unwrap();
    let (_, second_owner) = signed_in(&store, "t@north.test", "Edge").await;
    assert!(matches!(
        store
            .clinic(&second_owner)
            .set_staff_role(&therapist_id, Role::FrontDesk)
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .clinic(&second_owner)
        .set_staff_role(&owner_id, Role::Owner)
        .await
        .unwrap();
    scope.set_staff_role(&therapist_id, Role::Therapist).await.unwrap();

    // Deactivation ends every session of the account at once and stops
    // sign-in; reactivation lets the old password in again.
    let listed = scope.staff_accounts().await.unwrap();
    let row = listed.iter().find(|m| m.id == therapist_id).unwrap();
    assert!(row.active && row.last_sign_in.is_some());
    scope.deactivate_staff(&therapist_id).await.unwrap();
    assert!(matches!(
        store.authenticate(&therapist_token).await,
        Err(StoreError::Unauthenticated)
    ));
    let refused = store
        .login(
            LoginAttempt {
                email: "t@north.test",
                password: PASSWORD,
                remote: "127.0.0.9",
                user_agent: "",
                code: None,
            },
            TTL,
        )
        .await;
    assert!(matches!(refused, Err(StoreError::WrongCredentials)), "{refused:?}");
    assert!(
        !scope
            .staff_accounts()
            .await
            .unwrap()
            .iter()
            .find(|m| m.id == therapist_id)
            .unwrap()
            .active
    );
    scope.reactivate_staff(&therapist_id).await.unwrap();
    signed_in(&store, "t@north.test", "Chrome").await;
    // The other clinic's session was never touched.
    store.authenticate(&stranger_token).await.unwrap();
    let actions = db
        .raw_strings("SELECT action FROM audit_log WHERE action LIKE 'user.%' ORDER BY seq")
        .await;
    for expected in [
        "user.role.owner",
        "user.role.therapist",
        "user.deactivate",
        "user.reactivate",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected}: {actions:?}");
    }
}

pub async fn sessions_are_listed_and_revoked_within_the_clinic(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    for (clinic, email, role) in [
        ("North Clinic", "o@north.test", Role::Owner),
        ("North Clinic", "t@north.test", Role::Therapist),
        ("South Clinic", "o@south.test", Role::Owner),
    ] {
        store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    }
    let (_, owner) = signed_in(&store, "o@north.test", "Firefox").await;
    let (laptop_token, therapist) = signed_in(&store, "t@north.test", "Chrome on laptop").await;
    let (phone_token, _) = signed_in(&store, "t@north.test", "Safari on phone").await;
    let (tablet_token, _) = signed_in(&store, "t@north.test", "Safari on tablet").await;
    let (stranger_token, stranger) = signed_in(&store, "o@south.test", "Chrome").await;

    let all = store.clinic(&owner).clinic_sessions().await.unwrap();
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all.iter().all(|s| s.user_email.ends_with("@north.test")));
    assert_eq!(all.iter().filter(|s| s.current).count(), 1);
    assert!(matches!(
        store.clinic(&therapist).clinic_sessions().await,
        Err(StoreError::Forbidden(_))
    ));
    let own = store.clinic(&therapist).own_sessions().await.unwrap();
    assert_eq!(own.len(), 3);
    let phone = own.iter().find(|s| s.user_agent == "Safari on phone").unwrap();
    let stranger_session = store.clinic(&stranger).own_sessions().await.unwrap().remove(0);

    // Another clinic's session, or (for a therapist) someone else's, is
    // "not found", and nothing ends.
    assert!(matches!(
        store.clinic(&owner).revoke_session(&stranger_session.id).await,
        Err(StoreError::NotFound(_))
    ));
    let owner_session = all.iter().find(|s| s.user_email == "o@north.test").unwrap();
    assert!(matches!(
        store.clinic(&therapist).revoke_session(&owner_session.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.authenticate(&stranger_token).await.unwrap();

    // The therapist ends the phone's session; the owner ends the tablet's.
    store.clinic(&therapist).revoke_session(&phone.id).await.unwrap();
    assert!(matches!(
        store.authenticate(&phone_token).await,
        Err(StoreError::Unauthenticated)
    ));
    let tablet = own.iter().find(|s| s.user_agent == "Safari on tablet").unwrap();
    store.clinic(&owner).revoke_session(&tablet.id).await.unwrap();
    assert!(matches!(
        store.authenticate(&tablet_token).await,
        Err(StoreError::Unauthenticated)
    ));
    store.authenticate(&laptop_token).await.unwrap();

    // "Sign out other devices" keeps only the session asking.
    let (second_laptop, _) = signed_in(&store, "t@north.test", "Firefox").await;
    let ended = store.clinic(&therapist).revoke_other_sessions().await.unwrap();
    assert_eq!(ended, 1);
    store.authenticate(&laptop_token).await.unwrap();
    assert!(store.authenticate(&second_laptop).await.is_err());
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.revoke'")
            .await,
        2
    );
}

pub async fn clinic_settings_change_only_from_the_version_read(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    for (clinic, email, role) in [
        ("North Clinic", "o@north.test", Role::Owner),
        ("North Clinic", "t@north.test", Role::Therapist),
        ("South Clinic", "o@south.test", Role::Owner),
    ] {
        store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    }
    let owner = store.actor_for_email("o@north.test").await.unwrap();
    let therapist = store.actor_for_email("t@north.test").await.unwrap();
    let scope = store.clinic(&owner);
    let read = scope.clinic_settings().await.unwrap();
    assert_eq!((read.name.as_str(), read.time_zone.as_str()), ("North Clinic", "UTC"));
    let change = ClinicSettingsChange {
        name: " North Street Clinic ".into(),
        address: "1 North Street, Bristol".into(),
        time_zone: "Europe/London".into(),
        phone: "+44 117 496 0000".into(),
        email: "Hello@North.test".into(),
        version: read.version,
    };
    let bad = scope
        .update_clinic_settings(&ClinicSettingsChange {
            time_zone: "Mars/Olympus".into(),
            phone: "call me".into(),
            email: "nope".into(),
            name: String::new(),
            ..change.clone()
        })
        .await;
    assert!(
        matches!(&bad, Err(StoreError::Invalid(e)) if ["time_zone", "phone", "email", "name"].iter().all(|f| e.for_field(f).is_some())),
        "{bad:?}"
    );
    assert!(matches!(
        store.clinic(&therapist).update_clinic_settings(&change).await,
        Err(StoreError::Forbidden(_))
    ));
    let taken = scope
        .update_clinic_settings(&ClinicSettingsChange {
            name: "South Clinic".into(),
            ..change.clone()
        })
        .await;
    assert!(
        matches!(&taken, Err(StoreError::Invalid(e)) if e.for_field("name").is_some()),
        "{taken:?}"
    );
    let saved = scope.update_clinic_settings(&change).await.unwrap();
    assert_eq!(saved.name, "North Street Clinic");
    assert_eq!(saved.email, "hello@north.test");
    assert_eq!(saved.version, read.version + 1);
    assert_eq!(
        saved.contact_line().as_deref(),
        Some("Phone +44 117 496 0000 · E-mail hello@north.test")
    );
    // A second form opened before the save is stale.
    let stale = scope.update_clinic_settings(&change).await;
    assert!(
        matches!(&stale, Err(StoreError::Conflict(m)) if m.contains("changed by someone else")),
        "{stale:?}"
    );
    // The actor's clinic name and zone follow at the next sign-in check.
    let again = store.actor_for_email("t@north.test").await.unwrap();
    assert_eq!(
        (again.clinic_name.as_str(), again.time_zone.as_str()),
        ("North Street Clinic", "Europe/London")
    );
    let south = store.actor_for_email("o@south.test").await.unwrap();
    assert_eq!(
        store.clinic(&south).clinic_settings().await.unwrap().name,
        "South Clinic"
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE action = 'clinic.settings'")
            .await,
        1
    );
}
