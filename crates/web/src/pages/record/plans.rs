//! Treatment plans in the browser: start one from a protocol, edit it, see
//! its progress and close it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::screening::{SafetyBanner, safety_banner_for};
use myomap_clinic::treatment_plans::{self, PlanWithProgress};
use myomap_clinic::{ClinicError, SystemClock};
use myomap_domain::ValidationErrors;
use myomap_domain::record::CONDITIONS;
use myomap_plans::{Goal, PlanDraft, Target};
use myomap_store::{Actor, PlanStatus};
use serde::Deserialize;

use super::{Pairs, client_id, store_err, value, values};
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

const GOAL_ROWS: usize = 4;

/// A goal row as typed: instrument, target kind, value or band, label.
type GoalRow = (String, String, String, String);
const KINDS: [(&str, &str); 4] = [
    ("at_most", "at most"),
    ("at_least", "at least"),
    ("below_band", "below band"),
    ("psfs_activity_at_least", "PSFS activities at least"),
];

pub struct ProtocolInfo {
    summary: String,
    assess_first: String,
    refer_when: String,
    evidence: String,
    sources: String,
}

#[derive(Template)]
#[template(path = "plan_form.html")]
struct PlanForm {
    safety: Option<SafetyBanner>,
    layout: Layout,
    heading: String,
    problem: Option<String>,
    show_protocols: bool,
    new_action: String,
    protocols: Vec<(String, String, bool)>,
    protocol: String,
    protocol_info: Option<ProtocolInfo>,
    action: String,
    cancel: String,
    csrf: String,
    version: Option<i64>,
    conditions: Vec<(&'static str, &'static str)>,
    condition: String,
    starts_on: String,
    sessions_planned: String,
    interval_days: String,
    session_minutes: String,
    reassess_every: String,
    goals: Vec<GoalRow>,
    instruments: Vec<(&'static str, String)>,
    kinds: [(&'static str, &'static str); 4],
    precautions: String,
    notes: String,
    errors: Vec<String>,
}

fn goal_row(goal: &Goal) -> GoalRow {
    let (kind, value) = match &goal.target {
        Target::AtMost(v) => ("at_most", v.to_string()),
        Target::AtLeast(v) => ("at_least", v.to_string()),
        Target::BelowBand(band) => ("below_band", band.clone()),
        Target::PsfsActivityAtLeast(v) => ("psfs_activity_at_least", v.to_string()),
    };
    (goal.instrument.clone(), kind.to_owned(), value, goal.label.clone())
}

struct FormSpec<'a> {
    actor: &'a Actor,
    client_id: &'a str,
    heading: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    starts_on: String,
    show_protocols: bool,
    suggested: Vec<String>,
    problem: Option<String>,
    errors: &'a ValidationErrors,
    safety: Option<SafetyBanner>,
}

