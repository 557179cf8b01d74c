//! A tenant's points of sale, brands, categories and taxes in memory, and the global locations.

use super::{seed, MemTx};
use ally360::catalog::model::{City, Department, Group, GroupKind, Pdv};
use ally360::catalog::repo::{GroupRepo, ListSort, LocationRepo, NameQuery, PdvRepo, TaxRepo};
use ally360::catalog::tax::Tax;
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Whether a row with this name, creation time and id passes the query's search and position.
fn named(name: &str, created: DateTime<Utc>, id: uuid::Uuid, q: &NameQuery) -> bool {
    let lower = name.to_lowercase();
    q.search.as_ref().is_none_or(|s| lower.contains(&s.to_lowercase()))
        && q.after.as_ref().is_none_or(|(k, after)| match q.sort {
            ListSort::Name => (lower.as_str(), id) > (k.as_str(), *after),
            ListSort::Created => (created.timestamp_micros(), id) > (k.parse().unwrap_or(i64::MAX), *after),
        })
}

/// Sorts in the query's order and keeps its `limit` rows.
fn in_order<T>(mut rows: Vec<T>, q: &NameQuery, key: impl Fn(&T) -> (&str, DateTime<Utc>, uuid::Uuid)) -> Vec<T> {
    match q.sort {
        ListSort::Name => rows.sort_by_key(|r| {
            let (name, _, id) = key(r);
            (name.to_lowercase(), id)
        }),
        ListSort::Created => rows.sort_by_key(|r| {
            let (_, created, id) = key(r);
            (created, id)
        }),
    }
    rows.truncate(q.limit as usize);
    rows
}

fn unpositioned(q: &NameQuery) -> NameQuery {
    NameQuery { after: None, limit: u32::MAX, ..q.clone() }
}

#[async_trait]
impl PdvRepo for MemTx {
    async fn insert(&mut self, pdv: &Pdv) -> CoreResult<()> {
        let data = self.tenant_data()?;
        if data.pdvs.values().any(|p| p.id != pdv.id && p.name.to_lowercase() == pdv.name.to_lowercase()) {
            return Err(CoreError::conflict_on("pdv_name_taken", "name", "a point of sale with this name exists"));
        }
        if pdv.is_main && data.pdvs.values().any(|p| p.id != pdv.id && p.is_main) {
            return Err(CoreError::conflict("main_pdv_exists", "the company already has a main point of sale"));
        }
        data.pdvs.insert(pdv.id, pdv.clone());
        Ok(())
    }
    async fn update(&mut self, pdv: &Pdv) -> CoreResult<()> {
        PdvRepo::insert(self, pdv).await
    }
    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        Ok(self.tenant_data()?.pdvs.get(&id).cloned())
    }
    async fn lock(&mut self, id: PdvId) -> CoreResult<Option<Pdv>> {
        // The whole unit of work already holds the store's lock.
        PdvRepo::by_id(self, id).await
    }
    async fn by_ids(&mut self, ids: &[PdvId]) -> CoreResult<Vec<Pdv>> {
        let data = self.tenant_data()?;
        Ok(ids.iter().filter_map(|id| data.pdvs.get(id).cloned()).collect())
    }
    async fn list(&mut self) -> CoreResult<Vec<Pdv>> {
        let mut rows: Vec<Pdv> = self.tenant_data()?.pdvs.values().cloned().collect();
        rows.sort_by_key(|p| (!p.is_main, p.name.to_lowercase()));
        Ok(rows)
    }
    async fn page(&mut self, q: &NameQuery) -> CoreResult<Vec<Pdv>> {
        let rows = self.tenant_data()?.pdvs.values().filter(|p| pdv_matches(p, q)).cloned().collect();
        Ok(in_order(rows, q, |p: &Pdv| (p.name.as_str(), p.created_at, p.id.as_uuid())))
    }
    async fn count(&mut self, q: &NameQuery) -> CoreResult<u64> {
        let q = unpositioned(q);
        Ok(self.tenant_data()?.pdvs.values().filter(|p| pdv_matches(p, &q)).count() as u64)
    }
    async fn set_main(&mut self, id: PdvId) -> CoreResult<()> {
        for (_, pdv) in self.tenant_data()?.pdvs.iter_mut() {
            pdv.is_main = pdv.id == id;
        }
        Ok(())
    }
    async fn delete(&mut self, id: PdvId) -> CoreResult<()> {
        let data = self.tenant_data()?;
        data.pdvs.remove(&id);
        data.stocks.retain(|_, s| s.pdv_id != id);
        Ok(())
    }
}

fn pdv_matches(p: &Pdv, q: &NameQuery) -> bool {
    q.is_active.is_none_or(|a| p.is_active == a) && named(&p.name, p.created_at, p.id.as_uuid(), q)
}

