//! Configuration from environment variables (and an optional `.env`). Secrets are never logged.

use anyhow::{bail, Context};
use std::env;

/// Everything the binary reads from its environment.
#[derive(Clone)]
pub struct Config {
    pub bind: String,
    pub environment: String,
    pub database_url: Option<String>,
    pub database_admin_url: Option<String>,
    pub redis_url: Option<String>,
    pub smtp_url: Option<String>,
    pub email_from: String,
    pub s3: Option<ally360_minio::S3Config>,
    pub login_limit: u32,
    pub tenant_api_limit: u32,
    pub migrate_on_start: bool,
    pub jwt_secret: String,
    pub frontend_url: String,
    pub public_url: String,
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub db_max_connections: u32,
    /// Swagger UI at `/docs` (off by default in production).
    pub docs: bool,
}

const DEV_SECRET: &str = "ally360-development-secret-change-me-please-0000";

fn var(name: &str) -> Option<String> {
    env::var(name).ok().map(|v| v.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty())
}

fn flag(name: &str, default: bool) -> bool {
    var(name).map(|v| matches!(v.to_lowercase().as_str(), "true" | "1" | "yes" | "on")).unwrap_or(default)
}

fn number(name: &str, default: u32) -> anyhow::Result<u32> {
    var(name)
        .map(|v| v.parse().with_context(|| format!("{name} must be a whole number")))
        .transpose()
        .map(|v| v.unwrap_or(default))
}

impl Config {
    /// Reads the environment. Production refuses the development secret or a short one.
    pub fn from_env() -> anyhow::Result<Self> {
        let _ = dotenvy::dotenv();
        let environment = var("ENVIRONMENT").unwrap_or_else(|| "development".into());
        let jwt_secret = var("APP_SECRET_STRING").unwrap_or_else(|| DEV_SECRET.into());
        if environment == "production" && (jwt_secret == DEV_SECRET || jwt_secret.len() < 32) {
            bail!("APP_SECRET_STRING must be set to at least 32 characters in production");
        }
        if environment == "production" && var("SMTP_URL").is_none() {
            bail!("SMTP_URL must be set in production (the log mailer would write reset links to the log)");
        }
        let bind = var("ALLY_BIND").unwrap_or_else(|| "127.0.0.1:8000".into());
        Ok(Self {
            public_url: var("PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")),
            bind,
            database_url: var("DATABASE_URL"),
            database_admin_url: var("DATABASE_ADMIN_URL"),
            redis_url: var("REDIS_URL"),
            smtp_url: var("SMTP_URL"),
            email_from: var("EMAIL_FROM").unwrap_or_else(|| "Ally360 <no-reply@localhost>".into()),
            s3: match var("S3_ENDPOINT") {
                None => None,
                Some(endpoint) => Some(ally360_minio::S3Config {
                    public_url: var("S3_PUBLIC_URL").unwrap_or_else(|| endpoint.clone()),
                    endpoint,
                    access_key: var("S3_ACCESS_KEY").context("S3_ACCESS_KEY is required with S3_ENDPOINT")?,
                    secret_key: var("S3_SECRET_KEY").context("S3_SECRET_KEY is required with S3_ENDPOINT")?,
                    bucket: var("S3_BUCKET").unwrap_or_else(|| "ally360".into()),
                    region: var("S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                }),
            },
            login_limit: number("RATE_LIMIT_LOGIN_PER_MINUTE", 10)?,
            tenant_api_limit: number("RATE_LIMIT_TENANT_PER_MINUTE", 600)?,
            migrate_on_start: var("ALLY_MIGRATE").map(|v| v != "off").unwrap_or(true),
            jwt_secret,
            frontend_url: var("FRONTEND_URL").unwrap_or_else(|| "http://localhost:3000".into()),
            cors_origins: var("CORS_ORIGINS")
                .map(|v| v.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            max_body_bytes: var("MAX_BODY_BYTES")
                .map(|v| v.parse())
                .transpose()
                .context("MAX_BODY_BYTES")?
                .unwrap_or(1 << 20),
            db_max_connections: var("DATABASE_MAX_CONNECTIONS")
                .map(|v| v.parse())
                .transpose()
                .context("DATABASE_MAX_CONNECTIONS")?
                .unwrap_or(10),
            docs: flag("ALLY_DOCS", environment != "production"),
            environment,
        })
    }
}
