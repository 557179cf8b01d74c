//! Brands and categories: names unique per company ignoring case; one in use is never deleted.

use super::model::{Group, GroupKind};
use super::repo::NameQuery;
use super::service::{invalid, name_query, sort_key, CatalogService};
use crate::kernel::{validate, Actor, CoreError, CoreResult, Field, GroupId, KeysetPage, Permission};
use crate::ports::in_tenant;

/// A brand or category as received (create: `name` is required; update: absent fields stay).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupInput {
    pub name: Field<String>,
    pub description: Field<String>,
    pub is_active: Field<bool>,
}

fn not_found(kind: GroupKind) -> CoreError {
    CoreError::NotFound { entity: kind.entity() }
}

fn apply(group: &mut Group, input: GroupInput) -> CoreResult<()> {
    let name = input.name.or(Some(group.name.clone())).unwrap_or_default();
    group.name = validate::text("name", &name, 1, 100).map_err(invalid)?;
    let description = input.description.or(group.description.take());
    group.description = validate::optional_text("description", description.as_deref(), 255).map_err(invalid)?;
    if let Field::Value(active) = input.is_active {
        group.is_active = active;
    }
    Ok(())
}

impl CatalogService {
    /// Creates a brand or category (owner, admin).
    pub async fn create_group(&self, actor: &Actor, kind: GroupKind, input: GroupInput) -> CoreResult<Group> {
        actor.require(Permission::CatalogWrite)?;
        let now = self.ctx.now();
        let mut group = Group {
            id: GroupId::new(),
            kind,
            name: String::new(),
            description: None,
            is_active: true,
            created_at: now,
            updated_at: now,
        };
        apply(&mut group, input)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.groups().insert(&group).await?;
                Ok(group)
            })
        })
        .await
    }

    /// One brand or category (every role).
    pub async fn group(&self, actor: &Actor, kind: GroupKind, id: GroupId) -> CoreResult<Group> {
        actor.require(Permission::CatalogRead)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move { tx.groups().by_id(kind, id).await?.ok_or_else(|| not_found(kind)) })
        })
        .await
    }

    /// A page of brands or categories by name, and how many match.
    pub async fn groups(
        &self,
        actor: &Actor,
        kind: GroupKind,
        query: NameQuery,
    ) -> CoreResult<(KeysetPage<Group>, u64)> {
        actor.require(Permission::CatalogRead)?;
        let (limit, sort, query) = (query.limit, query.sort, name_query(query)?);
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let total = tx.groups().count(kind, &query).await?;
                let rows = tx.groups().page(kind, &query).await?;
                Ok((KeysetPage::cut(rows, limit, |g| sort_key(sort, &g.name, g.created_at, g.id.as_uuid())), total))
            })
        })
        .await
    }

    /// Changes a brand or category (owner, admin).
    pub async fn update_group(
        &self,
        actor: &Actor,
        kind: GroupKind,
        id: GroupId,
        input: GroupInput,
    ) -> CoreResult<Group> {
        actor.require(Permission::CatalogWrite)?;
        if input.name == Field::Null {
            return Err(CoreError::invalid("name", "required", "cannot be cleared"));
        }
        let now = self.ctx.now();
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                let mut group = tx.groups().by_id(kind, id).await?.ok_or_else(|| not_found(kind))?;
                apply(&mut group, input)?;
                group.updated_at = now;
                tx.groups().update(&group).await?;
                Ok(group)
            })
        })
        .await
    }

    /// Deletes a brand or category no product uses (owner, admin); otherwise 409 naming how many do.
    pub async fn delete_group(&self, actor: &Actor, kind: GroupKind, id: GroupId) -> CoreResult<()> {
        actor.require(Permission::CatalogWrite)?;
        in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.groups().by_id(kind, id).await?.ok_or_else(|| not_found(kind))?;
                let used = tx.groups().usage(kind, id).await?;
                if used > 0 {
                    return Err(CoreError::conflict(
                        if kind == GroupKind::Brand { "brand_in_use" } else { "category_in_use" },
                        format!("{used} product(s) use this {}; reassign them first", kind.entity()),
                    ));
                }
                tx.groups().delete(kind, id).await
            })
        })
        .await
    }
}
