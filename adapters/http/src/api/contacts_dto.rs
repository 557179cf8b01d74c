//! Shapes of the contacts API.

use crate::dto::UploadOut;
use ally360::contacts::model::{Address, Contact};
use ally360::contacts::{AddressInput, AttachmentView, ContactInput, Field};
use chrono::{DateTime, Utc};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

pub fn field<T>(v: MaybeUndefined<T>) -> Field<T> {
    match v {
        MaybeUndefined::Undefined => Field::Absent,
        MaybeUndefined::Null => Field::Null,
        MaybeUndefined::Value(v) => Field::Value(v),
    }
}

fn address(v: MaybeUndefined<AddressDto>) -> Field<AddressInput> {
    match field(v) {
        Field::Absent => Field::Absent,
        Field::Null => Field::Null,
        Field::Value(a) => Field::Value(a.into()),
    }
}

/// An address (new keys `address`, `state`; legacy keys `line1`, `line2`, `depto`).
#[derive(Object, Clone, Default)]
pub struct AddressDto {
    pub address: Option<String>,
    pub state: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub depto: Option<String>,
    pub city: Option<String>,
    /// ISO country code, `CO` by default.
    pub country: Option<String>,
    pub postal_code: Option<String>,
}

impl From<AddressDto> for AddressInput {
    fn from(a: AddressDto) -> Self {
        Self {
            address: a.address,
            state: a.state,
            line1: a.line1,
            line2: a.line2,
            depto: a.depto,
            city: a.city,
            country: a.country,
            postal_code: a.postal_code,
        }
    }
}

