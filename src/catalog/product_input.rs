//! What a client sends to create or change a product or a variant, and the checks that need no data.

use super::model::{Product, ProductKind, Variant, UNITS};
use crate::kernel::error::Checks;
use crate::kernel::{validate, FieldError, Money, Quantity};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Initial stock (and minimum) of a product or variant at one PDV.
#[derive(Clone, Debug, PartialEq)]
pub struct StockInput {
    pub pdv_id: Uuid,
    pub quantity: Decimal,
    pub min_quantity: Decimal,
}

/// A variant to create.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewVariant {
    pub sku: String,
    pub barcode: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// Sale price when it differs from the product's.
    pub price: Option<Decimal>,
    pub is_active: Option<bool>,
    pub stocks: Vec<StockInput>,
}

/// A product to create: simple (stock in `stocks`) or with variants (stock per variant).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewProduct {
    pub name: String,
    pub sku: String,
    pub description: Option<String>,
    pub barcode: Option<String>,
    /// `product` (default) or `service`.
    pub kind: Option<String>,
    /// One of the units of measure (default `unit`).
    pub unit: Option<String>,
    pub price: Decimal,
    pub cost: Decimal,
    pub sell_in_negative: bool,
    pub is_active: Option<bool>,
    pub brand_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    pub tax_ids: Vec<Uuid>,
    pub stocks: Vec<StockInput>,
    pub variants: Vec<NewVariant>,
}

/// Changes to a product; `None` leaves a field, `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub sku: Option<String>,
    pub description: Option<Option<String>>,
    pub barcode: Option<Option<String>>,
    pub unit: Option<String>,
    pub price: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub sell_in_negative: Option<bool>,
    pub is_active: Option<bool>,
    pub brand_id: Option<Option<Uuid>>,
    pub category_id: Option<Option<Uuid>>,
    /// Replaces the product's taxes.
    pub tax_ids: Option<Vec<Uuid>>,
}

/// Changes to a variant; `price: Some(None)` makes it use the product's price again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VariantChanges {
    pub sku: Option<String>,
    pub barcode: Option<Option<String>>,
    pub attributes: Option<BTreeMap<String, String>>,
    pub price: Option<Option<Decimal>>,
    pub is_active: Option<bool>,
}

/// Most variants a product has.
pub const MAX_VARIANTS: usize = 100;
/// Largest price (the money columns hold 13 integer digits).
const MAX_MONEY: i64 = 10_000_000_000_000;
/// Largest quantity (the quantity columns hold 12 integer digits).
const MAX_QUANTITY: i64 = 1_000_000_000_000;

pub(super) fn sku(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = validate::text(field, raw, 1, 50)?;
    if v.chars().any(char::is_whitespace) {
        return Err(FieldError::new(field, "invalid_format", "a sku has no spaces"));
    }
    Ok(v)
}

pub(super) fn barcode(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let v = validate::optional_text(field, raw, 50)?;
    if v.as_ref().is_some_and(|b| !b.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
        return Err(FieldError::new(field, "invalid_format", "letters, digits and dashes only"));
    }
    Ok(v)
}

pub(super) fn money(field: &str, v: Decimal) -> Result<Money, FieldError> {
    if v < Decimal::ZERO || v >= Decimal::from(MAX_MONEY) || v.normalize().scale() > 2 {
        return Err(FieldError::new(field, "out_of_range", "0 or more, below 10^13, with at most 2 decimals"));
    }
    Ok(Money::new(v))
}

pub(super) fn quantity(field: &str, v: Decimal) -> Result<Quantity, FieldError> {
    if v < Decimal::ZERO || v >= Decimal::from(MAX_QUANTITY) || v.normalize().scale() > 3 {
        return Err(FieldError::new(field, "out_of_range", "0 or more, below 10^12, with at most 3 decimals"));
    }
    Ok(Quantity::new(v))
}

pub(super) fn unit(field: &str, v: &str) -> Result<String, FieldError> {
    let v = v.trim().to_ascii_lowercase();
    if UNITS.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(FieldError::new(field, "invalid_unit", &format!("one of {}", UNITS.join(", "))))
    }
}

pub(super) fn attributes(field: &str, raw: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, FieldError> {
    if raw.len() > 10 {
        return Err(FieldError::new(field, "too_many", "at most 10 attributes"));
    }
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        let key = validate::text(field, k, 1, 30)?.to_lowercase();
        out.insert(key, validate::text(field, v, 1, 50)?);
    }
    Ok(out)
}

