//! Repositories of companies, memberships and invitations (global data, reached through `GlobalTx`).

use super::model::{Company, Invitation, InvitationStatus, Membership};
use crate::kernel::{CoreResult, InvitationId, Page, PageRequest, TenantId, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Companies.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait CompanyRepo: Send {
    /// Adds a company. Taken name, phone or NIT is `Conflict` with code `company_name_taken`,
    /// `company_phone_taken` or `company_nit_taken`.
    async fn insert(&mut self, company: &Company) -> CoreResult<()>;
    /// Replaces the stored company (same id); same conflicts as `insert`.
    async fn update(&mut self, company: &Company) -> CoreResult<()>;
    /// The company with this id.
    async fn by_id(&mut self, id: TenantId) -> CoreResult<Option<Company>>;
    /// The companies with these ids, in any order.
    async fn by_ids(&mut self, ids: &[TenantId]) -> CoreResult<Vec<Company>>;
}

/// Memberships.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait MembershipRepo: Send {
    /// Adds a membership; one per (user, company): a second is `Conflict { code: "already_member" }`.
    async fn insert(&mut self, membership: &Membership) -> CoreResult<()>;
    /// Replaces the stored membership (same id).
    async fn update(&mut self, membership: &Membership) -> CoreResult<()>;
    /// The membership of `user` in `company`, active or not.
    async fn find(&mut self, user: UserId, company: TenantId) -> CoreResult<Option<Membership>>;
    /// Every membership of the user, active or not.
    async fn of_user(&mut self, user: UserId) -> CoreResult<Vec<Membership>>;
    /// A page of the company's memberships, newest first.
    async fn of_company(&mut self, company: TenantId, page: PageRequest) -> CoreResult<Page<Membership>>;
    /// The company's active owners, locked until the end of the transaction so that two concurrent
    /// demotions cannot both see "another owner remains".
    async fn lock_active_owners(&mut self, company: TenantId) -> CoreResult<Vec<Membership>>;
}

/// Invitations.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait InvitationRepo: Send {
    /// Adds an invitation; a second open one for the same company and email is
    /// `Conflict { code: "invitation_exists" }`.
    async fn insert(&mut self, invitation: &Invitation) -> CoreResult<()>;
    /// Replaces the stored invitation (same id).
    async fn update(&mut self, invitation: &Invitation) -> CoreResult<()>;
    /// The company's invitation with this id.
    async fn by_id(&mut self, company: TenantId, id: InvitationId) -> CoreResult<Option<Invitation>>;
    /// The invitation whose token has this hash.
    async fn by_token_hash(&mut self, hash: &str) -> CoreResult<Option<Invitation>>;
    /// The open (pending or expired) invitation for this company and email.
    async fn open_for(&mut self, company: TenantId, email: &str) -> CoreResult<Option<Invitation>>;
    /// A page of the company's invitations in `status` at `now` (all when `None`), newest first.
    async fn list(
        &mut self,
        company: TenantId,
        status: Option<InvitationStatus>,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> CoreResult<Page<Invitation>>;
}