impl From<&Address> for AddressDto {
    fn from(a: &Address) -> Self {
        Self {
            address: a.address.clone(),
            state: a.state.clone(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            depto: a.depto.clone(),
            city: a.city.clone(),
            country: Some(a.country.clone()),
            postal_code: a.postal_code.clone(),
        }
    }
}

/// A contact to create, or the fields to change (an explicit `null` clears a field).
#[derive(Object)]
pub struct ContactIn {
    pub name: MaybeUndefined<String>,
    /// `client`, `provider` or both (default `["client"]`).
    #[oai(rename = "type")]
    pub types: MaybeUndefined<Vec<String>>,
    pub email: MaybeUndefined<String>,
    pub phone_primary: MaybeUndefined<String>,
    pub phone_secondary: MaybeUndefined<String>,
    pub mobile: MaybeUndefined<String>,
    /// CC, NIT, CE or PASSPORT.
    pub id_type: MaybeUndefined<String>,
    /// Written any common way (`900.123.456-8`); stored canonically.
    pub id_number: MaybeUndefined<String>,
    /// NIT check digit; optional, computed by the server, must match when given.
    pub dv: MaybeUndefined<String>,
    /// natural or juridica.
    pub person_type: MaybeUndefined<String>,
    pub fiscal_responsibilities: MaybeUndefined<Vec<String>>,
    pub payment_terms_days: MaybeUndefined<i64>,
    pub credit_limit: MaybeUndefined<Decimal>,
    /// A member of the company.
    pub seller_id: MaybeUndefined<Uuid>,
    pub billing_address: MaybeUndefined<AddressDto>,
    pub shipping_address: MaybeUndefined<AddressDto>,
    pub notes: MaybeUndefined<String>,
    pub is_active: MaybeUndefined<bool>,
}

impl From<ContactIn> for ContactInput {
    fn from(c: ContactIn) -> Self {
        Self {
            name: field(c.name),
            types: field(c.types),
            email: field(c.email),
            phone_primary: field(c.phone_primary),
            phone_secondary: field(c.phone_secondary),
            mobile: field(c.mobile),
            id_type: field(c.id_type),
            id_number: field(c.id_number),
            dv: field(c.dv),
            person_type: field(c.person_type),
            fiscal_responsibilities: field(c.fiscal_responsibilities),
            payment_terms_days: field(c.payment_terms_days),
            credit_limit: field(c.credit_limit),
            seller_id: field(c.seller_id),
            billing_address: address(c.billing_address),
            shipping_address: address(c.shipping_address),
            notes: field(c.notes),
            is_active: field(c.is_active),
        }
    }
}

/// A contact.
#[derive(Object)]
pub struct ContactOut {
    pub id: Uuid,
    pub name: String,
    #[oai(rename = "type")]
    pub types: Vec<String>,
    pub email: Option<String>,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    pub mobile: Option<String>,
    pub id_type: Option<String>,
    /// Canonical: digits only for CC and NIT.
    pub id_number: Option<String>,
    /// NIT check digit (computed).
    pub dv: Option<String>,
    pub person_type: String,
    pub fiscal_responsibilities: Vec<String>,
    pub payment_terms_days: i32,
    pub credit_limit: Option<Decimal>,
    pub seller_id: Option<Uuid>,
    pub billing_address: Option<AddressDto>,
    pub shipping_address: Option<AddressDto>,
    pub notes: Option<String>,
    pub is_active: bool,
    pub is_final_consumer: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Contact> for ContactOut {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.as_uuid(),
            name: c.name.clone(),
            types: c.types.iter().map(|t| t.as_str().to_string()).collect(),
            email: c.email.clone(),
            phone_primary: c.phone_primary.clone(),
            phone_secondary: c.phone_secondary.clone(),
            mobile: c.mobile.clone(),
            id_type: c.id_type.map(|t| t.as_str().to_string()),
            id_number: c.id_number.clone(),
            dv: c.dv.map(|d| d.to_string()),
            person_type: c.person_type.as_str().into(),
            fiscal_responsibilities: c.fiscal_responsibilities.clone(),
            payment_terms_days: c.payment_terms_days,
            credit_limit: c.credit_limit.map(|m| m.amount()),
            seller_id: c.seller_id.map(|s| s.as_uuid()),
            billing_address: c.billing_address.as_ref().map(AddressDto::from),
            shipping_address: c.shipping_address.as_ref().map(AddressDto::from),
            notes: c.notes.clone(),
            is_active: c.is_active,
            is_final_consumer: c.is_final_consumer,
            deleted_at: c.deleted_at,
            created_by: c.created_by.map(|u| u.as_uuid()),
            updated_by: c.updated_by.map(|u| u.as_uuid()),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A file attached to a contact.
#[derive(Object)]
pub struct AttachmentOut {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub file_name: String,
    pub description: Option<String>,
    /// Short-lived download URL.
    pub file_url: String,
    pub file_size: u64,
    pub content_type: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<&AttachmentView> for AttachmentOut {
    fn from(v: &AttachmentView) -> Self {
        let a = &v.attachment;
        Self {
            id: a.id.as_uuid(),
            contact_id: a.contact_id.as_uuid(),
            file_name: a.file_name.clone(),
            description: a.description.clone(),
            file_url: v.download.url.clone(),
            file_size: a.file_size,
            content_type: a.content_type.clone(),
            uploaded_by: a.uploaded_by.as_uuid(),
            created_at: a.created_at,
        }
    }
}

/// A contact with its attachments.
#[derive(Object)]
pub struct ContactDetailOut {
    #[oai(flatten)]
    pub contact: ContactOut,
    pub attachments: Vec<AttachmentOut>,
}

impl From<ally360::contacts::ContactDetail> for ContactDetailOut {
    fn from(d: ally360::contacts::ContactDetail) -> Self {
        Self { contact: (&d.contact).into(), attachments: d.attachments.iter().map(AttachmentOut::from).collect() }
    }
}

/// A page of contacts.
#[derive(Object)]
pub struct ContactPage {
    pub items: Vec<ContactOut>,
    pub limit: u32,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The contacts summary.
#[derive(Object)]
pub struct ContactStatsOut {
    pub total_contacts: u64,
    pub active_contacts: u64,
    pub clients: u64,
    pub providers: u64,
    pub mixed: u64,
    pub deleted_contacts: u64,
}

/// A reason to restore.
#[derive(Object, Default)]
pub struct RestoreIn {
    pub reason: Option<String>,
}

/// Ids for a bulk change (at most 500).
#[derive(Object)]
pub struct BulkIn {
    pub contact_ids: Vec<Uuid>,
    /// Accepted for compatibility; ignored.
    pub action: Option<String>,
    /// Accepted for compatibility; ignored.
    pub reason: Option<String>,
}

/// The outcome for one id.
#[derive(Object)]
pub struct BulkItemOut {
    pub id: Uuid,
    pub status: String,
}

/// Outcomes of a bulk change.
#[derive(Object)]
pub struct BulkOut {
    pub results: Vec<BulkItemOut>,
}

/// A file to attach (then PUT it to `upload_url` and confirm).
#[derive(Object)]
pub struct AttachmentUploadIn {
    pub file_name: String,
    pub content_type: String,
}

/// An uploaded file to attach.
#[derive(Object)]
pub struct AttachmentConfirmIn {
    pub key: String,
    pub file_name: String,
    pub description: Option<String>,
}

/// Upload instructions (re-exported for the contacts API).
pub type AttachmentUploadOut = UploadOut;
