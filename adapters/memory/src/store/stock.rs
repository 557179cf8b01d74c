//! A tenant's stock levels and movements in memory.

use super::MemTx;
use ally360::inventory::model::{InventorySettings, Item, Movement, MovementQuery, StockLevel};
use ally360::inventory::repo::{LowStock, StockRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

impl MemTx {
    /// The (item, PDV) row, created at zero when missing.
    fn stock_row(&mut self, item: Item, pdv: PdvId, at: DateTime<Utc>) -> CoreResult<&mut StockLevel> {
        let data = self.tenant_data()?;
        let id = match data.stocks.values().find(|s| s.item == item && s.pdv_id == pdv) {
            Some(s) => s.id,
            None => {
                let id = StockId::new();
                let level = StockLevel {
                    id,
                    item,
                    pdv_id: pdv,
                    quantity: Quantity::ZERO,
                    min_quantity: Quantity::ZERO,
                    avg_cost: Money::ZERO,
                    updated_at: at,
                };
                data.stocks.insert(id, level);
                id
            }
        };
        data.stocks.get_mut(&id).ok_or_else(|| CoreError::internal("stock row vanished"))
    }
}

#[async_trait]
impl StockRepo for MemTx {
    async fn apply(&mut self, m: &Movement, allow_negative: bool) -> CoreResult<Option<Movement>> {
        let data = self.tenant_data()?;
        let current = data.stocks.values().find(|s| s.item == m.item && s.pdv_id == m.pdv_id);
        let before = current.map_or(Quantity::ZERO, |s| s.quantity);
        let after = Quantity::new(before.value() + m.quantity.value());
        if !allow_negative && after < Quantity::ZERO {
            return Ok(None);
        }
        let row = self.stock_row(m.item, m.pdv_id, m.created_at)?;
        let unit_cost = if m.quantity < Quantity::ZERO { m.unit_cost.or(Some(row.avg_cost)) } else { m.unit_cost };
        if let (true, Some(cost)) = (m.quantity > Quantity::ZERO, m.unit_cost) {
            let held = before.value().max(Decimal::ZERO);
            let value = held * row.avg_cost.amount() + m.quantity.value() * cost.amount();
            row.avg_cost = Money::new(value / (held + m.quantity.value()));
        }
        row.quantity = after;
        row.updated_at = m.created_at;
        let movement = Movement { balance_after: after, unit_cost, ..m.clone() };
        self.tenant_data()?.movements.push_back(movement.clone());
        Ok(Some(movement))
    }

    async fn set_min(&mut self, item: Item, pdv: PdvId, min: Quantity, at: DateTime<Utc>) -> CoreResult<StockLevel> {
        let row = self.stock_row(item, pdv, at)?;
        row.min_quantity = min;
        row.updated_at = at;
        Ok(row.clone())
    }

    async fn levels(&mut self, products: &[ProductId]) -> CoreResult<Vec<StockLevel>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<StockLevel> =
            data.stocks.values().filter(|s| products.contains(&s.item.product_id)).cloned().collect();
        rows.sort_by_key(|s| s.id);
        Ok(rows)
    }

    async fn low(
        &mut self,
        pdv: Option<PdvId>,
        after: Option<(String, StockId)>,
        limit: u32,
    ) -> CoreResult<Vec<LowStock>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<LowStock> = data
            .stocks
            .values()
            .filter(|s| s.is_low() && pdv.is_none_or(|p| s.pdv_id == p))
            .filter_map(|s| {
                let product = data.products.get(&s.item.product_id).filter(|p| p.deleted_at.is_none())?;
                let variant = s.item.variant_id.and_then(|v| data.variants.get(&v));
                Some(LowStock {
                    level: s.clone(),
                    product_name: product.name.clone(),
                    product_sku: product.sku.clone(),
                    variant_sku: variant.map(|v| v.sku.clone()),
                    pdv_name: data.pdvs.get(&s.pdv_id).map(|p| p.name.clone()).unwrap_or_default(),
                })
            })
            .filter(|r| {
                after.as_ref().is_none_or(|(k, id)| (r.product_name.to_lowercase(), r.level.id) > (k.clone(), *id))
            })
            .collect();
        rows.sort_by_key(|r| (r.product_name.to_lowercase(), r.level.id));
        rows.truncate(limit as usize);
        Ok(rows)
    }

    async fn pdv_in_use(&mut self, pdv: PdvId) -> CoreResult<bool> {
        let data = self.tenant_data()?;
        Ok(data.stocks.values().any(|s| s.pdv_id == pdv && s.quantity != Quantity::ZERO)
            || data.movements.iter().any(|m| m.pdv_id == pdv))
    }

    async fn product_has_history(&mut self, product: ProductId) -> CoreResult<bool> {
        Ok(self.tenant_data()?.movements.iter().any(|m| m.item.product_id == product))
    }

    async fn movements(&mut self, q: &MovementQuery) -> CoreResult<Vec<Movement>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<Movement> = data
            .movements
            .iter()
            .filter(|m| filtered(m, q) && within(m, q))
            .filter(|m| {
                q.after.is_none_or(|a| {
                    let key = (m.created_at, m.id);
                    if q.ascending {
                        key > a
                    } else {
                        key < a
                    }
                })
            })
            .cloned()
            .collect();
        rows.sort_by_key(|m| (m.created_at, m.id));
        if !q.ascending {
            rows.reverse();
        }
        rows.truncate(q.limit as usize);
        Ok(rows)
    }

    async fn balance_before(
        &mut self,
        q: &MovementQuery,
        before: (DateTime<Utc>, MovementId),
        inclusive: bool,
    ) -> CoreResult<(Quantity, Money)> {
        let data = self.tenant_data()?;
        let (mut quantity, mut value) = (Decimal::ZERO, Decimal::ZERO);
        for m in data.movements.iter().filter(|m| filtered(m, q)) {
            let key = (m.created_at, m.id);
            if key < before || (inclusive && key == before) {
                quantity += m.quantity.value();
                value += m.quantity.value() * m.unit_cost.map_or(Decimal::ZERO, |c| c.amount());
            }
        }
        Ok((Quantity::new(quantity), Money::new(value)))
    }

    async fn settings(&mut self) -> CoreResult<InventorySettings> {
        Ok(self.tenant_data()?.inventory_settings)
    }

    async fn save_settings(&mut self, settings: InventorySettings, _at: DateTime<Utc>) -> CoreResult<()> {
        self.tenant_data()?.inventory_settings = settings;
        Ok(())
    }
}

/// The item and PDV filters of a movements query.
fn filtered(m: &Movement, q: &MovementQuery) -> bool {
    q.product.is_none_or(|p| m.item.product_id == p)
        && q.variant.is_none_or(|v| m.item.variant_id == v)
        && q.pdv.is_none_or(|p| m.pdv_id == p)
}

/// The type, document and date filters of a movements query.
fn within(m: &Movement, q: &MovementQuery) -> bool {
    q.kind.is_none_or(|k| m.movement_type == k)
        && q.document_id.is_none_or(|d| m.document_id == Some(d))
        && q.from.is_none_or(|f| m.created_at >= f)
        && q.to.is_none_or(|t| m.created_at <= t)
}
