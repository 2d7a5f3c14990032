//! The one error of the application: what went wrong in terms a face can
//! show. The API maps it to problem details, the pages to a form with its
//! errors or the right status page; bad input is never a 500.

use myomap_domain::ValidationErrors;
use myomap_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ClinicError {
    /// The input is wrong; each error names its field.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// An upload of a type this use case does not take; each error names
    /// its field.
    #[error("{0}")]
    UnsupportedType(ValidationErrors),
    /// An upload larger than this use case takes; each error names its field.
    #[error("{0}")]
    TooLarge(ValidationErrors),
    /// Missing, or another clinic's (deliberately the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input names something that does not exist, as opposed to a
    /// record that is missing (an instrument id nobody defines); the
    /// message says which name.
    #[error("{0}")]
    Unknown(String),
    #[error("{0}")]
    Forbidden(String),
    /// Someone else changed it, or its state forbids the change.
    #[error("{0}")]
    Conflict(String),
    /// A client link that was valid once: used or expired.
    #[error("{0}")]
    Gone(String),
    /// Not signed in, or the session ended.
    #[error("{0}")]
    Unauthenticated(String),
    /// Wait and try again (a rate limit, a busy database).
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after_secs: Option<u64>,
    },
    #[error("{0}")]
    Internal(String),
}

impl ClinicError {
    /// One field's problem.
    pub fn field(field: &str, message: impl Into<String>) -> ClinicError {
        ClinicError::Invalid(ValidationErrors::single(field, message))
    }
}

impl From<StoreError> for ClinicError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ClinicError::NotFound(what),
            StoreError::Conflict(message) => ClinicError::Conflict(message),
            StoreError::Forbidden(message) => ClinicError::Forbidden(message),
            StoreError::Invalid(errors) => ClinicError::Invalid(errors),
            StoreError::Gone(message) => ClinicError::Gone(message),
            e @ (StoreError::Unauthenticated
            | StoreError::SessionExpired
            | StoreError::WrongCredentials
            | StoreError::SecondFactor(_)) => ClinicError::Unauthenticated(e.to_string()),
            StoreError::TooManyAttempts { retry_after_secs } => ClinicError::Unavailable {
                message: error_text(retry_after_secs),
                retry_after_secs: Some(retry_after_secs),
            },
            other => ClinicError::Internal(other.to_string()),
        }
    }
}

fn error_text(retry_after_secs: u64) -> String {
    StoreError::TooManyAttempts { retry_after_secs }.to_string()
}
