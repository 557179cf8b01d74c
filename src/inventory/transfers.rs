//! Transfers between points of sale (both legs of every line, or nothing) and stock reads.

use super::model::*;
use super::service::{
    active_pdv, insufficient, item_of, quantity, InventoryService, TransferInput, MAX_TRANSFER_LINES,
};
use crate::catalog::model::Product;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::in_tenant;
use uuid::Uuid;

/// A finished transfer: its id (the document of its movements) and the movements, out before in per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub id: Uuid,
    pub movements: Vec<Movement>,
}

/// A product's stock at every point of sale where it has a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductStock {
    pub product: Product,
    pub levels: Vec<StockLevel>,
    /// Names of the points of sale of the levels.
    pub pdv_names: Vec<(PdvId, String)>,
    pub variants: Vec<crate::catalog::model::Variant>,
}

impl InventoryService {
    /// Moves stock between two active points of sale (owner, admin, seller). One transaction: every line
    /// leaves the source and arrives at the destination, or nothing moves. Stock rows are changed in one
    /// global order (item, then PDV id), so transfers in opposite directions never deadlock. The
    /// destination receives at the source's average cost.
    pub async fn transfer(&self, actor: &Actor, input: TransferInput) -> CoreResult<Transfer> {
        actor.require(Permission::InventoryWrite)?;
        let mut checks = Checks::new();
        if input.from_pdv_id == input.to_pdv_id {
            checks.take::<()>(Err(FieldError::new(
                "to_pdv_id",
                "same_pdv",
                "the destination must differ from the source",
            )));
        }
        if input.lines.is_empty() || input.lines.len() > MAX_TRANSFER_LINES {
            checks.take::<()>(Err(FieldError::new("lines", "out_of_range", "between 1 and 100 lines")));
        }
        let mut quantities = Vec::with_capacity(input.lines.len());
        for (i, line) in input.lines.iter().enumerate() {
            quantities.push(checks.take(quantity(&format!("lines[{i}].quantity"), line.quantity, false)));
            let same =
                |o: &&super::service::TransferLine| (o.product_id, o.variant_id) == (line.product_id, line.variant_id);
            if input.lines[..i].iter().any(|o| same(&o)) {
                checks.take::<()>(Err(FieldError::new(
                    &format!("lines[{i}]"),
                    "duplicate_item",
                    "each product (or variant) appears once",
                )));
            }
        }
        let notes = checks.take(validate::optional_text("notes", input.notes.as_deref(), 255)).flatten();
        checks.finish()?;
        let (user, now, id) = (actor.user, self.ctx.now(), Uuid::now_v7());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let from = active_pdv(tx, input.from_pdv_id, "from_pdv_id").await?;
                let to = active_pdv(tx, input.to_pdv_id, "to_pdv_id").await?;
                let settings = tx.stock().settings().await?;
                let mut lines = Vec::with_capacity(input.lines.len());
                for (line, q) in input.lines.iter().zip(quantities) {
                    let (product, item) = item_of(tx, line.product_id, line.variant_id, "product_id").await?;
                    lines.push((product, item, q.unwrap_or(Quantity::ZERO)));
                }
                lines.sort_by_key(|(_, item, _)| *item);
                let ids: Vec<ProductId> = lines.iter().map(|(p, ..)| p.id).collect();
                let levels = tx.stock().levels(&ids).await?;
                let mut movements = Vec::with_capacity(lines.len() * 2);
                for (product, item, q) in lines {
                    let cost = levels.iter().find(|l| l.item == item && l.pdv_id == from.id).map(|l| l.avg_cost);
                    let leg = |pdv: PdvId, kind: MovementType, quantity: Quantity| Movement {
                        id: MovementId::new(),
                        item,
                        pdv_id: pdv,
                        movement_type: kind,
                        quantity,
                        unit_cost: cost,
                        balance_after: Quantity::ZERO,
                        document_type: Some("transfer".into()),
                        document_id: Some(id),
                        document_number: None,
                        notes: notes.clone(),
                        created_by: user,
                        created_at: now,
                    };
                    let out = leg(from.id, MovementType::TransferOut, Quantity::new(-q.value()));
                    let inn = leg(to.id, MovementType::TransferIn, q);
                    let allowed = allows_negative(settings, product.sell_in_negative);
                    let mut legs = [(out, allowed), (inn, true)];
                    legs.sort_by_key(|(m, _)| m.pdv_id);
                    for (m, allow) in legs {
                        match tx.stock().apply(&m, allow).await? {
                            Some(recorded) => movements.push(recorded),
                            None => return Err(insufficient(tx, &product, item, &from, m.quantity).await),
                        }
                    }
                }
                movements.sort_by_key(|m| (m.item, m.movement_type != MovementType::TransferOut));
                Ok(Transfer { id, movements })
            })
        })
        .await
    }

    /// A live product's stock at every point of sale (every role).
    pub async fn product_stock(&self, actor: &Actor, product: ProductId) -> CoreResult<ProductStock> {
        actor.require(Permission::CatalogRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut record = tx
                    .products()
                    .records(&[product])
                    .await?
                    .pop()
                    .filter(|r| r.product.deleted_at.is_none())
                    .ok_or(CoreError::NotFound { entity: "product" })?;
                record.stock.sort_by_key(|s| (s.pdv_id, s.item));
                Ok(ProductStock {
                    product: record.product,
                    levels: record.stock,
                    pdv_names: record.pdv_names,
                    variants: record.variants,
                })
            })
        })
        .await
    }
}
