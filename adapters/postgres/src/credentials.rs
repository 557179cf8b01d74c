//! Single-use tokens, sessions and refresh tokens in PostgreSQL. "Use" is a conditional update, so
//! of two racing callers exactly one wins.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::identity::model::{OneTimeToken, RefreshToken, Session, TokenPurpose};
use ally360::identity::repo::CredentialRepo;
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::Row;

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
        password_hash: row.try_get("password_hash")?,
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
impl CredentialRepo for PgTx {
    async fn insert_one_time(&mut self, t: &OneTimeToken) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, expires_at, used_at, created_at, \
             password_hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(t.id.as_uuid())
        .bind(t.user_id.as_uuid())
        .bind(t.purpose.as_str())
        .bind(&t.token_hash)
        .bind(t.expires_at)
        .bind(t.used_at)
        .bind(t.created_at)
        .bind(&t.password_hash)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn one_time_by_hash(&mut self, p: TokenPurpose, hash: &str) -> CoreResult<Option<OneTimeToken>> {
        let row = sqlx::query("SELECT * FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2")
            .bind(hash)
            .bind(p.as_str())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(one_time).transpose().map_err(db_err)
    }

    async fn use_one_time(&mut self, id: OneTimeTokenId, at: DateTime<Utc>) -> CoreResult<bool> {
        let done = sqlx::query("UPDATE one_time_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(id.as_uuid())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn retire_one_time(&mut self, user: UserId, p: TokenPurpose, at: DateTime<Utc>) -> CoreResult<()> {
        sqlx::query("UPDATE one_time_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
            .bind(user.as_uuid())
            .bind(p.as_str())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn count_one_time_since(&mut self, user: UserId, p: TokenPurpose, since: DateTime<Utc>) -> CoreResult<u64> {
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
        sqlx::query("INSERT INTO sessions (id, user_id, created_at, revoked_at) VALUES ($1,$2,$3,$4)")
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
        let row = sqlx::query("SELECT id, user_id, created_at, revoked_at FROM sessions WHERE id = $1")
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
        let done = sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(id.as_uuid())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }
}
