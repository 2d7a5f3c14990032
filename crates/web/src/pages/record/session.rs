//! Session notes (SOAP): a new note starts from the client's previous one,
//! discomfort check-ins past the line are warned about and recorded, a signed
//! note is only amended, and signing creates the soreness check-ins.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::ClinicError;
use myomap_clinic::messages::client_link;
use myomap_clinic::presenter::Presenter;
use myomap_clinic::screening::SafetyBanner;
use myomap_clinic::vocabulary::ClinicalVocabulary;
use myomap_clinic::vocabulary::muscle_label;
use myomap_domain::ValidationErrors;
use myomap_domain::record::{CheckinAnswer, DiscomfortCheck, Pressure, SessionNote, TreatedPoint};
use myomap_store::{Actor, Checkin, IssuedLink, NoteRecord, NoteStatus, StoreError};

use super::{
    Pairs, TRIGGER_POINT_IDS, checked, client_id, muscle_options, muscle_value, parse_muscle, store_err, value, values,
};
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

const TECHNIQUES: [&str; 8] = [
    "ischemic compression",
    "stripping",
    "cross-fibre friction",
    "muscle energy technique",
    "positional release",
    "myofascial release",
    "stretching",
    "effleurage",
];
const PRESSURES: [&str; 4] = ["light", "moderate", "firm", "deep"];
const BLANK_ROWS: usize = 2;
const CHECKS_PER_ROW: usize = 2;

