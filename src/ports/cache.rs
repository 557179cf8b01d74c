//! A shared cache. Failures degrade to misses: callers treat `Err` as "not cached".

use crate::kernel::CoreResult;
use std::time::Duration;

/// Key-value cache with expiry.
///
/// Contract: `get` after `set` returns the value until `ttl` passes or the key is deleted;
/// `delete` of a missing key is `Ok`. Keys are built by the core and are opaque to the adapter.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait Cache: Send + Sync {
    /// The value, if present and not expired.
    async fn get(&self, key: &str) -> CoreResult<Option<String>>;
    /// Stores a value for `ttl`.
    async fn set(&self, key: &str, value: &str, ttl: Duration) -> CoreResult<()>;
    /// Forgets a key.
    async fn delete(&self, key: &str) -> CoreResult<()>;
}
