//! Identity: accounts, email verification, sessions and passwords (spec 10 §3–4).

mod avatar;
pub mod model;
mod passwords;
pub mod repo;
mod service;
mod sessions;
#[cfg(test)]
mod tests;

pub(crate) use service::{email_job, validate_profile};
pub use service::{IdentityService, ProfilePatch, RegisterInput, RegisterOutcome, VerifyOutcome};
pub use sessions::{Principal, SessionTokens};
