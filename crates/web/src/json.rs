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
                let message = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
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
    if escapes_nul(bytes) {
        // PostgreSQL cannot hold text with NUL (a server error before this
        // check, found by Schemathesis); name where it is.
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
            && let Some(field) = nul_path(&value, String::new())
        {
            let field = if field.is_empty() { "body".to_owned() } else { field };
            return Err(Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                &field,
                "may not contain a NUL character (\\u0000)",
            ));
        }
    }
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

/// Whether a JSON text writes a NUL character (`\u0000`) in a string. A raw
/// NUL is not valid JSON and serde refuses it; only the escape gets through.
fn escapes_nul(bytes: &[u8]) -> bool {
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\\' {
            if bytes.get(at + 1) == Some(&b'u') && bytes.get(at + 2..at + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then text) is not one.
            at += 2;
        } else {
            at += 1;
        }
    }
    false
}

/// The path (as serde_path_to_error writes it) of the first key or string
/// holding a NUL character.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(n, item)| nul_path(item, format!("{path}[{n}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                Some(here)
            } else {
                nul_path(item, here)
            }
        }),
        _ => None,
    }
}

/// serde_json appends " at line L column C"; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod nul_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_nul_in_a_string_is_refused_naming_its_field() {
        let problem = parse::<serde_json::Value>(br#"{"a": [1, {"b": "x\u0000y"}]}"#).unwrap_err();
        assert_eq!(problem.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem.errors[0].field, "a[1].b");
        // An escaped backslash followed by text is no NUL.
        assert!(parse::<serde_json::Value>(br#"{"a": "\\u0000"}"#).is_ok());
    }
}
