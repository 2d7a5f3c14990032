//! A treatment plan's progress: sessions done against planned, goals met by
//! the latest outcome scores, and the alerts the plans crate raises.

use std::collections::BTreeMap;

use myomap_plans::{GoalStatus, Habits, HomeCarePlan, PlanAlert, PlanDraft, build_home_care, goal_status, plan_alerts};
use myomap_store::{Assessment, HomeCare, NoteRecord, NoteStatus, Questionnaire, StoredPlan};
use serde::Serialize;

use crate::outcomes::{progress, to_f64};

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

/// The window home-care adherence is reported over.
const ADHERENCE_DAYS: i64 = 14;

pub use myomap_clinic::home_care::plan_of;

/// "Ticked on 5 of the last 14 days (23 of 84 items)".
pub fn adherence(handout: &HomeCare, today: jiff::civil::Date) -> (String, Vec<(String, String)>) {
    let plan = plan_of(handout);
    let items = plan.daily_items().len();
    let since = today
        .checked_sub(jiff::Span::new().days(ADHERENCE_DAYS - 1))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut per_day: BTreeMap<&str, usize> = BTreeMap::new();
    for (day, _) in handout.ticks.iter().filter(|(day, _)| day.as_str() >= since.as_str()) {
        *per_day.entry(day.as_str()).or_default() += 1;
    }
    let ticked: usize = per_day.values().sum();
    let summary = format!(
        "Ticked on {} of the last {ADHERENCE_DAYS} days ({ticked} of {} items).",
        per_day.len(),
        items * usize::try_from(ADHERENCE_DAYS).unwrap_or(14)
    );
    let days = per_day
        .iter()
        .rev()
        .map(|(day, n)| ((*day).to_owned(), format!("{n} of {items}")))
        .collect();
    (summary, days)
}

/// A handout from the last signed session's treated muscles and the habits
/// the intake recorded.
pub fn home_care_plan(record: &myomap_store::ClientRecord) -> HomeCarePlan {
    let last = record
        .notes
        .iter()
        .filter(|n| n.status == NoteStatus::Signed && n.amended_by.is_none())
        .max_by(|a, b| a.note.date.cmp(&b.note.date));
    let treated: Vec<(String, Option<myomap_domain::Side>)> = last
        .map(|n| n.note.treated.iter().map(|p| (p.muscle.clone(), p.side)).collect())
        .unwrap_or_default();
    let habits = record.intake.as_ref().map_or_else(Habits::default, |i| Habits {
        long_sitting: i.form.long_sitting,
        repetitive_tasks: i.form.repetitive_tasks,
        sport: !i.form.sport.trim().is_empty(),
        fluid_managed: crate::clinical::fluid_managed(i),
    });
    build_home_care(&treated, habits)
}
