//! Products: create (simple or with variants, taxes, initial stock as INITIAL movements), read, list,
//! change, delete (archived when it has history).

use super::images::ImageView;
use super::model::{Product, ProductKind, Variant};
use super::product_input::{barcode, money, sku, unit};
use super::product_input::{check_product, check_variant, NewProduct, ProductChanges, StockInput};
use super::repo::{ProductQuery, ProductRecord};
use super::service::{search_text, CatalogService};
use super::taxes::{one_vat, visible};
use crate::files;
use crate::inventory::model::{Item, Movement, MovementType};
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use chrono::{DateTime, Utc};

/// A product as a reader sees it: the full record and its images with download URLs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductView {
    pub record: ProductRecord,
    /// Every image on a single read; only the primary one in lists.
    pub images: Vec<ImageView>,
}

pub(super) fn not_found() -> CoreError {
    CoreError::NotFound { entity: "product" }
}

/// The live (not archived) product, locked for a change.
pub(super) async fn live(tx: &mut dyn TenantTx, id: ProductId) -> CoreResult<Product> {
    tx.products().lock(id).await?.filter(|p| p.deleted_at.is_none()).ok_or_else(not_found)
}

/// 422 unless the brand and category exist in the company.
async fn check_groups(tx: &mut dyn TenantTx, brand: Option<GroupId>, category: Option<GroupId>) -> CoreResult<()> {
    use super::model::GroupKind::{Brand, Category};
    if let Some(id) = brand {
        if tx.groups().by_id(Brand, id).await?.is_none() {
            return Err(CoreError::invalid("brand_id", "unknown_brand", "no brand of this company has this id"));
        }
    }
    if let Some(id) = category {
        if tx.groups().by_id(Category, id).await?.is_none() {
            return Err(CoreError::invalid(
                "category_id",
                "unknown_category",
                "no category of this company has this id",
            ));
        }
    }
    Ok(())
}

/// 422 unless every PDV named in the stock lists is an active PDV of the company.
pub(super) async fn check_pdvs(tx: &mut dyn TenantTx, lists: &[(String, &[StockInput])]) -> CoreResult<()> {
    let mut ids: Vec<PdvId> = lists.iter().flat_map(|(_, l)| l.iter().map(|s| PdvId::from_uuid(s.pdv_id))).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let found = tx.pdvs().by_ids(&ids).await?;
    let mut checks = Checks::new();
    for (field, list) in lists {
        for (i, s) in list.iter().enumerate() {
            let err = match found.iter().find(|p| p.id.as_uuid() == s.pdv_id) {
                None => Some(("unknown_pdv", "no point of sale of this company has this id")),
                Some(p) if !p.is_active => Some(("inactive_pdv", "the point of sale is inactive")),
                Some(_) => None,
            };
            if let Some((code, message)) = err {
                checks.take::<()>(Err(FieldError::new(&format!("{field}[{i}].pdv_id"), code, message)));
            }
        }
    }
    checks.finish()
}

/// Writes initial stock: an INITIAL movement for a quantity above zero, and the minimum.
pub(super) async fn initial_stock(
    tx: &mut dyn TenantTx,
    item: Item,
    list: &[StockInput],
    cost: Money,
    by: UserId,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    for s in list {
        let pdv = PdvId::from_uuid(s.pdv_id);
        if s.quantity > rust_decimal::Decimal::ZERO {
            let movement = Movement {
                id: MovementId::new(),
                item,
                pdv_id: pdv,
                movement_type: MovementType::Initial,
                quantity: Quantity::new(s.quantity),
                unit_cost: Some(cost),
                balance_after: Quantity::ZERO,
                document_type: None,
                document_id: None,
                document_number: None,
                notes: Some("Inventario inicial".into()),
                created_by: by,
                created_at: now,
            };
            tx.stock().apply(&movement, false).await?;
        }
        if s.min_quantity > rust_decimal::Decimal::ZERO {
            tx.stock().set_min(item, pdv, Quantity::new(s.min_quantity), now).await?;
        }
    }
    Ok(())
}

