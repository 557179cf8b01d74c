//! What the products API answers: the spec's product view (camelCase) with variants, taxes, images
//! and stock aggregated per point of sale, variants nested.

use super::catalog_dto::{cents, TaxOut};
use ally360::catalog::model::{ProductKind, Variant};
use ally360::catalog::{ImageView, ProductView};
use ally360::inventory::model::StockLevel;
use ally360::inventory::repo::LowStock;
use ally360::kernel::{Quantity, VariantId};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

fn qty(q: Quantity) -> Decimal {
    q.value().normalize()
}

/// A brand or category reference.
#[derive(Object)]
pub struct RefOut {
    pub id: Uuid,
    pub name: String,
}

/// A variant.
#[derive(Object)]
pub struct VariantOut {
    pub id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub barcode: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// The price it sells at (its own, or the product's), two decimals.
    pub price: String,
    /// Its own price, when set.
    pub price_override: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

impl VariantOut {
    pub fn new(v: &Variant, product_price: ally360::kernel::Money) -> Self {
        Self {
            id: v.id.as_uuid(),
            product_id: v.product_id.as_uuid(),
            sku: v.sku.clone(),
            barcode: v.barcode.clone(),
            attributes: v.attributes.clone(),
            price: cents(v.price.unwrap_or(product_price)),
            price_override: v.price.map(cents),
            is_active: v.is_active,
            created_at: v.created_at,
        }
    }
}

/// Stock of one variant at a point of sale.
#[derive(Object)]
pub struct VariantStockOut {
    pub variant_id: Uuid,
    pub sku: String,
    pub quantity: Decimal,
    pub min_quantity: Decimal,
    pub is_low_stock: bool,
}

/// Stock of the product at one point of sale (variants nested).
#[derive(Object)]
pub struct PdvStockOut {
    pub pdv_id: Uuid,
    pub pdv_name: String,
    pub quantity: Decimal,
    pub min_quantity: Decimal,
    pub is_low_stock: bool,
    pub variants: Vec<VariantStockOut>,
}

/// An image with a short-lived URL.
#[derive(Object)]
pub struct ImageOut {
    pub id: Uuid,
    pub file_name: String,
    pub file_size: u64,
    pub content_type: String,
    pub is_primary: bool,
    pub sort_order: i32,
    pub url: String,
    pub url_expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<&ImageView> for ImageOut {
    fn from(v: &ImageView) -> Self {
        Self {
            id: v.image.id.as_uuid(),
            file_name: v.image.file_name.clone(),
            file_size: v.image.file_size,
            content_type: v.image.content_type.clone(),
            is_primary: v.image.is_primary,
            sort_order: v.image.sort_order,
            url: v.url.url.clone(),
            url_expires_at: v.url.expires_at,
            created_at: v.image.created_at,
        }
    }
}

/// A product as the spec's product view, with variants, taxes, images and stock per PDV.
#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct ProductOut {
    pub id: Uuid,
    pub name: String,
    pub sku: String,
    pub description: Option<String>,
    pub bar_code: Option<String>,
    /// `product` or `service`.
    pub kind: String,
    pub unit: String,
    /// "1" without variants, "2" with variants.
    pub type_product: String,
    /// Sale price, tax-exclusive, a decimal string with two places.
    pub price_sale: String,
    /// Cost price, two places.
    pub price_base: String,
    pub sell_in_negative: bool,
    /// Active.
    pub state: bool,
    pub brand: Option<RefOut>,
    pub category: Option<RefOut>,
    pub taxes: Vec<TaxOut>,
    /// How many taxes it carries.
    pub taxes_option: u32,
    /// Download URLs in display order (only the primary one in lists).
    pub images: Vec<String>,
    pub primary_image: Option<String>,
    pub variants: Vec<VariantOut>,
    /// Total stock over every point of sale (and variant).
    pub quantity_stock: Decimal,
    pub global_stock: Decimal,
    pub product_pdv: Vec<PdvStockOut>,
    /// `Existencias`, `Pocas existencias` or `Sin existencias`; null for services.
    pub inventory_type: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn pdv_stock(view: &ProductView) -> Vec<PdvStockOut> {
    let r = &view.record;
    let sku_of = |id: Option<VariantId>| r.variants.iter().find(|v| Some(v.id) == id).map(|v| v.sku.clone());
    let mut out: Vec<PdvStockOut> = Vec::new();
    let mut rows: Vec<&StockLevel> = r.stock.iter().collect();
    rows.sort_by_key(|s| (s.pdv_id, s.item.variant_id));
    for s in rows {
        let name = r.pdv_names.iter().find(|(id, _)| *id == s.pdv_id).map(|(_, n)| n.clone()).unwrap_or_default();
        let entry = match out.iter_mut().position(|p| p.pdv_id == s.pdv_id.as_uuid()) {
            Some(i) => &mut out[i],
            None => {
                out.push(PdvStockOut {
                    pdv_id: s.pdv_id.as_uuid(),
                    pdv_name: name,
                    quantity: Decimal::ZERO,
                    min_quantity: Decimal::ZERO,
                    is_low_stock: false,
                    variants: Vec::new(),
                });
                out.last_mut().unwrap_or_else(|| unreachable!())
            }
        };
        entry.quantity += qty(s.quantity);
        entry.min_quantity += qty(s.min_quantity);
        entry.is_low_stock |= s.is_low();
        if let Some(variant) = s.item.variant_id {
            entry.variants.push(VariantStockOut {
                variant_id: variant.as_uuid(),
                sku: sku_of(Some(variant)).unwrap_or_default(),
                quantity: qty(s.quantity),
                min_quantity: qty(s.min_quantity),
                is_low_stock: s.is_low(),
            });
        }
    }
    out.sort_by(|a, b| a.pdv_name.cmp(&b.pdv_name));
    out
}

impl From<&ProductView> for ProductOut {
    fn from(view: &ProductView) -> Self {
        let r = &view.record;
        let p = &r.product;
        let total: Decimal = r.stock.iter().map(|s| qty(s.quantity)).sum();
        let inventory_type = (p.kind == ProductKind::Product).then(|| {
            if total <= Decimal::ZERO {
                "Sin existencias"
            } else if r.stock.iter().any(StockLevel::is_low) {
                "Pocas existencias"
            } else {
                "Existencias"
            }
            .to_string()
        });
        let images: Vec<String> = view.images.iter().map(|i| i.url.url.clone()).collect();
        Self {
            id: p.id.as_uuid(),
            name: p.name.clone(),
            sku: p.sku.clone(),
            description: p.description.clone(),
            bar_code: p.barcode.clone(),
            kind: p.kind.as_str().into(),
            unit: p.unit.clone(),
            type_product: if p.has_variants { "2" } else { "1" }.into(),
            price_sale: cents(p.price),
            price_base: cents(p.cost),
            sell_in_negative: p.sell_in_negative,
            state: p.is_active,
            brand: r.brand.as_ref().map(|(id, name)| RefOut { id: id.as_uuid(), name: name.clone() }),
            category: r.category.as_ref().map(|(id, name)| RefOut { id: id.as_uuid(), name: name.clone() }),
            taxes: r.taxes.iter().map(Into::into).collect(),
            taxes_option: r.taxes.len() as u32,
            primary_image: view.images.iter().find(|i| i.image.is_primary).map(|i| i.url.url.clone()),
            images,
            variants: r.variants.iter().map(|v| VariantOut::new(v, p.price)).collect(),
            quantity_stock: total,
            global_stock: total,
            product_pdv: pdv_stock(view),
            inventory_type,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A page of products.
#[derive(Object)]
pub struct ProductPage {
    pub data: Vec<ProductOut>,
    pub limit: u32,
    pub has_next: bool,
    /// Send it back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A stock level.
#[derive(Object)]
pub struct StockLevelOut {
    pub id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub pdv_id: Uuid,
    pub quantity: Decimal,
    pub min_quantity: Decimal,
    pub is_low_stock: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<&StockLevel> for StockLevelOut {
    fn from(s: &StockLevel) -> Self {
        Self {
            id: s.id.as_uuid(),
            product_id: s.item.product_id.as_uuid(),
            variant_id: s.item.variant_id.map(|v| v.as_uuid()),
            pdv_id: s.pdv_id.as_uuid(),
            quantity: qty(s.quantity),
            min_quantity: qty(s.min_quantity),
            is_low_stock: s.is_low(),
            updated_at: s.updated_at,
        }
    }
}

/// A stock level below its minimum.
#[derive(Object)]
pub struct LowStockOut {
    #[oai(flatten)]
    pub level: StockLevelOut,
    pub product_name: String,
    pub product_sku: String,
    pub variant_sku: Option<String>,
    pub pdv_name: String,
}

impl From<&LowStock> for LowStockOut {
    fn from(l: &LowStock) -> Self {
        Self {
            level: (&l.level).into(),
            product_name: l.product_name.clone(),
            product_sku: l.product_sku.clone(),
            variant_sku: l.variant_sku.clone(),
            pdv_name: l.pdv_name.clone(),
        }
    }
}

/// A page of products with their stock per point of sale.
#[derive(Object)]
pub struct ProductStockPage {
    pub data: Vec<ProductStockOut>,
    pub limit: u32,
    pub has_next: bool,
    pub next_cursor: Option<String>,
}

/// A page of low-stock alerts.
#[derive(Object)]
pub struct LowStockPage {
    pub items: Vec<LowStockOut>,
    pub limit: u32,
    pub next_cursor: Option<String>,
}

/// A product's stock at every point of sale.
#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct ProductStockOut {
    pub product_id: Uuid,
    pub name: String,
    pub sku: String,
    pub stocks_pdv: Vec<PdvStockOut>,
    pub total_stock: Decimal,
    /// Whether any point of sale is below its minimum.
    pub low_stock_alert: bool,
}

impl From<&ProductView> for ProductStockOut {
    fn from(view: &ProductView) -> Self {
        Self::at(view, None)
    }
}

impl ProductStockOut {
    /// The product's stock at one point of sale (or at all of them).
    pub fn at(view: &ProductView, pdv: Option<Uuid>) -> Self {
        let p = &view.record.product;
        let mut stocks_pdv = pdv_stock(view);
        stocks_pdv.retain(|s| pdv.is_none_or(|id| s.pdv_id == id));
        Self {
            product_id: p.id.as_uuid(),
            name: p.name.clone(),
            sku: p.sku.clone(),
            total_stock: stocks_pdv.iter().map(|s| s.quantity).sum(),
            low_stock_alert: stocks_pdv.iter().any(|s| s.is_low_stock),
            stocks_pdv,
        }
    }
}
