//! Taxes: the system ones every company sees (read-only) and each company's own, and the calculator.

use super::repo::NameQuery;
use super::service::{name_query, sort_key, CatalogService};
use super::tax::{calculate, Tax, TaxBreakdown, TaxKind};
use crate::kernel::error::Checks;
use crate::kernel::{validate, Actor, CoreError, CoreResult, Field, FieldError, KeysetPage, Permission, TaxId};
use crate::ports::{in_tenant, TenantTx};
use rust_decimal::Decimal;

/// A tax as received (create: every field is required; update: absent fields stay).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaxInput {
    pub name: Field<String>,
    pub code: Field<String>,
    pub rate: Field<Decimal>,
    pub kind: Field<String>,
}

/// Most taxes a product carries or the calculator applies at once.
const MAX_TAXES: usize = 20;
/// Largest amount the calculator accepts (the money columns hold 13 integer digits).
const MAX_AMOUNT: i64 = 1_000_000_000_000;

fn not_found() -> CoreError {
    CoreError::NotFound { entity: "tax" }
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, "required", "is required")
}

fn apply(tax: &mut Tax, input: TaxInput) -> CoreResult<()> {
    let mut checks = Checks::new();
    match input.name.or(Some(tax.name.clone())) {
        Some(n) => tax.name = checks.take(validate::text("name", &n, 1, 100)).unwrap_or_default(),
        None => drop(checks.take::<()>(Err(required("name")))),
    }
    match input.code.or(Some(tax.code.clone())) {
        Some(c) => tax.code = checks.take(validate::text("code", &c, 1, 10)).unwrap_or_default(),
        None => drop(checks.take::<()>(Err(required("code")))),
    }
    match input.rate {
        Field::Value(r) if r < Decimal::ZERO || r > Decimal::ONE || r.normalize().scale() > 6 => {
            checks.take::<()>(Err(FieldError::new(
                "rate",
                "out_of_range",
                "a fraction between 0 and 1 with at most 6 decimals (0.19 = 19 %)",
            )));
        }
        Field::Value(r) => tax.rate = r.normalize(),
        Field::Null => drop(checks.take::<()>(Err(required("rate")))),
        Field::Absent => {}
    }
    match input.kind {
        Field::Value(k) => match TaxKind::parse(&k) {
            Some(k) => tax.kind = k,
            None => drop(checks.take::<()>(Err(FieldError::new(
                "type",
                "invalid_type",
                "one of VAT, INC, WITHHOLDING, MUNICIPAL, OTHER",
            )))),
        },
        Field::Null => drop(checks.take::<()>(Err(required("type")))),
        Field::Absent => {}
    }
    checks.finish()
}

/// Checks a calculator base: 0 or more, at most 2 decimals, below a trillion.
pub(super) fn base_amount(base: Decimal) -> CoreResult<Decimal> {
    if base < Decimal::ZERO || base >= Decimal::from(MAX_AMOUNT) || base.normalize().scale() > 2 {
        return Err(CoreError::invalid(
            "base_amount",
            "out_of_range",
            "an amount of 0 or more, below 10^12, with at most 2 decimals",
        ));
    }
    Ok(base)
}

/// The visible taxes with these ids (de-duplicated); 404 listing the ones that are not.
pub(super) async fn visible(tx: &mut dyn TenantTx, ids: &[TaxId], field: &'static str) -> CoreResult<Vec<Tax>> {
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() > MAX_TAXES {
        return Err(CoreError::invalid(field, "too_many", "at most 20 taxes"));
    }
    let found = if unique.is_empty() { Vec::new() } else { tx.taxes().by_ids(&unique).await? };
    let missing: Vec<String> =
        unique.iter().filter(|id| !found.iter().any(|t| t.id == **id)).map(|id| id.to_string()).collect();
    if !missing.is_empty() {
        return Err(CoreError::Missing { entity: "tax", field, ids: missing });
    }
    Ok(found)
}

/// At most one VAT per product.
pub(super) fn one_vat(taxes: &[Tax], field: &str) -> CoreResult<()> {
    if taxes.iter().filter(|t| t.kind == TaxKind::Vat).count() > 1 {
        return Err(CoreError::invalid(field, "multiple_vat", "a product carries at most one VAT (IVA) rate"));
    }
    Ok(())
}

