//! Invoice use cases: create (as DRAFT, or OPEN at once), read, list and change a DRAFT.

use super::input::{check_lines, price_lines, InvoiceInput, InvoicePatch};
use super::lifecycle::{confirm_in, Confirming};
use super::model::*;
use super::service::{finish_key, number_invoice, replayed, Idempotency, SalesService};
use crate::catalog::model::Pdv;
use crate::contacts::model::{Contact, ContactType};
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use chrono::{Days, NaiveDate};
use uuid::Uuid;

/// An invoice with everything a reader of one invoice sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub customer: Contact,
    pub pdv: Pdv,
    pub payments: Vec<Payment>,
    pub credit_notes: Vec<CreditNote>,
}

/// A page of invoices with the count per status of everything the filters (but the status) match.
#[derive(Clone, Debug)]
pub struct InvoiceList {
    pub page: KeysetPage<InvoiceRow>,
    pub total: u64,
    pub counts: Vec<(InvoiceStatus, u64)>,
}

const CREATE: &str = "invoice.create";

/// A customer the company may invoice: a live, active contact of type client.
pub(super) async fn customer_of(tx: &mut dyn TenantTx, id: Uuid, field: &str) -> CoreResult<Contact> {
    match tx.contacts().by_id(ContactId::from_uuid(id)).await? {
        Some(c) if c.deleted_at.is_none() && !c.is(ContactType::Client) => {
            Err(CoreError::invalid(field, "not_a_client", "the contact is not a client"))
        }
        Some(c) if c.deleted_at.is_none() && !c.is_active => {
            Err(CoreError::invalid(field, "inactive_customer", "the customer is inactive"))
        }
        Some(c) if c.deleted_at.is_none() => Ok(c),
        _ => Err(CoreError::invalid(field, "unknown_customer", "no client of this company has this id")),
    }
}

/// The seller credited with a sale: an active member of the company (422 otherwise).
async fn seller_of(ctx: &crate::app::Ctx, actor: &Actor, id: Option<Uuid>) -> CoreResult<UserId> {
    let Some(id) = id.map(UserId::from_uuid).filter(|id| *id != actor.user) else { return Ok(actor.user) };
    let tenant = actor.tenant;
    let member = crate::ports::in_global(ctx.store(), move |tx| {
        Box::pin(async move { tx.memberships().find(id, tenant).await })
    })
    .await?;
    match member {
        Some(m) if m.is_active => Ok(id),
        _ => Err(CoreError::invalid("seller_id", "unknown_seller", "no active member of this company has this id")),
    }
}

/// The due date: the one given (not before the issue date), else issue date + the customer's terms.
fn due_date(issue: NaiveDate, given: Option<NaiveDate>, customer: &Contact) -> CoreResult<Option<NaiveDate>> {
    match given {
        Some(d) if d < issue => {
            Err(CoreError::invalid("due_date", "before_issue_date", "must not be before issue_date"))
        }
        Some(d) => Ok(Some(d)),
        None if customer.payment_terms_days > 0 => {
            Ok(issue.checked_add_days(Days::new(customer.payment_terms_days as u64)))
        }
        None => Ok(None),
    }
}

/// Reads one invoice with its customer, PDV, payments and credit notes.
pub(super) async fn detail(tx: &mut dyn TenantTx, invoice: Invoice) -> CoreResult<InvoiceDetail> {
    let customer = tx
        .contacts()
        .by_id(invoice.customer_id)
        .await?
        .ok_or_else(|| CoreError::internal("invoice without customer"))?;
    let pdv = tx.pdvs().by_id(invoice.pdv_id).await?.ok_or_else(|| CoreError::internal("invoice without pdv"))?;
    let payments = tx.sales().payments(invoice.id).await?;
    let credit_notes = tx.sales().credit_notes(invoice.id).await?;
    Ok(InvoiceDetail { invoice, customer, pdv, payments, credit_notes })
}

pub(super) async fn found(tx: &mut dyn TenantTx, id: InvoiceId) -> CoreResult<Invoice> {
    tx.sales().invoice(id).await?.ok_or(CoreError::NotFound { entity: "invoice" })
}