fn plan_form(spec: FormSpec<'_>, draft: &PlanDraft, typed_goals: Option<Vec<GoalRow>>) -> PlanForm {
    let protocol = draft.protocol.clone().unwrap_or_default();
    let mut goals = typed_goals.unwrap_or_else(|| draft.goals.iter().map(goal_row).collect());
    while goals.len() < GOAL_ROWS.max(draft.goals.len() + 1) {
        goals.push((String::new(), "at_most".into(), String::new(), String::new()));
    }
    PlanForm {
        safety: spec.safety,
        layout: Layout::signed_in(spec.actor, "clients"),
        heading: spec.heading,
        problem: spec
            .problem
            .or_else(|| (!spec.errors.is_empty()).then(|| "Some fields need attention; nothing was saved yet.".into())),
        show_protocols: spec.show_protocols,
        new_action: format!("/clients/{}/plans/new", spec.client_id),
        protocols: myomap_plans::protocols()
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    p.name.clone(),
                    p.conditions.iter().any(|c| spec.suggested.contains(c)),
                )
            })
            .collect(),
        protocol_info: myomap_plans::protocol(&protocol).map(|p| ProtocolInfo {
            summary: p.summary.clone(),
            assess_first: p
                .assess_first
                .iter()
                .map(|m| myomap_clinic::vocabulary::muscle_label(m, None))
                .collect::<Vec<_>>()
                .join(", "),
            refer_when: p.refer_when.join(" "),
            evidence: p.evidence.clone(),
            sources: p.sources.join("; "),
        }),
        protocol,
        action: spec.action,
        cancel: spec.cancel,
        csrf: spec.actor.csrf_token.clone(),
        version: spec.version,
        conditions: CONDITIONS.to_vec(),
        condition: draft.condition.clone(),
        starts_on: spec.starts_on,
        sessions_planned: draft.sessions_planned.to_string(),
        interval_days: draft.interval_days.to_string(),
        session_minutes: draft.session_minutes.to_string(),
        reassess_every: draft.reassess_every.to_string(),
        goals,
        instruments: myomap_clinic::outcomes::RECORDED
            .iter()
            .map(|i| (i.as_str(), i.definition().name.clone()))
            .collect(),
        kinds: KINDS,
        precautions: draft.precautions.join("\n"),
        notes: draft.notes.clone(),
        errors: spec
            .errors
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect(),
    }
}

/// The plan as typed; numbers that do not parse are field errors.
fn read_plan(form: &Pairs) -> (PlanDraft, Vec<GoalRow>, ValidationErrors) {
    let mut errors = ValidationErrors::default();
    let mut number = |field: &str| -> u16 {
        let text = value(form, field).trim();
        text.parse().unwrap_or_else(|_| {
            errors.add(field, format!("\"{text}\" is not a whole number"));
            0
        })
    };
    let sessions_planned = number("sessions_planned");
    let interval_days = number("interval_days");
    let session_minutes = number("session_minutes");
    let reassess_every = number("reassess_every");
    let (instruments, kinds, goal_values, labels) = (
        values(form, "goal_instrument"),
        values(form, "goal_kind"),
        values(form, "goal_value"),
        values(form, "goal_label"),
    );
    let mut typed = Vec::new();
    let mut goals = Vec::new();
    for (i, instrument) in instruments.iter().enumerate() {
        let kind = kinds.get(i).copied().unwrap_or("at_most");
        let raw = goal_values.get(i).map_or("", |v| v.trim());
        let label = labels.get(i).copied().unwrap_or_default();
        typed.push((
            (*instrument).to_owned(),
            kind.to_owned(),
            raw.to_owned(),
            label.to_owned(),
        ));
        if instrument.is_empty() {
            continue;
        }
        let target = if kind == "below_band" {
            Some(Target::BelowBand(raw.to_owned()))
        } else {
            match raw.replace(',', ".").parse::<f64>() {
                Ok(v) if kind == "at_least" => Some(Target::AtLeast(v)),
                Ok(v) if kind == "psfs_activity_at_least" => Some(Target::PsfsActivityAtLeast(v)),
                Ok(v) => Some(Target::AtMost(v)),
                Err(_) => {
                    errors.add(format!("goals[{}]", goals.len()), format!("\"{raw}\" is not a number"));
                    None
                }
            }
        };
        if let Some(target) = target {
            goals.push(Goal {
                instrument: (*instrument).to_owned(),
                target,
                label: label.trim().to_owned(),
            });
        }
    }
    let protocol = value(form, "protocol").trim();
    let draft = PlanDraft {
        protocol: (!protocol.is_empty()).then(|| protocol.to_owned()),
        condition: value(form, "condition").to_owned(),
        goals,
        sessions_planned,
        interval_days,
        session_minutes,
        reassess_every,
        precautions: value(form, "precautions")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        notes: value(form, "notes").trim().to_owned(),
    };
    if errors.is_empty()
        && let Err(more) = draft.validate()
    {
        errors = more;
    }
    (draft, typed, errors)
}

