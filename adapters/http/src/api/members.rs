//! Invitations and company members (`/auth/invite-user`, `/auth/invitations`, `/auth/company/users`).

use super::auth::ProfileIn;
use super::ApiTags;
use crate::auth::{actor, client_ip, BearerAuth};
use crate::dto::{ProfileOut, UserOut};
use crate::problem::{ApiError, ApiResult};
use ally360::identity::RegisterInput;
use ally360::kernel::{PageRequest, Role};
use ally360::tenancy::model::InvitationStatus;
use ally360::tenancy::{MemberView, NewInvitation};
use ally360::App;
use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

pub struct MembersApi {
    pub app: App,
}

/// An invitation to send.
#[derive(Object)]
struct InviteIn {
    email: String,
    /// owner, admin, seller, accountant or viewer.
    role: String,
}

/// A sent invitation.
#[derive(Object)]
struct InviteOut {
    message: String,
    invitation_id: Uuid,
    expires_at: DateTime<Utc>,
}

/// What an invitation token gives access to.
#[derive(Object)]
struct InvitationInfoOut {
    company_name: String,
    company_id: Uuid,
    invitee_email: String,
    role: String,
    /// Whether an account exists for the email (accept with `/auth/accept-invitation/existing`).
    user_exists: bool,
    expires_at: DateTime<Utc>,
}

/// Acceptance by a new user.
#[derive(Object)]
struct AcceptNewIn {
    token: String,
    password: String,
    profile: ProfileIn,
}

/// Acceptance by a signed-in user.
#[derive(Object)]
struct AcceptExistingIn {
    token: String,
}

/// The outcome of an acceptance.
#[derive(Object)]
struct AcceptOut {
    message: String,
    user_id: Uuid,
    company_id: Uuid,
    company_name: String,
}

/// An invitation in a list.
#[derive(Object)]
struct InvitationOut {
    id: Uuid,
    invitee_email: String,
    role: String,
    /// pending, accepted, expired or revoked.
    status: String,
    expires_at: DateTime<Utc>,
    is_accepted: bool,
    invited_by_name: String,
    company_name: String,
    created_at: DateTime<Utc>,
}

#[derive(ApiResponse)]
enum InvitationListResponse {
    /// The invitations of the page; the total is in `X-Total-Count`.
    #[oai(status = 200)]
    Ok(Json<Vec<InvitationOut>>, #[oai(header = "X-Total-Count")] u64),
}

#[derive(ApiResponse)]
enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

/// A member of the company.
#[derive(Object)]
struct MemberOut {
    id: Uuid,
    email: String,
    is_active: bool,
    email_verified: bool,
    profile: ProfileOut,
    role: String,
    /// Whether the membership is active (false once removed).
    is_user_active: bool,
    joined_at: DateTime<Utc>,
}

impl From<MemberView> for MemberOut {
    fn from(v: MemberView) -> Self {
        let user = UserOut::from(&v.user);
        Self {
            id: user.id,
            email: user.email,
            is_active: user.is_active,
            email_verified: user.email_verified,
            profile: user.profile,
            role: v.membership.role.to_string(),
            is_user_active: v.membership.is_active,
            joined_at: v.membership.joined_at,
        }
    }
}

/// A page of members.
#[derive(Object)]
struct MembersOut {
    users: Vec<MemberOut>,
    total: u64,
    page: u64,
    limit: u32,
    total_pages: u64,
}

/// A new role.
#[derive(Object)]
struct RoleIn {
    role: String,
}

fn invitation_out(n: NewInvitation) -> InvitationOut {
    let i = n.invitation;
    InvitationOut {
        id: i.id.as_uuid(),
        status: i.status(Utc::now()).as_str().into(),
        is_accepted: i.accepted_at.is_some(),
        invitee_email: i.invitee_email,
        role: i.role.to_string(),
        expires_at: i.expires_at,
        invited_by_name: n.invited_by_name,
        company_name: n.company_name,
        created_at: i.created_at,
    }
}

fn status_filter(raw: Option<&str>) -> Result<Option<InvitationStatus>, ApiError> {
    Ok(Some(match raw.unwrap_or("pending") {
        "pending" => InvitationStatus::Pending,
        "accepted" => InvitationStatus::Accepted,
        "expired" => InvitationStatus::Expired,
        "revoked" => InvitationStatus::Revoked,
        "all" => return Ok(None),
        _ => {
            return Err(ApiError::invalid(
                "status",
                "invalid_status",
                "status must be pending, accepted, expired, revoked or all",
            ))
        }
    }))
}

#[OpenApi(tag = "ApiTags::Members")]
impl MembersApi {
    /// Invites an email to the company with a role (owner or admin; only owners invite owners).
    #[oai(path = "/auth/invite-user", method = "post", operation_id = "invite_user")]
    async fn invite(&self, auth: BearerAuth, req: &Request, body: Json<InviteIn>) -> ApiResult<Json<InviteOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let sent = self.app.tenancy.invite(&actor, &body.0.email, &body.0.role).await?;
        Ok(Json(InviteOut {
            message: "Invitation sent".into(),
            invitation_id: sent.invitation.id.as_uuid(),
            expires_at: sent.invitation.expires_at,
        }))
    }

