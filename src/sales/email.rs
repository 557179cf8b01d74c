//! The invoice as a document: its PDF, and emailing it. Sending writes a log row and a job in the same
//! transaction; the worker renders the PDF and mails it as an attachment, recording each attempt.

use super::document::{tax_summary, InvoiceDocument, PartyBlock};
use super::invoices::found;
use super::model::*;
use super::pdf::{format_cop, render};
use super::service::SalesService;
use crate::app::Ctx;
use crate::contacts::model::Contact;
use crate::kernel::*;
use crate::ports::{in_global, in_tenant, in_tenant_of, Email, EmailAttachment, Job, Task};
use crate::tenancy::model::Company;

/// An email request for an invoice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendInvoice {
    /// The customer's email by default.
    pub to: Option<String>,
    pub subject: Option<String>,
    pub message: Option<String>,
}

fn company_block(c: &Company) -> PartyBlock {
    PartyBlock {
        name: c.social_reason.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| c.name.clone()),
        identification: Some(format!("NIT {}-{}", c.nit, c.dv)),
        address: c.address.clone(),
        phone: Some(c.phone_number.clone()),
        email: None,
    }
}

fn customer_block(c: &Contact) -> PartyBlock {
    let id = c.id_number.as_ref().map(|n| {
        let kind = c.id_type.map(|t| t.as_str().to_uppercase()).unwrap_or_default();
        match c.dv {
            Some(dv) => format!("{kind} {n}-{dv}"),
            None => format!("{kind} {n}"),
        }
    });
    let address = c.billing_address.as_ref().map(|a| {
        [a.address.as_deref(), a.line1.as_deref(), a.city.as_deref(), a.state.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    });
    PartyBlock {
        name: c.name.clone(),
        identification: id.map(|s| s.trim().to_string()),
        address: address.filter(|a| !a.is_empty()),
        phone: c.mobile.clone().or(c.phone_primary.clone()),
        email: c.email.clone(),
    }
}

/// Gathers everything the PDF shows (the company from the global data, the rest from the tenant's).
async fn document(ctx: &Ctx, tenant: TenantId, id: InvoiceId) -> CoreResult<InvoiceDocument> {
    let company = in_global(ctx.store(), move |tx| Box::pin(async move { tx.companies().by_id(tenant).await }))
        .await?
        .ok_or(CoreError::NotFound { entity: "company" })?;
    let (invoice, customer, pdv, range) = in_tenant_of(ctx.store(), tenant, move |tx| {
        Box::pin(async move {
            let invoice = found(tx, id).await?;
            let customer = tx
                .contacts()
                .by_id(invoice.customer_id)
                .await?
                .ok_or_else(|| CoreError::internal("invoice without customer"))?;
            let pdv = tx.pdvs().by_id(invoice.pdv_id).await?.map(|p| p.name).unwrap_or_default();
            let range = match invoice.range_id {
                Some(r) => tx.sales().range(r).await?,
                None => None,
            };
            Ok((invoice, customer, pdv, range))
        })
    })
    .await?;
    Ok(InvoiceDocument {
        company: company_block(&company),
        logo_jpeg: logo(ctx, &company).await,
        customer: customer_block(&customer),
        pdv_name: pdv,
        taxes: tax_summary(&invoice),
        balance_due: invoice.balance_due(),
        invoice,
        range,
    })
}

/// The company's logo when it is a JPEG (the PDF embeds JPEG as is; other formats are left out). A store
/// that fails leaves the logo out rather than the invoice unprinted.
async fn logo(ctx: &Ctx, company: &Company) -> Option<Vec<u8>> {
    let key = company.logo_key.as_deref()?;
    match ctx.ports.objects.get(key).await {
        Ok(bytes) => bytes.filter(|b| b.starts_with(&[0xFF, 0xD8, 0xFF])),
        Err(e) => {
            tracing::warn!(error = %e, "company logo unreadable; invoice printed without it");
            None
        }
    }
}

fn file_name(invoice: &Invoice) -> String {
    format!("factura_{}.pdf", invoice.number.clone().unwrap_or_else(|| format!("borrador_{}", invoice.id)))
}

impl SalesService {
    /// The invoice as a PDF (every role): file name and bytes.
    pub async fn pdf(&self, actor: &Actor, id: InvoiceId) -> CoreResult<(String, Vec<u8>)> {
        actor.require(Permission::SalesRead)?;
        let doc = document(&self.ctx, actor.tenant, id).await?;
        Ok((file_name(&doc.invoice), render(&doc)))
    }

    /// Queues the invoice's PDF by email to the customer or `to` (owner, admin, seller, accountant): 409
    /// for a DRAFT or VOID invoice. Returns the log entry (with its job id) that the worker updates.
    pub async fn send_email(&self, actor: &Actor, id: InvoiceId, input: SendInvoice) -> CoreResult<InvoiceEmail> {
        actor.require(Permission::InvoicePay)?;
        let mut checks = crate::kernel::error::Checks::new();
        let to = input.to.as_deref().and_then(|t| checks.take(validate::email("to_email", t)));
        let subject = checks.take(validate::optional_text("subject", input.subject.as_deref(), 200)).flatten();
        let message = checks.take(validate::optional_text("message", input.message.as_deref(), 2000)).flatten();
        checks.finish()?;
        let company = in_global(self.ctx.store(), {
            let tenant = actor.tenant;
            move |tx| Box::pin(async move { tx.companies().by_id(tenant).await })
        })
        .await?
        .ok_or(CoreError::NotFound { entity: "company" })?;
        let (user, tenant, now) = (actor.user, actor.tenant, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let invoice = found(tx, id).await?;
                match invoice.status {
                    InvoiceStatus::Draft => {
                        return Err(CoreError::conflict(
                            "invoice_not_confirmed",
                            "confirm the invoice before sending it",
                        ))
                    }
                    InvoiceStatus::Void => {
                        return Err(CoreError::conflict("invoice_void", "a void invoice is not sent"))
                    }
                    _ => {}
                }
                let to = match to {
                    Some(t) => t,
                    None => {
                        let customer = tx.contacts().by_id(invoice.customer_id).await?;
                        customer.and_then(|c| c.email).ok_or_else(|| {
                            CoreError::invalid("to_email", "required", "the customer has no email: give an address")
                        })?
                    }
                };
                let number = invoice.number.clone().unwrap_or_default();
                let email = InvoiceEmail {
                    id: InvoiceEmailId::new(),
                    invoice_id: invoice.id,
                    job_id: JobId::new(),
                    to,
                    subject: subject.unwrap_or_else(|| format!("Factura {number} - {}", company.name)),
                    message,
                    status: EmailStatus::Queued,
                    attempts: 0,
                    last_error: None,
                    created_by: user,
                    created_at: now,
                    updated_at: now,
                };
                tx.sales().insert_email(&email).await?;
                let job =
                    Job { id: email.job_id, task: Task::InvoiceEmail { tenant, email: email.id }, created_at: now };
                tx.outbox().add(&job).await?;
                Ok(email)
            })
        })
        .await
    }

    /// The email requests of an invoice and what became of them (every role).
    pub async fn emails(&self, actor: &Actor, id: InvoiceId) -> CoreResult<Vec<InvoiceEmail>> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                found(tx, id).await?;
                tx.sales().emails(id).await
            })
        })
        .await
    }
}

