//! Shapes of the PDV, brand, category and tax APIs.

use super::contacts_dto::field;
use crate::dto::PdvOut;
use ally360::catalog::model::{City, Department, Group};
use ally360::catalog::tax::{Tax, TaxBreakdown};
use ally360::catalog::{GroupInput, PdvDetail, PdvInput, TaxInput};
use ally360::kernel::Money;
use chrono::{DateTime, Utc};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A money amount as a decimal string with its two places (`"19.10"`).
pub fn cents(m: Money) -> String {
    format!("{:.2}", m.amount())
}

/// A tax rate as a decimal string with at least four places (`"0.1900"`, `"0.00966"`).
pub fn rate(r: Decimal) -> String {
    let places = r.normalize().scale().max(4) as usize;
    format!("{r:.places$}")
}

/// A point of sale to create, or the fields to change.
#[derive(Object)]
pub struct PdvIn {
    pub name: MaybeUndefined<String>,
    pub address: MaybeUndefined<String>,
    /// A Colombian phone; stored as `+57…`.
    pub phone_number: MaybeUndefined<String>,
    /// Makes this the main PDV (the previous main one stops being main).
    pub is_main: MaybeUndefined<bool>,
    pub is_active: MaybeUndefined<bool>,
    pub department_id: MaybeUndefined<i32>,
    pub city_id: MaybeUndefined<i32>,
}

impl From<PdvIn> for PdvInput {
    fn from(p: PdvIn) -> Self {
        Self {
            name: field(p.name),
            address: field(p.address),
            phone_number: field(p.phone_number),
            is_main: field(p.is_main),
            is_active: field(p.is_active),
            department_id: field(p.department_id),
            city_id: field(p.city_id),
        }
    }
}

/// A department (DANE).
#[derive(Object)]
pub struct DepartmentOut {
    pub id: i32,
    pub name: String,
    pub code: String,
}

impl From<&Department> for DepartmentOut {
    fn from(d: &Department) -> Self {
        Self { id: d.id, name: d.name.clone(), code: d.code.clone() }
    }
}

/// A city (DANE).
#[derive(Object)]
pub struct CityOut {
    pub id: i32,
    pub name: String,
    pub code: String,
    pub department_id: i32,
}

impl From<&City> for CityOut {
    fn from(c: &City) -> Self {
        Self { id: c.id, name: c.name.clone(), code: c.code.clone(), department_id: c.department_id }
    }
}

/// A point of sale with its location.
#[derive(Object)]
pub struct PdvDetailOut {
    #[oai(flatten)]
    pub pdv: PdvOut,
    pub department: Option<DepartmentOut>,
    pub city: Option<CityOut>,
}

impl From<&PdvDetail> for PdvDetailOut {
    fn from(d: &PdvDetail) -> Self {
        Self {
            pdv: (&d.pdv).into(),
            department: d.department.as_ref().map(Into::into),
            city: d.city.as_ref().map(Into::into),
        }
    }
}

/// A page of points of sale.
#[derive(Object)]
pub struct PdvPage {
    pub pdvs: Vec<PdvDetailOut>,
    pub total: u64,
    pub limit: u32,
    /// Send it back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A brand or category to create, or the fields to change.
#[derive(Object)]
pub struct GroupIn {
    pub name: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub is_active: MaybeUndefined<bool>,
}

impl From<GroupIn> for GroupInput {
    fn from(g: GroupIn) -> Self {
        Self { name: field(g.name), description: field(g.description), is_active: field(g.is_active) }
    }
}

/// A brand or category.
#[derive(Object)]
pub struct GroupOut {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Group> for GroupOut {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.as_uuid(),
            name: g.name.clone(),
            description: g.description.clone(),
            is_active: g.is_active,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

/// A page of brands.
#[derive(Object)]
pub struct BrandPage {
    pub brands: Vec<GroupOut>,
    pub total: u64,
    pub limit: u32,
    pub next_cursor: Option<String>,
}

/// A page of categories.
#[derive(Object)]
pub struct CategoryPage {
    pub categories: Vec<GroupOut>,
    pub total: u64,
    pub limit: u32,
    pub next_cursor: Option<String>,
}

/// A tax to create, or the fields to change.
#[derive(Object)]
pub struct TaxIn {
    pub name: MaybeUndefined<String>,
    /// DIAN code: `01` IVA, `04` INC, ...
    pub code: MaybeUndefined<String>,
    /// A fraction: 0.19 is 19 %.
    pub rate: MaybeUndefined<Decimal>,
    /// VAT, INC, WITHHOLDING, MUNICIPAL (ReteICA) or OTHER; withholdings are subtracted.
    #[oai(rename = "type")]
    pub kind: MaybeUndefined<String>,
}

impl From<TaxIn> for TaxInput {
    fn from(t: TaxIn) -> Self {
        Self { name: field(t.name), code: field(t.code), rate: field(t.rate), kind: field(t.kind) }
    }
}

/// A tax: a system one (`company_id` null, not editable) or the company's own.
#[derive(Object)]
pub struct TaxOut {
    pub id: Uuid,
    pub name: String,
    pub code: String,
    /// A fraction with at least four decimals (`"0.1900"` is 19 %).
    pub rate: String,
    #[oai(rename = "type")]
    pub kind: String,
    pub is_withholding: bool,
    pub is_editable: bool,
    pub company_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Tax> for TaxOut {
    fn from(t: &Tax) -> Self {
        Self {
            id: t.id.as_uuid(),
            name: t.name.clone(),
            code: t.code.clone(),
            rate: rate(t.rate),
            kind: t.kind.as_str().into(),
            is_withholding: t.kind.is_withholding(),
            is_editable: t.is_editable,
            company_id: t.tenant.map(|c| c.as_uuid()),
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A page of taxes (system and own).
#[derive(Object)]
pub struct TaxPage {
    pub taxes: Vec<TaxOut>,
    pub total: u64,
    pub limit: u32,
    pub next_cursor: Option<String>,
}

/// One tax applied to the base.
#[derive(Object)]
pub struct TaxLineOut {
    pub tax_id: Uuid,
    pub tax_name: String,
    pub tax_code: String,
    #[oai(rename = "type")]
    pub kind: String,
    pub tax_rate: String,
    pub base_amount: String,
    /// Rounded half-up to 2 decimals; withholdings are subtracted from the total.
    pub tax_amount: String,
    pub is_withholding: bool,
}

/// Taxes on a base: VAT, INC, others, then withholdings; total = base + taxes − withholdings.
#[derive(Object)]
pub struct TaxCalculationOut {
    /// Amounts are decimal strings with two places.
    pub base_amount: String,
    pub lines: Vec<TaxLineOut>,
    pub total_taxes: String,
    pub total_withholdings: String,
    pub total: String,
}

impl From<TaxBreakdown> for TaxCalculationOut {
    fn from(b: TaxBreakdown) -> Self {
        Self {
            base_amount: cents(b.base),
            lines: b
                .lines
                .into_iter()
                .map(|l| TaxLineOut {
                    tax_id: l.tax_id.as_uuid(),
                    tax_name: l.name,
                    tax_code: l.code,
                    kind: l.kind.as_str().into(),
                    tax_rate: rate(l.rate),
                    base_amount: cents(l.base),
                    tax_amount: cents(l.amount),
                    is_withholding: l.kind.is_withholding(),
                })
                .collect(),
            total_taxes: cents(b.taxes),
            total_withholdings: cents(b.withholdings),
            total: cents(b.total),
        }
    }
}
