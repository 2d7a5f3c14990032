use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use myomap_domain::{Client, ClientFields, ClientId, Role};
use myomap_store::{ClientPage, ClientQuery};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    given_name: String,
    family_name: String,
    date_of_birth: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
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
    let mut value = json!({
        "id": client.id,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "date_of_birth": client.date_of_birth.to_string(),
        "email": client.email,
        "phone": client.phone,
        "archived": client.archived,
        "created_at": client.created_at.to_string(),
        "updated_at": client.updated_at.to_string(),
        "version": client.version,
    });
    if role.reads_clinical_record() {
        value["notes"] = json!(client.notes);
    }
    value
}

pub fn parse_id(id: &str) -> Result<ClientId, Problem> {
    // A malformed id names no client, in this clinic or any other.
    id.parse().map_err(|_| Problem::not_found("client"))
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    page: Option<String>,
    archived: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, Problem> {
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
    };
    let ClientPage {
        clients,
        total,
        page,
        pages,
    } = state.store.clinic(&actor).list_clients(&query).await?;
    let clients: Vec<Value> = clients.iter().map(|c| client_json(c, actor.role)).collect();
    Ok(Json(
        json!({"clients": clients, "total": total, "page": page, "pages": pages}),
    ))
}

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
    let valid = body.fields().validate(today()).map_err(Problem::invalid)?;
    let client = state.store.clinic(&actor).create_client(&valid).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/clients/{}", client.id)).ok();
    let mut response = (StatusCode::CREATED, Json(client_json(&client, actor.role))).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub async fn read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client = state.store.clinic(&actor).get_client(parse_id(&id)?).await?;
    Ok(Json(client_json(&client, actor.role)))
}

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
    let valid = body.fields().validate(today()).map_err(Problem::invalid)?;
    let client = state.store.clinic(&actor).update_client(id, version, &valid).await?;
    Ok(Json(client_json(&client, actor.role)))
}

pub async fn archive(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client = state.store.clinic(&actor).set_archived(parse_id(&id)?, true).await?;
    Ok(Json(client_json(&client, actor.role)))
}

pub async fn restore(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let client = state.store.clinic(&actor).set_archived(parse_id(&id)?, false).await?;
    Ok(Json(client_json(&client, actor.role)))
}