fn blank_draft(condition: &str) -> PlanDraft {
    PlanDraft {
        protocol: None,
        condition: condition.to_owned(),
        goals: Vec::new(),
        sessions_planned: 6,
        interval_days: 7,
        session_minutes: 60,
        reassess_every: 3,
        precautions: Vec::new(),
        notes: String::new(),
    }
}

#[derive(Deserialize)]
pub struct NewParams {
    #[serde(default)]
    protocol: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(params): Query<NewParams>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let record = scope.get_client(client).await.map_err(store_err(&actor))?;
    let conditions = scope
        .latest_intake(client)
        .await
        .map_err(store_err(&actor))?
        .map(|i| i.form.conditions)
        .unwrap_or_default();
    let condition = conditions.first().cloned().unwrap_or_else(|| "neck_pain".into());
    let draft = myomap_plans::PlanDraft::from_protocol_for(&params.protocol, &condition)
        .or_else(|| myomap_plans::PlanDraft::from_protocol(&params.protocol))
        .unwrap_or_else(|| blank_draft(&condition));
    let safety = safety_banner_for(&scope, client).await.map_err(store_err(&actor))?;
    let page = plan_form(
        FormSpec {
            actor: &actor,
            client_id: &id,
            heading: format!("New treatment plan · {}", record.full_name()),
            action: format!("/clients/{id}/plans"),
            cancel: format!("/clients/{id}"),
            version: None,
            starts_on: crate::clinic_today(&actor).to_string(),
            show_protocols: true,
            suggested: conditions,
            problem: None,
            errors: &ValidationErrors::default(),
            safety,
        },
        &draft,
        None,
    );
    Ok(render(StatusCode::OK, &page))
}

