//! The sales reports over a tenant's data in memory. What they count follows R1: OPEN and PAID invoices,
//! net of the credit notes against them (dated by the note's own issue date), never DRAFT or VOID.

use super::TenantData;
use ally360::kernel::*;
use ally360::sales::model::{CreditNote, Invoice, InvoiceStatus};
use ally360::sales::reports::{DaySales, PdvSales, ProductSales, StatusBucket};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

fn counted(inv: &Invoice) -> bool {
    matches!(inv.status, InvoiceStatus::Open | InvoiceStatus::Paid)
}

fn within(date: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    from <= date && date <= to
}

/// OPEN and PAID invoices issued in [from, to] (optionally of one PDV).
fn sales(data: &TenantData, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> impl Iterator<Item = &Invoice> {
    data.invoices
        .values()
        .filter(move |i| counted(i) && within(i.issue_date, from, to) && pdv.is_none_or(|p| i.pdv_id == p))
}

/// Credit notes issued in [from, to] against OPEN and PAID invoices (optionally of one PDV), with the
/// invoice's PDV.
fn returns(
    data: &TenantData,
    from: NaiveDate,
    to: NaiveDate,
    pdv: Option<PdvId>,
) -> impl Iterator<Item = (&CreditNote, PdvId)> {
    data.credit_notes.values().filter_map(move |n| {
        let inv = data.invoices.get(&n.invoice_id).filter(|i| counted(i))?;
        (within(n.issue_date, from, to) && pdv.is_none_or(|p| inv.pdv_id == p)).then_some((n, inv.pdv_id))
    })
}

pub(super) fn daily_sales(data: &TenantData, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> Vec<DaySales> {
    let mut days: BTreeMap<NaiveDate, DaySales> = BTreeMap::new();
    let empty = |date| DaySales { date, invoices: 0, amount: Money::ZERO, taxes: Money::ZERO };
    for inv in sales(data, from, to, pdv) {
        let d = days.entry(inv.issue_date).or_insert_with(|| empty(inv.issue_date));
        d.invoices += 1;
        d.amount = d.amount + inv.totals.total;
        d.taxes = d.taxes + inv.totals.taxes;
    }
    for (note, _) in returns(data, from, to, pdv) {
        let d = days.entry(note.issue_date).or_insert_with(|| empty(note.issue_date));
        d.amount = d.amount - note.totals.total;
        d.taxes = d.taxes - note.totals.taxes;
    }
    days.into_values().collect()
}

pub(super) fn status_buckets(
    data: &TenantData,
    from: NaiveDate,
    to: NaiveDate,
    pdv: Option<PdvId>,
) -> Vec<StatusBucket> {
    let issued: Vec<&Invoice> = data
        .invoices
        .values()
        .filter(|i| within(i.issue_date, from, to) && pdv.is_none_or(|p| i.pdv_id == p))
        .collect();
    InvoiceStatus::ALL
        .into_iter()
        .filter_map(|status| {
            let of: Vec<&&Invoice> = issued.iter().filter(|i| i.status == status).collect();
            (!of.is_empty()).then(|| StatusBucket {
                status,
                count: of.len() as u64,
                amount: of.iter().map(|i| i.totals.total).sum(),
                balance: of.iter().map(|i| i.balance_due()).sum(),
            })
        })
        .collect()
}

pub(super) fn collected(data: &TenantData, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> Money {
    data.payments
        .values()
        .filter(|p| p.voided_at.is_none() && within(p.payment_date, from, to))
        .filter(|p| pdv.is_none_or(|pdv| data.invoices.get(&p.invoice_id).is_some_and(|i| i.pdv_id == pdv)))
        .map(|p| p.amount)
        .sum()
}

pub(super) fn top_products(
    data: &TenantData,
    from: NaiveDate,
    to: NaiveDate,
    pdv: Option<PdvId>,
    limit: u32,
) -> Vec<ProductSales> {
    let invoices: Vec<&Invoice> = sales(data, from, to, pdv).collect();
    // What credit notes took back from each invoice line (any note against these invoices).
    let mut credited: HashMap<InvoiceLineId, Money> = HashMap::new();
    for note in data.credit_notes.values().filter(|n| invoices.iter().any(|i| i.id == n.invoice_id)) {
        for l in &note.lines {
            let sum = credited.entry(l.invoice_line_id).or_insert(Money::ZERO);
            *sum = *sum + l.amounts.total;
        }
    }
    let mut products: HashMap<ProductId, ProductSales> = HashMap::new();
    for line in invoices.iter().flat_map(|i| i.lines.iter()) {
        let row = products.entry(line.product_id).or_insert_with(|| {
            let product = data.products.get(&line.product_id);
            ProductSales {
                product_id: line.product_id,
                name: product.map_or_else(|| line.name.clone(), |p| p.name.clone()),
                sku: product.map_or_else(|| line.sku.clone(), |p| p.sku.clone()),
                quantity: Quantity::ZERO,
                amount: Money::ZERO,
            }
        });
        row.quantity = Quantity::new(row.quantity.value() + line.quantity.value() - line.credited_quantity.value());
        let back = credited.get(&line.id).copied().unwrap_or(Money::ZERO);
        row.amount = row.amount + line.amounts.total - back;
    }
    let mut rows: Vec<ProductSales> = products.into_values().collect();
    rows.sort_by(|a, b| {
        b.quantity
            .cmp(&a.quantity)
            .then(b.amount.cmp(&a.amount))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.product_id.cmp(&b.product_id))
    });
    rows.truncate(limit as usize);
    rows
}

pub(super) fn sales_by_pdv(data: &TenantData, from: NaiveDate, to: NaiveDate) -> Vec<PdvSales> {
    // Per PDV: invoices counted, net amount, and whether any document counted at all.
    let mut sold: HashMap<PdvId, (u64, Money)> = HashMap::new();
    for inv in sales(data, from, to, None) {
        let (n, amount) = sold.entry(inv.pdv_id).or_insert((0, Money::ZERO));
        *n += 1;
        *amount = *amount + inv.totals.total;
    }
    for (note, pdv) in returns(data, from, to, None) {
        let (_, amount) = sold.entry(pdv).or_insert((0, Money::ZERO));
        *amount = *amount - note.totals.total;
    }
    let mut rows: Vec<PdvSales> = data
        .pdvs
        .values()
        .filter(|p| p.is_active || sold.contains_key(&p.id))
        .map(|p| {
            let (invoices, amount) = sold.get(&p.id).copied().unwrap_or((0, Money::ZERO));
            PdvSales { pdv_id: p.id, name: p.name.clone(), invoices, amount }
        })
        .collect();
    rows.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.name.cmp(&b.name)).then(a.pdv_id.cmp(&b.pdv_id)));
    rows
}
