//! Payments, credit notes, idempotency keys and the invoice email log in PostgreSQL (the `SalesRepo`
//! methods of `sales` call these). A credit note and all its lines take a fixed number of statements.

use crate::errors::db_err;
use crate::sales_rows::*;
use crate::tx::PgTx;
use ally360::kernel::*;
use ally360::sales::model::*;
use ally360::sales::repo::StoredKey;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

const INSERT_PAYMENT: &str = "INSERT INTO invoice_payments (tenant_id, id, invoice_id, amount, method, reference, \
    payment_date, notes, created_by, created_at, voided_by, voided_at, void_reason) \
    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)";

const INSERT_NOTE: &str = "INSERT INTO credit_notes (tenant_id, id, invoice_id, pdv_id, number, number_seq, range_id, \
    issue_date, reason, restock, subtotal, discount_total, taxes_total, withholdings_total, total_amount, \
    applied_amount, refund_amount, refund_method, created_by, created_at) \
    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)";

/// `$1` tenant, `$2` credit note, `$3`..`$17` the line arrays of [`bind_note_lines`].
const INSERT_NOTE_LINES: &str = "INSERT INTO credit_note_lines (tenant_id, credit_note_id, id, position, \
    invoice_line_id, product_id, variant_id, name, quantity, unit_price, gross, discount, base, taxes_total, \
    withholdings, total, taxes) \
    SELECT $1, $2, l.* FROM unnest($3::uuid[], $4::int4[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], \
    $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], \
    $16::numeric[], $17::jsonb[]) AS l";

const NOTE_LINES: &str =
    "SELECT * FROM credit_note_lines WHERE tenant_id = $1 AND credit_note_id = ANY($2) ORDER BY credit_note_id, position";

const INSERT_EMAIL: &str =
    "INSERT INTO invoice_emails (tenant_id, id, invoice_id, job_id, to_email, subject, message, \
    status, attempts, last_error, created_by, created_at, updated_at) \
    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)";

impl PgTx {
    /// Credit note headers with all their lines (one more statement whatever their number).
    async fn with_note_lines(&mut self, mut notes: Vec<CreditNote>) -> CoreResult<Vec<CreditNote>> {
        if notes.is_empty() {
            return Ok(notes);
        }
        let ids: Vec<Uuid> = notes.iter().map(|n| n.id.as_uuid()).collect();
        for (note, line) in self.parts(NOTE_LINES, &ids, credit_note_line).await? {
            if let Some(n) = notes.iter_mut().find(|n| n.id == note) {
                n.lines.push(line);
            }
        }
        Ok(notes)
    }

    pub(crate) async fn doc_insert_payment(&mut self, p: &Payment) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(INSERT_PAYMENT)
            .bind(tenant)
            .bind(p.id.as_uuid())
            .bind(p.invoice_id.as_uuid())
            .bind(p.amount.amount())
            .bind(p.method.as_str())
            .bind(&p.reference)
            .bind(p.payment_date)
            .bind(&p.notes)
            .bind(p.created_by.as_uuid())
            .bind(p.created_at)
            .bind(p.voided_by.map(|u| u.as_uuid()))
            .bind(p.voided_at)
            .bind(&p.void_reason)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_update_payment(&mut self, p: &Payment) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "UPDATE invoice_payments SET voided_by = $3, voided_at = $4, void_reason = $5 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(p.id.as_uuid())
        .bind(p.voided_by.map(|u| u.as_uuid()))
        .bind(p.voided_at)
        .bind(&p.void_reason)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_payment(&mut self, id: PaymentId) -> CoreResult<Option<Payment>> {
        self.row_by("SELECT * FROM invoice_payments WHERE tenant_id = $1 AND id = $2", id.as_uuid(), payment).await
    }

    pub(crate) async fn doc_payments(&mut self, invoice: InvoiceId) -> CoreResult<Vec<Payment>> {
        self.rows_by(
            "SELECT * FROM invoice_payments WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY created_at, id",
            invoice.as_uuid(),
            payment,
        )
        .await
    }

