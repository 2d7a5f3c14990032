//! Outcome questionnaires in the browser (in the clinic, from paper, or by
//! the client through a link), the progress page and the PDF report.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::outcomes::{self as questionnaires, Answers};
use myomap_clinic::{ClinicError, SystemClock};
use myomap_domain::ValidationErrors;
use myomap_scoring::{Instrument, Scoring};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Pairs, value};
use crate::AppState;
use crate::pages::{Layout, MessagePage, PageActor, PageError, render};

pub struct Field {
    kind: &'static str,
    name: String,
    label: String,
    options: Vec<(String, String)>,
    check_value: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "questionnaire_form.html")]
pub struct QuestionnairePage {
    layout: Layout,
    title: String,
    intro: String,
    action: String,
    cancel: String,
    csrf: String,
    instrument: String,
    staff: bool,
    taken_on: String,
    source: String,
    fields: Vec<Field>,
    submit_label: &'static str,
    licence: String,
    problem: Option<String>,
}

const PSFS_ROWS: usize = 5;
const PPT_TRIALS: usize = 3;

fn wording_items(wording: Option<&Value>) -> Option<Vec<String>> {
    wording?["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
}

fn wording_answers(wording: Option<&Value>, item: usize) -> Option<Vec<String>> {
    wording?["answers"]
        .get(item)?
        .as_array()
        .map(|a| a.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
}

/// The form's fields for an instrument, with typed values and errors.
pub fn fields(
    instrument: Instrument,
    wording: Option<&Value>,
    typed: &Pairs,
    error: Option<&(String, String)>,
) -> Vec<Field> {
    let def = instrument.definition();
    let typed_value = |name: &str| value(typed, name).to_owned();
    let error_for = |name: &str| {
        error
            .filter(|(field, _)| field == name)
            .map(|(_, message)| message.clone())
    };
    let select = |name: String, label: String, options: Vec<(String, String)>| Field {
        kind: "select",
        value: typed_value(&name),
        error: error_for(&name),
        name,
        label,
        options,
        check_value: String::new(),
    };
    let text = |name: String, label: String| Field {
        kind: "text",
        value: typed_value(&name),
        error: error_for(&name),
        name,
        label,
        options: Vec::new(),
        check_value: String::new(),
    };
    match &def.scoring {
        Scoring::PptMean(_) => {
            let mut out: Vec<Field> = (0..PPT_TRIALS)
                .map(|i| text(format!("trial_{i}"), format!("Trial {}", i + 1)))
                .collect();
            out.push(select(
                "unit".into(),
                "Unit".into(),
                vec![("kg_cm2".into(), "kg/cm²".into()), ("kpa".into(), "kPa".into())],
            ));
            out
        }
        Scoring::Acr2016(rule) => {
            let mut out = Vec::new();
            for region in &rule.regions {
                for area in &region.areas {
                    out.push(Field {
                        kind: "check",
                        name: "region".into(),
                        label: format!("Pain in the past week: {}", area.label),
                        options: Vec::new(),
                        check_value: area.id.clone(),
                        value: if typed.iter().any(|(k, v)| k == "region" && *v == area.id) {
                            "yes".into()
                        } else {
                            String::new()
                        },
                        error: None,
                    });
                }
            }
            for symptom in &rule.symptoms {
                let ours = myomap_scoring::field_answer_labels(instrument, &symptom.id);
                let options = (0..=symptom.max)
                    .map(|n| (n.to_string(), answer_text(n, ours.and_then(|l| l.get(usize::from(n))))))
                    .collect();
                out.push(select(symptom.id.clone(), symptom.label.clone(), options));
            }
            out.push(text(
                "duration_months".into(),
                "Months with symptoms at a similar level".into(),
            ));
            out
        }
        other => {
            let Some(rule) = other.item_rule() else {
                return Vec::new();
            };
            let labels = wording_items(wording)
                .filter(|w| w.len() == rule.items.len())
                .unwrap_or_else(|| rule.items.clone());
            if instrument == Instrument::Psfs {
                let mut out = Vec::new();
                for i in 0..PSFS_ROWS {
                    out.push(text(format!("activity_{i}"), format!("Activity {}", i + 1)));
                    let ours = myomap_scoring::answer_labels(instrument, i);
                    let options = std::iter::once((String::new(), "not rated".to_owned()))
                        .chain(
                            (rule.response.min..=rule.response.max)
                                .enumerate()
                                .map(|(k, n)| (n.to_string(), answer_text(n, ours.and_then(|l| l.get(k))))),
                        )
                        .collect();
                    out.push(select(
                        format!("item_{i}"),
                        format!("Activity {}: ability now (0 = unable, 10 = as before)", i + 1),
                        options,
                    ));
                }
                return out;
            }
            labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    // The clinic's licensed wording when loaded, else our own.
                    let loaded = wording_answers(wording, i);
                    let ours = myomap_scoring::answer_labels(instrument, i);
                    let options = std::iter::once((String::new(), "not answered".to_owned()))
                        .chain((rule.response.min..=rule.response.max).enumerate().map(|(k, n)| {
                            let label = match &loaded {
                                Some(answers) => answers.get(k),
                                None => ours.and_then(|l| l.get(k)),
                            };
                            (n.to_string(), answer_text(n, label))
                        }))
                        .collect();
                    select(
                        format!("item_{i}"),
                        format!("{}. {}", i + 1, capitalize_first(label)),
                        options,
                    )
                })
                .collect()
        }
    }
}

