//! Points of sale: exactly one main PDV per company; a PDV with stock or history is deactivated,
//! never deleted.

use super::model::{City, Department, Pdv};
use super::repo::NameQuery;
use super::service::{name_query, sort_key, CatalogService};
use crate::kernel::error::Checks;
use crate::kernel::{validate, Actor, CoreError, CoreResult, Field, KeysetPage, PdvId, Permission};
use crate::ports::{in_tenant, TenantTx};

/// A PDV as received (create: `name` and `address` are required; update: absent fields stay).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PdvInput {
    pub name: Field<String>,
    pub address: Field<String>,
    pub phone_number: Field<String>,
    pub is_main: Field<bool>,
    pub is_active: Field<bool>,
    pub department_id: Field<i32>,
    pub city_id: Field<i32>,
}

/// A PDV with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdvDetail {
    pub pdv: Pdv,
    pub department: Option<Department>,
    pub city: Option<City>,
}

fn not_found() -> CoreError {
    CoreError::NotFound { entity: "pdv" }
}

fn protected(message: &str) -> CoreError {
    CoreError::conflict("main_pdv_protected", message)
}

/// Applies the input to `pdv` and validates the result.
fn apply(pdv: &mut Pdv, input: PdvInput) -> CoreResult<bool> {
    let mut checks = Checks::new();
    let name = input.name.or(Some(pdv.name.clone())).unwrap_or_default();
    if let Some(name) = checks.take(validate::text("name", &name, 1, 100)) {
        pdv.name = name;
    }
    let address = input.address.or(pdv.address.clone()).unwrap_or_default();
    pdv.address = checks.take(validate::text("address", &address, 1, 255));
    pdv.phone_number = match input.phone_number.or(pdv.phone_number.clone()) {
        Some(p) if !p.trim().is_empty() => checks.take(validate::phone("phone_number", &p)),
        _ => None,
    };
    pdv.department_id = input.department_id.or(pdv.department_id);
    pdv.city_id = input.city_id.or(pdv.city_id);
    if let Field::Value(active) = input.is_active {
        pdv.is_active = active;
    }
    checks.finish()?;
    Ok(matches!(input.is_main, Field::Value(true)))
}

/// The PDV's location, checked: both must exist and the city must lie in the department.
async fn locate(tx: &mut dyn TenantTx, pdv: &Pdv) -> CoreResult<(Option<Department>, Option<City>)> {
    let department =
        match pdv.department_id {
            Some(id) => Some(tx.locations().departments(&[id]).await?.pop().ok_or_else(|| {
                CoreError::invalid("department_id", "unknown_department", "no department has this id")
            })?),
            None => None,
        };
    let city = match pdv.city_id {
        Some(id) => Some(
            tx.locations()
                .cities(&[id])
                .await?
                .pop()
                .ok_or_else(|| CoreError::invalid("city_id", "unknown_city", "no city has this id"))?,
        ),
        None => None,
    };
    if let (Some(d), Some(c)) = (&department, &city) {
        if c.department_id != d.id {
            return Err(CoreError::invalid("city_id", "city_not_in_department", "the city is not in this department"));
        }
    }
    Ok((department, city))
}

/// Locations of many PDVs, in two queries.
async fn details(tx: &mut dyn TenantTx, pdvs: Vec<Pdv>) -> CoreResult<Vec<PdvDetail>> {
    let mut dept_ids: Vec<i32> = pdvs.iter().filter_map(|p| p.department_id).collect();
    let mut city_ids: Vec<i32> = pdvs.iter().filter_map(|p| p.city_id).collect();
    dept_ids.sort_unstable();
    dept_ids.dedup();
    city_ids.sort_unstable();
    city_ids.dedup();
    let depts = if dept_ids.is_empty() { vec![] } else { tx.locations().departments(&dept_ids).await? };
    let cities = if city_ids.is_empty() { vec![] } else { tx.locations().cities(&city_ids).await? };
    Ok(pdvs
        .into_iter()
        .map(|pdv| PdvDetail {
            department: depts.iter().find(|d| Some(d.id) == pdv.department_id).cloned(),
            city: cities.iter().find(|c| Some(c.id) == pdv.city_id).cloned(),
            pdv,
        })
        .collect())
}

