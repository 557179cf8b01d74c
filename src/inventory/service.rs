//! Inventory use cases: movements posted by hand, transfers between points of sale, stock reads and the
//! kardex. Every stock change goes through `StockRepo::apply` (a conditional update in the same
//! transaction as its movement) under the one negative-stock rule.

use super::model::*;
use crate::app::Ctx;
use crate::catalog::model::Product;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use rust_decimal::Decimal;
use std::sync::Arc;
use uuid::Uuid;

/// Inventory use cases.
#[derive(Clone)]
pub struct InventoryService {
    pub(super) ctx: Arc<Ctx>,
}

/// A movement to post by hand: IN and OUT take a positive quantity, ADJUSTMENT a signed one and a reason.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MovementInput {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub pdv_id: Uuid,
    pub movement_type: String,
    pub quantity: Decimal,
    /// Cost of what comes in (IN); defaults to the product's cost.
    pub unit_cost: Option<Decimal>,
    pub reason: Option<String>,
    pub notes: Option<String>,
}

/// One line of a transfer.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferLine {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub quantity: Decimal,
}

/// A transfer between two points of sale: every line moves, or none.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferInput {
    pub from_pdv_id: Uuid,
    pub to_pdv_id: Uuid,
    pub lines: Vec<TransferLine>,
    pub notes: Option<String>,
}

/// Most lines of one transfer.
pub const MAX_TRANSFER_LINES: usize = 100;

pub(super) fn quantity(field: &str, v: Decimal, signed: bool) -> Result<Quantity, FieldError> {
    let ok = v.normalize().scale() <= 3
        && v.abs() < Decimal::from(1_000_000_000_000i64)
        && if signed { !v.is_zero() } else { v > Decimal::ZERO };
    if !ok {
        let rule = if signed { "not zero" } else { "above zero" };
        return Err(FieldError::new(field, "out_of_range", &format!("{rule}, below 10^12, at most 3 decimals")));
    }
    Ok(Quantity::new(v))
}

/// The stocked item a request names: a live product that keeps stock, and its variant when it has
/// variants (required then, refused otherwise).
pub(super) async fn item_of(
    tx: &mut dyn TenantTx,
    product: Uuid,
    variant: Option<Uuid>,
    field: &str,
) -> CoreResult<(Product, Item)> {
    let p = tx
        .products()
        .by_id(ProductId::from_uuid(product))
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(CoreError::NotFound { entity: "product" })?;
    if !p.is_stocked() {
        return Err(CoreError::invalid(field, "service_has_no_stock", "a service keeps no stock"));
    }
    let variant = match (p.has_variants, variant) {
        (true, None) => return Err(CoreError::invalid("variant_id", "required", "name the variant of this product")),
        (false, Some(_)) => return Err(CoreError::NotFound { entity: "variant" }),
        (false, None) => None,
        (true, Some(v)) => {
            let v = tx
                .products()
                .variant(VariantId::from_uuid(v))
                .await?
                .filter(|v| v.product_id == p.id)
                .ok_or(CoreError::NotFound { entity: "variant" })?;
            Some(v.id)
        }
    };
    Ok((p.clone(), Item { product_id: p.id, variant_id: variant }))
}

/// An active PDV of the company (422 on `field` otherwise).
pub(crate) async fn active_pdv(tx: &mut dyn TenantTx, id: Uuid, field: &str) -> CoreResult<crate::catalog::model::Pdv> {
    match tx.pdvs().by_id(PdvId::from_uuid(id)).await? {
        None => Err(CoreError::invalid(field, "unknown_pdv", "no point of sale of this company has this id")),
        Some(p) if !p.is_active => Err(CoreError::invalid(field, "inactive_pdv", "the point of sale is inactive")),
        Some(p) => Ok(p),
    }
}

/// 409 naming the product, the point of sale and what is available there.
pub(super) async fn insufficient(
    tx: &mut dyn TenantTx,
    product: &Product,
    item: Item,
    pdv: &crate::catalog::model::Pdv,
    wanted: Quantity,
) -> CoreError {
    let available = match tx.stock().levels(&[product.id]).await {
        Ok(levels) => levels.into_iter().find(|l| l.item == item && l.pdv_id == pdv.id).map(|l| l.quantity),
        Err(_) => None,
    }
    .unwrap_or(Quantity::ZERO);
    CoreError::conflict(
        "insufficient_stock",
        format!(
            "Stock insuficiente para '{}' en '{}'. Disponible: {}, Solicitado: {}",
            product.name,
            pdv.name,
            available.value().normalize(),
            wanted.value().abs().normalize()
        ),
    )
}

