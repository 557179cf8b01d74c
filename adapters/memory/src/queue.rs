//! An in-process job queue with the delivery guarantees of the Redis one: at-least-once, retries
//! after a delay, dead letters after the last attempt.

use ally360::kernel::{CoreResult, JobId};
use ally360::ports::{Delivery, Job, JobQueue};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Default)]
struct State {
    ready: VecDeque<(Job, u32)>,
    delayed: Vec<(Instant, Job, u32)>,
    in_flight: HashMap<JobId, (Job, u32)>,
    dead: Vec<Job>,
}

/// The in-memory [`JobQueue`].
pub struct MemoryQueue {
    state: Mutex<State>,
    wake: Notify,
    max_attempts: u32,
}

impl MemoryQueue {
    /// A queue that dead-letters a job after `max_attempts` deliveries.
    pub fn new(max_attempts: u32) -> Self {
        Self { state: Mutex::new(State::default()), wake: Notify::new(), max_attempts }
    }

    fn take_ready(&self) -> Option<Delivery> {
        let mut state = self.state.lock().ok()?;
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = state.delayed.drain(..).partition(|(at, _, _)| *at <= now);
        state.delayed = later;
        state.ready.extend(due.into_iter().map(|(_, job, attempt)| (job, attempt)));
        let (job, attempt) = state.ready.pop_front()?;
        state.in_flight.insert(job.id, (job.clone(), attempt));
        Some(Delivery { receipt: job.id.to_string(), job, attempt })
    }
}

impl Default for MemoryQueue {
    fn default() -> Self {
        Self::new(5)
    }
}

#[async_trait::async_trait]
impl JobQueue for MemoryQueue {
    async fn push(&self, job: &Job) -> CoreResult<()> {
        if let Ok(mut state) = self.state.lock() {
            state.ready.push_back((job.clone(), 1));
        }
        self.wake.notify_one();
        Ok(())
    }

    async fn pull(&self, _consumer: &str, wait: Duration) -> CoreResult<Option<Delivery>> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(d) = self.take_ready() {
                return Ok(Some(d));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), self.wake.notified()).await;
        }
    }

    async fn ack(&self, delivery: &Delivery) -> CoreResult<()> {
        if let Ok(mut state) = self.state.lock() {
            state.in_flight.remove(&delivery.job.id);
        }
        Ok(())
    }

    async fn retry(&self, delivery: &Delivery, delay: Duration, _error: &str) -> CoreResult<bool> {
        let mut buried = false;
        if let Ok(mut state) = self.state.lock() {
            if let Some((job, attempt)) = state.in_flight.remove(&delivery.job.id) {
                if attempt >= self.max_attempts {
                    state.dead.push(job);
                    buried = true;
                } else {
                    state.delayed.push((Instant::now() + delay, job, attempt + 1));
                }
            }
        }
        Ok(buried)
    }

    async fn dead_letters(&self) -> CoreResult<Vec<Job>> {
        Ok(self.state.lock().map(|s| s.dead.clone()).unwrap_or_default())
    }
}
