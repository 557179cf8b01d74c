//! The application: every use case, wired to the ports chosen by the composition root.

use crate::identity::IdentityService;
use crate::jobs::JobRunner;
use crate::ports::{Cache, Clock, JobQueue, Mailer, ObjectStore, PasswordHasher, RateLimiter, Store, TokenIssuer};
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
}

impl Ctx {
    pub fn store(&self) -> &dyn Store {
        &*self.ports.store
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.ports.clock.now()
    }
}

/// The use cases, one service per business module.
#[derive(Clone)]
pub struct App {
    pub identity: IdentityService,
    pub tenancy: TenancyService,
    pub jobs: JobRunner,
    pub ports: AppPorts,
    pub settings: Settings,
}

impl App {
    /// Wires the services to the ports.
    pub fn new(ports: AppPorts, settings: Settings) -> Self {
        let ctx = Arc::new(Ctx {
            ports: ports.clone(),
            settings: settings.clone(),
        });
        Self {
            identity: IdentityService::new(ctx.clone()),
            tenancy: TenancyService::new(ctx.clone()),
            jobs: JobRunner::new(ctx),
            ports,
            settings,
        }
    }
}

/// Converts a `std::time::Duration` for date arithmetic.
pub(crate) fn span(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}
