//! Staff two-factor sign-in: enrolment confirmed by a code, codes checked at
//! sign-in and never accepted twice, recovery codes used once, wrong codes
//! counted against the sign-in limit, the clinic's requirement, and an
//! owner's reset.

use std::time::Duration;

use myomap_domain::Role;
use myomap_store::{LoginAttempt, SessionGrant, SignIn, Store, StoreError, TOTP_STEP_SECS, TotpSecret};
use myomap_testkit::TestDb;

use super::PASSWORD;

const TTL: Duration = Duration::from_secs(3600);

fn now_secs() -> u64 {
    u64::try_from(jiff::Timestamp::now().as_second()).unwrap()
}

async fn sign_in(store: &Store, email: &str, code: Option<&str>) -> Result<SignIn, StoreError> {
    store
        .login(
            LoginAttempt {
                email,
                password: PASSWORD,
                remote: "10.1.0.1",
                user_agent: "",
                code,
            },
            TTL,
        )
        .await
}

fn session(result: Result<SignIn, StoreError>) -> SessionGrant {
    match result {
        Ok(SignIn::Session(grant)) => grant,
        other => panic!("expected a session, got {other:?}"),
    }
}

async fn audited(db: &TestDb, action: &str) -> i64 {
    db.raw_count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"))
        .await
}

