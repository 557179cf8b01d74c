//! `/`, `/health`, `/ready`.

use super::ApiTags;
use ally360::App;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};

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

/// Readiness of each dependency (`up` or `down`).
#[derive(Object)]
struct ReadyOut {
    /// `ready`, `degraded` (the cache or the object store is down) or `not_ready` (the database is).
    status: String,
    database: String,
    cache: String,
    object_store: String,
}

#[derive(ApiResponse)]
enum ReadyResponse {
    /// The database answers (other dependencies may be degraded).
    #[oai(status = 200)]
    Ready(Json<ReadyOut>),
    /// The database is down.
    #[oai(status = 503)]
    NotReady(Json<ReadyOut>),
}

fn state(ok: bool) -> String {
    if ok { "up" } else { "down" }.to_string()
}

#[OpenApi(tag = "ApiTags::System")]
impl SystemApi {
    /// Service information.
    #[oai(path = "/", method = "get", operation_id = "root")]
    async fn root(&self) -> Json<RootOut> {
        Json(RootOut { message: "Ally360 API is running".into(), version: env!("CARGO_PKG_VERSION").into() })
    }

    /// The process is alive.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self) -> Json<HealthOut> {
        Json(HealthOut { status: "healthy".into() })
    }

    /// Each dependency answers; 503 while the database is down.
    #[oai(path = "/ready", method = "get", operation_id = "ready")]
    async fn ready(&self) -> ReadyResponse {
        let ports = &self.app.ports;
        let (db, cache, objects) =
            tokio::join!(ports.store.ping(), ports.cache.get("ally360:ready"), ports.objects.ping());
        let (db, cache, objects) = (db.is_ok(), cache.is_ok(), objects.is_ok());
        let status = if !db {
            "not_ready"
        } else if cache && objects {
            "ready"
        } else {
            "degraded"
        };
        let out = Json(ReadyOut {
            status: status.into(),
            database: state(db),
            cache: state(cache),
            object_store: state(objects),
        });
        if db {
            ReadyResponse::Ready(out)
        } else {
            ReadyResponse::NotReady(out)
        }
    }

    /// Prometheus metrics: requests and latency by route and status, jobs, outbox depth, rate-limit
    /// rejections, cache hits and misses.
    #[oai(path = "/metrics", method = "get", operation_id = "metrics")]
    async fn metrics(&self) -> PlainText<String> {
        PlainText(self.app.metrics.render())
    }
}
