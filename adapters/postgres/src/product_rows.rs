//! Row decoding of products and their parts, and the one statement that reads full product records:
//! each product row carries its variants, taxes, images and stock as JSON arrays built by correlated
//! subqueries. Numbers travel as text and times as microseconds since the epoch, so nothing is lost.

use crate::catalog::tax_kind;
use ally360::catalog::model::{Product, ProductImage, ProductKind, Variant};
use ally360::catalog::repo::ProductRecord;
use ally360::catalog::tax::Tax;
use ally360::inventory::model::{Item, StockLevel};
use ally360::kernel::*;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::Row;
use std::collections::BTreeMap;
use std::str::FromStr;
use uuid::Uuid;

fn bad(what: impl std::fmt::Display) -> sqlx::Error {
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

/// Reads the fields of one JSON object built by [`record_sql`].
struct Obj<'a>(&'a Value);

impl<'a> Obj<'a> {
    fn get(&self, key: &str) -> &'a Value {
        self.0.get(key).unwrap_or(&Value::Null)
    }
    fn opt_str(&self, key: &str) -> Result<Option<&'a str>, sqlx::Error> {
        match self.get(key) {
            Value::Null => Ok(None),
            v => v.as_str().map(Some).ok_or_else(|| bad(key)),
        }
    }
    fn str(&self, key: &str) -> Result<&'a str, sqlx::Error> {
        self.opt_str(key)?.ok_or_else(|| bad(key))
    }
    fn string(&self, key: &str) -> Result<String, sqlx::Error> {
        self.str(key).map(str::to_string)
    }
    fn opt_string(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(self.opt_str(key)?.map(str::to_string))
    }
    fn opt_uuid(&self, key: &str) -> Result<Option<Uuid>, sqlx::Error> {
        self.opt_str(key)?.map(|s| Uuid::parse_str(s).map_err(|_| bad(key))).transpose()
    }
    fn uuid(&self, key: &str) -> Result<Uuid, sqlx::Error> {
        self.opt_uuid(key)?.ok_or_else(|| bad(key))
    }
    fn opt_decimal(&self, key: &str) -> Result<Option<Decimal>, sqlx::Error> {
        self.opt_str(key)?.map(|s| Decimal::from_str(s).map_err(|_| bad(key))).transpose()
    }
    fn decimal(&self, key: &str) -> Result<Decimal, sqlx::Error> {
        self.opt_decimal(key)?.ok_or_else(|| bad(key))
    }
    fn bool(&self, key: &str) -> Result<bool, sqlx::Error> {
        self.get(key).as_bool().ok_or_else(|| bad(key))
    }
    fn int(&self, key: &str) -> Result<i64, sqlx::Error> {
        self.get(key).as_i64().ok_or_else(|| bad(key))
    }
    /// A time sent as microseconds since the Unix epoch.
    fn time(&self, key: &str) -> Result<DateTime<Utc>, sqlx::Error> {
        DateTime::from_timestamp_micros(self.int(key)?).ok_or_else(|| bad(key))
    }
}

/// The elements of a JSON array column.
fn array(r: &PgRow, column: &str) -> Result<Vec<Value>, sqlx::Error> {
    match r.try_get::<Value, _>(column)? {
        Value::Array(items) => Ok(items),
        _ => Err(bad(column)),
    }
}

fn json_variant(o: Obj, product_id: ProductId) -> Result<Variant, sqlx::Error> {
    Ok(Variant {
        id: VariantId::from_uuid(o.uuid("id")?),
        product_id,
        sku: o.string("sku")?,
        barcode: o.opt_string("barcode")?,
        attributes: attributes(o.get("attributes").clone())?,
        price: o.opt_decimal("price")?.map(Money::new),
        is_active: o.bool("is_active")?,
        created_at: o.time("created_at")?,
        updated_at: o.time("updated_at")?,
    })
}

fn json_tax(o: Obj) -> Result<Tax, sqlx::Error> {
    Ok(Tax {
        id: TaxId::from_uuid(o.uuid("id")?),
        tenant: o.opt_uuid("tenant_id")?.map(TenantId::from_uuid),
        name: o.string("name")?,
        code: o.string("code")?,
        rate: o.decimal("rate")?.normalize(),
        kind: tax_kind(o.str("kind")?)?,
        is_editable: o.bool("is_editable")?,
        created_at: o.time("created_at")?,
        updated_at: o.time("updated_at")?,
    })
}

fn json_image(o: Obj, product_id: ProductId) -> Result<ProductImage, sqlx::Error> {
    Ok(ProductImage {
        id: ImageId::from_uuid(o.uuid("id")?),
        product_id,
        object_key: o.string("object_key")?,
        file_name: o.string("file_name")?,
        file_size: u64::try_from(o.int("file_size")?).map_err(|_| bad("file_size"))?,
        content_type: o.string("content_type")?,
        is_primary: o.bool("is_primary")?,
        sort_order: i32::try_from(o.int("sort_order")?).map_err(|_| bad("sort_order"))?,
        created_at: o.time("created_at")?,
    })
}

fn json_stock(o: Obj, product_id: ProductId) -> Result<StockLevel, sqlx::Error> {
    Ok(StockLevel {
        id: StockId::from_uuid(o.uuid("id")?),
        item: Item { product_id, variant_id: o.opt_uuid("variant_id")?.map(VariantId::from_uuid) },
        pdv_id: PdvId::from_uuid(o.uuid("pdv_id")?),
        quantity: Quantity::new(o.decimal("quantity")?),
        min_quantity: Quantity::new(o.decimal("min_quantity")?),
        avg_cost: Money::new(o.decimal("avg_cost")?),
        updated_at: o.time("updated_at")?,
    })
}

