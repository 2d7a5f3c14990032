//! The intake form with its screening section: filled in the clinic by staff
//! or at home through a client link, reviewed and signed by the therapist.

use std::collections::HashSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::SystemClock;
use myomap_domain::record::IntakeForm;
use myomap_domain::{AreaSite, ValidationErrors};
use myomap_screening::ScreeningAnswers;
use myomap_store::{Actor, Intake, IntakeStatus};

use super::{Pairs, checked, client_id, parse_site, site_options, value, values};
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

pub struct TextField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    pub error: Option<String>,
}

pub struct QuestionView {
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub asks_site: bool,
    /// For a follow-up: the label of the question it follows.
    pub follows: Option<String>,
    pub checked: bool,
    pub sites: HashSet<String>,
}

#[derive(Template)]
#[template(path = "intake_form.html")]
pub struct IntakePage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub cancel: String,
    pub csrf: String,
    pub submit_label: &'static str,
    pub texts: Vec<TextField>,
    pub long_sitting: bool,
    pub repetitive_tasks: bool,
    pub conditions: Vec<(&'static str, &'static str, bool)>,
    pub questions: Vec<QuestionView>,
    pub sites: &'static [(String, String)],
    pub screening_error: Option<String>,
    pub problem: Option<String>,
}

/// What was typed, kept to show again when the form is refused.
pub struct Typed {
    pub form: IntakeForm,
    pub yes: Vec<(String, Vec<String>)>,
}

