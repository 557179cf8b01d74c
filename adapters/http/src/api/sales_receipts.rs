//! Shapes of the invoices API: credit notes, receipts of payments and credit notes, email requests,
//! numbering ranges.

use super::catalog_dto::cents;
use super::inventory_dto::qty;
use super::sales_out::{line_taxes, LineTaxOut, PaymentOut};
use ally360::sales::model::*;
use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

/// One line of a credit note.
#[derive(Object)]
pub struct CreditLineOut {
    pub id: Uuid,
    pub invoice_line_id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub name: String,
    pub quantity: Decimal,
    pub unit_price: String,
    pub line_subtotal: String,
    pub line_taxes: Vec<LineTaxOut>,
    pub line_total: String,
}

/// A credit note.
#[derive(Object)]
pub struct CreditNoteOut {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub number: String,
    pub issue_date: NaiveDate,
    pub reason: String,
    pub restock: bool,
    pub subtotal: String,
    pub discount_total: String,
    pub taxes_total: String,
    pub withholdings_total: String,
    pub total_amount: String,
    /// The part that lowered the invoice's balance.
    pub applied_amount: String,
    /// The part paid back to the customer.
    pub refund_amount: String,
    pub refund_method: Option<String>,
    pub lines: Vec<CreditLineOut>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<&CreditNote> for CreditNoteOut {
    fn from(n: &CreditNote) -> Self {
        CreditNoteOut {
            id: n.id.as_uuid(),
            invoice_id: n.invoice_id.as_uuid(),
            number: n.number.clone(),
            issue_date: n.issue_date,
            reason: n.reason.clone(),
            restock: n.restock,
            subtotal: cents(n.totals.subtotal),
            discount_total: cents(n.totals.discount),
            taxes_total: cents(n.totals.taxes),
            withholdings_total: cents(n.totals.withholdings),
            total_amount: cents(n.totals.total),
            applied_amount: cents(n.applied_amount),
            refund_amount: cents(n.refund_amount),
            refund_method: n.refund_method.map(|m| m.as_str().into()),
            lines: n
                .lines
                .iter()
                .map(|l| CreditLineOut {
                    id: l.id.as_uuid(),
                    invoice_line_id: l.invoice_line_id.as_uuid(),
                    product_id: l.product_id.as_uuid(),
                    variant_id: l.variant_id.map(|v| v.as_uuid()),
                    name: l.name.clone(),
                    quantity: qty(l.quantity),
                    unit_price: cents(l.unit_price),
                    line_subtotal: cents(l.amounts.base),
                    line_taxes: line_taxes(&l.taxes),
                    line_total: cents(l.amounts.total),
                })
                .collect(),
            created_by: n.created_by.as_uuid(),
            created_at: n.created_at,
        }
    }
}

/// Where an invoice stands after a payment or a credit note.
#[derive(Object)]
pub struct InvoiceBalanceOut {
    pub id: Uuid,
    pub status: String,
    pub payment_status: String,
    pub amount_payable: String,
    pub paid_amount: String,
    pub credited_amount: String,
    pub refunded_amount: String,
    pub balance_due: String,
}

impl From<&Invoice> for InvoiceBalanceOut {
    fn from(i: &Invoice) -> Self {
        InvoiceBalanceOut {
            id: i.id.as_uuid(),
            status: i.status.as_str().into(),
            payment_status: i.payment_status().as_str().into(),
            amount_payable: cents(i.payable()),
            paid_amount: cents(i.paid_amount),
            credited_amount: cents(i.credited_amount),
            refunded_amount: cents(i.refunded_amount),
            balance_due: cents(i.balance_due()),
        }
    }
}

/// A payment and the invoice after it.
#[derive(Object)]
pub struct PaymentReceiptOut {
    #[oai(flatten)]
    pub payment: PaymentOut,
    pub invoice: InvoiceBalanceOut,
}

/// A credit note and the invoice after it.
#[derive(Object)]
pub struct CreditReceiptOut {
    #[oai(flatten)]
    pub note: CreditNoteOut,
    pub invoice: InvoiceBalanceOut,
}

/// An email request and what became of it.
#[derive(Object)]
pub struct EmailOut {
    pub id: Uuid,
    pub invoice_id: Uuid,
    /// The job that sends it.
    pub task_id: Uuid,
    pub to_email: String,
    pub subject: String,
    /// queued, sent or failed.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&InvoiceEmail> for EmailOut {
    fn from(e: &InvoiceEmail) -> Self {
        EmailOut {
            id: e.id.as_uuid(),
            invoice_id: e.invoice_id.as_uuid(),
            task_id: e.job_id.as_uuid(),
            to_email: e.to.clone(),
            subject: e.subject.clone(),
            status: e.status.as_str().into(),
            attempts: e.attempts,
            last_error: e.last_error.clone(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// The answer to an email request: queued.
#[derive(Object)]
pub struct EmailQueuedOut {
    /// Always `queued`.
    pub status: String,
    pub task_id: Uuid,
    pub email_id: Uuid,
    pub message: String,
}

/// A numbering range.
#[derive(Object)]
pub struct RangeOut {
    pub id: Uuid,
    pub pdv_id: Uuid,
    /// invoice or credit_note.
    pub kind: String,
    pub resolution_number: String,
    pub prefix: String,
    pub range_from: i64,
    pub range_to: i64,
    /// The number the next document gets.
    pub next_number: i64,
    pub remaining: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&NumberingRange> for RangeOut {
    fn from(r: &NumberingRange) -> Self {
        RangeOut {
            id: r.id.as_uuid(),
            pdv_id: r.pdv_id.as_uuid(),
            kind: r.kind.as_str().into(),
            resolution_number: r.resolution_number.clone(),
            prefix: r.prefix.clone(),
            range_from: r.range_from,
            range_to: r.range_to,
            next_number: r.next_number,
            remaining: r.range_to - r.next_number + 1,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            is_active: r.is_active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
