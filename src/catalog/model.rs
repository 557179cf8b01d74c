//! The catalog's entities: points of sale, brands and categories, products, variants and images.

use crate::kernel::{GroupId, ImageId, Money, PdvId, ProductId, UserId, VariantId};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A point of sale, which is also a warehouse. Exactly one per company is the main one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdv {
    pub id: PdvId,
    pub name: String,
    pub address: Option<String>,
    pub phone_number: Option<String>,
    pub is_main: bool,
    pub is_active: bool,
    pub department_id: Option<i32>,
    pub city_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A Colombian department (DANE), global reference data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    pub id: i32,
    pub code: String,
    pub name: String,
}

/// A Colombian city (DANE), global reference data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct City {
    pub id: i32,
    pub department_id: i32,
    pub code: String,
    pub name: String,
}

/// Which kind of grouping: brands and categories share shape and rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    Brand,
    Category,
}

impl GroupKind {
    /// The entity name used in errors.
    pub fn entity(&self) -> &'static str {
        match self {
            GroupKind::Brand => "brand",
            GroupKind::Category => "category",
        }
    }
}

/// A brand or a category. Names are unique per company, ignoring case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub kind: GroupKind,
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stocked good or a service (which has no stock).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductKind {
    Product,
    Service,
}

impl ProductKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProductKind::Product => "product",
            ProductKind::Service => "service",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "product" => Some(ProductKind::Product),
            "service" => Some(ProductKind::Service),
            _ => None,
        }
    }
}

/// Units of measure a product is counted in (quantities keep 3 decimals, so kilos and metres work).
pub const UNITS: [&str; 14] =
    ["unit", "kg", "g", "lb", "l", "ml", "gal", "m", "cm", "m2", "m3", "box", "dozen", "hour"];

/// A product or service of the catalog. Prices are tax-exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub sku: String,
    pub description: Option<String>,
    pub barcode: Option<String>,
    pub kind: ProductKind,
    /// One of [`UNITS`].
    pub unit: String,
    /// Sale price.
    pub price: Money,
    /// Cost (weighted average once purchases exist).
    pub cost: Money,
    /// Whether stock may go below zero when selling.
    pub sell_in_negative: bool,
    pub brand_id: Option<GroupId>,
    pub category_id: Option<GroupId>,
    /// Stock is kept per variant (true) or per product (false), never both.
    pub has_variants: bool,
    pub is_active: bool,
    /// Set when the product was archived because it has history.
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub updated_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    /// Whether the product keeps stock.
    pub fn is_stocked(&self) -> bool {
        self.kind == ProductKind::Product
    }
}

/// A variant of a product: its own sku, attributes (talla, color...), optional price and its own stock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: String,
    pub barcode: Option<String>,
    /// Attribute name → value, e.g. `talla → M`, `color → rojo`.
    pub attributes: BTreeMap<String, String>,
    /// Sale price when it differs from the product's.
    pub price: Option<Money>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An image of a product, stored in object storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductImage {
    pub id: ImageId,
    pub product_id: ProductId,
    pub object_key: String,
    pub file_name: String,
    pub file_size: u64,
    pub content_type: String,
    pub is_primary: bool,
    pub sort_order: i32,
    pub created_at: DateTime<Utc>,
}
