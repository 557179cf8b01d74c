//! Cache and rate limiter on Redis.

use crate::conn::{unavailable, RedisConn};
use ally360::kernel::CoreResult;
use ally360::ports::{Cache, RateDecision, RateLimiter};
use std::sync::Arc;
use std::time::Duration;

/// The Redis [`Cache`]. Keys are used as the core builds them (`ally360:{tenant}:...`: the braces
/// are a hash tag, so a Redis Cluster keeps one tenant's keys on one slot).
pub struct RedisCache {
    conn: Arc<RedisConn>,
}

impl RedisCache {
    pub fn new(conn: Arc<RedisConn>) -> Self {
        Self { conn }
    }
}

#[async_trait::async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> CoreResult<Option<String>> {
        let mut c = self.conn.get().await?;
        redis::cmd("GET").arg(key).query_async(&mut c).await.map_err(unavailable)
    }
    async fn set(&self, key: &str, value: &str, ttl: Duration) -> CoreResult<()> {
        let mut c = self.conn.get().await?;
        let ms = ttl.as_millis().max(1) as u64;
        redis::cmd("SET").arg(key).arg(value).arg("PX").arg(ms).query_async::<()>(&mut c).await.map_err(unavailable)
    }
    async fn delete(&self, key: &str) -> CoreResult<()> {
        let mut c = self.conn.get().await?;
        redis::cmd("DEL").arg(key).query_async::<()>(&mut c).await.map_err(unavailable)
    }
}

/// A sliding window log in a sorted set, checked and counted in one script (atomic across every
/// process sharing the Redis). The time is Redis's own, so clocks of the API hosts do not matter.
const SLIDING_WINDOW: &str = r#"
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, 0, window - (now - tonumber(oldest[2]))}
"#;

/// The Redis [`RateLimiter`].
pub struct RedisRateLimiter {
    conn: Arc<RedisConn>,
    script: redis::Script,
}

impl RedisRateLimiter {
    pub fn new(conn: Arc<RedisConn>) -> Self {
        Self { conn, script: redis::Script::new(SLIDING_WINDOW) }
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> CoreResult<RateDecision> {
        let mut c = self.conn.get().await?;
        let (allowed, remaining, retry_ms): (i64, i64, i64) = self
            .script
            .key(key)
            .arg(limit)
            .arg(window.as_millis() as u64)
            .arg(uuid::Uuid::now_v7().simple().to_string())
            .invoke_async(&mut c)
            .await
            .map_err(unavailable)?;
        Ok(RateDecision {
            allowed: allowed == 1,
            remaining: remaining.max(0) as u32,
            retry_after: Duration::from_millis(retry_ms.max(0) as u64),
        })
    }
}