struct TreatedRow {
    muscle: String,
    tp: String,
    pressure: String,
    checks: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    layout: Layout,
    id: String,
    heading: String,
    client_id: String,
    client_name: String,
    status: String,
    problem: Option<String>,
    warnings: Vec<String>,
    links: Vec<(String, String)>,
    mail_note: Option<String>,
    editable: bool,
    amend: bool,
    action: String,
    csrf: String,
    version: Option<i64>,
    assessment_id: String,
    note: SessionNote,
    field_errors: HashMap<String, String>,
    pain_before: String,
    pain_after: String,
    technique_choices: Vec<(String, bool)>,
    other_techniques: String,
    treated_rows: Vec<TreatedRow>,
    muscle_options: &'static [(String, String)],
    tp_options: [&'static str; 5],
    pressures: [&'static str; 4],
    reason: String,
    safety: Option<SafetyBanner>,
    referral_reason: String,
    /// A new note links to an assessment only when the therapist picks one.
    assessment_choices: Vec<(String, String)>,
    techniques: String,
    signed_line: String,
    referral_line: String,
    amendment_line: String,
    amendment_link: Option<(String, String)>,
    treated_lines: Vec<String>,
    checkins: Vec<String>,
    can_amend: bool,
}

fn pressure_from(s: &str) -> Pressure {
    match s {
        "light" => Pressure::Light,
        "firm" => Pressure::Firm,
        "deep" => Pressure::Deep,
        _ => Pressure::Moderate,
    }
}

/// Reads the form; numbers that do not parse become field errors.
fn read_note(pairs: &Pairs) -> (SessionNote, ValidationErrors) {
    let mut errors = ValidationErrors::default();
    let duration_text = value(pairs, "duration_minutes").trim();
    let duration_minutes = duration_text.parse::<u16>().unwrap_or_else(|_| {
        errors.add(
            "duration_minutes",
            format!("\"{duration_text}\" is not a number of minutes"),
        );
        0
    });
    let pain = |key: &str| value(pairs, key).parse::<u8>().ok();
    let mut techniques: Vec<String> = values(pairs, "technique").into_iter().map(str::to_owned).collect();
    techniques.extend(
        value(pairs, "other_techniques")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    );
    let muscles = values(pairs, "t_muscle");
    let column = |key: &str| values(pairs, key);
    let (tps, pressures) = (column("t_tp"), column("t_pressure"));
    let checks: Vec<(Vec<&str>, Vec<&str>)> = (1..=CHECKS_PER_ROW)
        .map(|n| (column(&format!("t_check{n}")), column(&format!("t_sharp{n}"))))
        .collect();
    let mut treated = Vec::new();
    for (i, muscle) in muscles.iter().enumerate() {
        if muscle.is_empty() {
            continue;
        }
        let (muscle, side) = parse_muscle(muscle);
        let tp = tps.get(i).copied().filter(|t| !t.is_empty()).map(str::to_owned);
        let row_checks = checks
            .iter()
            .filter_map(|(values, sharp)| {
                let discomfort = values.get(i)?.parse::<u8>().ok()?;
                Some(DiscomfortCheck {
                    discomfort,
                    sharp: sharp.get(i).is_some_and(|s| *s == "yes"),
                })
            })
            .collect();
        treated.push(TreatedPoint {
            muscle,
            side,
            trigger_point: tp,
            pressure: pressure_from(pressures.get(i).copied().unwrap_or("moderate")),
            checks: row_checks,
        });
    }
    let note = SessionNote {
        date: value(pairs, "date").trim().to_owned(),
        duration_minutes,
        confirm_duration: checked(pairs, "confirm_duration"),
        techniques,
        subjective: value(pairs, "subjective").to_owned(),
        objective: value(pairs, "objective").to_owned(),
        assessment: value(pairs, "assessment").to_owned(),
        plan: value(pairs, "plan").to_owned(),
        pain_before: pain("pain_before"),
        pain_after: pain("pain_after"),
        treated,
    };
    (note, errors)
}

fn warning_lines(note: &SessionNote) -> Vec<String> {
    note.discomfort_warnings()
        .iter()
        .map(|w| {
            let felt = if w.sharp { ", felt sharp" } else { "" };
            format!(
                "{}: discomfort {}/10{felt}",
                muscle_label(&w.muscle, w.side),
                w.discomfort
            )
        })
        .collect()
}

pub fn answer_summary(answer: &CheckinAnswer) -> String {
    let mut parts = vec![format!("soreness {}/10", answer.soreness)];
    for (present, label) in [
        (answer.numbness, "numbness"),
        (answer.bruising, "bruising"),
        (answer.sharp_pain, "sharp pain"),
    ] {
        if present {
            parts.push(label.to_owned());
        }
    }
    if !answer.areas.is_empty() {
        parts.push(format!(
            "at {}",
            answer.areas.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")
        ));
    }
    if !answer.comment.is_empty() {
        parts.push(format!("“{}”", answer.comment));
    }
    parts.join(", ")
}

fn checkin_line(checkin: &Checkin, shown: &Presenter) -> String {
    let now = jiff::Timestamp::now();
    let flags: Vec<&str> = checkin.flags(now).iter().map(|f| f.label()).collect();
    let flagged = if flags.is_empty() {
        String::new()
    } else {
        format!(" — flagged: {}", flags.join("; "))
    };
    match &checkin.answer {
        Some(answer) => format!("{} h: {}{flagged}", checkin.due_hours, answer_summary(answer)),
        None => format!(
            "{} h: not answered yet (due {}){flagged}",
            checkin.due_hours,
            shown.time(checkin.due_at)
        ),
    }
}

struct PageSpec<'a> {
    shown: &'a Presenter,
    actor: &'a Actor,
    client_id: String,
    client_name: String,
    heading: &'a str,
    record: Option<&'a NoteRecord>,
    note: SessionNote,
    editable: bool,
    amend: bool,
    action: String,
    assessment_id: String,
    errors: &'a ValidationErrors,
    problem: Option<String>,
    links: Vec<(String, String)>,
    mail_note: Option<String>,
    reason: String,
    safety: Option<SafetyBanner>,
    referral_reason: String,
    assessment_choices: Vec<(String, String)>,
}

fn session_page(spec: PageSpec<'_>) -> SessionPage {
    let note = spec.note;
    let mut rows: Vec<TreatedRow> = note
        .treated
        .iter()
        .map(|p| TreatedRow {
            muscle: muscle_value(&p.muscle, p.side),
            tp: p.trigger_point.clone().unwrap_or_default(),
            pressure: p.pressure.as_str().to_owned(),
            checks: (0..CHECKS_PER_ROW)
                .map(|i| {
                    p.checks
                        .get(i)
                        .map_or((String::new(), false), |c| (c.discomfort.to_string(), c.sharp))
                })
                .collect(),
        })
        .collect();
    for _ in 0..BLANK_ROWS {
        rows.push(TreatedRow {
            muscle: String::new(),
            tp: String::new(),
            pressure: "moderate".into(),
            checks: vec![(String::new(), false); CHECKS_PER_ROW],
        });
    }
    let known: Vec<&str> = TECHNIQUES.to_vec();
    let record = spec.record;
    let field_errors: HashMap<String, String> = spec
        .errors
        .0
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect();
    let other_errors: Vec<String> = spec
        .errors
        .0
        .iter()
        .filter(|e| {
            !matches!(
                e.field.as_str(),
                "date" | "duration_minutes" | "reason" | "referral_reason"
            )
        })
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    let problem = spec.problem.or_else(|| {
        (!spec.errors.is_empty()).then(|| {
            let mut text = "Some fields need attention; nothing was saved yet.".to_owned();
            if !other_errors.is_empty() {
                text.push(' ');
                text.push_str(&other_errors.join("; "));
            }
            text
        })
    });
    SessionPage {
        layout: Layout::signed_in(spec.actor, "clients"),
        id: record.map(|r| r.id.clone()).unwrap_or_default(),
        heading: spec.heading.to_owned(),
        client_id: spec.client_id,
        client_name: spec.client_name,
        status: record
            .map_or("new", |r| {
                if r.status == NoteStatus::Signed {
                    "signed"
                } else {
                    "draft"
                }
            })
            .to_owned(),
        problem,
        warnings: warning_lines(&note),
        links: spec.links,
        mail_note: spec.mail_note,
        editable: spec.editable,
        amend: spec.amend,
        action: spec.action,
        csrf: spec.actor.csrf_token.clone(),
        version: record.filter(|_| !spec.amend).map(|r| r.version),
        assessment_id: spec.assessment_id,
        field_errors,
        pain_before: note.pain_before.map(|p| p.to_string()).unwrap_or_default(),
        pain_after: note.pain_after.map(|p| p.to_string()).unwrap_or_default(),
        technique_choices: TECHNIQUES
            .iter()
            .map(|t| ((*t).to_owned(), note.techniques.iter().any(|n| n == t)))
            .collect(),
        other_techniques: note
            .techniques
            .iter()
            .filter(|t| !known.contains(&t.as_str()))
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        treated_rows: rows,
        muscle_options: muscle_options(),
        tp_options: TRIGGER_POINT_IDS,
        pressures: PRESSURES,
        reason: spec.reason,
        safety: spec.safety,
        referral_reason: spec.referral_reason,
        assessment_choices: spec.assessment_choices,
        techniques: if note.techniques.is_empty() {
            "—".into()
        } else {
            note.techniques.join(", ")
        },
        referral_line: record.and_then(|r| r.referral_reason.clone()).unwrap_or_default(),
        signed_line: record
            .and_then(|r| {
                r.signed_at.map(|at| {
                    format!(
                        "{} by {}",
                        spec.shown.time(at),
                        spec.shown.person(r.signed_by.as_deref().unwrap_or_default())
                    )
                })
            })
            .unwrap_or_else(|| "not yet".into()),
        amendment_line: record
            .map(|r| match (&r.amends, &r.amended_by) {
                (Some(_), _) => format!(
                    "This note amends an earlier one. Reason: {}.",
                    r.amendment_reason.clone().unwrap_or_default()
                ),
                (None, Some(_)) => "This note was amended; the amendment is the current version.".to_owned(),
                _ => String::new(),
            })
            .unwrap_or_default(),
        amendment_link: record.and_then(|r| {
            r.amends
                .as_ref()
                .map(|id| (format!("/sessions/{id}"), "See the original".to_owned()))
                .or_else(|| {
                    r.amended_by
                        .as_ref()
                        .map(|id| (format!("/sessions/{id}"), "See the amendment".to_owned()))
                })
        }),
        treated_lines: note
            .treated
            .iter()
            .map(|p| {
                let checks: Vec<String> = p
                    .checks
                    .iter()
                    .map(|c| format!("{}{}", c.discomfort, if c.sharp { " sharp" } else { "" }))
                    .collect();
                let point = p
                    .trigger_point
                    .as_deref()
                    .map(|tp| format!(" {tp}"))
                    .unwrap_or_default();
                let checks = if checks.is_empty() {
                    String::new()
                } else {
                    format!("; discomfort {}", checks.join(", "))
                };
                format!(
                    "{}{point}: {} pressure{checks}",
                    muscle_label(&p.muscle, p.side),
                    p.pressure.as_str()
                )
            })
            .collect(),
        checkins: record
            .map(|r| r.checkins.iter().map(|c| checkin_line(c, spec.shown)).collect())
            .unwrap_or_default(),
        can_amend: record.is_some_and(|r| r.status == NoteStatus::Signed && r.amended_by.is_none()),
        note,
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let record = scope.get_client(client).await.map_err(store_err(&actor))?;
    let note = myomap_clinic::notes::carry_forward(&state.store, &actor, &myomap_clinic::SystemClock, client)
        .await
        .map_err(|e| crate::pages::PageError::from((e, &actor)))?;
    let assessment_choices = assessment_choices(&scope, client, &actor).await?;
    let safety = myomap_clinic::screening::safety_banner_for(&scope, client)
        .await
        .map_err(store_err(&actor))?;
    let referral_reason = String::new();
    let shown = Presenter::of(&scope, &actor).await.map_err(store_err(&actor))?;
    let page = session_page(PageSpec {
        shown: &shown,
        actor: &actor,
        client_id: id.clone(),
        client_name: record.full_name(),
        heading: "New session note",
        record: None,
        note,
        editable: true,
        amend: false,
        action: format!("/clients/{id}/sessions"),
        assessment_id: String::new(),
        errors: &ValidationErrors::default(),
        problem: None,
        links: Vec::new(),
        mail_note: None,
        reason: String::new(),
        safety,
        referral_reason,
        assessment_choices,
    });
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let (note, mut errors) = read_note(&pairs);
    if let Err(more) = note.validate(&ClinicalVocabulary) {
        errors.0.extend(more.0);
    }
    let assessment_id = value(&pairs, "assessment_id").to_owned();
    if errors.is_empty() {
        let assessment = (!assessment_id.is_empty()).then_some(assessment_id.as_str());
        let created = scope
            .create_note(client, assessment, &note)
            .await
            .map_err(store_err(&actor))?;
        return Ok(Redirect::to(&format!("/sessions/{}", created.id)).into_response());
    }
    let record = scope.get_client(client).await.map_err(store_err(&actor))?;
    let safety = myomap_clinic::screening::safety_banner_for(&scope, client)
        .await
        .map_err(store_err(&actor))?;
    let referral_reason = String::new();
    let assessment_choices = assessment_choices(&scope, client, &actor).await?;
    let shown = Presenter::of(&scope, &actor).await.map_err(store_err(&actor))?;
    let page = session_page(PageSpec {
        shown: &shown,
        actor: &actor,
        client_id: id.clone(),
        client_name: record.full_name(),
        heading: "New session note",
        record: None,
        note,
        editable: true,
        amend: false,
        action: format!("/clients/{id}/sessions"),
        assessment_id,
        errors: &errors,
        problem: None,
        links: Vec::new(),
        mail_note: None,
        reason: String::new(),
        safety,
        referral_reason,
        assessment_choices,
    });
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Links to show with the note and what happened to their email.
type SignedLinks = (Vec<(String, String)>, Option<String>);

// One page shown after every outcome of a save: each argument is a part of
// it that some caller fills in (links after signing, errors, what was typed).
#[allow(clippy::too_many_arguments)]
async fn show_note(
    state: &AppState,
    actor: &Actor,
    record: &NoteRecord,
    (links, mail_note): SignedLinks,
    errors: &ValidationErrors,
    note: Option<SessionNote>,
    problem: Option<String>,
    referral_reason: String,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(actor);
    let client = scope.get_client(record.client_id).await.map_err(store_err(actor))?;
    // A signed note is history: the banner belongs where treatment is
    // still being recorded.
    let safety = if record.status == NoteStatus::Draft {
        myomap_clinic::screening::safety_banner_for(&scope, record.client_id)
            .await
            .map_err(store_err(actor))?
    } else {
        None
    };
    let assessment_choices = Vec::new();
    let draft = record.status == NoteStatus::Draft;
    let status = if errors.is_empty() && problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown = Presenter::of(&scope, actor).await.map_err(store_err(actor))?;
    let page = session_page(PageSpec {
        shown: &shown,
        actor,
        client_id: record.client_id.to_string(),
        client_name: client.full_name(),
        heading: if draft { "Session note (draft)" } else { "Session note" },
        record: Some(record),
        note: note.unwrap_or_else(|| record.note.clone()),
        editable: draft,
        amend: false,
        action: format!("/sessions/{}", record.id),
        assessment_id: record.assessment_id.clone().unwrap_or_default(),
        errors,
        problem,
        links,
        mail_note,
        reason: String::new(),
        safety,
        referral_reason,
        assessment_choices,
    });
    Ok(render(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = state
        .store
        .clinic(&actor)
        .get_note(&id)
        .await
        .map_err(store_err(&actor))?;
    show_note(
        &state,
        &actor,
        &record,
        (Vec::new(), None),
        &ValidationErrors::default(),
        None,
        None,
        String::new(),
    )
    .await
}

/// The client's assessments to link a new note to, newest first.
async fn assessment_choices(
    scope: &myomap_store::ClinicScope<'_>,
    client: myomap_domain::ClientId,
    actor: &Actor,
) -> Result<Vec<(String, String)>, PageError> {
    let shown = Presenter::of(scope, actor).await.map_err(store_err(actor))?;
    Ok(scope
        .assessments_for(client)
        .await
        .map_err(store_err(actor))?
        .into_iter()
        .map(|a| {
            let when = shown.date(a.created_at);
            (a.id, format!("Assessment of {when} by {}", shown.person(&a.created_by)))
        })
        .collect())
}

fn link_rows(public_url: &str, links: &[(Checkin, IssuedLink)]) -> Vec<(String, String)> {
    links
        .iter()
        .map(|(c, l)| {
            (
                format!("{}-hour check-in", c.due_hours),
                client_link(public_url, &l.token),
            )
        })
        .collect()
}

/// Saves a draft; with `action=sign` also signs it and shows the check-in links.
pub async fn save(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let current = scope.get_note(&id).await.map_err(store_err(&actor))?;
    let version = value(&pairs, "version").parse::<i64>().unwrap_or(-1);
    let referral_reason = value(&pairs, "referral_reason").to_owned();
    let (note, mut errors) = read_note(&pairs);
    if let Err(more) = note.validate(&ClinicalVocabulary) {
        errors.0.extend(more.0);
    }
    if !errors.is_empty() {
        return show_note(
            &state,
            &actor,
            &current,
            (Vec::new(), None),
            &errors,
            Some(note),
            None,
            referral_reason,
        )
        .await;
    }
    let saved = match scope.update_note(&id, version, &note).await {
        Ok(saved) => saved,
        Err(StoreError::Conflict(m)) => {
            return show_note(
                &state,
                &actor,
                &current,
                (Vec::new(), None),
                &errors,
                Some(note),
                Some(m),
                referral_reason,
            )
            .await;
        }
        Err(e) => return Err(PageError::from((e, &actor))),
    };
    if value(&pairs, "action") != "sign" {
        return Ok(Redirect::to(&format!("/sessions/{id}")).into_response());
    }
    let reason = Some(referral_reason.as_str()).filter(|r| !r.trim().is_empty());
    let signing = myomap_clinic::notes::sign_and_queue_checkins(
        &state.store,
        &actor,
        &state.messages(),
        &id,
        saved.version,
        reason,
    )
    .await;
    let (signed, links, email) = match signing {
        Ok(signed) => signed,
        // The draft is saved; the page asks for what signing still needs.
        Err(ClinicError::Invalid(errors)) => {
            return show_note(
                &state,
                &actor,
                &saved,
                (Vec::new(), None),
                &errors,
                None,
                None,
                referral_reason,
            )
            .await;
        }
        Err(e) => return Err(PageError::from((e, &actor))),
    };
    show_note(
        &state,
        &actor,
        &signed,
        (link_rows(&state.config.public_url, &links), Some(email.line())),
        &ValidationErrors::default(),
        None,
        None,
        String::new(),
    )
    .await
}

pub async fn amend_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let record = scope.get_note(&id).await.map_err(store_err(&actor))?;
    let client = scope.get_client(record.client_id).await.map_err(store_err(&actor))?;
    let safety = None;
    let referral_reason = String::new();
    let assessment_choices = Vec::new();
    let shown = Presenter::of(&scope, &actor).await.map_err(store_err(&actor))?;
    let page = session_page(PageSpec {
        shown: &shown,
        actor: &actor,
        client_id: record.client_id.to_string(),
        client_name: client.full_name(),
        heading: "Amend session note",
        record: Some(&record),
        note: record.note.clone(),
        editable: true,
        amend: true,
        action: format!("/sessions/{id}/amend"),
        assessment_id: String::new(),
        errors: &ValidationErrors::default(),
        problem: None,
        links: Vec::new(),
        mail_note: None,
        reason: String::new(),
        safety,
        referral_reason,
        assessment_choices,
    });
    Ok(render(StatusCode::OK, &page))
}

pub async fn amend(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let (note, mut errors) = read_note(&pairs);
    if let Err(more) = note.validate(&ClinicalVocabulary) {
        errors.0.extend(more.0);
    }
    let reason = value(&pairs, "reason").trim().to_owned();
    if reason.is_empty() {
        errors.add("reason", "say why the note is amended");
    }
    let problem = if errors.is_empty() {
        match scope.amend_note(&id, &note, &reason).await {
            Ok(amended) => return Ok(Redirect::to(&format!("/sessions/{}", amended.id)).into_response()),
            Err(StoreError::Conflict(m)) => Some(m),
            Err(e) => return Err(PageError::from((e, &actor))),
        }
    } else {
        None
    };
    let record = scope.get_note(&id).await.map_err(store_err(&actor))?;
    let client = scope.get_client(record.client_id).await.map_err(store_err(&actor))?;
    let safety = None;
    let referral_reason = String::new();
    let assessment_choices = Vec::new();
    let shown = Presenter::of(&scope, &actor).await.map_err(store_err(&actor))?;
    let page = session_page(PageSpec {
        shown: &shown,
        actor: &actor,
        client_id: record.client_id.to_string(),
        client_name: client.full_name(),
        heading: "Amend session note",
        record: Some(&record),
        note,
        editable: true,
        amend: true,
        action: format!("/sessions/{id}/amend"),
        assessment_id: String::new(),
        errors: &errors,
        problem,
        links: Vec::new(),
        mail_note: None,
        reason,
        safety,
        referral_reason,
        assessment_choices,
    });
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn new_checkin_link(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let link = state
        .store
        .clinic(&actor)
        .reissue_checkin_link(&id)
        .await
        .map_err(store_err(&actor))?;
    let page = crate::pages::MessagePage {
        layout: Layout::signed_in(&actor, "dashboard"),
        title: "New check-in link".into(),
        lines: vec!["The previous link for this check-in no longer works. Send this one to the client.".into()],
        links: vec![super::links::issued(&state, &actor, &link)],
        back: "/dashboard".into(),
        back_label: "Back to the dashboard".into(),
    };
    Ok(render(StatusCode::CREATED, &page))
}