/// The worker's side: renders the PDF, mails it, and records the attempt. Idempotent: a request already
/// sent is not sent again.
pub(crate) async fn deliver_invoice_email(
    ctx: &Ctx,
    tenant: TenantId,
    id: InvoiceEmailId,
    attempt: u32,
) -> CoreResult<()> {
    let log = in_tenant_of(ctx.store(), tenant, move |tx| Box::pin(async move { tx.sales().email(id).await }))
        .await?
        .ok_or_else(|| CoreError::internal("invoice email log entry missing"))?;
    if log.status == EmailStatus::Sent {
        return Ok(());
    }
    let doc = document(ctx, tenant, log.invoice_id).await?;
    let result = ctx.ports.mailer.send(&invoice_email(&doc, &log)).await;
    let now = ctx.now();
    let mut log = log;
    log.attempts = attempt as i32;
    log.updated_at = now;
    match &result {
        Ok(()) => {
            log.status = EmailStatus::Sent;
            log.last_error = None;
        }
        Err(e) => {
            log.status = EmailStatus::Failed;
            log.last_error = Some(e.to_string().chars().take(500).collect());
        }
    }
    in_tenant_of(ctx.store(), tenant, move |tx| Box::pin(async move { tx.sales().update_email(&log).await })).await?;
    result
}

fn invoice_email(doc: &InvoiceDocument, log: &InvoiceEmail) -> Email {
    let inv = &doc.invoice;
    let number = inv.number.clone().unwrap_or_default();
    let mut paragraphs = vec![
        format!("Hola {},", doc.customer.name),
        format!("{} le envía la factura {number} del {}.", doc.company.name, inv.issue_date.format("%d/%m/%Y")),
        format!("Total a pagar: {}. Saldo pendiente: {}.", format_cop(inv.payable()), format_cop(doc.balance_due)),
    ];
    if let Some(due) = inv.due_date {
        paragraphs.push(format!("Fecha de vencimiento: {}.", due.format("%d/%m/%Y")));
    }
    if let Some(m) = &log.message {
        paragraphs.push(m.clone());
    }
    paragraphs.push("Encontrará la factura en PDF adjunta a este correo.".into());
    let mut email = crate::notify::emails::layout(&log.to, &log.subject, &paragraphs, None);
    email.attachments = vec![EmailAttachment {
        filename: file_name(inv),
        content_type: "application/pdf".into(),
        content: render(doc),
    }];
    email
}
