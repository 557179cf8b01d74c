//! Points of sale in PostgreSQL. Queries name `tenant_id` for the index; row-level security
//! guarantees the rest.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::catalog::model::Pdv;
use ally360::catalog::repo::PdvRepo;
use ally360::kernel::*;
use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;

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

#[async_trait]
impl PdvRepo for PgTx {
    async fn insert(&mut self, p: &Pdv) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "INSERT INTO pdvs (tenant_id, id, name, address, phone_number, is_main, is_active, department_id, city_id, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(tenant)
        .bind(p.id.as_uuid())
        .bind(&p.name)
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

    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query("SELECT * FROM pdvs WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(pdv).transpose().map_err(db_err)
    }

    async fn list(&mut self) -> CoreResult<Vec<Pdv>> {
        let tenant = self.tenant_id()?;
        let rows =
            sqlx::query("SELECT * FROM pdvs WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY is_main DESC, name")
                .bind(tenant)
                .fetch_all(self.conn())
                .await
                .map_err(db_err)?;
        rows.iter().map(pdv).collect::<Result<_, _>>().map_err(db_err)
    }
}
