//! Sales documents in PostgreSQL: numbering ranges, invoices with their lines, payments, credit notes,
//! idempotency keys and the email log. A document and all its lines are written and read in a fixed
//! number of statements whatever the number of lines (the lines travel as arrays and are unnested).

use crate::catalog::tax;
use crate::errors::db_err;
use crate::product_rows::{product, variant, TAXES};
use crate::sales_rows::*;
use crate::tx::PgTx;
use ally360::catalog::model::{Product, Variant};
use ally360::catalog::tax::Tax;
use ally360::kernel::*;
use ally360::sales::model::*;
use ally360::sales::repo::{SaleItems, SalesRepo, StoredKey};
use ally360::sales::reports::{DaySales, PdvSales, ProductSales, StatusBucket};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

const INSERT_RANGE: &str = "INSERT INTO numbering_ranges (tenant_id, id, pdv_id, document_kind, resolution_number, \
    prefix, range_from, range_to, next_number, valid_from, valid_to, is_active, created_by, created_at, updated_at) \
    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)";

/// The counter is the database's once a number was taken from the range: a copy read before a concurrent
/// `take_number` never moves it back (the update waits for that transaction and sees its counter).
const UPDATE_RANGE: &str = "UPDATE numbering_ranges SET pdv_id = $3, document_kind = $4, resolution_number = $5, \
    prefix = $6, range_from = $7, range_to = $8, \
    next_number = CASE WHEN next_number = range_from THEN $9 ELSE next_number END, valid_from = $10, \
    valid_to = $11, is_active = $12, created_by = $13, created_at = $14, updated_at = $15 \
    WHERE tenant_id = $1 AND id = $2";

/// One conditional increment: the row lock it takes lasts until the transaction ends, so a concurrent
/// issuer waits and then takes the following number (gap-free). The number taken is `next_number - 1`.
const TAKE_NUMBER: &str = "UPDATE numbering_ranges SET next_number = next_number + 1, updated_at = now() \
    WHERE tenant_id = $1 AND pdv_id = $2 AND document_kind = $3 AND is_active AND next_number <= range_to \
      AND valid_from <= $4 AND valid_to >= $4 \
    RETURNING *";

/// `$1` tenant, `$2` invoice, `$3` PDV, `$4` date. The number is printed as `NumberingRange::format` does:
/// the prefix and at least six digits.
const STAMP_INVOICE: &str = "WITH r AS ( \
      UPDATE numbering_ranges SET next_number = next_number + 1, updated_at = now() \
      WHERE tenant_id = $1 AND pdv_id = $3 AND document_kind = 'invoice' AND is_active \
        AND next_number <= range_to AND valid_from <= $4 AND valid_to >= $4 \
      RETURNING *), \
    n AS (SELECT id, next_number - 1 AS seq, prefix || CASE WHEN next_number - 1 >= 1000000 \
          THEN (next_number - 1)::text ELSE lpad((next_number - 1)::text, 6, '0') END AS number FROM r), \
    i AS (UPDATE invoices v SET number = n.number, number_seq = n.seq, range_id = n.id FROM n \
          WHERE v.tenant_id = $1 AND v.id = $2 RETURNING 1), \
    m AS (UPDATE inventory_movements v SET document_number = n.number FROM n \
          WHERE v.tenant_id = $1 AND v.document_id = $2 AND v.document_number IS NULL RETURNING 1) \
    SELECT r.*, (SELECT count(*) FROM i) AS stamped FROM r";

/// Only the lines whose credited quantity changed are written (no new row versions for the others).
const SET_CREDITED: &str = "UPDATE invoice_lines l SET credited_quantity = u.quantity \
    FROM unnest($3::uuid[], $4::numeric[]) AS u(id, quantity) \
    WHERE l.tenant_id = $1 AND l.invoice_id = $2 AND l.id = u.id AND l.credited_quantity <> u.quantity";

impl PgTx {
    /// Runs an insert or update of a range: `$1` tenant, then every column in table order.
    async fn write_range(&mut self, sql: &'static str, r: &NumberingRange) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql)
            .bind(tenant)
            .bind(r.id.as_uuid())
            .bind(r.pdv_id.as_uuid())
            .bind(r.kind.as_str())
            .bind(&r.resolution_number)
            .bind(&r.prefix)
            .bind(r.range_from)
            .bind(r.range_to)
            .bind(r.next_number)
            .bind(r.valid_from)
            .bind(r.valid_to)
            .bind(r.is_active)
            .bind(r.created_by.as_uuid())
            .bind(r.created_at)
            .bind(r.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// Rows of `sql` whose `$1` is the tenant and `$2` an id, decoded with `decode`.
    pub(crate) async fn rows_by<T>(
        &mut self,
        sql: &'static str,
        id: Uuid,
        decode: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
    ) -> CoreResult<Vec<T>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(sql).bind(tenant).bind(id).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(decode).collect::<Result<_, _>>().map_err(db_err)
    }

    /// The row of `sql` whose `$1` is the tenant and `$2` the id, decoded with `decode`.
    pub(crate) async fn row_by<T>(
        &mut self,
        sql: &'static str,
        id: Uuid,
        decode: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
    ) -> CoreResult<Option<T>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(sql).bind(tenant).bind(id).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(decode).transpose().map_err(db_err)
    }

