//! Sales documents: numbering ranges, invoices with their lines, payments, credit notes and the email log.
//!
//! Amounts: a line's `gross` is quantity × unit price, its `discount` a percentage of it, its `base` what
//! the taxes apply to; every amount is rounded half-up to 2 places on the line, and the header holds the
//! sums of its stored lines. Withholdings never add to the total: they lower the amount payable.

use crate::catalog::tax::TaxKind;
use crate::kernel::*;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rust_decimal::Decimal;

mod settlement;
pub use settlement::*;

/// Colombia's offset (America/Bogota keeps UTC−5 all year): business days and report buckets use it.
pub fn business_offset() -> FixedOffset {
    FixedOffset::west_opt(5 * 3600).expect("a valid offset")
}

/// The business date of an instant.
pub fn business_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&business_offset()).date_naive()
}

/// Which documents a numbering range numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Invoice, DocumentKind::CreditNote];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A numbering range authorised by a DIAN resolution for one PDV and one kind of document. Numbers are
/// taken from `next_number` inside the transaction that issues the document, so they are gap-free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberingRange {
    pub id: NumberingRangeId,
    pub pdv_id: PdvId,
    pub kind: DocumentKind,
    pub resolution_number: String,
    pub prefix: String,
    pub range_from: i64,
    pub range_to: i64,
    /// The number the next document gets (range_to + 1 when exhausted).
    pub next_number: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// At most one active range per (PDV, kind).
    pub is_active: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NumberingRange {
    /// The printed number of `n`: prefix and six digits at least (`F-000001`).
    pub fn format(&self, n: i64) -> String {
        format!("{}{n:06}", self.prefix)
    }

    /// Whether any number was taken from it.
    pub fn is_used(&self) -> bool {
        self.next_number > self.range_from
    }
}

/// An invoice's stored status. Partial payment is derived ([`PaymentStatus`]), never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 4] =
        [InvoiceStatus::Draft, InvoiceStatus::Open, InvoiceStatus::Paid, InvoiceStatus::Void];

    pub fn as_str(&self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "DRAFT",
            InvoiceStatus::Open => "OPEN",
            InvoiceStatus::Paid => "PAID",
            InvoiceStatus::Void => "VOID",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// How much of the amount payable is settled (by payments and credit notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    Unpaid,
    Partial,
    Paid,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 3] = [PaymentStatus::Unpaid, PaymentStatus::Partial, PaymentStatus::Paid];

    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::Partial => "partial",
            PaymentStatus::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// One tax of one line, as it was when the line was priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTax {
    pub tax_id: TaxId,
    pub name: String,
    pub code: String,
    pub kind: TaxKind,
    pub rate: Decimal,
    /// Rounded half-up to 2 places; positive for withholdings too.
    pub amount: Money,
}

/// The amounts of a priced line (an invoice line or a credit note line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineAmounts {
    /// quantity × unit price.
    pub gross: Money,
    pub discount: Money,
    /// gross − discount: what the taxes apply to (`line_subtotal`).
    pub base: Money,
    /// Σ added taxes.
    pub taxes: Money,
    /// Σ withholdings.
    pub withholdings: Money,
    /// base + taxes (withholdings are not part of the total).
    pub total: Money,
}

/// One line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceLine {
    pub id: InvoiceLineId,
    /// 1-based order on the document.
    pub position: i32,
    pub product_id: ProductId,
    pub variant_id: Option<VariantId>,
    /// Description printed on the invoice (the product's name unless given).
    pub name: String,
    pub sku: String,
    /// Whether the product keeps stock (services do not): decides the SALE movements.
    pub stocked: bool,
    pub quantity: Quantity,
    pub unit_price: Money,
    /// Percentage 0..100 with 2 places.
    pub discount_pct: Decimal,
    pub amounts: LineAmounts,
    pub taxes: Vec<LineTax>,
    /// Quantity already returned by credit notes.
    pub credited_quantity: Quantity,
}

/// Which kind of sale made an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceType {
    Sale,
    Pos,
}

