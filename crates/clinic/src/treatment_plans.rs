//! Treatment plans: starting and revising one, and a plan's progress
//! (sessions done against planned, goals met by the latest outcome scores,
//! the alerts the plans crate raises) judged on the client's record.

use myomap_domain::{Client, ClientId, ValidationErrors};
use myomap_plans::{GoalStatus, PlanAlert, PlanDraft, goal_status, plan_alerts};
use myomap_store::{Actor, Assessment, ClientRecord, NoteRecord, NoteStatus, Questionnaire, Store, StoredPlan};
use serde::Serialize;

use crate::progress::{progress, to_f64};
use crate::{ClinicError, Clock, today_in};

#[derive(Debug, Clone, Serialize)]
pub struct GoalProgress {
    pub instrument: String,
    pub label: String,
    pub target: String,
    pub latest: Option<f64>,
    pub status: GoalStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanProgress {
    pub sessions_done: u16,
    pub sessions_planned: u16,
    pub sessions_since_reassessment: u16,
    /// Some goal instrument improved meaningfully since baseline (`Some(true)`),
    /// none did though measured at least twice (`Some(false)`), or not known.
    pub improved_meaningfully: Option<bool>,
    pub goals: Vec<GoalProgress>,
    pub alerts: Vec<PlanAlert>,
    /// When the next session is due by the plan's frequency (YYYY-MM-DD).
    pub next_session_due: Option<String>,
}

fn target_text(goal: &myomap_plans::Goal) -> String {
    match &goal.target {
        myomap_plans::Target::AtMost(v) => format!("at most {v}"),
        myomap_plans::Target::AtLeast(v) => format!("at least {v}"),
        myomap_plans::Target::BelowBand(band) => format!("below the {band} band"),
        myomap_plans::Target::PsfsActivityAtLeast(v) => format!("activities back to {v}/10"),
    }
}

/// The plan's progress from the client's record.
pub fn plan_progress(
    stored: &StoredPlan,
    plan: &PlanDraft,
    notes: &[NoteRecord],
    assessments: &[Assessment],
    questionnaires: &[Questionnaire],
) -> PlanProgress {
    let mut sessions: Vec<&str> = notes
        .iter()
        .filter(|n| {
            n.status == NoteStatus::Signed && n.amends.is_none() && n.note.date.as_str() >= stored.starts_on.as_str()
        })
        .map(|n| n.note.date.as_str())
        .collect();
    sessions.sort_unstable();
    // A re-assessment is a new assessment or outcome questionnaire after the plan began.
    let last_reassessment = assessments
        .iter()
        .map(|a| a.created_at.strftime("%Y-%m-%d").to_string())
        .chain(questionnaires.iter().map(|q| q.taken_on.clone()))
        .filter(|d| d.as_str() > stored.starts_on.as_str())
        .max();
    let since = sessions
        .iter()
        .filter(|d| last_reassessment.as_deref().is_none_or(|r| **d > r))
        .count();
    let goal_instruments: Vec<&str> = plan.goals.iter().map(|g| g.instrument.as_str()).collect();
    let measured = progress(questionnaires);
    let relevant: Vec<_> = measured
        .iter()
        .filter(|m| goal_instruments.contains(&m.instrument.as_str()) && m.points.len() > 1)
        .collect();
    let improved_meaningfully = if relevant.iter().any(|m| m.verdict == "meaningful_improvement") {
        Some(true)
    } else if relevant.is_empty() {
        None
    } else {
        Some(false)
    };
    let goals = plan
        .goals
        .iter()
        .map(|goal| {
            let latest = questionnaires
                .iter()
                .rev()
                .find(|q| q.instrument == goal.instrument && q.score.is_some());
            let value = latest.and_then(|q| q.score.as_deref()).and_then(to_f64);
            let band = latest.and_then(|q| q.result["band"].as_str());
            GoalProgress {
                instrument: goal.instrument.clone(),
                label: goal.label.clone(),
                target: target_text(goal),
                latest: value,
                status: goal_status(goal, value.map(|v| (v, band))),
            }
        })
        .collect();
    let done = u16::try_from(sessions.len()).unwrap_or(u16::MAX);
    let since = u16::try_from(since).unwrap_or(u16::MAX);
    let next_session_due = sessions
        .last()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .and_then(|d| {
            d.checked_add(jiff::Span::new().days(i64::from(plan.interval_days)))
                .ok()
        })
        .map(|d| d.to_string())
        .filter(|_| done < plan.sessions_planned);
    PlanProgress {
        sessions_done: done,
        sessions_planned: plan.sessions_planned,
        sessions_since_reassessment: since,
        improved_meaningfully,
        goals,
        alerts: plan_alerts(plan, done, since, improved_meaningfully),
        next_session_due,
    }
}

/// A stored plan with what it says and how far the client has come.
pub struct PlanWithProgress {
    pub stored: StoredPlan,
    pub draft: PlanDraft,
    pub progress: PlanProgress,
}

/// What a stored plan says; a plan this version cannot read is a defect of
/// the data, not of the request.
pub fn draft_of(stored: &StoredPlan) -> Result<PlanDraft, ClinicError> {
    serde_json::from_value(stored.plan.clone())
        .map_err(|e| ClinicError::Internal(format!("stored plan does not parse: {e}")))
}

/// A plan's progress judged on the client's record (read once by the caller).
pub fn with_progress(stored: StoredPlan, record: &ClientRecord) -> Result<PlanWithProgress, ClinicError> {
    let draft = draft_of(&stored)?;
    let progress = plan_progress(
        &stored,
        &draft,
        &record.notes,
        &record.assessments,
        &record.questionnaires,
    );
    Ok(PlanWithProgress {
        stored,
        draft,
        progress,
    })
}

/// A plan just read or changed, with its progress as of now (one audited
/// read of the whole record: sessions, re-assessments, scores).
pub async fn progress_now(store: &Store, actor: &Actor, stored: StoredPlan) -> Result<PlanWithProgress, ClinicError> {
    let record = store.clinic(actor).client_record(stored.client_id).await?;
    with_progress(stored, &record)
}

/// One plan with its progress and the client it is for.
pub async fn read_plan(store: &Store, actor: &Actor, id: &str) -> Result<(PlanWithProgress, Client), ClinicError> {
    let scope = store.clinic(actor);
    let stored = scope.get_plan(id).await?;
    let record = scope.client_record(stored.client_id).await?;
    Ok((with_progress(stored, &record)?, record.client))
}

/// Every plan of a client, newest first, each with its progress.
pub async fn client_plans(
    store: &Store,
    actor: &Actor,
    client: ClientId,
) -> Result<Vec<PlanWithProgress>, ClinicError> {
    let record = store.clinic(actor).client_record(client).await?;
    record
        .plans
        .iter()
        .map(|stored| with_progress(stored.clone(), &record))
        .collect()
}

/// Errors of the plan itself, named as fields of `plan`.
fn plan_errors(mut errors: ValidationErrors) -> ClinicError {
    for e in &mut errors.0 {
        e.field = format!("plan.{}", e.field);
    }
    ClinicError::Invalid(errors)
}

fn plan_json(draft: &PlanDraft) -> Result<serde_json::Value, ClinicError> {
    draft.validate().map_err(plan_errors)?;
    serde_json::to_value(draft).map_err(|e| ClinicError::Internal(e.to_string()))
}

/// Starts a plan on `starts_on` (YYYY-MM-DD) or, without one, the clinic's
/// today; sessions from that day count toward it.
pub async fn start_plan(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
    draft: &PlanDraft,
    starts_on: Option<&str>,
) -> Result<StoredPlan, ClinicError> {
    let json = plan_json(draft)?;
    let starts_on = starts_on.map_or_else(|| today_in(&actor.time_zone, clock).to_string(), str::to_owned);
    if starts_on.len() != 10 || starts_on.parse::<jiff::civil::Date>().is_err() {
        return Err(ClinicError::field(
            "starts_on",
            format!("\"{starts_on}\" is not a date in the form YYYY-MM-DD"),
        ));
    }
    Ok(store.clinic(actor).create_plan(client, &json, &starts_on).await?)
}

/// Replaces an active plan's content; a stale `version` is a conflict.
pub async fn revise_plan(
    store: &Store,
    actor: &Actor,
    id: &str,
    version: i64,
    draft: &PlanDraft,
) -> Result<StoredPlan, ClinicError> {
    let json = plan_json(draft)?;
    Ok(store.clinic(actor).update_plan(id, version, &json).await?)
}
