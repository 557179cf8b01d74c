//! Shapes of the stock and movements APIs.

use super::catalog_dto::cents;
use ally360::inventory::model::{Movement, StockLevel};
use ally360::inventory::{Kardex, KardexLine, ProductStock, TransferLine};
use ally360::kernel::Quantity;
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A quantity as it travels: a decimal without trailing zeros.
pub(super) fn qty(q: Quantity) -> Decimal {
    q.value().normalize()
}

/// The stock of a product (or variant) at a point of sale.
#[derive(Object)]
pub struct StockOut {
    pub id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub variant_sku: Option<String>,
    pub pdv_id: Uuid,
    pub pdv_name: String,
    pub quantity: Decimal,
    pub min_quantity: Decimal,
    /// Weighted average unit cost of what is in stock.
    pub avg_cost: String,
    pub is_low_stock: bool,
    pub product_name: String,
    pub product_sku: String,
    pub updated_at: DateTime<Utc>,
}

/// The stock rows of a product.
pub fn stock_rows(s: &ProductStock) -> Vec<StockOut> {
    let variant_sku =
        |id: Option<ally360::kernel::VariantId>| s.variants.iter().find(|v| Some(v.id) == id).map(|v| v.sku.clone());
    s.levels
        .iter()
        .map(|l: &StockLevel| StockOut {
            id: l.id.as_uuid(),
            product_id: l.item.product_id.as_uuid(),
            variant_id: l.item.variant_id.map(|v| v.as_uuid()),
            variant_sku: variant_sku(l.item.variant_id),
            pdv_id: l.pdv_id.as_uuid(),
            pdv_name: s.pdv_names.iter().find(|(id, _)| *id == l.pdv_id).map(|(_, n)| n.clone()).unwrap_or_default(),
            quantity: qty(l.quantity),
            min_quantity: qty(l.min_quantity),
            avg_cost: cents(l.avg_cost),
            is_low_stock: l.is_low(),
            product_name: s.product.name.clone(),
            product_sku: s.product.sku.clone(),
            updated_at: l.updated_at,
        })
        .collect()
}

/// A product's stock over every point of sale.
#[derive(Object)]
pub struct StockSummaryOut {
    pub product_id: Uuid,
    pub product_name: String,
    pub product_sku: String,
    pub total_quantity: Decimal,
    pub pdv_stocks: Vec<StockOut>,
}

/// The company's inventory settings.
#[derive(Object)]
pub struct InventorySettingsDto {
    /// Whether stock may go below zero for every product (a product's own flag allows it for that product).
    pub sell_in_negative: bool,
}

/// A movement to post: IN and OUT take a positive quantity; ADJUSTMENT a signed one and a reason.
#[derive(Object)]
pub struct MovementIn {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub pdv_id: Uuid,
    /// IN, OUT or ADJUSTMENT.
    pub movement_type: String,
    pub quantity: Decimal,
    /// Unit cost of an IN (default: the product's cost).
    pub unit_cost: Option<Decimal>,
    /// Required for an ADJUSTMENT.
    pub reason: Option<String>,
    pub notes: Option<String>,
}

/// A movement of the kardex.
#[derive(Object)]
pub struct MovementOut {
    pub id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub pdv_id: Uuid,
    pub movement_type: String,
    /// Signed: positive adds stock.
    pub quantity: Decimal,
    pub unit_cost: Option<String>,
    /// The stock of this product (variant) at this PDV after the movement.
    pub balance_after: Decimal,
    pub document_type: Option<String>,
    pub document_id: Option<Uuid>,
    pub document_number: Option<String>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<&Movement> for MovementOut {
    fn from(m: &Movement) -> Self {
        Self {
            id: m.id.as_uuid(),
            product_id: m.item.product_id.as_uuid(),
            variant_id: m.item.variant_id.map(|v| v.as_uuid()),
            pdv_id: m.pdv_id.as_uuid(),
            movement_type: m.movement_type.as_str().into(),
            quantity: qty(m.quantity),
            unit_cost: m.unit_cost.map(cents),
            balance_after: qty(m.balance_after),
            document_type: m.document_type.clone(),
            document_id: m.document_id,
            document_number: m.document_number.clone(),
            notes: m.notes.clone(),
            created_by: m.created_by.as_uuid(),
            created_at: m.created_at,
        }
    }
}

/// A page of movements, newest first.
#[derive(Object)]
pub struct MovementPage {
    pub items: Vec<MovementOut>,
    pub limit: u32,
    pub next_cursor: Option<String>,
}

/// One line of a transfer.
#[derive(Object)]
pub struct TransferLineIn {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub quantity: Decimal,
}

impl From<TransferLineIn> for TransferLine {
    fn from(l: TransferLineIn) -> Self {
        Self { product_id: l.product_id, variant_id: l.variant_id, quantity: l.quantity }
    }
}

/// A transfer between two points of sale: every line moves, or none.
#[derive(Object)]
pub struct TransferIn {
    pub from_pdv_id: Uuid,
    pub to_pdv_id: Uuid,
    pub lines: Vec<TransferLineIn>,
    pub notes: Option<String>,
}

/// A finished transfer: for each line its TRANSFER_OUT then its TRANSFER_IN.
#[derive(Object)]
pub struct TransferOut {
    pub transfer_id: Uuid,
    pub movements: Vec<MovementOut>,
}

/// One line of the kardex.
#[derive(Object)]
pub struct KardexLineOut {
    pub movement: MovementOut,
    pub quantity_in: Decimal,
    pub quantity_out: Decimal,
    pub balance: Decimal,
    pub value: String,
    pub average_cost: Option<String>,
}

impl From<&KardexLine> for KardexLineOut {
    fn from(l: &KardexLine) -> Self {
        Self {
            movement: (&l.movement).into(),
            quantity_in: qty(l.quantity_in),
            quantity_out: qty(l.quantity_out),
            balance: qty(l.balance),
            value: cents(l.value),
            average_cost: l.average_cost.map(cents),
        }
    }
}

/// A page of the kardex: opening balance, lines oldest first, closing balance.
#[derive(Object)]
pub struct KardexOut {
    pub opening_balance: Decimal,
    pub opening_value: String,
    pub lines: Vec<KardexLineOut>,
    pub closing_balance: Decimal,
    pub closing_value: String,
    /// Send it back as `cursor`: the next page opens where this one closes.
    pub next_cursor: Option<String>,
}

impl KardexOut {
    pub fn new(k: &Kardex, next_cursor: Option<String>) -> Self {
        Self {
            opening_balance: qty(k.opening_balance),
            opening_value: cents(k.opening_value),
            lines: k.lines.iter().map(Into::into).collect(),
            closing_balance: qty(k.closing_balance),
            closing_value: cents(k.closing_value),
            next_cursor,
        }
    }
}