fn starts_on(form: &Pairs, errors: &mut ValidationErrors) -> String {
    let text = value(form, "starts_on").trim();
    if text.len() != 10 || text.parse::<jiff::civil::Date>().is_err() {
        errors.add("starts_on", format!("\"{text}\" is not a date in the form YYYY-MM-DD"));
    }
    text.to_owned()
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let (draft, typed, mut errors) = read_plan(&form);
    let start = starts_on(&form, &mut errors);
    let scope = state.store.clinic(&actor);
    if errors.is_empty() {
        let plan = treatment_plans::start_plan(&state.store, &actor, &SystemClock, client, &draft, Some(&start))
            .await
            .map_err(|e| PageError::from((e, &actor)))?;
        return Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response());
    }
    let record = scope.get_client(client).await.map_err(store_err(&actor))?;
    let safety = safety_banner_for(&scope, client).await.map_err(store_err(&actor))?;
    let page = plan_form(
        FormSpec {
            actor: &actor,
            client_id: &id,
            heading: format!("New treatment plan · {}", record.full_name()),
            action: format!("/clients/{id}/plans"),
            cancel: format!("/clients/{id}"),
            version: None,
            starts_on: start,
            show_protocols: false,
            suggested: Vec::new(),
            problem: None,
            errors: &errors,
            safety,
        },
        &draft,
        Some(typed),
    );
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    safety: Option<SafetyBanner>,
    layout: Layout,
    id: String,
    client_id: String,
    client_name: String,
    status: &'static str,
    active: bool,
    alerts: Vec<&'static str>,
    sessions_done: u16,
    sessions_planned: u16,
    starts_on: String,
    next_due: Option<String>,
    goals: Vec<(String, String, String, &'static str, &'static str)>,
    condition: String,
    protocol: String,
    interval_days: u16,
    session_minutes: u16,
    reassess_every: u16,
    precautions: Vec<String>,
    notes: String,
    csrf: String,
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let (
        PlanWithProgress {
            stored,
            draft,
            progress,
        },
        client,
    ) = treatment_plans::read_plan(&state.store, &actor, &id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let safety = safety_banner_for(&scope, stored.client_id)
        .await
        .map_err(store_err(&actor))?;
    let page = PlanPage {
        safety,
        layout: Layout::signed_in(&actor, "clients"),
        id: stored.id.clone(),
        client_id: stored.client_id.to_string(),
        client_name: client.full_name(),
        status: if stored.status == PlanStatus::Active {
            "active"
        } else {
            "closed"
        },
        active: stored.status == PlanStatus::Active,
        alerts: progress.alerts.iter().map(|a| a.message()).collect(),
        sessions_done: progress.sessions_done,
        sessions_planned: progress.sessions_planned,
        starts_on: stored.starts_on.clone(),
        next_due: progress.next_session_due.clone(),
        goals: progress
            .goals
            .iter()
            .map(|g| {
                let name = g
                    .instrument
                    .parse::<myomap_scoring::Instrument>()
                    .map_or_else(|_| g.instrument.clone(), |i| i.definition().name.clone());
                let label = if g.label.is_empty() {
                    name
                } else {
                    format!("{name}: {}", g.label)
                };
                let (class, text) = match g.status {
                    myomap_plans::GoalStatus::Met => ("met", "met"),
                    myomap_plans::GoalStatus::NotMet => ("not_met", "not yet"),
                    myomap_plans::GoalStatus::NoData => ("", "no score yet"),
                };
                (
                    label,
                    g.target.clone(),
                    myomap_clinic::progress::MeasureProgress::shown(g.latest),
                    class,
                    text,
                )
            })
            .collect(),
        condition: CONDITIONS
            .iter()
            .find(|(c, _)| *c == draft.condition)
            .map_or(draft.condition.clone(), |(_, l)| (*l).to_owned()),
        protocol: draft
            .protocol
            .as_deref()
            .and_then(myomap_plans::protocol)
            .map_or_else(|| "none".to_owned(), |p| p.name.clone()),
        interval_days: draft.interval_days,
        session_minutes: draft.session_minutes,
        reassess_every: draft.reassess_every,
        precautions: draft.precautions.clone(),
        notes: draft.notes.clone(),
        csrf: actor.csrf_token.clone(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let stored = scope.get_plan(&id).await.map_err(store_err(&actor))?;
    let draft = treatment_plans::draft_of(&stored).map_err(|e| PageError::from((e, &actor)))?;
    let client_id = stored.client_id.to_string();
    let safety = safety_banner_for(&scope, stored.client_id)
        .await
        .map_err(store_err(&actor))?;
    let page = plan_form(
        FormSpec {
            actor: &actor,
            client_id: &client_id,
            heading: "Edit treatment plan".into(),
            action: format!("/plans/{id}"),
            cancel: format!("/plans/{id}"),
            version: Some(stored.version),
            starts_on: stored.starts_on.clone(),
            show_protocols: false,
            suggested: Vec::new(),
            problem: None,
            errors: &ValidationErrors::default(),
            safety,
        },
        &draft,
        None,
    );
    Ok(render(StatusCode::OK, &page))
}

pub async fn update(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(&actor);
    let stored = scope.get_plan(&id).await.map_err(store_err(&actor))?;
    let version = value(&form, "version").parse::<i64>().unwrap_or(-1);
    let (draft, typed, errors) = read_plan(&form);
    let problem = if errors.is_empty() {
        match treatment_plans::revise_plan(&state.store, &actor, &id, version, &draft).await {
            Ok(_) => return Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
            Err(ClinicError::Conflict(m)) => Some(m),
            Err(e) => return Err(PageError::from((e, &actor))),
        }
    } else {
        None
    };
    let client_id = stored.client_id.to_string();
    let safety = safety_banner_for(&scope, stored.client_id)
        .await
        .map_err(store_err(&actor))?;
    let page = plan_form(
        FormSpec {
            actor: &actor,
            client_id: &client_id,
            heading: "Edit treatment plan".into(),
            action: format!("/plans/{id}"),
            cancel: format!("/plans/{id}"),
            version: Some(version),
            starts_on: stored.starts_on.clone(),
            show_protocols: false,
            suggested: Vec::new(),
            problem,
            errors: &errors,
            safety,
        },
        &draft,
        Some(typed),
    );
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn close(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .close_plan(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}
