//! Invitations: invite with a role, look up by token, accept as a new or an existing user, list and
//! revoke. At most one open invitation per company and email; inviting again refreshes it.

use super::model::{Company, Invitation, InvitationStatus, Membership};
use super::TenancyService;
use crate::app::span;
use crate::identity::model::{AuditEvent, User};
use crate::identity::{email_job, validate_profile, Principal, RegisterInput};
use crate::kernel::error::Checks;
use crate::kernel::{
    validate, Actor, CoreError, CoreResult, InvitationId, MembershipId, Page, PageRequest, Permission, Role, UserId,
};
use crate::notify;
use crate::ports::{in_global, GlobalTx};
use chrono::{DateTime, Utc};

/// An invitation with the name of who sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub invitation: Invitation,
    pub invited_by_name: String,
    pub company_name: String,
}

/// What the holder of an invitation token may learn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationInfo {
    pub invitation: Invitation,
    pub company: Company,
    /// Whether an account exists for the invitee (the client then routes to `/existing`).
    pub user_exists: bool,
}

fn invalid_invitation() -> CoreError {
    CoreError::bad_request("invalid_invitation", "the invitation is invalid, accepted, revoked or expired")
}

/// The pending invitation with this token, with its company.
async fn pending_by_token(tx: &mut dyn GlobalTx, hash: &str, now: DateTime<Utc>) -> CoreResult<(Invitation, Company)> {
    let invitation = tx.invitations().by_token_hash(hash).await?.ok_or_else(invalid_invitation)?;
    if invitation.status(now) != InvitationStatus::Pending {
        return Err(invalid_invitation());
    }
    let company =
        tx.companies().by_id(invitation.company_id).await?.filter(|c| c.is_active).ok_or_else(invalid_invitation)?;
    Ok((invitation, company))
}

/// Makes `user` a member with the invitation's role (reactivating a former membership) and closes it.
async fn join(tx: &mut dyn GlobalTx, mut invitation: Invitation, user: UserId, now: DateTime<Utc>) -> CoreResult<()> {
    match tx.memberships().find(user, invitation.company_id).await? {
        Some(m) if m.is_active => {
            return Err(CoreError::conflict("already_member", "you already belong to this company"))
        }
        Some(mut m) => {
            m.role = invitation.role;
            m.is_active = true;
            m.updated_at = now;
            tx.memberships().update(&m).await?;
        }
        None => {
            let m = Membership {
                id: MembershipId::new(),
                user_id: user,
                company_id: invitation.company_id,
                role: invitation.role,
                is_active: true,
                joined_at: now,
                updated_at: now,
            };
            tx.memberships().insert(&m).await?;
        }
    }
    invitation.accepted_at = Some(now);
    tx.invitations().update(&invitation).await?;
    let event =
        AuditEvent::new(now, Some(user), Some(invitation.company_id), "invitation_accepted", invitation.role.as_str());
    tx.audit().record(&event).await
}

