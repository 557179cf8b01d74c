//! Products, variants, images and product taxes in PostgreSQL. Full records (list pages included) are
//! read in one statement whatever their number (see `product_rows`).

use crate::contacts::like;
use crate::errors::db_err;
use crate::product_rows::{image, product, product_sql_around, variant};
use crate::tx::PgTx;
use ally360::catalog::model::{Product, ProductImage, Variant};
use ally360::catalog::repo::{ListSort, ProductQuery, ProductRecord, ProductRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

const SAVE_PRODUCT: &str =
    "INSERT INTO products (tenant_id, id, name, sort_name, sku, description, barcode, kind, unit, \
    price, cost, sell_in_negative, brand_id, category_id, has_variants, is_active, deleted_at, created_by, updated_by, \
    created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)";

const UPDATE_PRODUCT: &str =
    "UPDATE products SET name = $3, sort_name = $4, sku = $5, description = $6, barcode = $7, \
    kind = $8, unit = $9, price = $10, cost = $11, sell_in_negative = $12, brand_id = $13, category_id = $14, \
    has_variants = $15, is_active = $16, deleted_at = $17, created_by = $18, updated_by = $19, created_at = $20, \
    updated_at = $21 WHERE tenant_id = $1 AND id = $2";

fn invalid_cursor() -> CoreError {
    CoreError::invalid("cursor", "invalid_cursor", "the cursor is not valid")
}

fn attributes_json(v: &Variant) -> CoreResult<serde_json::Value> {
    serde_json::to_value(&v.attributes).map_err(CoreError::internal)
}

impl PgTx {
    async fn write_product(&mut self, sql: &'static str, p: &Product) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql)
            .bind(tenant)
            .bind(p.id.as_uuid())
            .bind(&p.name)
            .bind(p.name.to_lowercase())
            .bind(&p.sku)
            .bind(&p.description)
            .bind(&p.barcode)
            .bind(p.kind.as_str())
            .bind(&p.unit)
            .bind(p.price.amount())
            .bind(p.cost.amount())
            .bind(p.sell_in_negative)
            .bind(p.brand_id.map(|b| b.as_uuid()))
            .bind(p.category_id.map(|c| c.as_uuid()))
            .bind(p.has_variants)
            .bind(p.is_active)
            .bind(p.deleted_at)
            .bind(p.created_by.as_uuid())
            .bind(p.updated_by.as_uuid())
            .bind(p.created_at)
            .bind(p.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn one_product(&mut self, sql: &'static str, id: ProductId) -> CoreResult<Option<Product>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(sql).bind(tenant).bind(id.as_uuid()).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(product).transpose().map_err(db_err)
    }
}

impl PgTx {
    /// Runs an insert or update whose parameters are every column of the row, in table order.
    async fn write_variant(&mut self, sql: &'static str, v: &Variant) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql)
            .bind(tenant)
            .bind(v.id.as_uuid())
            .bind(v.product_id.as_uuid())
            .bind(&v.sku)
            .bind(&v.barcode)
            .bind(attributes_json(v)?)
            .bind(v.price.map(|p| p.amount()))
            .bind(v.is_active)
            .bind(v.created_at)
            .bind(v.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl ProductRepo for PgTx {
    async fn insert(&mut self, p: &Product) -> CoreResult<()> {
        self.write_product(SAVE_PRODUCT, p).await
    }

    async fn update(&mut self, p: &Product) -> CoreResult<()> {
        self.write_product(UPDATE_PRODUCT, p).await
    }

    async fn by_id(&mut self, id: ProductId) -> CoreResult<Option<Product>> {
        self.one_product("SELECT * FROM products WHERE tenant_id = $1 AND id = $2", id).await
    }

    async fn lock(&mut self, id: ProductId) -> CoreResult<Option<Product>> {
        self.one_product("SELECT * FROM products WHERE tenant_id = $1 AND id = $2 FOR UPDATE", id).await
    }

    async fn records(&mut self, ids: &[ProductId]) -> CoreResult<Vec<ProductRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let (head, tail) = product_sql_around("p.wanted_at");
        let sql = format!(
            "{head}SELECT p.*, k.n AS wanted_at FROM unnest($2::uuid[]) WITH ORDINALITY AS k(id, n) \
             JOIN products p ON p.tenant_id = $1 AND p.id = k.id{tail}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        self.with_parts(rows).await
    }

    async fn page(&mut self, q: &ProductQuery) -> CoreResult<Vec<ProductRecord>> {
        // Only the filters in use are written into the statement: each combination is its own
        // prepared statement whose plan PostgreSQL can cache, instead of `$n IS NULL OR ...` clauses
        // that need a fresh plan on every call.
        let tenant = self.tenant_id()?;
        let order = match q.sort {
            ListSort::Name => "p.sort_name, p.id",
            ListSort::Created => "p.created_at, p.id",
        };
        let (head, tail) = product_sql_around(order);
        let mut b = QueryBuilder::<Postgres>::new(head);
        match q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            // Search reads the matches through the indexes first (trigram on name and sku, barcode,
            // variants), then sorts them: a plan that walks the sort index filtering every row would
            // read the whole catalog to find a rare product.
            Some(s) => {
                let pattern = like(s);
                b.push("SELECT p.* FROM (SELECT p.* FROM products p WHERE p.tenant_id = ").push_bind(tenant);
                b.push(" AND p.deleted_at IS NULL AND (p.name ILIKE ").push_bind(pattern.clone());
                b.push(" OR p.sku ILIKE ").push_bind(pattern.clone()).push(" OR p.barcode = ").push_bind(s.to_string());
                b.push(") UNION SELECT p.* FROM product_variants v JOIN products p ON p.tenant_id = v.tenant_id");
                b.push(" AND p.id = v.product_id WHERE v.tenant_id = ").push_bind(tenant);
                b.push(" AND p.deleted_at IS NULL AND (v.sku ILIKE ").push_bind(pattern);
                b.push(" OR v.barcode = ").push_bind(s.to_string()).push(")) p WHERE true");
            }
            None => {
                b.push("SELECT p.* FROM products p WHERE p.tenant_id = ").push_bind(tenant);
                b.push(" AND p.deleted_at IS NULL");
            }
        }
        if let Some(c) = q.category {
            b.push(" AND p.category_id = ").push_bind(c.as_uuid());
        }
        if let Some(brand) = q.brand {
            b.push(" AND p.brand_id = ").push_bind(brand.as_uuid());
        }
        if let Some(active) = q.is_active {
            b.push(" AND p.is_active = ").push_bind(active);
        }
        if q.low_stock_only {
            b.push(" AND EXISTS (SELECT 1 FROM stocks s WHERE s.tenant_id = p.tenant_id AND s.product_id = p.id");
            b.push(" AND s.min_quantity > 0 AND s.quantity < s.min_quantity");
            if let Some(pdv) = q.low_stock_pdv {
                b.push(" AND s.pdv_id = ").push_bind(pdv.as_uuid());
            }
            b.push(")");
        }
        if let Some(pdv) = q.with_stock_at {
            b.push(" AND EXISTS (SELECT 1 FROM stocks s WHERE s.tenant_id = p.tenant_id AND s.product_id = p.id");
            b.push(" AND s.pdv_id = ").push_bind(pdv.as_uuid()).push(" AND s.quantity > 0)");
        }
        match (q.sort, &q.after) {
            (_, None) => {}
            (ListSort::Name, Some((name, id))) => {
                b.push(" AND (p.sort_name, p.id) > (").push_bind(name.clone()).push(" COLLATE \"C\", ");
                b.push_bind(*id).push(")");
            }
            (ListSort::Created, Some((micros, id))) => {
                let micros = micros.parse::<i64>().map_err(|_| invalid_cursor())?;
                b.push(" AND (p.created_at, p.id) > (to_timestamp(0) + ").push_bind(micros);
                b.push(" * interval '1 microsecond', ").push_bind(*id).push(")");
            }
        }
        // A literal LIMIT (a number, not client text) lets PostgreSQL keep one cached plan that
        // walks the sort index; a bound LIMIT makes its generic plan sort the whole table.
        b.push(" ORDER BY ").push(order).push(format!(" LIMIT {}", q.limit)).push(tail);
        let rows = b.build().fetch_all(self.conn()).await.map_err(db_err)?;
        self.with_parts(rows).await
    }

    async fn delete(&mut self, id: ProductId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM products WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }

    async fn insert_variant(&mut self, v: &Variant) -> CoreResult<()> {
        self.write_variant(
            "INSERT INTO product_variants (tenant_id, id, product_id, sku, barcode, attributes, price, is_active, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
            v,
        )
        .await
    }

    async fn update_variant(&mut self, v: &Variant) -> CoreResult<()> {
        self.write_variant(
            "UPDATE product_variants SET sku = $4, barcode = $5, attributes = $6, price = $7, is_active = $8, \
             created_at = $9, updated_at = $10 WHERE tenant_id = $1 AND id = $2 AND product_id = $3",
            v,
        )
        .await
    }

    async fn variant(&mut self, id: VariantId) -> CoreResult<Option<Variant>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query("SELECT * FROM product_variants WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(variant).transpose().map_err(db_err)
    }

    async fn set_taxes(&mut self, product: ProductId, taxes: &[TaxId]) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query("DELETE FROM product_taxes WHERE tenant_id = $1 AND product_id = $2")
            .bind(tenant)
            .bind(product.as_uuid())
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        if taxes.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = taxes.iter().map(|t| t.as_uuid()).collect();
        sqlx::query(
            "INSERT INTO product_taxes (tenant_id, product_id, tax_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t \
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant)
        .bind(product.as_uuid())
        .bind(ids)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn insert_image(&mut self, i: &ProductImage) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "INSERT INTO product_images (tenant_id, id, product_id, object_key, file_name, file_size, content_type, \
             is_primary, sort_order, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(tenant)
        .bind(i.id.as_uuid())
        .bind(i.product_id.as_uuid())
        .bind(&i.object_key)
        .bind(&i.file_name)
        .bind(i64::try_from(i.file_size).map_err(CoreError::internal)?)
        .bind(&i.content_type)
        .bind(i.is_primary)
        .bind(i.sort_order)
        .bind(i.created_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn update_image(&mut self, i: &ProductImage) -> CoreResult<()> {
        // The sort order constraint is checked at commit; the primary-image index is not deferrable, so the
        // service unsets the old primary before it sets the new one.
        let tenant = self.tenant_id()?;
        sqlx::query("UPDATE product_images SET is_primary = $3, sort_order = $4 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(i.id.as_uuid())
            .bind(i.is_primary)
            .bind(i.sort_order)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn images(&mut self, product: ProductId) -> CoreResult<Vec<ProductImage>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(
            "SELECT * FROM product_images WHERE tenant_id = $1 AND product_id = $2 ORDER BY sort_order, created_at, id",
        )
        .bind(tenant)
        .bind(product.as_uuid())
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter().map(image).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn delete_image(&mut self, id: ImageId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM product_images WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }
}
