//! Cross-cutting HTTP behaviour: request ids and tracing spans, problem+json for every error,
//! security headers, and the request body limit.

use crate::body_check::BodySchemas;
use crate::problem::{error_response, problem_response, FieldProblem, Problem};
use ally360::metrics::Metrics;
use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::error::ParseRequestPayloadError;
use tracing::Instrument;
use uuid::Uuid;

/// Header carrying the request id (accepted from the client when sane, generated otherwise).
pub const REQUEST_ID: &str = "X-Request-ID";

fn request_id(req: &Request) -> String {
    req.header(REQUEST_ID)
        .filter(|v| {
            !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string())
}

const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("X-XSS-Protection", "1; mode=block"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
];

/// Wraps the whole app: one span per request, errors as problem+json, common headers.
pub async fn around<E: Endpoint>(
    next: E,
    mut req: Request,
    max_body: usize,
    schemas: &BodySchemas,
    metrics: &Metrics,
) -> poem::Result<Response> {
    let id = request_id(&req);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    async move {
        let started = std::time::Instant::now();
        let (method, path) = (req.method().to_string(), req.uri().path().to_string());
        // Uploads to the service's own object URLs may be larger than API bodies.
        let limit = if path.starts_with("/objects/") { crate::objects::MAX_OBJECT_BYTES } else { max_body };
        let mut resp = match read_body(&mut req, limit).await {
            Err(too_large) => too_large,
            Ok(body) => match next.call(req).await {
                Ok(r) => r.into_response(),
                Err(e) if e.is::<ParseRequestPayloadError>() => match schemas.explain(&method, &path, &body) {
                    Some(m) => invalid_body(m),
                    None => error_response(e),
                },
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
        let elapsed = started.elapsed();
        let status = resp.status().as_u16().to_string();
        let route = route_label(&path);
        metrics.incr("http_requests_total", &[("method", &method), ("route", &route), ("status", &status)]);
        metrics.observe(
            "http_request_duration_seconds",
            &[("method", &method), ("route", &route), ("status", &status)],
            elapsed.as_secs_f64(),
        );
        tracing::info!(status = resp.status().as_u16(), ms = elapsed.as_millis() as u64, "request done");
        Ok(resp)
    }
    .instrument(span)
    .await
}

/// The route of a path for metrics: ids and tokens become `:id`, so labels stay few.
fn route_label(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let id_like = uuid::Uuid::parse_str(seg).is_ok()
                || (seg.len() >= 20 && seg.chars().all(|c| c.is_ascii_alphanumeric()));
            if id_like {
                ":id"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads the body (refusing more than `max` bytes with 413) and puts it back, keeping a copy to
/// explain a rejected JSON body.
async fn read_body(req: &mut Request, max: usize) -> Result<Vec<u8>, Response> {
    let too_large = || {
        let detail = format!("the request body exceeds {max} bytes");
        problem_response(&Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", detail))
    };
    if req.header("content-length").and_then(|v| v.parse::<usize>().ok()).is_some_and(|len| len > max) {
        return Err(too_large());
    }
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(Vec::new());
    }
    let bytes = req.take_body().into_bytes_limit(max).await.map_err(|_| too_large())?;
    let copy = bytes.to_vec();
    req.set_body(bytes);
    Ok(copy)
}

fn invalid_body(m: crate::body_check::Mismatch) -> Response {
    let detail = format!("{}: {}", m.field, m.message);
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", detail);
    problem.errors = vec![FieldProblem { field: m.field, code: m.code.into(), message: m.message }];
    problem_response(&problem)
}
