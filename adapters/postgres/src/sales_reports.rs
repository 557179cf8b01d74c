//! The invoice list and the sales reports in PostgreSQL. Only the filters in use are written into a
//! statement (each combination is its own prepared statement with a plan worth caching), and limits are
//! literal numbers. Reports count OPEN and PAID invoices, less the credit notes against them dated in the
//! period; the PDV of a credit note is its invoice's.

use crate::contacts::like;
use crate::errors::db_err;
use crate::sales_rows::invoice_row;
use crate::tx::PgTx;
use ally360::kernel::*;
use ally360::sales::model::{InvoiceQuery, InvoiceRow, InvoiceStatus, PaymentStatus};
use ally360::sales::reports::{DaySales, PdvSales, ProductSales, StatusBucket};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// What the customer still owes on an OPEN or PAID invoice.
const BALANCE: &str = "(i.total_amount - i.withholdings_total - i.paid_amount - i.credited_amount)";

/// The derived payment status as SQL, as `Invoice::payment_status` decides it: PAID, or something settled
/// and nothing owed (DRAFT and VOID owe nothing); partial is OPEN with something settled and owed.
fn payment_status_sql(s: PaymentStatus) -> String {
    let settled = "i.paid_amount + i.credited_amount";
    match s {
        PaymentStatus::Paid => {
            format!(" AND (i.status = 'PAID' OR ({settled} > 0 AND (i.status IN ('DRAFT', 'VOID') OR {BALANCE} <= 0)))")
        }
        PaymentStatus::Partial => format!(" AND i.status = 'OPEN' AND {settled} > 0 AND {BALANCE} > 0"),
        PaymentStatus::Unpaid => format!(" AND i.status <> 'PAID' AND {settled} <= 0"),
    }
}

/// The search of a list: trimmed, None when blank.
fn search(q: &InvoiceQuery) -> Option<&str> {
    q.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filters of an invoice list or count (invoices `i`, contacts `c`), without status and position.
fn push_filters(b: &mut QueryBuilder<Postgres>, q: &InvoiceQuery) {
    if let Some(s) = q.payment_status {
        b.push(payment_status_sql(s));
    }
    if let Some(kind) = q.kind {
        b.push(" AND i.invoice_type = ").push_bind(kind.as_str());
    }
    if let Some(customer) = q.customer {
        b.push(" AND i.customer_id = ").push_bind(customer.as_uuid());
    }
    if let Some(pdv) = q.pdv {
        b.push(" AND i.pdv_id = ").push_bind(pdv.as_uuid());
    }
    if let Some(seller) = q.seller {
        b.push(" AND i.seller_id = ").push_bind(seller.as_uuid());
    }
    if let Some(from) = q.from {
        b.push(" AND i.issue_date >= ").push_bind(from);
    }
    if let Some(to) = q.to {
        b.push(" AND i.issue_date <= ").push_bind(to);
    }
    if let Some(s) = search(q) {
        let pattern = like(s);
        b.push(" AND (i.number ILIKE ").push_bind(pattern.clone());
        b.push(" OR i.notes ILIKE ").push_bind(pattern.clone());
        b.push(" OR c.name ILIKE ").push_bind(pattern).push(")");
    }
}

const CUSTOMER: &str = " JOIN contacts c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id";

/// The PDV condition of a report on invoices `i`: `$4` when there is one.
fn pdv_sql(pdv: Option<PdvId>) -> &'static str {
    if pdv.is_some() {
        " AND i.pdv_id = $4"
    } else {
        ""
    }
}

/// A report statement bound with `$1` tenant, `$2` from, `$3` to and `$4` the PDV if any.
fn report(
    sql: String,
    tenant: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    pdv: Option<PdvId>,
) -> Query<'static, Postgres, PgArguments> {
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant).bind(from).bind(to);
    match pdv {
        Some(p) => q.bind(p.as_uuid()),
        None => q,
    }
}

