//! Registration, email verification, profile and password use cases.

use super::model::{AuditEvent, OneTimeToken, Profile, TokenPurpose, User};
use super::sessions::{start_session, Principal, SessionTokens};
use crate::app::{span, Ctx};
use crate::kernel::error::Checks;
use crate::kernel::{validate, CoreError, CoreResult, JobId, OneTimeTokenId, UserId};
use crate::notify;
use crate::ports::{in_global, Email, GlobalTx, Job, Task};
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

/// Account, session and password use cases.
#[derive(Clone)]
pub struct IdentityService {
    pub(super) ctx: Arc<Ctx>,
    pub(super) dummy_hash: Arc<Mutex<Option<String>>>,
}

/// A registration request, as received.
#[derive(Clone, Debug, Default)]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub dni: Option<String>,
}

/// The answer to a registration: the same whether or not the email already had an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterOutcome {
    pub email: String,
}

/// The answer to an email verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOutcome {
    pub user: User,
    /// Present when `auto_login` was asked and the token was used now (not on a repeat click).
    pub tokens: Option<SessionTokens>,
}

/// Profile changes; `None` leaves a field as it is, a blank phone clears it.
#[derive(Clone, Debug, Default)]
pub struct ProfilePatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
}

/// Validates the profile part of a registration or invitation acceptance.
pub(crate) fn validate_profile(checks: &mut Checks, input: &RegisterInput) -> Option<Profile> {
    let first_name = checks.take(validate::text("profile.first_name", &input.first_name, 2, 50));
    let last_name = checks.take(validate::text("profile.last_name", &input.last_name, 2, 50));
    let phone = match input.phone_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => checks.take(validate::phone("profile.phone_number", p)).map(Some),
        None => Some(None),
    };
    let dni = match input.dni.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => checks.take(validate::cedula("profile.dni", d)).map(Some),
        None => Some(None),
    };
    Some(Profile { first_name: first_name?, last_name: last_name?, phone_number: phone?, dni: dni?, avatar_key: None })
}

pub(crate) fn email_job(email: Email, now: DateTime<Utc>) -> Job {
    Job { id: JobId::new(), task: Task::SendEmail(email), created_at: now }
}

fn invalid_token(code: &'static str) -> CoreError {
    CoreError::bad_request(code, "the link is invalid, already used or expired")
}

/// Whether the user was sent a token of `purpose` in the last minute, or five in the last day.
pub(crate) async fn throttled(
    tx: &mut dyn GlobalTx,
    user: UserId,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    let creds = tx.credentials();
    Ok(creds.count_one_time_since(user, purpose, now - chrono::Duration::minutes(1)).await? >= 1
        || creds.count_one_time_since(user, purpose, now - chrono::Duration::days(1)).await? >= 5)
}

/// Sends a new verification token unless the address was sent one in the last minute or five in
/// the last day (silently: the caller's answer never changes).
async fn send_verification(
    ctx: &Ctx,
    tx: &mut dyn GlobalTx,
    user: &User,
    now: DateTime<Utc>,
    password_hash: Option<String>,
) -> CoreResult<()> {
    if throttled(tx, user.id, TokenPurpose::VerifyEmail, now).await? {
        return Ok(());
    }
    tx.credentials().retire_one_time(user.id, TokenPurpose::VerifyEmail, now).await?;
    let secret = ctx.ports.tokens.new_secret();
    let token = OneTimeToken {
        id: OneTimeTokenId::new(),
        user_id: user.id,
        purpose: TokenPurpose::VerifyEmail,
        token_hash: secret.hash,
        expires_at: now + span(ctx.settings.verify_ttl),
        used_at: None,
        created_at: now,
        password_hash,
    };
    tx.credentials().insert_one_time(&token).await?;
    let mail = notify::verification(&ctx.settings.frontend_url, &user.email, &user.profile.full_name(), &secret.plain);
    tx.outbox().add(&email_job(mail, now)).await
}

