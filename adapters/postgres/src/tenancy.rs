//! Companies, memberships and invitations in PostgreSQL.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::kernel::*;
use ally360::tenancy::model::{Company, Invitation, InvitationStatus, Membership};
use ally360::tenancy::repo::{CompanyRepo, InvitationRepo, MembershipRepo};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

fn role(row: &PgRow) -> Result<Role, sqlx::Error> {
    let name: String = row.try_get("role")?;
    name.parse().map_err(|_| sqlx::Error::Decode(format!("unknown role {name}").into()))
}

fn company(r: &PgRow) -> Result<Company, sqlx::Error> {
    Ok(Company {
        id: TenantId::from_uuid(r.try_get("id")?),
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        address: r.try_get("address")?,
        phone_number: r.try_get("phone_number")?,
        nit: r.try_get("nit")?,
        dv: r.try_get::<i16, _>("dv")? as u8,
        economic_activity: r.try_get("economic_activity")?,
        quantity_employees: r.try_get("quantity_employees")?,
        social_reason: r.try_get("social_reason")?,
        logo_key: r.try_get("logo_key")?,
        unique_pdv: r.try_get("unique_pdv")?,
        is_active: r.try_get("is_active")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn membership(r: &PgRow) -> Result<Membership, sqlx::Error> {
    Ok(Membership {
        id: MembershipId::from_uuid(r.try_get("id")?),
        user_id: UserId::from_uuid(r.try_get("user_id")?),
        company_id: TenantId::from_uuid(r.try_get("company_id")?),
        role: role(r)?,
        is_active: r.try_get("is_active")?,
        joined_at: r.try_get("joined_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn invitation(r: &PgRow) -> Result<Invitation, sqlx::Error> {
    Ok(Invitation {
        id: InvitationId::from_uuid(r.try_get("id")?),
        company_id: TenantId::from_uuid(r.try_get("company_id")?),
        invited_by: UserId::from_uuid(r.try_get("invited_by")?),
        invitee_email: r.try_get("invitee_email")?,
        role: role(r)?,
        token_hash: r.try_get("token_hash")?,
        expires_at: r.try_get("expires_at")?,
        accepted_at: r.try_get("accepted_at")?,
        revoked_at: r.try_get("revoked_at")?,
        created_at: r.try_get("created_at")?,
    })
}

fn rows<T>(rows: Vec<PgRow>, f: fn(&PgRow) -> Result<T, sqlx::Error>) -> CoreResult<Vec<T>> {
    rows.iter().map(f).collect::<Result<_, _>>().map_err(db_err)
}

const MEMBERSHIP_COLUMNS: &str = "id, user_id, company_id, role::text AS role, is_active, joined_at, updated_at";
const INVITATION_COLUMNS: &str = "id, company_id, invited_by, invitee_email, role::text AS role, token_hash, \
    expires_at, accepted_at, revoked_at, created_at";

#[async_trait]
impl CompanyRepo for PgTx {
    async fn insert(&mut self, c: &Company) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO companies (id, name, description, address, phone_number, nit, dv, economic_activity, \
             quantity_employees, social_reason, logo_key, unique_pdv, is_active, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
        )
        .bind(c.id.as_uuid())
        .bind(&c.name)
        .bind(&c.description)
        .bind(&c.address)
        .bind(&c.phone_number)
        .bind(&c.nit)
        .bind(i16::from(c.dv))
        .bind(&c.economic_activity)
        .bind(&c.quantity_employees)
        .bind(&c.social_reason)
        .bind(&c.logo_key)
        .bind(c.unique_pdv)
        .bind(c.is_active)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn update(&mut self, c: &Company) -> CoreResult<()> {
        sqlx::query(
            "UPDATE companies SET name = $2, description = $3, address = $4, phone_number = $5, \
             economic_activity = $6, quantity_employees = $7, social_reason = $8, logo_key = $9, is_active = $10, \
             updated_at = $11 WHERE id = $1",
        )
        .bind(c.id.as_uuid())
        .bind(&c.name)
        .bind(&c.description)
        .bind(&c.address)
        .bind(&c.phone_number)
        .bind(&c.economic_activity)
        .bind(&c.quantity_employees)
        .bind(&c.social_reason)
        .bind(&c.logo_key)
        .bind(c.is_active)
        .bind(c.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn by_id(&mut self, id: TenantId) -> CoreResult<Option<Company>> {
        let row = sqlx::query("SELECT * FROM companies WHERE id = $1 AND deleted_at IS NULL")
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(company).transpose().map_err(db_err)
    }

    async fn by_ids(&mut self, ids: &[TenantId]) -> CoreResult<Vec<Company>> {
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let found = sqlx::query("SELECT * FROM companies WHERE id = ANY($1) AND deleted_at IS NULL")
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows(found, company)
    }
}

#[async_trait]
impl MembershipRepo for PgTx {
    async fn insert(&mut self, m: &Membership) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO memberships (id, user_id, company_id, role, is_active, joined_at, updated_at) \
             VALUES ($1,$2,$3,$4::member_role,$5,$6,$7)",
        )
        .bind(m.id.as_uuid())
        .bind(m.user_id.as_uuid())
        .bind(m.company_id.as_uuid())
        .bind(m.role.as_str())
        .bind(m.is_active)
        .bind(m.joined_at)
        .bind(m.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn update(&mut self, m: &Membership) -> CoreResult<()> {
        sqlx::query("UPDATE memberships SET role = $2::member_role, is_active = $3, updated_at = $4 WHERE id = $1")
            .bind(m.id.as_uuid())
            .bind(m.role.as_str())
            .bind(m.is_active)
            .bind(m.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn find(&mut self, user: UserId, company: TenantId) -> CoreResult<Option<Membership>> {
        let sql = format!("SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE user_id = $1 AND company_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.as_uuid())
            .bind(company.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(membership).transpose().map_err(db_err)
    }

    async fn of_user(&mut self, user: UserId) -> CoreResult<Vec<Membership>> {
        let sql = format!("SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE user_id = $1");
        let found =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.as_uuid()).fetch_all(self.conn()).await.map_err(db_err)?;
        rows(found, membership)
    }

    async fn of_company(&mut self, company: TenantId, page: PageRequest) -> CoreResult<Page<Membership>> {
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships WHERE company_id = $1")
            .bind(company.as_uuid())
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE company_id = $1 \
             ORDER BY joined_at DESC, id DESC LIMIT $2 OFFSET $3"
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(company.as_uuid())
            .bind(i64::from(page.limit))
            .bind(page.offset as i64)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        Ok(Page { items: rows(found, membership)?, total: total as u64, request: page })
    }

    async fn lock_active_owners(&mut self, company: TenantId) -> CoreResult<Vec<Membership>> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE company_id = $1 AND role = 'owner' AND is_active \
             ORDER BY id FOR UPDATE"
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(company.as_uuid())
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows(found, membership)
    }
}

const STATUS_SQL: &str =
    "CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN revoked_at IS NOT NULL THEN 'revoked' \
    WHEN expires_at <= $3 THEN 'expired' ELSE 'pending' END";

#[async_trait]
impl InvitationRepo for PgTx {
    async fn insert(&mut self, i: &Invitation) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO invitations (id, company_id, invited_by, invitee_email, role, token_hash, expires_at, \
             accepted_at, revoked_at, created_at) VALUES ($1,$2,$3,$4,$5::member_role,$6,$7,$8,$9,$10)",
        )
        .bind(i.id.as_uuid())
        .bind(i.company_id.as_uuid())
        .bind(i.invited_by.as_uuid())
        .bind(&i.invitee_email)
        .bind(i.role.as_str())
        .bind(&i.token_hash)
        .bind(i.expires_at)
        .bind(i.accepted_at)
        .bind(i.revoked_at)
        .bind(i.created_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn update(&mut self, i: &Invitation) -> CoreResult<()> {
        sqlx::query(
            "UPDATE invitations SET invited_by = $2, role = $3::member_role, token_hash = $4, expires_at = $5, \
             accepted_at = $6, revoked_at = $7 WHERE id = $1",
        )
        .bind(i.id.as_uuid())
        .bind(i.invited_by.as_uuid())
        .bind(i.role.as_str())
        .bind(&i.token_hash)
        .bind(i.expires_at)
        .bind(i.accepted_at)
        .bind(i.revoked_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn by_id(&mut self, company: TenantId, id: InvitationId) -> CoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1 AND company_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_uuid())
            .bind(company.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(invitation).transpose().map_err(db_err)
    }

    async fn by_token_hash(&mut self, hash: &str) -> CoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(hash).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(invitation).transpose().map_err(db_err)
    }

    async fn open_for(&mut self, company: TenantId, email: &str) -> CoreResult<Option<Invitation>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE company_id = $1 AND invitee_email = $2 \
             AND accepted_at IS NULL AND revoked_at IS NULL FOR UPDATE"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(company.as_uuid())
            .bind(email)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(invitation).transpose().map_err(db_err)
    }

    async fn list(
        &mut self,
        company: TenantId,
        status: Option<InvitationStatus>,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> CoreResult<Page<Invitation>> {
        let filter = format!("company_id = $1 AND ($2::text IS NULL OR {STATUS_SQL} = $2)");
        let status = status.map(|s| s.as_str());
        let count_sql = format!("SELECT count(*) FROM invitations WHERE {filter}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(company.as_uuid())
            .bind(status)
            .bind(now)
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5"
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(company.as_uuid())
            .bind(status)
            .bind(now)
            .bind(i64::from(page.limit))
            .bind(page.offset as i64)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        Ok(Page { items: rows(found, invitation)?, total: total as u64, request: page })
    }
}
