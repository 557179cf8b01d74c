//! The one error vocabulary of the core. The HTTP adapter maps it, once, to problem+json.

use std::fmt;

/// A field that failed validation, with a stable code and a human message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The offending field, as the client named it (`profile.first_name`).
    pub field: String,
    /// A stable machine code (`too_short`, `invalid_format`, ...).
    pub code: String,
    /// A human explanation.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: &str, code: &str, message: &str) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// Everything a use case can fail with. `code`s are stable: clients branch on them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// The record does not exist for this caller (another tenant's record is also NotFound).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// Some of the records a request names do not exist for this caller (404, listing them).
    #[error("{entity} not found: {ids:?}")]
    Missing { entity: &'static str, field: &'static str, ids: Vec<String> },
    /// The request is well formed but not acceptable in the current state (400).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// The request clashes with existing data or state (409).
    #[error("{message}")]
    Conflict { code: &'static str, field: Option<&'static str>, message: String },
    /// Input rejected by a rule; one entry per offending field (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Authenticated but not allowed (403).
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Missing or invalid credentials (401).
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// A rate or plan limit was hit (429): `limit` requests per window, the next one allowed after
    /// `retry_after_secs`.
    #[error("{message}")]
    LimitExceeded { code: &'static str, message: String, limit: u32, retry_after_secs: u64 },
    /// A dependency is down (503).
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the text is logged, never shown to clients (500).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result of a core operation.
pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    /// One invalid field.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
    /// A 400 with a stable code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest { code, message: message.into() }
    }
    /// A 409 with a stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, field: None, message: message.into() }
    }
    /// A 409 naming the field that clashes.
    pub fn conflict_on(code: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, field: Some(field), message: message.into() }
    }
    /// A 403 with a stable code.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden { code, message: message.into() }
    }
    /// A 401 with a stable code.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unauthorized { code, message: message.into() }
    }
    /// An unexpected failure of an adapter or a broken invariant.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }
}

/// Collects field errors so a request reports every bad field at once.
#[derive(Default, Debug)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Keeps the value when valid, records the error otherwise.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    /// Ok when nothing failed.
    pub fn finish(self) -> CoreResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Validation(self.0))
        }
    }
}
