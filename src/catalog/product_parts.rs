//! The parts of a product: variants, taxes and their calculation, minimum stock, low-stock alerts.

use super::model::Variant;
use super::product_input::{attributes, barcode, check_variant, money, quantity, sku, NewVariant, VariantChanges};
use super::products::{blank_variant, check_pdvs, initial_stock, live};
use super::service::CatalogService;
use super::tax::{calculate, Tax, TaxBreakdown};
use super::taxes::{base_amount, one_vat, visible};
use crate::inventory::model::{Item, StockLevel};
use crate::inventory::repo::LowStock;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use rust_decimal::Decimal;

fn variant_not_found() -> CoreError {
    CoreError::NotFound { entity: "variant" }
}

/// The live product's variant, or 404.
async fn variant_of(tx: &mut dyn TenantTx, product: ProductId, id: VariantId) -> CoreResult<Variant> {
    tx.products().variant(id).await?.filter(|v| v.product_id == product).ok_or_else(variant_not_found)
}

impl CatalogService {
    /// Adds a variant, with its initial stock, to a product created with variants (owner, admin).
    pub async fn add_variant(&self, actor: &Actor, product: ProductId, input: NewVariant) -> CoreResult<Variant> {
        actor.require(Permission::CatalogWrite)?;
        let (now, user) = (self.ctx.now(), actor.user);
        let mut variant = blank_variant(product, now);
        let mut checks = Checks::new();
        check_variant(&mut checks, "variant", &input, &mut variant);
        // Field names of a single variant are the body's own.
        checks.finish().map_err(|e| match e {
            CoreError::Validation(v) => CoreError::Validation(
                v.into_iter()
                    .map(|mut f| {
                        f.field = f.field.trim_start_matches("variant.").to_string();
                        f
                    })
                    .collect(),
            ),
            e => e,
        })?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let p = live(tx, product).await?;
                if !p.has_variants {
                    return Err(CoreError::conflict(
                        "product_without_variants",
                        "this product keeps its stock without variants; create a product with variants",
                    ));
                }
                let existing = tx.products().records(&[product]).await?.pop().map(|r| r.variants).unwrap_or_default();
                if !variant.attributes.is_empty() && existing.iter().any(|v| v.attributes == variant.attributes) {
                    return Err(CoreError::conflict_on(
                        "duplicate_attributes",
                        "attributes",
                        "another variant has these attributes",
                    ));
                }
                check_pdvs(tx, &[("stocks".to_string(), input.stocks.as_slice())]).await?;
                tx.products().insert_variant(&variant).await?;
                let item = Item { product_id: product, variant_id: Some(variant.id) };
                initial_stock(tx, item, &input.stocks, p.cost, user, now).await?;
                Ok(variant)
            })
        })
        .await
    }

    /// Changes a variant (owner, admin).
    pub async fn update_variant(
        &self,
        actor: &Actor,
        product: ProductId,
        id: VariantId,
        changes: VariantChanges,
    ) -> CoreResult<Variant> {
        actor.require(Permission::CatalogWrite)?;
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                let mut v = variant_of(tx, product, id).await?;
                let mut checks = Checks::new();
                if let Some(s) = &changes.sku {
                    v.sku = checks.take(sku("sku", s)).unwrap_or_default();
                }
                if let Some(b) = &changes.barcode {
                    v.barcode = checks.take(barcode("barcode", b.as_deref())).flatten();
                }
                if let Some(a) = &changes.attributes {
                    v.attributes = checks.take(attributes("attributes", a)).unwrap_or_default();
                }
                if let Some(p) = changes.price {
                    v.price = p.and_then(|p| checks.take(money("price", p)));
                }
                v.is_active = changes.is_active.unwrap_or(v.is_active);
                checks.finish()?;
                v.updated_at = now;
                tx.products().update_variant(&v).await?;
                Ok(v)
            })
        })
        .await
    }

    /// Replaces a product's taxes (owner, admin): ids de-duplicated, all visible, at most one VAT.
    pub async fn set_product_taxes(&self, actor: &Actor, product: ProductId, ids: Vec<TaxId>) -> CoreResult<Vec<Tax>> {
        actor.require(Permission::CatalogWrite)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                let taxes = visible(tx, &ids, "tax_ids").await?;
                one_vat(&taxes, "tax_ids")?;
                tx.products().set_taxes(product, &taxes.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
                Ok(taxes)
            })
        })
        .await
    }

    /// A product's taxes (every role).
    pub async fn product_taxes(&self, actor: &Actor, product: ProductId) -> CoreResult<Vec<Tax>> {
        Ok(self.product(actor, product).await?.record.taxes)
    }

    /// The product's taxes applied to `base` (default: its sale price), with the one calculator.
    pub async fn product_tax_calculation(
        &self,
        actor: &Actor,
        product: ProductId,
        base: Option<Decimal>,
    ) -> CoreResult<TaxBreakdown> {
        let record = self.product(actor, product).await?.record;
        let base = base_amount(base.unwrap_or(record.product.price.amount()))?;
        Ok(calculate(base, &record.taxes))
    }

    /// Sets the minimum quantity of a product (or one of its variants) at a PDV (owner, admin).
    pub async fn set_min_quantity(
        &self,
        actor: &Actor,
        product: ProductId,
        pdv: PdvId,
        variant: Option<VariantId>,
        min: Decimal,
    ) -> CoreResult<StockLevel> {
        actor.require(Permission::CatalogWrite)?;
        let min = quantity("min_quantity", min).map_err(|e| CoreError::Validation(vec![e]))?;
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let p = live(tx, product).await?;
                if !p.is_stocked() {
                    return Err(CoreError::conflict("service_has_no_stock", "a service keeps no stock"));
                }
                match (p.has_variants, variant) {
                    (true, None) => {
                        return Err(CoreError::invalid("variant_id", "required", "name the variant of this product"))
                    }
                    (false, Some(_)) => return Err(variant_not_found()),
                    (true, Some(v)) => drop(variant_of(tx, product, v).await?),
                    (false, None) => {}
                }
                tx.pdvs().by_id(pdv).await?.ok_or(CoreError::NotFound { entity: "pdv" })?;
                tx.stock().set_min(Item { product_id: product, variant_id: variant }, pdv, min, now).await
            })
        })
        .await
    }

    /// Stock rows below their minimum (every role), by product name, keyset pages.
    pub async fn low_stock(
        &self,
        actor: &Actor,
        pdv: Option<PdvId>,
        after: Option<(String, StockId)>,
        limit: u32,
    ) -> CoreResult<KeysetPage<LowStock>> {
        actor.require(Permission::CatalogRead)?;
        let rows = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move { tx.stock().low(pdv, after, limit + 1).await })
        })
        .await?;
        Ok(KeysetPage::cut(rows, limit, |r| (r.product_name.to_lowercase(), r.level.id.as_uuid())))
    }
}
