use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use myomap_clinic::{SystemClock, clients};
use myomap_domain::{Client, ClientFields, ClientId, Role};
use myomap_store::{ClientPage, ClientQuery};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

/// A client's fields, to create a client or to replace them in an update.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    given_name: String,
    family_name: String,
    /// Not in the future, not before 1900-01-01.
    #[schema(format = Date, example = "1985-12-10")]
    date_of_birth: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    /// Clinical notes; only roles that write the clinical record may send
    /// them (front desk gets a 403).
    #[serde(default)]
    notes: Option<String>,
    /// Updates only: the version the caller read; a stale one is a 409.
    #[serde(default)]
    version: Option<i64>,
}

impl ClientBody {
    fn fields(self) -> ClientFields {
        ClientFields {
            given_name: self.given_name,
            family_name: self.family_name,
            date_of_birth: self.date_of_birth,
            email: self.email.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
            notes: self.notes.unwrap_or_default(),
        }
    }
}

pub fn client_json(client: &Client, role: Role) -> Value {
    serde_json::to_value(ClientView::new(client, role)).unwrap_or(Value::Null)
}

/// A client as the API answers it, serialised straight from the record
/// (no intermediate JSON tree: the list writes fifty of them). Fields in
/// name order, the order the API has always written them in.
#[derive(Serialize)]
pub struct ClientView<'a> {
    archived: bool,
    #[serde(serialize_with = "as_text")]
    created_at: &'a jiff::Timestamp,
    #[serde(serialize_with = "as_text")]
    date_of_birth: &'a jiff::civil::Date,
    email: Option<&'a str>,
    family_name: &'a str,
    given_name: &'a str,
    id: &'a ClientId,
    /// Present (possibly null) only for roles that read clinical notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<Option<&'a str>>,
    phone: Option<&'a str>,
    #[serde(serialize_with = "as_text")]
    updated_at: &'a jiff::Timestamp,
    version: i64,
}

impl<'a> ClientView<'a> {
    pub fn new(client: &'a Client, role: Role) -> Self {
        ClientView {
            archived: client.archived,
            created_at: &client.created_at,
            date_of_birth: &client.date_of_birth,
            email: client.email.as_deref(),
            family_name: &client.family_name,
            given_name: &client.given_name,
            id: &client.id,
            notes: role.reads_clinical_record().then_some(client.notes.as_deref()),
            phone: client.phone.as_deref(),
            updated_at: &client.updated_at,
            version: client.version,
        }
    }
}

fn as_text<T: std::fmt::Display, S: serde::Serializer>(value: &&T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(*value)
}

/// A page of the client list; fields in name order, as ever.
#[derive(Serialize)]
struct ClientListView<'a> {
    clients: Vec<ClientView<'a>>,
    next: Option<&'a str>,
    page: i64,
    pages: i64,
    total: i64,
}

pub fn parse_id(id: &str) -> Result<ClientId, Problem> {
    // A malformed id names no client, in this clinic or any other.
    id.parse().map_err(|_| Problem::not_found("client"))
}

#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    page: Option<String>,
    after: Option<String>,
    archived: Option<String>,
}

/// Lists the clinic's clients.
///
/// 50 a page, in name order (family name first). Follow `next` (pass it as
/// `after`) to walk the whole list: keyset paging, as fast at the end of the
/// list as at its start. Each search word matches the start of a word of the
/// name, e-mail or phone, ignoring case, accents and punctuation.
#[utoipa::path(
    get,
    operation_id = "list_clients",
    path = "/api/v1/clients",
    tag = "clients",
    security(("bearer" = [])),
    params(
        ("q" = Option<String>, Query, description = "Search words, matched against names, email and phone."),
        ("page" = Option<i64>, Query, minimum = 1, description = "The page, from 1 (the default); ignored with `after`."),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page: the page after it."),
        ("archived" = Option<bool>, Query, description = "Include archived clients (default false)."),
    ),
    responses(
        (status = 200, description = "One page of clients.", body = schemas::ClientList),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "Bad query string", e.body_text()))?;
    let page = match params.page.as_deref() {
        None | Some("") => 1,
        Some(p) => p.parse::<i64>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                "page",
                format!("must be a whole number from 1, not \"{p}\""),
            )
        })?,
    };
    let include_archived = match params.archived.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                "archived",
                format!("must be true or false, not \"{other}\""),
            ));
        }
    };
    let query = ClientQuery {
        search: params.q.unwrap_or_default(),
        include_archived,
        page,
        after: params.after.filter(|a| !a.is_empty()),
    };
    let ClientPage {
        clients,
        total,
        page,
        pages,
        next,
    } = state.store.clinic(&actor).list_clients(&query).await?;
    let view = ClientListView {
        clients: clients.iter().map(|c| ClientView::new(c, actor.role)).collect(),
        next: next.as_deref(),
        page,
        pages,
        total,
    };
    Ok(Json(view).into_response())
}