/// Net sales grouped by `key`: invoices issued in [`$2`, `$3`] grouped by `invoice_key` (over invoices
/// `i`) and, negative, the credit notes against them issued in that period grouped by `note_key` (over
/// credit notes `n` and their invoices `i`).
fn net_sales_sql(invoice_key: &str, note_key: &str, pdv: &str) -> String {
    format!(
        "SELECT key, sum(n)::bigint AS invoices, sum(amount) AS amount, sum(taxes) AS taxes FROM ( \
         SELECT {invoice_key} AS key, count(*) AS n, sum(i.total_amount) AS amount, sum(i.taxes_total) AS taxes \
         FROM invoices i WHERE i.tenant_id = $1 AND i.status IN ('OPEN', 'PAID') \
         AND i.issue_date BETWEEN $2 AND $3{pdv} GROUP BY 1 \
         UNION ALL \
         SELECT {note_key} AS key, 0, -sum(n.total_amount), -sum(n.taxes_total) \
         FROM credit_notes n JOIN invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id \
         WHERE n.tenant_id = $1 AND i.status IN ('OPEN', 'PAID') AND n.issue_date BETWEEN $2 AND $3{pdv} GROUP BY 1 \
         ) s GROUP BY key"
    )
}

fn money(r: &PgRow, column: &str) -> Result<Money, sqlx::Error> {
    Ok(Money::new(r.try_get::<Option<Decimal>, _>(column)?.unwrap_or_default()))
}

fn count(r: &PgRow, column: &str) -> Result<u64, sqlx::Error> {
    Ok(r.try_get::<i64, _>(column)?.max(0) as u64)
}

impl PgTx {
    /// Invoices matching the query with their customer's name and email, newest first.
    pub(crate) async fn invoice_page(&mut self, q: &InvoiceQuery) -> CoreResult<Vec<InvoiceRow>> {
        let tenant = self.tenant_id()?;
        let mut b = QueryBuilder::<Postgres>::new(
            "SELECT i.*, c.name AS customer_name, c.email AS customer_email FROM invoices i",
        );
        b.push(CUSTOMER).push(" WHERE i.tenant_id = ").push_bind(tenant);
        if let Some(status) = q.status {
            b.push(" AND i.status = ").push_bind(status.as_str());
        }
        push_filters(&mut b, q);
        if let Some((at, id)) = q.before {
            b.push(" AND (i.created_at, i.id) < (").push_bind(at).push(", ").push_bind(id.as_uuid()).push(")");
        }
        b.push(format!(" ORDER BY i.created_at DESC, i.id DESC LIMIT {}", q.limit));
        let rows = b.build().fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter().map(invoice_row).collect::<Result<_, _>>().map_err(db_err)
    }

