//! What clients send to the products API. Create uses the spec's camelCase names; changes accept
//! camelCase and snake_case spellings of the same field.

use ally360::catalog::{NewProduct, NewVariant, ProductChanges, StockInput, VariantChanges};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Stock at one point of sale.
#[derive(Object)]
pub struct StockIn {
    pub pdv_id: Uuid,
    /// 0 or more, up to 3 decimals.
    pub quantity: Decimal,
    /// Alert threshold (default 0: no alert).
    pub min_quantity: Option<Decimal>,
}

fn stocks(list: Option<Vec<StockIn>>) -> Vec<StockInput> {
    list.unwrap_or_default()
        .into_iter()
        .map(|s| StockInput {
            pdv_id: s.pdv_id,
            quantity: s.quantity,
            min_quantity: s.min_quantity.unwrap_or_default(),
        })
        .collect()
}

/// A variant with its own sku, attributes, optional price and initial stock.
#[derive(Object)]
pub struct VariantIn {
    pub sku: String,
    pub barcode: Option<String>,
    /// For example `{"talla": "M", "color": "rojo"}`.
    pub attributes: Option<BTreeMap<String, String>>,
    /// Sale price when it differs from the product's.
    pub price: Option<Decimal>,
    pub is_active: Option<bool>,
    pub stocks: Option<Vec<StockIn>>,
}

impl From<VariantIn> for NewVariant {
    fn from(v: VariantIn) -> Self {
        Self {
            sku: v.sku,
            barcode: v.barcode,
            attributes: v.attributes.unwrap_or_default(),
            price: v.price,
            is_active: v.is_active,
            stocks: stocks(v.stocks),
        }
    }
}

/// A product or service to create. Prices are tax-exclusive.
#[derive(Object)]
pub struct ProductIn {
    pub name: String,
    pub sku: String,
    pub description: Option<String>,
    #[oai(rename = "barCode")]
    pub bar_code: Option<String>,
    /// `product` (default; keeps stock) or `service`.
    pub kind: Option<String>,
    /// unit (default), kg, g, lb, l, ml, gal, m, cm, m2, m3, box, dozen, hour.
    pub unit: Option<String>,
    #[oai(rename = "priceSale")]
    pub price_sale: Option<Decimal>,
    /// Cost price.
    #[oai(rename = "priceBase")]
    pub price_base: Option<Decimal>,
    #[oai(rename = "sellInNegative")]
    pub sell_in_negative: Option<bool>,
    /// Active (default true).
    pub state: Option<bool>,
    pub brand_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    /// At most one VAT.
    pub tax_ids: Option<Vec<Uuid>>,
    /// Initial stock of a product without variants, per point of sale.
    pub stocks: Option<Vec<StockIn>>,
    /// Variants, each with its own stock (then `stocks` stays empty).
    pub variants: Option<Vec<VariantIn>>,
}

impl From<ProductIn> for NewProduct {
    fn from(p: ProductIn) -> Self {
        Self {
            name: p.name,
            sku: p.sku,
            description: p.description,
            barcode: p.bar_code,
            kind: p.kind,
            unit: p.unit,
            price: p.price_sale.unwrap_or_default(),
            cost: p.price_base.unwrap_or_default(),
            sell_in_negative: p.sell_in_negative.unwrap_or(false),
            is_active: p.state,
            brand_id: p.brand_id,
            category_id: p.category_id,
            tax_ids: p.tax_ids.unwrap_or_default(),
            stocks: stocks(p.stocks),
            variants: p.variants.unwrap_or_default().into_iter().map(Into::into).collect(),
        }
    }
}

fn clearable<T>(v: MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

fn either<T>(camel: MaybeUndefined<T>, snake: MaybeUndefined<T>) -> MaybeUndefined<T> {
    if camel.is_undefined() {
        snake
    } else {
        camel
    }
}

/// Changes to a product: only the fields sent; `null` clears an optional one.
#[derive(Object)]
pub struct ProductPatch {
    pub name: MaybeUndefined<String>,
    pub sku: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    #[oai(rename = "barCode")]
    pub bar_code_camel: MaybeUndefined<String>,
    pub bar_code: MaybeUndefined<String>,
    pub unit: MaybeUndefined<String>,
    #[oai(rename = "priceSale")]
    pub price_sale_camel: MaybeUndefined<Decimal>,
    pub price_sale: MaybeUndefined<Decimal>,
    #[oai(rename = "priceBase")]
    pub price_base_camel: MaybeUndefined<Decimal>,
    pub price_base: MaybeUndefined<Decimal>,
    #[oai(rename = "sellInNegative")]
    pub sell_in_negative_camel: MaybeUndefined<bool>,
    pub sell_in_negative: MaybeUndefined<bool>,
    /// Active or not (also `is_active`).
    pub state: MaybeUndefined<bool>,
    pub is_active: MaybeUndefined<bool>,
    pub brand_id: MaybeUndefined<Uuid>,
    pub category_id: MaybeUndefined<Uuid>,
    /// Replaces the product's taxes.
    pub tax_ids: MaybeUndefined<Vec<Uuid>>,
}

impl From<ProductPatch> for ProductChanges {
    fn from(p: ProductPatch) -> Self {
        Self {
            name: p.name.take(),
            sku: p.sku.take(),
            description: clearable(p.description),
            barcode: clearable(either(p.bar_code_camel, p.bar_code)),
            unit: p.unit.take(),
            price: either(p.price_sale_camel, p.price_sale).take(),
            cost: either(p.price_base_camel, p.price_base).take(),
            sell_in_negative: either(p.sell_in_negative_camel, p.sell_in_negative).take(),
            is_active: either(p.state, p.is_active).take(),
            brand_id: clearable(p.brand_id),
            category_id: clearable(p.category_id),
            tax_ids: clearable(p.tax_ids).map(Option::unwrap_or_default),
        }
    }
}

/// Changes to a variant; `price: null` makes it use the product's price.
#[derive(Object)]
pub struct VariantPatch {
    pub sku: MaybeUndefined<String>,
    pub barcode: MaybeUndefined<String>,
    pub attributes: MaybeUndefined<BTreeMap<String, String>>,
    pub price: MaybeUndefined<Decimal>,
    pub is_active: MaybeUndefined<bool>,
}

impl From<VariantPatch> for VariantChanges {
    fn from(v: VariantPatch) -> Self {
        Self {
            sku: v.sku.take(),
            barcode: clearable(v.barcode),
            attributes: v.attributes.take(),
            price: clearable(v.price),
            is_active: v.is_active.take(),
        }
    }
}

/// A minimum quantity for the alert (0 turns it off).
#[derive(Object)]
pub struct MinQuantityIn {
    pub min_quantity: Decimal,
    /// Required for a product with variants.
    pub variant_id: Option<Uuid>,
}

/// An image to upload.
#[derive(Object)]
pub struct ImageUploadIn {
    pub filename: String,
    /// image/jpeg, image/png or image/webp.
    pub content_type: String,
}

/// An uploaded image to attach.
#[derive(Object)]
pub struct ImageAttachIn {
    pub key: String,
    pub file_name: String,
    /// Make it the primary image (the first image always is).
    pub is_primary: Option<bool>,
}

/// Changes to an image: make it primary and/or move it (0 = first).
#[derive(Object)]
pub struct ImagePatch {
    pub is_primary: Option<bool>,
    pub position: Option<u32>,
}
