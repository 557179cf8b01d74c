//! What settles or reverses an invoice: payments, credit notes, and the email log of a sent invoice.

use super::{LineAmounts, LineTax, Totals};
use crate::kernel::*;
use chrono::{DateTime, NaiveDate, Utc};

/// How a payment was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    Cash,
    Card,
    Transfer,
    Qr,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] =
        [PaymentMethod::Cash, PaymentMethod::Card, PaymentMethod::Transfer, PaymentMethod::Qr, PaymentMethod::Other];

    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Qr => "qr",
            PaymentMethod::Other => "other",
        }
    }

    /// Reads a method; `qr_code` is the original's spelling of `qr`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        if s == "qr_code" {
            return Some(PaymentMethod::Qr);
        }
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A payment received against an invoice. Never edited; voiding keeps it with who, when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub invoice_id: InvoiceId,
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub payment_date: NaiveDate,
    pub notes: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub voided_by: Option<UserId>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}

/// One line of a credit note: a quantity of one invoice line given back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditNoteLine {
    pub id: CreditNoteLineId,
    pub invoice_line_id: InvoiceLineId,
    pub product_id: ProductId,
    pub variant_id: Option<VariantId>,
    pub name: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub amounts: LineAmounts,
    pub taxes: Vec<LineTax>,
}

/// A credit note (nota crédito) against an OPEN or PAID invoice, numbered from its own range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditNote {
    pub id: CreditNoteId,
    pub invoice_id: InvoiceId,
    pub pdv_id: PdvId,
    pub number: String,
    pub number_seq: i64,
    pub range_id: NumberingRangeId,
    pub issue_date: NaiveDate,
    pub reason: String,
    /// Whether the goods came back into stock (SALE_RETURN movements).
    pub restock: bool,
    pub totals: Totals,
    /// The part that lowered the invoice's balance.
    pub applied_amount: Money,
    /// The part paid back to the customer (what exceeded the balance).
    pub refund_amount: Money,
    pub refund_method: Option<PaymentMethod>,
    pub lines: Vec<CreditNoteLine>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Where an invoice email stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailStatus {
    Queued,
    Sent,
    Failed,
}

impl EmailStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [EmailStatus::Queued, EmailStatus::Sent, EmailStatus::Failed].into_iter().find(|k| k.as_str() == s)
    }
}

/// One request to email an invoice, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceEmail {
    pub id: InvoiceEmailId,
    pub invoice_id: InvoiceId,
    pub job_id: JobId,
    pub to: String,
    pub subject: String,
    pub message: Option<String>,
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
