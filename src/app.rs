//! The application: every use case, wired to the ports chosen by the composition root.

use crate::catalog::CatalogService;
use crate::contacts::ContactsService;
use crate::identity::IdentityService;
use crate::inventory::InventoryService;
use crate::jobs::JobRunner;
use crate::kernel::{CoreError, CoreResult};
use crate::metrics::Metrics;
use crate::ports::{Cache, Clock, JobQueue, Mailer, ObjectStore, PasswordHasher, RateLimiter, Store, TokenIssuer};
use crate::sales::SalesService;
use crate::tenancy::TenancyService;
use std::sync::Arc;
use std::time::Duration;

/// Product settings the use cases need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Base of the links put in emails (`{frontend_url}/verify-email?token=…`).
    pub frontend_url: String,
    /// Lifetime of access and context tokens (30 min).
    pub access_ttl: Duration,
    /// Lifetime of refresh tokens (7 days).
    pub refresh_ttl: Duration,
    /// Lifetime of email verification tokens (24 h).
    pub verify_ttl: Duration,
    /// Lifetime of password reset tokens (1 h).
    pub reset_ttl: Duration,
    /// Lifetime of invitations (7 days).
    pub invite_ttl: Duration,
    /// A used verification link still answers success for this long (mail scanners click links).
    pub verify_grace: Duration,
    /// Sign-in attempts allowed per IP and email in `limit_window`.
    pub login_limit: u32,
    /// Calls of each public endpoint (register, resend, password reset, invitation lookup and
    /// acceptance) allowed per client IP in `limit_window`.
    pub public_limit: u32,
    /// Requests allowed per company in `limit_window`.
    pub tenant_api_limit: u32,
    /// The window of both budgets.
    pub limit_window: Duration,
    /// How long a membership lookup may be served from the cache.
    pub membership_cache_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            frontend_url: "http://localhost:3000".into(),
            access_ttl: Duration::from_secs(30 * 60),
            refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            verify_ttl: Duration::from_secs(24 * 3600),
            reset_ttl: Duration::from_secs(3600),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            verify_grace: Duration::from_secs(10 * 60),
            login_limit: 10,
            tenant_api_limit: 600,
            public_limit: 30,
            limit_window: Duration::from_secs(60),
            membership_cache_ttl: Duration::from_secs(60),
        }
    }
}

/// The ports the application runs on.
#[derive(Clone)]
pub struct AppPorts {
    pub store: Arc<dyn Store>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub tokens: Arc<dyn TokenIssuer>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    pub queue: Arc<dyn JobQueue>,
    pub cache: Arc<dyn Cache>,
    pub rate_limiter: Arc<dyn RateLimiter>,
    pub objects: Arc<dyn ObjectStore>,
}

/// What every service shares.
pub(crate) struct Ctx {
    pub ports: AppPorts,
    pub settings: Settings,
    pub metrics: Arc<Metrics>,
}

impl Ctx {
    pub fn store(&self) -> &dyn Store {
        &*self.ports.store
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.ports.clock.now()
    }

    /// Counts one call of a public endpoint against the caller's per-IP budget.
    pub async fn public_budget(&self, action: &str, client: &str) -> CoreResult<()> {
        self.within_budget("public", &format!("ally360:public:{action}:{client}"), self.settings.public_limit).await
    }

    /// Counts one request against a budget. A limiter that fails lets the request through (the
    /// failure is logged and counted): rate limiting must not take the API down with it.
    pub async fn within_budget(&self, scope: &'static str, key: &str, limit: u32) -> CoreResult<()> {
        let window = self.settings.limit_window;
        match self.ports.rate_limiter.check(key, limit, window).await {
            Ok(d) if d.allowed => Ok(()),
            Ok(d) => {
                self.metrics.incr("rate_limit_rejections_total", &[("scope", scope)]);
                Err(CoreError::LimitExceeded {
                    code: "rate_limited",
                    message: "too many requests; try again later".into(),
                    limit,
                    retry_after_secs: d.retry_after.as_secs_f64().ceil().max(1.0) as u64,
                })
            }
            Err(e) => {
                tracing::warn!(error = %e, scope, "rate limiter unavailable; request allowed");
                self.metrics.incr("rate_limit_failures_total", &[("scope", scope)]);
                Ok(())
            }
        }
    }
}

/// The use cases, one service per business module.
#[derive(Clone)]
pub struct App {
    pub identity: IdentityService,
    pub tenancy: TenancyService,
    pub contacts: ContactsService,
    pub catalog: CatalogService,
    pub inventory: InventoryService,
    /// Invoices, payments, credit notes, numbering ranges, PDFs and sales reports.
    pub sales: SalesService,
    pub jobs: JobRunner,
    pub ports: AppPorts,
    pub settings: Settings,
    pub metrics: Arc<Metrics>,
}

impl App {
    /// Wires the services to the ports.
    pub fn new(ports: AppPorts, settings: Settings) -> Self {
        let metrics = Arc::new(Metrics::default());
        let ctx = Arc::new(Ctx { ports: ports.clone(), settings: settings.clone(), metrics: metrics.clone() });
        Self {
            identity: IdentityService::new(ctx.clone()),
            tenancy: TenancyService::new(ctx.clone()),
            contacts: ContactsService::new(ctx.clone()),
            catalog: CatalogService::new(ctx.clone()),
            inventory: InventoryService::new(ctx.clone()),
            sales: SalesService::new(ctx.clone()),
            jobs: JobRunner::new(ctx),
            ports,
            settings,
            metrics,
        }
    }
}

/// Converts a `std::time::Duration` for date arithmetic.
pub(crate) fn span(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}