/// A full record from a row of [`record_sql`].
pub(crate) fn record(r: &PgRow) -> Result<ProductRecord, sqlx::Error> {
    let product = product(r)?;
    let id = product.id;
    let variants = array(r, "variants_json")?.iter().map(|v| json_variant(Obj(v), id)).collect::<Result<_, _>>()?;
    let taxes = array(r, "taxes_json")?.iter().map(|v| json_tax(Obj(v))).collect::<Result<_, _>>()?;
    let images = array(r, "images_json")?.iter().map(|v| json_image(Obj(v), id)).collect::<Result<_, _>>()?;
    let mut stock = Vec::new();
    let mut pdv_names: Vec<(PdvId, String)> = Vec::new();
    for v in array(r, "stock_json")? {
        let level = json_stock(Obj(&v), id)?;
        if !pdv_names.iter().any(|(p, _)| *p == level.pdv_id) {
            pdv_names.push((level.pdv_id, Obj(&v).string("pdv_name")?));
        }
        stock.push(level);
    }
    let group = |id: &str, name: &str| -> Result<Option<(GroupId, String)>, sqlx::Error> {
        let id: Option<Uuid> = r.try_get(id)?;
        let name: Option<String> = r.try_get(name)?;
        Ok(id.zip(name).map(|(id, name)| (GroupId::from_uuid(id), name)))
    };
    Ok(ProductRecord {
        brand: group("brand_id", "brand_name")?,
        category: group("category_id", "category_name")?,
        product,
        variants,
        taxes,
        images,
        stock,
        pdv_names,
    })
}

/// Microseconds since the Unix epoch of a timestamptz (exact: `extract` yields numeric).
macro_rules! micros {
    ($col:literal) => {
        concat!("(extract(epoch FROM ", $col, ") * 1000000)::bigint")
    };
}

/// The parts of each product row `p` (a subquery exposing the products columns) as JSON arrays, and
/// the names of its brand and category. Variants come by creation, taxes by name, images by sort order,
/// stock by PDV name.
const PARTS: &str = concat!(
    "(SELECT coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'barcode', v.barcode, ",
    "'attributes', v.attributes, 'price', v.price::text, 'is_active', v.is_active, ",
    "'created_at', ",
    micros!("v.created_at"),
    ", 'updated_at', ",
    micros!("v.updated_at"),
    ") ORDER BY v.created_at, v.id), '[]'::json) ",
    "FROM product_variants v WHERE v.tenant_id = p.tenant_id AND v.product_id = p.id) AS variants_json, ",
    "(SELECT coalesce(json_agg(json_build_object('id', t.id, 'tenant_id', t.tenant_id, 'name', t.name, ",
    "'code', t.code, 'rate', t.rate::text, 'kind', t.kind, 'is_editable', t.is_editable, 'created_at', ",
    micros!("t.created_at"),
    ", 'updated_at', ",
    micros!("t.updated_at"),
    ") ORDER BY t.sort_name, t.id), '[]'::json) ",
    "FROM product_taxes pt JOIN taxes t ON t.id = pt.tax_id ",
    "WHERE pt.tenant_id = p.tenant_id AND pt.product_id = p.id) AS taxes_json, ",
    "(SELECT coalesce(json_agg(json_build_object('id', i.id, 'object_key', i.object_key, ",
    "'file_name', i.file_name, 'file_size', i.file_size, 'content_type', i.content_type, ",
    "'is_primary', i.is_primary, 'sort_order', i.sort_order, 'created_at', ",
    micros!("i.created_at"),
    ") ORDER BY i.sort_order, i.created_at, i.id), '[]'::json) ",
    "FROM product_images i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id) AS images_json, ",
    "(SELECT coalesce(json_agg(json_build_object('id', s.id, 'variant_id', s.variant_id, 'pdv_id', s.pdv_id, ",
    "'pdv_name', d.name, 'quantity', s.quantity::text, 'min_quantity', s.min_quantity::text, ",
    "'avg_cost', s.avg_cost::text, 'updated_at', ",
    micros!("s.updated_at"),
    ") ORDER BY d.sort_name, s.pdv_id, s.id), '[]'::json) ",
    "FROM stocks s JOIN pdvs d ON d.tenant_id = s.tenant_id AND d.id = s.pdv_id ",
    "WHERE s.tenant_id = p.tenant_id AND s.product_id = p.id) AS stock_json, ",
    "b.name AS brand_name, c.name AS category_name",
);

/// One statement reading full records of the products selected by `source` (a subquery over
/// `products` aliased `p`, which may add columns), in `order`.
pub(crate) fn record_sql(source: &str, order: &str) -> String {
    let (head, tail) = record_sql_around(order);
    format!("{head}{source}{tail}")
}

/// The text before and after the source subquery of [`record_sql`].
pub(crate) fn record_sql_around(order: &str) -> (String, String) {
    (
        format!("SELECT p.*, {PARTS} FROM ("),
        format!(
            ") p LEFT JOIN brands b ON b.tenant_id = p.tenant_id AND b.id = p.brand_id \
             LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id \
             ORDER BY {order}"
        ),
    )
}
