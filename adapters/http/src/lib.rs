//! The HTTP adapter: poem + poem-openapi. One API struct per module, problem+json errors, request
//! ids, security headers, CORS, gzip and a body limit around the whole app.

// `ApiError` is the poem-openapi response enum (one variant per status); its size is the size of a
// problem body, which every error path builds anyway.
#![allow(clippy::result_large_err)]

mod api;
mod auth;
mod body_check;
mod dto;
mod middleware;
mod objects;
mod problem;

pub use api::service;
pub use objects::SignedObjects;
pub use problem::{ApiError, Problem};

use ally360::App;
use poem::middleware::{Compression, Cors, NormalizePath, TrailingSlash};
use poem::{EndpointExt, Route};

/// HTTP settings.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Origins allowed by CORS (none: no cross-origin access).
    pub cors_origins: Vec<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Serve Swagger UI at `/docs`.
    pub docs: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self { cors_origins: Vec::new(), max_body_bytes: 1024 * 1024, docs: true }
    }
}

/// The whole HTTP application over `app`.
///
/// `objects` serves the presigned URLs of a store without a server of its own (the memory store).
pub fn router(
    app: App,
    config: &HttpConfig,
    objects: Option<std::sync::Arc<dyn SignedObjects>>,
) -> poem::endpoint::BoxEndpoint<'static> {
    let api = service(&app);
    let mut route = Route::new().at("/openapi.json", api.spec_endpoint()).at("/openapi.yaml", api.spec_endpoint_yaml());
    if let Some(store) = objects {
        route = route.at("/objects/*key", objects::endpoint(store));
    }
    if config.docs {
        route = route.nest("/docs", api.swagger_ui());
    }
    let route = route.nest("/", api);
    // No origins configured: no CORS layer at all, so browsers refuse every cross-origin call.
    let cors = (!config.cors_origins.is_empty()).then(|| {
        config.cors_origins.iter().fold(Cors::new().allow_credentials(true), |c, o| c.allow_origin(o.as_str()))
    });
    let max_body = config.max_body_bytes;
    let schemas = std::sync::Arc::new(body_check::BodySchemas::new(&service(&app).spec()));
    let metrics = app.metrics.clone();
    route
        .with(NormalizePath::new(TrailingSlash::Trim))
        .with_if(cors.is_some(), cors.unwrap_or_default())
        .with(Compression::new())
        .data(app)
        .around(move |ep, req| {
            let (schemas, metrics) = (schemas.clone(), metrics.clone());
            async move { middleware::around(ep, req, max_body, &schemas, &metrics).await }
        })
        .boxed()
}

/// The OpenAPI document, as YAML (what `ally360 openapi` prints and `openapi.yaml` holds).
pub fn openapi_yaml(app: &App) -> String {
    service(app).spec_yaml()
}
