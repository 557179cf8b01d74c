//! Files attached to a contact, through presigned uploads; the server issues every key.

use super::model::Attachment;
use super::service::{not_found, ContactsService};
use crate::files::{self, Rule, UploadTicket};
use crate::kernel::{Actor, AttachmentId, ContactId, CoreError, CoreResult, Permission};
use crate::ports::{in_tenant, PresignedUrl};

/// Documents accepted as attachments: PDF, images, office documents.
const DOCUMENTS: Rule = Rule {
    types: &[
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    max_bytes: 10 * 1024 * 1024,
};
/// Most attachments per contact.
pub const MAX_ATTACHMENTS: usize = 20;

/// An attachment with a short-lived download URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentView {
    pub attachment: Attachment,
    pub download: PresignedUrl,
}

impl ContactsService {
    fn owner(actor: &Actor) -> String {
        actor.tenant.to_string()
    }

    /// A URL to upload a file for a contact (owner, admin, seller).
    pub async fn attachment_upload(
        &self,
        actor: &Actor,
        id: ContactId,
        filename: &str,
        content_type: &str,
    ) -> CoreResult<UploadTicket> {
        actor.require(Permission::ContactsWrite)?;
        if self.attachment_count(actor, id).await? >= MAX_ATTACHMENTS {
            return Err(CoreError::conflict("too_many_attachments", "a contact has at most 20 attachments"));
        }
        files::upload(&self.ctx, &Self::owner(actor), "contacts", filename, content_type, &DOCUMENTS).await
    }

    /// Records an uploaded file as an attachment of the contact, after checking it.
    pub async fn confirm_attachment(
        &self,
        actor: &Actor,
        id: ContactId,
        key: &str,
        file_name: &str,
        description: Option<String>,
    ) -> CoreResult<AttachmentView> {
        actor.require(Permission::ContactsWrite)?;
        let file_name = crate::kernel::validate::text("file_name", file_name, 1, 200)
            .map_err(|e| CoreError::Validation(vec![e]))?;
        let description = crate::kernel::validate::optional_text("description", description.as_deref(), 500)
            .map_err(|e| CoreError::Validation(vec![e]))?;
        self.attachment_count(actor, id).await?;
        let (object_key, info) = files::check(&self.ctx, key, &Self::owner(actor), "contacts", &DOCUMENTS).await?;
        let attachment = Attachment {
            id: AttachmentId::new(),
            contact_id: id,
            object_key,
            file_name,
            file_size: info.size,
            content_type: info.content_type.unwrap_or_default(),
            description,
            uploaded_by: actor.user,
            created_at: self.ctx.now(),
        };
        let saved = attachment.clone();
        let stored = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.contacts().by_id(id).await?.filter(|c| c.deleted_at.is_none()).ok_or_else(not_found)?;
                let existing = tx.contacts().attachments(id).await?;
                if existing.len() >= MAX_ATTACHMENTS {
                    return Err(CoreError::conflict("too_many_attachments", "a contact has at most 20 attachments"));
                }
                if existing.iter().any(|a| a.object_key == saved.object_key) {
                    return Err(CoreError::conflict("already_attached", "this upload is already attached"));
                }
                tx.contacts().insert_attachment(&saved).await
            })
        })
        .await;
        if let Err(e) = stored {
            // The copy made by the check belongs to nobody now.
            files::discard(&self.ctx, Some(attachment.object_key.clone())).await;
            return Err(e);
        }
        Ok(self.views(vec![attachment]).await?.remove(0))
    }

    /// A contact's attachments with download URLs.
    pub async fn attachments(&self, actor: &Actor, id: ContactId) -> CoreResult<Vec<AttachmentView>> {
        Ok(self.get(actor, id).await?.attachments)
    }

    /// Deletes an attachment and its object (owner, admin).
    pub async fn delete_attachment(&self, actor: &Actor, id: AttachmentId) -> CoreResult<()> {
        actor.require(Permission::ContactsManage)?;
        let removed = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let a = tx.contacts().attachment(id).await?.ok_or(CoreError::NotFound { entity: "attachment" })?;
                tx.contacts().delete_attachment(id).await?;
                Ok(a.object_key)
            })
        })
        .await?;
        files::discard(&self.ctx, Some(removed)).await;
        Ok(())
    }

    /// How many attachments a live contact has (404 when it is missing or deleted).
    async fn attachment_count(&self, actor: &Actor, id: ContactId) -> CoreResult<usize> {
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.contacts().by_id(id).await?.filter(|c| c.deleted_at.is_none()).ok_or_else(not_found)?;
                Ok(tx.contacts().attachments(id).await?.len())
            })
        })
        .await
    }

    pub(super) async fn views(&self, attachments: Vec<Attachment>) -> CoreResult<Vec<AttachmentView>> {
        let mut out = Vec::with_capacity(attachments.len());
        for attachment in attachments {
            let download = self.ctx.ports.objects.presign_get(&attachment.object_key, files::DOWNLOAD_TTL).await?;
            out.push(AttachmentView { attachment, download });
        }
        Ok(out)
    }
}
