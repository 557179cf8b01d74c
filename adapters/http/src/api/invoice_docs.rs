//! What hangs off an invoice (`/invoices/{id}/...`): payments, credit notes, the PDF and its email.

use super::invoices::idempotency;
use super::sales_dto::*;
use super::sales_out::*;
use super::sales_receipts::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::App;
use poem::Request;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct InvoiceDocsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum PaymentCreated {
    /// Recorded (or, for a retried idempotency key, the payment the first request recorded).
    #[oai(status = 201)]
    Payment(Json<PaymentReceiptOut>),
}

#[derive(ApiResponse)]
enum CreditCreated {
    /// Issued (or, for a retried idempotency key, the credit note the first request issued).
    #[oai(status = 201)]
    Note(Json<CreditReceiptOut>),
}

#[derive(ApiResponse)]
enum Queued {
    /// Queued: the worker renders the PDF and sends it; `GET /invoices/{id}/emails` tells what became of it.
    #[oai(status = 202)]
    Email(Json<EmailQueuedOut>),
}

#[derive(ApiResponse)]
enum Pdf {
    /// The invoice as a PDF.
    #[oai(status = 200, content_type = "application/pdf")]
    File(Binary<Vec<u8>>, #[oai(header = "Content-Disposition")] String),
}

#[OpenApi(tag = "ApiTags::Invoices")]
impl InvoiceDocsApi {
    /// Records a payment (owner, admin, seller, accountant) on an OPEN invoice: more than zero and at most
    /// the balance due; the invoice becomes PAID when nothing is left. Accepts an `Idempotency-Key`.
    #[oai(path = "/invoices/:invoice_id/payments", method = "post", operation_id = "add_invoice_payment")]
    async fn add_payment(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        #[oai(name = "Idempotency-Key")] key: Header<Option<String>>,
        body: Json<PaymentIn>,
    ) -> ApiResult<PaymentCreated> {
        let actor = actor(&self.app, &auth, req).await?;
        let idem = idempotency(req, key.0, Some(&body.0))?;
        let r = self.app.sales.add_payment(&actor, invoice_id.0.into(), body.0.into(), idem).await?;
        Ok(PaymentCreated::Payment(Json(PaymentReceiptOut {
            payment: (&r.payment).into(),
            invoice: (&r.invoice).into(),
        })))
    }

    /// An invoice's payments, oldest first, voided ones included (every role).
    #[oai(path = "/invoices/:invoice_id/payments", method = "get", operation_id = "list_invoice_payments")]
    async fn payments(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<PaymentOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let payments = self.app.sales.payments(&actor, invoice_id.0.into()).await?;
        Ok(Json(payments.iter().map(PaymentOut::from).collect()))
    }

    /// Voids a payment (owner, admin): kept on record with who, when and why; its amount is owed again.
    #[oai(
        path = "/invoices/:invoice_id/payments/:payment_id/void",
        method = "post",
        operation_id = "void_invoice_payment"
    )]
    async fn void_payment(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        payment_id: Path<Uuid>,
        body: Json<ReasonIn>,
    ) -> ApiResult<Json<PaymentReceiptOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let r = self.app.sales.void_payment(&actor, invoice_id.0.into(), payment_id.0.into(), body.0.reason).await?;
        Ok(Json(PaymentReceiptOut { payment: (&r.payment).into(), invoice: (&r.invoice).into() }))
    }

    /// Issues a credit note against an OPEN or PAID invoice (owner, admin): all that is left, or given
    /// quantities of lines; stock returns unless `restock: false`; the credit lowers the balance and the
    /// rest is refunded. Accepts an `Idempotency-Key`.
    #[oai(path = "/invoices/:invoice_id/credit-notes", method = "post", operation_id = "create_credit_note")]
    async fn credit(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        #[oai(name = "Idempotency-Key")] key: Header<Option<String>>,
        body: Json<CreditNoteIn>,
    ) -> ApiResult<CreditCreated> {
        let actor = actor(&self.app, &auth, req).await?;
        let idem = idempotency(req, key.0, Some(&body.0))?;
        let r = self.app.sales.credit(&actor, invoice_id.0.into(), body.0.into(), idem).await?;
        Ok(CreditCreated::Note(Json(CreditReceiptOut { note: (&r.note).into(), invoice: (&r.invoice).into() })))
    }

    /// An invoice's credit notes (every role).
    #[oai(path = "/invoices/:invoice_id/credit-notes", method = "get", operation_id = "list_credit_notes")]
    async fn credit_notes(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<CreditNoteOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let notes = self.app.sales.credit_notes(&actor, invoice_id.0.into()).await?;
        Ok(Json(notes.iter().map(CreditNoteOut::from).collect()))
    }

    /// The invoice as a PDF rendered by the service (every role).
    #[oai(path = "/invoices/:invoice_id/pdf", method = "get", operation_id = "invoice_pdf")]
    async fn pdf(&self, auth: BearerAuth, req: &Request, invoice_id: Path<Uuid>) -> ApiResult<Pdf> {
        let actor = actor(&self.app, &auth, req).await?;
        let (name, bytes) = self.app.sales.pdf(&actor, invoice_id.0.into()).await?;
        Ok(Pdf::File(Binary(bytes), format!("inline; filename=\"{name}\"")))
    }

    /// Emails the invoice's PDF to the customer or `to_email` (owner, admin, seller, accountant); 409 for a
    /// DRAFT or VOID invoice.
    #[oai(path = "/invoices/:invoice_id/send-email", method = "post", operation_id = "send_invoice_email")]
    async fn send_email(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        body: Json<SendEmailIn>,
    ) -> ApiResult<Queued> {
        let actor = actor(&self.app, &auth, req).await?;
        let e = self.app.sales.send_email(&actor, invoice_id.0.into(), body.0.into()).await?;
        Ok(Queued::Email(Json(EmailQueuedOut {
            status: "queued".into(),
            task_id: e.job_id.as_uuid(),
            email_id: e.id.as_uuid(),
            message: format!("La factura se enviará a {}", e.to),
        })))
    }

    /// The email requests of an invoice and what became of each (every role).
    #[oai(path = "/invoices/:invoice_id/emails", method = "get", operation_id = "list_invoice_emails")]
    async fn emails(&self, auth: BearerAuth, req: &Request, invoice_id: Path<Uuid>) -> ApiResult<Json<Vec<EmailOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let emails = self.app.sales.emails(&actor, invoice_id.0.into()).await?;
        Ok(Json(emails.iter().map(EmailOut::from).collect()))
    }
}
