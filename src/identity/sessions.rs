//! Logins, token refresh with rotation and reuse detection, logout, and request authentication.

use super::model::{AuditEvent, RefreshToken, Session, User};
use super::IdentityService;
use crate::app::{span, Ctx};
use crate::kernel::{validate, CoreError, CoreResult, RefreshTokenId, SessionId, TenantId, UserId};
use crate::ports::{in_global, Claims, GlobalTx, TokenKind};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The tokens of a session, as handed to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionTokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    pub session: SessionId,
}

/// An authenticated user, as established from a valid access or context token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user: UserId,
    pub email: String,
    pub full_name: String,
    pub session: SessionId,
    /// The company a context token is bound to.
    pub token_tenant: Option<TenantId>,
}

fn invalid_credentials() -> CoreError {
    CoreError::unauthorized("invalid_credentials", "incorrect email or password")
}

fn invalid_refresh() -> CoreError {
    CoreError::unauthorized("invalid_refresh_token", "the refresh token is invalid or expired")
}

/// Claims of a token of `kind` for `user` in `session`.
pub(crate) fn claims_for(ctx: &Ctx, user: &User, session: SessionId, kind: TokenKind, now: DateTime<Utc>) -> Claims {
    let ttl = if kind == TokenKind::Refresh { ctx.settings.refresh_ttl } else { ctx.settings.access_ttl };
    Claims {
        sub: user.id,
        kind,
        jti: Uuid::now_v7(),
        sid: session,
        iat: now.timestamp(),
        exp: (now + span(ttl)).timestamp(),
        email: (kind != TokenKind::Refresh).then(|| user.email.clone()),
        user_name: (kind != TokenKind::Refresh).then(|| user.profile.full_name()),
        tenant_id: None,
        user_role: None,
    }
}

/// Issues a refresh token in `session` and stores its hash; returns the plain token.
async fn issue_refresh(
    ctx: &Ctx,
    tx: &mut dyn GlobalTx,
    user: &User,
    session: SessionId,
    now: DateTime<Utc>,
) -> CoreResult<String> {
    let token = ctx.ports.tokens.sign(&claims_for(ctx, user, session, TokenKind::Refresh, now))?;
    let stored = RefreshToken {
        id: RefreshTokenId::new(),
        session_id: session,
        user_id: user.id,
        token_hash: ctx.ports.tokens.hash_secret(&token),
        expires_at: now + span(ctx.settings.refresh_ttl),
        used_at: None,
        created_at: now,
    };
    tx.credentials().insert_refresh(&stored).await?;
    Ok(token)
}

/// Opens a new session for `user` and issues its first access and refresh tokens.
pub(crate) async fn start_session(
    ctx: &Ctx,
    tx: &mut dyn GlobalTx,
    user: &User,
    now: DateTime<Utc>,
) -> CoreResult<SessionTokens> {
    let session = Session { id: SessionId::new(), user_id: user.id, created_at: now, revoked_at: None };
    tx.credentials().insert_session(&session).await?;
    let refresh_token = issue_refresh(ctx, tx, user, session.id, now).await?;
    let access_token = ctx.ports.tokens.sign(&claims_for(ctx, user, session.id, TokenKind::Access, now))?;
    Ok(SessionTokens {
        access_token,
        refresh_token,
        expires_in: ctx.settings.access_ttl.as_secs(),
        session: session.id,
    })
}

enum RefreshOutcome {
    Rotated(Box<(User, SessionTokens)>),
    Rejected(CoreError),
}

impl IdentityService {
    /// Checks email and password and opens a session. Unknown email and wrong password answer the
    /// same 401; an unverified account is 403 `email_not_verified`; more than the login budget of
    /// attempts per IP and email in the window is 429.
    pub async fn login(&self, email: &str, password: &str, client_ip: &str) -> CoreResult<(User, SessionTokens)> {
        let ctx = self.ctx.clone();
        let email = validate::email("username", email).map_err(|_| invalid_credentials())?;
        let budget_key = format!("ally360:login:{client_ip}:{email}");
        ctx.within_budget("login", &budget_key, ctx.settings.login_limit).await?;
        // Rotating emails from one address is limited too (each attempt costs a password hash).
        let ip_key = format!("ally360:login-ip:{client_ip}");
        ctx.within_budget("login_ip", &ip_key, ctx.settings.login_limit.saturating_mul(10)).await?;
        let lookup = email.clone();
        let user =
            in_global(ctx.store(), move |tx| Box::pin(async move { tx.users().by_email(&lookup).await })).await?;
        let now = ctx.now();
        let Some(user) = user else {
            self.burn_hash_time(password).await;
            self.audit(AuditEvent::new(now, None, None, "login_failed", format!("unknown email {email}"))).await?;
            return Err(invalid_credentials());
        };
        if !ctx.ports.hasher.verify(password, &user.password_hash).await? {
            self.audit(AuditEvent::new(now, Some(user.id), None, "login_failed", "wrong password")).await?;
            return Err(invalid_credentials());
        }
        if !user.email_verified {
            return Err(CoreError::forbidden("email_not_verified", "verify your email before signing in"));
        }
        if !user.is_active {
            return Err(CoreError::forbidden("account_inactive", "this account is inactive"));
        }
        let worker = ctx.clone();
        in_global(ctx.store(), move |tx| {
            Box::pin(async move {
                let mut user = user;
                user.last_login = Some(now);
                user.updated_at = now;
                tx.users().update(&user).await?;
                let tokens = start_session(&worker, tx, &user, now).await?;
                tx.audit().record(&AuditEvent::new(now, Some(user.id), None, "login", "password login")).await?;
                Ok((user, tokens))
            })
        })
        .await
    }

