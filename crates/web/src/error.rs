//! API errors as RFC 9457 problem details: a status, a title, a one-line
//! detail and, for input errors, the list of fields with what is wrong.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use myomap_clinic::ClinicError;
use myomap_domain::{FieldError, ValidationErrors};
use myomap_store::StoreError;
use serde::Serialize;

/// A problem detail (RFC 9457), sent as `application/problem+json`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "status": 422,
    "title": "Invalid input",
    "detail": "date_of_birth: is in the future",
    "errors": [{"field": "date_of_birth", "message": "is in the future"}]
}))]
pub struct Problem {
    /// The HTTP status code, repeated.
    #[serde(serialize_with = "serialize_status")]
    #[schema(value_type = u16, example = 422)]
    pub status: StatusCode,
    /// A short summary of the kind of problem.
    #[schema(value_type = String)]
    pub title: &'static str,
    /// What went wrong this time, in one line.
    pub detail: String,
    /// For input errors: every field at fault. Left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::api::schemas::FieldError>)]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    pub retry_after_secs: Option<u64>,
}

fn serialize_status<S: serde::Serializer>(status: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(status.as_u16())
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
        }
    }

    pub fn invalid(errors: ValidationErrors) -> Self {
        Problem {
            detail: errors.to_string(),
            errors: errors.0,
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", "")
        }
    }

    /// Validation errors of a nested object, named by their path in the
    /// request body (`plan.goals[0].instrument`).
    pub fn invalid_in(object: &str) -> impl Fn(ValidationErrors) -> Problem + '_ {
        move |mut errors| {
            for e in &mut errors.0 {
                e.field = format!("{object}.{}", e.field);
            }
            Problem::invalid(errors)
        }
    }

    pub fn field(status: StatusCode, title: &'static str, field: &str, message: impl Into<String>) -> Self {
        let errors = ValidationErrors::single(field, message);
        Problem {
            detail: errors.to_string(),
            errors: errors.0,
            ..Problem::new(status, title, "")
        }
    }

    pub fn not_found(what: &str) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "Not found", format!("{what} not found"))
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Problem::not_found(what),
            StoreError::Conflict(m) => Problem::new(StatusCode::CONFLICT, "Conflict", m),
            StoreError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "Forbidden", m),
            StoreError::Gone(m) => Problem::new(StatusCode::GONE, "Gone", m),
            StoreError::Invalid(errors) => Problem::invalid(errors),
            e @ (StoreError::Unauthenticated | StoreError::SessionExpired | StoreError::WrongCredentials) => {
                Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", e.to_string())
            }
            StoreError::SecondFactor(message) => {
                Problem::field(StatusCode::UNAUTHORIZED, "Unauthorized", "totp", message)
            }
            e @ StoreError::TooManyAttempts { retry_after_secs } => Problem {
                retry_after_secs: Some(retry_after_secs),
                ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", e.to_string())
            },
            other => {
                tracing::error!(error = %other, "request failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    "the server could not complete the request; it has been logged",
                )
            }
        }
    }
}

impl From<ClinicError> for Problem {
    fn from(e: ClinicError) -> Self {
        match e {
            ClinicError::NotFound(what) => Problem::not_found(what),
            ClinicError::Unknown(m) => Problem::new(StatusCode::NOT_FOUND, "Not found", m),
            ClinicError::Conflict(m) => Problem::new(StatusCode::CONFLICT, "Conflict", m),
            ClinicError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "Forbidden", m),
            ClinicError::Gone(m) => Problem::new(StatusCode::GONE, "Gone", m),
            ClinicError::Invalid(errors) => Problem::invalid(errors),
            ClinicError::UnsupportedType(errors) => Problem {
                detail: errors.to_string(),
                errors: errors.0,
                ..Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "")
            },
            ClinicError::TooLarge(errors) => Problem {
                detail: errors.to_string(),
                errors: errors.0,
                ..Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Too large", "")
            },
            ClinicError::Unauthenticated(m) => Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", m),
            ClinicError::Unavailable {
                message,
                retry_after_secs,
            } => Problem {
                retry_after_secs,
                ..Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Try again later", message)
            },
            ClinicError::Internal(message) => {
                tracing::error!(error = %message, "request failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error",
                    "the server could not complete the request; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status;
        let retry_after = self.retry_after_secs;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
