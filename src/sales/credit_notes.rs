//! Credit notes (notas crédito): a full or partial reversal of an OPEN or PAID invoice, numbered from
//! the PDV's credit-note range. What it credits first lowers the balance due; the rest is refunded.

use super::invoices::{found, locked};
use super::lifecycle::{per_item, sale_costs, DocumentMove};
use super::model::*;
use super::pricing::{remainder, reprice};
use super::service::{finish_key, replayed, take_number, Idempotency, SalesService};
use crate::inventory::model::MovementType;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use rust_decimal::Decimal;
use uuid::Uuid;

const CREDIT: &str = "invoice.credit_note";

/// One line to credit: a quantity of an invoice line.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditLineInput {
    pub invoice_line_id: Uuid,
    pub quantity: Decimal,
}

/// A credit note as a client asks for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreditNoteInput {
    pub reason: String,
    /// None: everything not yet credited.
    pub lines: Option<Vec<CreditLineInput>>,
    /// Put the goods back into stock at the invoice's PDV (default true).
    pub restock: Option<bool>,
    /// How the refund is paid when the credit exceeds the balance due (required then).
    pub refund_method: Option<String>,
}

/// A credit note and the invoice as it stands after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditReceipt {
    pub note: CreditNote,
    pub invoice: Invoice,
}

fn check(input: &CreditNoteInput) -> CoreResult<(String, Option<PaymentMethod>)> {
    let mut checks = Checks::new();
    let reason = checks.take(validate::text("reason", &input.reason, 1, 500)).unwrap_or_default();
    let method = match input.refund_method.as_deref() {
        None => None,
        Some(m) => {
            let parsed = PaymentMethod::parse(m);
            if parsed.is_none() {
                checks.take::<()>(Err(FieldError::new(
                    "refund_method",
                    "invalid_method",
                    "cash, card, transfer, qr or other",
                )));
            }
            parsed
        }
    };
    if let Some(lines) = &input.lines {
        if lines.is_empty() || lines.len() > super::input::MAX_LINES {
            checks.take::<()>(Err(FieldError::new(
                "lines",
                "out_of_range",
                "1 to 200 lines, or none for a full credit",
            )));
        }
        for (i, l) in lines.iter().enumerate() {
            let q = l.quantity;
            if q <= Decimal::ZERO || q.normalize().scale() > 3 {
                checks.take::<()>(Err(FieldError::new(
                    &format!("lines[{i}].quantity"),
                    "out_of_range",
                    "above zero, at most 3 decimals",
                )));
            }
            if lines[..i].iter().any(|o| o.invoice_line_id == l.invoice_line_id) {
                checks.take::<()>(Err(FieldError::new(
                    &format!("lines[{i}].invoice_line_id"),
                    "duplicate",
                    "each invoice line once",
                )));
            }
        }
    }
    checks.finish()?;
    Ok((reason, method))
}

/// The credit note's lines: what each asked quantity is worth, with the taxes it was sold with. Taking
/// everything that remains of a line credits exactly what remains of its amounts.
fn credit_lines(
    invoice: &Invoice,
    earlier: &[CreditNote],
    asked: &[(InvoiceLineId, Quantity)],
) -> CoreResult<Vec<CreditNoteLine>> {
    let mut out = Vec::new();
    for (i, (line_id, q)) in asked.iter().enumerate() {
        let line = invoice.lines.iter().find(|l| l.id == *line_id).ok_or_else(|| {
            CoreError::invalid(&format!("lines[{i}].invoice_line_id"), "unknown_line", "not a line of this invoice")
        })?;
        let left = Quantity::new(line.quantity.value() - line.credited_quantity.value());
        if *q > left {
            return Err(CoreError::invalid(
                &format!("lines[{i}].quantity"),
                "exceeds_remaining",
                &format!("at most {} of this line is left to credit", left.value().normalize()),
            ));
        }
        let (amounts, taxes) = if *q == left {
            let before: Vec<(&LineAmounts, &[LineTax])> = earlier
                .iter()
                .flat_map(|n| n.lines.iter())
                .filter(|l| l.invoice_line_id == line.id)
                .map(|l| (&l.amounts, l.taxes.as_slice()))
                .collect();
            remainder((&line.amounts, &line.taxes), &before)
        } else {
            reprice(*q, line.unit_price, line.discount_pct, &line.taxes)
        };
        out.push(CreditNoteLine {
            id: CreditNoteLineId::new(),
            invoice_line_id: line.id,
            product_id: line.product_id,
            variant_id: line.variant_id,
            name: line.name.clone(),
            quantity: *q,
            unit_price: line.unit_price,
            amounts,
            taxes,
        });
    }
    Ok(out)
}

