//! Tenant resolution and company selection: the one place that turns a signed-in user and an
//! optional company into an [`Actor`].

use super::model::{Company, Membership};
use crate::app::Ctx;
use crate::identity::Principal;
use crate::kernel::{Actor, CoreError, CoreResult, Role, TenantId, UserId};
use crate::ports::{in_global, Claims, GlobalTx, TokenKind};
use std::sync::Arc;
use uuid::Uuid;

/// Companies, members and invitations use cases.
#[derive(Clone)]
pub struct TenancyService {
    pub(super) ctx: Arc<Ctx>,
}

/// A token bound to one company.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextToken {
    pub access_token: String,
    pub expires_in: u64,
    pub company: Company,
    pub role: Role,
}

/// Cache key of a membership; the braces keep a tenant's keys on one Redis Cluster slot.
fn member_key(tenant: TenantId, user: UserId) -> String {
    format!("ally360:{{{tenant}}}:member:{user}")
}

/// The active membership of `user` in an active `company`, or 403.
pub(super) async fn active_membership(
    tx: &mut dyn GlobalTx,
    user: UserId,
    company: TenantId,
) -> CoreResult<(Membership, Company)> {
    let no_access = || CoreError::forbidden("not_a_member", "you have no access to this company");
    let membership = tx.memberships().find(user, company).await?.filter(|m| m.is_active).ok_or_else(no_access)?;
    let company = tx.companies().by_id(company).await?.ok_or_else(no_access)?;
    if !company.is_active {
        return Err(CoreError::forbidden("company_inactive", "this company is inactive"));
    }
    Ok((membership, company))
}

impl TenancyService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }

    /// Resolves the actor of a request. A context token names its company; an access token needs the
    /// `X-Company-ID` header. Both must agree when both are present (403 otherwise), and the
    /// membership and the company are re-read every time, so a removed or demoted member loses access
    /// at once.
    pub async fn resolve(&self, principal: &Principal, header: Option<TenantId>) -> CoreResult<Actor> {
        let tenant = match (principal.token_tenant, header) {
            (Some(t), Some(h)) if t != h => {
                return Err(CoreError::forbidden(
                    "tenant_mismatch",
                    "X-Company-ID differs from the company of the token",
                ))
            }
            (Some(t), _) | (None, Some(t)) => t,
            (None, None) => {
                return Err(CoreError::bad_request(
                    "tenant_required",
                    "select a company (context token) or send the X-Company-ID header",
                ))
            }
        };
        let (user, session) = (principal.user, principal.session);
        let role = self.member_role(user, tenant).await?;
        let budget_key = format!("ally360:{{{tenant}}}:api");
        self.ctx.within_budget("tenant_api", &budget_key, self.ctx.settings.tenant_api_limit).await?;
        Ok(Actor { user, tenant, role, session })
    }

    /// The role of an active member of an active company, read through the cache.
    async fn member_role(&self, user: UserId, tenant: TenantId) -> CoreResult<Role> {
        let key = member_key(tenant, user);
        match self.ctx.ports.cache.get(&key).await {
            Ok(Some(cached)) => {
                if let Ok(role) = cached.parse::<Role>() {
                    self.ctx.metrics.incr("cache_requests_total", &[("cache", "membership"), ("outcome", "hit")]);
                    return Ok(role);
                }
            }
            Ok(None) => {}
            Err(e) => {
                self.ctx.metrics.incr("cache_requests_total", &[("cache", "membership"), ("outcome", "error")]);
                tracing::warn!(error = %e, "cache unavailable; reading the membership from the store");
            }
        }
        self.ctx.metrics.incr("cache_requests_total", &[("cache", "membership"), ("outcome", "miss")]);
        let (membership, _) =
            in_global(self.ctx.store(), move |tx| Box::pin(async move { active_membership(tx, user, tenant).await }))
                .await?;
        let ttl = self.ctx.settings.membership_cache_ttl;
        if let Err(e) = self.ctx.ports.cache.set(&key, membership.role.as_str(), ttl).await {
            tracing::warn!(error = %e, "cache unavailable; membership not cached");
        }
        Ok(membership.role)
    }

    /// Forgets a cached membership after it changed (role, removal, joining).
    pub(super) async fn forget_member(&self, tenant: TenantId, user: UserId) {
        if let Err(e) = self.ctx.ports.cache.delete(&member_key(tenant, user)).await {
            // The entry expires by itself within the cache TTL.
            tracing::warn!(error = %e, "cache unavailable; a stale membership expires with its TTL");
        }
    }

    /// The user's active memberships in active companies, newest first.
    pub async fn user_companies(&self, user: UserId) -> CoreResult<Vec<(Membership, Company)>> {
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let memberships: Vec<Membership> =
                    tx.memberships().of_user(user).await?.into_iter().filter(|m| m.is_active).collect();
                let ids: Vec<TenantId> = memberships.iter().map(|m| m.company_id).collect();
                let companies = tx.companies().by_ids(&ids).await?;
                let mut pairs: Vec<(Membership, Company)> = memberships
                    .into_iter()
                    .filter_map(|m| {
                        let c = companies.iter().find(|c| c.id == m.company_id && c.is_active)?;
                        Some((m, c.clone()))
                    })
                    .collect();
                pairs.sort_by_key(|p| std::cmp::Reverse(p.0.joined_at));
                Ok(pairs)
            })
        })
        .await
    }

    /// Issues a context token for a company the caller actively belongs to.
    pub async fn select_company(&self, principal: &Principal, company: TenantId) -> CoreResult<ContextToken> {
        let user = principal.user;
        let (membership, company) =
            in_global(self.ctx.store(), move |tx| Box::pin(async move { active_membership(tx, user, company).await }))
                .await?;
        let now = self.ctx.now();
        let ttl = self.ctx.settings.access_ttl;
        let claims = Claims {
            sub: principal.user,
            kind: TokenKind::Context,
            jti: Uuid::now_v7(),
            sid: principal.session,
            iat: now.timestamp(),
            exp: now.timestamp() + ttl.as_secs() as i64,
            email: Some(principal.email.clone()),
            user_name: Some(principal.full_name.clone()),
            tenant_id: Some(company.id),
            user_role: Some(membership.role),
        };
        let access_token = self.ctx.ports.tokens.sign(&claims)?;
        Ok(ContextToken { access_token, expires_in: ttl.as_secs(), company, role: membership.role })
    }
}
