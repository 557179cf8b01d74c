//! The job queue on Redis Streams.
//!
//! `push` appends to the stream; workers read it through one consumer group, so each entry goes to
//! one worker and stays pending until acked. A worker that dies leaves its entries pending: after
//! `visibility` they are claimed by another worker (XAUTOCLAIM). A retry removes the entry and parks
//! the job in a sorted set until its time comes, when `pull` moves it back to the stream. After the
//! last attempt the job goes to the dead-letter stream.

use crate::conn::{unavailable, RedisConn};
use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::{Delivery, Job, JobQueue};
use redis::streams::{StreamAutoClaimReply, StreamId, StreamReadReply};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Names and limits of the queue.
#[derive(Clone, Debug)]
pub struct QueueConfig {
    /// Stream of ready jobs; the delayed set and the dead-letter stream derive from it.
    pub stream: String,
    pub group: String,
    /// Deliveries before a job is dead-lettered.
    pub max_attempts: u32,
    /// How long a pulled job may stay unacked before another worker takes it.
    pub visibility: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            stream: "ally360:jobs".into(),
            group: "workers".into(),
            max_attempts: 5,
            visibility: Duration::from_secs(300),
        }
    }
}

/// Moves due delayed jobs (members `attempt|json`) back to the stream.
const PROMOTE: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)
for _, member in ipairs(due) do
  local sep = string.find(member, '|', 1, true)
  redis.call('XADD', KEYS[2], '*', 'attempt', string.sub(member, 1, sep - 1), 'job', string.sub(member, sep + 1))
  redis.call('ZREM', KEYS[1], member)
end
return #due
"#;

fn bad_entry(e: CoreError) -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::TypeError, "bad queue entry", e.to_string()))
}

/// The Redis [`JobQueue`].
pub struct RedisQueue {
    conn: Arc<RedisConn>,
    config: QueueConfig,
    /// Whether the consumer group is known to exist on the server.
    group_ready: Mutex<Option<()>>,
    promote: redis::Script,
}

impl RedisQueue {
    /// A queue on its own connection (blocking reads must not hold up the cache's connection).
    pub fn new(url: &str, config: QueueConfig) -> CoreResult<Self> {
        let conn = Arc::new(RedisConn::with_timeout(url, Duration::from_secs(10))?);
        Ok(Self { conn, config, group_ready: Mutex::new(None), promote: redis::Script::new(PROMOTE) })
    }

    fn delayed_key(&self) -> String {
        format!("{}:delayed", self.config.stream)
    }

    fn dead_key(&self) -> String {
        format!("{}:dead", self.config.stream)
    }

    async fn conn(&self) -> CoreResult<redis::aio::ConnectionManager> {
        let mut c = self.conn.get().await?;
        let mut ready = self.group_ready.lock().await;
        if ready.is_none() {
            let made: redis::RedisResult<()> = redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(&self.config.stream)
                .arg(&self.config.group)
                .arg("0")
                .arg("MKSTREAM")
                .query_async(&mut c)
                .await;
            match made {
                Err(e) if !e.to_string().contains("BUSYGROUP") => return Err(unavailable(e)),
                _ => *ready = Some(()),
            }
        }
        Ok(c)
    }

    fn delivery(&self, entry: &StreamId, extra_deliveries: u32) -> CoreResult<Delivery> {
        let json: String = entry.get("job").ok_or_else(|| CoreError::internal("queue entry without job"))?;
        let attempt: u32 = entry.get("attempt").unwrap_or(1);
        let job: Job = serde_json::from_str(&json).map_err(CoreError::internal)?;
        Ok(Delivery { job, attempt: attempt + extra_deliveries, receipt: entry.id.clone() })
    }

