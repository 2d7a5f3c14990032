//! Charting helpers: a new note carried forward from the last one.

use axum::http::HeaderMap;
use myomap_domain::record::SessionNote;
use myomap_store::{Actor, Checkin, IssuedLink, NoteRecord, NoteStatus};

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

/// What happened to the check-in email after signing.
pub enum EmailOutcome {
    /// No relay configured: the therapist sends the links.
    NotConfigured,
    NoAddress,
    Sent(String),
    Failed(String),
}

impl EmailOutcome {
    pub fn line(&self) -> String {
        match self {
            EmailOutcome::NotConfigured => "Email is not set up; send the links to the client yourself.".into(),
            EmailOutcome::NoAddress => "The client has no email address on file; send the links another way.".into(),
            EmailOutcome::Sent(to) => format!("The links were emailed to {to}."),
            EmailOutcome::Failed(e) => format!("The email could not be sent ({e}); send the links by hand."),
        }
    }
}

/// Emails a just-signed note's check-in links to the client, when a relay is
/// configured and the client has an address.
pub async fn email_checkin_links(
    state: &AppState,
    actor: &Actor,
    note: &NoteRecord,
    links: &[(Checkin, IssuedLink)],
    headers: &HeaderMap,
) -> EmailOutcome {
    let Some(mailer) = &state.config.mailer else {
        return EmailOutcome::NotConfigured;
    };
    let client = match state.store.clinic(actor).get_client(note.client_id).await {
        Ok(client) => client,
        Err(e) => return EmailOutcome::Failed(e.to_string()),
    };
    let Some(to) = client.email.clone() else {
        return EmailOutcome::NoAddress;
    };
    let urls: Vec<(u16, String)> = links
        .iter()
        .map(|(c, l)| (c.due_hours, link_url(headers, &l.token)))
        .collect();
    let (subject, body) = crate::mail::checkin_email(&client.given_name, &actor.clinic_name, &urls);
    match mailer.send(&to, &subject, body).await {
        Ok(()) => EmailOutcome::Sent(to),
        Err(e) => {
            tracing::warn!(error = %e, "check-in email failed");
            EmailOutcome::Failed(e.to_string())
        }
    }
}
