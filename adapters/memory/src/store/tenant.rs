//! A tenant's points of sale in memory.

use super::MemTx;
use ally360::catalog::model::Pdv;
use ally360::catalog::repo::PdvRepo;
use ally360::kernel::*;
use async_trait::async_trait;

#[async_trait]
impl PdvRepo for MemTx {
    async fn insert(&mut self, pdv: &Pdv) -> CoreResult<()> {
        let data = self.tenant_data()?;
        if data.pdvs.values().any(|p| p.name.to_lowercase() == pdv.name.to_lowercase()) {
            return Err(CoreError::conflict_on("pdv_name_taken", "name", "a point of sale with this name exists"));
        }
        if pdv.is_main && data.pdvs.values().any(|p| p.is_main) {
            return Err(CoreError::conflict("main_pdv_exists", "the company already has a main point of sale"));
        }
        data.pdvs.insert(pdv.id, pdv.clone());
        Ok(())
    }
    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        Ok(self.tenant_data()?.pdvs.get(&id).cloned())
    }
    async fn list(&mut self) -> CoreResult<Vec<Pdv>> {
        let mut rows: Vec<Pdv> = self.tenant_data()?.pdvs.values().cloned().collect();
        rows.sort_by(|a, b| b.is_main.cmp(&a.is_main).then(a.name.cmp(&b.name)));
        Ok(rows)
    }
}
