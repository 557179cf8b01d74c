//! A lazily made, self-healing connection.

use ally360::kernel::{CoreError, CoreResult};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;
use tokio::sync::Mutex;

/// A Redis connection shared by the adapters, made on first use.
pub struct RedisConn {
    client: redis::Client,
    manager: Mutex<Option<ConnectionManager>>,
    response_timeout: Duration,
}

impl RedisConn {
    /// A connection to `url` (`redis://host:port/db`); nothing is dialled yet.
    pub fn new(url: &str) -> CoreResult<Self> {
        Self::with_timeout(url, Duration::from_secs(2))
    }

    /// The same, with a response timeout long enough for the blocking reads of a queue.
    pub fn with_timeout(url: &str, response_timeout: Duration) -> CoreResult<Self> {
        let client = redis::Client::open(url).map_err(|e| CoreError::internal(format!("REDIS_URL: {e}")))?;
        Ok(Self { client, manager: Mutex::new(None), response_timeout })
    }

    /// A handle to the shared connection, connecting if needed.
    pub async fn get(&self) -> CoreResult<ConnectionManager> {
        let mut slot = self.manager.lock().await;
        if let Some(m) = slot.as_ref() {
            return Ok(m.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(self.response_timeout)
            .set_number_of_retries(1);
        let manager = ConnectionManager::new_with_config(self.client.clone(), config).await.map_err(unavailable)?;
        *slot = Some(manager.clone());
        Ok(manager)
    }

    /// Whether Redis answers.
    pub async fn ping(&self) -> CoreResult<()> {
        let mut c = self.get().await?;
        redis::cmd("PING").query_async::<String>(&mut c).await.map_err(unavailable)?;
        Ok(())
    }
}

/// Any Redis failure: the dependency is unavailable.
pub fn unavailable(e: redis::RedisError) -> CoreError {
    tracing::warn!(error = %e, "redis unavailable");
    CoreError::Unavailable("redis is unavailable".into())
}
