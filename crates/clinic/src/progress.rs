//! A client's progress over time: each instrument's baseline, latest score,
//! change and MCID verdict, pain before and after each session, pressure
//! pain thresholds, and the chart series the pages and the report draw.

use std::collections::BTreeMap;

use myomap_domain::ClientId;
use myomap_scoring::{ChangeVerdict, Instrument, Ratio, classify_change};
use myomap_store::{Actor, NoteRecord, Questionnaire, Store};
use serde::Serialize;

use crate::ClinicError;
use crate::vocabulary::muscle_label;

pub fn parse_exact(text: &str) -> Option<Ratio> {
    match text.split_once('/') {
        Some((n, d)) => Ratio::new(n.parse().ok()?, d.parse().ok()?),
        None => text.parse().ok(),
    }
}

pub fn to_f64(text: &str) -> Option<f64> {
    match text.split_once('/') {
        Some((n, d)) => Some(n.parse::<f64>().ok()? / d.parse::<f64>().ok()?),
        None => text.parse().ok(),
    }
}

fn shown(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// One instrument's course over time.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureProgress {
    pub instrument: String,
    pub name: String,
    pub points: Vec<(String, f64)>,
    pub baseline: Option<f64>,
    pub latest: Option<f64>,
    pub change: Option<f64>,
    /// `meaningful_improvement`, `no_meaningful_change`, `meaningful_worsening`,
    /// or `no_mcid` (instrument without one) / `single_measurement`.
    pub verdict: &'static str,
    pub higher_is_better: bool,
    pub range: (f64, f64),
}

impl MeasureProgress {
    pub fn verdict_label(&self) -> &'static str {
        match self.verdict {
            "meaningful_improvement" => "meaningful improvement",
            "meaningful_worsening" => "meaningful worsening",
            "no_meaningful_change" => "no meaningful change",
            "no_mcid" => "no MCID",
            _ => "one measurement so far",
        }
    }

    pub fn shown(value: Option<f64>) -> String {
        value.map_or_else(|| "—".to_owned(), shown)
    }
}

fn range_of(instrument: Instrument) -> (f64, f64) {
    match instrument {
        Instrument::Nprs | Instrument::Jfls8 | Instrument::Psfs => (0.0, 10.0),
        Instrument::BctqSss | Instrument::BctqFss => (1.0, 5.0),
        Instrument::Lefs => (0.0, 80.0),
        Instrument::Ppt => (0.0, 10.0),
        Instrument::Acr2016Fm => (0.0, 31.0),
        _ => (0.0, 100.0),
    }
}

fn verdict_id(verdict: Option<ChangeVerdict>) -> &'static str {
    match verdict {
        Some(ChangeVerdict::MeaningfulImprovement) => "meaningful_improvement",
        Some(ChangeVerdict::MeaningfulWorsening) => "meaningful_worsening",
        Some(ChangeVerdict::NoMeaningfulChange) => "no_meaningful_change",
        None => "no_mcid",
    }
}

/// Progress of every instrument answered, baseline = first valid score.
pub fn progress(questionnaires: &[Questionnaire]) -> Vec<MeasureProgress> {
    let mut by_instrument: BTreeMap<&str, Vec<&Questionnaire>> = BTreeMap::new();
    for q in questionnaires.iter().filter(|q| q.score.is_some()) {
        by_instrument.entry(q.instrument.as_str()).or_default().push(q);
    }
    let mut out = Vec::new();
    for (id, list) in by_instrument {
        let Ok(instrument) = id.parse::<Instrument>() else {
            continue;
        };
        let def = instrument.definition();
        let higher_is_better = matches!(def.higher_is, myomap_scoring::HigherIs::Better);
        let points: Vec<(String, f64)> = list
            .iter()
            .filter_map(|q| Some((q.taken_on.clone(), to_f64(q.score.as_deref()?)?)))
            .collect();
        let exact: Vec<Ratio> = list.iter().filter_map(|q| parse_exact(q.score.as_deref()?)).collect();
        let (baseline, latest) = (points.first().map(|p| p.1), points.last().map(|p| p.1));
        let verdict = match (exact.first(), exact.last()) {
            (Some(b), Some(l)) if exact.len() > 1 => verdict_id(classify_change(instrument, *b, *l)),
            _ => "single_measurement",
        };
        out.push(MeasureProgress {
            instrument: id.to_owned(),
            name: def.name.clone(),
            change: baseline.zip(latest).filter(|_| points.len() > 1).map(|(b, l)| l - b),
            baseline,
            latest,
            verdict,
            higher_is_better,
            range: range_of(instrument),
            points,
        });
    }
    out
}

