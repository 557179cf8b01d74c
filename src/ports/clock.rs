//! Time, behind a port so tests can move it.

use chrono::{DateTime, Utc};

/// The current time. Contract: monotonic enough for expiry checks; UTC.
#[cfg_attr(test, mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}
