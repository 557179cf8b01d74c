//! Background jobs: the outbox written inside business transactions, its relay to the queue, and
//! the worker that runs them.

pub mod repo;
mod worker;

pub use worker::{JobRunner, RunReport};
