//! Companies, memberships, invitations.

use crate::kernel::{InvitationId, MembershipId, Role, TenantId, UserId};
use chrono::{DateTime, Utc};

/// A company: the tenant. Name, phone and NIT are globally unique; the NIT never changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Company {
    pub id: TenantId,
    pub name: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub phone_number: String,
    /// NIT base digits, without check digit.
    pub nit: String,
    /// DIAN check digit of the NIT.
    pub dv: u8,
    pub economic_activity: Option<String>,
    pub quantity_employees: String,
    pub social_reason: Option<String>,
    /// Object key of the logo, never a URL.
    pub logo_key: Option<String>,
    pub unique_pdv: bool,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's membership in a company.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub id: MembershipId,
    pub user_id: UserId,
    pub company_id: TenantId,
    pub role: Role,
    /// False once the member was removed.
    pub is_active: bool,
    pub joined_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where an invitation stands (derived from its columns and the time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationStatus {
    /// Wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Expired => "expired",
            InvitationStatus::Revoked => "revoked",
        }
    }
}

/// An invitation to join a company with a role; the token is stored hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub company_id: TenantId,
    pub invited_by: UserId,
    /// Lower-case email of the invitee.
    pub invitee_email: String,
    pub role: Role,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Invitation {
    /// The status at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> InvitationStatus {
        if self.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }

    /// Neither accepted nor revoked (pending or expired): at most one per company and email.
    pub fn is_open(&self) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none()
    }
}
