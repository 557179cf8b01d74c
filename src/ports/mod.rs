//! What the core needs from the world. Each port documents its contract; adapters implement it,
//! and the contract suites in `tests/` check every adapter against the same expectations.

pub mod cache;
pub mod clock;
pub mod jobs;
pub mod mailer;
pub mod objects;
pub mod rate_limit;
pub mod security;
pub mod store;

pub use cache::Cache;
pub use clock::Clock;
pub use jobs::{Delivery, Job, JobQueue, Task};
pub use mailer::{Email, EmailAttachment, Mailer};
pub use objects::{ObjectInfo, ObjectStore, PresignedUrl};
pub use rate_limit::{RateDecision, RateLimiter};
pub use security::{Claims, OneTimeSecret, PasswordHasher, TokenIssuer, TokenKind};
pub use store::{in_global, in_tenant, in_tenant_of, BoxFuture, GlobalTx, Store, TenantTx};
