//! Adding a client and editing a client's details.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::ClinicError;
use myomap_clinic::SystemClock;
use myomap_clinic::clients;
use myomap_domain::{ClientFields, ValidationErrors};
use myomap_store::Actor;
use serde::Deserialize;

use super::parse_id;
use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

struct FormField {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    required: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "client_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    csrf: String,
    version: Option<i64>,
    fields: Vec<FormField>,
    problem: Option<String>,
}

fn form_fields(actor: &Actor, values: &ClientFields, errors: &ValidationErrors) -> Vec<FormField> {
    let field = |name: &'static str, label: &'static str, kind: &'static str, value: &str, required: bool| FormField {
        name,
        label,
        kind,
        value: value.to_owned(),
        required,
        error: errors.for_field(name).map(str::to_owned),
    };
    let mut fields = vec![
        field("given_name", "Given name", "text", &values.given_name, true),
        field("family_name", "Family name", "text", &values.family_name, true),
        field("date_of_birth", "Date of birth", "date", &values.date_of_birth, true),
        field("phone", "Phone", "tel", &values.phone, false),
        field("email", "Email", "email", &values.email, false),
    ];
    if actor.role.writes_clinical_record() {
        fields.push(field("notes", "Clinical notes", "textarea", &values.notes, false));
    }
    fields
}

struct FormSpec<'a> {
    heading: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    values: &'a ClientFields,
    errors: &'a ValidationErrors,
    problem: Option<String>,
}

fn form_page(status: StatusCode, actor: &Actor, spec: FormSpec<'_>) -> Response {
    render(
        status,
        &FormPage {
            layout: Layout::signed_in(actor, "clients"),
            heading: spec.heading,
            action: spec.action,
            cancel: spec.cancel,
            csrf: actor.csrf_token.clone(),
            version: spec.version,
            fields: form_fields(actor, spec.values, spec.errors),
            problem: spec.problem,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct ClientForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: Option<String>,
}

impl ClientForm {
    fn fields(&self) -> ClientFields {
        ClientFields {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: self.date_of_birth.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            notes: self.notes.clone(),
        }
    }
}

pub async fn new_form(PageActor(actor): PageActor) -> Response {
    form_page(
        StatusCode::OK,
        &actor,
        FormSpec {
            heading: "New client".into(),
            action: "/clients".into(),
            cancel: "/clients".into(),
            version: None,
            values: &ClientFields::default(),
            errors: &ValidationErrors::default(),
            problem: None,
        },
    )
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<ClientForm>,
) -> Result<Response, PageError> {
    let values = form.fields();
    let refused = |errors: &ValidationErrors, problem: Option<String>| {
        form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &actor,
            FormSpec {
                heading: "New client".into(),
                action: "/clients".into(),
                cancel: "/clients".into(),
                version: None,
                values: &values,
                errors,
                problem,
            },
        )
    };
    match clients::register(&state.store, &actor, &SystemClock, &values).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(ClinicError::Invalid(errors)) => Ok(refused(
            &errors,
            Some("Some fields need attention; nothing was saved yet.".into()),
        )),
        Err(ClinicError::Forbidden(m)) => Ok(refused(&ValidationErrors::default(), Some(m))),
        Err(e) => Err(PageError::from((e, &actor))),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let client = state
        .store
        .clinic(&actor)
        .get_client(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(form_page(
        StatusCode::OK,
        &actor,
        FormSpec {
            heading: format!("Edit {}", client.full_name()),
            action: format!("/clients/{id}"),
            cancel: format!("/clients/{id}"),
            version: Some(client.version),
            values: &client.fields(),
            errors: &ValidationErrors::default(),
            problem: None,
        },
    ))
}

pub async fn update(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<ClientForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let values = form.fields();
    let version = form.version.as_deref().and_then(|v| v.parse::<i64>().ok());
    let refused = |errors: &ValidationErrors, problem: String| {
        form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &actor,
            FormSpec {
                heading: "Edit client".into(),
                action: format!("/clients/{id}"),
                cancel: format!("/clients/{id}"),
                version,
                values: &values,
                errors,
                problem: Some(problem),
            },
        )
    };
    let Some(version) = version else {
        return Ok(refused(
            &ValidationErrors::default(),
            "The form lost track of which version it edits. Reload the client and edit again.".into(),
        ));
    };
    match clients::update(&state.store, &actor, &SystemClock, id, version, &values).await {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response()),
        Err(ClinicError::Invalid(errors)) => Ok(refused(
            &errors,
            "Some fields need attention; nothing was saved yet.".into(),
        )),
        // Keep what the person typed and say what happened.
        Err(ClinicError::Conflict(m) | ClinicError::Forbidden(m)) => Ok(refused(&ValidationErrors::default(), m)),
        Err(e) => Err(PageError::from((e, &actor))),
    }
}
