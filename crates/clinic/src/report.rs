//! Everything a progress page or report shows about one client, gathered
//! once from the store: outcomes since baseline, pain per session, pressure
//! pain thresholds, what was treated most, the screening verdict and the
//! plan; and the PDF progress report made from it, one for the page's
//! button, `myomap report` and the record export.

use std::collections::BTreeMap;

use myomap_domain::{Client, ClientId};
use myomap_report::{ChartPoint, ChartSeries, OutcomeRow, ReportData};
use myomap_store::{Actor, Intake, NoteRecord, NoteStatus, Store};

use crate::presenter::Presenter;
use crate::progress::{MeasureProgress, SessionPain, chart, ppt_series, progress, session_pain, session_pain_chart};
use crate::treatment_plans::PlanProgress;
use crate::vocabulary::muscle_label;
use crate::{ClinicError, Clock, today_in};

pub struct ClientReport {
    pub clinic: String,
    pub client: Client,
    pub intake: Option<Intake>,
    pub notes: Vec<NoteRecord>,
    pub measures: Vec<MeasureProgress>,
    pub session_pain: Vec<SessionPain>,
    pub ppt: Vec<(String, Vec<(String, f64)>)>,
    /// The active treatment plans with their progress.
    pub plans: Vec<(myomap_plans::PlanDraft, PlanProgress)>,
    /// The latest home-care handout's items.
    pub home_care: Vec<String>,
    /// The clinic's today, the report's date.
    pub today: jiff::civil::Date,
}

/// One audited read of the client's whole record, dated on the clinic's day.
pub async fn gather(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
) -> Result<ClientReport, ClinicError> {
    let record = store.clinic(actor).client_record(client).await?;
    let plans = record
        .plans
        .iter()
        .filter(|p| p.status == myomap_store::PlanStatus::Active)
        .filter_map(|stored| {
            let draft: myomap_plans::PlanDraft = serde_json::from_value(stored.plan.clone()).ok()?;
            let progress = crate::treatment_plans::plan_progress(
                stored,
                &draft,
                &record.notes,
                &record.assessments,
                &record.questionnaires,
            );
            Some((draft, progress))
        })
        .collect();
    let home_care = record
        .home_care
        .first()
        .map(|h| {
            let plan = crate::home_care::plan_of(h);
            plan.stretches
                .iter()
                .map(|s| format!("Stretch: {}", s.title))
                .chain(plan.advice.iter().map(|a| a.title.clone()))
                .collect()
        })
        .unwrap_or_default();
    Ok(ClientReport {
        home_care,
        plans,
        clinic: actor.clinic_name.clone(),
        session_pain: session_pain(&record.notes),
        measures: progress(&record.questionnaires),
        ppt: ppt_series(&record.assessments),
        client: record.client,
        intake: record.intake,
        notes: record.notes,
        today: today_in(&actor.time_zone, clock),
    })
}

fn signed(notes: &[NoteRecord]) -> impl Iterator<Item = &NoteRecord> {
    notes
        .iter()
        .filter(|n| n.status == NoteStatus::Signed && n.amended_by.is_none())
}

impl ClientReport {
    pub fn charts(&self) -> Vec<ChartSeries> {
        let mut charts: Vec<ChartSeries> = self
            .measures
            .iter()
            .filter(|m| m.instrument != "nprs" || self.session_pain.is_empty())
            .map(chart)
            .collect();
        charts.extend(session_pain_chart(&self.session_pain));
        for (label, points) in &self.ppt {
            charts.push(ChartSeries {
                title: format!("Pressure pain threshold: {label}"),
                unit: "kg/cm²".into(),
                points: points
                    .iter()
                    .map(|(d, v)| ChartPoint {
                        label: d.clone(),
                        value: *v,
                    })
                    .collect(),
                min: 0.0,
                max: points.iter().map(|p| p.1).fold(5.0, f64::max).ceil(),
                higher_is_better: true,
                second: None,
                first_legend: None,
            });
        }
        charts
    }

