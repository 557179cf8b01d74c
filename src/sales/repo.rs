//! Repository of sales documents (tenant data, reached through `TenantTx`).

use super::model::*;
use super::reports::{DaySales, PdvSales, ProductSales, StatusBucket};
use crate::catalog::model::{Product, Variant};
use crate::catalog::tax::Tax;
use crate::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// The catalog entries a set of invoice lines names: products, variants and each product's taxes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaleItems {
    pub products: Vec<Product>,
    pub variants: Vec<Variant>,
    pub taxes: Vec<(ProductId, Tax)>,
}

/// What an idempotency key already holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    pub fingerprint: String,
    /// The document the first request produced (None while it runs).
    pub result: Option<uuid::Uuid>,
}

/// The tenant's invoices, payments, credit notes, numbering ranges, idempotency keys and email log.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait SalesRepo: Send {
    /// Adds a range. A second active range for the same (PDV, kind) is `Conflict { code: "active_range_exists" }`.
    async fn insert_range(&mut self, range: &NumberingRange) -> CoreResult<()>;
    /// Saves a range's editable fields (same conflict as insert).
    async fn update_range(&mut self, range: &NumberingRange) -> CoreResult<()>;
    async fn range(&mut self, id: NumberingRangeId) -> CoreResult<Option<NumberingRange>>;
    /// Ranges of one PDV (or all), active first, then newest.
    async fn ranges(&mut self, pdv: Option<PdvId>) -> CoreResult<Vec<NumberingRange>>;
    async fn delete_range(&mut self, id: NumberingRangeId) -> CoreResult<()>;
    /// Takes the next number of the active range of (PDV, kind) valid on `on` and not exhausted, by one
    /// conditional increment of its counter (the row stays locked until the transaction ends, so numbers
    /// are unique and gap-free). None when no such range exists (nothing changed).
    async fn take_number(
        &mut self,
        pdv: PdvId,
        kind: DocumentKind,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>>;

    /// Numbers a saved invoice: takes the next number of the PDV's active invoice range valid on `on` (as
    /// `take_number`) and writes it, in the same step, on the invoice (number, sequence, range) and on the
    /// movements of the invoice that have none. The range row is the one every confirm of a PDV shares,
    /// so it is locked last, for the shortest time. None when no range can number it (nothing changed).
    async fn stamp_invoice(
        &mut self,
        invoice: InvoiceId,
        pdv: PdvId,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>>;

    /// The products, variants and product taxes the lines name (missing ids are simply absent).
    async fn sale_items(&mut self, products: &[ProductId], variants: &[VariantId]) -> CoreResult<SaleItems>;

    /// Adds an invoice with its lines.
    async fn insert_invoice(&mut self, invoice: &Invoice) -> CoreResult<()>;
    /// Saves an invoice's header (status, number, amounts, dates, audit fields). With `lines`, its lines
    /// are replaced by `invoice.lines`; otherwise only their credited quantities are saved.
    async fn update_invoice(&mut self, invoice: &Invoice, lines: bool) -> CoreResult<()>;
    /// An invoice with its lines (ordered by position).
    async fn invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>>;
    /// The same, with the invoice row locked until the transaction ends.
    async fn lock_invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>>;
    /// Invoices matching the query (headers without lines), newest first, at most `limit`.
    async fn invoices(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<InvoiceRow>>;
    /// How many invoices match the query ignoring its status filter and position, per status.
    async fn count_by_status(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<(InvoiceStatus, u64)>>;
    /// Σ balance due of the customer's OPEN invoices.
    async fn open_balance(&mut self, customer: ContactId) -> CoreResult<Money>;

    async fn insert_payment(&mut self, payment: &Payment) -> CoreResult<()>;
    /// Saves a payment's void fields.
    async fn update_payment(&mut self, payment: &Payment) -> CoreResult<()>;
    async fn payment(&mut self, id: PaymentId) -> CoreResult<Option<Payment>>;
    /// An invoice's payments, oldest first (voided ones included).
    async fn payments(&mut self, invoice: InvoiceId) -> CoreResult<Vec<Payment>>;

    /// Adds a credit note with its lines.
    async fn insert_credit_note(&mut self, note: &CreditNote) -> CoreResult<()>;
    async fn credit_note(&mut self, id: CreditNoteId) -> CoreResult<Option<CreditNote>>;
    /// An invoice's credit notes, oldest first, with their lines.
    async fn credit_notes(&mut self, invoice: InvoiceId) -> CoreResult<Vec<CreditNote>>;

    /// Claims an idempotency key for `scope`: None when this call claimed it (the caller goes on and
    /// then calls `complete_key`), or what the key already holds. A claim made by a transaction still
    /// running waits for it to end.
    async fn claim_key(
        &mut self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> CoreResult<Option<StoredKey>>;
    /// Records the document a claimed key produced.
    async fn complete_key(&mut self, scope: &str, key: &str, result: uuid::Uuid) -> CoreResult<()>;

    async fn insert_email(&mut self, email: &InvoiceEmail) -> CoreResult<()>;
    /// Saves status, attempts, last error and update time.
    async fn update_email(&mut self, email: &InvoiceEmail) -> CoreResult<()>;
    async fn email(&mut self, id: InvoiceEmailId) -> CoreResult<Option<InvoiceEmail>>;
    /// An invoice's email requests, oldest first.
    async fn emails(&mut self, invoice: InvoiceId) -> CoreResult<Vec<InvoiceEmail>>;

    /// Per issue day in [from, to] with any sale: OPEN and PAID invoices (count, Σ total, Σ taxes), less
    /// the credit notes issued that day (their totals and taxes). Optional PDV.
    async fn daily_sales(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Vec<DaySales>>;
    /// Per status, invoices issued in [from, to]: count, Σ total and Σ balance due. Optional PDV.
    async fn status_buckets(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Vec<StatusBucket>>;
    /// Σ live payments dated in [from, to]. Optional PDV.
    async fn collected(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Money>;
    /// Products sold on OPEN and PAID invoices issued in [from, to], net of credited quantities and
    /// amounts: by quantity descending, then amount descending, then name; at most `limit`.
    async fn top_products(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
        limit: u32,
    ) -> CoreResult<Vec<ProductSales>>;
    /// Net sales (as `daily_sales`) per PDV in [from, to]: every active PDV, and inactive ones with sales.
    async fn sales_by_pdv(&mut self, from: NaiveDate, to: NaiveDate) -> CoreResult<Vec<PdvSales>>;
}
