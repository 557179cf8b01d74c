//! Serves the signed URLs of an object store that has no server of its own (the memory store), so
//! the presigned upload flow works with nothing installed.

use poem::http::StatusCode;
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use std::sync::Arc;

/// Largest object accepted through `/objects/...`.
pub const MAX_OBJECT_BYTES: usize = 10 * 1024 * 1024;

/// Storage whose presigned URLs point at this service (`/objects/{key}?expires&ct&sig`).
pub trait SignedObjects: Send + Sync {
    /// Whether the signature is valid for this method, key, expiry and content type, and unexpired.
    fn check(&self, method: &str, key: &str, expires: i64, content_type: &str, sig: &str) -> bool;
    /// Stores bytes.
    fn put(&self, key: &str, bytes: Vec<u8>, content_type: Option<String>);
    /// Reads bytes.
    fn get(&self, key: &str) -> Option<(Vec<u8>, Option<String>)>;
}

fn query(req: &Request, name: &str) -> String {
    let raw = req.uri().query().unwrap_or_default();
    raw.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap_or_default().replace("%2F", "/")
}

fn refuse(status: StatusCode) -> Response {
    status.into_response()
}

/// The endpoint for `/objects/*`.
pub fn endpoint(store: Arc<dyn SignedObjects>) -> impl Endpoint<Output = Response> {
    poem::endpoint::make(move |mut req: Request| {
        let store = store.clone();
        async move {
            let key = req.uri().path().trim_start_matches("/objects/").to_string();
            let expires: i64 = query(&req, "expires").parse().unwrap_or(0);
            let (ct, sig) = (query(&req, "ct"), query(&req, "sig"));
            let method = req.method().as_str().to_string();
            if !store.check(&method, &key, expires, &ct, &sig) {
                return refuse(StatusCode::FORBIDDEN);
            }
            match method.as_str() {
                "PUT" => {
                    if req.content_type().unwrap_or_default() != ct {
                        return refuse(StatusCode::FORBIDDEN);
                    }
                    match req.take_body().into_bytes_limit(MAX_OBJECT_BYTES).await {
                        Ok(bytes) => {
                            store.put(&key, bytes.to_vec(), Some(ct));
                            StatusCode::OK.into_response()
                        }
                        Err(_) => refuse(StatusCode::PAYLOAD_TOO_LARGE),
                    }
                }
                "GET" => match store.get(&key) {
                    Some((bytes, ct)) => {
                        let mut resp = Response::builder().body(Body::from(bytes));
                        if let Some(ct) = ct.and_then(|c| c.parse().ok()) {
                            resp.headers_mut().insert("content-type", ct);
                        }
                        resp
                    }
                    None => refuse(StatusCode::NOT_FOUND),
                },
                _ => refuse(StatusCode::METHOD_NOT_ALLOWED),
            }
        }
    })
}
