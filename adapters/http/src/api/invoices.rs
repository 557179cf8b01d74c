//! Invoices (`/invoices/...`): create, list, read, change a draft, confirm, cancel, next number.

use super::pdvs::next_cursor;
use super::sales_dto::*;
use super::sales_out::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::kernel::{decode_key, time_of_key, InvoiceId, PageRequest};
use ally360::sales::model::{InvoiceQuery, InvoiceStatus, InvoiceType, PaymentStatus};
use ally360::sales::{Idempotency, InvoiceDetail};
use ally360::App;
use chrono::NaiveDate;
use poem::Request;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, OpenApi};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub struct InvoicesApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created (or, for a retried idempotency key, the invoice the first request created).
    #[oai(status = 201)]
    Invoice(Json<InvoiceDetailOut>),
}

/// The `Idempotency-Key` of a request, bound to the request's method, path and body: the same key with
/// another request is refused.
pub fn idempotency(req: &Request, key: Option<String>, body: Option<&impl ToJSON>) -> ApiResult<Option<Idempotency>> {
    let Some(key) = key else { return Ok(None) };
    let mut hash = Sha256::new();
    hash.update(req.method().as_str());
    hash.update(b" ");
    hash.update(req.uri().path());
    hash.update(b"\n");
    if let Some(body) = body {
        hash.update(body.to_json().map(|v| v.to_string()).unwrap_or_default());
    }
    let fingerprint = hex::encode(hash.finalize());
    Ok(Some(Idempotency::new(&key, fingerprint)?))
}

pub fn detail(app: &App, d: &InvoiceDetail) -> InvoiceDetailOut {
    InvoiceDetailOut::new(d, app.sales.today())
}

fn parsed<T>(
    field: &str,
    raw: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> ApiResult<Option<T>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            parse(s).map(Some).ok_or_else(|| crate::problem::ApiError::invalid(field, "invalid_value", expected))
        }
    }
}

