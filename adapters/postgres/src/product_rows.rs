//! Row decoding of products and their parts, and the reading of full product records: the product
//! rows (with brand and category names), then their variants, taxes, images and stock, four
//! statements whatever the number of products.

use crate::catalog::tax;
use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::catalog::model::{Product, ProductImage, ProductKind, Variant};
use ally360::catalog::repo::ProductRecord;
use ally360::inventory::model::{Item, StockLevel};
use ally360::kernel::*;
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(crate) fn bad(what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("bad {what}").into())
}

pub(crate) fn product(r: &PgRow) -> Result<Product, sqlx::Error> {
    let kind: &str = r.try_get("kind")?;
    Ok(Product {
        id: ProductId::from_uuid(r.try_get("id")?),
        name: r.try_get("name")?,
        sku: r.try_get("sku")?,
        description: r.try_get("description")?,
        barcode: r.try_get("barcode")?,
        kind: ProductKind::parse(kind).ok_or_else(|| bad(format!("product kind {kind}")))?,
        unit: r.try_get("unit")?,
        price: Money::new(r.try_get("price")?),
        cost: Money::new(r.try_get("cost")?),
        sell_in_negative: r.try_get("sell_in_negative")?,
        brand_id: r.try_get::<Option<Uuid>, _>("brand_id")?.map(GroupId::from_uuid),
        category_id: r.try_get::<Option<Uuid>, _>("category_id")?.map(GroupId::from_uuid),
        has_variants: r.try_get("has_variants")?,
        is_active: r.try_get("is_active")?,
        deleted_at: r.try_get("deleted_at")?,
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        updated_by: UserId::from_uuid(r.try_get("updated_by")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(crate) fn attributes(v: Value) -> Result<BTreeMap<String, String>, sqlx::Error> {
    serde_json::from_value(v).map_err(|e| sqlx::Error::Decode(e.into()))
}

pub(crate) fn variant(r: &PgRow) -> Result<Variant, sqlx::Error> {
    Ok(Variant {
        id: VariantId::from_uuid(r.try_get("id")?),
        product_id: ProductId::from_uuid(r.try_get("product_id")?),
        sku: r.try_get("sku")?,
        barcode: r.try_get("barcode")?,
        attributes: attributes(r.try_get("attributes")?)?,
        price: r.try_get::<Option<Decimal>, _>("price")?.map(Money::new),
        is_active: r.try_get("is_active")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(crate) fn image(r: &PgRow) -> Result<ProductImage, sqlx::Error> {
    Ok(ProductImage {
        id: ImageId::from_uuid(r.try_get("id")?),
        product_id: ProductId::from_uuid(r.try_get("product_id")?),
        object_key: r.try_get("object_key")?,
        file_name: r.try_get("file_name")?,
        file_size: r.try_get::<i64, _>("file_size")? as u64,
        content_type: r.try_get("content_type")?,
        is_primary: r.try_get("is_primary")?,
        sort_order: r.try_get("sort_order")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) fn stock(r: &PgRow) -> Result<StockLevel, sqlx::Error> {
    Ok(StockLevel {
        id: StockId::from_uuid(r.try_get("id")?),
        item: Item {
            product_id: ProductId::from_uuid(r.try_get("product_id")?),
            variant_id: r.try_get::<Option<Uuid>, _>("variant_id")?.map(VariantId::from_uuid),
        },
        pdv_id: PdvId::from_uuid(r.try_get("pdv_id")?),
        quantity: Quantity::new(r.try_get("quantity")?),
        min_quantity: Quantity::new(r.try_get("min_quantity")?),
        avg_cost: Money::new(r.try_get("avg_cost")?),
        updated_at: r.try_get("updated_at")?,
    })
}

/// The text around a subquery `source` over `products` (aliased `p`, it may add columns): the
/// product columns with the names of its brand and category, in `order`.
pub(crate) fn product_sql_around(order: &str) -> (String, String) {
    (
        "SELECT p.*, b.name AS brand_name, c.name AS category_name FROM (".to_string(),
        format!(
            ") p LEFT JOIN brands b ON b.tenant_id = p.tenant_id AND b.id = p.brand_id \
             LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id ORDER BY {order}"
        ),
    )
}

const VARIANTS: &str =
    "SELECT * FROM product_variants WHERE tenant_id = $1 AND product_id = ANY($2) ORDER BY created_at, id";
pub(crate) const TAXES: &str = "SELECT pt.product_id, t.* FROM product_taxes pt JOIN taxes t ON t.id = pt.tax_id \
    WHERE pt.tenant_id = $1 AND pt.product_id = ANY($2) ORDER BY t.sort_name, t.id";
const IMAGES: &str =
    "SELECT * FROM product_images WHERE tenant_id = $1 AND product_id = ANY($2) ORDER BY sort_order, created_at, id";
const STOCK: &str = "SELECT s.*, d.name AS pdv_name FROM stocks s JOIN pdvs d ON d.tenant_id = s.tenant_id \
    AND d.id = s.pdv_id WHERE s.tenant_id = $1 AND s.product_id = ANY($2) ORDER BY d.sort_name, s.pdv_id, s.id";

fn group(r: &PgRow, id: &str, name: &str) -> Result<Option<(GroupId, String)>, sqlx::Error> {
    let id: Option<Uuid> = r.try_get(id)?;
    let name: Option<String> = r.try_get(name)?;
    Ok(id.zip(name).map(|(id, name)| (GroupId::from_uuid(id), name)))
}

impl PgTx {
    /// Rows of `sql` (`$1` the tenant, `$2` the product ids), decoded with `decode`.
    pub(crate) async fn parts<T>(
        &mut self,
        sql: &'static str,
        ids: &[Uuid],
        decode: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
    ) -> CoreResult<Vec<T>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(sql).bind(tenant).bind(ids).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(decode).collect::<Result<_, _>>().map_err(db_err)
    }

    /// Full records of product rows read with [`product_sql_around`], in their order. The parts of
    /// every product come in four statements whatever their number; each is simple enough for
    /// PostgreSQL to plan in microseconds (one statement joining everything took a millisecond to plan).
    pub(crate) async fn with_parts(&mut self, rows: Vec<PgRow>) -> CoreResult<Vec<ProductRecord>> {
        let mut records = rows
            .iter()
            .map(|r| {
                Ok(ProductRecord {
                    product: product(r)?,
                    brand: group(r, "brand_id", "brand_name")?,
                    category: group(r, "category_id", "category_name")?,
                    variants: Vec::new(),
                    taxes: Vec::new(),
                    images: Vec::new(),
                    stock: Vec::new(),
                    pdv_names: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(db_err)?;
        if records.is_empty() {
            return Ok(records);
        }
        let ids: Vec<Uuid> = records.iter().map(|r| r.product.id.as_uuid()).collect();
        let variants = self.parts(VARIANTS, &ids, variant).await?;
        let taxes = self.parts(TAXES, &ids, |r| Ok((ProductId::from_uuid(r.try_get("product_id")?), tax(r)?))).await?;
        let images = self.parts(IMAGES, &ids, image).await?;
        let stock = self.parts(STOCK, &ids, |r| Ok((stock(r)?, r.try_get::<String, _>("pdv_name")?))).await?;
        let index = |records: &[ProductRecord], id: ProductId| records.iter().position(|r| r.product.id == id);
        for v in variants {
            if let Some(i) = index(&records, v.product_id) {
                records[i].variants.push(v);
            }
        }
        for (product, t) in taxes {
            if let Some(i) = index(&records, product) {
                records[i].taxes.push(t);
            }
        }
        for image in images {
            if let Some(i) = index(&records, image.product_id) {
                records[i].images.push(image);
            }
        }
        for (level, pdv_name) in stock {
            if let Some(i) = index(&records, level.item.product_id) {
                let r = &mut records[i];
                if !r.pdv_names.iter().any(|(p, _)| *p == level.pdv_id) {
                    r.pdv_names.push((level.pdv_id, pdv_name));
                }
                r.stock.push(level);
            }
        }
        Ok(records)
    }
}