    /// What a pending invitation token is for.
    #[oai(path = "/auth/invitation/:token", method = "get", operation_id = "invitation_info")]
    async fn info(&self, req: &Request, token: Path<String>) -> ApiResult<Json<InvitationInfoOut>> {
        let info = self.app.tenancy.invitation_info(&token.0, &client_ip(req)).await?;
        Ok(Json(InvitationInfoOut {
            company_name: info.company.name,
            company_id: info.company.id.as_uuid(),
            invitee_email: info.invitation.invitee_email,
            role: info.invitation.role.to_string(),
            user_exists: info.user_exists,
            expires_at: info.invitation.expires_at,
        }))
    }

    /// Accepts an invitation by creating the account (already verified); then sign in.
    #[oai(path = "/auth/accept-invitation", method = "post", operation_id = "accept_invitation")]
    async fn accept_new(&self, req: &Request, body: Json<AcceptNewIn>) -> ApiResult<Json<AcceptOut>> {
        let b = body.0;
        let input = RegisterInput {
            email: String::new(),
            password: b.password,
            first_name: b.profile.first_name,
            last_name: b.profile.last_name,
            phone_number: b.profile.phone_number,
            dni: b.profile.dni,
        };
        let (user, company) = self.app.tenancy.accept_new(&b.token, input, &client_ip(req)).await?;
        Ok(Json(AcceptOut {
            message: "Invitation accepted; sign in to continue".into(),
            user_id: user.id.as_uuid(),
            company_id: company.id.as_uuid(),
            company_name: company.name,
        }))
    }

    /// Accepts an invitation with the signed-in account (its email must be the invited one).
    #[oai(path = "/auth/accept-invitation/existing", method = "post", operation_id = "accept_invitation_existing")]
    async fn accept_existing(&self, auth: BearerAuth, body: Json<AcceptExistingIn>) -> ApiResult<Json<AcceptOut>> {
        let company = self.app.tenancy.accept_existing(&auth.0, &body.0.token).await?;
        Ok(Json(AcceptOut {
            message: "Invitation accepted".into(),
            user_id: auth.0.user.as_uuid(),
            company_id: company.id.as_uuid(),
            company_name: company.name,
        }))
    }

    /// The company's invitations, newest first (pending by default).
    #[oai(path = "/auth/invitations", method = "get", operation_id = "list_invitations")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        limit: Query<Option<i64>>,
        offset: Query<Option<i64>>,
        status: Query<Option<String>>,
    ) -> ApiResult<InvitationListResponse> {
        let page = PageRequest::new(limit.0, offset.0)?;
        let status = status_filter(status.0.as_deref())?;
        let actor = actor(&self.app, &auth, req).await?;
        let found = self.app.tenancy.invitations(&actor, status, page).await?;
        let total = found.total;
        Ok(InvitationListResponse::Ok(Json(found.items.into_iter().map(invitation_out).collect()), total))
    }

    /// Revokes an invitation; its link stops working.
    #[oai(path = "/auth/invitations/:invitation_id", method = "delete", operation_id = "revoke_invitation")]
    async fn revoke(&self, auth: BearerAuth, req: &Request, invitation_id: Path<Uuid>) -> ApiResult<NoContent> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.tenancy.revoke_invitation(&actor, invitation_id.0.into()).await?;
        Ok(NoContent::Done)
    }

    /// The company's members (removed ones included), newest first.
    #[oai(path = "/auth/company/users", method = "get", operation_id = "list_company_users")]
    async fn members(
        &self,
        auth: BearerAuth,
        req: &Request,
        page: Query<Option<i64>>,
        limit: Query<Option<i64>>,
    ) -> ApiResult<Json<MembersOut>> {
        let request = PageRequest::from_page(page.0, limit.0)?;
        let actor = actor(&self.app, &auth, req).await?;
        let found = self.app.tenancy.members(&actor, request).await?;
        Ok(Json(MembersOut {
            total: found.total,
            page: found.request.page_number(),
            limit: found.request.limit,
            total_pages: found.total_pages(),
            users: found.items.into_iter().map(MemberOut::from).collect(),
        }))
    }

    /// Changes a member's role (owner or admin; only owners touch the owner role; one owner stays).
    #[oai(path = "/auth/company/users/:user_id/role", method = "patch", operation_id = "change_member_role")]
    async fn change_role(
        &self,
        auth: BearerAuth,
        req: &Request,
        user_id: Path<Uuid>,
        body: Json<RoleIn>,
    ) -> ApiResult<Json<MemberOut>> {
        let role: Role = body.0.role.parse()?;
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(self.app.tenancy.change_role(&actor, user_id.0.into(), role).await?.into()))
    }

    /// Removes a member from the company (the last owner cannot be removed).
    #[oai(path = "/auth/company/users/:user_id", method = "delete", operation_id = "remove_member")]
    async fn remove(&self, auth: BearerAuth, req: &Request, user_id: Path<Uuid>) -> ApiResult<NoContent> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.tenancy.remove_member(&actor, user_id.0.into()).await?;
        Ok(NoContent::Done)
    }
}
