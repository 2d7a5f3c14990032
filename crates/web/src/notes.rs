//! Charting helpers: a new note carried forward from the last one.

use axum::http::HeaderMap;
use myomap_domain::record::SessionNote;
use myomap_store::{Actor, Checkin, Delivery, IssuedLink, NoteRecord, NoteStatus, OutboxDraft};

use crate::AppState;
use crate::api::record::link_url;

/// How far back the dashboard looks for check-ins needing attention.
pub const DASHBOARD_DAYS: i64 = 14;

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

/// What became of the check-in message after signing. The message always
/// goes into the outbox first; the relay sends it, or the front desk does.
pub enum EmailOutcome {
    /// Queued for the mail relay, to this address.
    Queued { to: String, message_id: String },
    /// Listed under Messages for the front desk to send by hand.
    ByHand { reason: String, message_id: String },
    /// The message could not even be queued (the links are still shown).
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
            EmailOutcome::Failed(e) => format!("The message could not be queued ({e}); send the links by hand."),
        }
    }
}

/// Queues a just-signed note's check-in links for the client in the outbox.
pub async fn email_checkin_links(
    state: &AppState,
    actor: &Actor,
    note: &NoteRecord,
    links: &[(Checkin, IssuedLink)],
    headers: &HeaderMap,
) -> EmailOutcome {
    let scope = state.store.clinic(actor);
    let client = match scope.get_client(note.client_id).await {
        Ok(client) => client,
        Err(e) => return EmailOutcome::Failed(e.to_string()),
    };
    let urls: Vec<(u16, String)> = links
        .iter()
        .map(|(c, l)| (c.due_hours, link_url(headers, &l.token)))
        .collect();
    let (title, body) = crate::mail::checkin_email(&client.given_name, &actor.clinic_name, &urls);
    let relay = state.config.mailer.is_some();
    let reason = match (&client.email, relay) {
        (Some(_), true) => None,
        (None, _) => Some("The client has no email address on file."),
        (Some(_), false) => Some("Email is not set up on this server."),
    };
    let draft = OutboxDraft {
        kind: "checkin".into(),
        recipient: client.email.clone(),
        title,
        body,
        send_after: jiff::Timestamp::now(),
        delivery: if relay { Delivery::Relay } else { Delivery::ByHand },
    };
    match scope.enqueue_message(note.client_id, &note.id, &draft).await {
        Ok(message_id) => match (reason, client.email) {
            (None, Some(to)) => EmailOutcome::Queued { to, message_id },
            (reason, _) => EmailOutcome::ByHand {
                reason: reason.unwrap_or_default().to_owned(),
                message_id,
            },
        },
        Err(e) => EmailOutcome::Failed(e.to_string()),
    }
}