    pub(crate) async fn doc_insert_credit_note(&mut self, n: &CreditNote) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(INSERT_NOTE)
            .bind(tenant)
            .bind(n.id.as_uuid())
            .bind(n.invoice_id.as_uuid())
            .bind(n.pdv_id.as_uuid())
            .bind(&n.number)
            .bind(n.number_seq)
            .bind(n.range_id.as_uuid())
            .bind(n.issue_date)
            .bind(&n.reason)
            .bind(n.restock)
            .bind(n.totals.subtotal.amount())
            .bind(n.totals.discount.amount())
            .bind(n.totals.taxes.amount())
            .bind(n.totals.withholdings.amount())
            .bind(n.totals.total.amount())
            .bind(n.applied_amount.amount())
            .bind(n.refund_amount.amount())
            .bind(n.refund_method.map(|m| m.as_str()))
            .bind(n.created_by.as_uuid())
            .bind(n.created_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        if n.lines.is_empty() {
            return Ok(());
        }
        let q = sqlx::query(INSERT_NOTE_LINES).bind(tenant).bind(n.id.as_uuid());
        bind_note_lines(q, &n.lines).execute(self.conn()).await.map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_credit_note(&mut self, id: CreditNoteId) -> CoreResult<Option<CreditNote>> {
        let note =
            self.row_by("SELECT * FROM credit_notes WHERE tenant_id = $1 AND id = $2", id.as_uuid(), credit_note);
        let Some(note) = note.await? else { return Ok(None) };
        Ok(self.with_note_lines(vec![note]).await?.pop())
    }

    pub(crate) async fn doc_credit_notes(&mut self, invoice: InvoiceId) -> CoreResult<Vec<CreditNote>> {
        let notes = self
            .rows_by(
                "SELECT * FROM credit_notes WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY created_at, id",
                invoice.as_uuid(),
                credit_note,
            )
            .await?;
        self.with_note_lines(notes).await
    }

    pub(crate) async fn doc_claim_key(
        &mut self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> CoreResult<Option<StoredKey>> {
        let tenant = self.tenant_id()?;
        // A claim by a transaction still running makes the insert wait for it: committed, the key is
        // read below; rolled back, this insert claims it.
        let claimed: Option<i32> = sqlx::query_scalar(
            "INSERT INTO idempotency_keys (tenant_id, scope, key, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING RETURNING 1",
        )
        .bind(tenant)
        .bind(scope)
        .bind(key)
        .bind(fingerprint)
        .bind(at)
        .fetch_optional(self.conn())
        .await
        .map_err(db_err)?;
        if claimed.is_some() {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT fingerprint, result_id FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3",
        )
        .bind(tenant)
        .bind(scope)
        .bind(key)
        .fetch_one(self.conn())
        .await
        .map_err(db_err)?;
        Ok(Some(StoredKey {
            fingerprint: row.try_get("fingerprint").map_err(db_err)?,
            result: row.try_get("result_id").map_err(db_err)?,
        }))
    }

    pub(crate) async fn doc_complete_key(&mut self, scope: &str, key: &str, result: Uuid) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query("UPDATE idempotency_keys SET result_id = $4 WHERE tenant_id = $1 AND scope = $2 AND key = $3")
            .bind(tenant)
            .bind(scope)
            .bind(key)
            .bind(result)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_insert_email(&mut self, e: &InvoiceEmail) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(INSERT_EMAIL)
            .bind(tenant)
            .bind(e.id.as_uuid())
            .bind(e.invoice_id.as_uuid())
            .bind(e.job_id.as_uuid())
            .bind(&e.to)
            .bind(&e.subject)
            .bind(&e.message)
            .bind(e.status.as_str())
            .bind(e.attempts)
            .bind(&e.last_error)
            .bind(e.created_by.as_uuid())
            .bind(e.created_at)
            .bind(e.updated_at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_update_email(&mut self, e: &InvoiceEmail) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "UPDATE invoice_emails SET status = $3, attempts = $4, last_error = $5, updated_at = $6 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(e.id.as_uuid())
        .bind(e.status.as_str())
        .bind(e.attempts)
        .bind(&e.last_error)
        .bind(e.updated_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn doc_email(&mut self, id: InvoiceEmailId) -> CoreResult<Option<InvoiceEmail>> {
        self.row_by("SELECT * FROM invoice_emails WHERE tenant_id = $1 AND id = $2", id.as_uuid(), email).await
    }

    pub(crate) async fn doc_emails(&mut self, invoice: InvoiceId) -> CoreResult<Vec<InvoiceEmail>> {
        self.rows_by(
            "SELECT * FROM invoice_emails WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY created_at, id",
            invoice.as_uuid(),
            email,
        )
        .await
    }
}
