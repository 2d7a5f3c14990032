//! Session notes: a new note carried forward from the last one, dated on
//! the clinic's day, and signing one with its check-in links queued for
//! the client in the same transaction.

use myomap_domain::ClientId;
use myomap_domain::record::SessionNote;
use myomap_store::{Actor, Checkin, IssuedLink, NoteRecord, NoteStatus, OutboxDraft, Recipient, Store};

use crate::messages::{Messages, checkin_email, clinic_signature};
use crate::{ClinicError, Clock, today_in};

/// The draft a new session starts from (an audited read of the client's
/// notes), dated today where the clinic is.
pub async fn carry_forward(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
) -> Result<SessionNote, ClinicError> {
    let notes = store.clinic(actor).notes_for(client).await?;
    let today = today_in(&actor.time_zone, clock);
    Ok(carried_forward(&notes, &today.to_string()))
}

/// A note for today that repeats what was treated last time (muscles,
/// pressure, techniques, duration) and leaves what must be asked again (pain,
/// discomfort check-ins, the narrative) empty. Starts blank without a
/// signed note to carry from.
pub fn carried_forward(notes: &[NoteRecord], today: &str) -> SessionNote {
    let previous = notes
        .iter()
        .filter(|n| n.status == NoteStatus::Signed && n.amended_by.is_none())
        .max_by(|a, b| (a.note.date.as_str(), a.created_at).cmp(&(b.note.date.as_str(), b.created_at)));
    let mut note = SessionNote {
        date: today.to_owned(),
        duration_minutes: 60,
        confirm_duration: false,
        techniques: Vec::new(),
        subjective: String::new(),
        objective: String::new(),
        assessment: String::new(),
        plan: String::new(),
        pain_before: None,
        pain_after: None,
        treated: Vec::new(),
    };
    if let Some(previous) = previous {
        note.duration_minutes = previous.note.duration_minutes;
        note.confirm_duration = previous.note.confirm_duration;
        note.techniques = previous.note.techniques.clone();
        note.plan = previous.note.plan.clone();
        note.treated = previous
            .note
            .treated
            .iter()
            .cloned()
            .map(|mut p| {
                p.checks.clear();
                p
            })
            .collect();
    }
    note
}

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
    store: &Store,
    actor: &Actor,
    messages: &Messages<'_>,
    id: &str,
    version: i64,
    referral_reason: Option<&str>,
) -> Result<(NoteRecord, Vec<(Checkin, IssuedLink)>, EmailOutcome), ClinicError> {
    let relay = messages.relay;
    let signature = clinic_signature(store, actor).await?;
    let now = messages.clock.now();
    // The address the message went to, learnt inside the transaction.
    let mut recipient_email: Option<Option<String>> = None;
    let compose = |recipient: &Recipient, links: &[(Checkin, IssuedLink)]| {
        let urls: Vec<(u16, String)> = links
            .iter()
            .map(|(c, l)| (c.due_hours, messages.client_link(&l.token)))
            .collect();
        let (title, body) = checkin_email(&recipient.given_name, &actor.clinic_name, &urls);
        recipient_email = Some(recipient.email.clone());
        Some(OutboxDraft {
            kind: "checkin".into(),
            recipient: recipient.email.clone(),
            title,
            body: body + &signature,
            send_after: now,
            delivery: messages.delivery(),
        })
    };
    let (note, links, message) = store
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
