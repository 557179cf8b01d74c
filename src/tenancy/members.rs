//! Company members: list, change role, remove. The last active owner can never go.

use super::model::Membership;
use super::TenancyService;
use crate::identity::model::{AuditEvent, User};
use crate::kernel::{Actor, CoreError, CoreResult, Page, PageRequest, Permission, Role, TenantId, UserId};
use crate::ports::{in_global, GlobalTx};
use chrono::{DateTime, Utc};

/// A member of a company: the account and the membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub user: User,
    pub membership: Membership,
}

fn owner_required() -> CoreError {
    CoreError::forbidden("owner_role_required", "only an owner can grant, change or remove the owner role")
}

/// Fails with 409 when `target` is the only active owner left of `company`.
async fn keep_an_owner(tx: &mut dyn GlobalTx, company: TenantId, target: &Membership) -> CoreResult<()> {
    if target.role != Role::Owner || !target.is_active {
        return Ok(());
    }
    let owners = tx.memberships().lock_active_owners(company).await?;
    if owners.iter().all(|o| o.user_id == target.user_id) {
        return Err(CoreError::conflict("last_owner", "a company must keep at least one active owner"));
    }
    Ok(())
}

async fn member_of(tx: &mut dyn GlobalTx, company: TenantId, user: UserId) -> CoreResult<(Membership, User)> {
    let membership = tx.memberships().find(user, company).await?.ok_or(CoreError::NotFound { entity: "member" })?;
    let user = tx.users().by_id(user).await?.ok_or(CoreError::NotFound { entity: "member" })?;
    Ok((membership, user))
}

fn audit(now: DateTime<Utc>, actor: &Actor, action: &'static str, detail: String) -> AuditEvent {
    AuditEvent::new(now, Some(actor.user), Some(actor.tenant), action, detail)
}

impl TenancyService {
    /// A page of the company's members (removed ones included), newest first.
    pub async fn members(&self, actor: &Actor, page: PageRequest) -> CoreResult<Page<MemberView>> {
        actor.require(Permission::MembersRead)?;
        let tenant = actor.tenant;
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let memberships = tx.memberships().of_company(tenant, page).await?;
                let ids: Vec<UserId> = memberships.items.iter().map(|m| m.user_id).collect();
                let users = tx.users().by_ids(&ids).await?;
                let items = memberships
                    .items
                    .into_iter()
                    .filter_map(|m| {
                        let user = users.iter().find(|u| u.id == m.user_id)?.clone();
                        Some(MemberView { user, membership: m })
                    })
                    .collect();
                Ok(Page { items, total: memberships.total, request: memberships.request })
            })
        })
        .await
    }

    /// Changes a member's role. Only owners touch the owner role; the last owner stays owner.
    pub async fn change_role(&self, actor: &Actor, user: UserId, role: Role) -> CoreResult<MemberView> {
        actor.require(Permission::MembersManage)?;
        let (actor, now) = (*actor, self.ctx.now());
        let changed = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let (mut membership, user) = member_of(tx, actor.tenant, user).await?;
                if (membership.role == Role::Owner || role == Role::Owner) && !actor.can(Permission::OwnersManage) {
                    return Err(owner_required());
                }
                if role != Role::Owner {
                    keep_an_owner(tx, actor.tenant, &membership).await?;
                }
                let detail = format!("{} {} -> {}", user.email, membership.role, role);
                membership.role = role;
                membership.updated_at = now;
                tx.memberships().update(&membership).await?;
                tx.audit().record(&audit(now, &actor, "role_changed", detail)).await?;
                Ok(MemberView { user, membership })
            })
        })
        .await?;
        self.forget_member(changed.membership.company_id, changed.membership.user_id).await;
        Ok(changed)
    }

    /// Removes a member (the membership is deactivated and kept as history).
    pub async fn remove_member(&self, actor: &Actor, user: UserId) -> CoreResult<()> {
        actor.require(Permission::MembersManage)?;
        let (actor, now, tenant) = (*actor, self.ctx.now(), actor.tenant);
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let (mut membership, user) = member_of(tx, actor.tenant, user).await?;
                if !membership.is_active {
                    return Err(CoreError::NotFound { entity: "member" });
                }
                if membership.role == Role::Owner && !actor.can(Permission::OwnersManage) {
                    return Err(owner_required());
                }
                keep_an_owner(tx, actor.tenant, &membership).await?;
                membership.is_active = false;
                membership.updated_at = now;
                tx.memberships().update(&membership).await?;
                tx.audit().record(&audit(now, &actor, "member_removed", user.email)).await
            })
        })
        .await?;
        self.forget_member(tenant, user).await;
        Ok(())
    }
}
