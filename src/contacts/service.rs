//! Contacts use cases.

use super::attachments::AttachmentView;
use super::input::{validate, ContactInput, Draft, Field, Valid};
use super::model::{Contact, ContactStats, ContactType, IdType, PersonType};
use super::repo::ContactQuery;
use crate::app::Ctx;
use crate::kernel::{Actor, ContactId, CoreError, CoreResult, Permission, UserId};
use crate::ports::{in_global, in_tenant, TenantTx};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Contacts use cases.
#[derive(Clone)]
pub struct ContactsService {
    pub(super) ctx: Arc<Ctx>,
}

/// A contact with its attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactDetail {
    pub contact: Contact,
    pub attachments: Vec<AttachmentView>,
}

/// The outcome of a bulk change for one id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkResult {
    pub id: ContactId,
    /// `activated`, `already_active`, `deactivated` or `already_inactive`.
    pub status: &'static str,
}

/// Largest bulk request.
pub const MAX_BULK: usize = 500;
/// Most rows a lookup returns.
const LOOKUP_LIMIT: u32 = 50;

pub(super) fn not_found() -> CoreError {
    CoreError::NotFound { entity: "contact" }
}

fn build(v: Valid, id: ContactId, base: Option<&Contact>, actor: &Actor, now: DateTime<Utc>) -> Contact {
    let [phone_primary, phone_secondary, mobile] = v.phones;
    Contact {
        id,
        name: v.name,
        types: v.types,
        email: v.email,
        phone_primary,
        phone_secondary,
        mobile,
        id_type: v.id_type,
        id_number: v.id_number,
        dv: v.dv,
        person_type: v.person_type,
        fiscal_responsibilities: v.fiscal_responsibilities,
        payment_terms_days: v.payment_terms_days,
        credit_limit: v.credit_limit,
        seller_id: v.seller_id.map(UserId::from_uuid),
        billing_address: v.billing_address,
        shipping_address: v.shipping_address,
        notes: v.notes,
        is_active: v.is_active,
        is_final_consumer: base.is_some_and(|b| b.is_final_consumer),
        deleted_at: base.and_then(|b| b.deleted_at),
        created_by: base.map_or(Some(actor.user), |b| b.created_by),
        updated_by: Some(actor.user),
        created_at: base.map_or(now, |b| b.created_at),
        updated_at: now,
    }
}

/// 409 when another non-deleted contact has `contact`'s identification number.
async fn unique_number(tx: &mut dyn TenantTx, contact: &Contact) -> CoreResult<()> {
    let Some(number) = &contact.id_number else { return Ok(()) };
    match tx.contacts().by_id_number(number).await? {
        Some(other) if other.id != contact.id => Err(CoreError::conflict_on(
            "contact_exists",
            "id_number",
            format!("contact {} ({}) already has this identification", other.id, other.name),
        )),
        _ => Ok(()),
    }
}

/// The company's "Consumidor final" (D9), created with the company.
pub fn final_consumer(actor_user: UserId, now: DateTime<Utc>) -> Contact {
    Contact {
        id: ContactId::new(),
        name: "Consumidor final".into(),
        types: vec![ContactType::Client],
        email: None,
        phone_primary: None,
        phone_secondary: None,
        mobile: None,
        id_type: Some(IdType::Cc),
        id_number: Some("222222222222".into()),
        dv: None,
        person_type: PersonType::Natural,
        fiscal_responsibilities: vec!["R-99-PN".into()],
        payment_terms_days: 0,
        credit_limit: None,
        seller_id: None,
        billing_address: None,
        shipping_address: None,
        notes: None,
        is_active: true,
        is_final_consumer: true,
        deleted_at: None,
        created_by: Some(actor_user),
        updated_by: Some(actor_user),
        created_at: now,
        updated_at: now,
    }
}