impl CatalogService {
    /// Creates a PDV (owner, admin). `is_main` makes it the main one in the same transaction.
    pub async fn create_pdv(&self, actor: &Actor, input: PdvInput) -> CoreResult<PdvDetail> {
        actor.require(Permission::PdvWrite)?;
        let now = self.ctx.now();
        let mut pdv = Pdv {
            id: PdvId::new(),
            name: String::new(),
            address: None,
            phone_number: None,
            is_main: false,
            is_active: true,
            department_id: None,
            city_id: None,
            created_at: now,
            updated_at: now,
        };
        if input.name == Field::Null || input.name == Field::Absent {
            return Err(CoreError::invalid("name", "required", "a name is required"));
        }
        let make_main = apply(&mut pdv, input)?;
        if make_main && !pdv.is_active {
            return Err(protected("the main point of sale must be active"));
        }
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let (department, city) = locate(tx, &pdv).await?;
                tx.pdvs().insert(&pdv).await?;
                if make_main {
                    tx.pdvs().set_main(pdv.id).await?;
                    pdv.is_main = true;
                }
                Ok(PdvDetail { pdv, department, city })
            })
        })
        .await
    }

    /// One PDV (every role).
    pub async fn pdv(&self, actor: &Actor, id: PdvId) -> CoreResult<PdvDetail> {
        actor.require(Permission::PdvRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let pdv = tx.pdvs().by_id(id).await?.ok_or_else(not_found)?;
                Ok(details(tx, vec![pdv]).await?.remove(0))
            })
        })
        .await
    }

    /// A page of PDVs by name, and how many match.
    pub async fn pdvs(&self, actor: &Actor, query: NameQuery) -> CoreResult<(KeysetPage<PdvDetail>, u64)> {
        actor.require(Permission::PdvRead)?;
        let (limit, sort, query) = (query.limit, query.sort, name_query(query)?);
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let total = tx.pdvs().count(&query).await?;
                let rows = tx.pdvs().page(&query).await?;
                let rows = details(tx, rows).await?;
                Ok((
                    KeysetPage::cut(rows, limit, |d| sort_key(sort, &d.pdv.name, d.pdv.created_at, d.pdv.id.as_uuid())),
                    total,
                ))
            })
        })
        .await
    }

    /// Changes a PDV (owner, admin). The main PDV cannot be deactivated nor stop being main except by
    /// making another PDV main.
    pub async fn update_pdv(&self, actor: &Actor, id: PdvId, input: PdvInput) -> CoreResult<PdvDetail> {
        actor.require(Permission::PdvWrite)?;
        if input.name == Field::Null || input.address == Field::Null {
            let field = if input.name == Field::Null { "name" } else { "address" };
            return Err(CoreError::invalid(field, "required", "cannot be cleared"));
        }
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut pdv = tx.pdvs().lock(id).await?.ok_or_else(not_found)?;
                let unset_main = pdv.is_main && matches!(input.is_main, Field::Value(false) | Field::Null);
                let make_main = apply(&mut pdv, input)?;
                if unset_main {
                    return Err(protected("make another point of sale the main one instead"));
                }
                if (pdv.is_main || make_main) && !pdv.is_active {
                    return Err(protected("the main point of sale cannot be deactivated"));
                }
                pdv.updated_at = now;
                tx.pdvs().update(&pdv).await?;
                if make_main && !pdv.is_main {
                    tx.pdvs().set_main(id).await?;
                    pdv.is_main = true;
                }
                let (department, city) = locate(tx, &pdv).await?;
                Ok(PdvDetail { pdv, department, city })
            })
        })
        .await
    }

    /// Makes an active PDV the main one; the previous main one stops being main, atomically.
    pub async fn make_main_pdv(&self, actor: &Actor, id: PdvId) -> CoreResult<PdvDetail> {
        actor.require(Permission::PdvWrite)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut pdv = tx.pdvs().lock(id).await?.ok_or_else(not_found)?;
                if !pdv.is_active {
                    return Err(protected("the main point of sale must be active"));
                }
                tx.pdvs().set_main(id).await?;
                pdv.is_main = true;
                Ok(details(tx, vec![pdv]).await?.remove(0))
            })
        })
        .await
    }

    /// Deletes an empty PDV (owner, admin): 409 for the main one and for one with stock or history
    /// (deactivate it instead).
    pub async fn delete_pdv(&self, actor: &Actor, id: PdvId) -> CoreResult<()> {
        actor.require(Permission::PdvWrite)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let pdv = tx.pdvs().lock(id).await?.ok_or_else(not_found)?;
                if pdv.is_main {
                    return Err(protected("the main point of sale cannot be deleted"));
                }
                if tx.stock().pdv_in_use(id).await? {
                    return Err(CoreError::conflict(
                        "pdv_in_use",
                        "this point of sale has stock or movements; deactivate it instead",
                    ));
                }
                tx.pdvs().delete(id).await
            })
        })
        .await
    }
}
