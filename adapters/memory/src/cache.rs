//! An in-process cache and rate limiter.

use ally360::kernel::CoreResult;
use ally360::ports::{Cache, RateDecision, RateLimiter};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The in-memory [`Cache`].
#[derive(Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> CoreResult<Option<String>> {
        let entries = self.entries.lock().map_err(ally360::kernel::CoreError::internal)?;
        Ok(entries.get(key).filter(|(_, until)| *until > Instant::now()).map(|(v, _)| v.clone()))
    }
    async fn set(&self, key: &str, value: &str, ttl: Duration) -> CoreResult<()> {
        let mut entries = self.entries.lock().map_err(ally360::kernel::CoreError::internal)?;
        let now = Instant::now();
        entries.retain(|_, (_, until)| *until > now);
        entries.insert(key.to_owned(), (value.to_owned(), now + ttl));
        Ok(())
    }
    async fn delete(&self, key: &str) -> CoreResult<()> {
        self.entries.lock().map_err(ally360::kernel::CoreError::internal)?.remove(key);
        Ok(())
    }
}

/// The in-memory [`RateLimiter`]: a sliding log of request instants per key.
#[derive(Default)]
pub struct MemoryRateLimiter {
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl MemoryRateLimiter {
    /// No requests counted yet.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait::async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> CoreResult<RateDecision> {
        let mut hits = self.hits.lock().map_err(ally360::kernel::CoreError::internal)?;
        let now = Instant::now();
        let log = hits.entry(key.to_owned()).or_default();
        while log.front().is_some_and(|t| now.duration_since(*t) >= window) {
            log.pop_front();
        }
        if log.len() as u32 >= limit {
            let retry_after = log.front().map(|t| window.saturating_sub(now.duration_since(*t))).unwrap_or(window);
            return Ok(RateDecision { allowed: false, remaining: 0, retry_after });
        }
        log.push_back(now);
        Ok(RateDecision { allowed: true, remaining: limit - log.len() as u32, retry_after: Duration::ZERO })
    }
}