impl TenancyService {
    /// Invites an email with a role and emails the 7-day link. Only an owner may invite an owner.
    pub async fn invite(&self, actor: &Actor, email: &str, role: &str) -> CoreResult<NewInvitation> {
        actor.require(Permission::MembersManage)?;
        let mut checks = Checks::new();
        let email = checks.take(validate::email("email", email));
        let role = checks.take(role.parse::<Role>().map_err(|_| {
            crate::kernel::FieldError::new(
                "role",
                "invalid_role",
                "role must be one of owner, admin, seller, accountant, viewer",
            )
        }));
        checks.finish()?;
        let (Some(email), Some(role)) = (email, role) else {
            return Err(CoreError::internal("validation passed without values"));
        };
        if role == Role::Owner {
            actor
                .require(Permission::OwnersManage)
                .map_err(|_| CoreError::forbidden("owner_role_required", "only an owner can invite another owner"))?;
        }
        let (ctx, actor, now) = (self.ctx.clone(), *actor, self.ctx.now());
        let secret = ctx.ports.tokens.new_secret();
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let company =
                    tx.companies().by_id(actor.tenant).await?.ok_or(CoreError::NotFound { entity: "company" })?;
                let inviter = tx.users().by_id(actor.user).await?.ok_or(CoreError::NotFound { entity: "user" })?;
                if let Some(existing) = tx.users().by_email(&email).await? {
                    if tx.memberships().find(existing.id, actor.tenant).await?.is_some_and(|m| m.is_active) {
                        return Err(CoreError::conflict_on(
                            "already_member",
                            "email",
                            "this person already belongs to the company",
                        ));
                    }
                }
                let expires_at = now + span(ctx.settings.invite_ttl);
                let invitation = match tx.invitations().open_for(actor.tenant, &email).await? {
                    Some(mut open) => {
                        open.role = role;
                        open.token_hash = secret.hash;
                        open.expires_at = expires_at;
                        open.invited_by = actor.user;
                        tx.invitations().update(&open).await?;
                        open
                    }
                    None => {
                        let fresh = Invitation {
                            id: InvitationId::new(),
                            company_id: actor.tenant,
                            invited_by: actor.user,
                            invitee_email: email,
                            role,
                            token_hash: secret.hash,
                            expires_at,
                            accepted_at: None,
                            revoked_at: None,
                            created_at: now,
                        };
                        tx.invitations().insert(&fresh).await?;
                        fresh
                    }
                };
                let inviter_name = inviter.profile.full_name();
                let mail = notify::invitation(
                    &ctx.settings.frontend_url,
                    &invitation.invitee_email,
                    &inviter_name,
                    &company.name,
                    role.as_str(),
                    &secret.plain,
                );
                tx.outbox().add(&email_job(mail, now)).await?;
                let detail = format!("{} as {}", invitation.invitee_email, role);
                tx.audit()
                    .record(&AuditEvent::new(now, Some(actor.user), Some(actor.tenant), "invitation_sent", detail))
                    .await?;
                Ok(NewInvitation { invitation, invited_by_name: inviter_name, company_name: company.name })
            })
        })
        .await
    }

    /// What an invitation token gives access to, while it is pending.
    pub async fn invitation_info(&self, token: &str, client: &str) -> CoreResult<InvitationInfo> {
        self.ctx.public_budget("invitation_info", client).await?;
        let (hash, now) = (self.ctx.ports.tokens.hash_secret(token.trim()), self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let (invitation, company) = pending_by_token(tx, &hash, now).await?;
                let user_exists = tx.users().by_email(&invitation.invitee_email).await?.is_some();
                Ok(InvitationInfo { invitation, company, user_exists })
            })
        })
        .await
    }

    /// Accepts an invitation by creating the account (active and verified: the token proves the
    /// mailbox). An email that already has an account must use `accept_existing` (409).
    pub async fn accept_new(&self, token: &str, input: RegisterInput, client: &str) -> CoreResult<(User, Company)> {
        self.ctx.public_budget("accept_invitation", client).await?;
        let mut checks = Checks::new();
        checks.take(validate::password("password", &input.password));
        let profile = validate_profile(&mut checks, &input);
        checks.finish()?;
        let Some(profile) = profile else {
            return Err(CoreError::internal("validation passed without values"));
        };
        let password_hash = self.ctx.ports.hasher.hash(&input.password).await?;
        let (hash, now) = (self.ctx.ports.tokens.hash_secret(token.trim()), self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let (invitation, company) = pending_by_token(tx, &hash, now).await?;
                if tx.users().by_email(&invitation.invitee_email).await?.is_some() {
                    return Err(CoreError::conflict(
                        "account_exists",
                        "an account with this email exists: sign in and accept the invitation as an existing user",
                    ));
                }
                let user = User {
                    id: UserId::new(),
                    email: invitation.invitee_email.clone(),
                    password_hash,
                    is_active: true,
                    email_verified: true,
                    email_verified_at: Some(now),
                    last_login: None,
                    first_login: true,
                    profile,
                    created_at: now,
                    updated_at: now,
                };
                tx.users().insert(&user).await?;
                join(tx, invitation, user.id, now).await?;
                Ok((user, company))
            })
        })
        .await
    }

    /// Accepts an invitation with the signed-in account, whose email must be the invited one.
    pub async fn accept_existing(&self, principal: &Principal, token: &str) -> CoreResult<Company> {
        let (hash, now, user, email) =
            (self.ctx.ports.tokens.hash_secret(token.trim()), self.ctx.now(), principal.user, principal.email.clone());
        let company = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let (invitation, company) = pending_by_token(tx, &hash, now).await?;
                if !invitation.invitee_email.eq_ignore_ascii_case(&email) {
                    return Err(CoreError::forbidden(
                        "invitation_email_mismatch",
                        "this invitation was sent to another email",
                    ));
                }
                join(tx, invitation, user, now).await?;
                Ok(company)
            })
        })
        .await?;
        self.forget_member(company.id, user).await;
        Ok(company)
    }

    /// A page of the company's invitations in `status` (pending by default), newest first.
    pub async fn invitations(
        &self,
        actor: &Actor,
        status: Option<InvitationStatus>,
        page: PageRequest,
    ) -> CoreResult<Page<NewInvitation>> {
        actor.require(Permission::MembersRead)?;
        let (tenant, now) = (actor.tenant, self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let company = tx.companies().by_id(tenant).await?.ok_or(CoreError::NotFound { entity: "company" })?;
                let found = tx.invitations().list(tenant, status, now, page).await?;
                let ids: Vec<UserId> = found.items.iter().map(|i| i.invited_by).collect();
                let inviters = tx.users().by_ids(&ids).await?;
                Ok(found.map(|invitation| {
                    let invited_by_name = inviters
                        .iter()
                        .find(|u| u.id == invitation.invited_by)
                        .map(|u| u.profile.full_name())
                        .unwrap_or_default();
                    NewInvitation { invitation, invited_by_name, company_name: company.name.clone() }
                }))
            })
        })
        .await
    }

    /// Revokes a pending invitation; its token stops working at once. An accepted one is 409.
    pub async fn revoke_invitation(&self, actor: &Actor, id: InvitationId) -> CoreResult<()> {
        actor.require(Permission::MembersManage)?;
        let (actor, now) = (*actor, self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let mut invitation = tx
                    .invitations()
                    .by_id(actor.tenant, id)
                    .await?
                    .ok_or(CoreError::NotFound { entity: "invitation" })?;
                match invitation.status(now) {
                    InvitationStatus::Accepted => {
                        return Err(CoreError::conflict(
                            "invitation_accepted",
                            "an accepted invitation cannot be revoked",
                        ))
                    }
                    InvitationStatus::Revoked => return Ok(()),
                    InvitationStatus::Pending | InvitationStatus::Expired => {}
                }
                invitation.revoked_at = Some(now);
                tx.invitations().update(&invitation).await?;
                let detail = invitation.invitee_email.clone();
                tx.audit()
                    .record(&AuditEvent::new(now, Some(actor.user), Some(actor.tenant), "invitation_revoked", detail))
                    .await
            })
        })
        .await
    }
}
