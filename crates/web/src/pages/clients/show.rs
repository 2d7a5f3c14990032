//! A client's page: details, the clinical record's sections, appointments
//! and open links.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_domain::{Client, ClientId};
use myomap_store::Actor;
use serde::Deserialize;

use super::parse_id;
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};
use myomap_clinic::presenter::Presenter;

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    layout: Layout,
    id: ClientId,
    name: String,
    archived: bool,
    date_of_birth: String,
    age: i64,
    phone: String,
    email: String,
    notes: Option<String>,
    csrf: String,
    clinical: bool,
    intake: Option<IntakeView>,
    assessments: Vec<(String, String, String)>,
    sessions: Vec<SessionRow>,
    outcomes: Vec<OutcomeLine>,
    plans: Vec<PlanLine>,
    home_care: Option<(String, String, String)>,
    all_instruments: Vec<(&'static str, String)>,
    /// (appointment id, when, therapist, status label), latest first.
    appointments: Vec<(String, String, String, &'static str)>,
    therapists: Vec<(String, String)>,
    /// The client's open links, to copy or e-mail again until used.
    links: Vec<crate::pages::record::links::ShownLink>,
    /// The owner sees the erase form on a client not yet erased.
    erasable: bool,
    confirm_error: Option<String>,
}

pub struct IntakeView {
    status: &'static str,
    meta: String,
    outcome: String,
    outcome_class: &'static str,
    urgency: Option<myomap_clinic::screening::UrgencyView>,
    reasons: Vec<String>,
    precautions: Vec<String>,
    sign: Option<(String, i64)>,
}

struct SessionRow {
    id: String,
    date: String,
    status: &'static str,
    warnings: usize,
    minutes: u16,
    pressure: &'static str,
    techniques: String,
    pain: String,
    soreness24: String,
    soreness48: String,
}

/// The clinical sections of the client page.
#[derive(Default)]
struct RecordSections {
    intake: Option<IntakeView>,
    assessments: Vec<(String, String, String)>,
    sessions: Vec<SessionRow>,
    outcomes: Vec<OutcomeLine>,
    plans: Vec<PlanLine>,
    /// The latest handout: id, date, adherence.
    home_care: Option<(String, String, String)>,
}

/// A treatment plan on the client page.
struct PlanLine {
    id: String,
    title: String,
    progress: String,
    alerts: Vec<&'static str>,
}

/// One instrument on the client page: suggested for the client's conditions,
/// or already answered.
struct OutcomeLine {
    instrument: &'static str,
    name: String,
    suggested: bool,
    latest: String,
}

fn outcome_lines(
    intake: Option<&myomap_store::Intake>,
    questionnaires: &[myomap_store::Questionnaire],
) -> Vec<OutcomeLine> {
    let conditions: Vec<String> = intake.map(|i| i.form.conditions.clone()).unwrap_or_default();
    let suggested = myomap_scoring::suggested_for(&conditions);
    let progress = myomap_clinic::progress::progress(questionnaires);
    myomap_clinic::outcomes::RECORDED
        .iter()
        .filter(|i| suggested.contains(i) || progress.iter().any(|p| p.instrument == i.as_str()))
        .map(|i| {
            let latest = progress.iter().find(|p| p.instrument == i.as_str());
            OutcomeLine {
                instrument: i.as_str(),
                name: i.definition().name.clone(),
                suggested: suggested.contains(i),
                latest: latest.map_or_else(
                    || "not answered yet".to_owned(),
                    |p| {
                        format!(
                            "{} (baseline {}; {})",
                            myomap_clinic::progress::MeasureProgress::shown(p.latest),
                            myomap_clinic::progress::MeasureProgress::shown(p.baseline),
                            p.verdict_label()
                        )
                    },
                ),
            }
        })
        .collect()
}

fn intake_view(intake: &myomap_store::Intake, shown: &Presenter) -> IntakeView {
    use myomap_store::IntakeStatus;
    let verdict = intake.screening.as_ref().map(|s| &s.verdict);
    let strings = |key: &str, inner: Option<&str>| {
        verdict.map_or_else(Vec::new, |v| myomap_clinic::screening::verdict_texts(v, key, inner))
    };
    let outcome = intake
        .screening
        .as_ref()
        .map(|s| s.outcome.as_str())
        .unwrap_or_default();
    let meta = match (intake.status, &intake.submitted_at, &intake.signed_at) {
        (IntakeStatus::Requested, _, _) => "sent to the client, not answered yet".to_owned(),
        (IntakeStatus::Signed, _, Some(at)) => {
            format!(
                "reviewed and signed {} by {}",
                shown.date(*at),
                shown.person(intake.signed_by.as_deref().unwrap_or_default())
            )
        }
        (_, Some(at), _) => format!(
            "answered {}{}; waiting for your review",
            shown.time(*at),
            if intake.submitted_via.as_deref() == Some("client_link") {
                " by the client through the link"
            } else {
                " in the clinic"
            }
        ),
        _ => String::new(),
    };
    IntakeView {
        status: intake.status.as_str(),
        meta,
        outcome: match outcome {
            "" => String::new(),
            stored => myomap_clinic::screening::outcome_label(stored).into(),
        },
        outcome_class: myomap_clinic::screening::outcome_class(outcome),
        urgency: verdict.and_then(|v| myomap_clinic::screening::urgency_view(outcome, v)),
        reasons: strings("reasons", Some("text")),
        precautions: strings("precautions", None),
        sign: (intake.status == IntakeStatus::Submitted).then(|| (intake.id.clone(), intake.version)),
    }
}

/// One row per session: an amended note is shown as its latest amendment,
/// with the soreness check-ins of the note first signed for that session.
fn session_rows(notes: &[myomap_store::NoteRecord]) -> Vec<SessionRow> {
    let by_id: std::collections::HashMap<&str, &myomap_store::NoteRecord> =
        notes.iter().map(|n| (n.id.as_str(), n)).collect();
    notes
        .iter()
        .filter(|n| n.amended_by.is_none())
        .map(|current| {
            let mut first = current;
            // Amendment chains are short; the bound guards a damaged one.
            for _ in 0..notes.len() {
                match first.amends.as_deref().and_then(|id| by_id.get(id)) {
                    Some(earlier) => first = earlier,
                    None => break,
                }
            }
            session_row(current, first)
        })
        .collect()
}

fn session_row(note: &myomap_store::NoteRecord, first_signed: &myomap_store::NoteRecord) -> SessionRow {
    let soreness = |hours: u16| {
        first_signed
            .checkins
            .iter()
            .find(|c| c.due_hours == hours)
            .map(|c| {
                c.answer.as_ref().map_or_else(
                    || "no answer".to_owned(),
                    |a| {
                        let extra = if a.reports_new_symptom() { " +new" } else { "" };
                        format!("{}/10{extra}", a.soreness)
                    },
                )
            })
            .unwrap_or_else(|| "—".to_owned())
    };
    let pain = match (note.note.pain_before, note.note.pain_after) {
        (Some(before), Some(after)) => format!("{before} → {after}"),
        (Some(before), None) => format!("{before} →"),
        _ => "—".to_owned(),
    };
    SessionRow {
        id: note.id.clone(),
        date: note.note.date.clone(),
        status: match (note.status, &note.amends) {
            (myomap_store::NoteStatus::Draft, _) => "draft",
            (_, Some(_)) => "amended",
            _ => "",
        },
        warnings: note.note.discomfort_warnings().len(),
        minutes: note.note.duration_minutes,
        pressure: note.note.firmest_pressure().map_or("—", |p| p.as_str()),
        techniques: note.note.techniques.join(", "),
        pain,
        soreness24: soreness(24),
        soreness48: soreness(48),
    }
}

fn record_sections(record: myomap_store::ClientRecord, today: jiff::civil::Date, shown: &Presenter) -> RecordSections {
    let myomap_store::ClientRecord {
        intake,
        assessments,
        notes,
        questionnaires,
        plans,
        home_care,
        ..
    } = record;
    RecordSections {
        home_care: home_care.first().map(|h| {
            let (summary, _) = myomap_clinic::home_care::adherence(h, today);
            (h.id.clone(), shown.date(h.created_at), summary)
        }),
        plans: plans
            .iter()
            .filter_map(|stored| {
                let draft: myomap_plans::PlanDraft = serde_json::from_value(stored.plan.clone()).ok()?;
                let progress = myomap_clinic::treatment_plans::plan_progress(
                    stored,
                    &draft,
                    &notes,
                    &assessments,
                    &questionnaires,
                );
                let condition = myomap_domain::record::CONDITIONS
                    .iter()
                    .find(|(c, _)| *c == draft.condition)
                    .map_or("", |(_, l)| l);
                let closed = if stored.status == myomap_store::PlanStatus::Closed {
                    " (closed)"
                } else {
                    ""
                };
                Some(PlanLine {
                    id: stored.id.clone(),
                    title: format!("{condition} from {}{closed}", stored.starts_on),
                    progress: format!("{} of {} sessions", progress.sessions_done, progress.sessions_planned),
                    alerts: if closed.is_empty() {
                        progress.alerts.iter().map(|a| a.message()).collect()
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect(),
        outcomes: outcome_lines(intake.as_ref(), &questionnaires),
        intake: intake.as_ref().map(|i| intake_view(i, shown)),
        assessments: assessments
            .iter()
            .map(|a| {
                let pain: Vec<String> = a.record.pain_map.iter().take(4).map(|m| m.site.label()).collect();
                let summary = if pain.is_empty() {
                    "no pain map yet".to_owned()
                } else {
                    format!("pain: {}", pain.join(", "))
                };
                (
                    a.id.clone(),
                    format!("{} by {}", shown.date(a.created_at), shown.person(&a.created_by)),
                    summary,
                )
            })
            .collect(),
        sessions: session_rows(&notes),
    }
}

/// The client's appointments and who can be booked, for the client page.
#[derive(Default)]
struct ClientSchedule {
    appointments: Vec<(String, String, String, &'static str)>,
    therapists: Vec<(String, String)>,
    links: Vec<crate::pages::record::links::ShownLink>,
}

fn show_client(
    actor: &Actor,
    client: &Client,
    notice: Option<String>,
    record: RecordSections,
    schedule: ClientSchedule,
    erasable: bool,
) -> Response {
    let mut layout = Layout::signed_in(actor, "clients");
    layout.notice = notice;
    render(
        StatusCode::OK,
        &ClientPage {
            layout,
            id: client.id,
            name: client.full_name(),
            archived: client.archived,
            date_of_birth: client.date_of_birth.to_string(),
            age: client.age_on(crate::clinic_today(actor)),
            phone: client.phone.clone().unwrap_or_default(),
            email: client.email.clone().unwrap_or_default(),
            notes: actor
                .role
                .reads_clinical_record()
                .then(|| client.notes.clone().unwrap_or_default()),
            csrf: actor.csrf_token.clone(),
            clinical: actor.role.reads_clinical_record(),
            intake: record.intake,
            assessments: record.assessments,
            sessions: record.sessions,
            outcomes: record.outcomes,
            plans: record.plans,
            home_care: record.home_care,
            all_instruments: myomap_clinic::outcomes::RECORDED
                .iter()
                .map(|i| (i.as_str(), i.definition().name.clone()))
                .collect(),
            appointments: schedule.appointments,
            therapists: schedule.therapists,
            links: schedule.links,
            erasable,
            confirm_error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let overview = state
        .store
        .clinic(&actor)
        .client_overview(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let appointments = overview.appointments;
    let shown = Presenter::new(&actor, &overview.staff);
    let staff: Vec<_> = overview.staff.into_iter().filter(|s| s.treats_clients()).collect();
    let (client, record, own_therapist) = match overview.record {
        Some(record) => {
            let own = myomap_clinic::schedule::own_therapist(&staff, &appointments, &record.notes, &record.plans)
                .map(|t| t.id.clone());
            let today = crate::clinic_today(&actor);
            (overview.client, record_sections(record, today, &shown), own)
        }
        None => {
            let own = myomap_clinic::schedule::own_therapist(&staff, &appointments, &[], &[]).map(|t| t.id.clone());
            (overview.client, RecordSections::default(), own)
        }
    };
    let notice = params.saved.map(|_| "Saved.".to_owned());
    let zone = myomap_clinic::schedule::zone_of(&actor);
    // The online booking link offers the client's own therapist first.
    let mut therapists: Vec<(String, String)> = staff.into_iter().map(|t| (t.id, t.name)).collect();
    if let Some(own) = &own_therapist {
        therapists.sort_by_key(|(id, _)| id != own);
    }
    let schedule = ClientSchedule {
        appointments: appointments
            .iter()
            .take(12)
            .map(|a| {
                (
                    a.id.clone(),
                    myomap_clinic::schedule::local_text(a.starts_at, &zone),
                    a.therapist_name.clone(),
                    a.status.label(),
                )
            })
            .collect(),
        therapists,
        links: overview
            .links
            .iter()
            .map(|link| crate::pages::record::links::open(&state, &actor, link))
            .collect(),
    };
    let erasable = actor.role == myomap_domain::Role::Owner
        && !state
            .store
            .clinic(&actor)
            .is_erased(id)
            .await
            .map_err(|e| PageError::from((e, &actor)))?;
    Ok(show_client(&actor, &client, notice, record, schedule, erasable))
}
