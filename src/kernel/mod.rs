//! The kernel: identifiers, money, pagination, the actor and its permissions, and the one error vocabulary.

pub mod actor;
pub mod error;
pub mod field;
pub mod ids;
pub mod money;
pub mod page;
pub mod validate;

pub use actor::{Actor, Permission, Role};
pub use error::{CoreError, CoreResult, FieldError};
pub use field::Field;
pub use ids::*;
pub use money::{Money, Quantity};
pub use page::{decode_key, encode_key, time_key, time_of_key, Cursor, KeysetPage, Page, PageRequest};
