//! Stock levels and inventory movements.

use crate::kernel::{Money, MovementId, PdvId, ProductId, Quantity, StockId, UserId, VariantId};
use chrono::{DateTime, Utc};

/// What is counted: a product without variants, or one variant of a product. Stock rows and
/// movements are keyed by it, so one (item, PDV) pair has exactly one stock row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Item {
    pub product_id: ProductId,
    pub variant_id: Option<VariantId>,
}

/// The stock of one item at one PDV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLevel {
    pub id: StockId,
    pub item: Item,
    pub pdv_id: PdvId,
    pub quantity: Quantity,
    /// Alert threshold; 0 means no alert.
    pub min_quantity: Quantity,
    /// Weighted average unit cost of what is in stock.
    pub avg_cost: Money,
    pub updated_at: DateTime<Utc>,
}

impl StockLevel {
    /// Below its minimum (only when a minimum is set).
    pub fn is_low(&self) -> bool {
        self.min_quantity > Quantity::ZERO && self.quantity < self.min_quantity
    }
}

/// Why stock moved. The sign of the quantity follows the type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MovementType {
    /// Stock a product starts with (written when it is created).
    Initial,
    In,
    Out,
    Adjustment,
    TransferOut,
    TransferIn,
    Sale,
    SaleReturn,
    Purchase,
    PurchaseReturn,
}

impl MovementType {
    /// Every type, in wire order.
    pub const ALL: [MovementType; 10] = [
        MovementType::Initial,
        MovementType::In,
        MovementType::Out,
        MovementType::Adjustment,
        MovementType::TransferOut,
        MovementType::TransferIn,
        MovementType::Sale,
        MovementType::SaleReturn,
        MovementType::Purchase,
        MovementType::PurchaseReturn,
    ];

    /// The stored and wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            MovementType::Initial => "INITIAL",
            MovementType::In => "IN",
            MovementType::Out => "OUT",
            MovementType::Adjustment => "ADJUSTMENT",
            MovementType::TransferOut => "TRANSFER_OUT",
            MovementType::TransferIn => "TRANSFER_IN",
            MovementType::Sale => "SALE",
            MovementType::SaleReturn => "SALE_RETURN",
            MovementType::Purchase => "PURCHASE",
            MovementType::PurchaseReturn => "PURCHASE_RETURN",
        }
    }

    /// Reads a stored or wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One line of the kardex: a signed change of one item's stock at one PDV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    pub id: MovementId,
    pub item: Item,
    pub pdv_id: PdvId,
    pub movement_type: MovementType,
    /// Positive adds stock, negative removes it.
    pub quantity: Quantity,
    pub unit_cost: Option<Money>,
    /// The stock after this movement (filled in by the repository).
    pub balance_after: Quantity,
    /// The document it came from: type (`invoice`, `bill`, `transfer`...), id and number.
    pub document_type: Option<String>,
    pub document_id: Option<uuid::Uuid>,
    pub document_number: Option<String>,
    pub notes: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl MovementType {
    /// Whether a client may post this type directly (the others come from their documents).
    pub fn is_manual(&self) -> bool {
        matches!(self, MovementType::In | MovementType::Out | MovementType::Adjustment)
    }
}

/// The company's inventory settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InventorySettings {
    /// Whether stock may go below zero for every product (a product's own flag allows it for that product).
    pub sell_in_negative: bool,
}

/// The one negative-stock rule, for every caller (movements, transfers, invoices, POS, bills).
pub fn allows_negative(settings: InventorySettings, product_sell_in_negative: bool) -> bool {
    settings.sell_in_negative || product_sell_in_negative
}

/// What a movements list or a kardex asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MovementQuery {
    pub product: Option<ProductId>,
    /// `Some(None)`: the product's own rows only (no variant); `Some(Some(v))`: that variant.
    pub variant: Option<Option<VariantId>>,
    pub pdv: Option<PdvId>,
    pub kind: Option<MovementType>,
    pub document_id: Option<uuid::Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset position: rows after this (time, id) in the list's direction.
    pub after: Option<(DateTime<Utc>, MovementId)>,
    /// Oldest first (kardex) or newest first (lists).
    pub ascending: bool,
    pub limit: u32,
}