    /// Takes over one entry left pending too long by a dead worker.
    async fn reclaim(
        &self,
        c: &mut redis::aio::ConnectionManager,
        consumer: &str,
    ) -> redis::RedisResult<Option<Delivery>> {
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&self.config.stream)
            .arg(&self.config.group)
            .arg(consumer)
            .arg(self.config.visibility.as_millis() as u64)
            .arg("0-0")
            .arg("COUNT")
            .arg(1)
            .query_async(c)
            .await?;
        let Some(entry) = reply.claimed.first() else {
            return Ok(None);
        };
        // Every delivery of the entry (the first, and each reclaim) counts as an attempt, so a job that
        // keeps killing its workers ends in the dead letters too.
        let pending: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
            .arg(&self.config.stream)
            .arg(&self.config.group)
            .arg(&entry.id)
            .arg(&entry.id)
            .arg(1)
            .query_async(c)
            .await?;
        let deliveries = pending.first().map_or(1, |p| p.3.max(1)) as u32;
        let delivery = self.delivery(entry, deliveries - 1).map_err(bad_entry)?;
        if delivery.attempt > self.config.max_attempts {
            self.bury(c, &delivery, "worker died repeatedly").await.map_err(bad_entry)?;
            return Ok(None);
        }
        tracing::warn!(job = %delivery.job.id, "reclaimed a job from a dead worker");
        Ok(Some(delivery))
    }

    /// Adds to `pipe` the commands that acknowledge an entry and drop it from the stream.
    fn forget<'p>(&self, pipe: &'p mut redis::Pipeline, receipt: &str) -> &'p mut redis::Pipeline {
        pipe.cmd("XACK").arg(&self.config.stream).arg(&self.config.group).arg(receipt);
        pipe.cmd("XDEL").arg(&self.config.stream).arg(receipt)
    }

    /// One round: promote due retries, reclaim from dead workers, then read new entries (blocking at
    /// most a quarter second, so due retries are seen while waiting).
    async fn pull_once(&self, consumer: &str, deadline: tokio::time::Instant) -> redis::RedisResult<Option<Delivery>> {
        let mut c = self
            .conn()
            .await
            .map_err(|e| redis::RedisError::from((redis::ErrorKind::IoError, "connect", e.to_string())))?;
        self.promote.key(self.delayed_key()).key(&self.config.stream).invoke_async::<i64>(&mut c).await?;
        if let Some(d) = self.reclaim(&mut c, consumer).await? {
            return Ok(Some(d));
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now()).min(Duration::from_millis(250));
        let mut read = redis::cmd("XREADGROUP");
        read.arg("GROUP").arg(&self.config.group).arg(consumer).arg("COUNT").arg(1);
        if !left.is_zero() {
            read.arg("BLOCK").arg(left.as_millis().max(1) as u64);
        }
        let reply: Option<StreamReadReply> =
            read.arg("STREAMS").arg(&self.config.stream).arg(">").query_async(&mut c).await?;
        let entry = reply.and_then(|r| r.keys.into_iter().next()).and_then(|k| k.ids.into_iter().next());
        entry.map(|e| self.delivery(&e, 0)).transpose().map_err(bad_entry)
    }

    async fn bury(&self, c: &mut redis::aio::ConnectionManager, d: &Delivery, error: &str) -> CoreResult<()> {
        let json = serde_json::to_string(&d.job).map_err(CoreError::internal)?;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("XADD")
            .arg(self.dead_key())
            .arg("*")
            .arg("job")
            .arg(json)
            .arg("attempt")
            .arg(d.attempt)
            .arg("error")
            .arg(error);
        self.forget(&mut pipe, &d.receipt).query_async::<()>(c).await.map_err(unavailable)
    }
}

#[async_trait::async_trait]
impl JobQueue for RedisQueue {
    async fn push(&self, job: &Job) -> CoreResult<()> {
        let mut c = self.conn().await?;
        let json = serde_json::to_string(job).map_err(CoreError::internal)?;
        redis::cmd("XADD")
            .arg(&self.config.stream)
            .arg("*")
            .arg("attempt")
            .arg(1)
            .arg("job")
            .arg(json)
            .query_async::<String>(&mut c)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn pull(&self, consumer: &str, wait: Duration) -> CoreResult<Option<Delivery>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match self.pull_once(consumer, deadline).await {
                // A Redis that restarted empty has lost the group: make it again and go on.
                Err(e) if e.to_string().contains("NOGROUP") => {
                    self.group_ready.lock().await.take();
                }
                Err(e) => return Err(unavailable(e)),
                Ok(Some(d)) => return Ok(Some(d)),
                Ok(None) if tokio::time::Instant::now() >= deadline => return Ok(None),
                Ok(None) => {}
            }
        }
    }

    async fn ack(&self, d: &Delivery) -> CoreResult<()> {
        let mut c = self.conn().await?;
        self.forget(redis::pipe().atomic(), &d.receipt).query_async::<()>(&mut c).await.map_err(unavailable)
    }

    async fn retry(&self, d: &Delivery, delay: Duration, error: &str) -> CoreResult<bool> {
        let mut c = self.conn().await?;
        if d.attempt >= self.config.max_attempts {
            tracing::error!(job = %d.job.id, attempts = d.attempt, error, "job dead-lettered");
            return self.bury(&mut c, d, error).await.map(|()| true);
        }
        let json = serde_json::to_string(&d.job).map_err(CoreError::internal)?;
        let time: (u64, u64) = redis::cmd("TIME").query_async(&mut c).await.map_err(unavailable)?;
        let due = time.0 * 1000 + time.1 / 1000 + delay.as_millis() as u64;
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("ZADD").arg(self.delayed_key()).arg(due).arg(format!("{}|{json}", d.attempt + 1));
        self.forget(&mut pipe, &d.receipt).query_async::<()>(&mut c).await.map_err(unavailable)?;
        Ok(false)
    }

    async fn dead_letters(&self) -> CoreResult<Vec<Job>> {
        let mut c = self.conn().await?;
        let entries: Vec<StreamId> = {
            let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
                .arg(self.dead_key())
                .arg("-")
                .arg("+")
                .query_async(&mut c)
                .await
                .map_err(unavailable)?;
            reply.ids
        };
        entries.iter().map(|e| self.delivery(e, 0).map(|d| d.job)).collect()
    }
}
