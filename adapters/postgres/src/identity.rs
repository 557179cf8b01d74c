//! Users, credentials and the audit trail in PostgreSQL.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::identity::model::{
    AuditEvent, OneTimeToken, Profile, RefreshToken, Session, TokenPurpose, User,
};
use ally360::identity::repo::{AuditRepo, CredentialRepo, UserRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

const USER_COLUMNS: &str =
    "id, email, password_hash, is_active, email_verified, email_verified_at, last_login, \
    first_login, first_name, last_name, phone_number, dni, avatar_key, created_at, updated_at";

fn user(row: &PgRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId::from_uuid(row.try_get("id")?),
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        is_active: row.try_get("is_active")?,
        email_verified: row.try_get("email_verified")?,
        email_verified_at: row.try_get("email_verified_at")?,
        last_login: row.try_get("last_login")?,
        first_login: row.try_get("first_login")?,
        profile: Profile {
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            phone_number: row.try_get("phone_number")?,
            dni: row.try_get("dni")?,
            avatar_key: row.try_get("avatar_key")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn purpose(s: &str) -> TokenPurpose {
    if s == TokenPurpose::ResetPassword.as_str() {
        TokenPurpose::ResetPassword
    } else {
        TokenPurpose::VerifyEmail
    }
}

fn one_time(row: &PgRow) -> Result<OneTimeToken, sqlx::Error> {
    Ok(OneTimeToken {
        id: OneTimeTokenId::from_uuid(row.try_get("id")?),
        user_id: UserId::from_uuid(row.try_get("user_id")?),
        purpose: purpose(row.try_get::<&str, _>("purpose")?),
        token_hash: row.try_get("token_hash")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        created_at: row.try_get("created_at")?,
    })
}

fn refresh(row: &PgRow) -> Result<RefreshToken, sqlx::Error> {
    Ok(RefreshToken {
        id: RefreshTokenId::from_uuid(row.try_get("id")?),
        session_id: SessionId::from_uuid(row.try_get("session_id")?),
        user_id: UserId::from_uuid(row.try_get("user_id")?),
        token_hash: row.try_get("token_hash")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        created_at: row.try_get("created_at")?,
    })
}

#[async_trait]
impl UserRepo for PgTx {
    async fn insert(&mut self, u: &User) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO users (id, email, password_hash, is_active, email_verified, email_verified_at, last_login, \
             first_login, first_name, last_name, phone_number, dni, avatar_key, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
        )
        .bind(u.id.as_uuid())
        .bind(&u.email)
        .bind(&u.password_hash)
        .bind(u.is_active)
        .bind(u.email_verified)
        .bind(u.email_verified_at)
        .bind(u.last_login)
        .bind(u.first_login)
        .bind(&u.profile.first_name)
        .bind(&u.profile.last_name)
        .bind(&u.profile.phone_number)
        .bind(&u.profile.dni)
        .bind(&u.profile.avatar_key)
        .bind(u.created_at)
        .bind(u.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn update(&mut self, u: &User) -> CoreResult<()> {
        sqlx::query(
            "UPDATE users SET email = $2, password_hash = $3, is_active = $4, email_verified = $5, \
             email_verified_at = $6, last_login = $7, first_login = $8, first_name = $9, last_name = $10, \
             phone_number = $11, dni = $12, avatar_key = $13, updated_at = $14 WHERE id = $1",
        )
        .bind(u.id.as_uuid())
        .bind(&u.email)
        .bind(&u.password_hash)
        .bind(u.is_active)
        .bind(u.email_verified)
        .bind(u.email_verified_at)
        .bind(u.last_login)
        .bind(u.first_login)
        .bind(&u.profile.first_name)
        .bind(&u.profile.last_name)
        .bind(&u.profile.phone_number)
        .bind(&u.profile.dni)
        .bind(&u.profile.avatar_key)
        .bind(u.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn by_id(&mut self, id: UserId) -> CoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(user).transpose().map_err(db_err)
    }

    async fn by_email(&mut self, email: &str) -> CoreResult<Option<User>> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(user).transpose().map_err(db_err)
    }

    async fn by_ids(&mut self, ids: &[UserId]) -> CoreResult<Vec<User>> {
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE id = ANY($1) AND deleted_at IS NULL");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(user)
            .collect::<Result<_, _>>()
            .map_err(db_err)
    }
}

#[async_trait]
impl CredentialRepo for PgTx {
    async fn insert_one_time(&mut self, t: &OneTimeToken) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, expires_at, used_at, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(t.id.as_uuid())
        .bind(t.user_id.as_uuid())
        .bind(t.purpose.as_str())
        .bind(&t.token_hash)
        .bind(t.expires_at)
        .bind(t.used_at)
        .bind(t.created_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn one_time_by_hash(
        &mut self,
        p: TokenPurpose,
        hash: &str,
    ) -> CoreResult<Option<OneTimeToken>> {
        let row =
            sqlx::query("SELECT * FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2")
                .bind(hash)
                .bind(p.as_str())
                .fetch_optional(self.conn())
                .await
                .map_err(db_err)?;
        row.as_ref().map(one_time).transpose().map_err(db_err)
    }

    async fn use_one_time(&mut self, id: OneTimeTokenId, at: DateTime<Utc>) -> CoreResult<bool> {
        let done = sqlx::query(
            "UPDATE one_time_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
        )
        .bind(id.as_uuid())
        .bind(at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn retire_one_time(
        &mut self,
        user: UserId,
        p: TokenPurpose,
        at: DateTime<Utc>,
    ) -> CoreResult<()> {
        sqlx::query("UPDATE one_time_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
            .bind(user.as_uuid())
            .bind(p.as_str())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn count_one_time_since(
        &mut self,
        user: UserId,
        p: TokenPurpose,
        since: DateTime<Utc>,
    ) -> CoreResult<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM one_time_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
        )
        .bind(user.as_uuid())
        .bind(p.as_str())
        .bind(since)
        .fetch_one(self.conn())
        .await
        .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn insert_session(&mut self, s: &Session) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, revoked_at) VALUES ($1,$2,$3,$4)",
        )
        .bind(s.id.as_uuid())
        .bind(s.user_id.as_uuid())
        .bind(s.created_at)
        .bind(s.revoked_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&mut self, id: SessionId) -> CoreResult<Option<Session>> {
        let row =
            sqlx::query("SELECT id, user_id, created_at, revoked_at FROM sessions WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(self.conn())
                .await
                .map_err(db_err)?;
        row.map(|r| {
            Ok(Session {
                id: SessionId::from_uuid(r.try_get("id")?),
                user_id: UserId::from_uuid(r.try_get("user_id")?),
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> CoreResult<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.as_uuid())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        at: DateTime<Utc>,
    ) -> CoreResult<u64> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND revoked_at IS NULL \
             AND ($2::uuid IS NULL OR id <> $2)",
        )
        .bind(user.as_uuid())
        .bind(except.map(|s| s.as_uuid()))
        .bind(at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn insert_refresh(&mut self, t: &RefreshToken) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO refresh_tokens (id, session_id, user_id, token_hash, expires_at, used_at, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(t.id.as_uuid())
        .bind(t.session_id.as_uuid())
        .bind(t.user_id.as_uuid())
        .bind(&t.token_hash)
        .bind(t.expires_at)
        .bind(t.used_at)
        .bind(t.created_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn refresh_by_hash(&mut self, hash: &str) -> CoreResult<Option<RefreshToken>> {
        let row = sqlx::query("SELECT * FROM refresh_tokens WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(refresh).transpose().map_err(db_err)
    }

    async fn use_refresh(&mut self, id: RefreshTokenId, at: DateTime<Utc>) -> CoreResult<bool> {
        let done =
            sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                .bind(id.as_uuid())
                .bind(at)
                .execute(self.conn())
                .await
                .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl AuditRepo for PgTx {
    async fn record(&mut self, e: &AuditEvent) -> CoreResult<()> {
        sqlx::query("INSERT INTO audit_events (id, at, user_id, company_id, action, detail) VALUES ($1,$2,$3,$4,$5,$6)")
            .bind(e.id.as_uuid())
            .bind(e.at)
            .bind(e.user_id.map(|u| u.as_uuid()))
            .bind(e.tenant_id.map(|t| t.as_uuid()))
            .bind(e.action)
            .bind(&e.detail)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn of_user(&mut self, user: UserId, limit: u32) -> CoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_events WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(user.as_uuid())
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get("action")?;
                Ok(AuditEvent {
                    id: AuditId::from_uuid(r.try_get("id")?),
                    at: r.try_get("at")?,
                    user_id: r
                        .try_get::<Option<Uuid>, _>("user_id")?
                        .map(UserId::from_uuid),
                    tenant_id: r
                        .try_get::<Option<Uuid>, _>("company_id")?
                        .map(TenantId::from_uuid),
                    action: audit_action(&action),
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }
}

/// Audit actions are `&'static str` in the core; map stored names back to the known set.
fn audit_action(stored: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "registered",
        "email_verified",
        "login",
        "login_failed",
        "logout",
        "refresh_reused",
        "password_changed",
        "password_reset_requested",
        "password_reset",
        "company_created",
        "company_updated",
        "invitation_sent",
        "invitation_accepted",
        "invitation_revoked",
        "role_changed",
        "member_removed",
    ];
    KNOWN
        .iter()
        .copied()
        .find(|k| *k == stored)
        .unwrap_or("other")
}