impl ContactsService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }

    /// 422 unless `seller` is an active member of the actor's company.
    async fn check_seller(&self, actor: &Actor, seller: Option<UserId>) -> CoreResult<()> {
        let Some(seller) = seller else { return Ok(()) };
        let tenant = actor.tenant;
        let member =
            in_global(self.ctx.store(), move |tx| Box::pin(async move { tx.memberships().find(seller, tenant).await }))
                .await?;
        if member.is_some_and(|m| m.is_active) {
            Ok(())
        } else {
            Err(CoreError::invalid("seller_id", "unknown_seller", "the seller must be a member of this company"))
        }
    }

    /// Creates a contact (owner, admin, seller).
    pub async fn create(&self, actor: &Actor, input: ContactInput) -> CoreResult<ContactDetail> {
        actor.require(Permission::ContactsWrite)?;
        let valid = validate(Draft::default().apply(input))?;
        self.check_seller(actor, valid.seller_id.map(UserId::from_uuid)).await?;
        let contact = build(valid, ContactId::new(), None, actor, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                unique_number(tx, &contact).await?;
                tx.contacts().insert(&contact).await?;
                Ok(ContactDetail { contact, attachments: Vec::new() })
            })
        })
        .await
    }

    /// A non-deleted contact with its attachments.
    pub async fn get(&self, actor: &Actor, id: ContactId) -> CoreResult<ContactDetail> {
        actor.require(Permission::ContactsRead)?;
        let (contact, attachments) = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let contact =
                    tx.contacts().by_id(id).await?.filter(|c| c.deleted_at.is_none()).ok_or_else(not_found)?;
                Ok((contact, tx.contacts().attachments(id).await?))
            })
        })
        .await?;
        let attachments = self.views(attachments).await?;
        Ok(ContactDetail { contact, attachments })
    }

    /// Changes a contact: the given fields (null clears), then the whole contact is re-validated.
    /// The read, the checks and the write happen in one transaction on the locked row, so a
    /// concurrent delete or change is never overwritten. Changing `is_active` needs owner or admin.
    pub async fn update(&self, actor: &Actor, id: ContactId, input: ContactInput) -> CoreResult<ContactDetail> {
        actor.require(Permission::ContactsWrite)?;
        if matches!(input.is_active, Field::Value(_) | Field::Null) {
            actor.require(Permission::ContactsManage)?;
        }
        if let Field::Value(seller) = &input.seller_id {
            self.check_seller(actor, Some(UserId::from_uuid(*seller))).await?;
        }
        let (who, now) = (*actor, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let current = tx.contacts().lock(id).await?.filter(|c| c.deleted_at.is_none()).ok_or_else(not_found)?;
                let valid = validate(Draft::of(&current).apply(input))?;
                let contact = build(valid, id, Some(&current), &who, now);
                let identity_changed = contact.id_number != current.id_number || contact.name != current.name;
                if current.is_final_consumer && (identity_changed || !contact.is_active) {
                    return Err(CoreError::conflict(
                        "final_consumer_protected",
                        "the final consumer keeps its name, number and state",
                    ));
                }
                unique_number(tx, &contact).await?;
                tx.contacts().update(&contact).await
            })
        })
        .await?;
        self.get(actor, id).await
    }

    /// Soft-deletes a contact (owner, admin); its documents keep pointing at it.
    pub async fn delete(&self, actor: &Actor, id: ContactId) -> CoreResult<()> {
        actor.require(Permission::ContactsManage)?;
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut c = tx.contacts().lock(id).await?.filter(|c| c.deleted_at.is_none()).ok_or_else(not_found)?;
                if c.is_final_consumer {
                    return Err(CoreError::conflict(
                        "final_consumer_protected",
                        "the final consumer cannot be deleted",
                    ));
                }
                c.deleted_at = Some(now);
                c.is_active = false;
                c.updated_by = Some(user);
                c.updated_at = now;
                tx.contacts().update(&c).await
            })
        })
        .await
    }

    /// Restores a deleted contact (owner, admin); 409 when its number was taken meanwhile.
    pub async fn restore(&self, actor: &Actor, id: ContactId, reason: Option<String>) -> CoreResult<ContactDetail> {
        actor.require(Permission::ContactsManage)?;
        let reason = crate::kernel::validate::optional_text("reason", reason.as_deref(), 500)
            .map_err(|e| CoreError::Validation(vec![e]))?;
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut c = tx.contacts().lock(id).await?.ok_or_else(not_found)?;
                if c.deleted_at.is_none() {
                    return Err(CoreError::bad_request("not_deleted", "the contact is not deleted"));
                }
                c.deleted_at = None;
                unique_number(tx, &c).await?;
                c.is_active = true;
                c.updated_by = Some(user);
                c.updated_at = now;
                if let Some(reason) = reason {
                    let line = format!("[RESTAURADO {}]: {reason}", now.format("%Y-%m-%d %H:%M"));
                    c.notes = Some(match c.notes.take() {
                        Some(n) => format!("{n}\n{line}"),
                        None => line,
                    });
                }
                tx.contacts().update(&c).await
            })
        })
        .await?;
        self.get(actor, id).await
    }

    /// A page of contacts and the cursor of the next page. Deleted ones need owner or admin.
    pub async fn list(
        &self,
        actor: &Actor,
        mut query: ContactQuery,
    ) -> CoreResult<(Vec<Contact>, Option<(String, ContactId)>)> {
        actor.require(if query.deleted { Permission::ContactsManage } else { Permission::ContactsRead })?;
        if let Some(search) = &query.search {
            crate::kernel::validate::text("search", search, 0, 100).map_err(|e| CoreError::Validation(vec![e]))?;
        }
        let limit = query.limit;
        query.limit = limit + 1;
        let mut rows =
            in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { tx.contacts().list(&query).await }))
                .await?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|c| (c.name.to_lowercase(), c.id))
        } else {
            None
        };
        Ok((rows, next))
    }

    /// The summary counts (owner, admin, accountant, viewer).
    pub async fn stats(&self, actor: &Actor) -> CoreResult<ContactStats> {
        actor.require(Permission::ContactsStats)?;
        in_tenant(self.ctx.store(), actor, |tx| Box::pin(async move { tx.contacts().stats().await })).await
    }

    /// Active contacts usable as `kind` (clients for invoices, providers for bills), by name, at most 50.
    pub async fn lookup(&self, actor: &Actor, kind: ContactType, search: Option<String>) -> CoreResult<Vec<Contact>> {
        let query =
            ContactQuery { search, kind: Some(kind), is_active: Some(true), limit: LOOKUP_LIMIT, ..Default::default() };
        Ok(self.list(actor, query).await?.0)
    }

    /// Activates or deactivates up to 500 contacts at once, all or nothing: every id must be a
    /// non-deleted contact of the company, else 404 naming the missing ones and nothing changes.
    pub async fn bulk_set_active(
        &self,
        actor: &Actor,
        ids: Vec<ContactId>,
        active: bool,
    ) -> CoreResult<Vec<BulkResult>> {
        actor.require(Permission::ContactsManage)?;
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(CoreError::invalid("contact_ids", "out_of_range", "between 1 and 500 ids"));
        }
        let (user, now) = (actor.user, self.ctx.now());
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut unique = ids.clone();
                unique.sort();
                unique.dedup();
                let found = tx.contacts().by_ids(&unique).await?;
                let live: Vec<&Contact> = found.iter().filter(|c| c.deleted_at.is_none()).collect();
                let missing: Vec<String> =
                    unique.iter().filter(|id| !live.iter().any(|c| c.id == **id)).map(|id| id.to_string()).collect();
                if !missing.is_empty() {
                    return Err(CoreError::Missing { entity: "contact", field: "contact_ids", ids: missing });
                }
                let results = unique
                    .iter()
                    .map(|id| {
                        let was = live.iter().any(|c| c.id == *id && c.is_active);
                        let status = match (active, was) {
                            (true, true) => "already_active",
                            (true, false) => "activated",
                            (false, false) => "already_inactive",
                            (false, true) => "deactivated",
                        };
                        BulkResult { id: *id, status }
                    })
                    .collect();
                tx.contacts().set_active(&unique, active, user, now).await?;
                Ok(results)
            })
        })
        .await
    }
}
