//! Contacts: clients and providers with Colombian identification (spec 40 §1).

mod attachments;
mod identification;
mod input;
pub mod model;
pub mod repo;
mod service;

pub use attachments::AttachmentView;
pub use identification::identification;
pub use input::{AddressInput, ContactInput, Field};
pub use service::{final_consumer, BulkResult, ContactDetail, ContactsService};
