//! Invoice input: shape checks (before any transaction) and pricing of the lines against the catalog.

use super::model::InvoiceLine;
use super::pricing::price_line;
use super::repo::SaleItems;
use crate::catalog::model::Product;
use crate::catalog::tax::Tax;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::TenantTx;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

/// Most lines on one invoice.
pub const MAX_LINES: usize = 200;

/// One line as a client sends it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineInput {
    pub product_id: Uuid,
    /// Required for a product with variants.
    pub variant_id: Option<Uuid>,
    /// Printed description; the product's name by default.
    pub description: Option<String>,
    pub quantity: Decimal,
    /// Before tax; the variant's or product's price by default.
    pub unit_price: Option<Decimal>,
    /// 0..100, 2 places.
    pub discount_pct: Option<Decimal>,
    /// Replaces the product's taxes on this line.
    pub tax_ids: Option<Vec<Uuid>>,
}

/// A new invoice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvoiceInput {
    pub pdv_id: Uuid,
    pub customer_id: Uuid,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    /// DRAFT (default) or OPEN (confirmed at once).
    pub status: Option<String>,
    /// Owner or admin confirming above the customer's credit limit.
    pub override_credit_limit: bool,
    /// The member credited with the sale (default: the one creating it).
    pub seller_id: Option<Uuid>,
    pub items: Vec<LineInput>,
}

/// Changes to a DRAFT invoice; absent fields stay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvoicePatch {
    pub pdv_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Field<NaiveDate>,
    pub notes: Field<String>,
    pub items: Option<Vec<LineInput>>,
}

fn at(i: usize, field: &str) -> String {
    format!("items[{i}].{field}")
}

/// Checks the lines' shape: count, quantities, prices, discounts, descriptions, tax lists.
pub(super) fn check_lines(checks: &mut Checks, items: &[LineInput]) {
    if items.is_empty() || items.len() > MAX_LINES {
        checks.take::<()>(Err(FieldError::new("items", "out_of_range", &format!("1 to {MAX_LINES} lines"))));
    }
    for (i, line) in items.iter().enumerate() {
        let q = line.quantity;
        if q <= Decimal::ZERO || q.normalize().scale() > 3 || q >= Decimal::from(1_000_000_000i64) {
            checks.take::<()>(Err(FieldError::new(
                &at(i, "quantity"),
                "out_of_range",
                "above zero, below 10^9, at most 3 decimals",
            )));
        }
        if let Some(p) = line.unit_price {
            if p < Decimal::ZERO || p.normalize().scale() > 2 || p >= Decimal::from(10_000_000_000_000i64) {
                checks.take::<()>(Err(FieldError::new(
                    &at(i, "unit_price"),
                    "out_of_range",
                    "0 or more, below 10^13, at most 2 decimals",
                )));
            }
        }
        if let Some(d) = line.discount_pct {
            if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED || d.normalize().scale() > 2 {
                checks.take::<()>(Err(FieldError::new(
                    &at(i, "discount_pct"),
                    "out_of_range",
                    "0 to 100, at most 2 decimals",
                )));
            }
        }
        checks.take(validate::optional_text(&at(i, "description"), line.description.as_deref(), 200));
        if line.tax_ids.as_ref().is_some_and(|t| t.len() > 20) {
            checks.take::<()>(Err(FieldError::new(&at(i, "tax_ids"), "out_of_range", "at most 20 taxes")));
        }
    }
}

/// Loads what the lines name and prices them. Unknown, archived or inactive products and variants are
/// 422 on the line's field; so are unknown tax ids.
pub(super) async fn price_lines(
    tx: &mut dyn TenantTx,
    items: &[LineInput],
) -> CoreResult<(Vec<InvoiceLine>, SaleItems)> {
    let product_ids: Vec<ProductId> = items.iter().map(|l| ProductId::from_uuid(l.product_id)).collect();
    let variant_ids: Vec<VariantId> = items.iter().filter_map(|l| l.variant_id.map(VariantId::from_uuid)).collect();
    let catalog = tx.sales().sale_items(&product_ids, &variant_ids).await?;
    let override_ids: Vec<TaxId> =
        items.iter().flat_map(|l| l.tax_ids.iter().flatten()).map(|t| TaxId::from_uuid(*t)).collect();
    let overrides = if override_ids.is_empty() { Vec::new() } else { tx.taxes().by_ids(&override_ids).await? };
    let mut checks = Checks::new();
    let mut lines = Vec::with_capacity(items.len());
    for (i, input) in items.iter().enumerate() {
        let Some(product) = sellable(&catalog, input.product_id) else {
            checks.take::<()>(Err(FieldError::new(
                &at(i, "product_id"),
                "unknown_product",
                "no active product of this company has this id",
            )));
            continue;
        };
        let variant = match (product.has_variants, input.variant_id) {
            (true, None) => {
                checks.take::<()>(Err(FieldError::new(
                    &at(i, "variant_id"),
                    "required",
                    "name the variant of this product",
                )));
                continue;
            }
            (false, Some(_)) => {
                checks.take::<()>(Err(FieldError::new(
                    &at(i, "variant_id"),
                    "unknown_variant",
                    "this product has no variants",
                )));
                continue;
            }
            (false, None) => None,
            (true, Some(v)) => {
                match catalog.variants.iter().find(|x| x.id.as_uuid() == v && x.product_id == product.id && x.is_active)
                {
                    Some(v) => Some(v),
                    None => {
                        checks.take::<()>(Err(FieldError::new(
                            &at(i, "variant_id"),
                            "unknown_variant",
                            "no active variant of this product has this id",
                        )));
                        continue;
                    }
                }
            }
        };
        let taxes: Vec<Tax> = match &input.tax_ids {
            None => catalog.taxes.iter().filter(|(p, _)| *p == product.id).map(|(_, t)| t.clone()).collect(),
            Some(ids) => {
                let mut ids = ids.clone();
                ids.sort();
                ids.dedup();
                let found: Vec<Tax> = overrides.iter().filter(|t| ids.contains(&t.id.as_uuid())).cloned().collect();
                if found.len() != ids.len() {
                    checks.take::<()>(Err(FieldError::new(
                        &at(i, "tax_ids"),
                        "unknown_tax",
                        "a tax id is not visible to this company",
                    )));
                    continue;
                }
                found
            }
        };
        let quantity = Quantity::new(input.quantity);
        let price = Money::new(
            input.unit_price.unwrap_or_else(|| variant.and_then(|v| v.price).unwrap_or(product.price).amount()),
        );
        let pct = input.discount_pct.unwrap_or_default().round_dp(2);
        let (amounts, snapshot) = price_line(quantity, price, pct, &taxes);
        lines.push(InvoiceLine {
            id: InvoiceLineId::new(),
            position: i as i32 + 1,
            product_id: product.id,
            variant_id: variant.map(|v| v.id),
            name: input
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or(&product.name)
                .to_string(),
            sku: variant.map_or(product.sku.clone(), |v| v.sku.clone()),
            stocked: product.is_stocked(),
            quantity,
            unit_price: price,
            discount_pct: pct,
            amounts,
            taxes: snapshot,
            credited_quantity: Quantity::ZERO,
        });
    }
    checks.finish()?;
    Ok((lines, catalog))
}

fn sellable(catalog: &SaleItems, id: Uuid) -> Option<&Product> {
    catalog.products.iter().find(|p| p.id.as_uuid() == id && p.deleted_at.is_none() && p.is_active)
}
