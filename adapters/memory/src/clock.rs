//! Clocks: the system clock, and a manual one tests can move.

use ally360::ports::Clock;
use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Mutex;

/// The real time.
#[derive(Clone, Copy, Default)]
pub struct SystemClock;

/// Microsecond precision, as PostgreSQL stores it, so every adapter returns the times it was given.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now())
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// Starts at the current real time (to the microsecond, as the database keeps it).
    pub fn new() -> Self {
        Self { now: Mutex::new(micros(Utc::now())) }
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.now.lock() {
            *now += by;
        }
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.now.lock().map(|n| *n).unwrap_or_else(|_| micros(Utc::now()))
    }
}