pub fn read_form(pairs: &Pairs) -> Typed {
    let text = |key: &str| value(pairs, key).to_owned();
    let form = IntakeForm {
        conditions: values(pairs, "condition").into_iter().map(str::to_owned).collect(),
        reason_for_visit: text("reason_for_visit"),
        complaint_history: text("complaint_history"),
        surgeries_and_injuries: text("surgeries_and_injuries"),
        medications: text("medications"),
        occupation: text("occupation"),
        long_sitting: checked(pairs, "long_sitting"),
        repetitive_tasks: checked(pairs, "repetitive_tasks"),
        sport: text("sport"),
        goals: text("goals"),
    };
    let yes = values(pairs, "q")
        .into_iter()
        .map(|id| {
            (
                id.to_owned(),
                values(pairs, &format!("site_{id}"))
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect();
    Typed { form, yes }
}

/// Validated form and screening answers, or every problem by field.
pub fn validate(typed: &Typed) -> Result<(IntakeForm, ScreeningAnswers), (ValidationErrors, Option<String>)> {
    let form_errors = typed.form.validate().err();
    let mut sites_ok = true;
    let yes: Vec<(String, Vec<AreaSite>)> = typed
        .yes
        .iter()
        .map(|(id, sites)| {
            let parsed: Vec<AreaSite> = sites.iter().filter_map(|s| parse_site(s)).collect();
            sites_ok &= parsed.len() == sites.len();
            (id.clone(), parsed)
        })
        .collect();
    let answers = ScreeningAnswers::new(yes.iter().map(|(id, sites)| (id.as_str(), sites.clone())));
    let screening_error = match (&answers, sites_ok) {
        (Err(errors), _) => Some(
            errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (Ok(_), false) => Some("an area in the screening is not a known body area".to_owned()),
        _ => None,
    };
    match (form_errors, answers, screening_error) {
        (None, Ok(answers), None) => Ok((typed.form.clone(), answers)),
        (errors, _, screening) => Err((errors.unwrap_or_default(), screening)),
    }
}

pub struct IntakeSpec {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub cancel: String,
    pub csrf: String,
    pub submit_label: &'static str,
}

pub fn intake_page(
    spec: IntakeSpec,
    typed: &Typed,
    errors: &ValidationErrors,
    screening_error: Option<String>,
) -> IntakePage {
    let field = |name: &'static str, label: &'static str, kind: &'static str, value: &str, required: bool| TextField {
        name,
        label,
        kind,
        value: value.to_owned(),
        required,
        error: errors.for_field(name).map(str::to_owned),
    };
    let f = &typed.form;
    let texts = vec![
        field(
            "reason_for_visit",
            "Reason for your visit",
            "textarea",
            &f.reason_for_visit,
            true,
        ),
        field(
            "complaint_history",
            "How and when it started, what makes it better or worse",
            "textarea",
            &f.complaint_history,
            false,
        ),
        field(
            "surgeries_and_injuries",
            "Surgeries and injuries",
            "textarea",
            &f.surgeries_and_injuries,
            false,
        ),
        field("medications", "Medications", "textarea", &f.medications, false),
        field("occupation", "Occupation", "text", &f.occupation, false),
        field("sport", "Sport and exercise", "text", &f.sport, false),
        field(
            "goals",
            "What you hope to get from treatment",
            "textarea",
            &f.goals,
            false,
        ),
    ];
    let questions = myomap_screening::questions()
        .iter()
        .map(|q| {
            let answered = typed.yes.iter().find(|(id, _)| *id == q.id);
            QuestionView {
                id: q.id.clone(),
                label: q.label.clone(),
                help: q.help.clone(),
                asks_site: q.asks_site,
                follows: q
                    .follows
                    .as_deref()
                    .and_then(myomap_screening::question)
                    .map(|parent| parent.label.clone()),
                checked: answered.is_some(),
                sites: answered.map(|(_, s)| s.iter().cloned().collect()).unwrap_or_default(),
            }
        })
        .collect();
    let problem = (!errors.is_empty() || screening_error.is_some())
        .then(|| "Some answers need attention; nothing was saved yet.".to_owned());
    IntakePage {
        layout: spec.layout,
        heading: spec.heading,
        intro: spec.intro,
        action: spec.action,
        cancel: spec.cancel,
        csrf: spec.csrf,
        submit_label: spec.submit_label,
        texts,
        long_sitting: f.long_sitting,
        repetitive_tasks: f.repetitive_tasks,
        conditions: myomap_domain::record::CONDITIONS
            .iter()
            .map(|(id, label)| (*id, *label, f.conditions.iter().any(|c| c == id)))
            .collect(),
        questions,
        sites: site_options(),
        screening_error,
        problem,
    }
}

fn typed_from(intake: Option<&Intake>) -> Typed {
    let Some(intake) = intake else {
        return Typed {
            form: IntakeForm::default(),
            yes: Vec::new(),
        };
    };
    let yes = intake
        .screening
        .as_ref()
        .and_then(|s| serde_json::from_value::<ScreeningAnswers>(s.answers.clone()).ok())
        .map(|answers| {
            answers
                .iter()
                .map(|(q, sites)| (q.id.clone(), sites.iter().map(ToString::to_string).collect()))
                .collect()
        })
        .unwrap_or_default();
    Typed {
        form: intake.form.clone(),
        yes,
    }
}

fn staff_spec(actor: &Actor, client: &str, name: &str) -> IntakeSpec {
    IntakeSpec {
        layout: Layout::signed_in(actor, "clients"),
        heading: format!("Intake · {name}"),
        intro: "Fill this in with the client. The screening gives a verdict you review and sign on the client page."
            .into(),
        action: format!("/clients/{client}/intake"),
        cancel: format!("/clients/{client}"),
        csrf: actor.csrf_token.clone(),
        submit_label: "Save and screen",
    }
}

pub async fn form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let record = scope
        .get_client(client)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let latest = scope
        .latest_intake(client)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let previous = latest.filter(|i| i.status != IntakeStatus::Requested);
    let typed = typed_from(previous.as_ref());
    let page = intake_page(
        staff_spec(&actor, &id, &record.full_name()),
        &typed,
        &ValidationErrors::default(),
        None,
    );
    Ok(render(StatusCode::OK, &page))
}

pub async fn submit(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let typed = read_form(&pairs);
    let scope = state.store.clinic(&actor);
    match validate(&typed) {
        Ok((form, answers)) => {
            myomap_clinic::intake::take_intake(&state.store, &actor, &SystemClock, client, &form, &answers)
                .await
                .map_err(|e| PageError::from((e, &actor)))?;
            Ok(Redirect::to(&format!("/clients/{id}#intake")).into_response())
        }
        Err((errors, screening_error)) => {
            let record = scope
                .get_client(client)
                .await
                .map_err(|e| PageError::from((e, &actor)))?;
            let page = intake_page(
                staff_spec(&actor, &id, &record.full_name()),
                &typed,
                &errors,
                screening_error,
            );
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn create_link(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let link = myomap_clinic::intake::request_link(&state.store, &actor, client)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let page = crate::pages::MessagePage {
        layout: Layout::signed_in(&actor, "clients"),
        title: "Intake link".into(),
        lines: vec![
            "Send this link to the client. It opens the intake form without an account, works once, and expires in 7 days.".into(),
            format!(
                "Expires {}.",
                myomap_clinic::schedule::local_text(link.expires_at, &myomap_clinic::schedule::zone_of(&actor))
            ),
        ],
        links: vec![super::links::issued(&state, &actor, &link)],
        back: format!("/clients/{id}"),
        back_label: "Back to the client".into(),
    };
    Ok(render(StatusCode::CREATED, &page))
}

pub async fn sign(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(intake_id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let version = value(&pairs, "version").parse::<i64>().unwrap_or(-1);
    let intake = state
        .store
        .clinic(&actor)
        .sign_intake(&intake_id, version)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(Redirect::to(&format!("/clients/{}#intake", intake.client_id)).into_response())
}
