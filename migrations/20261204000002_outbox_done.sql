-- Jobs stay in the outbox until a worker finishes them, so a job lost by the queue (a Redis that
-- restarted without persistence) is relayed again. The payload is cleared once the job is done.
ALTER TABLE outbox ADD COLUMN done_at timestamptz;
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_unfinished_idx ON outbox (id) WHERE done_at IS NULL;
