//! The transactional outbox.

use crate::kernel::{CoreResult, JobId};
use crate::ports::Job;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Jobs written in the same transaction as the change that causes them.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait OutboxRepo: Send {
    /// Records a job; it reaches the queue only if the transaction commits.
    async fn add(&mut self, job: &Job) -> CoreResult<()>;
    /// Up to `limit` jobs to hand to the queue, oldest first, locked against other relays: those
    /// never relayed, and those relayed before `stale_before` that no worker finished (the queue
    /// lost them).
    async fn pending(&mut self, limit: u32, stale_before: DateTime<Utc>) -> CoreResult<Vec<Job>>;
    /// Marks jobs as handed to the queue.
    async fn mark_relayed(&mut self, ids: &[JobId], at: DateTime<Utc>) -> CoreResult<()>;
    /// Marks a job finished; it will not be relayed again.
    async fn mark_done(&mut self, id: JobId, at: DateTime<Utc>) -> CoreResult<()>;
    /// How many jobs wait to be relayed.
    async fn depth(&mut self) -> CoreResult<u64>;
}
