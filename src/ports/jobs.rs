//! Background work: jobs and the queue that carries them to the workers.

use super::mailer::Email;
use crate::kernel::{CoreResult, InvoiceEmailId, JobId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a job does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Task {
    /// Send an already rendered email.
    SendEmail(Email),
    /// Render an invoice's PDF and mail it as logged in the invoice email log.
    InvoiceEmail { tenant: TenantId, email: InvoiceEmailId },
}

impl Task {
    /// A short stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Task::SendEmail(_) => "send_email",
            Task::InvoiceEmail { .. } => "invoice_email",
        }
    }
}

/// A unit of background work. Handlers are idempotent by `id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Unique id; a job delivered twice has the same id.
    pub id: JobId,
    /// The work.
    pub task: Task,
    /// When the change that caused it committed.
    pub created_at: DateTime<Utc>,
}

/// One delivery of a job to a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The job.
    pub job: Job,
    /// 1 for the first delivery, then 2, 3, ...
    pub attempt: u32,
    /// Adapter handle used to ack or retry this delivery.
    pub receipt: String,
}

/// Carries jobs to workers.
///
/// Contract: at-least-once delivery. A pulled job is invisible to other consumers until it is acked,
/// retried, or its consumer is presumed dead; `retry` makes it visible again after `delay` with
/// `attempt + 1`, and once `attempt` reaches the adapter's maximum the job goes to a dead-letter list
/// instead. Several consumers may pull concurrently; each delivery goes to one of them.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait JobQueue: Send + Sync {
    /// Adds a job.
    async fn push(&self, job: &Job) -> CoreResult<()>;
    /// Waits up to `wait` for the next job for `consumer`.
    async fn pull(&self, consumer: &str, wait: Duration) -> CoreResult<Option<Delivery>>;
    /// The job succeeded.
    async fn ack(&self, delivery: &Delivery) -> CoreResult<()>;
    /// The job failed; try again after `delay`, or dead-letter it after the last attempt. Returns
    /// `true` when the job was dead-lettered.
    async fn retry(&self, delivery: &Delivery, delay: Duration, error: &str) -> CoreResult<bool>;
    /// Jobs that exhausted their attempts.
    async fn dead_letters(&self) -> CoreResult<Vec<Job>>;
}
