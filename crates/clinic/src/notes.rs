//! Session notes: a new note carried forward from the last one, dated on
//! the clinic's day.

use myomap_domain::ClientId;
use myomap_domain::record::SessionNote;
use myomap_store::{Actor, NoteRecord, NoteStatus, Store};

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
