//! The client list: search, archived clients, pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_domain::ClientId;
use myomap_store::ClientQuery;
use serde::Deserialize;

use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

struct Row {
    id: ClientId,
    given_name: String,
    family_name: String,
    date_of_birth: String,
    age: i64,
    phone: String,
    email: String,
    archived: bool,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ListPage {
    layout: Layout,
    query: String,
    include_archived: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    archived: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    // A mistyped page number in the address bar just shows the first page.
    let page = params.page.as_deref().and_then(|p| p.parse::<i64>().ok()).unwrap_or(1);
    let include_archived = params.archived.as_deref() == Some("true");
    let query = ClientQuery {
        search: params.q.trim().to_owned(),
        include_archived,
        page,
        after: None,
    };
    let result = state
        .store
        .clinic(&actor)
        .list_clients(&query)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let today = crate::clinic_today(&actor);
    let href = |page: i64| {
        let mut pairs = vec![("page", page.to_string())];
        if !query.search.is_empty() {
            pairs.push(("q", query.search.clone()));
        }
        if include_archived {
            pairs.push(("archived", "true".into()));
        }
        format!("/clients?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    };
    let page = ListPage {
        layout: Layout::signed_in(&actor, "clients"),
        rows: result
            .clients
            .iter()
            .map(|c| Row {
                id: c.id,
                given_name: c.given_name.clone(),
                family_name: c.family_name.clone(),
                date_of_birth: c.date_of_birth.to_string(),
                age: c.age_on(today),
                phone: c.phone.clone().unwrap_or_default(),
                email: c.email.clone().unwrap_or_default(),
                archived: c.archived,
            })
            .collect(),
        query: query.search.clone(),
        include_archived,
        total: result.total,
        page: result.page,
        pages: result.pages,
        prev_href: (result.page > 1).then(|| href(result.page - 1)),
        next_href: (result.page < result.pages).then(|| href(result.page + 1)),
    };
    Ok(render(StatusCode::OK, &page))
}
