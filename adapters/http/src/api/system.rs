//! `/`, `/health`, `/ready`.

use super::ApiTags;
use crate::problem::{ApiError, ApiResult};
use ally360::App;
use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

pub struct SystemApi {
    pub app: App,
}

/// Service information.
#[derive(Object)]
struct RootOut {
    message: String,
    version: String,
}

/// Liveness.
#[derive(Object)]
struct HealthOut {
    status: String,
}

/// Readiness of each dependency.
#[derive(Object)]
struct ReadyOut {
    status: String,
    database: String,
}

#[OpenApi(tag = "ApiTags::System")]
impl SystemApi {
    /// Service information.
    #[oai(path = "/", method = "get", operation_id = "root")]
    async fn root(&self) -> Json<RootOut> {
        Json(RootOut {
            message: "Ally360 API is running".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }

    /// The process is alive.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> Json<HealthOut> {
        Json(HealthOut {
            status: "healthy".into(),
        })
    }

    /// The dependencies answer; 503 while the database is down.
    #[oai(path = "/ready", method = "get", operation_id = "ready")]
    async fn ready(&self) -> ApiResult<Json<ReadyOut>> {
        match self.app.ports.store.ping().await {
            Ok(()) => Ok(Json(ReadyOut {
                status: "ready".into(),
                database: "up".into(),
            })),
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "database: down",
            )),
        }
    }
}
