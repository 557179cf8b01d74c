//! The composition root: picks an adapter for every port from the configuration.

use crate::config::Config;
use crate::objects::ServedObjects;
use ally360::ports::{Cache, JobQueue, Mailer, ObjectStore, RateLimiter, Store};
use ally360::{App, AppPorts, Settings};
use ally360_crypto::{Argon2Hasher, HmacTokenIssuer};
use ally360_http::HttpConfig;
use ally360_http::SignedObjects;
use ally360_memory::*;
use ally360_redis::{QueueConfig, RedisCache, RedisConn, RedisQueue, RedisRateLimiter};
use anyhow::Context;
use std::sync::Arc;
use std::time::Duration;

/// Builds the application on the adapters the configuration selects.
pub async fn build(config: &Config) -> anyhow::Result<(App, Option<Arc<dyn SignedObjects>>)> {
    let store: Arc<dyn Store> = match &config.database_url {
        Some(url) => {
            if config.migrate_on_start {
                let admin = config.database_admin_url.as_deref().unwrap_or(url);
                ally360_postgres::migrate(admin).await.context("applying migrations")?;
            }
            let pool = ally360_postgres::lazy_pool(url, config.db_max_connections).context("DATABASE_URL")?;
            tracing::info!("store: postgres");
            Arc::new(ally360_postgres::PgStore::new(pool))
        }
        None => {
            tracing::info!("store: memory (nothing is kept after exit)");
            Arc::new(MemoryStore::new())
        }
    };
    let mailer: Arc<dyn Mailer> = match &config.smtp_url {
        Some(url) => {
            tracing::info!("mailer: smtp");
            Arc::new(ally360_smtp::SmtpMailer::new(url, &config.email_from).context("SMTP_URL / EMAIL_FROM")?)
        }
        None => {
            tracing::info!("mailer: log (emails are written to the log)");
            Arc::new(LogMailer::new())
        }
    };
    let (cache, rate_limiter, queue): (Arc<dyn Cache>, Arc<dyn RateLimiter>, Arc<dyn JobQueue>) =
        match &config.redis_url {
            Some(url) => {
                let conn = Arc::new(RedisConn::new(url).context("REDIS_URL")?);
                tracing::info!("cache, rate limiter and job queue: redis");
                (
                    Arc::new(RedisCache::new(conn.clone())),
                    Arc::new(RedisRateLimiter::new(conn)),
                    Arc::new(RedisQueue::new(url, QueueConfig::default()).context("REDIS_URL")?),
                )
            }
            None => (Arc::new(MemoryCache::new()), Arc::new(MemoryRateLimiter::new()), Arc::new(MemoryQueue::new(5))),
        };
    let (objects, served): (Arc<dyn ObjectStore>, Option<Arc<dyn SignedObjects>>) = match &config.s3 {
        Some(s3) => {
            let store = ally360_minio::S3ObjectStore::new(s3).context("S3 configuration")?;
            if let Err(e) = store.ensure_bucket().await {
                tracing::warn!(error = %e, "object store unreachable at start; uploads fail until it answers");
            }
            tracing::info!(bucket = %s3.bucket, "object store: s3");
            (Arc::new(store), None)
        }
        None => {
            let store = Arc::new(MemoryObjectStore::new(&config.public_url, config.jwt_secret.as_bytes()));
            (store.clone(), Some(Arc::new(ServedObjects(store))))
        }
    };
    let ports = AppPorts {
        store,
        hasher: Arc::new(Argon2Hasher::new()),
        tokens: Arc::new(HmacTokenIssuer::new(config.jwt_secret.as_bytes())),
        clock: Arc::new(SystemClock),
        mailer,
        queue,
        cache,
        rate_limiter,
        objects,
    };
    let settings = Settings {
        frontend_url: config.frontend_url.clone(),
        login_limit: config.login_limit,
        tenant_api_limit: config.tenant_api_limit,
        ..Settings::default()
    };
    Ok((App::new(ports, settings), served))
}

/// The OpenAPI document (built on memory adapters: the spec does not depend on them).
pub fn openapi_yaml() -> String {
    let app = App::new(memory_ports(), Settings::default());
    ally360_http::openapi_yaml(&app)
}

fn memory_ports() -> AppPorts {
    AppPorts {
        store: Arc::new(MemoryStore::new()),
        hasher: Arc::new(Argon2Hasher::new()),
        tokens: Arc::new(HmacTokenIssuer::new(b"openapi")),
        clock: Arc::new(SystemClock),
        mailer: Arc::new(LogMailer::new()),
        queue: Arc::new(MemoryQueue::new(5)),
        cache: Arc::new(MemoryCache::new()),
        rate_limiter: Arc::new(MemoryRateLimiter::new()),
        objects: Arc::new(MemoryObjectStore::new("http://localhost", b"openapi")),
    }
}

/// Runs jobs until the process stops: relays the outbox and delivers queued jobs.
async fn run_jobs(app: App, consumer: String) {
    loop {
        if let Err(e) = app.jobs.relay_outbox(100).await {
            tracing::warn!(error = %e, "outbox relay failed");
        }
        match app.jobs.run_one(&consumer, Duration::from_millis(500)).await {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "job queue unavailable");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// `ally360 serve`: the HTTP API, with an embedded worker.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let (app, served) = build(&config).await?;
    if config.redis_url.is_none() {
        // The memory queue lives in this process: so does its worker. With Redis, run `ally360 worker`.
        tokio::spawn(run_jobs(app.clone(), format!("embedded-{}", std::process::id())));
    }
    let http = HttpConfig {
        cors_origins: config.cors_origins.clone(),
        max_body_bytes: config.max_body_bytes,
        docs: config.docs,
    };
    let router = ally360_http::router(app, &http, served);
    tracing::info!(bind = %config.bind, environment = %config.environment, "listening (docs at /docs)");
    poem::Server::new(poem::listener::TcpListener::bind(config.bind.clone()))
        .run_with_graceful_shutdown(
            router,
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
            Some(Duration::from_secs(10)),
        )
        .await
        .context("server failed")
}

/// `ally360 worker`: runs jobs only.
pub async fn worker(config: Config) -> anyhow::Result<()> {
    let (app, _) = build(&config).await?;
    run_jobs(app, format!("worker-{}", std::process::id())).await;
    Ok(())
}