/// Creates a client.
///
/// `version` must not be sent.
#[utoipa::path(
    post,
    operation_id = "create_client",
    path = "/api/v1/clients",
    tag = "clients",
    security(("bearer" = [])),
    request_body = ClientBody,
    responses(
        (status = 201, description = "The new client.", body = schemas::Client,
            headers(("Location" = String, description = "The new client's address."))),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<Response, Problem> {
    if body.version.is_some() {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "version",
            "is only sent when updating a client",
        ));
    }
    let client = clients::register(&state.store, &actor, &SystemClock, &body.fields()).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/clients/{}", client.id)).ok();
    let mut response = (StatusCode::CREATED, Json(client_json(&client, actor.role))).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Reads one client.
///
/// Reading a client record is audited.
#[utoipa::path(
    get,
    operation_id = "read_client",
    path = "/api/v1/clients/{id}",
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The client.", body = schemas::Client),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let client = state.store.clinic(&actor).get_client(parse_id(&id)?).await?;
    Ok(Json(ClientView::new(&client, actor.role)).into_response())
}

/// The client's record as a FHIR R4 Bundle.
///
/// A `collection` Bundle (`application/fhir+json`) with the client's
/// `Patient`, the clinic (`Organization`), the staff who wrote the record
/// (`Practitioner`), the intake's presenting conditions (`Condition`), an
/// `Encounter` per signed session, `Observation`s (NPRS pain ratings coded
/// LOINC 72514-3; pressure pain thresholds in `kg/cm2`; questionnaire
/// scores; the pain map with its body sites), a `QuestionnaireResponse` per
/// questionnaire, `CarePlan`s with their `Goal`s and the `Appointment`s.
/// Codes other than LOINC 72514-3 are not invented: those concepts carry
/// `text` only. Therapists and owners only; an audited read.
#[utoipa::path(
    get,
    operation_id = "client_fhir",
    path = "/api/v1/clients/{id}/fhir",
    tag = "clinical record",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "A FHIR R4 Bundle of type `collection`; resource ids are the record's ids, references are `ResourceType/id`.", body = Object, content_type = "application/fhir+json"),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn fhir(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let client = parse_id(&id)?;
    let bundle = myomap_clinic::fhir::client_bundle(&state.store, &actor, &myomap_clinic::SystemClock, client).await?;
    Ok(([(header::CONTENT_TYPE, "application/fhir+json")], Json(bundle)).into_response())
}

/// Replaces a client's fields.
///
/// `version` is required: the version read, so that concurrent edits are
/// caught (a stale one is a 409).
#[utoipa::path(
    put,
    operation_id = "update_client",
    path = "/api/v1/clients/{id}",
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    request_body = ClientBody,
    responses(
        (status = 200, description = "The updated client.", body = schemas::Client),
        (status = 400, response = schemas::BadRequest),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 409, response = schemas::Conflict),
        (status = 413, response = schemas::PayloadTooLarge),
        (status = 415, response = schemas::UnsupportedMediaType),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<Json<Value>, Problem> {
    let id = parse_id(&id)?;
    let version = body.version.ok_or_else(|| {
        Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "version",
            "is required: send the version you read, so concurrent edits are caught",
        )
    })?;
    let client = clients::update(&state.store, &actor, &SystemClock, id, version, &body.fields()).await?;
    Ok(Json(client_json(&client, actor.role)))
}

/// Archives a client.
///
/// The record is kept, but left out of lists unless asked for.
#[utoipa::path(
    post,
    operation_id = "archive_client",
    path = "/api/v1/clients/{id}/archive",
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The archived client.", body = schemas::Client),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn archive(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client = state.store.clinic(&actor).set_archived(parse_id(&id)?, true).await?;
    Ok(Json(client_json(&client, actor.role)))
}

/// Restores an archived client.
#[utoipa::path(
    post,
    operation_id = "restore_client",
    path = "/api/v1/clients/{id}/restore",
    tag = "clients",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The restored client.", body = schemas::Client),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn restore(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client = state.store.clinic(&actor).set_archived(parse_id(&id)?, false).await?;
    Ok(Json(client_json(&client, actor.role)))
}
