//! The kardex: a product's movements over a period, oldest first, with the opening balance, each line's
//! in and out, unit cost, running balance and value at weighted average cost, and the closing balance.
//! A page starts where the previous one ended (its opening is everything up to the cursor).

use super::model::*;
use super::service::InventoryService;
use crate::kernel::*;
use crate::ports::in_tenant;
use rust_decimal::Decimal;

/// One line of the kardex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KardexLine {
    pub movement: Movement,
    pub quantity_in: Quantity,
    pub quantity_out: Quantity,
    /// The balance and value after this line (over the PDVs and variants the kardex covers).
    pub balance: Quantity,
    pub value: Money,
    /// value / balance, when the balance is positive.
    pub average_cost: Option<Money>,
}

/// A page of the kardex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kardex {
    pub opening_balance: Quantity,
    pub opening_value: Money,
    pub lines: Vec<KardexLine>,
    pub closing_balance: Quantity,
    pub closing_value: Money,
    /// Position of the last line when more follow.
    pub next: Option<(String, uuid::Uuid)>,
}

impl InventoryService {
    /// The kardex of a product (optionally one variant and/or one PDV) between two instants (every role).
    pub async fn kardex(&self, actor: &Actor, mut query: MovementQuery) -> CoreResult<Kardex> {
        actor.require(Permission::CatalogRead)?;
        let product = query.product.ok_or_else(|| CoreError::invalid("product_id", "required", "name the product"))?;
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if from > to {
                return Err(CoreError::invalid("date_from", "out_of_range", "date_from must not be after date_to"));
            }
        }
        query.ascending = true;
        let limit = query.limit;
        query.limit += 1;
        let (opening, rows) = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.products()
                    .by_id(product)
                    .await?
                    .filter(|p| p.deleted_at.is_none())
                    .ok_or(CoreError::NotFound { entity: "product" })?;
                let start = match (query.after, query.from) {
                    (Some((at, id)), _) => Some((at, id, true)),
                    (None, Some(from)) => Some((from, MovementId::from_uuid(uuid::Uuid::nil()), false)),
                    (None, None) => None,
                };
                let opening = match start {
                    Some((at, id, inclusive)) => tx.stock().balance_before(&query, (at, id), inclusive).await?,
                    None => (Quantity::ZERO, Money::ZERO),
                };
                Ok((opening, tx.stock().movements(&query).await?))
            })
        })
        .await?;
        let page = KeysetPage::cut(rows, limit, |m| (time_key(m.created_at), m.id.as_uuid()));
        let (mut balance, mut value) = (opening.0.value(), opening.1.amount());
        let lines = page
            .items
            .into_iter()
            .map(|m| {
                let q = m.quantity.value();
                balance += q;
                value += q * m.unit_cost.map_or(Decimal::ZERO, |c| c.amount());
                KardexLine {
                    quantity_in: Quantity::new(q.max(Decimal::ZERO)),
                    quantity_out: Quantity::new((-q).max(Decimal::ZERO)),
                    balance: Quantity::new(balance),
                    value: Money::new(value),
                    average_cost: (balance > Decimal::ZERO).then(|| Money::new(value / balance)),
                    movement: m,
                }
            })
            .collect::<Vec<_>>();
        Ok(Kardex {
            opening_balance: opening.0,
            opening_value: opening.1,
            closing_balance: Quantity::new(balance),
            closing_value: Money::new(value),
            lines,
            next: page.next,
        })
    }
}
