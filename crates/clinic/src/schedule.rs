//! Scheduling rules both faces share.

use myomap_store::{Appointment, AppointmentStatus, NoteRecord, NoteStatus, PlanStatus, StaffMember, StoredPlan};

/// Whom a client books with unless someone chooses otherwise: the therapist
/// of their latest appointment that was not cancelled, else whoever signed
/// their latest note, else whoever wrote their active plan. `None` for a
/// client nobody has treated yet. Only therapists on the staff list count.
pub fn own_therapist<'a>(
    staff: &'a [StaffMember],
    appointments: &[Appointment],
    notes: &[NoteRecord],
    plans: &[StoredPlan],
) -> Option<&'a StaffMember> {
    let by_id = |id: &str| staff.iter().find(|s| s.id == id);
    let by_email = |email: &str| staff.iter().find(|s| s.email == email);
    let booked = appointments
        .iter()
        .filter(|a| a.status != AppointmentStatus::Cancelled)
        .max_by_key(|a| a.starts_at)
        .and_then(|a| by_id(&a.therapist_id));
    let signed = || {
        notes
            .iter()
            .filter(|n| n.status == NoteStatus::Signed)
            .max_by(|a, b| (a.note.date.as_str(), a.created_at).cmp(&(b.note.date.as_str(), b.created_at)))
            .and_then(|n| n.signed_by.as_deref())
            .and_then(by_email)
    };
    let planned = || {
        plans
            .iter()
            .filter(|p| p.status == PlanStatus::Active)
            .max_by_key(|p| p.created_at)
            .and_then(|p| by_email(&p.created_by))
    };
    booked.or_else(signed).or_else(planned)
}
