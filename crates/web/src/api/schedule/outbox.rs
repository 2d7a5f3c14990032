//! The outbox of messages to clients.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use myomap_store::OutboxMessage;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::schemas;
use crate::auth::ApiActor;
use crate::error::Problem;
use crate::json::ApiQuery;

fn message_json(m: &OutboxMessage) -> Value {
    json!({
        "id": m.id,
        "client_id": m.client_id,
        "client_name": m.client_name,
        "kind": m.kind,
        "recipient": m.recipient,
        "title": m.title,
        "body": m.body,
        "status": m.status.as_str(),
        "send_after": m.send_after.to_string(),
        "attempts": m.attempts,
        "last_error": m.last_error,
        "created_at": m.created_at.to_string(),
        "sent_at": m.sent_at.map(|t| t.to_string()),
    })
}

#[derive(Deserialize)]
pub struct OutboxParams {
    attention: Option<String>,
}

/// Messages to clients: those waiting for a person (to send by hand, or failed after every retry) first.
#[utoipa::path(
    get,
    path = "/api/v1/outbox",
    operation_id = "list_outbox",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("attention" = Option<bool>, Query, description = "Only messages waiting for a person.")),
    responses(
        (status = 200, description = "`{\"messages\": [{\"id\", \"client_id\", \"client_name\", \"kind\", \"recipient\", \"title\", \"body\", \"status\" (queued, by_hand, sent, failed, cancelled), \"send_after\", \"attempts\", \"last_error\", \"created_at\", \"sent_at\"}]}`. A sent message's body no longer carries client links.", body = Object),
        (status = 401, response = schemas::Unauthorized),
    )
)]
pub async fn outbox(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<OutboxParams>,
) -> Result<Json<Value>, Problem> {
    let attention = matches!(params.attention.as_deref(), Some("true" | "1"));
    let messages = state.store.clinic(&actor).outbox(attention, 200).await?;
    Ok(Json(
        json!({"messages": messages.iter().map(message_json).collect::<Vec<_>>()}),
    ))
}

/// Record that a message was sent by hand.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/sent",
    operation_id = "outbox_sent_by_hand",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id.")),
    responses(
        (status = 204, description = "Marked sent."),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn outbox_sent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).mark_sent_by_hand(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Try a failed message again through the relay now.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    operation_id = "outbox_retry",
    tag = "scheduling",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id.")),
    responses(
        (status = 204, description = "Queued again."),
        (status = 401, response = schemas::Unauthorized),
        (status = 404, response = schemas::NotFound),
    )
)]
pub async fn outbox_retry(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.clinic(&actor).retry_message(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
