//! A JSON body extractor whose errors name the field: malformed JSON is a 400,
//! a well-formed body with a wrong type, unknown field or missing field is a
//! 422 pointing at the path (`date_of_birth`, `areas[2].side`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::Problem;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    status,
                    "Body too large",
                    format!("the body is larger than {} bytes", crate::MAX_BODY_BYTES),
                )
            } else {
                Problem::new(status, "Unreadable body", rejection.body_text())
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// A query-string extractor whose refusal is a problem-details 400 naming
/// the parameter, like every other API error (axum's own answers in plain
/// text).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(value) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                let text = rejection.body_text();
                let message = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(&text);
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "Bad query string",
                    format!("the query string is not valid: {message}"),
                )
            })?;
        Ok(ApiQuery(value))
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io => Problem::new(
                StatusCode::BAD_REQUEST,
                "Malformed JSON",
                format!("the body is not valid JSON: {message}"),
            ),
            serde_json::error::Category::Data => {
                let field = if path == "." { "body".to_owned() } else { path };
                Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", &field, message)
            }
        }
    })
}

/// serde_json appends " at line L column C"; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
