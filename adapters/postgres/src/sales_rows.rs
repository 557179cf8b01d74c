//! Row decoding of sales documents, and the taxes of a line as stored: a jsonb array of objects
//! `{tax_id, name, code, kind, rate, amount}` whose decimals are strings (exact, whatever their scale).

use crate::catalog::tax_kind;
use crate::product_rows::bad;
use ally360::kernel::*;
use ally360::sales::model::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{Postgres, Row};
use std::str::FromStr;
use uuid::Uuid;

/// The stored form of a line's taxes.
pub(crate) fn taxes_json(taxes: &[LineTax]) -> Value {
    Value::Array(
        taxes
            .iter()
            .map(|t| {
                json!({
                    "tax_id": t.tax_id.as_uuid().to_string(),
                    "name": t.name,
                    "code": t.code,
                    "kind": t.kind.as_str(),
                    "rate": t.rate.to_string(),
                    "amount": t.amount.amount().to_string(),
                })
            })
            .collect(),
    )
}

fn text<'a>(o: &'a Value, field: &str) -> Result<&'a str, sqlx::Error> {
    o.get(field).and_then(Value::as_str).ok_or_else(|| bad(format!("line tax {field}")))
}

fn decimal(o: &Value, field: &str) -> Result<Decimal, sqlx::Error> {
    Decimal::from_str(text(o, field)?).map_err(|_| bad(format!("line tax {field}")))
}

/// A line's taxes read back from [`taxes_json`].
pub(crate) fn line_taxes(v: Value) -> Result<Vec<LineTax>, sqlx::Error> {
    let Value::Array(items) = v else { return Err(bad("line taxes")) };
    items
        .iter()
        .map(|o| {
            Ok(LineTax {
                tax_id: TaxId::from_uuid(Uuid::parse_str(text(o, "tax_id")?).map_err(|_| bad("line tax id"))?),
                name: text(o, "name")?.to_string(),
                code: text(o, "code")?.to_string(),
                kind: tax_kind(text(o, "kind")?)?,
                rate: decimal(o, "rate")?,
                amount: Money::new(decimal(o, "amount")?),
            })
        })
        .collect()
}

fn money(r: &PgRow, column: &str) -> Result<Money, sqlx::Error> {
    Ok(Money::new(r.try_get(column)?))
}

fn user(r: &PgRow, column: &str) -> Result<Option<UserId>, sqlx::Error> {
    Ok(r.try_get::<Option<Uuid>, _>(column)?.map(UserId::from_uuid))
}

fn method(m: &str) -> Result<PaymentMethod, sqlx::Error> {
    PaymentMethod::parse(m).ok_or_else(|| bad(format!("payment method {m}")))
}

/// The header totals of an invoice or credit note row.
fn totals(r: &PgRow) -> Result<Totals, sqlx::Error> {
    Ok(Totals {
        subtotal: money(r, "subtotal")?,
        discount: money(r, "discount_total")?,
        taxes: money(r, "taxes_total")?,
        withholdings: money(r, "withholdings_total")?,
        total: money(r, "total_amount")?,
    })
}

/// The amounts of an invoice line or credit note line row.
fn amounts(r: &PgRow) -> Result<LineAmounts, sqlx::Error> {
    Ok(LineAmounts {
        gross: money(r, "gross")?,
        discount: money(r, "discount")?,
        base: money(r, "base")?,
        taxes: money(r, "taxes_total")?,
        withholdings: money(r, "withholdings")?,
        total: money(r, "total")?,
    })
}

