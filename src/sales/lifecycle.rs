//! An invoice's life after creation: confirm (DRAFT → OPEN) and void (DRAFT or unpaid OPEN → VOID).
//! Confirming takes locks in one order — invoice row, customer row (credit limit), stock rows by item,
//! then the numbering range, stamped on the saved invoice as the last statement — so concurrent flows
//! cannot deadlock, and the range row, the only one every confirm of a PDV shares, is held for the
//! shortest time (one statement and the commit).

use super::invoices::{detail, locked, InvoiceDetail};
use super::model::*;
use super::repo::SaleItems;
use super::service::{finish_key, number_invoice, replayed, Idempotency, SalesService};
use crate::contacts::model::Contact;
use crate::inventory::model::{allows_negative, Item, Movement, MovementQuery, MovementType};
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

const CONFIRM: &str = "invoice.confirm";

/// The stocked quantity of each item on some lines, in lock order (product, then variant).
pub(super) fn per_item<'a>(lines: impl IntoIterator<Item = (&'a InvoiceLine, Quantity)>) -> BTreeMap<Item, Quantity> {
    let mut items = BTreeMap::new();
    for (line, q) in lines {
        if line.stocked {
            let item = Item { product_id: line.product_id, variant_id: line.variant_id };
            let sum: &mut Quantity = items.entry(item).or_insert(Quantity::ZERO);
            *sum = Quantity::new(sum.value() + q.value());
        }
    }
    items
}

/// A movement that a sales document causes.
pub(super) struct DocumentMove<'a> {
    pub kind: MovementType,
    pub document_type: &'a str,
    pub document_id: uuid::Uuid,
    pub document_number: Option<String>,
    pub notes: String,
    pub pdv: PdvId,
    pub user: UserId,
    pub at: DateTime<Utc>,
}

impl DocumentMove<'_> {
    pub fn movement(&self, item: Item, quantity: Quantity, unit_cost: Option<Money>) -> Movement {
        Movement {
            id: MovementId::new(),
            item,
            pdv_id: self.pdv,
            movement_type: self.kind,
            quantity,
            unit_cost,
            balance_after: Quantity::ZERO,
            document_type: Some(self.document_type.to_string()),
            document_id: Some(self.document_id),
            document_number: self.document_number.clone(),
            notes: Some(self.notes.clone()),
            created_by: self.user,
            created_at: self.at,
        }
    }
}

/// D7: the customer's open balance plus this invoice may not pass its credit limit, unless an owner or
/// admin overrides it (recorded on the invoice).
async fn check_credit(
    tx: &mut dyn TenantTx,
    invoice: &mut Invoice,
    known: Option<&Contact>,
    actor: &Actor,
    override_limit: bool,
) -> CoreResult<()> {
    let limited = match known {
        Some(c) => c.credit_limit.is_some(),
        None => tx.contacts().by_id(invoice.customer_id).await?.is_some_and(|c| c.credit_limit.is_some()),
    };
    if !limited {
        return Ok(());
    }
    // The customer row is the lock that serialises confirms against one credit limit.
    let customer = tx
        .contacts()
        .lock(invoice.customer_id)
        .await?
        .ok_or_else(|| CoreError::internal("invoice without customer"))?;
    let Some(limit) = customer.credit_limit else { return Ok(()) };
    let open = tx.sales().open_balance(customer.id).await?;
    if open + invoice.payable() <= limit {
        return Ok(());
    }
    if override_limit && actor.can(Permission::SalesManage) {
        invoice.credit_override_by = Some(actor.user);
        return Ok(());
    }
    Err(CoreError::conflict(
        "credit_limit_exceeded",
        format!(
            "'{}' owes {} and this invoice adds {}: above the credit limit of {}",
            customer.name,
            open.amount(),
            invoice.payable().amount(),
            limit.amount()
        ),
    ))
}

/// The facts a confirm needs besides the invoice.
pub(super) struct Confirming<'a> {
    pub catalog: &'a SaleItems,
    /// The customer when already read (None: read it).
    pub customer: Option<&'a Contact>,
    pub actor: &'a Actor,
    pub override_limit: bool,
    pub now: DateTime<Utc>,
}