    /// How many invoices match the query (status and position aside), per status present.
    pub(crate) async fn invoice_counts(&mut self, q: &InvoiceQuery) -> CoreResult<Vec<(InvoiceStatus, u64)>> {
        let tenant = self.tenant_id()?;
        let mut b = QueryBuilder::<Postgres>::new("SELECT i.status, count(*) AS n FROM invoices i");
        if search(q).is_some() {
            b.push(CUSTOMER);
        }
        b.push(" WHERE i.tenant_id = ").push_bind(tenant);
        push_filters(&mut b, q);
        b.push(" GROUP BY i.status");
        let rows = b.build().fetch_all(self.conn()).await.map_err(db_err)?;
        let mut counts = rows
            .iter()
            .map(|r| {
                let status: &str = r.try_get("status")?;
                let status = InvoiceStatus::parse(status)
                    .ok_or_else(|| sqlx::Error::Decode(format!("bad invoice status {status}").into()))?;
                Ok((status, count(r, "n")?))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(db_err)?;
        counts.sort_by_key(|(s, _)| InvoiceStatus::ALL.iter().position(|x| x == s));
        Ok(counts)
    }

    pub(crate) async fn report_daily_sales(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Vec<DaySales>> {
        let tenant = self.tenant_id()?;
        let sql = format!("{} ORDER BY key", net_sales_sql("i.issue_date", "n.issue_date", pdv_sql(pdv)));
        let rows = report(sql, tenant, from, to, pdv).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(DaySales {
                    date: r.try_get("key")?,
                    invoices: count(r, "invoices")?,
                    amount: money(r, "amount")?,
                    taxes: money(r, "taxes")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    pub(crate) async fn report_status_buckets(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Vec<StatusBucket>> {
        let tenant = self.tenant_id()?;
        let sql = format!(
            "SELECT i.status, count(*) AS n, sum(i.total_amount) AS amount, \
             sum(CASE WHEN i.status IN ('OPEN', 'PAID') THEN {BALANCE} ELSE 0 END) AS balance \
             FROM invoices i WHERE i.tenant_id = $1 AND i.issue_date BETWEEN $2 AND $3{} GROUP BY i.status",
            pdv_sql(pdv)
        );
        let rows = report(sql, tenant, from, to, pdv).fetch_all(self.conn()).await.map_err(db_err)?;
        let mut buckets = rows
            .iter()
            .map(|r| {
                let status: &str = r.try_get("status")?;
                Ok(StatusBucket {
                    status: InvoiceStatus::parse(status)
                        .ok_or_else(|| sqlx::Error::Decode(format!("bad invoice status {status}").into()))?,
                    count: count(r, "n")?,
                    amount: money(r, "amount")?,
                    balance: money(r, "balance")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(db_err)?;
        buckets.sort_by_key(|b| InvoiceStatus::ALL.iter().position(|s| *s == b.status));
        Ok(buckets)
    }

    pub(crate) async fn report_collected(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Money> {
        let tenant = self.tenant_id()?;
        let join =
            if pdv.is_some() { " JOIN invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id" } else { "" };
        let sql = format!(
            "SELECT sum(p.amount) AS amount FROM invoice_payments p{join} WHERE p.tenant_id = $1 \
             AND p.voided_at IS NULL AND p.payment_date BETWEEN $2 AND $3{}",
            pdv_sql(pdv)
        );
        let row = report(sql, tenant, from, to, pdv).fetch_one(self.conn()).await.map_err(db_err)?;
        money(&row, "amount").map_err(db_err)
    }

    pub(crate) async fn report_top_products(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
        limit: u32,
    ) -> CoreResult<Vec<ProductSales>> {
        let tenant = self.tenant_id()?;
        let sql = format!(
            "SELECT l.product_id, p.name, p.sku, sum(l.quantity - l.credited_quantity) AS quantity, \
             sum(l.total) - coalesce(sum(cr.total), 0) AS amount \
             FROM invoices i JOIN invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id \
             JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id \
             LEFT JOIN LATERAL (SELECT sum(c.total) AS total FROM credit_note_lines c \
                 WHERE c.tenant_id = l.tenant_id AND c.invoice_line_id = l.id) cr ON true \
             WHERE i.tenant_id = $1 AND i.status IN ('OPEN', 'PAID') AND i.issue_date BETWEEN $2 AND $3{} \
             GROUP BY l.product_id, p.name, p.sku \
             ORDER BY quantity DESC, amount DESC, p.name, l.product_id LIMIT {limit}",
            pdv_sql(pdv)
        );
        let rows = report(sql, tenant, from, to, pdv).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ProductSales {
                    product_id: ProductId::from_uuid(r.try_get("product_id")?),
                    name: r.try_get("name")?,
                    sku: r.try_get("sku")?,
                    quantity: Quantity::new(r.try_get("quantity")?),
                    amount: money(r, "amount")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    pub(crate) async fn report_sales_by_pdv(&mut self, from: NaiveDate, to: NaiveDate) -> CoreResult<Vec<PdvSales>> {
        let tenant = self.tenant_id()?;
        let sql = format!(
            "SELECT d.id, d.name, coalesce(s.invoices, 0) AS invoices, coalesce(s.amount, 0) AS amount \
             FROM pdvs d LEFT JOIN ({}) s ON s.key = d.id \
             WHERE d.tenant_id = $1 AND d.deleted_at IS NULL AND (d.is_active OR s.key IS NOT NULL) \
             ORDER BY amount DESC, d.name, d.id",
            net_sales_sql("i.pdv_id", "i.pdv_id", "")
        );
        let rows = report(sql, tenant, from, to, None).fetch_all(self.conn()).await.map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(PdvSales {
                    pdv_id: PdvId::from_uuid(r.try_get("id")?),
                    name: r.try_get("name")?,
                    invoices: count(r, "invoices")?,
                    amount: money(r, "amount")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }
}