/// The same, with the invoice row locked until the transaction ends.
pub(super) async fn locked(tx: &mut dyn TenantTx, id: InvoiceId) -> CoreResult<Invoice> {
    tx.sales().lock_invoice(id).await?.ok_or(CoreError::NotFound { entity: "invoice" })
}

impl SalesService {
    /// Creates an invoice (owner, admin, seller): DRAFT without a number, or OPEN at once (numbered, stock
    /// taken out and the credit limit checked in the same transaction). With an idempotency key, a retry
    /// returns the invoice the first request created.
    pub async fn create_invoice(
        &self,
        actor: &Actor,
        input: InvoiceInput,
        idem: Option<Idempotency>,
    ) -> CoreResult<InvoiceDetail> {
        actor.require(Permission::SalesWrite)?;
        let mut checks = Checks::new();
        let open = match input.status.as_deref().map(InvoiceStatus::parse) {
            None | Some(Some(InvoiceStatus::Draft)) => false,
            Some(Some(InvoiceStatus::Open)) => true,
            Some(_) => {
                checks.take::<()>(Err(FieldError::new("status", "invalid_status", "DRAFT or OPEN")));
                false
            }
        };
        let notes = checks.take(validate::optional_text("notes", input.notes.as_deref(), 2000)).flatten();
        check_lines(&mut checks, &input.items);
        checks.finish()?;
        if open && input.override_credit_limit {
            actor.require(Permission::SalesManage)?;
        }
        let seller = seller_of(&self.ctx, actor, input.seller_id).await?;
        let (actor, now, today) = (*actor, self.ctx.now(), self.today());
        in_tenant(self.ctx.store(), &actor, move |tx| {
            Box::pin(async move {
                if let Some(id) = replayed(tx, CREATE, idem.as_ref(), now).await? {
                    let invoice = found(tx, InvoiceId::from_uuid(id)).await?;
                    return detail(tx, invoice).await;
                }
                let pdv = crate::inventory::active_pdv(tx, input.pdv_id, "pdv_id").await?;
                let customer = customer_of(tx, input.customer_id, "customer_id").await?;
                let issue_date = input.issue_date.unwrap_or(today);
                let due_date = due_date(issue_date, input.due_date, &customer)?;
                let (lines, catalog) = price_lines(tx, &input.items).await?;
                let mut invoice = Invoice {
                    id: InvoiceId::new(),
                    kind: InvoiceType::Sale,
                    pdv_id: pdv.id,
                    customer_id: customer.id,
                    seller_id: seller,
                    number: None,
                    number_seq: None,
                    range_id: None,
                    status: InvoiceStatus::Draft,
                    issue_date,
                    due_date,
                    notes,
                    currency: "COP".into(),
                    totals: Totals::of(lines.iter().map(|l| &l.amounts)),
                    paid_amount: Money::ZERO,
                    credited_amount: Money::ZERO,
                    refunded_amount: Money::ZERO,
                    lines,
                    created_by: actor.user,
                    confirmed_by: None,
                    confirmed_at: None,
                    voided_by: None,
                    voided_at: None,
                    void_reason: None,
                    credit_override_by: None,
                    updated_by: actor.user,
                    created_at: now,
                    updated_at: now,
                };
                if open {
                    let override_limit = input.override_credit_limit;
                    let confirming =
                        Confirming { catalog: &catalog, customer: Some(&customer), actor: &actor, override_limit, now };
                    confirm_in(tx, &mut invoice, confirming).await?;
                }
                tx.sales().insert_invoice(&invoice).await?;
                if open {
                    number_invoice(tx, &mut invoice).await?;
                }
                finish_key(tx, CREATE, idem.as_ref(), invoice.id.as_uuid()).await?;
                Ok(InvoiceDetail { invoice, customer, pdv, payments: Vec::new(), credit_notes: Vec::new() })
            })
        })
        .await
    }

