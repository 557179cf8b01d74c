//! Sales use cases: the service, idempotency keys, and numbering ranges (CRUD, preview, allocation).

use super::model::*;
use crate::app::Ctx;
use crate::kernel::error::Checks;
use crate::kernel::*;
use crate::ports::{in_tenant, TenantTx};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// Sales use cases: numbering ranges, invoices, payments, credit notes, PDF, email and reports.
#[derive(Clone)]
pub struct SalesService {
    pub(super) ctx: Arc<Ctx>,
}

/// An `Idempotency-Key` with the fingerprint of the request that carried it (method, path and body,
/// hashed by the caller): a retry with the same key and fingerprint replays the first result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    /// Checks the key's shape (1..255 visible ASCII characters).
    pub fn new(key: &str, fingerprint: String) -> CoreResult<Self> {
        let ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(CoreError::invalid("Idempotency-Key", "invalid_key", "1 to 255 visible ASCII characters"));
        }
        Ok(Self { key: key.to_string(), fingerprint })
    }
}

/// Claims `idem` inside the current transaction: None to go on (then [`finish_key`]), or the id the first
/// request produced.
pub(super) async fn replayed(
    tx: &mut dyn TenantTx,
    scope: &str,
    idem: Option<&Idempotency>,
    at: DateTime<Utc>,
) -> CoreResult<Option<uuid::Uuid>> {
    let Some(idem) = idem else { return Ok(None) };
    match tx.sales().claim_key(scope, &idem.key, &idem.fingerprint, at).await? {
        None => Ok(None),
        Some(stored) if stored.fingerprint != idem.fingerprint => Err(CoreError::invalid(
            "Idempotency-Key",
            "idempotency_key_reused",
            "this key was used with another request; use a new key for a new request",
        )),
        Some(stored) => stored.result.map(Some).ok_or_else(|| {
            CoreError::conflict("idempotency_in_progress", "the first request with this key is still running")
        }),
    }
}

/// Records what a claimed key produced.
pub(super) async fn finish_key(
    tx: &mut dyn TenantTx,
    scope: &str,
    idem: Option<&Idempotency>,
    result: uuid::Uuid,
) -> CoreResult<()> {
    match idem {
        Some(idem) => tx.sales().complete_key(scope, &idem.key, result).await,
        None => Ok(()),
    }
}

/// Takes the next number of the PDV's active range for `kind`, or explains why there is none (409).
pub(super) async fn take_number(
    tx: &mut dyn TenantTx,
    pdv: PdvId,
    kind: DocumentKind,
    on: NaiveDate,
) -> CoreResult<(NumberingRange, i64)> {
    if let Some(taken) = tx.sales().take_number(pdv, kind, on).await? {
        return Ok(taken);
    }
    Err(no_number(tx, pdv, kind, on).await)
}

/// Numbers a saved, confirmed invoice (the last step of its transaction), or explains why it cannot be.
pub(super) async fn number_invoice(tx: &mut dyn TenantTx, invoice: &mut Invoice) -> CoreResult<()> {
    let Some((range, n)) = tx.sales().stamp_invoice(invoice.id, invoice.pdv_id, invoice.issue_date).await? else {
        return Err(no_number(tx, invoice.pdv_id, DocumentKind::Invoice, invoice.issue_date).await);
    };
    invoice.number = Some(range.format(n));
    invoice.number_seq = Some(n);
    invoice.range_id = Some(range.id);
    Ok(())
}

async fn no_number(tx: &mut dyn TenantTx, pdv: PdvId, kind: DocumentKind, on: NaiveDate) -> CoreError {
    match tx.sales().ranges(Some(pdv)).await {
        Ok(ranges) => unusable(ranges.iter().find(|r| r.kind == kind && r.is_active), kind, on),
        Err(e) => e,
    }
}

