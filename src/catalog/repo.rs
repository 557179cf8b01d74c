//! Repository of points of sale (tenant data, reached through `TenantTx`).

use super::model::Pdv;
use crate::kernel::{CoreResult, PdvId};
use async_trait::async_trait;

/// The tenant's points of sale.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait PdvRepo: Send {
    /// Adds a PDV. A duplicate name is `Conflict { code: "pdv_name_taken" }`; a second main PDV is
    /// `Conflict { code: "main_pdv_exists" }`.
    async fn insert(&mut self, pdv: &Pdv) -> CoreResult<()>;
    /// The PDV with this id.
    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>>;
    /// Every PDV of the tenant, main first, then by name.
    async fn list(&mut self) -> CoreResult<Vec<Pdv>>;
}
