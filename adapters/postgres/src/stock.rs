//! Stock levels and the kardex in PostgreSQL. A movement changes its stock row and is recorded in one
//! statement: an upsert whose guard refuses a negative result, never a read-modify-write.

use crate::errors::db_err;
use crate::product_rows::stock;
use crate::tx::PgTx;
use ally360::inventory::model::{InventorySettings, Item, Movement, MovementQuery, MovementType, StockLevel};
use ally360::inventory::repo::{LowStock, StockRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// $1 tenant, $2 id of a new stock row, $3 product, $4 variant, $5 PDV, $6 quantity (signed),
/// $7 allow negative, $8 unit cost, $9 time, $10 movement id, $11 type, $12..$15 document type, id,
/// number and notes, $16 author, $17 the item id (the variant, else the product: computed here, because
/// a generic plan cannot use the unique index with `coalesce($4, $3)` as its key and would scan the table).
///
/// A fresh row (quantity 0 plus the movement) is proposed when the result may be negative, when it is
/// not, or when the row exists (then the conflict path decides); the update applies only when the
/// result is allowed. An addition with a unit cost moves the weighted average cost (negative stock
/// counts as none). No stock row returned: nothing is written and no movement recorded.
const APPLY: &str = "WITH level AS ( \
    INSERT INTO stocks AS s (tenant_id, id, product_id, variant_id, pdv_id, quantity, avg_cost, updated_at) \
    SELECT $1, $2, $3, $4, $5, $6::numeric, \
           CASE WHEN $8::numeric IS NOT NULL AND $6 > 0 THEN round($8, 2) ELSE 0 END, $9 \
    WHERE $7::bool OR $6 >= 0 OR EXISTS (SELECT 1 FROM stocks x \
          WHERE x.tenant_id = $1 AND x.pdv_id = $5 AND x.item_id = $17) \
    ON CONFLICT (tenant_id, pdv_id, item_id) DO UPDATE SET \
        quantity = s.quantity + EXCLUDED.quantity, \
        avg_cost = CASE WHEN $8 IS NOT NULL AND EXCLUDED.quantity > 0 \
            THEN round((greatest(s.quantity, 0) * s.avg_cost + EXCLUDED.quantity * $8) \
                       / (greatest(s.quantity, 0) + EXCLUDED.quantity), 2) \
            ELSE s.avg_cost END, \
        updated_at = EXCLUDED.updated_at \
    WHERE $7 OR s.quantity + EXCLUDED.quantity >= 0 \
    RETURNING s.quantity, s.avg_cost) \
  INSERT INTO inventory_movements (tenant_id, id, product_id, variant_id, pdv_id, movement_type, quantity, unit_cost, \
    balance_after, document_type, document_id, document_number, notes, created_by, created_at) \
  SELECT $1, $10, $3, $4, $5, $11, $6, CASE WHEN $6 < 0 THEN coalesce($8, level.avg_cost) ELSE $8 END, \
         level.quantity, $12, $13, $14, $15, $16, $9 FROM level \
  RETURNING balance_after, unit_cost";

const SET_MIN: &str =
    "INSERT INTO stocks AS s (tenant_id, id, product_id, variant_id, pdv_id, min_quantity, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) \
    ON CONFLICT (tenant_id, pdv_id, item_id) DO UPDATE SET min_quantity = EXCLUDED.min_quantity, \
        updated_at = EXCLUDED.updated_at \
    RETURNING *";

const LOW: &str = "SELECT s.*, p.name AS product_name, p.sku AS product_sku, v.sku AS variant_sku, d.name AS pdv_name \
    FROM stocks s \
    JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id AND p.deleted_at IS NULL \
    JOIN pdvs d ON d.tenant_id = s.tenant_id AND d.id = s.pdv_id AND d.deleted_at IS NULL \
    LEFT JOIN product_variants v ON v.tenant_id = s.tenant_id AND v.id = s.variant_id \
    WHERE s.tenant_id = $1 AND s.min_quantity > 0 AND s.quantity < s.min_quantity \
      AND ($2::uuid IS NULL OR s.pdv_id = $2) \
      AND ($3::text IS NULL OR (p.sort_name, s.id) > ($3 COLLATE \"C\", $4::uuid)) \
    ORDER BY p.sort_name, s.id LIMIT ";

#[async_trait]
impl StockRepo for PgTx {
    async fn apply(&mut self, m: &Movement, allow_negative: bool) -> CoreResult<Option<Movement>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(APPLY)
            .bind(tenant)
            .bind(StockId::new().as_uuid())
            .bind(m.item.product_id.as_uuid())
            .bind(m.item.variant_id.map(|v| v.as_uuid()))
            .bind(m.pdv_id.as_uuid())
            .bind(m.quantity.value())
            .bind(allow_negative)
            .bind(m.unit_cost.map(|c| c.amount()))
            .bind(m.created_at)
            .bind(m.id.as_uuid())
            .bind(m.movement_type.as_str())
            .bind(&m.document_type)
            .bind(m.document_id)
            .bind(&m.document_number)
            .bind(&m.notes)
            .bind(m.created_by.as_uuid())
            .bind(m.item.variant_id.map_or(m.item.product_id.as_uuid(), |v| v.as_uuid()))
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        let Some(row) = row else { return Ok(None) };
        let balance: Decimal = row.try_get("balance_after").map_err(db_err)?;
        let cost: Option<Decimal> = row.try_get("unit_cost").map_err(db_err)?;
        Ok(Some(Movement { balance_after: Quantity::new(balance), unit_cost: cost.map(Money::new), ..m.clone() }))
    }

    async fn set_min(&mut self, item: Item, pdv: PdvId, min: Quantity, at: DateTime<Utc>) -> CoreResult<StockLevel> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(SET_MIN)
            .bind(tenant)
            .bind(StockId::new().as_uuid())
            .bind(item.product_id.as_uuid())
            .bind(item.variant_id.map(|v| v.as_uuid()))
            .bind(pdv.as_uuid())
            .bind(min.value())
            .bind(at)
            .fetch_one(self.conn())
            .await
            .map_err(db_err)?;
        stock(&row).map_err(db_err)
    }

    async fn levels(&mut self, products: &[ProductId]) -> CoreResult<Vec<StockLevel>> {
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = products.iter().map(|p| p.as_uuid()).collect();
        let rows = sqlx::query("SELECT * FROM stocks WHERE tenant_id = $1 AND product_id = ANY($2) ORDER BY id")
            .bind(tenant)
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter().map(stock).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn low(
        &mut self,
        pdv: Option<PdvId>,
        after: Option<(String, StockId)>,
        limit: u32,
    ) -> CoreResult<Vec<LowStock>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{LOW}{limit}")))
            .bind(tenant)
            .bind(pdv.map(|p| p.as_uuid()))
            .bind(after.as_ref().map(|(name, _)| name.clone()))
            .bind(after.as_ref().map(|(_, id)| id.as_uuid()))
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(LowStock {
                    level: stock(r)?,
                    product_name: r.try_get("product_name")?,
                    product_sku: r.try_get("product_sku")?,
                    variant_sku: r.try_get("variant_sku")?,
                    pdv_name: r.try_get("pdv_name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn pdv_in_use(&mut self, pdv: PdvId) -> CoreResult<bool> {
        let tenant = self.tenant_id()?;
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM stocks WHERE tenant_id = $1 AND pdv_id = $2 AND quantity <> 0) \
             OR EXISTS (SELECT 1 FROM inventory_movements WHERE tenant_id = $1 AND pdv_id = $2)",
        )
        .bind(tenant)
        .bind(pdv.as_uuid())
        .fetch_one(self.conn())
        .await
        .map_err(db_err)
    }

    async fn product_has_history(&mut self, product: ProductId) -> CoreResult<bool> {
        let tenant = self.tenant_id()?;
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM inventory_movements WHERE tenant_id = $1 AND product_id = $2)")
            .bind(tenant)
            .bind(product.as_uuid())
            .fetch_one(self.conn())
            .await
            .map_err(db_err)
    }

    async fn movements(&mut self, q: &MovementQuery) -> CoreResult<Vec<Movement>> {
        let tenant = self.tenant_id()?;
        let mut b = QueryBuilder::<Postgres>::new("SELECT * FROM inventory_movements WHERE tenant_id = ");
        b.push_bind(tenant);
        push_item_filters(&mut b, q);
        if let Some(kind) = q.kind {
            b.push(" AND movement_type = ").push_bind(kind.as_str());
        }
        if let Some(document) = q.document_id {
            b.push(" AND document_id = ").push_bind(document);
        }
        if let Some(from) = q.from {
            b.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(to) = q.to {
            b.push(" AND created_at <= ").push_bind(to);
        }
        let (cmp, dir) = if q.ascending { (">", "ASC") } else { ("<", "DESC") };
        if let Some((at, id)) = q.after {
            b.push(format!(" AND (created_at, id) {cmp} (")).push_bind(at).push(", ").push_bind(id.as_uuid()).push(")");
        }
        b.push(format!(" ORDER BY created_at {dir}, id {dir} LIMIT {}", q.limit));
        let rows = b.build().fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(movement).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn balance_before(
        &mut self,
        q: &MovementQuery,
        before: (DateTime<Utc>, MovementId),
        inclusive: bool,
    ) -> CoreResult<(Quantity, Money)> {
        let tenant = self.tenant_id()?;
        let mut b = QueryBuilder::<Postgres>::new(
            "SELECT coalesce(sum(quantity), 0) AS quantity, coalesce(sum(quantity * coalesce(unit_cost, 0)), 0) AS value \
             FROM inventory_movements WHERE tenant_id = ",
        );
        b.push_bind(tenant);
        push_item_filters(&mut b, q);
        let cmp = if inclusive { "<=" } else { "<" };
        b.push(format!(" AND (created_at, id) {cmp} ("))
            .push_bind(before.0)
            .push(", ")
            .push_bind(before.1.as_uuid())
            .push(")");
        let row = b.build().fetch_one(self.conn()).await.map_err(db_err)?;
        let quantity: Decimal = row.try_get("quantity").map_err(db_err)?;
        let value: Decimal = row.try_get("value").map_err(db_err)?;
        Ok((Quantity::new(quantity), Money::new(value)))
    }

    async fn settings(&mut self) -> CoreResult<InventorySettings> {
        let tenant = self.tenant_id()?;
        let negative: Option<bool> =
            sqlx::query_scalar("SELECT sell_in_negative FROM inventory_settings WHERE tenant_id = $1")
                .bind(tenant)
                .fetch_optional(self.conn())
                .await
                .map_err(db_err)?;
        Ok(InventorySettings { sell_in_negative: negative.unwrap_or(false) })
    }

    async fn save_settings(&mut self, settings: InventorySettings, at: DateTime<Utc>) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "INSERT INTO inventory_settings (tenant_id, sell_in_negative, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET sell_in_negative = $2, updated_at = $3",
        )
        .bind(tenant)
        .bind(settings.sell_in_negative)
        .bind(at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

/// The product, variant and PDV filters of a movements query.
fn push_item_filters(b: &mut QueryBuilder<Postgres>, q: &MovementQuery) {
    if let Some(product) = q.product {
        b.push(" AND product_id = ").push_bind(product.as_uuid());
    }
    match q.variant {
        None => {}
        Some(None) => {
            b.push(" AND variant_id IS NULL");
        }
        Some(Some(v)) => {
            b.push(" AND variant_id = ").push_bind(v.as_uuid());
        }
    }
    if let Some(pdv) = q.pdv {
        b.push(" AND pdv_id = ").push_bind(pdv.as_uuid());
    }
}

fn movement(r: &PgRow) -> Result<Movement, sqlx::Error> {
    let kind: String = r.try_get("movement_type")?;
    Ok(Movement {
        id: MovementId::from_uuid(r.try_get("id")?),
        item: Item {
            product_id: ProductId::from_uuid(r.try_get("product_id")?),
            variant_id: r.try_get::<Option<Uuid>, _>("variant_id")?.map(VariantId::from_uuid),
        },
        pdv_id: PdvId::from_uuid(r.try_get("pdv_id")?),
        movement_type: MovementType::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("movement type {kind}").into()))?,
        quantity: Quantity::new(r.try_get("quantity")?),
        unit_cost: r.try_get::<Option<Decimal>, _>("unit_cost")?.map(Money::new),
        balance_after: Quantity::new(r.try_get("balance_after")?),
        document_type: r.try_get("document_type")?,
        document_id: r.try_get("document_id")?,
        document_number: r.try_get("document_number")?,
        notes: r.try_get("notes")?,
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
    })
}