/// Why no number can be taken from the PDV's active range (or its absence) on `on`.
fn unusable(active: Option<&NumberingRange>, kind: DocumentKind, on: NaiveDate) -> CoreError {
    let what = match kind {
        DocumentKind::Invoice => "invoices",
        DocumentKind::CreditNote => "credit notes",
    };
    match active {
        None => CoreError::conflict(
            "no_numbering_range",
            format!("the point of sale has no active numbering range for {what}; add the DIAN resolution first"),
        ),
        Some(r) if r.next_number > r.range_to => CoreError::conflict(
            "numbering_range_exhausted",
            format!(
                "numbering range {} is exhausted (last number {}); add a new resolution",
                r.resolution_number,
                r.format(r.range_to)
            ),
        ),
        Some(r) if on > r.valid_to => CoreError::conflict(
            "numbering_range_expired",
            format!("numbering range {} expired on {}; add a new resolution", r.resolution_number, r.valid_to),
        ),
        Some(r) => CoreError::conflict(
            "numbering_range_not_yet_valid",
            format!("numbering range {} is valid from {}", r.resolution_number, r.valid_from),
        ),
    }
}

/// A numbering range as a client describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeInput {
    pub pdv_id: uuid::Uuid,
    pub kind: String,
    pub resolution_number: String,
    pub prefix: String,
    pub range_from: i64,
    pub range_to: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub is_active: bool,
}

/// The preview of the next number (nothing is reserved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextNumber {
    pub next_number: String,
    pub prefix: String,
    pub current_sequence: i64,
    pub range: NumberingRange,
}

fn check_range(input: &RangeInput) -> CoreResult<DocumentKind> {
    let mut checks = Checks::new();
    let kind = DocumentKind::parse(&input.kind);
    if kind.is_none() {
        checks.take::<()>(Err(FieldError::new("kind", "invalid_kind", "invoice or credit_note")));
    }
    checks.take(validate::text("resolution_number", &input.resolution_number, 1, 50));
    let prefix_ok = input.prefix.len() <= 10 && input.prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !prefix_ok {
        checks.take::<()>(Err(FieldError::new("prefix", "invalid_prefix", "up to 10 letters, digits or '-'")));
    }
    if input.range_from < 1 || input.range_from > 9_999_999_999 {
        checks.take::<()>(Err(FieldError::new("range_from", "out_of_range", "from 1 to 9999999999")));
    }
    if input.range_to < input.range_from || input.range_to > 9_999_999_999 {
        checks.take::<()>(Err(FieldError::new("range_to", "out_of_range", "at least range_from, at most 9999999999")));
    }
    if input.valid_to < input.valid_from {
        checks.take::<()>(Err(FieldError::new("valid_to", "before_valid_from", "must not be before valid_from")));
    }
    checks.finish()?;
    Ok(kind.expect("checked above"))
}

