//! Every Ally360 port in process. `serve` runs on these when nothing is configured, and the tests
//! use them as their fixture. They keep the guarantees of the real adapters: a unit of work commits
//! all or nothing, conditional updates are serialised, unique keys are enforced.

mod cache;
mod clock;
mod mailer;
mod objects;
mod queue;
mod store;

pub use cache::{MemoryCache, MemoryRateLimiter};
pub use clock::{ManualClock, SystemClock};
pub use mailer::LogMailer;
pub use objects::MemoryObjectStore;
pub use queue::MemoryQueue;
pub use store::MemoryStore;
