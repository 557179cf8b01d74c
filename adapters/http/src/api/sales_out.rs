//! Shapes of the invoices API: what clients read. Money is a decimal string with 2 places.

use super::catalog_dto::{cents, rate};
use super::inventory_dto::qty;
use super::sales_receipts::CreditNoteOut;
use ally360::contacts::model::Contact;
use ally360::sales::document::tax_summary;
use ally360::sales::model::*;
use ally360::sales::{InvoiceDetail, NextNumber};
use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

/// An invoice's header with its derived amounts.
#[derive(Object)]
pub struct InvoiceOut {
    pub id: Uuid,
    /// Set when the invoice leaves DRAFT.
    pub number: Option<String>,
    /// SALE or POS.
    #[oai(rename = "type")]
    pub kind: String,
    /// DRAFT, OPEN, PAID or VOID.
    pub status: String,
    /// unpaid, partial or paid.
    pub payment_status: String,
    /// OPEN and past its due date.
    pub overdue: bool,
    pub pdv_id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub seller_id: Uuid,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub currency: String,
    /// Σ quantity × unit price.
    pub subtotal: String,
    pub discount_total: String,
    pub taxes_total: String,
    pub withholdings_total: String,
    /// subtotal − discounts + taxes.
    pub total_amount: String,
    /// total − withholdings: what the customer owes in all.
    pub amount_payable: String,
    pub paid_amount: String,
    /// Credit notes applied to the balance.
    pub credited_amount: String,
    /// Credit notes paid back to the customer.
    pub refunded_amount: String,
    pub balance_due: String,
    pub created_by: Uuid,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub voided_by: Option<Uuid>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// The owner or admin who confirmed above the credit limit.
    pub credit_override_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InvoiceOut {
    pub fn new(i: &Invoice, customer_name: &str, customer_email: Option<&str>, today: NaiveDate) -> Self {
        InvoiceOut {
            id: i.id.as_uuid(),
            number: i.number.clone(),
            kind: i.kind.as_str().into(),
            status: i.status.as_str().into(),
            payment_status: i.payment_status().as_str().into(),
            overdue: i.is_overdue(today),
            pdv_id: i.pdv_id.as_uuid(),
            customer_id: i.customer_id.as_uuid(),
            customer_name: customer_name.into(),
            customer_email: customer_email.map(Into::into),
            seller_id: i.seller_id.as_uuid(),
            issue_date: i.issue_date,
            due_date: i.due_date,
            notes: i.notes.clone(),
            currency: i.currency.clone(),
            subtotal: cents(i.totals.subtotal),
            discount_total: cents(i.totals.discount),
            taxes_total: cents(i.totals.taxes),
            withholdings_total: cents(i.totals.withholdings),
            total_amount: cents(i.totals.total),
            amount_payable: cents(i.payable()),
            paid_amount: cents(i.paid_amount),
            credited_amount: cents(i.credited_amount),
            refunded_amount: cents(i.refunded_amount),
            balance_due: cents(i.balance_due()),
            created_by: i.created_by.as_uuid(),
            confirmed_by: i.confirmed_by.map(|u| u.as_uuid()),
            confirmed_at: i.confirmed_at,
            voided_by: i.voided_by.map(|u| u.as_uuid()),
            voided_at: i.voided_at,
            void_reason: i.void_reason.clone(),
            credit_override_by: i.credit_override_by.map(|u| u.as_uuid()),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// One tax of a line, as priced.
#[derive(Object)]
pub struct LineTaxOut {
    pub tax_id: Uuid,
    pub tax_name: String,
    /// VAT, INC, OTHER, WITHHOLDING or MUNICIPAL.
    pub kind: String,
    pub tax_rate: String,
    pub tax_amount: String,
}

pub(super) fn line_taxes(taxes: &[LineTax]) -> Vec<LineTaxOut> {
    taxes
        .iter()
        .map(|t| LineTaxOut {
            tax_id: t.tax_id.as_uuid(),
            tax_name: t.name.clone(),
            kind: t.kind.as_str().into(),
            tax_rate: rate(t.rate),
            tax_amount: cents(t.amount),
        })
        .collect()
}

/// One line of an invoice.
#[derive(Object)]
pub struct LineOut {
    pub id: Uuid,
    pub position: i32,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub name: String,
    pub sku: String,
    pub quantity: Decimal,
    pub unit_price: String,
    pub discount_pct: Decimal,
    /// quantity × unit price.
    pub line_gross: String,
    pub line_discount: String,
    /// What the taxes apply to: gross − discount.
    pub line_subtotal: String,
    pub line_taxes: Vec<LineTaxOut>,
    pub taxes_total: String,
    pub withholdings: String,
    /// line_subtotal + taxes.
    pub line_total: String,
    /// Already returned by credit notes.
    pub credited_quantity: Decimal,
}

impl From<&InvoiceLine> for LineOut {
    fn from(l: &InvoiceLine) -> Self {
        LineOut {
            id: l.id.as_uuid(),
            position: l.position,
            product_id: l.product_id.as_uuid(),
            variant_id: l.variant_id.map(|v| v.as_uuid()),
            name: l.name.clone(),
            sku: l.sku.clone(),
            quantity: qty(l.quantity),
            unit_price: cents(l.unit_price),
            discount_pct: l.discount_pct.normalize(),
            line_gross: cents(l.amounts.gross),
            line_discount: cents(l.amounts.discount),
            line_subtotal: cents(l.amounts.base),
            line_taxes: line_taxes(&l.taxes),
            taxes_total: cents(l.amounts.taxes),
            withholdings: cents(l.amounts.withholdings),
            line_total: cents(l.amounts.total),
            credited_quantity: qty(l.credited_quantity),
        }
    }
}

/// A payment.
#[derive(Object)]
pub struct PaymentOut {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount: String,
    pub method: String,
    pub reference: Option<String>,
    pub payment_date: NaiveDate,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub is_void: bool,
    pub voided_by: Option<Uuid>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}

impl From<&Payment> for PaymentOut {
    fn from(p: &Payment) -> Self {
        PaymentOut {
            id: p.id.as_uuid(),
            invoice_id: p.invoice_id.as_uuid(),
            amount: cents(p.amount),
            method: p.method.as_str().into(),
            reference: p.reference.clone(),
            payment_date: p.payment_date,
            notes: p.notes.clone(),
            created_by: p.created_by.as_uuid(),
            created_at: p.created_at,
            is_void: p.voided_at.is_some(),
            voided_by: p.voided_by.map(|u| u.as_uuid()),
            voided_at: p.voided_at,
            void_reason: p.void_reason.clone(),
        }
    }
}

/// The customer as shown on an invoice.
#[derive(Object)]
pub struct CustomerOut {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub dv: Option<u8>,
    pub payment_terms_days: i32,
    pub credit_limit: Option<String>,
}

impl From<&Contact> for CustomerOut {
    fn from(c: &Contact) -> Self {
        CustomerOut {
            id: c.id.as_uuid(),
            name: c.name.clone(),
            email: c.email.clone(),
            id_type: c.id_type.map(|t| t.as_str().into()),
            id_number: c.id_number.clone(),
            dv: c.dv,
            payment_terms_days: c.payment_terms_days,
            credit_limit: c.credit_limit.map(cents),
        }
    }
}

/// One tax over the whole invoice.
#[derive(Object)]
pub struct TaxSummaryOut {
    pub tax_name: String,
    pub tax_rate: String,
    /// Σ subtotal of the lines carrying it.
    pub taxable_amount: String,
    pub tax_amount: String,
    pub is_withholding: bool,
}

/// One invoice with its customer, lines, taxes, payments and credit notes.
#[derive(Object)]
pub struct InvoiceDetailOut {
    #[oai(flatten)]
    pub header: InvoiceOut,
    pub pdv_name: String,
    pub customer: CustomerOut,
    pub line_items: Vec<LineOut>,
    pub tax_summary: Vec<TaxSummaryOut>,
    pub payments: Vec<PaymentOut>,
    pub credit_notes: Vec<CreditNoteOut>,
}

impl InvoiceDetailOut {
    pub fn new(d: &InvoiceDetail, today: NaiveDate) -> Self {
        let i = &d.invoice;
        InvoiceDetailOut {
            header: InvoiceOut::new(i, &d.customer.name, d.customer.email.as_deref(), today),
            pdv_name: d.pdv.name.clone(),
            customer: (&d.customer).into(),
            line_items: i.lines.iter().map(LineOut::from).collect(),
            tax_summary: tax_summary(i)
                .into_iter()
                .map(|t| TaxSummaryOut {
                    tax_name: t.name,
                    tax_rate: rate(t.rate),
                    taxable_amount: cents(t.taxable),
                    tax_amount: cents(t.amount),
                    is_withholding: t.is_withholding,
                })
                .collect(),
            payments: d.payments.iter().map(PaymentOut::from).collect(),
            credit_notes: d.credit_notes.iter().map(CreditNoteOut::from).collect(),
        }
    }
}

/// How many invoices of one status the filters match.
#[derive(Object)]
pub struct StatusCountOut {
    pub status: String,
    pub count: u64,
}

/// A page of invoices.
#[derive(Object)]
pub struct InvoiceListOut {
    pub items: Vec<InvoiceOut>,
    /// Every invoice the filters match.
    pub total: u64,
    /// Always the four statuses, DRAFT, OPEN, PAID, VOID (the status filter aside).
    pub counts_by_status: Vec<StatusCountOut>,
    pub next_cursor: Option<String>,
}

/// The next invoice number of a point of sale (a preview: nothing is reserved).
#[derive(Object)]
pub struct NextNumberOut {
    pub next_number: String,
    pub prefix: String,
    pub current_sequence: i64,
    pub range_id: Uuid,
    pub resolution_number: String,
}

impl From<&NextNumber> for NextNumberOut {
    fn from(n: &NextNumber) -> Self {
        NextNumberOut {
            next_number: n.next_number.clone(),
            prefix: n.prefix.clone(),
            current_sequence: n.current_sequence,
            range_id: n.range.id.as_uuid(),
            resolution_number: n.range.resolution_number.clone(),
        }
    }
}