impl SalesService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }

    /// The business date today.
    pub fn today(&self) -> NaiveDate {
        business_date(self.ctx.now())
    }

    /// Adds a numbering range to a PDV (owner, admin). One active range per PDV and kind (409).
    pub async fn create_range(&self, actor: &Actor, input: RangeInput) -> CoreResult<NumberingRange> {
        actor.require(Permission::SalesManage)?;
        let kind = check_range(&input)?;
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let pdv = crate::inventory::active_pdv(tx, input.pdv_id, "pdv_id").await?;
                let range = NumberingRange {
                    id: NumberingRangeId::new(),
                    pdv_id: pdv.id,
                    kind,
                    resolution_number: input.resolution_number.trim().to_string(),
                    prefix: input.prefix,
                    range_from: input.range_from,
                    range_to: input.range_to,
                    next_number: input.range_from,
                    valid_from: input.valid_from,
                    valid_to: input.valid_to,
                    is_active: input.is_active,
                    created_by: user,
                    created_at: now,
                    updated_at: now,
                };
                tx.sales().insert_range(&range).await?;
                Ok(range)
            })
        })
        .await
    }

    /// Changes a range (owner, admin). Once a number was taken from it, only its end, validity and
    /// active flag may change, and the end never below the last number taken.
    pub async fn update_range(
        &self,
        actor: &Actor,
        id: NumberingRangeId,
        input: RangeInput,
    ) -> CoreResult<NumberingRange> {
        actor.require(Permission::SalesManage)?;
        let kind = check_range(&input)?;
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut range = tx.sales().range(id).await?.ok_or(CoreError::NotFound { entity: "numbering range" })?;
                let fixed_changed = range.pdv_id.as_uuid() != input.pdv_id
                    || range.kind != kind
                    || range.prefix != input.prefix
                    || range.range_from != input.range_from
                    || range.resolution_number != input.resolution_number.trim();
                if range.is_used() && fixed_changed {
                    return Err(CoreError::conflict(
                        "range_in_use",
                        "numbers were taken from this range: only range_to, the validity and is_active may change",
                    ));
                }
                if input.range_to < range.next_number - 1 {
                    return Err(CoreError::invalid("range_to", "below_last_number", "below the last number taken"));
                }
                if range.pdv_id.as_uuid() != input.pdv_id {
                    range.pdv_id = crate::inventory::active_pdv(tx, input.pdv_id, "pdv_id").await?.id;
                }
                range.kind = kind;
                range.resolution_number = input.resolution_number.trim().to_string();
                range.prefix = input.prefix;
                if !range.is_used() {
                    range.next_number = input.range_from;
                }
                range.range_from = input.range_from;
                range.range_to = input.range_to;
                range.valid_from = input.valid_from;
                range.valid_to = input.valid_to;
                range.is_active = input.is_active;
                range.updated_at = now;
                tx.sales().update_range(&range).await?;
                Ok(range)
            })
        })
        .await
    }

    /// The ranges of a PDV or of every PDV (every role).
    pub async fn ranges(&self, actor: &Actor, pdv: Option<PdvId>) -> CoreResult<Vec<NumberingRange>> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.sales().ranges(pdv).await })).await
    }

    /// One range (every role).
    pub async fn range(&self, actor: &Actor, id: NumberingRangeId) -> CoreResult<NumberingRange> {
        actor.require(Permission::SalesRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.sales().range(id).await }))
            .await?
            .ok_or(CoreError::NotFound { entity: "numbering range" })
    }

    /// Deletes a range no number was taken from (owner, admin); a used one is 409 (deactivate it).
    pub async fn delete_range(&self, actor: &Actor, id: NumberingRangeId) -> CoreResult<()> {
        actor.require(Permission::SalesManage)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let range = tx.sales().range(id).await?.ok_or(CoreError::NotFound { entity: "numbering range" })?;
                if range.is_used() {
                    return Err(CoreError::conflict(
                        "range_in_use",
                        "numbers were taken from this range: deactivate it",
                    ));
                }
                tx.sales().delete_range(id).await
            })
        })
        .await
    }

    /// The number the PDV's next invoice would get (owner, admin, seller). A read: nothing is reserved,
    /// and a concurrent confirm may take it.
    pub async fn next_number(&self, actor: &Actor, pdv: PdvId) -> CoreResult<NextNumber> {
        actor.require(Permission::SalesWrite)?;
        let today = self.today();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.pdvs().by_id(pdv).await?.ok_or(CoreError::NotFound { entity: "pdv" })?;
                let ranges = tx.sales().ranges(Some(pdv)).await?;
                let active = ranges.into_iter().find(|r| r.kind == DocumentKind::Invoice && r.is_active);
                let range = match active {
                    Some(r) if r.next_number <= r.range_to && r.valid_from <= today && today <= r.valid_to => r,
                    other => return Err(unusable(other.as_ref(), DocumentKind::Invoice, today)),
                };
                Ok(NextNumber {
                    next_number: range.format(range.next_number),
                    prefix: range.prefix.clone(),
                    current_sequence: range.next_number,
                    range,
                })
            })
        })
        .await
    }
}
