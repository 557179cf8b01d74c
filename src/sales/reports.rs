//! Sales reports (spec A8): what they count follows R1 — OPEN and PAID invoices, net of credit notes,
//! never DRAFT or VOID — with days in the business time zone.

use super::model::InvoiceStatus;
use crate::kernel::*;
use chrono::NaiveDate;

/// Net sales of one issue day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaySales {
    pub date: NaiveDate,
    /// OPEN and PAID invoices issued that day.
    pub invoices: u64,
    /// Σ their totals less Σ the totals of credit notes issued that day.
    pub amount: Money,
    /// Σ their taxes less Σ the taxes of those credit notes.
    pub taxes: Money,
}

/// Invoices of one status issued in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusBucket {
    pub status: InvoiceStatus,
    pub count: u64,
    /// Σ total amount.
    pub amount: Money,
    /// Σ balance due.
    pub balance: Money,
}

/// One product's net sales in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductSales {
    pub product_id: ProductId,
    pub name: String,
    pub sku: String,
    /// Σ quantity sold less Σ quantity credited.
    pub quantity: Quantity,
    /// Σ line totals less Σ credited line totals.
    pub amount: Money,
}

/// One PDV's net sales in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdvSales {
    pub pdv_id: PdvId,
    pub name: String,
    pub invoices: u64,
    pub amount: Money,
}
