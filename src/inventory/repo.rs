//! Repository of stock levels and movements (tenant data, reached through `TenantTx`).

use super::model::{InventorySettings, Item, Movement, MovementQuery, StockLevel};
use crate::kernel::{CoreResult, Money, PdvId, ProductId, Quantity, StockId};
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
    /// false, then records the movement with the resulting balance. An addition with a unit cost moves
    /// the row's weighted average cost; a removal without one is recorded at that average cost. Returns
    /// the movement as recorded (balance and unit cost filled in), or `None` (nothing written) when the
    /// rule refused it.
    async fn apply(&mut self, movement: &Movement, allow_negative: bool) -> CoreResult<Option<Movement>>;
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
    /// The movements matching the query, in its direction, at most `limit`.
    async fn movements(&mut self, query: &MovementQuery) -> CoreResult<Vec<Movement>>;
    /// The quantity and value (Σ quantity × unit cost) of the movements matching the query's item and PDV
    /// filters (not its type, document, range or position) that come before `before` (time, id), or up to
    /// and including it when `inclusive`.
    async fn balance_before(
        &mut self,
        query: &MovementQuery,
        before: (DateTime<Utc>, crate::kernel::MovementId),
        inclusive: bool,
    ) -> CoreResult<(Quantity, Money)>;
    /// The company's inventory settings (defaults when never saved).
    async fn settings(&mut self) -> CoreResult<InventorySettings>;
    async fn save_settings(&mut self, settings: InventorySettings, at: DateTime<Utc>) -> CoreResult<()>;
}
