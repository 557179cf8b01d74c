//! Stock levels and the kardex in PostgreSQL. A movement changes its stock row and is recorded in one
//! statement: an upsert whose guard refuses a negative result, never a read-modify-write.

use crate::errors::db_err;
use crate::product_rows::stock;
use crate::tx::PgTx;
use ally360::inventory::model::{Item, Movement, StockLevel};
use ally360::inventory::repo::{LowStock, StockRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::Row;
use uuid::Uuid;

/// $1 tenant, $2 id of a new stock row, $3 product, $4 variant, $5 PDV, $6 quantity (signed),
/// $7 allow negative, $8 unit cost, $9 time, $10 movement id, $11 type, $12..$15 document type, id,
/// number and notes, $16 author.
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
          WHERE x.tenant_id = $1 AND x.pdv_id = $5 AND x.item_id = coalesce($4, $3)) \
    ON CONFLICT (tenant_id, pdv_id, item_id) DO UPDATE SET \
        quantity = s.quantity + EXCLUDED.quantity, \
        avg_cost = CASE WHEN $8 IS NOT NULL AND EXCLUDED.quantity > 0 \
            THEN round((greatest(s.quantity, 0) * s.avg_cost + EXCLUDED.quantity * $8) \
                       / (greatest(s.quantity, 0) + EXCLUDED.quantity), 2) \
            ELSE s.avg_cost END, \
        updated_at = EXCLUDED.updated_at \
    WHERE $7 OR s.quantity + EXCLUDED.quantity >= 0 \
    RETURNING s.quantity) \
  INSERT INTO inventory_movements (tenant_id, id, product_id, variant_id, pdv_id, movement_type, quantity, unit_cost, \
    balance_after, document_type, document_id, document_number, notes, created_by, created_at) \
  SELECT $1, $10, $3, $4, $5, $11, $6, $8, level.quantity, $12, $13, $14, $15, $16, $9 FROM level \
  RETURNING balance_after";

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
    async fn apply(&mut self, m: &Movement, allow_negative: bool) -> CoreResult<Option<Quantity>> {
        let tenant = self.tenant_id()?;
        let balance: Option<Decimal> = sqlx::query_scalar(APPLY)
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
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        Ok(balance.map(Quantity::new))
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
}