/// Confirms `invoice` inside the current transaction: credit limit, then SALE movements under the one
/// negative-stock rule (every short line listed in one 409). The caller saves the invoice, then numbers
/// it with [`number_invoice`].
pub(super) async fn confirm_in(tx: &mut dyn TenantTx, invoice: &mut Invoice, c: Confirming<'_>) -> CoreResult<()> {
    let (catalog, actor, now) = (c.catalog, c.actor, c.now);
    check_credit(tx, invoice, c.customer, actor, c.override_limit).await?;
    let items = per_item(invoice.lines.iter().map(|l| (l, l.quantity)));
    let doc = DocumentMove {
        kind: MovementType::Sale,
        document_type: "invoice",
        document_id: invoice.id.as_uuid(),
        document_number: None,
        notes: "Venta".into(),
        pdv: invoice.pdv_id,
        user: actor.user,
        at: now,
    };
    let settings = if items.is_empty() { Default::default() } else { tx.stock().settings().await? };
    let mut short = Vec::new();
    for (item, q) in &items {
        let product = catalog.products.iter().find(|p| p.id == item.product_id);
        let allowed = allows_negative(settings, product.is_some_and(|p| p.sell_in_negative));
        let movement = doc.movement(*item, Quantity::new(-q.value()), None);
        if tx.stock().apply(&movement, allowed).await?.is_none() {
            short.push((*item, *q));
        }
    }
    if !short.is_empty() {
        return Err(shortage(tx, invoice, &short).await);
    }
    invoice.status = InvoiceStatus::Open;
    invoice.confirmed_by = Some(actor.user);
    invoice.confirmed_at = Some(now);
    invoice.updated_by = actor.user;
    invoice.updated_at = now;
    invoice.settle_status();
    Ok(())
}

/// 409 listing every short line with what is available at the invoice's PDV.
async fn shortage(tx: &mut dyn TenantTx, invoice: &Invoice, short: &[(Item, Quantity)]) -> CoreError {
    let products: Vec<ProductId> = short.iter().map(|(i, _)| i.product_id).collect();
    let levels = tx.stock().levels(&products).await.unwrap_or_default();
    let parts: Vec<String> = short
        .iter()
        .map(|(item, q)| {
            let available = levels
                .iter()
                .find(|l| l.item == *item && l.pdv_id == invoice.pdv_id)
                .map_or(Quantity::ZERO, |l| l.quantity);
            let name =
                invoice.lines.iter().find(|l| l.product_id == item.product_id && l.variant_id == item.variant_id);
            format!(
                "'{}' disponible {}, solicitado {}",
                name.map_or("?", |l| l.name.as_str()),
                available.value().normalize(),
                q.value().normalize()
            )
        })
        .collect();
    CoreError::conflict("insufficient_stock", format!("Stock insuficiente: {}", parts.join("; ")))
}

impl SalesService {
    /// Confirms a DRAFT invoice (owner, admin, seller): numbered, stock out and credit limit in one
    /// transaction. A retry with the same idempotency key returns the invoice without confirming again.
    pub async fn confirm(
        &self,
        actor: &Actor,
        id: InvoiceId,
        override_limit: bool,
        idem: Option<Idempotency>,
    ) -> CoreResult<InvoiceDetail> {
        actor.require(Permission::SalesWrite)?;
        if override_limit {
            actor.require(Permission::SalesManage)?;
        }
        let (actor, now) = (*actor, self.ctx.now());
        in_tenant(self.ctx.store(), &actor, move |tx| {
            Box::pin(async move {
                if let Some(done) = replayed(tx, CONFIRM, idem.as_ref(), now).await? {
                    let invoice = super::invoices::found(tx, InvoiceId::from_uuid(done)).await?;
                    return detail(tx, invoice).await;
                }
                let mut invoice = locked(tx, id).await?;
                if invoice.status != InvoiceStatus::Draft {
                    return Err(CoreError::conflict(
                        "invoice_not_draft",
                        format!("the invoice is {}, not DRAFT", invoice.status.as_str()),
                    ));
                }
                let products: Vec<ProductId> = invoice.lines.iter().map(|l| l.product_id).collect();
                let catalog = tx.sales().sale_items(&products, &[]).await?;
                let confirming = Confirming { catalog: &catalog, customer: None, actor: &actor, override_limit, now };
                confirm_in(tx, &mut invoice, confirming).await?;
                tx.sales().update_invoice(&invoice, false).await?;
                number_invoice(tx, &mut invoice).await?;
                finish_key(tx, CONFIRM, idem.as_ref(), invoice.id.as_uuid()).await?;
                detail(tx, invoice).await
            })
        })
        .await
    }