/// "3: Moderate pain", or the bare number where the scale words only its ends.
fn answer_text(value: u8, label: Option<&String>) -> String {
    match label {
        Some(label) if !label.is_empty() => format!("{value}: {label}"),
        _ => value.to_string(),
    }
}

fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The scoring input built from the form; PSFS activity texts ride along.
pub fn input_from(instrument: Instrument, form: &Pairs) -> (Value, Option<Value>) {
    let number = |text: &str| -> Value {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            return Value::Null;
        }
        serde_json::from_str::<Value>(&text)
            .ok()
            .filter(Value::is_number)
            .unwrap_or(Value::String(text))
    };
    let def = instrument.definition();
    match &def.scoring {
        Scoring::PptMean(_) => {
            let trials: Vec<Value> = (0..PPT_TRIALS)
                .map(|i| number(value(form, &format!("trial_{i}"))))
                .filter(|v| !v.is_null())
                .collect();
            (json!({"trials": trials, "unit": value(form, "unit")}), None)
        }
        Scoring::Acr2016(rule) => {
            let mut input = serde_json::Map::new();
            let regions: Vec<&str> = form
                .iter()
                .filter(|(k, _)| k == "region")
                .map(|(_, v)| v.as_str())
                .collect();
            input.insert("regions".into(), json!(regions));
            for symptom in &rule.symptoms {
                input.insert(symptom.id.clone(), number(value(form, &symptom.id)));
            }
            input.insert("duration_months".into(), number(value(form, "duration_months")));
            (Value::Object(input), None)
        }
        _ if instrument == Instrument::Nprs => (json!({"value": number(value(form, "item_0"))}), None),
        _ if instrument == Instrument::Psfs => {
            let mut items = Vec::new();
            let mut activities = Vec::new();
            for i in 0..PSFS_ROWS {
                let activity = value(form, &format!("activity_{i}")).trim().to_owned();
                let rating = number(value(form, &format!("item_{i}")));
                if activity.is_empty() && rating.is_null() {
                    continue;
                }
                items.push(rating);
                activities.push(activity);
            }
            (json!({"items": items}), Some(json!(activities)))
        }
        other => {
            let count = other.item_rule().map_or(0, |r| r.items.len());
            let items: Vec<Value> = (0..count).map(|i| number(value(form, &format!("item_{i}")))).collect();
            (json!({"items": items}), None)
        }
    }
}

/// The form field a scoring error names (`input.items[3]` → `item_3`).
fn form_field(field: &str) -> String {
    let field = field.strip_prefix("input.").unwrap_or(field);
    if let Some(rest) = field.strip_prefix("items[") {
        return format!("item_{}", rest.trim_end_matches(']'));
    }
    if let Some(rest) = field.strip_prefix("trials[") {
        return format!("trial_{}", rest.trim_end_matches(']'));
    }
    field.to_owned()
}

fn parse_instrument(id: &str) -> Option<Instrument> {
    id.parse()
        .ok()
        .filter(|i| myomap_clinic::outcomes::RECORDED.contains(i))
}

#[derive(Deserialize)]
pub struct NewParams {
    #[serde(default)]
    instrument: String,
}