    /// The invoice header read by `sql` (plain or locking), then its lines: two statements.
    async fn full_invoice(&mut self, sql: &'static str, id: InvoiceId) -> CoreResult<Option<Invoice>> {
        let Some(mut invoice) = self.row_by(sql, id.as_uuid(), invoice).await? else { return Ok(None) };
        invoice.lines = self
            .rows_by(
                "SELECT * FROM invoice_lines WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY position",
                id.as_uuid(),
                invoice_line,
            )
            .await?;
        Ok(Some(invoice))
    }

    async fn insert_lines(&mut self, invoice: InvoiceId, lines: &[InvoiceLine]) -> CoreResult<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let tenant = self.tenant_id()?;
        let q = sqlx::query(INSERT_LINES).bind(tenant).bind(invoice.as_uuid());
        bind_lines(q, lines).execute(self.conn()).await.map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl SalesRepo for PgTx {
    async fn insert_range(&mut self, range: &NumberingRange) -> CoreResult<()> {
        self.write_range(INSERT_RANGE, range).await
    }

    async fn update_range(&mut self, range: &NumberingRange) -> CoreResult<()> {
        self.write_range(UPDATE_RANGE, range).await
    }

    async fn range(&mut self, id: NumberingRangeId) -> CoreResult<Option<NumberingRange>> {
        self.row_by("SELECT * FROM numbering_ranges WHERE tenant_id = $1 AND id = $2", id.as_uuid(), range).await
    }

    async fn ranges(&mut self, pdv: Option<PdvId>) -> CoreResult<Vec<NumberingRange>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(
            "SELECT * FROM numbering_ranges WHERE tenant_id = $1 AND ($2::uuid IS NULL OR pdv_id = $2) \
             ORDER BY is_active DESC, created_at DESC, id DESC",
        )
        .bind(tenant)
        .bind(pdv.map(|p| p.as_uuid()))
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter().map(range).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn delete_range(&mut self, id: NumberingRangeId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM numbering_ranges WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }

    async fn take_number(
        &mut self,
        pdv: PdvId,
        kind: DocumentKind,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(TAKE_NUMBER)
            .bind(tenant)
            .bind(pdv.as_uuid())
            .bind(kind.as_str())
            .bind(on)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        let Some(range) = row.as_ref().map(range).transpose().map_err(db_err)? else { return Ok(None) };
        let taken = range.next_number - 1;
        Ok(Some((range, taken)))
    }

    async fn sale_items(&mut self, products: &[ProductId], variants: &[VariantId]) -> CoreResult<SaleItems> {
        let mut items = SaleItems::default();
        if !products.is_empty() {
            let ids: Vec<Uuid> = products.iter().map(|p| p.as_uuid()).collect();
            items.products = self
                .parts::<Product>(
                    "SELECT * FROM products WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id",
                    &ids,
                    product,
                )
                .await?;
            items.taxes = self
                .parts::<(ProductId, Tax)>(TAXES, &ids, |r| {
                    Ok((ProductId::from_uuid(r.try_get("product_id")?), tax(r)?))
                })
                .await?;
        }
        if !variants.is_empty() {
            let ids: Vec<Uuid> = variants.iter().map(|v| v.as_uuid()).collect();
            items.variants = self
                .parts::<Variant>(
                    "SELECT * FROM product_variants WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id",
                    &ids,
                    variant,
                )
                .await?;
        }
        Ok(items)
    }

    async fn stamp_invoice(
        &mut self,
        invoice: InvoiceId,
        pdv: PdvId,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(STAMP_INVOICE)
            .bind(tenant)
            .bind(invoice.as_uuid())
            .bind(pdv.as_uuid())
            .bind(on)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        let Some(range) = row.as_ref().map(range).transpose().map_err(db_err)? else { return Ok(None) };
        Ok(Some((range.clone(), range.next_number - 1)))
    }

    async fn insert_invoice(&mut self, invoice: &Invoice) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        let q = sqlx::query(INSERT_INVOICE).bind(tenant).bind(invoice.id.as_uuid());
        bind_invoice(q, invoice).execute(self.conn()).await.map_err(db_err)?;
        self.insert_lines(invoice.id, &invoice.lines).await
    }

