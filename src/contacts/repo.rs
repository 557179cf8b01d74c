//! Repository of contacts and their attachments (tenant data, reached through `TenantTx`).

use super::model::{Attachment, Contact, ContactStats, ContactType};
use crate::kernel::{AttachmentId, ContactId, CoreResult, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What a contacts list asks for. Rows come sorted by lower-case name, then id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactQuery {
    /// Case-insensitive substring of name, email, identification number or phones.
    pub search: Option<String>,
    pub kind: Option<ContactType>,
    pub is_active: Option<bool>,
    pub seller: Option<UserId>,
    /// Deleted contacts only (instead of non-deleted only).
    pub deleted: bool,
    /// Keyset position: rows after this (lower-case name, id).
    pub after: Option<(String, ContactId)>,
    pub limit: u32,
}

/// The tenant's contacts.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ContactRepo: Send {
    /// Adds a contact. Another non-deleted contact with the same identification number is
    /// `Conflict { code: "contact_exists" }`.
    async fn insert(&mut self, contact: &Contact) -> CoreResult<()>;
    /// Replaces the stored contact (same id); same conflict as `insert`.
    async fn update(&mut self, contact: &Contact) -> CoreResult<()>;
    /// The contact with this id, deleted or not.
    async fn by_id(&mut self, id: ContactId) -> CoreResult<Option<Contact>>;
    /// The contact with this id, locked until the end of the transaction (read-modify-write).
    async fn lock(&mut self, id: ContactId) -> CoreResult<Option<Contact>>;
    /// The contacts with these ids, deleted or not, in any order.
    async fn by_ids(&mut self, ids: &[ContactId]) -> CoreResult<Vec<Contact>>;
    /// The non-deleted contact with this canonical identification number.
    async fn by_id_number(&mut self, number: &str) -> CoreResult<Option<Contact>>;
    /// Up to `query.limit` contacts matching the query, in list order.
    async fn list(&mut self, query: &ContactQuery) -> CoreResult<Vec<Contact>>;
    /// The summary counts.
    async fn stats(&mut self) -> CoreResult<ContactStats>;
    /// Sets `is_active` on these contacts (deleted ones are left alone).
    async fn set_active(&mut self, ids: &[ContactId], active: bool, by: UserId, at: DateTime<Utc>) -> CoreResult<()>;
    /// Adds an attachment.
    async fn insert_attachment(&mut self, attachment: &Attachment) -> CoreResult<()>;
    /// A contact's attachments, oldest first.
    async fn attachments(&mut self, contact: ContactId) -> CoreResult<Vec<Attachment>>;
    /// One attachment.
    async fn attachment(&mut self, id: AttachmentId) -> CoreResult<Option<Attachment>>;
    /// Removes an attachment.
    async fn delete_attachment(&mut self, id: AttachmentId) -> CoreResult<()>;
}