async fn staff_page(
    state: &AppState,
    actor: &myomap_store::Actor,
    client_id: &str,
    instrument: Instrument,
    typed: &Pairs,
    error: Option<(String, String)>,
) -> Result<QuestionnairePage, PageError> {
    let id = client_id
        .parse()
        .map_err(|_| PageError::store(myomap_store::StoreError::NotFound("client"), Some(actor)))?;
    let scope = state.store.clinic(actor);
    let client = scope.get_client(id).await.map_err(|e| PageError::from((e, actor)))?;
    let wording = scope
        .wording(instrument.as_str())
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    let def = instrument.definition();
    // A new ACR 2016 form starts with the WPI areas of the latest pain map ticked.
    let prefilled: Pairs;
    let typed = if instrument == Instrument::Acr2016Fm && typed.is_empty() {
        let latest = scope
            .assessments_for(id)
            .await
            .map_err(|e| PageError::from((e, actor)))?
            .into_iter()
            .next();
        prefilled = latest
            .map(|a| {
                myomap_clinic::wpi::wpi_areas(&a.record.pain_map)
                    .into_iter()
                    .map(|area| ("region".to_owned(), area))
                    .collect()
            })
            .unwrap_or_default();
        &prefilled
    } else {
        typed
    };
    Ok(QuestionnairePage {
        layout: Layout::signed_in(actor, "clients"),
        title: format!("{} · {}", def.name, client.full_name()),
        intro: match (instrument, wording.is_some()) {
            (Instrument::Acr2016Fm, _) => {
                "Painful areas of the latest pain map are ticked; check them with the client.".into()
            }
            (_, true) => "Official wording loaded by the clinic.".into(),
            (_, false) => format!(
                "Item labels and answer wording of our own{}; a clinic holding a licence can load the official wording.",
                myomap_scoring::answer_wording_source(instrument)
                    .map(|source| format!(
                        " (the meaning of each answer follows {})",
                        source.split(':').next().unwrap_or(source)
                    ))
                    .unwrap_or_default()
            ),
        },
        action: format!("/clients/{client_id}/questionnaires"),
        cancel: format!("/clients/{client_id}"),
        csrf: actor.csrf_token.clone(),
        instrument: instrument.as_str().to_owned(),
        staff: true,
        taken_on: {
            let t = value(typed, "taken_on");
            if t.is_empty() {
                crate::clinic_today(actor).to_string()
            } else {
                t.to_owned()
            }
        },
        source: value(typed, "source").to_owned(),
        fields: fields(instrument, wording.as_ref(), typed, error.as_ref()),
        submit_label: "Save and score",
        licence: if actor.role.manages_accounts() {
            def.licence.clone()
        } else {
            String::new()
        },
        problem: error.map(|(_, m)| format!("Not saved: {m}")),
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(params): Query<NewParams>,
) -> Result<Response, PageError> {
    let Some(instrument) = parse_instrument(&params.instrument) else {
        return Ok(crate::pages::error_page(
            StatusCode::NOT_FOUND,
            Layout::signed_in(&actor, "clients"),
            "Not found",
            "There is no such questionnaire.",
        ));
    };
    Ok(render(
        StatusCode::OK,
        &staff_page(&state, &actor, &id, instrument, &Vec::new(), None).await?,
    ))
}

pub async fn record(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Result<Response, PageError> {
    let Some(instrument) = parse_instrument(value(&form, "instrument")) else {
        return Ok(crate::pages::error_page(
            StatusCode::NOT_FOUND,
            Layout::signed_in(&actor, "clients"),
            "Not found",
            "There is no such questionnaire.",
        ));
    };
    let client = id
        .parse()
        .map_err(|_| PageError::store(myomap_store::StoreError::NotFound("client"), Some(&actor)))?;
    let (input, activities) = input_from(instrument, &form);
    let source = if value(&form, "source") == "paper" {
        "paper"
    } else {
        "clinic"
    };
    let answers = Answers {
        instrument: instrument.as_str(),
        input,
        activities,
    };
    let taken_on = value(&form, "taken_on");
    match questionnaires::record_questionnaire(
        &state.store,
        &actor,
        &SystemClock,
        client,
        answers,
        Some(taken_on),
        source,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}/progress")).into_response()),
        Err(ClinicError::Invalid(errors)) => {
            let page = staff_page(&state, &actor, &id, instrument, &form, Some(first_error(&errors))).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::from((e, &actor))),
    }
}

/// The first refusal, on the form field it names.
fn first_error(errors: &ValidationErrors) -> (String, String) {
    errors
        .0
        .first()
        .map(|e| (form_field(&e.field), e.message.clone()))
        .unwrap_or_default()
}

pub async fn create_link(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Result<Response, PageError> {
    let Some(instrument) = parse_instrument(value(&form, "instrument")) else {
        return Ok(crate::pages::error_page(
            StatusCode::NOT_FOUND,
            Layout::signed_in(&actor, "clients"),
            "Not found",
            "There is no such questionnaire.",
        ));
    };
    let client = id
        .parse()
        .map_err(|_| PageError::store(myomap_store::StoreError::NotFound("client"), Some(&actor)))?;
    let link = questionnaires::request_link(&state.store, &actor, client, instrument.as_str())
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let page = MessagePage {
        layout: Layout::signed_in(&actor, "clients"),
        title: format!("{} link", instrument.definition().name),
        lines: vec!["Send this link to the client. It opens the questionnaire without an account, works once, and expires in 7 days.".into()],
        links: vec![super::links::issued(&state, &actor, &link)],
        back: format!("/clients/{id}"),
        back_label: "Back to the client".into(),
    };
    Ok(render(StatusCode::CREATED, &page))
}

/// The client-facing form behind a questionnaire link.
pub fn public_page(
    token: &str,
    grant: &myomap_store::LinkGrant,
    instrument: Instrument,
    wording: Option<&Value>,
    typed: &Pairs,
    error: Option<(String, String)>,
) -> QuestionnairePage {
    let def = instrument.definition();
    QuestionnairePage {
        layout: Layout::anonymous(),
        title: format!("{}, {}", def.name, grant.client_given_name),
        intro: format!(
            "{} asks you to answer this questionnaire. Choose the answer that fits best for each line; leave a line empty if it does not apply.",
            grant.clinic_name
        ),
        action: format!("/c/{token}"),
        cancel: String::new(),
        csrf: String::new(),
        instrument: instrument.as_str().to_owned(),
        staff: false,
        taken_on: String::new(),
        source: String::new(),
        fields: fields(instrument, wording, typed, error.as_ref()),
        submit_label: "Send to my therapist",
        licence: String::new(),
        problem: error.map(|(_, m)| format!("Not sent yet: {m}")),
    }
}

/// Scores and stores a client's answers from the link form.
pub async fn answer_public(state: &AppState, token: &str, grant: &myomap_store::LinkGrant, form: &Pairs) -> Response {
    let (instrument, wording) = match questionnaires::questionnaire_of_link(&state.store, grant).await {
        Ok(found) => found,
        Err(e) => {
            return crate::pages::error_page(
                StatusCode::NOT_FOUND,
                Layout::anonymous(),
                "Link not valid",
                &e.to_string(),
            );
        }
    };
    let (input, activities) = input_from(instrument, form);
    let answers = Answers {
        instrument: instrument.as_str(),
        input,
        activities,
    };
    match questionnaires::answer_via_link(&state.store, &SystemClock, token, grant, answers).await {
        Ok(()) => render(
            StatusCode::OK,
            &MessagePage {
                layout: Layout::anonymous(),
                title: format!("Thank you, {}", grant.client_given_name),
                lines: vec![format!(
                    "{} has received your answers. You can close this page.",
                    grant.clinic_name
                )],
                links: Vec::new(),
                back: String::new(),
                back_label: String::new(),
            },
        ),
        Err(ClinicError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &public_page(
                token,
                grant,
                instrument,
                wording.as_ref(),
                form,
                Some(first_error(&errors)),
            ),
        ),
        Err(e) => crate::pages::error_page(
            StatusCode::GONE,
            Layout::anonymous(),
            "Link no longer open",
            &e.to_string(),
        ),
    }
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    layout: Layout,
    client_id: String,
    client_name: String,
    rows: Vec<(String, String, String, String, &'static str, &'static str)>,
    charts: Vec<String>,
}

pub async fn show_progress(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client_id = id
        .parse()
        .map_err(|_| PageError::store(myomap_store::StoreError::NotFound("client"), Some(&actor)))?;
    let data = myomap_clinic::report::gather(&state.store, &actor, &SystemClock, client_id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let page = ProgressPage {
        layout: Layout::signed_in(&actor, "clients"),
        client_id: id,
        client_name: data.client.full_name(),
        rows: data
            .measures
            .iter()
            .map(|m| {
                let change = m.change.map_or_else(
                    || "—".to_owned(),
                    |c| {
                        format!(
                            "{}{}",
                            if c > 0.0 { "+" } else { "" },
                            myomap_clinic::progress::MeasureProgress::shown(Some(c))
                        )
                    },
                );
                (
                    m.name.clone(),
                    myomap_clinic::progress::MeasureProgress::shown(m.baseline),
                    myomap_clinic::progress::MeasureProgress::shown(m.latest),
                    change,
                    m.verdict_label(),
                    m.verdict,
                )
            })
            .collect(),
        charts: data.charts().iter().map(myomap_report::svg_chart).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn report_pdf(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client_id = id
        .parse()
        .map_err(|_| PageError::store(myomap_store::StoreError::NotFound("client"), Some(&actor)))?;
    let report = myomap_clinic::report::progress_report(&state.store, &actor, &SystemClock, client_id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", report.file_name),
            ),
        ],
        report.pdf,
    )
        .into_response())
}
