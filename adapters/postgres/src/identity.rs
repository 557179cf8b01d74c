//! Users and the audit trail in PostgreSQL.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::identity::model::{AuditEvent, Profile, User};
use ally360::identity::repo::{AuditRepo, UserRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

const USER_COLUMNS: &str = "id, email, password_hash, is_active, email_verified, email_verified_at, last_login, \
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
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(user).transpose().map_err(db_err)
    }

    async fn by_ids(&mut self, ids: &[UserId]) -> CoreResult<Vec<User>> {
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ANY($1) AND deleted_at IS NULL");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ids).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(user).collect::<Result<_, _>>().map_err(db_err)
    }
}

#[async_trait]
impl AuditRepo for PgTx {
    async fn record(&mut self, e: &AuditEvent) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_events (id, at, user_id, company_id, action, detail) VALUES ($1,$2,$3,$4,$5,$6)",
        )
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
        let rows = sqlx::query("SELECT * FROM audit_events WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
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
                    user_id: r.try_get::<Option<Uuid>, _>("user_id")?.map(UserId::from_uuid),
                    tenant_id: r.try_get::<Option<Uuid>, _>("company_id")?.map(TenantId::from_uuid),
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
    KNOWN.iter().copied().find(|k| *k == stored).unwrap_or("other")
}
