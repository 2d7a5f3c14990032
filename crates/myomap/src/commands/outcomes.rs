//! `myomap report` and `myomap instruments load`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use myomap_clinic::{ClinicError, SystemClock};
use myomap_scoring::{Instrument, Scoring};
use myomap_store::StoreError;
use serde_json::Value;

use super::bad_input;
use crate::cli::DbArgs;

pub async fn report(db: &DbArgs, client: &str, out: &Path, as_email: Option<&str>) -> anyhow::Result<ExitCode> {
    let Ok(client_id) = client.parse() else {
        return Ok(bad_input(format!("CLIENT: \"{client}\" is not a client id")));
    };
    let store = super::open(db).await?;
    let actor = match as_email {
        Some(email) => store.actor_for_email(email).await,
        None => store.owner_of_client(client_id).await,
    };
    let actor = match actor {
        Ok(actor) => actor,
        Err(StoreError::NotFound(what)) => return Ok(bad_input(format!("no {what} found for {client}"))),
        Err(e) => return Err(e.into()),
    };
    let report = match myomap_clinic::report::progress_report(&store, &actor, &SystemClock, client_id).await {
        Ok(report) => report,
        Err(ClinicError::NotFound(_)) => {
            return Ok(bad_input(format!(
                "CLIENT: no client {client} in {}",
                actor.clinic_name
            )));
        }
        Err(e) => return Err(anyhow::anyhow!(e.to_string())),
    };
    std::fs::write(out, &report.pdf).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} ({} bytes): progress report of {}",
        out.display(),
        report.pdf.len(),
        report.data.client.full_name()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks a wording file against the instrument's definition: the same
/// number of items, and answer texts for each response value.
fn check_wording(wording: &Value) -> Result<Instrument, String> {
    let id = wording["instrument"]
        .as_str()
        .ok_or("instrument: missing (e.g. instrument = \"ndi\")")?;
    let instrument: Instrument = id.parse().map_err(|e| format!("instrument: {e}"))?;
    wording["title"]
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .ok_or("title: missing")?;
    let Some(rule) = instrument.definition().scoring.item_rule() else {
        return Err(format!("instrument: {id} has no item wording to load"));
    };
    if matches!(instrument.definition().scoring, Scoring::Single(_)) && id == "nprs" {
        return Err("instrument: NPRS is public domain and has no item wording to load".into());
    }
    let items = wording["items"]
        .as_array()
        .ok_or("items: missing (a list of the item texts)")?;
    if items.len() != rule.items.len() || items.iter().any(|i| i.as_str().is_none_or(|t| t.trim().is_empty())) {
        return Err(format!(
            "items: {id} has {} items; give {} non-empty texts, got {}",
            rule.items.len(),
            rule.items.len(),
            items.len()
        ));
    }
    if let Some(answers) = wording.get("answers") {
        let answers = answers.as_array().ok_or("answers: must be a list of lists")?;
        let choices = usize::from(rule.response.max - rule.response.min) + 1;
        if answers.len() != items.len() {
            return Err(format!(
                "answers: give one list per item ({}), got {}",
                items.len(),
                answers.len()
            ));
        }
        for (i, list) in answers.iter().enumerate() {
            if list.as_array().is_none_or(|l| l.len() != choices) {
                return Err(format!(
                    "answers[{i}]: give {choices} answer texts, one per value {}..{}",
                    rule.response.min, rule.response.max
                ));
            }
        }
    }
    Ok(instrument)
}

pub async fn load_wording(db: &DbArgs, file: &Path, clinic: Option<&str>) -> anyhow::Result<ExitCode> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => return Ok(bad_input(format!("{}: {e}", file.display()))),
    };
    let parsed: Result<Value, String> = if file.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str::<toml::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
    };
    let wording = match parsed {
        Ok(wording) => wording,
        Err(e) => return Ok(bad_input(format!("{}: {e}", file.display()))),
    };
    let instrument = match check_wording(&wording) {
        Ok(instrument) => instrument,
        Err(e) => return Ok(bad_input(format!("{}: {e}", file.display()))),
    };
    let store = super::open(db).await?;
    match store.load_wording(clinic, instrument.as_str(), &wording, "cli").await {
        Ok(()) => {
            let whose = clinic.map_or_else(|| "the clinic".to_owned(), |c| format!("\"{c}\""));
            println!(
                "loaded the official wording of {} for {whose}",
                instrument.definition().name
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::NotFound(_)) => Ok(bad_input(match clinic {
            Some(name) => format!("--clinic: no clinic named \"{name}\""),
            None => "--clinic: there is no clinic yet (add one with `myomap user add`)".to_owned(),
        })),
        Err(StoreError::Invalid(errors)) => Ok(bad_input(format!("--{errors}"))),
        Err(e) => Err(e.into()),
    }
}
