use myomap_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not found, or not in the caller's clinic: the two are deliberately
    /// indistinguishable.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("not signed in")]
    Unauthenticated,
    #[error("your session has expired; sign in again")]
    SessionExpired,
    #[error("wrong email or password")]
    WrongCredentials,
    /// The password was right; the second factor is missing, wrong or
    /// already used.
    #[error("{0}")]
    SecondFactor(String),
    #[error("too many failed sign-in attempts; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A client link that was valid once: used or expired.
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Config(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration {version} failed: {message}")]
    Migration { version: i64, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl StoreError {
    pub(crate) fn connect(e: sqlx::Error) -> Self {
        StoreError::Connect(e.to_string())
    }

    pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(db) => db.is_unique_violation() || db.message().contains("UNIQUE constraint failed"),
            _ => false,
        }
    }
}
