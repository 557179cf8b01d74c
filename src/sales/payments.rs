//! Payments against an OPEN invoice, checked and written under the invoice's row lock so concurrent
//! payments can never pay more than is owed; voiding one reopens the balance.

use super::invoices::{found, locked};
use super::model::*;
use super::service::{finish_key, replayed, Idempotency, SalesService};
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::in_tenant;
use chrono::NaiveDate;
use rust_decimal::Decimal;

const PAY: &str = "invoice.payment";

/// A payment as a client sends it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaymentInput {
    pub amount: Decimal,
    pub method: String,
    pub reference: Option<String>,
    /// Today by default; never before the issue date.
    pub payment_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// A payment and the invoice as it stands after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentReceipt {
    pub payment: Payment,
    pub invoice: Invoice,
}

impl SalesService {
    /// Records a payment (owner, admin, seller, accountant): more than zero and at most the balance due,
    /// checked under the invoice's row lock. The invoice becomes PAID when nothing is left to pay.
    pub async fn add_payment(
        &self,
        actor: &Actor,
        id: InvoiceId,
        input: PaymentInput,
        idem: Option<Idempotency>,
    ) -> CoreResult<PaymentReceipt> {
        actor.require(Permission::InvoicePay)?;
        let mut checks = Checks::new();
        let a = input.amount;
        if a <= Decimal::ZERO || a.normalize().scale() > 2 || a >= Decimal::from(10_000_000_000_000i64) {
            checks.take::<()>(Err(FieldError::new(
                "amount",
                "out_of_range",
                "above zero, below 10^13, at most 2 decimals",
            )));
        }
        let method = PaymentMethod::parse(&input.method);
        if method.is_none() {
            checks.take::<()>(Err(FieldError::new("method", "invalid_method", "cash, card, transfer, qr or other")));
        }
        let reference = checks.take(validate::optional_text("reference", input.reference.as_deref(), 100)).flatten();
        let notes = checks.take(validate::optional_text("notes", input.notes.as_deref(), 500)).flatten();
        checks.finish()?;
        let (user, now, today) = (actor.user, self.ctx.now(), self.today());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                if let Some(done) = replayed(tx, PAY, idem.as_ref(), now).await? {
                    let payment = tx
                        .sales()
                        .payment(PaymentId::from_uuid(done))
                        .await?
                        .ok_or(CoreError::NotFound { entity: "payment" })?;
                    let invoice = found(tx, payment.invoice_id).await?;
                    return Ok(PaymentReceipt { payment, invoice });
                }
                let mut invoice = locked(tx, id).await?;
                match invoice.status {
                    InvoiceStatus::Draft => {
                        return Err(CoreError::conflict("invoice_not_confirmed", "confirm the invoice first"))
                    }
                    InvoiceStatus::Void => {
                        return Err(CoreError::conflict("invoice_void", "a void invoice takes no payments"))
                    }
                    _ => {}
                }
                let amount = Money::new(a);
                let balance = invoice.balance_due();
                if amount > balance {
                    return Err(CoreError::conflict_on(
                        "amount_exceeds_balance",
                        "amount",
                        format!("the amount {} is more than the balance due {}", amount.amount(), balance.amount()),
                    ));
                }
                let payment_date = input.payment_date.unwrap_or(today.max(invoice.issue_date));
                if payment_date < invoice.issue_date {
                    return Err(CoreError::invalid(
                        "payment_date",
                        "before_issue_date",
                        "must not be before the invoice's issue date",
                    ));
                }
                let payment = Payment {
                    id: PaymentId::new(),
                    invoice_id: invoice.id,
                    amount,
                    method: method.expect("checked above"),
                    reference,
                    payment_date,
                    notes,
                    created_by: user,
                    created_at: now,
                    voided_by: None,
                    voided_at: None,
                    void_reason: None,
                };
                tx.sales().insert_payment(&payment).await?;
                invoice.paid_amount = invoice.paid_amount + amount;
                invoice.settle_status();
                invoice.updated_by = user;
                invoice.updated_at = now;
                tx.sales().update_invoice(&invoice, false).await?;
                finish_key(tx, PAY, idem.as_ref(), payment.id.as_uuid()).await?;
                Ok(PaymentReceipt { payment, invoice })
            })
        })
        .await
    }

    /// An invoice's payments, oldest first, voided ones included (every role).
    pub async fn payments(&self, actor: &Actor, id: InvoiceId) -> CoreResult<Vec<Payment>> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                found(tx, id).await?;
                tx.sales().payments(id).await
            })
        })
        .await
    }

    /// Voids a payment (owner, admin): it stays on record with who, when and why, and its amount is owed
    /// again (a PAID invoice reopens). Not possible once a credit note refunded money on the invoice.
    pub async fn void_payment(
        &self,
        actor: &Actor,
        id: InvoiceId,
        payment: PaymentId,
        reason: String,
    ) -> CoreResult<PaymentReceipt> {
        actor.require(Permission::SalesManage)?;
        let reason = validate::text("reason", &reason, 1, 500).map_err(|e| CoreError::Validation(vec![e]))?;
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut invoice = locked(tx, id).await?;
                let mut payment = tx
                    .sales()
                    .payment(payment)
                    .await?
                    .filter(|p| p.invoice_id == id)
                    .ok_or(CoreError::NotFound { entity: "payment" })?;
                if payment.voided_at.is_some() {
                    return Err(CoreError::conflict("payment_void", "the payment is already void"));
                }
                if invoice.refunded_amount > Money::ZERO {
                    return Err(CoreError::conflict(
                        "invoice_has_refunds",
                        "a credit note refunded money on this invoice",
                    ));
                }
                payment.voided_by = Some(user);
                payment.voided_at = Some(now);
                payment.void_reason = Some(reason);
                tx.sales().update_payment(&payment).await?;
                invoice.paid_amount = invoice.paid_amount - payment.amount;
                invoice.settle_status();
                invoice.updated_by = user;
                invoice.updated_at = now;
                tx.sales().update_invoice(&invoice, false).await?;
                Ok(PaymentReceipt { payment, invoice })
            })
        })
        .await
    }
}
