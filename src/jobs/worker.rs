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
        let stale = chrono::Duration::minutes(15);
        let (relayed, depth) = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let jobs = tx.outbox().pending(limit, now - stale).await?;
                for job in &jobs {
                    queue.push(job).await?;
                }
                let ids: Vec<JobId> = jobs.iter().map(|j| j.id).collect();
                tx.outbox().mark_relayed(&ids, now).await?;
                Ok((jobs.len(), tx.outbox().depth().await?))
            })
        })
        .await?;
        self.ctx.metrics.gauge("outbox_depth", depth as i64);
        Ok(relayed)
    }

    /// Runs at most one queued job. Returns `None` when nothing came within `wait`.
    pub async fn run_one(&self, consumer: &str, wait: Duration) -> CoreResult<Option<bool>> {
        let Some(delivery) = self.ctx.ports.queue.pull(consumer, wait).await? else {
            return Ok(None);
        };
        let kind = delivery.job.task.kind();
        // At-least-once delivery: a job that already succeeded is acknowledged, not run again.
        let done_key = format!("ally360:job-done:{}", delivery.job.id);
        if matches!(self.ctx.ports.cache.get(&done_key).await, Ok(Some(_))) {
            self.ctx.metrics.incr("jobs_total", &[("kind", kind), ("outcome", "duplicate")]);
            self.ctx.ports.queue.ack(&delivery).await?;
            return Ok(Some(true));
        }
        match self.handle(&delivery).await {
            Ok(()) => {
                if let Err(e) = self.ctx.ports.cache.set(&done_key, "1", Duration::from_secs(7 * 24 * 3600)).await {
                    tracing::warn!(error = %e, "could not record a finished job in the cache");
                }
                self.mark_done(delivery.job.id).await;
                self.ctx.ports.queue.ack(&delivery).await?;
                self.ctx.metrics.incr("jobs_total", &[("kind", kind), ("outcome", "ok")]);
                tracing::info!(job = %delivery.job.id, kind, "job done");
                Ok(Some(true))
            }
            Err(e) => {
                tracing::warn!(job = %delivery.job.id, attempt = delivery.attempt, error = %e, "job failed");
                self.ctx.metrics.incr("jobs_total", &[("kind", kind), ("outcome", "failed")]);
                let buried = self.ctx.ports.queue.retry(&delivery, backoff(delivery.attempt), &e.to_string()).await?;
                if buried {
                    // Dead-lettered: the outbox must not relay it again.
                    self.mark_done(delivery.job.id).await;
                }
                Ok(Some(false))
            }
        }
    }

    /// Relays the outbox, then runs every job that is ready now.
    pub async fn drain(&self, consumer: &str) -> CoreResult<RunReport> {
        let mut report = RunReport { relayed: self.relay_outbox(100).await?, ..Default::default() };
        while let Some(ok) = self.run_one(consumer, Duration::ZERO).await? {
            if ok {
                report.succeeded += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    /// Marks a job finished (or dead) in the outbox. Not fatal when it fails: the outbox relays it
    /// again later and the done key skips it.
    async fn mark_done(&self, id: JobId) {
        let now = self.ctx.now();
        let finished =
            in_global(self.ctx.store(), move |tx| Box::pin(async move { tx.outbox().mark_done(id, now).await }));
        if let Err(e) = finished.await {
            tracing::warn!(error = %e, job = %id, "could not mark a finished job in the outbox");
        }
    }

    async fn handle(&self, delivery: &Delivery) -> CoreResult<()> {
        match &delivery.job.task {
            Task::SendEmail(email) => self.ctx.ports.mailer.send(email).await,
            Task::InvoiceEmail { tenant, email } => {
                crate::sales::deliver_invoice_email(&self.ctx, *tenant, *email, delivery.attempt).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use crate::kernel::{CoreError, JobId};
    use crate::ports::{Delivery, Email, Job, Task};
    use crate::testing::{app, Mocks, TestStore, TestTx};
    use mockall::predicate::{always, eq};
    use std::time::Duration;

    fn delivery(attempt: u32) -> Delivery {
        let email = Email {
            to: "a@b.co".into(),
            subject: "s".into(),
            html: "h".into(),
            text: "t".into(),
            ..Default::default()
        };
        let job = Job { id: JobId::new(), task: Task::SendEmail(email), created_at: chrono::Utc::now() };
        Delivery { job, attempt, receipt: "r".into() }
    }

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(30), Duration::from_secs(3600));
    }

    #[tokio::test]
    async fn a_sent_email_is_acked() {
        let mut mocks = Mocks::default();
        let d = delivery(1);
        mocks.queue.expect_pull().times(1).return_once(move |_, _| Ok(Some(d)));
        mocks.mailer.expect_send().times(1).withf(|e| e.to == "a@b.co").returning(|_| Ok(()));
        mocks.queue.expect_ack().times(1).returning(|_| Ok(()));
        mocks.queue.expect_retry().never();
        let mut tx = TestTx::default();
        tx.outbox.expect_mark_done().times(1).returning(|_, _| Ok(()));
        let app = app(TestStore::new(tx), mocks);
        assert_eq!(app.jobs.run_one("w", Duration::ZERO).await.unwrap(), Some(true));
    }

    #[tokio::test]
    async fn a_failed_email_is_retried_with_backoff_not_acked() {
        let mut mocks = Mocks::default();
        let d = delivery(2);
        mocks.queue.expect_pull().times(1).return_once(move |_, _| Ok(Some(d)));
        mocks.mailer.expect_send().times(1).returning(|_| Err(CoreError::Unavailable("smtp down".into())));
        mocks.queue.expect_ack().never();
        mocks
            .queue
            .expect_retry()
            .with(always(), eq(Duration::from_secs(60)), always())
            .times(1)
            .returning(|_, _, _| Ok(false));
        let app = app(TestStore::new(TestTx::default()), mocks);
        assert_eq!(app.jobs.run_one("w", Duration::ZERO).await.unwrap(), Some(false));
    }

    #[tokio::test]
    async fn the_relay_leaves_jobs_in_the_outbox_when_the_queue_refuses() {
        let mut tx = TestTx::default();
        let job = delivery(1).job;
        tx.outbox.expect_pending().times(1).return_once(move |_, _| Ok(vec![job]));
        tx.outbox.expect_mark_relayed().never();
        let mut mocks = Mocks::default();
        mocks.queue.expect_push().times(1).returning(|_| Err(CoreError::Unavailable("redis down".into())));
        let app = app(TestStore::new(tx), mocks);
        assert!(app.jobs.relay_outbox(10).await.is_err());
    }
}