/// A session's date with the client's pain (NPRS) before and after it.
pub type SessionPain = (String, Option<u8>, Option<u8>);

/// NPRS before and after each signed session, oldest first.
pub fn session_pain(notes: &[NoteRecord]) -> Vec<SessionPain> {
    let mut rows: Vec<SessionPain> = notes
        .iter()
        .filter(|n| n.status == myomap_store::NoteStatus::Signed && n.amended_by.is_none())
        .map(|n| (n.note.date.clone(), n.note.pain_before, n.note.pain_after))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

pub fn chart(progress: &MeasureProgress) -> myomap_report::ChartSeries {
    myomap_report::ChartSeries {
        title: progress.name.clone(),
        unit: if progress.instrument == "ppt" {
            "kg/cm²".into()
        } else {
            String::new()
        },
        points: progress
            .points
            .iter()
            .map(|(label, value)| myomap_report::ChartPoint {
                label: label.clone(),
                value: *value,
            })
            .collect(),
        min: progress.range.0,
        max: progress.range.1,
        higher_is_better: progress.higher_is_better,
        second: None,
        first_legend: None,
    }
}

pub fn session_pain_chart(rows: &[SessionPain]) -> Option<myomap_report::ChartSeries> {
    let series = |pick: fn(&SessionPain) -> Option<u8>| -> Vec<myomap_report::ChartPoint> {
        rows.iter()
            .filter_map(|r| {
                pick(r).map(|v| myomap_report::ChartPoint {
                    label: r.0.clone(),
                    value: f64::from(v),
                })
            })
            .collect()
    };
    let before = series(|r| r.1);
    if before.is_empty() {
        return None;
    }
    Some(myomap_report::ChartSeries {
        title: "Pain (NPRS) at each session".into(),
        unit: "/10".into(),
        points: before,
        min: 0.0,
        max: 10.0,
        higher_is_better: false,
        second: Some(("after".into(), series(|r| r.2))),
        first_legend: Some("before".into()),
    })
}

/// Pressure pain threshold of each trigger point across assessments, as
/// (label, points in date order).
pub fn ppt_series(assessments: &[myomap_store::Assessment]) -> Vec<(String, Vec<(String, f64)>)> {
    let mut series: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    let mut ordered: Vec<&myomap_store::Assessment> = assessments.iter().collect();
    ordered.sort_by_key(|a| a.created_at);
    for assessment in ordered {
        let date = assessment.created_at.strftime("%Y-%m-%d").to_string();
        for finding in &assessment.record.findings {
            if let Some(ppt) = finding.ppt_kg_cm2 {
                let label = format!(
                    "{} {}",
                    muscle_label(&finding.muscle, finding.side),
                    finding.trigger_point
                );
                series.entry(label).or_default().push((date.clone(), ppt));
            }
        }
    }
    series.into_iter().collect()
}

/// What the progress endpoint answers: every measure since baseline and
/// the pain of each signed session.
pub struct ClientProgress {
    pub measures: Vec<MeasureProgress>,
    pub session_pain: Vec<SessionPain>,
}

/// A client's progress from one audited read of the whole record, so the
/// questionnaires and the sessions agree.
pub async fn client_progress(store: &Store, actor: &Actor, client: ClientId) -> Result<ClientProgress, ClinicError> {
    let record = store.clinic(actor).client_record(client).await?;
    Ok(ClientProgress {
        measures: progress(&record.questionnaires),
        session_pain: session_pain(&record.notes),
    })
}