    fn suitability(&self) -> String {
        let Some(screening) = self.intake.as_ref().and_then(|i| i.screening.as_ref()) else {
            return "No screening recorded.".into();
        };
        let label = crate::screening::outcome_label(&screening.outcome);
        let outcome = match crate::screening::urgency_view(&screening.outcome, &screening.verdict) {
            Some(urgency) => format!("{label} ({}): {}", urgency.label.to_lowercase(), urgency.action),
            None => label.to_owned(),
        };
        let precautions: Vec<&str> = screening.verdict["precautions"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
            .unwrap_or_default();
        if precautions.is_empty() {
            outcome
        } else {
            format!("{outcome}: {}", precautions.join(" "))
        }
    }

    pub fn report(&self, prepared_by: &str) -> ReportData {
        let sessions: Vec<&NoteRecord> = signed(&self.notes).collect();
        let mut dates: Vec<&str> = sessions.iter().map(|n| n.note.date.as_str()).collect();
        dates.sort_unstable();
        let attended = match (dates.first(), dates.last()) {
            (Some(first), Some(last)) => format!("{} session(s), {first} to {last}", dates.len()),
            _ => "No signed session yet.".into(),
        };
        let mut treated: BTreeMap<String, u32> = BTreeMap::new();
        for note in &sessions {
            for point in &note.note.treated {
                let tp = point
                    .trigger_point
                    .as_deref()
                    .map(|t| format!(" {t}"))
                    .unwrap_or_default();
                *treated
                    .entry(format!("{}{tp}", muscle_label(&point.muscle, point.side)))
                    .or_default() += 1;
            }
        }
        let mut trigger_points: Vec<(String, u32)> = treated.into_iter().collect();
        trigger_points.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        trigger_points.truncate(10);
        let latest_plan = sessions
            .iter()
            .max_by(|a, b| a.note.date.cmp(&b.note.date))
            .map(|n| n.note.plan.clone())
            .unwrap_or_default();
        let mut plan_lines: Vec<String> = self
            .plans
            .iter()
            .map(|(draft, progress)| plan_line(draft, progress))
            .collect();
        if !latest_plan.trim().is_empty() {
            plan_lines.push(format!("Next steps (latest session note): {latest_plan}"));
        }
        ReportData {
            clinic: self.clinic.clone(),
            title: "Progress report".into(),
            prepared_on: self.today.to_string(),
            client_name: self.client.full_name(),
            date_of_birth: self.client.date_of_birth.to_string(),
            condition: self
                .intake
                .as_ref()
                .map(|i| i.form.reason_for_visit.clone())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "Not recorded.".into()),
            suitability: self.suitability(),
            sessions_attended: attended,
            outcomes: self
                .measures
                .iter()
                .map(|m| OutcomeRow {
                    measure: m.name.clone(),
                    baseline: MeasureProgress::shown(m.baseline),
                    latest: MeasureProgress::shown(m.latest),
                    change: m.change.map_or_else(
                        || "—".into(),
                        |c| format!("{}{}", if c > 0.0 { "+" } else { "" }, MeasureProgress::shown(Some(c))),
                    ),
                    verdict: m.verdict_label().to_owned(),
                })
                .collect(),
            charts: self.charts(),
            trigger_points,
            home_care: self.home_care.clone(),
            plan: if plan_lines.is_empty() {
                "No plan recorded.".into()
            } else {
                plan_lines.join(" ")
            },
            footer: format!("Prepared by {prepared_by} with Myomap"),
        }
    }
}

/// One active treatment plan in a sentence or two.
fn plan_line(draft: &myomap_plans::PlanDraft, progress: &PlanProgress) -> String {
    let goals: Vec<String> = progress
        .goals
        .iter()
        .map(|g| {
            let status = match g.status {
                myomap_plans::GoalStatus::Met => "met",
                myomap_plans::GoalStatus::NotMet => "not yet met",
                myomap_plans::GoalStatus::NoData => "no score yet",
            };
            format!("{} {} ({status})", g.instrument.to_uppercase(), g.target)
        })
        .collect();
    format!(
        "Treatment plan: {} of {} sessions done, one every {} days, {} minutes each, re-assessing every {} sessions. Goals: {}.",
        progress.sessions_done,
        progress.sessions_planned,
        draft.interval_days,
        draft.session_minutes,
        draft.reassess_every,
        goals.join("; ")
    )
}

/// A rendered progress report.
pub struct ProgressReport {
    /// `progress-report-<family name>.pdf`.
    pub file_name: String,
    pub pdf: Vec<u8>,
    /// The data it was made from (the client's name for a message, and the
    /// record export's file name).
    pub data: ClientReport,
}

/// The PDF progress report, prepared by the acting staff member as the
/// clinic knows them (by name, not sign-in address).
pub async fn progress_report(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
) -> Result<ProgressReport, ClinicError> {
    let data = gather(store, actor, clock, client).await?;
    let preparer = Presenter::of(&store.clinic(actor), actor).await?.person(&actor.email);
    let pdf = myomap_report::render_pdf(&data.report(&preparer))
        .map_err(|e| ClinicError::Internal(format!("rendering the report: {e}")))?;
    Ok(ProgressReport {
        file_name: format!("progress-report-{}.pdf", data.client.family_name.to_lowercase()),
        pdf,
        data,
    })
}
