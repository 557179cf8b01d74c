//! Brands, categories and taxes in PostgreSQL. Brands and categories share one implementation: the
//! table comes from the kind (a fixed name, never user input).

use crate::contacts::like;
use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::catalog::model::{Group, GroupKind};
use ally360::catalog::repo::{After, GroupRepo, ListSort, NameQuery, TaxRepo};
use ally360::catalog::tax::{Tax, TaxKind};
use ally360::kernel::*;
use async_trait::async_trait;
use rust_decimal::Decimal;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::Postgres;
use sqlx::Row;
use uuid::Uuid;

fn table(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Brand => "brands",
        GroupKind::Category => "categories",
    }
}

/// The products column that points at a group of this kind.
fn product_column(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::Brand => "brand_id",
        GroupKind::Category => "category_id",
    }
}

fn group(kind: GroupKind, r: &PgRow) -> Result<Group, sqlx::Error> {
    Ok(Group {
        id: GroupId::from_uuid(r.try_get("id")?),
        kind,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        is_active: r.try_get("is_active")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A tax kind as stored.
pub(crate) fn tax_kind(s: &str) -> Result<TaxKind, sqlx::Error> {
    TaxKind::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("unknown tax kind {s}").into()))
}

pub(crate) fn tax(r: &PgRow) -> Result<Tax, sqlx::Error> {
    Ok(Tax {
        id: TaxId::from_uuid(r.try_get("id")?),
        tenant: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId::from_uuid),
        name: r.try_get("name")?,
        code: r.try_get("code")?,
        rate: r.try_get::<Decimal, _>("rate")?.normalize(),
        kind: tax_kind(r.try_get("kind")?)?,
        is_editable: r.try_get("is_editable")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The filters of a group page or count: $1 tenant, $2 search pattern, $3 is_active.
const GROUP_FILTER: &str =
    "WHERE tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2) AND ($3::bool IS NULL OR is_active = $3)";

/// The filters of a tax page or count: $1 tenant, $2 search pattern (system taxes are visible too).
const TAX_FILTER: &str =
    "FROM taxes WHERE (tenant_id IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR name ILIKE $2)";

/// The position and order of a list sorted by `sort`; the position is bound as `$k` (key) and `$k+1` (id)
/// by [`bind_after`].
pub(crate) fn keyset_sql(sort: ListSort, k: usize) -> String {
    let id = k + 1;
    match sort {
        ListSort::Name => format!(
            "AND (${k}::text IS NULL OR (sort_name, id) > (${k} COLLATE \"C\", ${id}::uuid)) ORDER BY sort_name, id"
        ),
        ListSort::Created => format!(
            "AND (${k}::bigint IS NULL OR (created_at, id) > (to_timestamp(0) + ${k} * interval '1 microsecond', \
             ${id}::uuid)) ORDER BY created_at, id"
        ),
    }
}

/// Binds a list position for [`keyset_sql`].
pub(crate) fn bind_after<'q>(
    query: sqlx::query::Query<'q, Postgres, PgArguments>,
    sort: ListSort,
    after: &After,
) -> CoreResult<sqlx::query::Query<'q, Postgres, PgArguments>> {
    let query = match sort {
        ListSort::Name => query.bind(after.as_ref().map(|(key, _)| key.clone())),
        ListSort::Created => {
            let micros = after.as_ref().map(|(key, _)| key.parse::<i64>()).transpose();
            query.bind(micros.map_err(|_| CoreError::invalid("cursor", "invalid_cursor", "the cursor is not valid"))?)
        }
    };
    Ok(query.bind(after.as_ref().map(|(_, id)| *id)))
}

impl PgTx {
    /// Runs an insert or update of a brand or category (the table name comes from its kind).
    async fn write_group(&mut self, sql: String, g: &Group) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(g.id.as_uuid())
            .bind(&g.name)
            .bind(g.name.to_lowercase())
            .bind(&g.description)
            .bind(g.is_active)
            .bind(g.created_at)
            .bind(g.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl GroupRepo for PgTx {
    async fn insert(&mut self, g: &Group) -> CoreResult<()> {
        let sql = format!(
            "INSERT INTO {} (tenant_id, id, name, sort_name, description, is_active, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
            table(g.kind)
        );
        self.write_group(sql, g).await
    }

    async fn update(&mut self, g: &Group) -> CoreResult<()> {
        let sql = format!(
            "UPDATE {} SET name = $3, sort_name = $4, description = $5, is_active = $6, created_at = $7, \
             updated_at = $8 WHERE tenant_id = $1 AND id = $2",
            table(g.kind)
        );
        self.write_group(sql, g).await
    }

    async fn by_id(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<Option<Group>> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT * FROM {} WHERE tenant_id = $1 AND id = $2", table(kind));
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(|r| group(kind, r)).transpose().map_err(db_err)
    }

    async fn page(&mut self, kind: GroupKind, q: &NameQuery) -> CoreResult<Vec<Group>> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT * FROM {} {GROUP_FILTER} {} LIMIT {}", table(kind), keyset_sql(q.sort, 4), q.limit);
        let query =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(q.search.as_deref().map(like)).bind(q.is_active);
        let rows = bind_after(query, q.sort, &q.after)?.fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(|r| group(kind, r)).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn count(&mut self, kind: GroupKind, q: &NameQuery) -> CoreResult<u64> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT count(*) FROM {} {GROUP_FILTER}", table(kind));
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(q.search.as_deref().map(like))
            .bind(q.is_active)
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn usage(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<u64> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT count(*) FROM products WHERE tenant_id = $1 AND {} = $2", product_column(kind));
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn delete(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<()> {
        let sql = format!("DELETE FROM {} WHERE tenant_id = $1 AND id = $2", table(kind));
        self.execute_by_id(sqlx::AssertSqlSafe(sql), id.as_uuid()).await
    }
}

impl PgTx {
    /// Runs an insert or update of a company tax: `$1` tenant, then every column in table order.
    async fn write_tax(&mut self, sql: &'static str, t: &Tax) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql)
            .bind(tenant)
            .bind(t.id.as_uuid())
            .bind(&t.name)
            .bind(t.name.to_lowercase())
            .bind(&t.code)
            .bind(t.rate)
            .bind(t.kind.as_str())
            .bind(t.is_editable)
            .bind(t.created_at)
            .bind(t.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl TaxRepo for PgTx {
    async fn insert(&mut self, t: &Tax) -> CoreResult<()> {
        self.write_tax(
            "INSERT INTO taxes (id, tenant_id, name, sort_name, code, rate, kind, is_editable, created_at, updated_at) \
             VALUES ($2,$1,$3,$4,$5,$6,$7,$8,$9,$10)",
            t,
        )
        .await
    }

    async fn update(&mut self, t: &Tax) -> CoreResult<()> {
        self.write_tax(
            "UPDATE taxes SET name = $3, sort_name = $4, code = $5, rate = $6, kind = $7, is_editable = $8, \
             created_at = $9, updated_at = $10 WHERE tenant_id = $1 AND id = $2",
            t,
        )
        .await
    }

    async fn by_id(&mut self, id: TaxId) -> CoreResult<Option<Tax>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query("SELECT * FROM taxes WHERE (tenant_id IS NULL OR tenant_id = $1) AND id = $2")
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(tax).transpose().map_err(db_err)
    }

    async fn by_ids(&mut self, ids: &[TaxId]) -> CoreResult<Vec<Tax>> {
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let rows = sqlx::query(
            "SELECT * FROM taxes WHERE (tenant_id IS NULL OR tenant_id = $1) AND id = ANY($2) ORDER BY sort_name, id",
        )
        .bind(tenant)
        .bind(ids)
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter().map(tax).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn page(&mut self, q: &NameQuery) -> CoreResult<Vec<Tax>> {
        let tenant = self.tenant_id()?;
        let sql = format!("SELECT * {TAX_FILTER} {} LIMIT {}", keyset_sql(q.sort, 3), q.limit);
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(q.search.as_deref().map(like));
        let rows = bind_after(query, q.sort, &q.after)?.fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(tax).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn count(&mut self, q: &NameQuery) -> CoreResult<u64> {
        let tenant = self.tenant_id()?;
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {TAX_FILTER}")))
            .bind(tenant)
            .bind(q.search.as_deref().map(like))
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn usage(&mut self, id: TaxId) -> CoreResult<u64> {
        let tenant = self.tenant_id()?;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM product_taxes WHERE tenant_id = $1 AND tax_id = $2")
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn delete(&mut self, id: TaxId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM taxes WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }
}
