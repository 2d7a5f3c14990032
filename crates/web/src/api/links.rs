//! Client links already issued: the ones still open, and sending one to the
//! client by e-mail through the outbox.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use myomap_clinic::messages::client_link;
use myomap_store::{LinkPurpose, OpenLink};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clients::parse_id;
use super::schemas;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiJson;

pub(crate) fn open_link_json(public_url: &str, link: &OpenLink) -> Value {
    json!({
        "purpose": link.purpose.as_str(),
        "target_id": link.target_id,
        "url": client_link(public_url, &link.token),
        "created_at": link.created_at.to_string(),
        "expires_at": link.expires_at.to_string(),
    })
}

/// The client's links that are still open, newest first.
///
/// A link stays listed until the client uses it or it expires. The front
/// desk sees the links it may hand out (intake, booking, appointment).
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}/links",
    tag = "client links",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's id (a UUID).")),
    responses(
        (status = 200, description = "The open links.", body = [schemas::OpenLink]),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let links = state.store.clinic(&actor).open_links(parse_id(&id)?).await?;
    Ok(Json(Value::Array(
        links
            .iter()
            .map(|l| open_link_json(&state.config.public_url, l))
            .collect(),
    )))
}

/// Which open link to e-mail.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailLinkBody {
    /// `intake`, `checkin`, `questionnaire`, `home_care`, `booking` or `appointment`.
    purpose: String,
    /// What the link opens, as listed by `GET /api/v1/clients/{id}/links`.
    target_id: String,
}

/// Queues an open link as an e-mail to the client's address on file.
///
/// Sent by the mail relay when one is configured; otherwise the message
/// waits on the outbox for the front desk to send by hand.
#[utoipa::path(
    post,
    path = "/api/v1/links/email",
    tag = "client links",
    security(("bearer" = [])),
    request_body = EmailLinkBody,
    responses(
        (status = 202, description = "Queued.", body = schemas::LinkEmailed),
        (status = 401, response = schemas::Unauthorized),
        (status = 403, response = schemas::Forbidden),
        (status = 404, response = schemas::NotFound),
        (status = 422, response = schemas::InvalidInput),
    )
)]
pub async fn email(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<EmailLinkBody>,
) -> Result<Response, Problem> {
    let purpose = LinkPurpose::from_name(&body.purpose).ok_or_else(|| {
        Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid input",
            "purpose",
            "is not a link purpose (intake, checkin, questionnaire, home_care, booking, appointment)",
        )
    })?;
    let queued =
        myomap_clinic::link_email::queue_link_email(&state.store, &actor, &state.messages(), purpose, &body.target_id)
            .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(emailed_json(&queued.message_id, queued.client, queued.relay)),
    )
        .into_response())
}

pub(crate) fn emailed_json(message_id: &str, client: myomap_domain::ClientId, relay: bool) -> Value {
    json!({
        "message_id": message_id,
        "client_id": client,
        "delivery": if relay { "relay" } else { "by_hand" },
    })
}