    /// Voids a DRAFT, or an OPEN invoice with no payments and no credit notes, returning its stock (owner,
    /// admin). A paid or credited invoice is reversed with a credit note instead (409).
    pub async fn void(&self, actor: &Actor, id: InvoiceId, reason: String) -> CoreResult<InvoiceDetail> {
        actor.require(Permission::SalesManage)?;
        let reason = validate::text("reason", &reason, 1, 500).map_err(|e| CoreError::Validation(vec![e]))?;
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut invoice = locked(tx, id).await?;
                match invoice.status {
                    InvoiceStatus::Void => {
                        return Err(CoreError::conflict("invoice_void", "the invoice is already void"))
                    }
                    InvoiceStatus::Paid => {
                        return Err(CoreError::conflict(
                            "invoice_paid",
                            "a paid invoice is reversed with a credit note",
                        ))
                    }
                    _ if invoice.paid_amount > Money::ZERO => {
                        return Err(CoreError::conflict(
                            "invoice_has_payments",
                            "void its payments first, or issue a credit note",
                        ))
                    }
                    _ if invoice.credited_amount > Money::ZERO || invoice.refunded_amount > Money::ZERO => {
                        return Err(CoreError::conflict(
                            "invoice_has_credit_notes",
                            "an invoice with credit notes cannot be voided",
                        ))
                    }
                    _ => {}
                }
                if invoice.status == InvoiceStatus::Open {
                    return_stock(tx, &invoice, user, now).await?;
                }
                invoice.status = InvoiceStatus::Void;
                invoice.voided_by = Some(user);
                invoice.voided_at = Some(now);
                invoice.notes = Some(match invoice.notes.take().filter(|n| !n.trim().is_empty()) {
                    Some(n) => format!("{n}\n\n[ANULADA] {reason}"),
                    None => format!("[ANULADA] {reason}"),
                });
                invoice.void_reason = Some(reason);
                invoice.updated_by = user;
                invoice.updated_at = now;
                tx.sales().update_invoice(&invoice, false).await?;
                detail(tx, invoice).await
            })
        })
        .await
    }
}

/// Puts back what a voided invoice took out, at the cost it left with (SALE_RETURN movements).
async fn return_stock(tx: &mut dyn TenantTx, invoice: &Invoice, user: UserId, now: DateTime<Utc>) -> CoreResult<()> {
    let items = per_item(invoice.lines.iter().map(|l| (l, l.quantity)));
    if items.is_empty() {
        return Ok(());
    }
    let costs = sale_costs(tx, invoice.id).await?;
    let doc = DocumentMove {
        kind: MovementType::SaleReturn,
        document_type: "invoice",
        document_id: invoice.id.as_uuid(),
        document_number: invoice.number.clone(),
        notes: format!("Anulación factura {}", invoice.number.as_deref().unwrap_or_default()),
        pdv: invoice.pdv_id,
        user,
        at: now,
    };
    for (item, q) in items {
        let cost = costs.get(&item).copied().flatten();
        tx.stock().apply(&doc.movement(item, q, cost), true).await?;
    }
    Ok(())
}

/// The unit cost each item left with when the invoice was confirmed.
pub(super) async fn sale_costs(tx: &mut dyn TenantTx, invoice: InvoiceId) -> CoreResult<BTreeMap<Item, Option<Money>>> {
    let query = MovementQuery {
        document_id: Some(invoice.as_uuid()),
        kind: Some(MovementType::Sale),
        ascending: true,
        limit: 10_000,
        ..Default::default()
    };
    Ok(tx.stock().movements(&query).await?.into_iter().map(|m| (m.item, m.unit_cost)).collect())
}