impl CatalogService {
    /// Creates a company tax (owner, admin).
    pub async fn create_tax(&self, actor: &Actor, input: TaxInput) -> CoreResult<Tax> {
        actor.require(Permission::CatalogWrite)?;
        let now = self.ctx.now();
        let mut tax = Tax {
            id: TaxId::new(),
            tenant: Some(actor.tenant),
            name: String::new(),
            code: String::new(),
            rate: Decimal::ZERO,
            kind: TaxKind::Other,
            is_editable: true,
            created_at: now,
            updated_at: now,
        };
        let mut missing = Checks::new();
        for (field, present) in [
            ("name", input.name.is_present()),
            ("code", input.code.is_present()),
            ("rate", input.rate.is_present()),
            ("type", input.kind.is_present()),
        ] {
            if !present {
                missing.take::<()>(Err(required(field)));
            }
        }
        missing.finish()?;
        apply(&mut tax, input)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.taxes().insert(&tax).await?;
                Ok(tax)
            })
        })
        .await
    }

    /// One visible tax (every role).
    pub async fn tax(&self, actor: &Actor, id: TaxId) -> CoreResult<Tax> {
        actor.require(Permission::CatalogRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move { tx.taxes().by_id(id).await?.ok_or_else(not_found) })
        })
        .await
    }

    /// A page of the visible taxes (system and own) by name, and how many there are.
    pub async fn taxes(&self, actor: &Actor, query: NameQuery) -> CoreResult<(KeysetPage<Tax>, u64)> {
        actor.require(Permission::CatalogRead)?;
        let (limit, sort, query) = (query.limit, query.sort, name_query(query)?);
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let total = tx.taxes().count(&query).await?;
                let rows = tx.taxes().page(&query).await?;
                Ok((KeysetPage::cut(rows, limit, |t| sort_key(sort, &t.name, t.created_at, t.id.as_uuid())), total))
            })
        })
        .await
    }

    /// Loads the company's own tax for a change: a system tax is 403, another company's 404.
    async fn own_tax(tx: &mut dyn TenantTx, id: TaxId) -> CoreResult<Tax> {
        let tax = tx.taxes().by_id(id).await?.ok_or_else(not_found)?;
        if !tax.is_editable || tax.tenant.is_none() {
            return Err(CoreError::forbidden("system_tax", "system taxes cannot be changed"));
        }
        Ok(tax)
    }

    /// Changes a company tax (owner, admin).
    pub async fn update_tax(&self, actor: &Actor, id: TaxId, input: TaxInput) -> CoreResult<Tax> {
        actor.require(Permission::CatalogWrite)?;
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut tax = Self::own_tax(tx, id).await?;
                apply(&mut tax, input)?;
                tax.updated_at = now;
                tx.taxes().update(&tax).await?;
                Ok(tax)
            })
        })
        .await
    }

    /// Deletes a company tax no product carries (owner, admin); otherwise 409 naming how many do.
    pub async fn delete_tax(&self, actor: &Actor, id: TaxId) -> CoreResult<()> {
        actor.require(Permission::CatalogWrite)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                Self::own_tax(tx, id).await?;
                let used = tx.taxes().usage(id).await?;
                if used > 0 {
                    return Err(CoreError::conflict(
                        "tax_in_use",
                        format!("{used} product(s) carry this tax; remove it from them first"),
                    ));
                }
                tx.taxes().delete(id).await
            })
        })
        .await
    }

    /// Applies visible taxes to a base (every role); unknown ids are 404.
    pub async fn calculate_taxes(&self, actor: &Actor, base: Decimal, ids: Vec<TaxId>) -> CoreResult<TaxBreakdown> {
        actor.require(Permission::CatalogRead)?;
        let base = base_amount(base)?;
        if ids.is_empty() {
            return Err(CoreError::invalid("tax_ids", "required", "name at least one tax"));
        }
        let taxes =
            in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { visible(tx, &ids, "tax_ids").await }))
                .await?;
        Ok(calculate(base, &taxes))
    }
}
