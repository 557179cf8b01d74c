//! A tenant's numbering ranges, invoices, payments, credit notes, idempotency keys and invoice emails in
//! memory. The reports live in `sales_reports.rs`.

use super::{sales_reports, seed, MemTx, TenantData};
use ally360::kernel::*;
use ally360::sales::model::*;
use ally360::sales::repo::{SaleItems, SalesRepo, StoredKey};
use ally360::sales::reports::{DaySales, PdvSales, ProductSales, StatusBucket};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// Another active range of the same (PDV, kind) as `r`, when `r` is active.
fn active_clash(data: &TenantData, r: &NumberingRange) -> CoreResult<()> {
    let clash = |o: &NumberingRange| o.id != r.id && o.is_active && o.pdv_id == r.pdv_id && o.kind == r.kind;
    if r.is_active && data.ranges.values().any(clash) {
        return Err(CoreError::conflict(
            "active_range_exists",
            "this point of sale already has an active numbering range for this kind of document",
        ));
    }
    Ok(())
}

/// Another invoice of the same PDV with the same number.
fn number_clash(data: &TenantData, inv: &Invoice) -> CoreResult<()> {
    let Some(number) = inv.number.as_ref() else { return Ok(()) };
    let taken =
        data.invoices.values().any(|o| o.id != inv.id && o.pdv_id == inv.pdv_id && o.number.as_ref() == Some(number));
    if taken {
        return Err(CoreError::conflict("number_taken", "another invoice of this point of sale has this number"));
    }
    Ok(())
}

/// An invoice as stored: its lines ordered by position.
fn stored(inv: &Invoice) -> Invoice {
    let mut inv = inv.clone();
    inv.lines.sort_by_key(|l| (l.position, l.id));
    inv
}

/// The filters of an invoices query, without its position and, unless `with_status`, its status.
fn matches(data: &TenantData, inv: &Invoice, q: &InvoiceQuery, with_status: bool) -> bool {
    let text = q.search.as_ref().map(|s| s.to_lowercase());
    let hit = |v: Option<&str>| text.as_ref().is_some_and(|t| v.is_some_and(|v| v.to_lowercase().contains(t)));
    let customer = data.contacts.get(&inv.customer_id).map(|c| c.name.as_str());
    (!with_status || q.status.is_none_or(|s| inv.status == s))
        && q.payment_status.is_none_or(|s| inv.payment_status() == s)
        && q.kind.is_none_or(|k| inv.kind == k)
        && q.customer.is_none_or(|c| inv.customer_id == c)
        && q.pdv.is_none_or(|p| inv.pdv_id == p)
        && q.seller.is_none_or(|s| inv.seller_id == s)
        && q.from.is_none_or(|f| inv.issue_date >= f)
        && q.to.is_none_or(|t| inv.issue_date <= t)
        && (text.is_none() || hit(inv.number.as_deref()) || hit(inv.notes.as_deref()) || hit(customer))
}

