//! Changing and resetting passwords. Both close sessions: a change closes the others, a reset all.

use super::model::{AuditEvent, OneTimeToken, TokenPurpose, User};
use super::service::{email_job, throttled};
use super::{IdentityService, Principal};
use crate::app::span;
use crate::kernel::error::Checks;
use crate::kernel::{validate, CoreError, CoreResult, OneTimeTokenId, SessionId, UserId};
use crate::notify;
use crate::ports::{in_global, GlobalTx};
use chrono::{DateTime, Utc};

impl IdentityService {
    /// Changes the caller's password after checking the current one; every other session is closed
    /// and the user is told by email.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> CoreResult<DateTime<Utc>> {
        let mut checks = Checks::new();
        checks.take(validate::password("new_password", new));
        if new != confirm {
            checks.take::<()>(Err(validate_mismatch()));
        }
        checks.finish()?;
        let user = self.me(principal).await?;
        if !self.ctx.ports.hasher.verify(current, &user.password_hash).await? {
            return Err(CoreError::bad_request("wrong_password", "the current password is incorrect"));
        }
        if current == new {
            return Err(CoreError::bad_request("same_password", "the new password must differ from the current one"));
        }
        let hash = self.ctx.ports.hasher.hash(new).await?;
        let (now, keep) = (self.ctx.now(), principal.session);
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                store_password(tx, user, hash, Some(keep), "password_changed", now).await?;
                Ok(now)
            })
        })
        .await
    }

    /// Sends a one-hour reset link. Always answers the same, known email or not; at most one link a
    /// minute and five a day per address.
    pub async fn request_password_reset(&self, email: &str, client: &str) -> CoreResult<()> {
        self.ctx.public_budget("request_password_reset", client).await?;
        let email = validate::email("email", email).map_err(|e| CoreError::Validation(vec![e]))?;
        let (ctx, now) = (self.ctx.clone(), self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let Some(user) = tx.users().by_email(&email).await? else {
                    return Ok(());
                };
                if throttled(tx, user.id, TokenPurpose::ResetPassword, now).await? {
                    return Ok(());
                }
                tx.credentials().retire_one_time(user.id, TokenPurpose::ResetPassword, now).await?;
                let secret = ctx.ports.tokens.new_secret();
                let token = OneTimeToken {
                    id: OneTimeTokenId::new(),
                    user_id: user.id,
                    purpose: TokenPurpose::ResetPassword,
                    token_hash: secret.hash,
                    expires_at: now + span(ctx.settings.reset_ttl),
                    used_at: None,
                    created_at: now,
                    password_hash: None,
                };
                tx.credentials().insert_one_time(&token).await?;
                let mail = notify::password_reset(
                    &ctx.settings.frontend_url,
                    &user.email,
                    &user.profile.full_name(),
                    &secret.plain,
                );
                tx.outbox().add(&email_job(mail, now)).await?;
                tx.audit().record(&AuditEvent::new(now, Some(user.id), None, "password_reset_requested", "")).await
            })
        })
        .await
    }

    /// Sets a new password with a reset token; the token is spent and every session is closed.
    pub async fn reset_password(&self, token: &str, new_password: &str, client: &str) -> CoreResult<UserId> {
        validate::password("new_password", new_password).map_err(|e| CoreError::Validation(vec![e]))?;
        self.ctx.public_budget("reset_password", client).await?;
        let hash = self.ctx.ports.hasher.hash(new_password).await?;
        let token_hash = self.ctx.ports.tokens.hash_secret(token.trim());
        let now = self.ctx.now();
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let bad = || CoreError::bad_request("invalid_token", "the link is invalid, already used or expired");
                let stored = tx
                    .credentials()
                    .one_time_by_hash(TokenPurpose::ResetPassword, &token_hash)
                    .await?
                    .ok_or_else(bad)?;
                if stored.used_at.is_some()
                    || stored.expires_at <= now
                    || !tx.credentials().use_one_time(stored.id, now).await?
                {
                    return Err(bad());
                }
                let user = tx.users().by_id(stored.user_id).await?.ok_or_else(bad)?;
                let user = store_password(tx, user, hash, None, "password_reset", now).await?;
                Ok(user.id)
            })
        })
        .await
    }
}

/// Stores a new password hash, closes the user's sessions but `keep`, audits the change and tells
/// the user by email.
async fn store_password(
    tx: &mut dyn GlobalTx,
    mut user: User,
    hash: String,
    keep: Option<SessionId>,
    action: &'static str,
    now: DateTime<Utc>,
) -> CoreResult<User> {
    user.password_hash = hash;
    user.updated_at = now;
    tx.users().update(&user).await?;
    tx.credentials().revoke_user_sessions(user.id, keep, now).await?;
    tx.audit().record(&AuditEvent::new(now, Some(user.id), None, action, "")).await?;
    let mail = notify::password_changed(&user.email, &user.profile.full_name());
    tx.outbox().add(&email_job(mail, now)).await?;
    Ok(user)
}

fn validate_mismatch() -> crate::kernel::FieldError {
    crate::kernel::FieldError::new("confirm_password", "mismatch", "must equal new_password")
}
