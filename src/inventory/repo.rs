//! Repository of stock levels and movements (tenant data, reached through `TenantTx`).

use super::model::{Item, Movement, StockLevel};
use crate::kernel::{CoreResult, PdvId, ProductId, Quantity, StockId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A stock level below its minimum, with the names a reader needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowStock {
    pub level: StockLevel,
    pub product_name: String,
    pub product_sku: String,
    pub variant_sku: Option<String>,
    pub pdv_name: String,
}

/// The tenant's stock and its movements.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait StockRepo: Send {
    /// Applies a movement atomically: adds `movement.quantity` to the (item, PDV) stock row
    /// (creating it at zero when missing) unless the result would be negative and `allow_negative` is
    /// false, then records the movement with the resulting balance. Returns that balance, or `None`
    /// (nothing written) when the rule refused it.
    async fn apply(&mut self, movement: &Movement, allow_negative: bool) -> CoreResult<Option<Quantity>>;
    /// Sets the minimum of the (item, PDV) row, creating the row at zero when missing.
    async fn set_min(&mut self, item: Item, pdv: PdvId, min: Quantity, at: DateTime<Utc>) -> CoreResult<StockLevel>;
    /// Every stock row of these products.
    async fn levels(&mut self, products: &[ProductId]) -> CoreResult<Vec<StockLevel>>;
    /// Rows below their minimum (minimum > 0) of live products, optionally at one PDV, sorted by
    /// lower-case product name then stock id, after the given (name, id), at most `limit`.
    async fn low(
        &mut self,
        pdv: Option<PdvId>,
        after: Option<(String, StockId)>,
        limit: u32,
    ) -> CoreResult<Vec<LowStock>>;
    /// Whether the PDV holds stock or has any movement.
    async fn pdv_in_use(&mut self, pdv: PdvId) -> CoreResult<bool>;
    /// Whether the product has any movement.
    async fn product_has_history(&mut self, product: ProductId) -> CoreResult<bool>;
}