#[async_trait]
impl LocationRepo for MemTx {
    async fn departments(&mut self, ids: &[i32]) -> CoreResult<Vec<Department>> {
        Ok(seed::departments().iter().filter(|d| ids.contains(&d.id)).cloned().collect())
    }
    async fn cities(&mut self, ids: &[i32]) -> CoreResult<Vec<City>> {
        Ok(seed::cities().iter().filter(|c| ids.contains(&c.id)).cloned().collect())
    }
}

fn group_matches(g: &Group, q: &NameQuery) -> bool {
    q.is_active.is_none_or(|a| g.is_active == a) && named(&g.name, g.created_at, g.id.as_uuid(), q)
}

#[async_trait]
impl GroupRepo for MemTx {
    async fn insert(&mut self, g: &Group) -> CoreResult<()> {
        let data = self.tenant_data()?;
        let groups = data.groups_mut(g.kind);
        if groups.values().any(|o| o.id != g.id && o.name.to_lowercase() == g.name.to_lowercase()) {
            let code = if g.kind == GroupKind::Brand { "brand_name_taken" } else { "category_name_taken" };
            return Err(CoreError::conflict_on(code, "name", "this name is already used"));
        }
        groups.insert(g.id, g.clone());
        Ok(())
    }
    async fn update(&mut self, g: &Group) -> CoreResult<()> {
        GroupRepo::insert(self, g).await
    }
    async fn by_id(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<Option<Group>> {
        Ok(self.tenant_data()?.groups_mut(kind).get(&id).cloned())
    }
    async fn page(&mut self, kind: GroupKind, q: &NameQuery) -> CoreResult<Vec<Group>> {
        let rows = self.tenant_data()?.groups_mut(kind).values().filter(|g| group_matches(g, q)).cloned().collect();
        Ok(in_order(rows, q, |g: &Group| (g.name.as_str(), g.created_at, g.id.as_uuid())))
    }
    async fn count(&mut self, kind: GroupKind, q: &NameQuery) -> CoreResult<u64> {
        let q = unpositioned(q);
        Ok(self.tenant_data()?.groups_mut(kind).values().filter(|g| group_matches(g, &q)).count() as u64)
    }
    async fn usage(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<u64> {
        let data = self.tenant_data()?;
        let uses = |p: &&ally360::catalog::model::Product| match kind {
            GroupKind::Brand => p.brand_id == Some(id),
            GroupKind::Category => p.category_id == Some(id),
        };
        Ok(data.products.values().filter(uses).count() as u64)
    }
    async fn delete(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<()> {
        self.tenant_data()?.groups_mut(kind).remove(&id);
        Ok(())
    }
}

impl MemTx {
    fn visible_taxes(&mut self) -> CoreResult<Vec<Tax>> {
        let own = self.tenant_data()?.taxes.values().cloned();
        Ok(seed::system_taxes().iter().cloned().chain(own).collect())
    }
}

fn tax_matches(t: &Tax, q: &NameQuery) -> bool {
    named(&t.name, t.created_at, t.id.as_uuid(), q)
}

#[async_trait]
impl TaxRepo for MemTx {
    async fn insert(&mut self, t: &Tax) -> CoreResult<()> {
        let taxes = &mut self.tenant_data()?.taxes;
        if taxes.values().any(|o| o.id != t.id && o.name.to_lowercase() == t.name.to_lowercase()) {
            return Err(CoreError::conflict_on(
                "tax_name_taken",
                "name",
                "the company already has a tax with this name",
            ));
        }
        taxes.insert(t.id, t.clone());
        Ok(())
    }
    async fn update(&mut self, t: &Tax) -> CoreResult<()> {
        TaxRepo::insert(self, t).await
    }
    async fn by_id(&mut self, id: TaxId) -> CoreResult<Option<Tax>> {
        Ok(self.visible_taxes()?.into_iter().find(|t| t.id == id))
    }
    async fn by_ids(&mut self, ids: &[TaxId]) -> CoreResult<Vec<Tax>> {
        Ok(self.visible_taxes()?.into_iter().filter(|t| ids.contains(&t.id)).collect())
    }
    async fn page(&mut self, q: &NameQuery) -> CoreResult<Vec<Tax>> {
        let rows = self.visible_taxes()?.into_iter().filter(|t| tax_matches(t, q)).collect();
        Ok(in_order(rows, q, |t: &Tax| (t.name.as_str(), t.created_at, t.id.as_uuid())))
    }
    async fn count(&mut self, q: &NameQuery) -> CoreResult<u64> {
        let q = unpositioned(q);
        Ok(self.visible_taxes()?.iter().filter(|t| tax_matches(t, &q)).count() as u64)
    }
    async fn usage(&mut self, id: TaxId) -> CoreResult<u64> {
        Ok(self.tenant_data()?.product_taxes.values().filter(|ids| ids.contains(&id)).count() as u64)
    }
    async fn delete(&mut self, id: TaxId) -> CoreResult<()> {
        self.tenant_data()?.taxes.remove(&id);
        Ok(())
    }
}
