//! Repositories of the identity module (reached through `GlobalTx`).

use super::model::{AuditEvent, OneTimeToken, RefreshToken, Session, TokenPurpose, User};
use crate::kernel::{CoreResult, OneTimeTokenId, RefreshTokenId, SessionId, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// User accounts.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait UserRepo: Send {
    /// Adds a user. A taken email is `Conflict { code: "email_taken" }`.
    async fn insert(&mut self, user: &User) -> CoreResult<()>;
    /// Replaces the stored user with `user` (same id).
    async fn update(&mut self, user: &User) -> CoreResult<()>;
    /// The user with this id.
    async fn by_id(&mut self, id: UserId) -> CoreResult<Option<User>>;
    /// The user with this (lower-case) email.
    async fn by_email(&mut self, email: &str) -> CoreResult<Option<User>>;
    /// The users with these ids, in any order; unknown ids are skipped.
    async fn by_ids(&mut self, ids: &[UserId]) -> CoreResult<Vec<User>>;
}

/// Single-use tokens, sessions and refresh tokens.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait CredentialRepo: Send {
    /// Stores a single-use token.
    async fn insert_one_time(&mut self, token: &OneTimeToken) -> CoreResult<()>;
    /// The single-use token with this hash and purpose, used or not.
    async fn one_time_by_hash(&mut self, purpose: TokenPurpose, hash: &str) -> CoreResult<Option<OneTimeToken>>;
    /// Marks the token used if it was unused; `false` when someone else used it first.
    async fn use_one_time(&mut self, id: OneTimeTokenId, at: DateTime<Utc>) -> CoreResult<bool>;
    /// Marks every unused token of the user for `purpose` as used.
    async fn retire_one_time(&mut self, user: UserId, purpose: TokenPurpose, at: DateTime<Utc>) -> CoreResult<()>;
    /// How many tokens of `purpose` the user was sent since `since` (for throttling).
    async fn count_one_time_since(
        &mut self,
        user: UserId,
        purpose: TokenPurpose,
        since: DateTime<Utc>,
    ) -> CoreResult<u64>;
    /// Stores a new session.
    async fn insert_session(&mut self, session: &Session) -> CoreResult<()>;
    /// The session with this id.
    async fn session(&mut self, id: SessionId) -> CoreResult<Option<Session>>;
    /// Revokes one session (no-op if already revoked).
    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> CoreResult<()>;
    /// Revokes every live session of the user but `except`; returns how many.
    async fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        at: DateTime<Utc>,
    ) -> CoreResult<u64>;
    /// Stores a refresh token.
    async fn insert_refresh(&mut self, token: &RefreshToken) -> CoreResult<()>;
    /// The refresh token with this hash.
    async fn refresh_by_hash(&mut self, hash: &str) -> CoreResult<Option<RefreshToken>>;
    /// Marks the refresh token used if it was unused; `false` when it was already used.
    async fn use_refresh(&mut self, id: RefreshTokenId, at: DateTime<Utc>) -> CoreResult<bool>;
}

/// The security audit trail (append only).
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait AuditRepo: Send {
    /// Appends an event.
    async fn record(&mut self, event: &AuditEvent) -> CoreResult<()>;
    /// The user's events, newest first (for tests and support).
    async fn of_user(&mut self, user: UserId, limit: u32) -> CoreResult<Vec<AuditEvent>>;
}