impl InventoryService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }

    /// Posts an IN, OUT or ADJUSTMENT (owner, admin, seller). Stock changes by a conditional update in the
    /// same transaction as the movement; below zero only where the negative-stock rule allows it (409 with
    /// the available quantity otherwise, nothing written).
    pub async fn post_movement(&self, actor: &Actor, input: MovementInput) -> CoreResult<Movement> {
        actor.require(Permission::InventoryWrite)?;
        let kind =
            MovementType::parse(input.movement_type.trim()).filter(MovementType::is_manual).ok_or_else(|| {
                CoreError::invalid(
                    "movement_type",
                    "not_postable",
                    "IN, OUT or ADJUSTMENT; transfers, sales and purchases come from their documents",
                )
            })?;
        let mut checks = Checks::new();
        let signed = kind == MovementType::Adjustment;
        let q = checks.take(quantity("quantity", input.quantity, signed)).unwrap_or(Quantity::ZERO);
        let reason = match (kind, input.reason.as_deref()) {
            (MovementType::Adjustment, None) => {
                checks.take::<()>(Err(FieldError::new("reason", "required", "an adjustment needs a reason")));
                None
            }
            (_, r) => checks.take(validate::optional_text("reason", r, 255)).flatten(),
        };
        let notes = checks.take(validate::optional_text("notes", input.notes.as_deref(), 255)).flatten();
        let cost = match (kind, input.unit_cost) {
            (MovementType::In, Some(c)) if c >= Decimal::ZERO && c.normalize().scale() <= 2 => Some(Money::new(c)),
            (MovementType::In, None) => None,
            (_, None) => None,
            (_, Some(_)) => {
                checks.take::<()>(Err(FieldError::new(
                    "unit_cost",
                    "out_of_range",
                    "only an IN carries a cost: 0 or more, 2 decimals",
                )));
                None
            }
        };
        checks.finish()?;
        let quantity = if kind == MovementType::Out { Quantity::new(-q.value()) } else { q };
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let (product, item) = item_of(tx, input.product_id, input.variant_id, "product_id").await?;
                let pdv = active_pdv(tx, input.pdv_id, "pdv_id").await?;
                let settings = tx.stock().settings().await?;
                let unit_cost = if quantity > Quantity::ZERO { Some(cost.unwrap_or(product.cost)) } else { None };
                let notes = [reason, notes].into_iter().flatten().collect::<Vec<_>>().join(" — ");
                let movement = Movement {
                    id: MovementId::new(),
                    item,
                    pdv_id: pdv.id,
                    movement_type: kind,
                    quantity,
                    unit_cost,
                    balance_after: Quantity::ZERO,
                    document_type: None,
                    document_id: None,
                    document_number: None,
                    notes: Some(notes).filter(|n| !n.is_empty()),
                    created_by: user,
                    created_at: now,
                };
                let allowed = allows_negative(settings, product.sell_in_negative);
                match tx.stock().apply(&movement, allowed).await? {
                    Some(recorded) => Ok(recorded),
                    None => Err(insufficient(tx, &product, item, &pdv, quantity).await),
                }
            })
        })
        .await
    }

    /// The company's inventory settings (every role).
    pub async fn settings(&self, actor: &Actor) -> CoreResult<InventorySettings> {
        actor.require(Permission::CatalogRead)?;
        in_tenant(self.ctx.store(), actor, |tx| Box::pin(async move { tx.stock().settings().await })).await
    }

    /// Changes the company's inventory settings (owner, admin).
    pub async fn save_settings(&self, actor: &Actor, settings: InventorySettings) -> CoreResult<InventorySettings> {
        actor.require(Permission::InventorySettings)?;
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.stock().save_settings(settings, now).await?;
                Ok(settings)
            })
        })
        .await
    }

    /// Movements, newest first, with filters and keyset pages (every role).
    pub async fn movements(&self, actor: &Actor, mut query: MovementQuery) -> CoreResult<KeysetPage<Movement>> {
        actor.require(Permission::CatalogRead)?;
        query.ascending = false;
        let limit = query.limit;
        query.limit += 1;
        let rows =
            in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.stock().movements(&query).await }))
                .await?;
        Ok(KeysetPage::cut(rows, limit, |m| (time_key(m.created_at), m.id.as_uuid())))
    }
}
