//! Points of sale and locations in PostgreSQL. Queries name `tenant_id` for the index; row-level
//! security guarantees the rest. Only PDVs without `deleted_at` are visible.

use crate::catalog::{bind_after, keyset_sql};
use crate::contacts::like;
use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::catalog::model::{City, Department, Pdv};
use ally360::catalog::repo::{LocationRepo, NameQuery, PdvRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

fn pdv(r: &PgRow) -> Result<Pdv, sqlx::Error> {
    Ok(Pdv {
        id: PdvId::from_uuid(r.try_get("id")?),
        name: r.try_get("name")?,
        address: r.try_get("address")?,
        phone_number: r.try_get("phone_number")?,
        is_main: r.try_get("is_main")?,
        is_active: r.try_get("is_active")?,
        department_id: r.try_get("department_id")?,
        city_id: r.try_get("city_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The filters of a PDV page or count: $1 tenant, $2 search pattern, $3 is_active.
const FILTER: &str = "FROM pdvs WHERE tenant_id = $1 AND deleted_at IS NULL \
    AND ($2::text IS NULL OR name ILIKE $2) AND ($3::bool IS NULL OR is_active = $3)";

impl PgTx {
    async fn one_pdv(&mut self, sql: &'static str, id: PdvId) -> CoreResult<Option<Pdv>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(sql).bind(tenant).bind(id.as_uuid()).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(pdv).transpose().map_err(db_err)
    }
}

const INSERT_PDV: &str =
    "INSERT INTO pdvs (tenant_id, id, name, sort_name, address, phone_number, is_main, is_active, department_id, \
             city_id, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)";
const UPDATE_PDV: &str =
    "UPDATE pdvs SET name = $3, sort_name = $4, address = $5, phone_number = $6, is_main = $7, is_active = $8, \
             department_id = $9, city_id = $10, created_at = $11, updated_at = $12 \
             WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL";

impl PgTx {
    /// Runs an insert or update whose parameters are every column of the row, in table order.
    async fn write_pdv(&mut self, sql: &'static str, p: &Pdv) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql)
            .bind(tenant)
            .bind(p.id.as_uuid())
            .bind(&p.name)
            .bind(p.name.to_lowercase())
            .bind(&p.address)
            .bind(&p.phone_number)
            .bind(p.is_main)
            .bind(p.is_active)
            .bind(p.department_id)
            .bind(p.city_id)
            .bind(p.created_at)
            .bind(p.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl PdvRepo for PgTx {
    async fn insert(&mut self, p: &Pdv) -> CoreResult<()> {
        self.write_pdv(INSERT_PDV, p).await
    }

    async fn update(&mut self, p: &Pdv) -> CoreResult<()> {
        self.write_pdv(UPDATE_PDV, p).await
    }

    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        self.one_pdv("SELECT * FROM pdvs WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL", id).await
    }

    async fn lock(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        self.one_pdv("SELECT * FROM pdvs WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE", id).await
    }

    async fn by_ids(&mut self, ids: &[PdvId]) -> CoreResult<Vec<Pdv>> {
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let rows = sqlx::query("SELECT * FROM pdvs WHERE tenant_id = $1 AND id = ANY($2) AND deleted_at IS NULL")
            .bind(tenant)
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter().map(pdv).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn list(&mut self) -> CoreResult<Vec<Pdv>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(
            "SELECT * FROM pdvs WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY is_main DESC, sort_name, id",
        )
        .bind(tenant)
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter().map(pdv).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn page(&mut self, q: &NameQuery) -> CoreResult<Vec<Pdv>> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT * {FILTER} {} LIMIT {}", keyset_sql(q.sort, 4), q.limit);
        let query =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(q.search.as_deref().map(like)).bind(q.is_active);
        let rows = bind_after(query, q.sort, &q.after)?.fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(pdv).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn count(&mut self, q: &NameQuery) -> CoreResult<u64> {
        let tenant = self.tenant_id()?;
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {FILTER}")))
            .bind(tenant)
            .bind(q.search.as_deref().map(like))
            .bind(q.is_active)
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn set_main(&mut self, id: PdvId) -> CoreResult<()> {
        // The partial unique index on the main PDV is checked row by row (not deferrable), so the old
        // main one is unset before the new one is set; both run in the caller's transaction.
        let tenant = self.tenant_id()?;
        sqlx::query(
            "UPDATE pdvs SET is_main = false, updated_at = now() WHERE tenant_id = $1 AND is_main AND id <> $2",
        )
        .bind(tenant)
        .bind(id.as_uuid())
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        sqlx::query(
            "UPDATE pdvs SET is_main = true, updated_at = now() \
             WHERE tenant_id = $1 AND id = $2 AND NOT is_main AND deleted_at IS NULL",
        )
        .bind(tenant)
        .bind(id.as_uuid())
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn delete(&mut self, id: PdvId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM pdvs WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }
}

#[async_trait]
impl LocationRepo for PgTx {
    async fn departments(&mut self, ids: &[i32]) -> CoreResult<Vec<Department>> {
        let rows = sqlx::query("SELECT id, code, name FROM departments WHERE id = ANY($1) ORDER BY id")
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| Ok(Department { id: r.try_get("id")?, code: r.try_get("code")?, name: r.try_get("name")? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn cities(&mut self, ids: &[i32]) -> CoreResult<Vec<City>> {
        let rows = sqlx::query("SELECT id, department_id, code, name FROM cities WHERE id = ANY($1) ORDER BY id")
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(City {
                    id: r.try_get("id")?,
                    department_id: r.try_get("department_id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }
}