pub async fn staff_mfa_enrols_verifies_refuses_replays_and_resets(db: &TestDb) {
    let store = Store::open(&db.target()).await.unwrap();
    for (clinic, email, role) in [
        ("North Clinic", "owner@north.test", Role::Owner),
        ("North Clinic", "t@north.test", Role::Therapist),
        ("South Clinic", "owner@south.test", Role::Owner),
    ] {
        store.add_account(clinic, email, PASSWORD, role, "test").await.unwrap();
    }
    let owner = store.actor_for_email("owner@north.test").await.unwrap();

    // An owner without a second factor signs in, but the session is only
    // good for setting one up.
    let first = session(sign_in(&store, "owner@north.test", None).await);
    assert!(store.authenticate(&first.token).await.unwrap().mfa_enrolment_due);
    let status = store.mfa_status(&owner).await.unwrap();
    assert!(status.required && !status.enrolled);

    let secret = TotpSecret::generate();
    let pending = store.start_mfa_enrolment_with(&owner, secret.clone()).await.unwrap();
    assert!(pending.otpauth_uri.contains("North%20Clinic:owner@north.test?secret="));
    // Opening the set-up page again shows the same secret.
    assert_eq!(store.start_mfa_enrolment(&owner).await.unwrap().secret, secret);
    // Nothing is on until a current code confirms it.
    assert!(!sign_in_needs_code(&store, "owner@north.test").await);
    let wrong = store.confirm_mfa_enrolment(&owner, "000000x").await;
    assert!(
        matches!(&wrong, Err(StoreError::Invalid(e)) if e.for_field("code").is_some()),
        "{wrong:?}"
    );
    let now = now_secs();
    let confirm_code = secret.code_at(now);
    let recovery = store.confirm_mfa_enrolment(&owner, &confirm_code).await.unwrap();
    assert_eq!(recovery.len(), 10);
    assert!(!store.authenticate(&first.token).await.unwrap().mfa_enrolment_due);
    assert_eq!(audited(db, "mfa.enrol").await, 1);
    assert!(matches!(
        store.start_mfa_enrolment(&owner).await,
        Err(StoreError::Conflict(_))
    ));
    // Only hashes of the recovery codes are stored.
    let stored = db
        .raw_strings("SELECT code_hash FROM mfa_recovery_codes ORDER BY code_hash")
        .await;
    assert_eq!(stored.len(), 10);
    assert!(
        stored
            .iter()
            .all(|h| !recovery.iter().any(|c| h.contains(&c.replace('-', ""))))
    );

    // The password alone now opens only the half-signed-in state.
    let Ok(SignIn::CodeNeeded { challenge }) = sign_in(&store, "owner@north.test", None).await else {
        panic!("a code must be asked for");
    };
    // The code that confirmed the enrolment is used: replaying it fails.
    assert!(matches!(
        store
            .finish_sign_in(
                &challenge,
                &confirm_code,
                myomap_store::SessionClient {
                    user_agent: "",
                    remote: "10.1.0.1"
                },
                TTL
            )
            .await,
        Err(StoreError::SecondFactor(_))
    ));
    let next_code = secret.code_at(now + TOTP_STEP_SECS);
    let grant = store
        .finish_sign_in(
            &challenge,
            &next_code,
            myomap_store::SessionClient {
                user_agent: "",
                remote: "10.1.0.1",
            },
            TTL,
        )
        .await
        .unwrap();
    assert!(!store.authenticate(&grant.token).await.unwrap().mfa_enrolment_due);
    // The challenge worked once.
    assert!(matches!(
        store
            .finish_sign_in(
                &challenge,
                &next_code,
                myomap_store::SessionClient {
                    user_agent: "",
                    remote: "10.1.0.1"
                },
                TTL
            )
            .await,
        Err(StoreError::SessionExpired)
    ));
    // The same code within its window, straight through the one-step login.
    assert!(matches!(
        sign_in(&store, "owner@north.test", Some(&next_code)).await,
        Err(StoreError::SecondFactor(_))
    ));
    assert_eq!(audited(db, "mfa.code_failed").await, 2);

    // A recovery code works once, in any case and spacing.
    let typed = recovery[0].to_lowercase().replace('-', " ");
    session(sign_in(&store, "owner@north.test", Some(&typed)).await);
    assert!(matches!(
        sign_in(&store, "owner@north.test", Some(&recovery[0])).await,
        Err(StoreError::SecondFactor(_))
    ));
    assert_eq!(audited(db, "mfa.recovery_code.use").await, 1);
    assert_eq!(store.mfa_status(&owner).await.unwrap().recovery_codes_left, 9);

    // New recovery codes replace the old ones.
    let fresh = store.regenerate_recovery_codes(&owner, &recovery[1]).await.unwrap();
    assert!(matches!(
        sign_in(&store, "owner@north.test", Some(&recovery[2])).await,
        Err(StoreError::SecondFactor(_))
    ));
    session(sign_in(&store, "owner@north.test", Some(&fresh[0])).await);

    // Owners cannot turn it off.
    let code = secret.code_at(now_secs() + TOTP_STEP_SECS);
    assert!(matches!(
        store.disable_mfa(&owner, PASSWORD, &code).await,
        Err(StoreError::Forbidden(_))
    ));

    // The clinic's requirement reaches the therapist at the next request.
    let therapist = store.actor_for_email("t@north.test").await.unwrap();
    let before = session(sign_in(&store, "t@north.test", None).await);
    assert!(!store.authenticate(&before.token).await.unwrap().mfa_enrolment_due);
    assert!(matches!(
        store.set_clinic_requires_mfa(&therapist, true).await,
        Err(StoreError::Forbidden(_))
    ));
    store.set_clinic_requires_mfa(&owner, true).await.unwrap();
    assert_eq!(audited(db, "clinic.require_mfa.on").await, 1);
    assert!(store.authenticate(&before.token).await.unwrap().mfa_enrolment_due);
    let therapist_secret = TotpSecret::generate();
    store
        .start_mfa_enrolment_with(&therapist, therapist_secret.clone())
        .await
        .unwrap();
    store
        .confirm_mfa_enrolment(&therapist, &therapist_secret.code_at(now_secs()))
        .await
        .unwrap();
    let later = therapist_secret.code_at(now_secs() + TOTP_STEP_SECS);
    assert!(matches!(
        store.disable_mfa(&therapist, PASSWORD, &later).await,
        Err(StoreError::Forbidden(_))
    ));

    // An owner resets the therapist's second factor: sessions end, and the
    // next sign-in leads to the set-up again.
    let south_owner = store.actor_for_email("owner@south.test").await.unwrap();
    assert!(matches!(
        store.reset_staff_mfa(&south_owner, therapist.user_id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.reset_staff_mfa(&therapist, owner.user_id).await,
        Err(StoreError::Forbidden(_))
    ));
    store.reset_staff_mfa(&owner, therapist.user_id).await.unwrap();
    assert_eq!(audited(db, "mfa.reset").await, 1);
    assert!(store.authenticate(&before.token).await.is_err());
    let after = session(sign_in(&store, "t@north.test", None).await);
    assert!(store.authenticate(&after.token).await.unwrap().mfa_enrolment_due);

    // Without the clinic's requirement a therapist may turn it off, with
    // the password and a code.
    store.set_clinic_requires_mfa(&owner, false).await.unwrap();
    store
        .start_mfa_enrolment_with(&therapist, therapist_secret.clone())
        .await
        .unwrap();
    store
        .confirm_mfa_enrolment(&therapist, &therapist_secret.code_at(now_secs() + TOTP_STEP_SECS))
        .await
        .unwrap();
    let wrong_password = store.disable_mfa(&therapist, "not the password", "123456").await;
    assert!(matches!(&wrong_password, Err(StoreError::Invalid(e)) if e.for_field("password").is_some()));
    // The code of the step before the one used at confirmation is refused.
    let stale = therapist_secret.code_at(now_secs());
    assert!(matches!(
        store.disable_mfa(&therapist, PASSWORD, &stale).await,
        Err(StoreError::Invalid(_))
    ));
    // The command line's reset ends it too, with the operator as actor.
    store.reset_mfa_from_command_line("T@north.test").await.unwrap();
    assert!(!store.mfa_status(&therapist).await.unwrap().enrolled);
    assert_eq!(audited(db, "mfa.reset").await, 2);

    // Wrong codes count against the account's limit like wrong passwords:
    // five since the last success lock the account even for a right code.
    for _ in 0..5 {
        assert!(matches!(
            sign_in(&store, "owner@north.test", Some("111111")).await,
            Err(StoreError::SecondFactor(_))
        ));
    }
    assert!(matches!(
        sign_in(&store, "owner@north.test", Some(&fresh[1])).await,
        Err(StoreError::TooManyAttempts { .. })
    ));
    assert!(store.verify_audit().await.unwrap().first_problem.is_none());
}

async fn sign_in_needs_code(store: &Store, email: &str) -> bool {
    matches!(sign_in(store, email, None).await, Ok(SignIn::CodeNeeded { .. }))
}
