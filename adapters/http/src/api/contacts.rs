//! Contacts: clients and providers (`/contacts/...`).

use super::contacts_dto::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::dto::MessageOut;
use crate::problem::{ApiError, ApiResult};
use ally360::contacts::model::ContactType;
use ally360::contacts::repo::ContactQuery;
use ally360::kernel::{decode_key, encode_key, ContactId, PageRequest};
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct ContactsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Contact(Json<ContactDetailOut>),
}

#[derive(ApiResponse)]
enum AttachmentCreated {
    /// Attached.
    #[oai(status = 201)]
    Attachment(Json<AttachmentOut>),
}

fn kind(raw: Option<&str>) -> Result<Option<ContactType>, ApiError> {
    raw.map(|t| ContactType::parse(t).ok_or_else(|| ApiError::invalid("type", "invalid_type", "client or provider")))
        .transpose()
}

#[OpenApi(tag = "ApiTags::Contacts")]
impl ContactsApi {
    /// Creates a contact (owner, admin, seller). NITs get their check digit computed.
    #[oai(path = "/contacts", method = "post", operation_id = "create_contact")]
    async fn create(&self, auth: BearerAuth, req: &Request, body: Json<ContactIn>) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Created::Contact(Json(self.app.contacts.create(&actor, body.0.into()).await?.into())))
    }

    /// Contacts by name, with search (name, number written any way, email, phone) and filters;
    /// keyset pages (`next_cursor`). `deleted=true` lists deleted ones (owner, admin).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/contacts", method = "get", operation_id = "list_contacts")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        #[oai(name = "type")] kind_filter: Query<Option<String>>,
        is_active: Query<Option<bool>>,
        seller_id: Query<Option<Uuid>>,
        deleted: Query<Option<bool>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ContactPage>> {
        let page = PageRequest::new(limit.0, None)?;
        let query = ContactQuery {
            search: search.0,
            kind: kind(kind_filter.0.as_deref())?,
            is_active: is_active.0,
            seller: seller_id.0.map(Into::into),
            deleted: deleted.0.unwrap_or(false),
            after: cursor.0.as_deref().map(|c| decode_key("cursor", c)).transpose()?.map(|(k, id)| (k, id.into())),
            limit: page.limit,
        };
        let actor = actor(&self.app, &auth, req).await?;
        let (rows, next) = self.app.contacts.list(&actor, query).await?;
        Ok(Json(ContactPage {
            items: rows.iter().map(ContactOut::from).collect(),
            limit: page.limit,
            next_cursor: next.map(|(name, id)| encode_key(&name, id.as_uuid())),
        }))
    }

    /// The contacts summary (owner, admin, accountant, viewer).
    #[oai(path = "/contacts/stats/summary", method = "get", operation_id = "contact_stats")]
    async fn stats(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<ContactStatsOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let s = self.app.contacts.stats(&actor).await?;
        Ok(Json(ContactStatsOut {
            total_contacts: s.total_contacts,
            active_contacts: s.active_contacts,
            clients: s.clients,
            providers: s.providers,
            mixed: s.mixed,
            deleted_contacts: s.deleted_contacts,
        }))
    }

    /// Active clients for invoices (at most 50, by name).
    #[oai(path = "/contacts/clients/for-invoices", method = "get", operation_id = "clients_for_invoices")]
    async fn clients(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
    ) -> ApiResult<Json<Vec<ContactOut>>> {
        self.lookup(auth, req, ContactType::Client, search.0).await
    }

    /// Active providers for bills (at most 50, by name).
    #[oai(path = "/contacts/providers/for-bills", method = "get", operation_id = "providers_for_bills")]
    async fn providers(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
    ) -> ApiResult<Json<Vec<ContactOut>>> {
        self.lookup(auth, req, ContactType::Provider, search.0).await
    }

    /// One contact with its attachments.
    #[oai(path = "/contacts/:contact_id", method = "get", operation_id = "get_contact")]
    async fn get(&self, auth: BearerAuth, req: &Request, contact_id: Path<Uuid>) -> ApiResult<Json<ContactDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(self.app.contacts.get(&actor, contact_id.0.into()).await?.into()))
    }

    /// Changes a contact: the given fields; `null` clears one (owner, admin, seller).
    #[oai(path = "/contacts/:contact_id", method = "put", operation_id = "update_contact")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        contact_id: Path<Uuid>,
        body: Json<ContactIn>,
    ) -> ApiResult<Json<ContactDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(self.app.contacts.update(&actor, contact_id.0.into(), body.0.into()).await?.into()))
    }

    /// Deletes a contact softly; its documents keep it (owner, admin).
    #[oai(path = "/contacts/:contact_id", method = "delete", operation_id = "delete_contact")]
    async fn delete(&self, auth: BearerAuth, req: &Request, contact_id: Path<Uuid>) -> ApiResult<Json<MessageOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.contacts.delete(&actor, contact_id.0.into()).await?;
        Ok(Json(MessageOut::new("Contact deleted")))
    }

    /// Restores a deleted contact (owner, admin); 409 when its number was taken meanwhile.
    #[oai(path = "/contacts/:contact_id/restore", method = "post", operation_id = "restore_contact")]
    async fn restore(
        &self,
        auth: BearerAuth,
        req: &Request,
        contact_id: Path<Uuid>,
        body: Json<Option<RestoreIn>>,
    ) -> ApiResult<Json<ContactDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let reason = body.0.and_then(|b| b.reason);
        Ok(Json(self.app.contacts.restore(&actor, contact_id.0.into(), reason).await?.into()))
    }

    /// Activates contacts, all or nothing (owner, admin; at most 500 ids).
    #[oai(path = "/contacts/bulk/activate", method = "post", operation_id = "bulk_activate_contacts")]
    async fn activate(&self, auth: BearerAuth, req: &Request, body: Json<BulkIn>) -> ApiResult<Json<BulkOut>> {
        self.bulk(auth, req, body.0, true).await
    }

    /// Deactivates contacts, all or nothing (owner, admin; at most 500 ids).
    #[oai(path = "/contacts/bulk/deactivate", method = "post", operation_id = "bulk_deactivate_contacts")]
    async fn deactivate(&self, auth: BearerAuth, req: &Request, body: Json<BulkIn>) -> ApiResult<Json<BulkOut>> {
        self.bulk(auth, req, body.0, false).await
    }

    /// A URL to upload a file for the contact (PDF, images, office documents; at most 10 MB).
    #[oai(
        path = "/contacts/:contact_id/attachments/upload-url",
        method = "post",
        operation_id = "contact_attachment_upload_url"
    )]
    async fn upload(
        &self,
        auth: BearerAuth,
        req: &Request,
        contact_id: Path<Uuid>,
        body: Json<AttachmentUploadIn>,
    ) -> ApiResult<Json<AttachmentUploadOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ticket = self
            .app
            .contacts
            .attachment_upload(&actor, contact_id.0.into(), &body.0.file_name, &body.0.content_type)
            .await?;
        Ok(Json(ticket.into()))
    }

    /// Attaches an uploaded file (checked: type and size; at most 20 per contact).
    #[oai(path = "/contacts/:contact_id/attachments", method = "post", operation_id = "attach_to_contact")]
    async fn attach(
        &self,
        auth: BearerAuth,
        req: &Request,
        contact_id: Path<Uuid>,
        body: Json<AttachmentConfirmIn>,
    ) -> ApiResult<AttachmentCreated> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = body.0;
        let view = self
            .app
            .contacts
            .confirm_attachment(&actor, contact_id.0.into(), &b.key, &b.file_name, b.description)
            .await?;
        Ok(AttachmentCreated::Attachment(Json((&view).into())))
    }

    /// The contact's attachments with short-lived download URLs.
    #[oai(path = "/contacts/:contact_id/attachments", method = "get", operation_id = "list_contact_attachments")]
    async fn attachments(
        &self,
        auth: BearerAuth,
        req: &Request,
        contact_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<AttachmentOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let views = self.app.contacts.attachments(&actor, contact_id.0.into()).await?;
        Ok(Json(views.iter().map(AttachmentOut::from).collect()))
    }

    /// Deletes an attachment and its file (owner, admin).
    #[oai(path = "/contacts/attachments/:attachment_id", method = "delete", operation_id = "delete_contact_attachment")]
    async fn delete_attachment(
        &self,
        auth: BearerAuth,
        req: &Request,
        attachment_id: Path<Uuid>,
    ) -> ApiResult<Json<MessageOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.contacts.delete_attachment(&actor, attachment_id.0.into()).await?;
        Ok(Json(MessageOut::new("Attachment deleted")))
    }
}

impl ContactsApi {
    async fn lookup(
        &self,
        auth: BearerAuth,
        req: &Request,
        kind: ContactType,
        search: Option<String>,
    ) -> ApiResult<Json<Vec<ContactOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let rows = self.app.contacts.lookup(&actor, kind, search).await?;
        Ok(Json(rows.iter().map(ContactOut::from).collect()))
    }

    async fn bulk(&self, auth: BearerAuth, req: &Request, body: BulkIn, active: bool) -> ApiResult<Json<BulkOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ids = body.contact_ids.into_iter().map(ContactId::from_uuid).collect();
        let results = self.app.contacts.bulk_set_active(&actor, ids, active).await?;
        Ok(Json(BulkOut {
            results: results.into_iter().map(|r| BulkItemOut { id: r.id.as_uuid(), status: r.status.into() }).collect(),
        }))
    }
}