    /// Exchanges a refresh token for a new access token and a new refresh token (rotation). A refresh
    /// token presented twice revokes its whole session: whoever holds a copy is locked out.
    pub async fn refresh(&self, refresh_token: &str) -> CoreResult<(User, SessionTokens)> {
        let ctx = self.ctx.clone();
        let now = ctx.now();
        let claims = ctx.ports.tokens.verify(refresh_token, now).map_err(|_| invalid_refresh())?;
        if claims.kind != TokenKind::Refresh {
            return Err(CoreError::bad_request("not_a_refresh_token", "the token given is not a refresh token"));
        }
        let hash = ctx.ports.tokens.hash_secret(refresh_token);
        let worker = ctx.clone();
        let outcome = in_global(ctx.store(), move |tx| {
            Box::pin(async move {
                let Some(stored) = tx.credentials().refresh_by_hash(&hash).await? else {
                    return Ok(RefreshOutcome::Rejected(invalid_refresh()));
                };
                let session = tx.credentials().session(stored.session_id).await?;
                if session.is_none_or(|s| s.revoked_at.is_some()) || stored.expires_at <= now {
                    return Ok(RefreshOutcome::Rejected(invalid_refresh()));
                }
                if !tx.credentials().use_refresh(stored.id, now).await? {
                    tx.credentials().revoke_session(stored.session_id, now).await?;
                    let event = AuditEvent::new(now, Some(stored.user_id), None, "refresh_reused", "session revoked");
                    tx.audit().record(&event).await?;
                    return Ok(RefreshOutcome::Rejected(CoreError::unauthorized(
                        "refresh_token_reused",
                        "this refresh token was already used; the session has been closed",
                    )));
                }
                let user = match tx.users().by_id(stored.user_id).await? {
                    Some(u) if u.is_active => u,
                    _ => return Ok(RefreshOutcome::Rejected(invalid_refresh())),
                };
                let refresh_token = issue_refresh(&worker, tx, &user, stored.session_id, now).await?;
                let claims = claims_for(&worker, &user, stored.session_id, TokenKind::Access, now);
                let access_token = worker.ports.tokens.sign(&claims)?;
                let expires_in = worker.settings.access_ttl.as_secs();
                let tokens = SessionTokens { access_token, refresh_token, expires_in, session: stored.session_id };
                Ok(RefreshOutcome::Rotated(Box::new((user, tokens))))
            })
        })
        .await?;
        match outcome {
            RefreshOutcome::Rotated(done) => Ok(*done),
            RefreshOutcome::Rejected(e) => Err(e),
        }
    }

    /// Ends the caller's session: its access and refresh tokens stop working at once.
    pub async fn logout(&self, principal: &Principal) -> CoreResult<()> {
        let now = self.ctx.now();
        let (user, session) = (principal.user, principal.session);
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                tx.credentials().revoke_session(session, now).await?;
                tx.audit().record(&AuditEvent::new(now, Some(user), None, "logout", "")).await
            })
        })
        .await
    }

    /// Establishes who is calling from an access or context token. Refresh tokens, revoked sessions
    /// and inactive users are 401.
    pub async fn authenticate(&self, token: &str) -> CoreResult<Principal> {
        let now = self.ctx.now();
        let claims = self.ctx.ports.tokens.verify(token, now)?;
        if claims.kind == TokenKind::Refresh {
            return Err(CoreError::unauthorized("wrong_token_kind", "a refresh token cannot be used here"));
        }
        let (user_id, sid) = (claims.sub, claims.sid);
        let (user, session) = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move { Ok((tx.users().by_id(user_id).await?, tx.credentials().session(sid).await?)) })
        })
        .await?;
        let user = user.filter(|u| u.is_active).ok_or_else(|| {
            CoreError::unauthorized("invalid_token", "the user of this token does not exist or is inactive")
        })?;
        if session.is_none_or(|s| s.revoked_at.is_some() || s.user_id != user.id) {
            return Err(CoreError::unauthorized("session_revoked", "this session has been closed; sign in again"));
        }
        let token_tenant = if claims.kind == TokenKind::Context { claims.tenant_id } else { None };
        Ok(Principal {
            user: user.id,
            full_name: user.profile.full_name(),
            email: user.email,
            session: sid,
            token_tenant,
        })
    }

    /// Spends about the time of a real verification, so unknown emails are not told apart by timing.
    async fn burn_hash_time(&self, password: &str) {
        let dummy = {
            let cached = self.dummy_hash.lock().map(|g| g.clone()).unwrap_or_default();
            match cached {
                Some(h) => h,
                None => match self.ctx.ports.hasher.hash("ally360-timing-equaliser").await {
                    Ok(h) => {
                        if let Ok(mut g) = self.dummy_hash.lock() {
                            *g = Some(h.clone());
                        }
                        h
                    }
                    Err(_) => return,
                },
            }
        };
        let _ = self.ctx.ports.hasher.verify(password, &dummy).await;
    }

    pub(crate) async fn audit(&self, event: AuditEvent) -> CoreResult<()> {
        in_global(self.ctx.store(), move |tx| Box::pin(async move { tx.audit().record(&event).await })).await
    }
}