pub(super) fn blank_variant(product: ProductId, now: DateTime<Utc>) -> Variant {
    Variant {
        id: VariantId::new(),
        product_id: product,
        sku: String::new(),
        barcode: None,
        attributes: Default::default(),
        price: None,
        is_active: true,
        created_at: now,
        updated_at: now,
    }
}

impl CatalogService {
    /// Creates a product or service (owner, admin): its variants, taxes and initial stock in one
    /// transaction; initial stock is recorded as INITIAL movements so stock and kardex agree.
    pub async fn create_product(&self, actor: &Actor, input: NewProduct) -> CoreResult<ProductView> {
        actor.require(Permission::CatalogWrite)?;
        let (now, user) = (self.ctx.now(), actor.user);
        let mut product = Product {
            id: ProductId::new(),
            name: String::new(),
            sku: String::new(),
            description: None,
            barcode: None,
            kind: ProductKind::Product,
            unit: String::new(),
            price: Money::ZERO,
            cost: Money::ZERO,
            sell_in_negative: false,
            brand_id: input.brand_id.map(GroupId::from_uuid),
            category_id: input.category_id.map(GroupId::from_uuid),
            has_variants: false,
            is_active: true,
            deleted_at: None,
            created_by: user,
            updated_by: user,
            created_at: now,
            updated_at: now,
        };
        let mut checks = Checks::new();
        check_product(&mut checks, &input, &mut product);
        let mut variants = Vec::with_capacity(input.variants.len());
        for (i, v) in input.variants.iter().enumerate() {
            let mut variant = blank_variant(product.id, now);
            check_variant(&mut checks, &format!("variants[{i}]"), v, &mut variant);
            variants.push(variant);
        }
        checks.finish()?;
        let id = product.id;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                check_groups(tx, product.brand_id, product.category_id).await?;
                let tax_ids: Vec<TaxId> = input.tax_ids.iter().map(|t| TaxId::from_uuid(*t)).collect();
                let taxes = visible(tx, &tax_ids, "tax_ids").await?;
                one_vat(&taxes, "tax_ids")?;
                let mut lists = vec![("stocks".to_string(), input.stocks.as_slice())];
                for (i, v) in input.variants.iter().enumerate() {
                    lists.push((format!("variants[{i}].stocks"), v.stocks.as_slice()));
                }
                check_pdvs(tx, &lists).await?;
                tx.products().insert(&product).await?;
                tx.products().set_taxes(id, &taxes.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
                let item = Item { product_id: id, variant_id: None };
                initial_stock(tx, item, &input.stocks, product.cost, user, now).await?;
                for (variant, v) in variants.iter().zip(&input.variants) {
                    tx.products().insert_variant(variant).await?;
                    let item = Item { product_id: id, variant_id: Some(variant.id) };
                    initial_stock(tx, item, &v.stocks, product.cost, user, now).await?;
                }
                Ok(())
            })
        })
        .await?;
        self.product(actor, id).await
    }

    /// One live product with variants, taxes, images and stock per PDV (every role).
    pub async fn product(&self, actor: &Actor, id: ProductId) -> CoreResult<ProductView> {
        actor.require(Permission::CatalogRead)?;
        let record =
            in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.products().records(&[id]).await }))
                .await?
                .pop()
                .filter(|r| r.product.deleted_at.is_none())
                .ok_or_else(not_found)?;
        self.view(record, false).await
    }

    /// A page of live products with their parts, in a constant number of queries (every role).
    pub async fn products(&self, actor: &Actor, mut query: ProductQuery) -> CoreResult<KeysetPage<ProductView>> {
        actor.require(Permission::CatalogRead)?;
        query.search = search_text(query.search)?;
        if let (super::repo::ListSort::Created, Some((key, _))) = (query.sort, &query.after) {
            key.parse::<i64>()
                .map_err(|_| CoreError::invalid("cursor", "invalid_cursor", "the cursor is not valid"))?;
        }
        let (limit, sort) = (query.limit, query.sort);
        query.limit += 1;
        let rows =
            in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.products().page(&query).await }))
                .await?;
        let page = KeysetPage::cut(rows, limit, |r| {
            super::service::sort_key(sort, &r.product.name, r.product.created_at, r.product.id.as_uuid())
        });
        let mut items = Vec::with_capacity(page.items.len());
        for record in page.items {
            items.push(self.view(record, true).await?);
        }
        Ok(KeysetPage { items, next: page.next })
    }

    /// Changes a product (owner, admin): the given fields, re-validated; `tax_ids` replaces its taxes.
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        changes: ProductChanges,
    ) -> CoreResult<ProductView> {
        actor.require(Permission::CatalogWrite)?;
        let (now, user) = (self.ctx.now(), actor.user);
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut p = live(tx, id).await?;
                apply_changes(&mut p, &changes)?;
                check_groups(tx, p.brand_id, p.category_id).await?;
                if let Some(ids) = &changes.tax_ids {
                    let ids: Vec<TaxId> = ids.iter().map(|t| TaxId::from_uuid(*t)).collect();
                    let taxes = visible(tx, &ids, "tax_ids").await?;
                    one_vat(&taxes, "tax_ids")?;
                    tx.products().set_taxes(id, &taxes.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
                }
                p.updated_by = user;
                p.updated_at = now;
                tx.products().update(&p).await
            })
        })
        .await?;
        self.product(actor, id).await
    }

    /// Deletes a product (owner, admin). With history (movements) it is archived: inactive, hidden
    /// from lists, its sku free again; `hard` then is 409. Without history it is removed with its
    /// variants, taxes, stock rows and image files.
    pub async fn delete_product(&self, actor: &Actor, id: ProductId, hard: bool) -> CoreResult<()> {
        actor.require(Permission::CatalogWrite)?;
        let (now, user) = (self.ctx.now(), actor.user);
        let keys = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut p = live(tx, id).await?;
                if tx.stock().product_has_history(id).await? {
                    if hard {
                        return Err(CoreError::conflict(
                            "product_has_history",
                            "this product has inventory history; it can only be archived",
                        ));
                    }
                    p.is_active = false;
                    p.deleted_at = Some(now);
                    p.updated_by = user;
                    p.updated_at = now;
                    tx.products().update(&p).await?;
                    return Ok(Vec::new());
                }
                let keys: Vec<String> = tx.products().images(id).await?.into_iter().map(|i| i.object_key).collect();
                tx.products().delete(id).await?;
                Ok(keys)
            })
        })
        .await?;
        for key in keys {
            files::discard(&self.ctx, Some(key)).await;
        }
        Ok(())
    }
}

