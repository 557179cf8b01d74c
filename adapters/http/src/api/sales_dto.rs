//! Shapes of the invoices API: what clients send.

use ally360::kernel::Field;
use ally360::sales::{
    CreditLineInput, CreditNoteInput, InvoiceInput, InvoicePatch, LineInput, PaymentInput, RangeInput, SendInvoice,
};
use chrono::NaiveDate;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

/// One line of an invoice.
#[derive(Object)]
pub struct LineIn {
    pub product_id: Uuid,
    /// Required for a product with variants.
    pub variant_id: Option<Uuid>,
    /// Printed description (default: the product's name).
    pub description: Option<String>,
    /// More than zero, up to 3 decimals.
    pub quantity: Decimal,
    /// Before tax (default: the variant's or product's price).
    pub unit_price: Option<Decimal>,
    /// Percentage 0..100.
    pub discount_pct: Option<Decimal>,
    /// Replaces the product's taxes on this line.
    pub tax_ids: Option<Vec<Uuid>>,
}

impl From<LineIn> for LineInput {
    fn from(l: LineIn) -> Self {
        LineInput {
            product_id: l.product_id,
            variant_id: l.variant_id,
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: l.discount_pct,
            tax_ids: l.tax_ids,
        }
    }
}

/// A new invoice: DRAFT (default) or OPEN (confirmed at once).
#[derive(Object)]
pub struct InvoiceIn {
    pub pdv_id: Uuid,
    /// A contact of type client.
    pub customer_id: Uuid,
    /// Default: today (America/Bogota).
    pub issue_date: Option<NaiveDate>,
    /// Default: issue date + the customer's payment terms.
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    /// DRAFT or OPEN.
    pub status: Option<String>,
    /// Owner or admin: confirm above the customer's credit limit (recorded).
    pub override_credit_limit: Option<bool>,
    /// The member credited with the sale (default: the one creating it).
    pub seller_id: Option<Uuid>,
    pub items: Vec<LineIn>,
}

impl From<InvoiceIn> for InvoiceInput {
    fn from(i: InvoiceIn) -> Self {
        InvoiceInput {
            pdv_id: i.pdv_id,
            customer_id: i.customer_id,
            issue_date: i.issue_date,
            due_date: i.due_date,
            notes: i.notes,
            status: i.status,
            override_credit_limit: i.override_credit_limit.unwrap_or(false),
            seller_id: i.seller_id,
            items: i.items.into_iter().map(Into::into).collect(),
        }
    }
}

fn field<T>(v: MaybeUndefined<T>) -> Field<T> {
    match v {
        MaybeUndefined::Undefined => Field::Absent,
        MaybeUndefined::Null => Field::Null,
        MaybeUndefined::Value(v) => Field::Value(v),
    }
}

/// Changes to a DRAFT invoice; absent fields stay, `null` clears.
#[derive(Object)]
pub struct InvoicePatchIn {
    pub pdv_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: MaybeUndefined<NaiveDate>,
    pub notes: MaybeUndefined<String>,
    /// Replaces every line.
    pub items: Option<Vec<LineIn>>,
}

impl From<InvoicePatchIn> for InvoicePatch {
    fn from(p: InvoicePatchIn) -> Self {
        InvoicePatch {
            pdv_id: p.pdv_id,
            seller_id: p.seller_id,
            customer_id: p.customer_id,
            issue_date: p.issue_date,
            due_date: field(p.due_date),
            notes: field(p.notes),
            items: p.items.map(|i| i.into_iter().map(Into::into).collect()),
        }
    }
}

/// Why a document is voided.
#[derive(Object)]
pub struct ReasonIn {
    /// 1 to 500 characters.
    pub reason: String,
}

/// A payment received.
#[derive(Object)]
pub struct PaymentIn {
    /// More than zero and at most the balance due.
    pub amount: Decimal,
    /// cash, card, transfer, qr or other.
    pub method: String,
    pub reference: Option<String>,
    /// Default: today; never before the issue date.
    pub payment_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

impl From<PaymentIn> for PaymentInput {
    fn from(p: PaymentIn) -> Self {
        PaymentInput {
            amount: p.amount,
            method: p.method,
            reference: p.reference,
            payment_date: p.payment_date,
            notes: p.notes,
        }
    }
}

/// A quantity of one invoice line to credit.
#[derive(Object)]
pub struct CreditLineIn {
    pub invoice_line_id: Uuid,
    pub quantity: Decimal,
}

/// A credit note: every line not yet credited (no `lines`), or the given quantities.
#[derive(Object)]
pub struct CreditNoteIn {
    pub reason: String,
    pub lines: Option<Vec<CreditLineIn>>,
    /// Return the goods to stock (default true).
    pub restock: Option<bool>,
    /// Required when the credit exceeds the balance due: how the difference is refunded.
    pub refund_method: Option<String>,
}

impl From<CreditNoteIn> for CreditNoteInput {
    fn from(c: CreditNoteIn) -> Self {
        CreditNoteInput {
            reason: c.reason,
            lines: c.lines.map(|l| {
                l.into_iter()
                    .map(|l| CreditLineInput { invoice_line_id: l.invoice_line_id, quantity: l.quantity })
                    .collect()
            }),
            restock: c.restock,
            refund_method: c.refund_method,
        }
    }
}

/// Email the invoice's PDF.
#[derive(Object)]
pub struct SendEmailIn {
    /// Default: the customer's email.
    pub to_email: Option<String>,
    pub subject: Option<String>,
    pub message: Option<String>,
}

impl From<SendEmailIn> for SendInvoice {
    fn from(s: SendEmailIn) -> Self {
        SendInvoice { to: s.to_email, subject: s.subject, message: s.message }
    }
}

/// A DIAN numbering range of a point of sale.
#[derive(Object)]
pub struct RangeIn {
    pub pdv_id: Uuid,
    /// invoice (default) or credit_note.
    pub kind: Option<String>,
    /// The DIAN resolution number.
    pub resolution_number: String,
    /// Up to 10 letters, digits or '-' (default none).
    pub prefix: Option<String>,
    pub range_from: i64,
    pub range_to: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Default true; one active range per point of sale and kind.
    pub is_active: Option<bool>,
}

impl From<RangeIn> for RangeInput {
    fn from(r: RangeIn) -> Self {
        RangeInput {
            pdv_id: r.pdv_id,
            kind: r.kind.unwrap_or_else(|| "invoice".into()),
            resolution_number: r.resolution_number,
            prefix: r.prefix.unwrap_or_default(),
            range_from: r.range_from,
            range_to: r.range_to,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            is_active: r.is_active.unwrap_or(true),
        }
    }
}
