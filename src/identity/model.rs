//! Users, profiles, single-use tokens, sessions and audit events.

use crate::kernel::{AuditId, OneTimeTokenId, RefreshTokenId, SessionId, TenantId, UserId};
use chrono::{DateTime, Utc};

/// A person's profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    /// Normalised Colombian phone (`+57…`).
    pub phone_number: Option<String>,
    /// Cédula with thousands dots.
    pub dni: Option<String>,
    /// Object key of the avatar, never a URL.
    pub avatar_key: Option<String>,
}

impl Profile {
    /// First and last name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A user account. Emails are stored lower-case and unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// False until the email is verified (or the account came from an invitation).
    pub is_active: bool,
    pub email_verified: bool,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub last_login: Option<DateTime<Utc>>,
    /// True until the client finishes onboarding.
    pub first_login: bool,
    pub profile: Profile,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a single-use token proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Ownership of the mailbox at registration (24 h).
    VerifyEmail,
    /// Permission to set a new password (1 h).
    ResetPassword,
}

impl TokenPurpose {
    /// Stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// A single-use token, stored hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeToken {
    pub id: OneTimeTokenId,
    pub user_id: UserId,
    pub purpose: TokenPurpose,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// For a verification token: the password of the registration that sent it, set when it is used.
    pub password_hash: Option<String>,
}

/// One login: the family of refresh tokens that rotate from it. Revoking it ends every token of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One refresh token, stored hashed; single use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshToken {
    pub id: RefreshTokenId,
    pub session_id: SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A security event worth keeping: logins, failures, password changes, invitations, role changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    /// Who did it, when known.
    pub user_id: Option<UserId>,
    /// In which company, when it concerns one.
    pub tenant_id: Option<TenantId>,
    /// Stable action name (`login`, `login_failed`, `password_changed`, ...).
    pub action: &'static str,
    /// Short free text (never a secret).
    pub detail: String,
}

impl AuditEvent {
    /// An event happening now.
    pub fn new(
        at: DateTime<Utc>,
        user_id: Option<UserId>,
        tenant_id: Option<TenantId>,
        action: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self { id: AuditId::new(), at, user_id, tenant_id, action, detail: detail.into() }
    }
}
