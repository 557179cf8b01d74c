//! UUID v7 identifiers, one newtype per entity so that ids of different kinds never mix.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! define_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps an id that already exists (read from storage or a request).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    )*};
}

define_id!(
    /// A user account (global, not tenant data).
    UserId,
    /// A company; the same value is the tenant id of all its data.
    TenantId,
    /// A user's membership in a company.
    MembershipId,
    /// An invitation to join a company.
    InvitationId,
    /// A login session: the family of refresh tokens issued from one login.
    SessionId,
    /// One refresh token of a session.
    RefreshTokenId,
    /// A single-use token (email verification, password reset).
    OneTimeTokenId,
    /// A point of sale (also a warehouse).
    PdvId,
    /// A background job.
    JobId,
    /// An audit log entry.
    AuditId,
    /// A client or provider.
    ContactId,
    /// A file attached to a record.
    AttachmentId,
    /// A brand or a category of products.
    GroupId,
    /// A tax (system or the tenant's own).
    TaxId,
    /// A product or service of the catalog.
    ProductId,
    /// A variant of a product (its own sku, attributes, price and stock).
    VariantId,
    /// An image of a product.
    ImageId,
    /// A stock level: one (product or variant, PDV) pair.
    StockId,
    /// An inventory movement (a line of the kardex).
    MovementId,
    /// A DIAN numbering range of a PDV.
    NumberingRangeId,
    /// A sales invoice.
    InvoiceId,
    /// One line of an invoice.
    InvoiceLineId,
    /// A payment received against an invoice.
    PaymentId,
    /// A credit note against an invoice.
    CreditNoteId,
    /// One line of a credit note.
    CreditNoteLineId,
    /// One request to email an invoice.
    InvoiceEmailId,
);

/// The company id is the tenant id.
pub type CompanyId = TenantId;
