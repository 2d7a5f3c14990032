//! Outcome questionnaires: scoring answers for storage, and progress over
//! time (baseline, latest, change and its MCID verdict, chart series).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use myomap_scoring::{ChangeVerdict, Instrument, PptUnit, Ratio, ScoringError, classify_change, score_items};
use myomap_store::{NoteRecord, Questionnaire, ScoredAnswers};
use serde::Serialize;
use serde_json::Value;

use crate::error::Problem;

/// Instruments a clinic records from a form (PPT comes from the assessment's
/// findings; the QuickDASH modules are rarely used alone).
pub const RECORDED: [Instrument; 11] = [
    Instrument::Nprs,
    Instrument::Ndi,
    Instrument::Odi,
    Instrument::QuickDash,
    Instrument::BctqSss,
    Instrument::BctqFss,
    Instrument::Lefs,
    Instrument::Jfls8,
    Instrument::Psfs,
    Instrument::Acr2016Fm,
    Instrument::Ppt,
];

pub fn scoring_problem(e: &ScoringError) -> Problem {
    match e {
        ScoringError::UnknownInstrument(_) => Problem::new(StatusCode::NOT_FOUND, "Not found", e.to_string()),
        ScoringError::Invalid { field, .. } => {
            let message = e.to_string();
            let detail = message
                .strip_prefix(&format!("{field}: "))
                .unwrap_or(&message)
                .to_owned();
            Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                &format!("input.{field}"),
                detail,
            )
        }
        other => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", other.to_string()),
    }
}

/// The exact main score of a valid input, as text (`12.5` or `35/3`).
fn exact_score(instrument: Instrument, input: &Value, result: &Value) -> Option<String> {
    match instrument {
        Instrument::Ppt => {
            let trials: Vec<Ratio> = input["trials"]
                .as_array()?
                .iter()
                .map(|t| t.to_string().parse().ok())
                .collect::<Option<_>>()?;
            let unit = if input["unit"] == "kpa" {
                PptUnit::Kpa
            } else {
                PptUnit::KgCm2
            };
            Some(myomap_scoring::ppt(&trials, unit).ok()?.exact_kg_cm2.to_string())
        }
        // Fibromyalgia severity is a whole number.
        Instrument::Acr2016Fm => result.get("fs").map(Value::to_string),
        Instrument::Nprs => input["value"].as_u64().map(|v| v.to_string()),
        _ => {
            let answers: Vec<Option<u8>> = input["items"]
                .as_array()?
                .iter()
                .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect();
            score_items(instrument, &answers).ok()?.score.map(|s| s.to_string())
        }
    }
}

/// Scores answers with the scoring crate and packs them for storage.
pub fn score(instrument: &str, taken_on: &str, input: &Value) -> Result<ScoredAnswers, Problem> {
    let parsed: Instrument = instrument.parse().map_err(|e: ScoringError| scoring_problem(&e))?;
    if taken_on.len() != 10 || taken_on.parse::<jiff::civil::Date>().is_err() {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "taken_on",
            format!("\"{taken_on}\" is not a date in the form YYYY-MM-DD"),
        ));
    }
    let result = myomap_scoring::score_json(instrument, input).map_err(|e| scoring_problem(&e))?;
    let valid = result.get("valid").and_then(Value::as_bool).unwrap_or(true);
    Ok(ScoredAnswers {
        instrument: parsed.as_str().to_owned(),
        taken_on: taken_on.to_owned(),
        input: input.clone(),
        score: valid.then(|| exact_score(parsed, input, &result)).flatten(),
        result,
    })
}

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
                    crate::pages::record::muscle_label(&finding.muscle, finding.side),
                    finding.trigger_point
                );
                series.entry(label).or_default().push((date.clone(), ppt));
            }
        }
    }
    series.into_iter().collect()
}