#[async_trait]
impl SalesRepo for MemTx {
    async fn insert_range(&mut self, range: &NumberingRange) -> CoreResult<()> {
        let data = self.tenant_data()?;
        active_clash(data, range)?;
        data.ranges.insert(range.id, range.clone());
        Ok(())
    }
    async fn update_range(&mut self, range: &NumberingRange) -> CoreResult<()> {
        self.insert_range(range).await
    }
    async fn range(&mut self, id: NumberingRangeId) -> CoreResult<Option<NumberingRange>> {
        Ok(self.tenant_data()?.ranges.get(&id).cloned())
    }
    async fn ranges(&mut self, pdv: Option<PdvId>) -> CoreResult<Vec<NumberingRange>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<NumberingRange> =
            data.ranges.values().filter(|r| pdv.is_none_or(|p| r.pdv_id == p)).cloned().collect();
        rows.sort_by_key(|r| std::cmp::Reverse((r.is_active, r.created_at, r.id)));
        Ok(rows)
    }
    async fn delete_range(&mut self, id: NumberingRangeId) -> CoreResult<()> {
        self.tenant_data()?.ranges.remove(&id);
        Ok(())
    }
    async fn take_number(
        &mut self,
        pdv: PdvId,
        kind: DocumentKind,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>> {
        let data = self.tenant_data()?;
        let usable = |r: &&mut NumberingRange| {
            r.is_active
                && r.pdv_id == pdv
                && r.kind == kind
                && r.valid_from <= on
                && on <= r.valid_to
                && r.next_number <= r.range_to
        };
        let Some((_, range)) = data.ranges.iter_mut().find(|(_, r)| usable(r)) else { return Ok(None) };
        let n = range.next_number;
        range.next_number += 1;
        Ok(Some((range.clone(), n)))
    }

    async fn stamp_invoice(
        &mut self,
        invoice: InvoiceId,
        pdv: PdvId,
        on: NaiveDate,
    ) -> CoreResult<Option<(NumberingRange, i64)>> {
        let Some((range, n)) = self.take_number(pdv, DocumentKind::Invoice, on).await? else { return Ok(None) };
        let number = range.format(n);
        let data = self.tenant_data()?;
        if let Some(stored) = data.invoices.get_mut(&invoice) {
            stored.number = Some(number.clone());
            stored.number_seq = Some(n);
            stored.range_id = Some(range.id);
        }
        for m in data
            .movements
            .iter_mut()
            .filter(|m| m.document_id == Some(invoice.as_uuid()) && m.document_number.is_none())
        {
            m.document_number = Some(number.clone());
        }
        Ok(Some((range, n)))
    }

    async fn sale_items(&mut self, products: &[ProductId], variants: &[VariantId]) -> CoreResult<SaleItems> {
        let data = self.tenant_data()?;
        let mut found: Vec<_> = data.products.values().filter(|p| products.contains(&p.id)).cloned().collect();
        found.sort_by_key(|p| p.id);
        let mut items = SaleItems { products: found, ..SaleItems::default() };
        items.variants = data.variants.values().filter(|v| variants.contains(&v.id)).cloned().collect();
        items.variants.sort_by_key(|v| v.id);
        for p in &items.products {
            let ids = data.product_taxes.get(&p.id).cloned().unwrap_or_default();
            let mut taxes: Vec<_> =
                seed::system_taxes().iter().chain(data.taxes.values()).filter(|t| ids.contains(&t.id)).collect();
            taxes.sort_by_key(|t| t.id);
            items.taxes.extend(taxes.into_iter().map(|t| (p.id, t.clone())));
        }
        Ok(items)
    }

    async fn insert_invoice(&mut self, invoice: &Invoice) -> CoreResult<()> {
        let data = self.tenant_data()?;
        number_clash(data, invoice)?;
        data.invoices.insert(invoice.id, stored(invoice));
        Ok(())
    }
    async fn update_invoice(&mut self, invoice: &Invoice, lines: bool) -> CoreResult<()> {
        let data = self.tenant_data()?;
        number_clash(data, invoice)?;
        let mut next = stored(invoice);
        if !lines {
            if let Some(old) = data.invoices.get(&invoice.id) {
                next.lines = old
                    .lines
                    .iter()
                    .map(|l| {
                        let credited = invoice.lines.iter().find(|n| n.id == l.id);
                        let credited_quantity = credited.map_or(l.credited_quantity, |n| n.credited_quantity);
                        InvoiceLine { credited_quantity, ..l.clone() }
                    })
                    .collect();
            }
        }
        data.invoices.insert(invoice.id, next);
        Ok(())
    }
    async fn invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>> {
        Ok(self.tenant_data()?.invoices.get(&id).map(stored))
    }
    async fn lock_invoice(&mut self, id: InvoiceId) -> CoreResult<Option<Invoice>> {
        // The whole unit of work already holds the store's lock.
        SalesRepo::invoice(self, id).await
    }
    async fn invoices(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<InvoiceRow>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<&Invoice> = data
            .invoices
            .values()
            .filter(|i| matches(data, i, query, true))
            .filter(|i| query.before.is_none_or(|b| (i.created_at, i.id) < b))
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        rows.truncate(query.limit as usize);
        Ok(rows
            .into_iter()
            .map(|i| {
                let customer = data.contacts.get(&i.customer_id);
                InvoiceRow {
                    invoice: Invoice { lines: vec![], ..i.clone() },
                    customer_name: customer.map(|c| c.name.clone()).unwrap_or_default(),
                    customer_email: customer.and_then(|c| c.email.clone()),
                }
            })
            .collect())
    }
    async fn count_by_status(&mut self, query: &InvoiceQuery) -> CoreResult<Vec<(InvoiceStatus, u64)>> {
        let data = self.tenant_data()?;
        let matching: Vec<&Invoice> = data.invoices.values().filter(|i| matches(data, i, query, false)).collect();
        Ok(InvoiceStatus::ALL
            .into_iter()
            .map(|s| (s, matching.iter().filter(|i| i.status == s).count() as u64))
            .filter(|(_, n)| *n > 0)
            .collect())
    }
    async fn open_balance(&mut self, customer: ContactId) -> CoreResult<Money> {
        let data = self.tenant_data()?;
        Ok(data
            .invoices
            .values()
            .filter(|i| i.customer_id == customer && i.status == InvoiceStatus::Open)
            .map(|i| i.balance_due())
            .sum())
    }

    async fn insert_payment(&mut self, payment: &Payment) -> CoreResult<()> {
        self.tenant_data()?.payments.insert(payment.id, payment.clone());
        Ok(())
    }
    async fn update_payment(&mut self, payment: &Payment) -> CoreResult<()> {
        let payments = &mut self.tenant_data()?.payments;
        let next = match payments.get(&payment.id) {
            Some(old) => Payment {
                voided_by: payment.voided_by,
                voided_at: payment.voided_at,
                void_reason: payment.void_reason.clone(),
                ..old.clone()
            },
            None => payment.clone(),
        };
        payments.insert(payment.id, next);
        Ok(())
    }
    async fn payment(&mut self, id: PaymentId) -> CoreResult<Option<Payment>> {
        Ok(self.tenant_data()?.payments.get(&id).cloned())
    }
    async fn payments(&mut self, invoice: InvoiceId) -> CoreResult<Vec<Payment>> {
        let mut rows: Vec<Payment> =
            self.tenant_data()?.payments.values().filter(|p| p.invoice_id == invoice).cloned().collect();
        rows.sort_by_key(|p| (p.created_at, p.id));
        Ok(rows)
    }

    async fn insert_credit_note(&mut self, note: &CreditNote) -> CoreResult<()> {
        self.tenant_data()?.credit_notes.insert(note.id, note.clone());
        Ok(())
    }
    async fn credit_note(&mut self, id: CreditNoteId) -> CoreResult<Option<CreditNote>> {
        Ok(self.tenant_data()?.credit_notes.get(&id).cloned())
    }
    async fn credit_notes(&mut self, invoice: InvoiceId) -> CoreResult<Vec<CreditNote>> {
        let mut rows: Vec<CreditNote> =
            self.tenant_data()?.credit_notes.values().filter(|n| n.invoice_id == invoice).cloned().collect();
        rows.sort_by_key(|n| (n.created_at, n.id));
        Ok(rows)
    }

    async fn claim_key(
        &mut self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        _at: DateTime<Utc>,
    ) -> CoreResult<Option<StoredKey>> {
        let keys = &mut self.tenant_data()?.keys;
        let id = (scope.to_string(), key.to_string());
        if let Some(existing) = keys.get(&id) {
            return Ok(Some(existing.clone()));
        }
        keys.insert(id, StoredKey { fingerprint: fingerprint.to_string(), result: None });
        Ok(None)
    }
    async fn complete_key(&mut self, scope: &str, key: &str, result: uuid::Uuid) -> CoreResult<()> {
        if let Some(stored) = self.tenant_data()?.keys.get_mut(&(scope.to_string(), key.to_string())) {
            stored.result = Some(result);
        }
        Ok(())
    }

    async fn insert_email(&mut self, email: &InvoiceEmail) -> CoreResult<()> {
        self.tenant_data()?.emails.insert(email.id, email.clone());
        Ok(())
    }
    async fn update_email(&mut self, email: &InvoiceEmail) -> CoreResult<()> {
        let emails = &mut self.tenant_data()?.emails;
        let next = match emails.get(&email.id) {
            Some(old) => InvoiceEmail {
                status: email.status,
                attempts: email.attempts,
                last_error: email.last_error.clone(),
                updated_at: email.updated_at,
                ..old.clone()
            },
            None => email.clone(),
        };
        emails.insert(email.id, next);
        Ok(())
    }
    async fn email(&mut self, id: InvoiceEmailId) -> CoreResult<Option<InvoiceEmail>> {
        Ok(self.tenant_data()?.emails.get(&id).cloned())
    }
    async fn emails(&mut self, invoice: InvoiceId) -> CoreResult<Vec<InvoiceEmail>> {
        let mut rows: Vec<InvoiceEmail> =
            self.tenant_data()?.emails.values().filter(|e| e.invoice_id == invoice).cloned().collect();
        rows.sort_by_key(|e| (e.created_at, e.id));
        Ok(rows)
    }

    async fn daily_sales(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Vec<DaySales>> {
        Ok(sales_reports::daily_sales(self.tenant_data()?, from, to, pdv))
    }
    async fn status_buckets(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
    ) -> CoreResult<Vec<StatusBucket>> {
        Ok(sales_reports::status_buckets(self.tenant_data()?, from, to, pdv))
    }
    async fn collected(&mut self, from: NaiveDate, to: NaiveDate, pdv: Option<PdvId>) -> CoreResult<Money> {
        Ok(sales_reports::collected(self.tenant_data()?, from, to, pdv))
    }
    async fn top_products(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        pdv: Option<PdvId>,
        limit: u32,
    ) -> CoreResult<Vec<ProductSales>> {
        Ok(sales_reports::top_products(self.tenant_data()?, from, to, pdv, limit))
    }
    async fn sales_by_pdv(&mut self, from: NaiveDate, to: NaiveDate) -> CoreResult<Vec<PdvSales>> {
        Ok(sales_reports::sales_by_pdv(self.tenant_data()?, from, to))
    }
}
