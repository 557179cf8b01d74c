//! Passwords and tokens.

use crate::kernel::{CoreResult, Role, SessionId, TenantId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Hashes and checks passwords.
///
/// Contract: `verify(p, hash(p))` is true; `verify(q, hash(p))` is false for `q != p`; two hashes of
/// the same password differ (salted); a malformed hash verifies as false, never as an error.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A salted hash (argon2id PHC string in production).
    async fn hash(&self, password: &str) -> CoreResult<String>;
    /// Whether `password` matches `hash`.
    async fn verify(&self, password: &str, hash: &str) -> CoreResult<bool>;
}

/// What a signed token is for. A token is only ever accepted for its own kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A user token without company.
    Access,
    /// A user token bound to one company.
    Context,
    /// Exchanged for new tokens at `/auth/refresh`; never accepted on other routes.
    Refresh,
}

/// The claims of a signed token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: UserId,
    /// The token kind (`type` on the wire).
    #[serde(rename = "type")]
    pub kind: TokenKind,
    /// Unique token id.
    pub jti: Uuid,
    /// The login session the token belongs to.
    pub sid: SessionId,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// The user's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The user's full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The company of a context token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<TenantId>,
    /// The role in that company when the token was issued (informative: the role is re-read on use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_role: Option<Role>,
}

/// A fresh single-use secret: the plain value goes to the user, only the hash is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeSecret {
    /// The value sent to the user (32 alphanumeric characters).
    pub plain: String,
    /// Its hash, the only form stored.
    pub hash: String,
}

/// Signs and checks tokens.
///
/// Contract: `verify(sign(c))` returns `c` until `c.exp`; a token signed with another key, altered,
/// malformed or expired (relative to `now`) is `CoreError::Unauthorized`. `hash_secret` is
/// deterministic, so a stored hash can be looked up from the plain value.
#[cfg_attr(test, mockall::automock)]
pub trait TokenIssuer: Send + Sync {
    /// A signed token (JWT, HS256).
    fn sign(&self, claims: &Claims) -> CoreResult<String>;
    /// The claims of a valid token.
    fn verify(&self, token: &str, now: DateTime<Utc>) -> CoreResult<Claims>;
    /// A new single-use secret.
    fn new_secret(&self) -> OneTimeSecret;
    /// The stored form of a plain secret or token.
    fn hash_secret(&self, plain: &str) -> String;
}
