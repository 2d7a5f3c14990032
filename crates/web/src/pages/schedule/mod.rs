//! The calendar pages: a therapist's day (the agenda with each client's
//! flags, free slots to book) and week, the booking form, an appointment
//! with its actions, the calendar settings (hours, rooms, feed, time zone)
//! and the messages waiting in the outbox. This module holds what the
//! screens share: the therapist picker, the agenda lines and their flags.

pub mod booking;
pub mod day;
pub mod hours;
pub mod outbox;
pub mod settings;
pub mod time_off;
pub mod week;

use myomap_clinic::SystemClock;
use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use myomap_domain::ClientId;
use myomap_plans::PlanDraft;
use myomap_schedule::WeeklyHours;
use myomap_store::{Actor, Appointment, ClinicScope, PlanStatus, StaffMember, StoreError};
use serde::Deserialize;

use myomap_clinic::schedule::{self as scheduling, day_span, local_time};

#[derive(Deserialize, Default)]
pub struct DayParams {
    day: Option<String>,
    therapist: Option<String>,
    notice: Option<String>,
}

pub struct AgendaRow {
    pub id: String,
    pub time: String,
    pub client_id: String,
    pub client_name: String,
    pub minutes: u16,
    pub room: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub flags: Vec<(&'static str, String)>,
}

fn parse_day(text: Option<&str>, zone: &TimeZone) -> Date {
    text.and_then(|d| d.parse().ok())
        .unwrap_or_else(|| scheduling::today_at(zone, &SystemClock))
}

/// The therapist a page is about: the one asked for, else the signed-in
/// person when they treat clients, else the first on the staff.
async fn chosen_therapist(
    scope: &ClinicScope<'_>,
    actor: &Actor,
    asked: Option<&str>,
) -> Result<(StaffMember, Vec<StaffMember>), StoreError> {
    let therapists = scope.therapists().await?;
    let chosen = asked
        .and_then(|id| therapists.iter().find(|t| t.id == id))
        .or_else(|| therapists.iter().find(|t| t.id == actor.user_id.to_string()))
        .or_else(|| therapists.first())
        .cloned()
        .ok_or(StoreError::NotFound("therapist"))?;
    Ok((chosen, therapists))
}

fn options(therapists: &[StaffMember]) -> Vec<(String, String)> {
    therapists.iter().map(|t| (t.id.clone(), t.name.clone())).collect()
}

/// Each client's flags for the agenda: suitability, soreness alerts,
/// plan alerts. Reading them is a read of the clinical record (audited),
/// so only clinical roles get them.
pub(crate) async fn agenda_flags(
    scope: &ClinicScope<'_>,
    clients: &[ClientId],
) -> Result<HashMap<ClientId, Vec<(&'static str, String)>>, StoreError> {
    let flagged = scope.flagged_checkins(myomap_clinic::notes::DASHBOARD_DAYS).await?;
    let mut unique: Vec<ClientId> = clients.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut out = HashMap::new();
    for record in scope.client_records(&unique).await? {
        let client = &record.client.id;
        let mut flags: Vec<(&'static str, String)> = Vec::new();
        match record.intake.as_ref().and_then(|i| i.screening.as_ref()) {
            Some(s) if s.outcome == "refer_first" => {
                // The urgency decides what the front desk does with the
                // booking today, so it is on the agenda, not only the intake.
                let urgency = myomap_clinic::screening::urgency_view(&s.outcome, &s.verdict)
                    .map_or_else(|| "Routine".to_owned(), |u| u.label);
                flags.push(("refer", format!("Refer first ({urgency})")));
            }
            Some(s) if s.outcome == "suitable_with_precautions" => flags.push(("precautions", "Precautions".into())),
            Some(s) if s.outcome == "suitable" => flags.push(("suitable", "Suitable".into())),
            // Never read as suitable: see myomap_clinic::screening.
            Some(s) => flags.push(("refer", myomap_clinic::screening::outcome_label(&s.outcome).into())),
            None => flags.push(("missing", "No intake yet".into())),
        }
        if flagged.iter().any(|f| f.client_id == *client) {
            flags.push(("refer", "Soreness alert".into()));
        }
        for stored in record.plans.iter().filter(|p| p.status == PlanStatus::Active) {
            if let Ok(plan) = serde_json::from_value::<PlanDraft>(stored.plan.clone()) {
                let progress = myomap_clinic::treatment_plans::plan_progress(
                    stored,
                    &plan,
                    &record.notes,
                    &record.assessments,
                    &record.questionnaires,
                );
                for alert in progress.alerts {
                    flags.push((
                        "precautions",
                        match alert {
                            myomap_plans::PlanAlert::ReassessmentDue => "Re-assessment due".into(),
                            myomap_plans::PlanAlert::PlannedSessionsDoneWithoutImprovement => {
                                "Plan done, no improvement".into()
                            }
                            myomap_plans::PlanAlert::PlannedSessionsDone => "Planned sessions done".into(),
                        },
                    ));
                }
            }
        }
        out.insert(*client, flags);
    }
    Ok(out)
}

pub(crate) fn agenda_row(a: &Appointment, zone: &TimeZone, flags: Vec<(&'static str, String)>) -> AgendaRow {
    AgendaRow {
        id: a.id.clone(),
        time: format!("{}–{}", local_time(a.starts_at, zone), local_time(a.ends_at, zone)),
        client_id: a.client_id.to_string(),
        client_name: a.client_name.clone(),
        minutes: a.minutes,
        room: a.room_name.clone().unwrap_or_default(),
        status: a.status.as_str(),
        status_label: a.status.label(),
        flags,
    }
}

/// "Away 09:00–17:00 (holiday)" for the part of the time off on `day`.
fn away_line(t: &myomap_store::TimeOff, day: Date, zone: &TimeZone) -> String {
    let (start, end) = day_span(day, zone);
    let from = if t.starts_at <= start {
        "start of day".to_owned()
    } else {
        local_time(t.starts_at, zone)
    };
    let to = if t.ends_at >= end {
        "end of day".to_owned()
    } else {
        local_time(t.ends_at, zone)
    };
    let span = if t.starts_at <= start && t.ends_at >= end {
        "all day".to_owned()
    } else {
        format!("{from}–{to}")
    };
    if t.reason.is_empty() {
        format!("Away {span}")
    } else {
        format!("Away {span} ({})", t.reason)
    }
}

fn hours_text(hours: &WeeklyHours, day: Date, zone: &TimeZone) -> String {
    let spans: Vec<String> = hours
        .open_on(day, zone)
        .iter()
        .map(|s| format!("{}–{}", local_time(s.start, zone), local_time(s.end, zone)))
        .collect();
    if spans.is_empty() {
        "Not working".into()
    } else {
        spans.join(", ")
    }
}