impl IdentityService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx, dummy_hash: Arc::new(Mutex::new(None)) }
    }

    /// Creates an inactive account and queues the verification email. A known email gets the same
    /// answer (no enumeration); its owner is told by email instead. Registering an unverified email
    /// again sends a link that carries the new password: whoever controls the mailbox decides which
    /// registration wins, so nobody can pre-claim an address. Each client IP has a budget.
    pub async fn register(&self, input: RegisterInput, client: &str) -> CoreResult<RegisterOutcome> {
        let mut checks = Checks::new();
        let email = checks.take(validate::email("email", &input.email));
        checks.take(validate::password("password", &input.password));
        let profile = validate_profile(&mut checks, &input);
        checks.finish()?;
        let (Some(email), Some(profile)) = (email, profile) else {
            return Err(CoreError::internal("validation passed without values"));
        };
        self.ctx.public_budget("register", client).await?;
        let password_hash = self.ctx.ports.hasher.hash(&input.password).await?;
        let ctx = self.ctx.clone();
        let now = ctx.now();
        let user = User {
            id: UserId::new(),
            email: email.clone(),
            password_hash,
            is_active: false,
            email_verified: false,
            email_verified_at: None,
            last_login: None,
            first_login: true,
            profile,
            created_at: now,
            updated_at: now,
        };
        let result = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                match tx.users().by_email(&user.email).await? {
                    Some(known) if known.email_verified => {
                        let mail = notify::account_exists(
                            &ctx.settings.frontend_url,
                            &known.email,
                            &known.profile.full_name(),
                        );
                        tx.outbox().add(&email_job(mail, now)).await
                    }
                    Some(known) => {
                        let chosen = user.password_hash.clone();
                        send_verification(&ctx, tx, &known, now, Some(chosen)).await
                    }
                    None => {
                        tx.users().insert(&user).await?;
                        tx.audit().record(&AuditEvent::new(now, Some(user.id), None, "registered", "")).await?;
                        send_verification(&ctx, tx, &user, now, None).await
                    }
                }
            })
        })
        .await;
        match result {
            Ok(()) => Ok(RegisterOutcome { email }),
            Err(CoreError::Conflict { code: "email_taken", .. }) => Ok(RegisterOutcome { email }),
            Err(e) => Err(e),
        }
    }

    /// Uses a verification token: activates the account and, with `auto_login`, opens a session.
    /// A second use within the grace window answers success again without new tokens.
    pub async fn verify_email(&self, token: &str, auto_login: bool) -> CoreResult<VerifyOutcome> {
        let ctx = self.ctx.clone();
        let hash = ctx.ports.tokens.hash_secret(token.trim());
        let now = ctx.now();
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let found = tx.credentials().one_time_by_hash(TokenPurpose::VerifyEmail, &hash).await?;
                let stored = found.ok_or_else(|| invalid_token("invalid_token"))?;
                let user = tx.users().by_id(stored.user_id).await?.ok_or_else(|| invalid_token("invalid_token"))?;
                let grace = span(ctx.settings.verify_grace);
                let repeat = |used: DateTime<Utc>| user.email_verified && now - used <= grace;
                if let Some(used) = stored.used_at {
                    return if repeat(used) {
                        Ok(VerifyOutcome { user, tokens: None })
                    } else {
                        Err(invalid_token("token_used"))
                    };
                }
                if stored.expires_at <= now {
                    return Err(invalid_token("token_expired"));
                }
                if !tx.credentials().use_one_time(stored.id, now).await? {
                    return Ok(VerifyOutcome { user, tokens: None });
                }
                let mut user = user;
                if let Some(chosen) = stored.password_hash {
                    user.password_hash = chosen;
                }
                user.is_active = true;
                user.email_verified = true;
                user.email_verified_at = Some(now);
                user.updated_at = now;
                tx.users().update(&user).await?;
                tx.audit().record(&AuditEvent::new(now, Some(user.id), None, "email_verified", "")).await?;
                let tokens = if auto_login { Some(start_session(&ctx, tx, &user, now).await?) } else { None };
                Ok(VerifyOutcome { user, tokens })
            })
        })
        .await
    }

    /// Sends a new verification link to an unverified account. Always answers the same.
    pub async fn resend_verification(&self, email: &str, client: &str) -> CoreResult<()> {
        self.ctx.public_budget("resend_verification", client).await?;
        let email = validate::email("email", email).map_err(|e| CoreError::Validation(vec![e]))?;
        let ctx = self.ctx.clone();
        let now = ctx.now();
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                match tx.users().by_email(&email).await? {
                    Some(user) if !user.email_verified => send_verification(&ctx, tx, &user, now, None).await,
                    _ => Ok(()),
                }
            })
        })
        .await
    }

    /// The caller's account.
    pub async fn me(&self, principal: &Principal) -> CoreResult<User> {
        let id = principal.user;
        in_global(self.ctx.store(), move |tx| Box::pin(async move { tx.users().by_id(id).await }))
            .await?
            .ok_or(CoreError::NotFound { entity: "user" })
    }

    /// Changes the caller's profile; only the given fields change.
    pub async fn update_profile(&self, principal: &Principal, patch: ProfilePatch) -> CoreResult<User> {
        let mut checks = Checks::new();
        let first = patch.first_name.as_deref().map(|v| checks.take(validate::text("profile.first_name", v, 2, 50)));
        let last = patch.last_name.as_deref().map(|v| checks.take(validate::text("profile.last_name", v, 2, 50)));
        let phone = patch.phone_number.as_deref().map(|v| match v.trim() {
            "" => Some(None),
            p => checks.take(validate::phone("profile.phone_number", p)).map(Some),
        });
        checks.finish()?;
        self.change_user(principal, move |user| {
            if let Some(Some(v)) = first {
                user.profile.first_name = v;
            }
            if let Some(Some(v)) = last {
                user.profile.last_name = v;
            }
            if let Some(Some(v)) = phone {
                user.profile.phone_number = v;
            }
        })
        .await
    }

    /// Sets the onboarding flag.
    pub async fn set_first_login(&self, principal: &Principal, first_login: bool) -> CoreResult<User> {
        self.change_user(principal, move |user| user.first_login = first_login).await
    }

    async fn change_user(
        &self,
        principal: &Principal,
        change: impl FnOnce(&mut User) + Send + 'static,
    ) -> CoreResult<User> {
        let (id, now) = (principal.user, self.ctx.now());
        in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let mut user = tx.users().by_id(id).await?.ok_or(CoreError::NotFound { entity: "user" })?;
                change(&mut user);
                user.updated_at = now;
                tx.users().update(&user).await?;
                Ok(user)
            })
        })
        .await
    }
}
