//! RFC 9457 problem+json: the one mapping from core errors (and from poem's own request errors) to
//! HTTP answers. Internals are logged, never sent.

use ally360::kernel::{CoreError, FieldError};
use poem::http::StatusCode;
use poem::Response;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

/// One invalid field.
#[derive(Object, Debug, Clone)]
pub struct FieldProblem {
    /// The field as the client named it (`profile.first_name`).
    pub field: String,
    /// Stable machine code.
    pub code: String,
    /// Human explanation.
    pub message: String,
}

/// An error answer (RFC 9457).
#[derive(Object, Debug, Clone)]
pub struct Problem {
    /// A URI reference naming the problem kind.
    #[oai(rename = "type")]
    pub kind: String,
    /// Short summary of the problem kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// Human explanation of this occurrence.
    pub detail: String,
    /// Stable machine code clients branch on.
    pub code: String,
    /// The offending fields, for validation errors.
    #[oai(skip_serializing_if_is_empty)]
    pub errors: Vec<FieldProblem>,
}

impl Problem {
    /// A problem with no field errors.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            errors: Vec::new(),
        }
    }

    fn with_fields(mut self, errors: Vec<FieldError>) -> Self {
        self.errors =
            errors.into_iter().map(|e| FieldProblem { field: e.field, code: e.code, message: e.message }).collect();
        self
    }
}

/// Every error answer of the API.
#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// The request cannot be handled as sent.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Missing, invalid or expired credentials.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// Not allowed for this user, role or company.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such record for this caller.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// Clashes with existing data or state.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// Invalid input; `errors` names the fields.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many requests; retry after the given seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(
        Json<Problem>,
        /// Seconds until a request is allowed again.
        #[oai(header = "Retry-After")]
        u64,
        /// Requests allowed per window.
        #[oai(header = "RateLimit-Limit")]
        u32,
        /// Requests left in the window.
        #[oai(header = "RateLimit-Remaining")]
        u32,
        /// Seconds until the window frees a request.
        #[oai(header = "RateLimit-Reset")]
        u64,
    ),
    /// Unexpected failure (details are in the logs).
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
    /// A dependency is down; try again later.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

impl ApiError {
    /// The error for a status, code and message.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(status, code, detail))
    }

    fn from_problem(p: Problem) -> Self {
        let p = Json(p);
        match p.0.status {
            400 => Self::BadRequest(p),
            401 => Self::Unauthorized(p),
            403 => Self::Forbidden(p),
            404 => Self::NotFound(p),
            409 => Self::Conflict(p),
            422 => Self::Unprocessable(p),
            429 => Self::TooManyRequests(p, 1, 0, 0, 1),
            503 => Self::Unavailable(p),
            _ => Self::Internal(p),
        }
    }

    /// A 422 naming one field.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        CoreError::invalid(field, code, message).into()
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let p = match e {
            CoreError::NotFound { entity } => {
                Problem::new(StatusCode::NOT_FOUND, "not_found", format!("{entity} not found"))
            }
            CoreError::Missing { entity, field, ids } => {
                let p =
                    Problem::new(StatusCode::NOT_FOUND, "not_found", format!("{entity} not found: {}", ids.join(", ")));
                p.with_fields(ids.iter().map(|id| FieldError::new(field, "not_found", id)).collect())
            }
            CoreError::BadRequest { code, message } => Problem::new(StatusCode::BAD_REQUEST, code, message),
            CoreError::Conflict { code, field, message } => {
                let p = Problem::new(StatusCode::CONFLICT, code, message.clone());
                match field {
                    Some(f) => p.with_fields(vec![FieldError::new(f, code, &message)]),
                    None => p,
                }
            }
            CoreError::Validation(errors) => {
                let detail =
                    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", detail).with_fields(errors)
            }
            CoreError::Forbidden { code, message } => Problem::new(StatusCode::FORBIDDEN, code, message),
            CoreError::Unauthorized { code, message } => Problem::new(StatusCode::UNAUTHORIZED, code, message),
            CoreError::LimitExceeded { code, message, limit, retry_after_secs } => {
                let p = Json(Problem::new(StatusCode::TOO_MANY_REQUESTS, code, message));
                return Self::TooManyRequests(p, retry_after_secs, limit, 0, retry_after_secs);
            }
            CoreError::Unavailable(message) => {
                tracing::error!(%message, "dependency unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "a dependency is unavailable, try again later",
                )
            }
            CoreError::Internal(message) => {
                tracing::error!(%message, "internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred")
            }
        };
        Self::from_problem(p)
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// The problem+json response for an error raised by poem or poem-openapi before a handler ran
/// (bad JSON, bad parameters, missing credentials, unknown routes), or by a handler.
pub fn error_response(err: poem::Error) -> Response {
    use poem_openapi::error::{AuthorizationError, ContentTypeError, ParseParamError, ParseRequestPayloadError};
    if err.is_from_response() {
        return err.into_response();
    }
    let status = err.status();
    let problem = if let Some(e) = err.downcast_ref::<ParseParamError>() {
        let p =
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_parameter", format!("{}: {}", e.name, e.reason));
        p.with_fields(vec![FieldError::new(e.name, "invalid", &e.reason)])
    } else if let Some(e) = err.downcast_ref::<ParseRequestPayloadError>() {
        let field = payload_field(&e.reason);
        let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.reason.clone());
        p.with_fields(vec![FieldError::new(&field, "invalid", &e.reason)])
    } else if err.is::<AuthorizationError>() {
        Problem::new(StatusCode::UNAUTHORIZED, "not_authenticated", "a bearer token is required")
    } else if err.is::<ContentTypeError>() {
        Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", err.to_string())
    } else if status == StatusCode::NOT_FOUND {
        Problem::new(status, "route_not_found", "no such route")
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        Problem::new(status, "method_not_allowed", "method not allowed on this route")
    } else if status == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(status, "payload_too_large", "the request body is too large")
    } else if status.is_server_error() {
        tracing::error!(error = %err, "unhandled error");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred")
    } else {
        Problem::new(status, "bad_request", err.to_string())
    };
    problem_response(&problem)
}

/// Serialises a problem with its content type (and `WWW-Authenticate` on 401).
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = poem_openapi::types::ToJSON::to_json_string(problem);
    let mut resp = Response::builder().status(status).content_type("application/problem+json").body(body);
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert("WWW-Authenticate", poem::http::HeaderValue::from_static("Bearer"));
    }
    resp
}

/// Best guess of the field a payload parse error is about (`missing field `email`` → `email`).
fn payload_field(reason: &str) -> String {
    reason
        .split('`')
        .nth(1)
        .or_else(|| reason.split('"').nth(1))
        .filter(|f| !f.is_empty() && f.len() < 64)
        .unwrap_or("body")
        .to_string()
}
