//! Request budgets.

use crate::kernel::CoreResult;
use std::time::Duration;

/// The outcome of one rate-limit check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateDecision {
    /// Whether this request fits in the budget.
    pub allowed: bool,
    /// Requests left in the current window.
    pub remaining: u32,
    /// When refused, how long until a request would be allowed.
    pub retry_after: Duration,
}

/// Counts requests per key in a sliding window.
///
/// Contract: within any window of `window`, at most `limit` checks of the same key are allowed;
/// the check and the count are one atomic step, even across processes.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request against `key` and says whether it is allowed.
    async fn check(&self, key: &str, limit: u32, window: Duration) -> CoreResult<RateDecision>;
}
