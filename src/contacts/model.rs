//! Contacts and their attachments.

use crate::kernel::{AttachmentId, ContactId, Money, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a contact can be used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactType {
    /// A customer on sales invoices.
    Client,
    /// A supplier on bills.
    Provider,
}

impl ContactType {
    pub fn as_str(&self) -> &'static str {
        match self {
            ContactType::Client => "client",
            ContactType::Provider => "provider",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "client" => Some(ContactType::Client),
            "provider" => Some(ContactType::Provider),
            _ => None,
        }
    }
}

/// Colombian identification document kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdType {
    /// Cédula de ciudadanía.
    Cc,
    /// Tax id (NIT); its check digit is always computed.
    Nit,
    /// Cédula de extranjería.
    Ce,
    Passport,
}

impl IdType {
    pub fn as_str(&self) -> &'static str {
        match self {
            IdType::Cc => "CC",
            IdType::Nit => "NIT",
            IdType::Ce => "CE",
            IdType::Passport => "PASSPORT",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CC" => Some(IdType::Cc),
            "NIT" => Some(IdType::Nit),
            "CE" => Some(IdType::Ce),
            "PASSPORT" => Some(IdType::Passport),
            _ => None,
        }
    }
}

/// Natural person or company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonType {
    Natural,
    Juridica,
}

impl PersonType {
    pub fn as_str(&self) -> &'static str {
        match self {
            PersonType::Natural => "natural",
            PersonType::Juridica => "juridica",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "natural" => Some(PersonType::Natural),
            "juridica" => Some(PersonType::Juridica),
            _ => None,
        }
    }
}

/// A postal address; both the new (`address`, `state`) and legacy (`line1`, `line2`, `depto`) keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub address: Option<String>,
    pub state: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub depto: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub postal_code: Option<String>,
}

/// A client and/or provider of a company. Identification numbers are stored canonically (digits
/// only for CC and NIT; the NIT check digit apart, computed by the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub types: Vec<ContactType>,
    pub email: Option<String>,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    pub mobile: Option<String>,
    pub id_type: Option<IdType>,
    pub id_number: Option<String>,
    pub dv: Option<u8>,
    pub person_type: PersonType,
    pub fiscal_responsibilities: Vec<String>,
    pub payment_terms_days: i32,
    pub credit_limit: Option<Money>,
    /// A member of the company (validated in-tenant).
    pub seller_id: Option<UserId>,
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub notes: Option<String>,
    pub is_active: bool,
    /// The company's "Consumidor final" (D9): cannot be deleted.
    pub is_final_consumer: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// Whether it can be used as `kind`.
    pub fn is(&self, kind: ContactType) -> bool {
        self.types.contains(&kind)
    }
}

/// A file attached to a contact; the object key is issued by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub contact_id: ContactId,
    pub object_key: String,
    pub file_name: String,
    pub file_size: u64,
    pub content_type: String,
    pub description: Option<String>,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Counts for the contacts summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContactStats {
    pub total_contacts: u64,
    pub active_contacts: u64,
    pub clients: u64,
    pub providers: u64,
    pub mixed: u64,
    pub deleted_contacts: u64,
}