#[OpenApi(tag = "ApiTags::Invoices")]
impl InvoicesApi {
    /// Creates an invoice (owner, admin, seller): DRAFT without a number, or `status: OPEN` to confirm it at
    /// once (number, stock and credit limit in one transaction). Accepts an `Idempotency-Key`.
    #[oai(path = "/invoices", method = "post", operation_id = "create_invoice")]
    async fn create(
        &self,
        auth: BearerAuth,
        req: &Request,
        #[oai(name = "Idempotency-Key")] key: Header<Option<String>>,
        body: Json<InvoiceIn>,
    ) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        let idem = idempotency(req, key.0, Some(&body.0))?;
        let d = self.app.sales.create_invoice(&actor, body.0.into(), idem).await?;
        Ok(Created::Invoice(Json(detail(&self.app, &d))))
    }

    /// Invoices, newest first (every role): filters, keyset pages and the count per status.
    #[oai(path = "/invoices", method = "get", operation_id = "list_invoices")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        /// DRAFT, OPEN, PAID or VOID.
        status: Query<Option<String>>,
        /// unpaid, partial or paid.
        payment_status: Query<Option<String>>,
        /// SALE or POS.
        #[oai(name = "type")]
        kind: Query<Option<String>>,
        customer_id: Query<Option<Uuid>>,
        pdv_id: Query<Option<Uuid>>,
        seller_id: Query<Option<Uuid>>,
        /// Issue date from (inclusive).
        start_date: Query<Option<NaiveDate>>,
        /// Issue date to (inclusive).
        end_date: Query<Option<NaiveDate>>,
        /// Part of the number, the notes or the customer's name.
        search: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<InvoiceListOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let page = PageRequest::new(limit.0, None)?;
        let before = match cursor.0.as_deref() {
            Some(c) => {
                let (key, id) = decode_key("cursor", c)?;
                Some((time_of_key(&key)?, InvoiceId::from_uuid(id)))
            }
            None => None,
        };
        let query = InvoiceQuery {
            status: parsed("status", status.0, InvoiceStatus::parse, "DRAFT, OPEN, PAID or VOID")?,
            payment_status: parsed(
                "payment_status",
                payment_status.0,
                PaymentStatus::parse,
                "unpaid, partial or paid",
            )?,
            kind: parsed("type", kind.0, InvoiceType::parse, "SALE or POS")?,
            customer: customer_id.0.map(Into::into),
            pdv: pdv_id.0.map(Into::into),
            seller: seller_id.0.map(Into::into),
            from: start_date.0,
            to: end_date.0,
            search: search.0,
            before,
            limit: page.limit,
        };
        let list = self.app.sales.invoices(&actor, query).await?;
        let today = self.app.sales.today();
        Ok(Json(InvoiceListOut {
            items: list
                .page
                .items
                .iter()
                .map(|r| InvoiceOut::new(&r.invoice, &r.customer_name, r.customer_email.as_deref(), today))
                .collect(),
            total: list.total,
            counts_by_status: list
                .counts
                .iter()
                .map(|(s, n)| StatusCountOut { status: s.as_str().into(), count: *n })
                .collect(),
            next_cursor: next_cursor(list.page.next),
        }))
    }

    /// One invoice with its customer, lines, tax summary, payments and credit notes (every role).
    #[oai(path = "/invoices/:invoice_id", method = "get", operation_id = "get_invoice")]
    async fn get(&self, auth: BearerAuth, req: &Request, invoice_id: Path<Uuid>) -> ApiResult<Json<InvoiceDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let d = self.app.sales.invoice(&actor, invoice_id.0.into()).await?;
        Ok(Json(detail(&self.app, &d)))
    }

    /// Changes a DRAFT invoice (owner, admin, seller); `items` replaces every line.
    #[oai(path = "/invoices/:invoice_id", method = "patch", operation_id = "update_invoice")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        body: Json<InvoicePatchIn>,
    ) -> ApiResult<Json<InvoiceDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let d = self.app.sales.update_invoice(&actor, invoice_id.0.into(), body.0.into()).await?;
        Ok(Json(detail(&self.app, &d)))
    }

    /// Confirms a DRAFT invoice (owner, admin, seller): the number from the PDV's range, the stock out and
    /// the credit limit, in one transaction. `override_credit_limit=true` (owner, admin) passes the limit.
    /// Accepts an `Idempotency-Key`.
    #[oai(path = "/invoices/:invoice_id/confirm", method = "post", operation_id = "confirm_invoice")]
    async fn confirm(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        override_credit_limit: Query<Option<bool>>,
        #[oai(name = "Idempotency-Key")] key: Header<Option<String>>,
    ) -> ApiResult<Json<InvoiceDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let flag = override_credit_limit.0.unwrap_or(false);
        let idem = idempotency(req, key.0, Some(&flag))?;
        let d = self.app.sales.confirm(&actor, invoice_id.0.into(), flag, idem).await?;
        Ok(Json(detail(&self.app, &d)))
    }

    /// Voids a DRAFT, or an OPEN invoice without payments or credit notes, returning its stock (owner,
    /// admin). Paid or credited invoices are reversed with a credit note.
    #[oai(path = "/invoices/:invoice_id/cancel", method = "post", operation_id = "cancel_invoice")]
    async fn cancel(
        &self,
        auth: BearerAuth,
        req: &Request,
        invoice_id: Path<Uuid>,
        body: Json<ReasonIn>,
    ) -> ApiResult<Json<InvoiceDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let d = self.app.sales.void(&actor, invoice_id.0.into(), body.0.reason).await?;
        Ok(Json(detail(&self.app, &d)))
    }

    /// The number the PDV's next invoice would get (owner, admin, seller). Nothing is reserved.
    #[oai(path = "/invoices/next-number/:pdv_id", method = "get", operation_id = "next_invoice_number")]
    async fn next_number(&self, auth: BearerAuth, req: &Request, pdv_id: Path<Uuid>) -> ApiResult<Json<NextNumberOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.sales.next_number(&actor, pdv_id.0.into()).await?).into()))
    }
}
