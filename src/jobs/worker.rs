//! Relays the outbox to the queue and runs queued jobs.

use crate::app::Ctx;
use crate::kernel::{CoreResult, JobId};
use crate::ports::{in_global, Delivery, Task};
use std::sync::Arc;
use std::time::Duration;

/// What one pass of the worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Jobs moved from the outbox to the queue.
    pub relayed: usize,
    /// Jobs that ran successfully.
    pub succeeded: usize,
    /// Jobs that failed and were scheduled again or dead-lettered.
    pub failed: usize,
}

/// Moves jobs from the outbox to the queue and runs them.
#[derive(Clone)]
pub struct JobRunner {
    ctx: Arc<Ctx>,
}

/// Delay before attempt `attempt + 1`: 30 s doubling, at most one hour.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs((30u64 << attempt.saturating_sub(1).min(7)).min(3600))
}

impl JobRunner {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }

    /// Hands up to `limit` committed outbox jobs to the queue. If the queue refuses, the jobs stay in
    /// the outbox and the next pass tries again.
    pub async fn relay_outbox(&self, limit: u32) -> CoreResult<usize> {
        let (queue, now) = (self.ctx.ports.queue.clone(), self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let jobs = tx.outbox().pending(limit).await?;
                for job in &jobs {
                    queue.push(job).await?;
                }
                let ids: Vec<JobId> = jobs.iter().map(|j| j.id).collect();
                tx.outbox().mark_relayed(&ids, now).await?;
                Ok(jobs.len())
            })
        })
        .await
    }

    /// Runs at most one queued job. Returns `None` when nothing came within `wait`.
    pub async fn run_one(&self, consumer: &str, wait: Duration) -> CoreResult<Option<bool>> {
        let Some(delivery) = self.ctx.ports.queue.pull(consumer, wait).await? else {
            return Ok(None);
        };
        match self.handle(&delivery).await {
            Ok(()) => {
                self.ctx.ports.queue.ack(&delivery).await?;
                tracing::info!(job = %delivery.job.id, kind = delivery.job.task.kind(), "job done");
                Ok(Some(true))
            }
            Err(e) => {
                tracing::warn!(job = %delivery.job.id, attempt = delivery.attempt, error = %e, "job failed");
                self.ctx
                    .ports
                    .queue
                    .retry(&delivery, backoff(delivery.attempt), &e.to_string())
                    .await?;
                Ok(Some(false))
            }
        }
    }

    /// Relays the outbox, then runs every job that is ready now.
    pub async fn drain(&self, consumer: &str) -> CoreResult<RunReport> {
        let mut report = RunReport {
            relayed: self.relay_outbox(100).await?,
            ..Default::default()
        };
        while let Some(ok) = self.run_one(consumer, Duration::ZERO).await? {
            if ok {
                report.succeeded += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    async fn handle(&self, delivery: &Delivery) -> CoreResult<()> {
        match &delivery.job.task {
            Task::SendEmail(email) => self.ctx.ports.mailer.send(email).await,
        }
    }
}