/// Checks a stock list: known fields, distinct PDVs, quantities of 0 or more.
pub(super) fn stocks(checks: &mut Checks, field: &str, list: &[StockInput]) {
    for (i, s) in list.iter().enumerate() {
        checks.take(quantity(&format!("{field}[{i}].quantity"), s.quantity));
        checks.take(quantity(&format!("{field}[{i}].min_quantity"), s.min_quantity));
        if list[..i].iter().any(|o| o.pdv_id == s.pdv_id) {
            checks.take::<()>(Err(FieldError::new(
                &format!("{field}[{i}].pdv_id"),
                "duplicate_pdv",
                "each point of sale appears once",
            )));
        }
    }
}

/// Checks a new variant (everything that needs no stored data) into `variant`.
pub(super) fn check_variant(checks: &mut Checks, at: &str, input: &NewVariant, variant: &mut Variant) {
    if let Some(v) = checks.take(sku(&format!("{at}.sku"), &input.sku)) {
        variant.sku = v;
    }
    variant.barcode = checks.take(barcode(&format!("{at}.barcode"), input.barcode.as_deref())).flatten();
    if let Some(a) = checks.take(attributes(&format!("{at}.attributes"), &input.attributes)) {
        variant.attributes = a;
    }
    variant.price = input.price.and_then(|p| checks.take(money(&format!("{at}.price"), p)));
    variant.is_active = input.is_active.unwrap_or(true);
    stocks(checks, &format!("{at}.stocks"), &input.stocks);
}

/// Checks a new product's own fields into `product`, and the rules between its parts.
pub(super) fn check_product(checks: &mut Checks, input: &NewProduct, product: &mut Product) {
    product.name = checks.take(validate::text("name", &input.name, 1, 100)).unwrap_or_default();
    product.sku = checks.take(sku("sku", &input.sku)).unwrap_or_default();
    product.description =
        checks.take(validate::optional_text("description", input.description.as_deref(), 255)).flatten();
    product.barcode = checks.take(barcode("barCode", input.barcode.as_deref())).flatten();
    product.kind = match input.kind.as_deref().map(str::trim) {
        None | Some("") => ProductKind::Product,
        Some(k) => checks
            .take(
                ProductKind::parse(&k.to_ascii_lowercase())
                    .ok_or_else(|| FieldError::new("kind", "invalid_kind", "product or service")),
            )
            .unwrap_or(ProductKind::Product),
    };
    product.unit = checks.take(unit("unit", input.unit.as_deref().unwrap_or("unit"))).unwrap_or_default();
    product.price = checks.take(money("priceSale", input.price)).unwrap_or_default();
    product.cost = checks.take(money("priceBase", input.cost)).unwrap_or_default();
    product.sell_in_negative = input.sell_in_negative;
    product.is_active = input.is_active.unwrap_or(true);
    product.has_variants = !input.variants.is_empty();
    stocks(checks, "stocks", &input.stocks);
    if product.kind == ProductKind::Service && (!input.stocks.is_empty() || !input.variants.is_empty()) {
        let field = if input.stocks.is_empty() { "variants" } else { "stocks" };
        checks.take::<()>(Err(FieldError::new(field, "service_has_no_stock", "a service keeps no stock")));
    }
    if product.has_variants && !input.stocks.is_empty() {
        checks.take::<()>(Err(FieldError::new(
            "stocks",
            "stock_on_variants",
            "a product with variants keeps its stock on each variant",
        )));
    }
    if input.variants.len() > MAX_VARIANTS {
        checks.take::<()>(Err(FieldError::new("variants", "too_many", "at most 100 variants")));
    }
    for (i, v) in input.variants.iter().enumerate() {
        let earlier = &input.variants[..i];
        if earlier.iter().any(|o| o.sku.trim().eq_ignore_ascii_case(v.sku.trim())) {
            checks.take::<()>(Err(FieldError::new(
                &format!("variants[{i}].sku"),
                "duplicate_sku",
                "the variant skus must differ",
            )));
        }
        if !v.attributes.is_empty() && earlier.iter().any(|o| o.attributes == v.attributes) {
            checks.take::<()>(Err(FieldError::new(
                &format!("variants[{i}].attributes"),
                "duplicate_attributes",
                "two variants cannot have the same attributes",
            )));
        }
    }
}
