//! Points of sale.

use crate::kernel::PdvId;
use chrono::{DateTime, Utc};

/// A point of sale, which is also a warehouse. Exactly one per company is the main one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdv {
    pub id: PdvId,
    pub name: String,
    pub address: Option<String>,
    pub phone_number: Option<String>,
    pub is_main: bool,
    pub is_active: bool,
    pub department_id: Option<i32>,
    pub city_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