impl InvoiceType {
    pub fn as_str(&self) -> &'static str {
        match self {
            InvoiceType::Sale => "SALE",
            InvoiceType::Pos => "POS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [InvoiceType::Sale, InvoiceType::Pos].into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Header totals: the sums of the stored lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Σ gross.
    pub subtotal: Money,
    pub discount: Money,
    pub taxes: Money,
    pub withholdings: Money,
    /// subtotal − discount + taxes.
    pub total: Money,
}

impl Totals {
    /// The sums of `lines`.
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a LineAmounts>) -> Totals {
        let mut t = Totals::default();
        for l in lines {
            t.subtotal = t.subtotal + l.gross;
            t.discount = t.discount + l.discount;
            t.taxes = t.taxes + l.taxes;
            t.withholdings = t.withholdings + l.withholdings;
            t.total = t.total + l.total;
        }
        t
    }

    /// What the customer owes: the total less the withholdings.
    pub fn payable(&self) -> Money {
        self.total - self.withholdings
    }
}

/// A sales invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    pub id: InvoiceId,
    pub kind: InvoiceType,
    pub pdv_id: PdvId,
    pub customer_id: ContactId,
    /// The user credited with the sale (the creator unless given).
    pub seller_id: UserId,
    /// Set when the invoice leaves DRAFT.
    pub number: Option<String>,
    pub number_seq: Option<i64>,
    pub range_id: Option<NumberingRangeId>,
    pub status: InvoiceStatus,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub currency: String,
    pub totals: Totals,
    /// Σ live payments.
    pub paid_amount: Money,
    /// Σ credit notes applied to the balance.
    pub credited_amount: Money,
    /// Σ credit notes paid back to the customer.
    pub refunded_amount: Money,
    pub lines: Vec<InvoiceLine>,
    pub created_by: UserId,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub voided_by: Option<UserId>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// An owner or admin who confirmed above the customer's credit limit.
    pub credit_override_by: Option<UserId>,
    pub updated_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Invoice {
    /// What the customer owes in all: total less withholdings.
    pub fn payable(&self) -> Money {
        self.totals.payable()
    }

    /// What is still owed (0 for drafts and void invoices).
    pub fn balance_due(&self) -> Money {
        match self.status {
            InvoiceStatus::Open | InvoiceStatus::Paid => self.payable() - self.paid_amount - self.credited_amount,
            InvoiceStatus::Draft | InvoiceStatus::Void => Money::ZERO,
        }
    }

    /// Unpaid, partial or paid (by payments and credit notes).
    pub fn payment_status(&self) -> PaymentStatus {
        let settled = self.paid_amount + self.credited_amount;
        if self.status == InvoiceStatus::Paid || (settled > Money::ZERO && self.balance_due() <= Money::ZERO) {
            PaymentStatus::Paid
        } else if settled > Money::ZERO {
            PaymentStatus::Partial
        } else {
            PaymentStatus::Unpaid
        }
    }

    /// OPEN and past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == InvoiceStatus::Open && self.due_date.is_some_and(|d| d < today)
    }

    /// OPEN while something is owed, PAID once the balance is settled.
    pub fn settle_status(&mut self) {
        if matches!(self.status, InvoiceStatus::Open | InvoiceStatus::Paid) {
            self.status = if self.balance_due() <= Money::ZERO { InvoiceStatus::Paid } else { InvoiceStatus::Open };
        }
    }
}

/// What an invoices list asks for. Newest first (creation time, then id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceQuery {
    pub status: Option<InvoiceStatus>,
    pub payment_status: Option<PaymentStatus>,
    pub kind: Option<InvoiceType>,
    pub customer: Option<ContactId>,
    pub pdv: Option<PdvId>,
    pub seller: Option<UserId>,
    /// Issue dates, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Case-insensitive substring of the number, the notes or the customer's name.
    pub search: Option<String>,
    /// Keyset position: rows created before this (time, id).
    pub before: Option<(DateTime<Utc>, InvoiceId)>,
    pub limit: u32,
}

/// An invoice in a list: the header (no lines) and the customer's name and email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceRow {
    pub invoice: Invoice,
    pub customer_name: String,
    pub customer_email: Option<String>,
}
