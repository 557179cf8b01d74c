//! Companies, memberships and invitations: who may act in which tenant, with which role
//! (spec 10 §3.3, §5, §6).

mod companies;
mod invitations;
mod logo;
mod members;
pub mod model;
pub mod repo;
mod service;
#[cfg(test)]
mod tests;

pub use companies::{CompanyDetail, CompanyInput, CompanyPatch};
pub use invitations::{InvitationInfo, NewInvitation};
pub use members::MemberView;
pub use service::{ContextToken, TenancyService};
