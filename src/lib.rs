//! Ally360 core: the pure domain of a multi-tenant ERP and the ports it needs from the world.
//!
//! Nothing here performs I/O. Use cases live in each module's `service`; they take an [`kernel::Actor`]
//! (or the authenticated user) and reach data only through [`ports::Store`] units of work.

pub mod catalog;
pub mod contacts;
pub mod files;
pub mod identity;
pub mod inventory;
pub mod jobs;
pub mod kernel;
pub mod metrics;
pub mod notify;
pub mod ports;
pub mod sales;
pub mod tenancy;

mod app;
#[cfg(test)]
mod testing;
pub use app::{App, AppPorts, Settings};
