//! Companies, memberships and invitations in memory.

use super::{paginate, MemTx};
use ally360::kernel::*;
use ally360::tenancy::model::{Company, Invitation, InvitationStatus, Membership};
use ally360::tenancy::repo::{CompanyRepo, InvitationRepo, MembershipRepo};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

fn company_clash(world: &super::World, c: &Company) -> Option<CoreError> {
    let others = || world.companies.values().filter(|o| o.id != c.id);
    if others().any(|o| o.name.to_lowercase() == c.name.to_lowercase()) {
        return Some(CoreError::conflict_on("company_name_taken", "name", "a company with this name exists"));
    }
    if others().any(|o| o.phone_number == c.phone_number) {
        return Some(CoreError::conflict_on("company_phone_taken", "phone_number", "a company with this phone exists"));
    }
    if others().any(|o| o.nit == c.nit) {
        return Some(CoreError::conflict_on("company_nit_taken", "nit", "a company with this NIT exists"));
    }
    None
}

#[async_trait]
impl CompanyRepo for MemTx {
    async fn insert(&mut self, company: &Company) -> CoreResult<()> {
        if let Some(e) = company_clash(&self.world, company) {
            return Err(e);
        }
        self.world.companies.insert(company.id, company.clone());
        Ok(())
    }
    async fn update(&mut self, company: &Company) -> CoreResult<()> {
        if let Some(e) = company_clash(&self.world, company) {
            return Err(e);
        }
        self.world.companies.insert(company.id, company.clone());
        Ok(())
    }
    async fn by_id(&mut self, id: TenantId) -> CoreResult<Option<Company>> {
        Ok(self.world.companies.get(&id).cloned())
    }
    async fn by_ids(&mut self, ids: &[TenantId]) -> CoreResult<Vec<Company>> {
        Ok(ids.iter().filter_map(|id| self.world.companies.get(id).cloned()).collect())
    }
}

#[async_trait]
impl MembershipRepo for MemTx {
    async fn insert(&mut self, m: &Membership) -> CoreResult<()> {
        let key = (m.user_id, m.company_id);
        if self.world.membership_by_key.contains_key(&key) {
            return Err(CoreError::conflict("already_member", "this user already belongs to the company"));
        }
        self.world.membership_by_key.insert(key, m.id);
        self.world.memberships.insert(m.id, m.clone());
        Ok(())
    }
    async fn update(&mut self, m: &Membership) -> CoreResult<()> {
        self.world.memberships.insert(m.id, m.clone());
        Ok(())
    }
    async fn find(&mut self, user: UserId, company: TenantId) -> CoreResult<Option<Membership>> {
        let id = self.world.membership_by_key.get(&(user, company));
        Ok(id.and_then(|id| self.world.memberships.get(id)).cloned())
    }
    async fn of_user(&mut self, user: UserId) -> CoreResult<Vec<Membership>> {
        Ok(self.world.memberships.values().filter(|m| m.user_id == user).cloned().collect())
    }
    async fn of_company(&mut self, company: TenantId, page: PageRequest) -> CoreResult<Page<Membership>> {
        let mut rows: Vec<Membership> =
            self.world.memberships.values().filter(|m| m.company_id == company).cloned().collect();
        rows.sort_by(|a, b| b.joined_at.cmp(&a.joined_at).then(b.id.cmp(&a.id)));
        Ok(paginate(rows, page))
    }
    async fn lock_active_owners(&mut self, company: TenantId) -> CoreResult<Vec<Membership>> {
        let owners =
            self.world.memberships.values().filter(|m| m.company_id == company && m.is_active && m.role == Role::Owner);
        Ok(owners.cloned().collect())
    }
}

#[async_trait]
impl InvitationRepo for MemTx {
    async fn insert(&mut self, inv: &Invitation) -> CoreResult<()> {
        let clash = self.world.invitations.values().any(|o| {
            o.company_id == inv.company_id && o.invitee_email == inv.invitee_email && o.is_open() && o.id != inv.id
        });
        if clash && inv.is_open() {
            return Err(CoreError::conflict("invitation_exists", "an open invitation exists for this email"));
        }
        self.world.invitations.insert(inv.id, inv.clone());
        Ok(())
    }
    async fn update(&mut self, inv: &Invitation) -> CoreResult<()> {
        self.world.invitations.insert(inv.id, inv.clone());
        Ok(())
    }
    async fn by_id(&mut self, company: TenantId, id: InvitationId) -> CoreResult<Option<Invitation>> {
        Ok(self.world.invitations.get(&id).filter(|i| i.company_id == company).cloned())
    }
    async fn by_token_hash(&mut self, hash: &str) -> CoreResult<Option<Invitation>> {
        Ok(self.world.invitations.values().find(|i| i.token_hash == hash).cloned())
    }
    async fn open_for(&mut self, company: TenantId, email: &str) -> CoreResult<Option<Invitation>> {
        let found = self
            .world
            .invitations
            .values()
            .find(|i| i.company_id == company && i.invitee_email == email && i.is_open());
        Ok(found.cloned())
    }
    async fn list(
        &mut self,
        company: TenantId,
        status: Option<InvitationStatus>,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> CoreResult<Page<Invitation>> {
        let mut rows: Vec<Invitation> = self
            .world
            .invitations
            .values()
            .filter(|i| i.company_id == company && status.is_none_or(|s| i.status(now) == s))
            .cloned()
            .collect();
        rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(paginate(rows, page))
    }
}