pub(crate) fn range(r: &PgRow) -> Result<NumberingRange, sqlx::Error> {
    let kind: &str = r.try_get("document_kind")?;
    Ok(NumberingRange {
        id: NumberingRangeId::from_uuid(r.try_get("id")?),
        pdv_id: PdvId::from_uuid(r.try_get("pdv_id")?),
        kind: DocumentKind::parse(kind).ok_or_else(|| bad(format!("document kind {kind}")))?,
        resolution_number: r.try_get("resolution_number")?,
        prefix: r.try_get("prefix")?,
        range_from: r.try_get("range_from")?,
        range_to: r.try_get("range_to")?,
        next_number: r.try_get("next_number")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        is_active: r.try_get("is_active")?,
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// An invoice header (its lines are read apart).
pub(crate) fn invoice(r: &PgRow) -> Result<Invoice, sqlx::Error> {
    let kind: &str = r.try_get("invoice_type")?;
    let status: &str = r.try_get("status")?;
    Ok(Invoice {
        id: InvoiceId::from_uuid(r.try_get("id")?),
        kind: InvoiceType::parse(kind).ok_or_else(|| bad(format!("invoice type {kind}")))?,
        pdv_id: PdvId::from_uuid(r.try_get("pdv_id")?),
        customer_id: ContactId::from_uuid(r.try_get("customer_id")?),
        seller_id: UserId::from_uuid(r.try_get("seller_id")?),
        number: r.try_get("number")?,
        number_seq: r.try_get("number_seq")?,
        range_id: r.try_get::<Option<Uuid>, _>("range_id")?.map(NumberingRangeId::from_uuid),
        status: InvoiceStatus::parse(status).ok_or_else(|| bad(format!("invoice status {status}")))?,
        issue_date: r.try_get("issue_date")?,
        due_date: r.try_get("due_date")?,
        notes: r.try_get("notes")?,
        currency: r.try_get("currency")?,
        totals: totals(r)?,
        paid_amount: money(r, "paid_amount")?,
        credited_amount: money(r, "credited_amount")?,
        refunded_amount: money(r, "refunded_amount")?,
        lines: Vec::new(),
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        confirmed_by: user(r, "confirmed_by")?,
        confirmed_at: r.try_get("confirmed_at")?,
        voided_by: user(r, "voided_by")?,
        voided_at: r.try_get("voided_at")?,
        void_reason: r.try_get("void_reason")?,
        credit_override_by: user(r, "credit_override_by")?,
        updated_by: UserId::from_uuid(r.try_get("updated_by")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A list row: the header with the customer's `customer_name` and `customer_email`.
pub(crate) fn invoice_row(r: &PgRow) -> Result<InvoiceRow, sqlx::Error> {
    Ok(InvoiceRow {
        invoice: invoice(r)?,
        customer_name: r.try_get("customer_name")?,
        customer_email: r.try_get("customer_email")?,
    })
}

pub(crate) fn invoice_line(r: &PgRow) -> Result<InvoiceLine, sqlx::Error> {
    Ok(InvoiceLine {
        id: InvoiceLineId::from_uuid(r.try_get("id")?),
        position: r.try_get("position")?,
        product_id: ProductId::from_uuid(r.try_get("product_id")?),
        variant_id: r.try_get::<Option<Uuid>, _>("variant_id")?.map(VariantId::from_uuid),
        name: r.try_get("name")?,
        sku: r.try_get("sku")?,
        stocked: r.try_get("stocked")?,
        quantity: Quantity::new(r.try_get("quantity")?),
        unit_price: money(r, "unit_price")?,
        discount_pct: r.try_get("discount_pct")?,
        amounts: amounts(r)?,
        taxes: line_taxes(r.try_get("taxes")?)?,
        credited_quantity: Quantity::new(r.try_get("credited_quantity")?),
    })
}

pub(crate) fn payment(r: &PgRow) -> Result<Payment, sqlx::Error> {
    Ok(Payment {
        id: PaymentId::from_uuid(r.try_get("id")?),
        invoice_id: InvoiceId::from_uuid(r.try_get("invoice_id")?),
        amount: money(r, "amount")?,
        method: method(r.try_get("method")?)?,
        reference: r.try_get("reference")?,
        payment_date: r.try_get("payment_date")?,
        notes: r.try_get("notes")?,
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
        voided_by: user(r, "voided_by")?,
        voided_at: r.try_get("voided_at")?,
        void_reason: r.try_get("void_reason")?,
    })
}

/// A credit note header (its lines are read apart).
pub(crate) fn credit_note(r: &PgRow) -> Result<CreditNote, sqlx::Error> {
    Ok(CreditNote {
        id: CreditNoteId::from_uuid(r.try_get("id")?),
        invoice_id: InvoiceId::from_uuid(r.try_get("invoice_id")?),
        pdv_id: PdvId::from_uuid(r.try_get("pdv_id")?),
        number: r.try_get("number")?,
        number_seq: r.try_get("number_seq")?,
        range_id: NumberingRangeId::from_uuid(r.try_get("range_id")?),
        issue_date: r.try_get("issue_date")?,
        reason: r.try_get("reason")?,
        restock: r.try_get("restock")?,
        totals: totals(r)?,
        applied_amount: money(r, "applied_amount")?,
        refund_amount: money(r, "refund_amount")?,
        refund_method: r.try_get::<Option<&str>, _>("refund_method")?.map(method).transpose()?,
        lines: Vec::new(),
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
    })
}

/// A credit note line with the id of its note.
pub(crate) fn credit_note_line(r: &PgRow) -> Result<(CreditNoteId, CreditNoteLine), sqlx::Error> {
    let line = CreditNoteLine {
        id: CreditNoteLineId::from_uuid(r.try_get("id")?),
        invoice_line_id: InvoiceLineId::from_uuid(r.try_get("invoice_line_id")?),
        product_id: ProductId::from_uuid(r.try_get("product_id")?),
        variant_id: r.try_get::<Option<Uuid>, _>("variant_id")?.map(VariantId::from_uuid),
        name: r.try_get("name")?,
        quantity: Quantity::new(r.try_get("quantity")?),
        unit_price: money(r, "unit_price")?,
        amounts: amounts(r)?,
        taxes: line_taxes(r.try_get("taxes")?)?,
    };
    Ok((CreditNoteId::from_uuid(r.try_get("credit_note_id")?), line))
}

pub(crate) fn email(r: &PgRow) -> Result<InvoiceEmail, sqlx::Error> {
    let status: &str = r.try_get("status")?;
    Ok(InvoiceEmail {
        id: InvoiceEmailId::from_uuid(r.try_get("id")?),
        invoice_id: InvoiceId::from_uuid(r.try_get("invoice_id")?),
        job_id: JobId::from_uuid(r.try_get("job_id")?),
        to: r.try_get("to_email")?,
        subject: r.try_get("subject")?,
        message: r.try_get("message")?,
        status: EmailStatus::parse(status).ok_or_else(|| bad(format!("email status {status}")))?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        created_by: UserId::from_uuid(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

type Q<'q> = Query<'q, Postgres, PgArguments>;

/// The invoice columns in the order [`bind_invoice`] binds them (`$1` tenant, `$2` id).
pub(crate) const INSERT_INVOICE: &str =
    "INSERT INTO invoices (tenant_id, id, invoice_type, pdv_id, customer_id, seller_id, \
    number, number_seq, range_id, status, issue_date, due_date, notes, currency, subtotal, discount_total, \
    taxes_total, withholdings_total, total_amount, paid_amount, credited_amount, refunded_amount, created_by, \
    updated_by, confirmed_by, confirmed_at, voided_by, voided_at, void_reason, credit_override_by, created_at, \
    updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25, \
    $26,$27,$28,$29,$30,$31,$32)";

pub(crate) const UPDATE_INVOICE: &str =
    "UPDATE invoices SET invoice_type = $3, pdv_id = $4, customer_id = $5, seller_id = $6, \
    number = $7, number_seq = $8, range_id = $9, status = $10, issue_date = $11, due_date = $12, notes = $13, \
    currency = $14, subtotal = $15, discount_total = $16, taxes_total = $17, withholdings_total = $18, \
    total_amount = $19, paid_amount = $20, credited_amount = $21, refunded_amount = $22, created_by = $23, \
    updated_by = $24, confirmed_by = $25, confirmed_at = $26, voided_by = $27, voided_at = $28, void_reason = $29, \
    credit_override_by = $30, created_at = $31, updated_at = $32 WHERE tenant_id = $1 AND id = $2";

/// `$1` tenant, `$2` invoice, `$3`..`$20` the line arrays of [`bind_lines`].
pub(crate) const INSERT_LINES: &str =
    "INSERT INTO invoice_lines (tenant_id, invoice_id, id, position, product_id, variant_id, \
    name, sku, stocked, quantity, unit_price, discount_pct, gross, discount, base, taxes_total, withholdings, total, \
    taxes, credited_quantity) \
    SELECT $1, $2, l.* FROM unnest($3::uuid[], $4::int4[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], \
    $9::bool[], $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], \
    $16::numeric[], $17::numeric[], $18::numeric[], $19::jsonb[], $20::numeric[]) AS l";

/// Binds an invoice header's columns after the tenant and the id, in table order (`$3`..`$32`).
pub(crate) fn bind_invoice<'q>(q: Q<'q>, i: &'q Invoice) -> Q<'q> {
    q.bind(i.kind.as_str())
        .bind(i.pdv_id.as_uuid())
        .bind(i.customer_id.as_uuid())
        .bind(i.seller_id.as_uuid())
        .bind(&i.number)
        .bind(i.number_seq)
        .bind(i.range_id.map(|r| r.as_uuid()))
        .bind(i.status.as_str())
        .bind(i.issue_date)
        .bind(i.due_date)
        .bind(&i.notes)
        .bind(&i.currency)
        .bind(i.totals.subtotal.amount())
        .bind(i.totals.discount.amount())
        .bind(i.totals.taxes.amount())
        .bind(i.totals.withholdings.amount())
        .bind(i.totals.total.amount())
        .bind(i.paid_amount.amount())
        .bind(i.credited_amount.amount())
        .bind(i.refunded_amount.amount())
        .bind(i.created_by.as_uuid())
        .bind(i.updated_by.as_uuid())
        .bind(i.confirmed_by.map(|u| u.as_uuid()))
        .bind(i.confirmed_at)
        .bind(i.voided_by.map(|u| u.as_uuid()))
        .bind(i.voided_at)
        .bind(&i.void_reason)
        .bind(i.credit_override_by.map(|u| u.as_uuid()))
        .bind(i.created_at)
        .bind(i.updated_at)
}

/// Binds the six amount columns of lines, one array each (gross, discount, base, taxes, withholdings, total).
fn bind_amounts<'q, 'a>(q: Q<'q>, amounts: impl Iterator<Item = &'a LineAmounts> + Clone) -> Q<'q> {
    let column = |f: fn(&LineAmounts) -> Money| amounts.clone().map(|a| f(a).amount()).collect::<Vec<Decimal>>();
    q.bind(column(|a| a.gross))
        .bind(column(|a| a.discount))
        .bind(column(|a| a.base))
        .bind(column(|a| a.taxes))
        .bind(column(|a| a.withholdings))
        .bind(column(|a| a.total))
}

/// Binds invoice lines as the arrays an `unnest` reads (`$3`..`$20`): id, position, product, variant,
/// name, sku, stocked, quantity, unit price, discount %, the six amounts, taxes, credited quantity.
pub(crate) fn bind_lines<'q>(q: Q<'q>, lines: &[InvoiceLine]) -> Q<'q> {
    let q = q
        .bind(lines.iter().map(|l| l.id.as_uuid()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.position).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.product_id.as_uuid()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.variant_id.map(|v| v.as_uuid())).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.sku.clone()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.stocked).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.quantity.value()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.unit_price.amount()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.discount_pct).collect::<Vec<_>>());
    bind_amounts(q, lines.iter().map(|l| &l.amounts))
        .bind(lines.iter().map(|l| taxes_json(&l.taxes)).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.credited_quantity.value()).collect::<Vec<_>>())
}

/// Binds credit note lines as the arrays an `unnest` reads (`$3`..`$17`): id, position (1-based order),
/// invoice line, product, variant, name, quantity, unit price, the six amounts, taxes.
pub(crate) fn bind_note_lines<'q>(q: Q<'q>, lines: &[CreditNoteLine]) -> Q<'q> {
    let q = q
        .bind(lines.iter().map(|l| l.id.as_uuid()).collect::<Vec<_>>())
        .bind((1..=lines.len() as i32).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.invoice_line_id.as_uuid()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.product_id.as_uuid()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.variant_id.map(|v| v.as_uuid())).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.quantity.value()).collect::<Vec<_>>())
        .bind(lines.iter().map(|l| l.unit_price.amount()).collect::<Vec<_>>());
    bind_amounts(q, lines.iter().map(|l| &l.amounts))
        .bind(lines.iter().map(|l| taxes_json(&l.taxes)).collect::<Vec<_>>())
}
