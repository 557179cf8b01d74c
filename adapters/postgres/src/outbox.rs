//! The outbox in PostgreSQL. `pending` locks with SKIP LOCKED so concurrent relays share the work;
//! rows stay until a worker marks them done.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::jobs::repo::OutboxRepo;
use ally360::kernel::*;
use ally360::ports::{Job, Task};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

#[async_trait]
impl OutboxRepo for PgTx {
    async fn add(&mut self, job: &Job) -> CoreResult<()> {
        let task = serde_json::to_value(&job.task).map_err(CoreError::internal)?;
        sqlx::query("INSERT INTO outbox (id, task, created_at) VALUES ($1, $2, $3)")
            .bind(job.id.as_uuid())
            .bind(task)
            .bind(job.created_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn pending(&mut self, limit: u32, stale_before: DateTime<Utc>) -> CoreResult<Vec<Job>> {
        let rows = sqlx::query(
            "SELECT id, task, created_at FROM outbox WHERE done_at IS NULL \
             AND (relayed_at IS NULL OR relayed_at < $2) ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::from(limit))
        .bind(stale_before)
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        let mut jobs = Vec::with_capacity(rows.len());
        let mut unreadable = Vec::new();
        for r in &rows {
            let id: Uuid = r.try_get("id").map_err(db_err)?;
            let task: serde_json::Value = r.try_get("task").map_err(db_err)?;
            match serde_json::from_value::<Task>(task) {
                Ok(task) => jobs.push(Job {
                    id: JobId::from_uuid(id),
                    task,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                }),
                Err(e) => {
                    // One job this version cannot read must not stop the others: set it aside.
                    tracing::error!(job = %id, error = %e, "unreadable outbox job set aside");
                    unreadable.push(id);
                }
            }
        }
        if !unreadable.is_empty() {
            sqlx::query("UPDATE outbox SET done_at = now() WHERE id = ANY($1)")
                .bind(unreadable)
                .execute(self.conn())
                .await
                .map_err(db_err)?;
        }
        Ok(jobs)
    }

    async fn mark_relayed(&mut self, ids: &[JobId], at: DateTime<Utc>) -> CoreResult<()> {
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        sqlx::query("UPDATE outbox SET relayed_at = $2 WHERE id = ANY($1)")
            .bind(ids)
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn mark_done(&mut self, id: JobId, at: DateTime<Utc>) -> CoreResult<()> {
        // The payload is cleared once done: it may carry single-use links.
        sqlx::query("UPDATE outbox SET done_at = $2, task = 'null'::jsonb WHERE id = $1")
            .bind(id.as_uuid())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn depth(&mut self) -> CoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE relayed_at IS NULL")
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }
}