    /// One invoice with its lines, payments and credit notes (every role).
    pub async fn invoice(&self, actor: &Actor, id: InvoiceId) -> CoreResult<InvoiceDetail> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let invoice = found(tx, id).await?;
                detail(tx, invoice).await
            })
        })
        .await
    }

    /// Invoices, newest first, with filters, keyset pages and counts per status (every role).
    pub async fn invoices(&self, actor: &Actor, mut query: InvoiceQuery) -> CoreResult<InvoiceList> {
        actor.require(Permission::SalesRead)?;
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if to < from {
                return Err(CoreError::invalid("end_date", "before_start_date", "must not be before start_date"));
            }
        }
        query.search = query.search.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let limit = query.limit;
        query.limit += 1;
        let (rows, counts) = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let rows = tx.sales().invoices(&query).await?;
                let counts = tx.sales().count_by_status(&query).await?;
                let counts: Vec<(InvoiceStatus, u64)> = InvoiceStatus::ALL
                    .into_iter()
                    .map(|s| {
                        let n = counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
                        (s, if query.status.is_none_or(|f| f == s) { n } else { 0 })
                    })
                    .collect();
                Ok((rows, counts))
            })
        })
        .await?;
        let total = counts.iter().map(|(_, n)| n).sum();
        let page = KeysetPage::cut(rows, limit, |r| (time_key(r.invoice.created_at), r.invoice.id.as_uuid()));
        Ok(InvoiceList { page, total, counts })
    }

    /// Changes a DRAFT invoice (owner, admin, seller): lines are priced again, totals recomputed.
    pub async fn update_invoice(&self, actor: &Actor, id: InvoiceId, patch: InvoicePatch) -> CoreResult<InvoiceDetail> {
        actor.require(Permission::SalesWrite)?;
        let mut checks = Checks::new();
        let notes = match patch.notes {
            Field::Value(n) => Field::Value(checks.take(validate::optional_text("notes", Some(&n), 2000)).flatten()),
            Field::Null => Field::Value(None),
            Field::Absent => Field::Absent,
        };
        if let Some(items) = &patch.items {
            check_lines(&mut checks, items);
        }
        checks.finish()?;
        let seller = match patch.seller_id {
            Some(s) => Some(seller_of(&self.ctx, actor, Some(s)).await?),
            None => None,
        };
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut invoice = locked(tx, id).await?;
                if invoice.status != InvoiceStatus::Draft {
                    return Err(CoreError::conflict("invoice_not_draft", "only a DRAFT invoice can be changed"));
                }
                if let Some(seller) = seller {
                    invoice.seller_id = seller;
                }
                if let Some(pdv) = patch.pdv_id {
                    invoice.pdv_id = crate::inventory::active_pdv(tx, pdv, "pdv_id").await?.id;
                }
                let customer_changed = patch.customer_id.is_some_and(|c| c != invoice.customer_id.as_uuid());
                let customer = match patch.customer_id {
                    Some(c) => customer_of(tx, c, "customer_id").await?,
                    None => tx
                        .contacts()
                        .by_id(invoice.customer_id)
                        .await?
                        .ok_or_else(|| CoreError::internal("invoice without customer"))?,
                };
                invoice.customer_id = customer.id;
                if let Some(issue) = patch.issue_date {
                    invoice.issue_date = issue;
                }
                invoice.due_date = match patch.due_date {
                    Field::Value(d) => due_date(invoice.issue_date, Some(d), &customer)?,
                    Field::Null => None,
                    Field::Absent if customer_changed || patch.issue_date.is_some() => {
                        let kept = invoice.due_date.filter(|_| !customer_changed);
                        due_date(invoice.issue_date, kept.filter(|d| *d >= invoice.issue_date), &customer)?
                    }
                    Field::Absent => invoice.due_date,
                };
                if let Field::Value(n) = notes {
                    invoice.notes = n;
                }
                let relined = patch.items.is_some();
                if let Some(items) = patch.items {
                    let (lines, _) = price_lines(tx, &items).await?;
                    invoice.totals = Totals::of(lines.iter().map(|l| &l.amounts));
                    invoice.lines = lines;
                }
                invoice.updated_by = user;
                invoice.updated_at = now;
                tx.sales().update_invoice(&invoice, relined).await?;
                detail(tx, invoice).await
            })
        })
        .await
    }
}