    async fn update_invoice(&mut self, invoice: &Invoice, lines: bool) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        let q = sqlx::query(UPDATE_INVOICE).bind(tenant).bind(invoice.id.as_uuid());
        bind_invoice(q, invoice).execute(self.conn()).await.map_err(db_err)?;
        if lines {
            // The old rows go first, so the new lines may keep their ids and positions.
            self.execute_by_id(
                "DELETE FROM invoice_lines WHERE tenant_id = $1 AND invoice_id = $2",
                invoice.id.as_uuid(),
            )
            .await?;
            return self.insert_lines(invoice.id, &invoice.lines).await;
        }
        // Credited quantities only grow: none credited means none changed.
        if invoice.lines.iter().all(|l| l.credited_quantity == Quantity::ZERO) {
            return Ok(());
        }
        sqlx::query(SET_CREDITED)
            .bind(tenant)
            .bind(invoice.id.as_uuid())
            .bind(invoice.lines.iter().map(|l| l.id.as_uuid()).collect::<Vec<_>>())
            .bind(invoice.lines.iter().map(|l| l.credited_quantity.value()).collect::<Vec<_>>())
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>> {
        self.full_invoice("SELECT * FROM invoices WHERE tenant_id = $1 AND id = $2", id).await
    }

    async fn lock_invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>> {
        self.full_invoice("SELECT * FROM invoices WHERE tenant_id = $1 AND id = $2 FOR UPDATE", id).await
    }

    async fn invoices(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<InvoiceRow>> {
        self.invoice_page(query).await
    }

    async fn count_by_status(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<(InvoiceStatus, u64)>> {
        self.invoice_counts(query).await
    }

    async fn open_balance(&mut self, customer: ContactId) -> CoreResult<Money> {
        let tenant = self.tenant_id()?;
        let sum: Decimal = sqlx::query_scalar(
            "SELECT coalesce(sum(total_amount - withholdings_total - paid_amount - credited_amount), 0) \
             FROM invoices WHERE tenant_id = $1 AND customer_id = $2 AND status = 'OPEN'",
        )
        .bind(tenant)
        .bind(customer.as_uuid())
        .fetch_one(self.conn())
        .await
        .map_err(db_err)?;
        Ok(Money::new(sum))
    }

    async fn insert_payment(&mut self, p: &Payment) -> CoreResult<()> {
        self.doc_insert_payment(p).await
    }

    async fn update_payment(&mut self, p: &Payment) -> CoreResult<()> {
        self.doc_update_payment(p).await
    }

    async fn payment(&mut self, id: PaymentId) -> CoreResult<Option<Payment>> {
        self.doc_payment(id).await
    }

    async fn payments(&mut self, invoice: InvoiceId) -> CoreResult<Vec<Payment>> {
        self.doc_payments(invoice).await
    }

    async fn insert_credit_note(&mut self, n: &CreditNote) -> CoreResult<()> {
        self.doc_insert_credit_note(n).await
    }

    async fn credit_note(&mut self, id: CreditNoteId) -> CoreResult<Option<CreditNote>> {
        self.doc_credit_note(id).await
    }

    async fn credit_notes(&mut self, invoice: InvoiceId) -> CoreResult<Vec<CreditNote>> {
        self.doc_credit_notes(invoice).await
    }

    async fn claim_key(
        &mut self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> CoreResult<Option<StoredKey>> {
        self.doc_claim_key(scope, key, fingerprint, at).await
    }

    async fn complete_key(&mut self, scope: &str, key: &str, result: Uuid) -> CoreResult<()> {
        self.doc_complete_key(scope, key, result).await
    }

    async fn insert_email(&mut self, e: &InvoiceEmail) -> CoreResult<()> {
        self.doc_insert_email(e).await
    }

    async fn update_email(&mut self, e: &InvoiceEmail) -> CoreResult<()> {
        self.doc_update_email(e).await
    }

    async fn email(&mut self, id: InvoiceEmailId) -> CoreResult<Option<InvoiceEmail>> {
        self.doc_email(id).await
    }

    async fn emails(&mut self, invoice: InvoiceId) -> CoreResult<Vec<InvoiceEmail>> {
        self.doc_emails(invoice).await
    }

    async fn daily_sales(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Vec<DaySales>> {
        self.report_daily_sales(from, to, pdv).await
    }

    async fn status_buckets(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Vec<StatusBucket>> {
        self.report_status_buckets(from, to, pdv).await
    }

    async fn collected(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Money> {
        self.report_collected(from, to, pdv).await
    }

    async fn top_products(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
        limit: u32,
    ) -> CoreResult<Vec<ProductSales>> {
        self.report_top_products(from, to, pdv, limit).await
    }

    async fn sales_by_pdv(&mut self, from: NaiveDate, to: NaiveDate) -> CoreResult<Vec<PdvSales>> {
        self.report_sales_by_pdv(from, to).await
    }
}
