//! Charting helpers: a new note carried forward from the last one.

use myomap_store::{Actor, Checkin, Delivery, IssuedLink, NoteRecord, OutboxDraft, Recipient, StoreError};

use crate::AppState;
use crate::api::record::link_url;

/// How far back the dashboard looks for check-ins needing attention.
pub const DASHBOARD_DAYS: i64 = 14;

/// What became of the check-in message after signing. The message always
/// goes into the outbox first; the relay sends it, or the front desk does.
pub enum EmailOutcome {
    /// Queued for the mail relay, to this address.
    Queued { to: String, message_id: String },
    /// Listed under Messages for the front desk to send by hand.
    ByHand { reason: String, message_id: String },
    /// Nothing was queued (the links are still shown).
    Failed(String),
}

impl EmailOutcome {
    pub fn line(&self) -> String {
        match self {
            EmailOutcome::Queued { to, .. } => {
                format!("The links are queued to be emailed to {to}; Messages shows when they have gone.")
            }
            EmailOutcome::ByHand { reason, .. } => {
                format!("{reason} The message is waiting under Messages for someone to send it by hand.")
            }
            EmailOutcome::Failed(e) => format!("No message was queued ({e}); send the links by hand."),
        }
    }
}

/// Signs a note and, in the same transaction, queues its check-in links
/// for the client in the outbox: by the relay when there is one and the
/// client has an address, otherwise for the front desk to send by hand.
pub async fn sign_and_queue_checkins(
    state: &AppState,
    actor: &Actor,
    id: &str,
    version: i64,
    referral_reason: Option<&str>,
) -> Result<(NoteRecord, Vec<(Checkin, IssuedLink)>, EmailOutcome), StoreError> {
    let relay = state.config.mailer.is_some();
    let signature = myomap_clinic::signature::clinic_signature(&state.store, actor)
        .await
        .map_err(crate::pages::as_store_error)?;
    // The address the message went to, learnt inside the transaction.
    let mut recipient_email: Option<Option<String>> = None;
    let compose = |recipient: &Recipient, links: &[(Checkin, IssuedLink)]| {
        let urls: Vec<(u16, String)> = links
            .iter()
            .map(|(c, l)| (c.due_hours, link_url(&state.config.public_url, &l.token)))
            .collect();
        let (title, body) = crate::mail::checkin_email(&recipient.given_name, &actor.clinic_name, &urls);
        recipient_email = Some(recipient.email.clone());
        Some(OutboxDraft {
            kind: "checkin".into(),
            recipient: recipient.email.clone(),
            title,
            body: body + &signature,
            send_after: jiff::Timestamp::now(),
            delivery: if relay { Delivery::Relay } else { Delivery::ByHand },
        })
    };
    let (note, links, message) = state
        .store
        .clinic(actor)
        .sign_note_and_notify(id, version, referral_reason, compose)
        .await?;
    let outcome = match (message, recipient_email) {
        (Some(message_id), Some(Some(to))) if relay => EmailOutcome::Queued { to, message_id },
        (Some(message_id), Some(None)) => EmailOutcome::ByHand {
            reason: "The client has no email address on file.".into(),
            message_id,
        },
        (Some(message_id), _) => EmailOutcome::ByHand {
            reason: "Email is not set up on this server.".into(),
            message_id,
        },
        (None, _) => EmailOutcome::Failed("nothing was queued".into()),
    };
    Ok((note, links, outcome))
}
