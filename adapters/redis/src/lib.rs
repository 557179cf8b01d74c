//! Redis adapters: the cache, the rate limiter (one atomic Lua script) and the job queue (Streams
//! with a consumer group, delayed retries, reclaim of jobs whose worker died, dead letters).
//!
//! The connection is made on first use and re-made after failures, so the service starts and keeps
//! answering while Redis is down; every failure is `CoreError::Unavailable`.

mod cache;
mod conn;
mod queue;

pub use cache::{RedisCache, RedisRateLimiter};
pub use conn::RedisConn;
pub use queue::{QueueConfig, RedisQueue};