async fn restock(tx: &mut dyn TenantTx, invoice: &Invoice, note: &CreditNote) -> CoreResult<()> {
    let lines = note
        .lines
        .iter()
        .filter_map(|n| invoice.lines.iter().find(|l| l.id == n.invoice_line_id).map(|l| (l, n.quantity)));
    let items = per_item(lines);
    if items.is_empty() {
        return Ok(());
    }
    let costs = sale_costs(tx, invoice.id).await?;
    let doc = DocumentMove {
        kind: MovementType::SaleReturn,
        document_type: "credit_note",
        document_id: note.id.as_uuid(),
        document_number: Some(note.number.clone()),
        notes: format!("Nota crédito {} de la factura {}", note.number, invoice.number.as_deref().unwrap_or_default()),
        pdv: invoice.pdv_id,
        user: note.created_by,
        at: note.created_at,
    };
    for (item, q) in items {
        tx.stock().apply(&doc.movement(item, q, costs.get(&item).copied().flatten()), true).await?;
    }
    Ok(())
}

impl SalesService {
    /// Issues a credit note against an OPEN or PAID invoice (owner, admin): never more of a line than was
    /// sold and not yet credited; stock comes back when asked; the credit lowers the balance due and the
    /// rest is recorded as a refund. One transaction, numbered from the PDV's credit-note range.
    pub async fn credit(
        &self,
        actor: &Actor,
        id: InvoiceId,
        input: CreditNoteInput,
        idem: Option<Idempotency>,
    ) -> CoreResult<CreditReceipt> {
        actor.require(Permission::SalesManage)?;
        let (reason, method) = check(&input)?;
        let (user, now, today) = (actor.user, self.ctx.now(), self.today());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                if let Some(done) = replayed(tx, CREDIT, idem.as_ref(), now).await? {
                    let note = tx
                        .sales()
                        .credit_note(CreditNoteId::from_uuid(done))
                        .await?
                        .ok_or(CoreError::NotFound { entity: "credit note" })?;
                    let invoice = found(tx, note.invoice_id).await?;
                    return Ok(CreditReceipt { note, invoice });
                }
                let mut invoice = locked(tx, id).await?;
                if !matches!(invoice.status, InvoiceStatus::Open | InvoiceStatus::Paid) {
                    return Err(CoreError::conflict(
                        "invoice_not_creditable",
                        "only an OPEN or PAID invoice takes credit notes",
                    ));
                }
                let asked: Vec<(InvoiceLineId, Quantity)> = match &input.lines {
                    Some(lines) => lines
                        .iter()
                        .map(|l| (InvoiceLineId::from_uuid(l.invoice_line_id), Quantity::new(l.quantity)))
                        .collect(),
                    None => invoice
                        .lines
                        .iter()
                        .filter(|l| l.credited_quantity < l.quantity)
                        .map(|l| (l.id, Quantity::new(l.quantity.value() - l.credited_quantity.value())))
                        .collect(),
                };
                if asked.is_empty() {
                    return Err(CoreError::conflict(
                        "fully_credited",
                        "everything on this invoice was already credited",
                    ));
                }
                let earlier = tx.sales().credit_notes(invoice.id).await?;
                let lines = credit_lines(&invoice, &earlier, &asked)?;
                let totals = Totals::of(lines.iter().map(|l| &l.amounts));
                let applied = totals.payable().min(invoice.balance_due()).max(Money::ZERO);
                let refund = totals.payable() - applied;
                if refund > Money::ZERO && method.is_none() {
                    return Err(CoreError::invalid(
                        "refund_method",
                        "required",
                        &format!("{} exceeds the balance due: say how it is refunded", refund.amount()),
                    ));
                }
                let (range, n) = take_number(tx, invoice.pdv_id, DocumentKind::CreditNote, today).await?;
                let note = CreditNote {
                    id: CreditNoteId::new(),
                    invoice_id: invoice.id,
                    pdv_id: invoice.pdv_id,
                    number: range.format(n),
                    number_seq: n,
                    range_id: range.id,
                    issue_date: today,
                    reason,
                    restock: input.restock.unwrap_or(true),
                    totals,
                    applied_amount: applied,
                    refund_amount: refund,
                    refund_method: method.filter(|_| refund > Money::ZERO),
                    lines,
                    created_by: user,
                    created_at: now,
                };
                if note.restock {
                    restock(tx, &invoice, &note).await?;
                }
                for l in &note.lines {
                    if let Some(line) = invoice.lines.iter_mut().find(|x| x.id == l.invoice_line_id) {
                        line.credited_quantity = Quantity::new(line.credited_quantity.value() + l.quantity.value());
                    }
                }
                invoice.credited_amount = invoice.credited_amount + applied;
                invoice.refunded_amount = invoice.refunded_amount + refund;
                invoice.settle_status();
                invoice.updated_by = user;
                invoice.updated_at = now;
                tx.sales().insert_credit_note(&note).await?;
                tx.sales().update_invoice(&invoice, false).await?;
                finish_key(tx, CREDIT, idem.as_ref(), note.id.as_uuid()).await?;
                Ok(CreditReceipt { note, invoice })
            })
        })
        .await
    }

    /// An invoice's credit notes (every role).
    pub async fn credit_notes(&self, actor: &Actor, id: InvoiceId) -> CoreResult<Vec<CreditNote>> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                found(tx, id).await?;
                tx.sales().credit_notes(id).await
            })
        })
        .await
    }
}