fn apply_changes(p: &mut Product, c: &ProductChanges) -> CoreResult<()> {
    let mut checks = Checks::new();
    if let Some(n) = &c.name {
        p.name = checks.take(validate::text("name", n, 1, 100)).unwrap_or_default();
    }
    if let Some(s) = &c.sku {
        p.sku = checks.take(sku("sku", s)).unwrap_or_default();
    }
    if let Some(d) = &c.description {
        p.description = checks.take(validate::optional_text("description", d.as_deref(), 255)).flatten();
    }
    if let Some(b) = &c.barcode {
        p.barcode = checks.take(barcode("barCode", b.as_deref())).flatten();
    }
    if let Some(u) = &c.unit {
        p.unit = checks.take(unit("unit", u)).unwrap_or_default();
    }
    if let Some(v) = c.price {
        p.price = checks.take(money("priceSale", v)).unwrap_or_default();
    }
    if let Some(v) = c.cost {
        p.cost = checks.take(money("priceBase", v)).unwrap_or_default();
    }
    p.sell_in_negative = c.sell_in_negative.unwrap_or(p.sell_in_negative);
    p.is_active = c.is_active.unwrap_or(p.is_active);
    if let Some(b) = c.brand_id {
        p.brand_id = b.map(GroupId::from_uuid);
    }
    if let Some(b) = c.category_id {
        p.category_id = b.map(GroupId::from_uuid);
    }
    checks.finish()
}
