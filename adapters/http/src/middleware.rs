//! Cross-cutting HTTP behaviour: request ids and tracing spans, problem+json for every error,
//! security headers, and the request body limit.

use crate::problem::{error_response, problem_response, Problem};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use tracing::Instrument;
use uuid::Uuid;

/// Header carrying the request id (accepted from the client when sane, generated otherwise).
pub const REQUEST_ID: &str = "X-Request-ID";

fn request_id(req: &Request) -> String {
    req.header(REQUEST_ID)
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string())
}

const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("X-XSS-Protection", "1; mode=block"),
    (
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains",
    ),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
];

/// Wraps the whole app: one span per request, errors as problem+json, common headers.
pub async fn around<E: Endpoint>(
    next: E,
    mut req: Request,
    max_body: usize,
) -> poem::Result<Response> {
    let id = request_id(&req);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    async move {
        let started = std::time::Instant::now();
        let mut resp = match limit_body(&mut req, max_body).await {
            Some(too_large) => too_large,
            None => match next.call(req).await {
                Ok(r) => r.into_response(),
                Err(e) => error_response(e),
            },
        };
        let unauthorized = resp.status() == StatusCode::UNAUTHORIZED;
        let headers = resp.headers_mut();
        for (name, value) in SECURITY_HEADERS {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            headers.insert(REQUEST_ID, v);
        }
        if unauthorized {
            headers.insert("WWW-Authenticate", HeaderValue::from_static("Bearer"));
        }
        tracing::info!(
            status = resp.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request done"
        );
        Ok(resp)
    }
    .instrument(span)
    .await
}

/// Refuses bodies over `max` bytes with 413; a body without length is read up to the limit.
async fn limit_body(req: &mut Request, max: usize) -> Option<Response> {
    let too_large = || {
        problem_response(&Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body exceeds {max} bytes"),
        ))
    };
    if let Some(len) = req
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        return (len > max).then(too_large);
    }
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::DELETE
    ) {
        return None;
    }
    match req.take_body().into_bytes_limit(max).await {
        Ok(bytes) => {
            req.set_body(bytes);
            None
        }
        Err(_) => Some(too_large()),
    }
}
