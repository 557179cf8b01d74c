//! Brands (`/brands/...`) and categories (`/categories/...`): the same shape and rules.

use super::catalog_dto::*;
use super::pdvs::{name_query, next_cursor, ListParams};
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::catalog::model::{Group, GroupKind};
use ally360::kernel::KeysetPage;
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct GroupsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Group(Json<GroupOut>),
}

#[derive(ApiResponse)]
enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Done,
}

type Listed = (KeysetPage<Group>, u64, u32);

impl GroupsApi {
    async fn create(&self, auth: BearerAuth, req: &Request, kind: GroupKind, body: GroupIn) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Created::Group(Json((&self.app.catalog.create_group(&actor, kind, body.into()).await?).into())))
    }

    async fn list(&self, auth: BearerAuth, req: &Request, kind: GroupKind, params: ListParams) -> ApiResult<Listed> {
        let query = name_query(params)?;
        let actor = actor(&self.app, &auth, req).await?;
        let limit = query.limit;
        let (page, total) = self.app.catalog.groups(&actor, kind, query).await?;
        Ok((page, total, limit))
    }

    async fn get(&self, auth: BearerAuth, req: &Request, kind: GroupKind, id: Uuid) -> ApiResult<Json<GroupOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.group(&actor, kind, id.into()).await?).into()))
    }

    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        kind: GroupKind,
        id: Uuid,
        body: GroupIn,
    ) -> ApiResult<Json<GroupOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.update_group(&actor, kind, id.into(), body.into()).await?).into()))
    }

    async fn delete(&self, auth: BearerAuth, req: &Request, kind: GroupKind, id: Uuid) -> ApiResult<Deleted> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.catalog.delete_group(&actor, kind, id.into()).await?;
        Ok(Deleted::Done)
    }
}

#[OpenApi(tag = "ApiTags::Catalog")]
impl GroupsApi {
    /// Creates a brand (owner, admin); names are unique ignoring case.
    #[oai(path = "/brands", method = "post", operation_id = "create_brand")]
    async fn create_brand(&self, auth: BearerAuth, req: &Request, body: Json<GroupIn>) -> ApiResult<Created> {
        self.create(auth, req, GroupKind::Brand, body.0).await
    }

    /// Brands by name (or `sort=created`), keyset pages (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/brands", method = "get", operation_id = "list_brands")]
    async fn list_brands(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        is_active: Query<Option<bool>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<BrandPage>> {
        let params = ListParams(search.0, is_active.0, sort.0, limit.0, cursor.0);
        let (page, total, limit) = self.list(auth, req, GroupKind::Brand, params).await?;
        let brands = page.items.iter().map(Into::into).collect();
        Ok(Json(BrandPage { brands, total, limit, next_cursor: next_cursor(page.next) }))
    }

    /// One brand.
    #[oai(path = "/brands/:brand_id", method = "get", operation_id = "get_brand")]
    async fn get_brand(&self, auth: BearerAuth, req: &Request, brand_id: Path<Uuid>) -> ApiResult<Json<GroupOut>> {
        self.get(auth, req, GroupKind::Brand, brand_id.0).await
    }

    /// Changes a brand (owner, admin).
    #[oai(path = "/brands/:brand_id", method = "patch", operation_id = "update_brand")]
    async fn update_brand(
        &self,
        auth: BearerAuth,
        req: &Request,
        brand_id: Path<Uuid>,
        body: Json<GroupIn>,
    ) -> ApiResult<Json<GroupOut>> {
        self.update(auth, req, GroupKind::Brand, brand_id.0, body.0).await
    }

    /// Deletes a brand no product uses (owner, admin); 409 says how many products use it.
    #[oai(path = "/brands/:brand_id", method = "delete", operation_id = "delete_brand")]
    async fn delete_brand(&self, auth: BearerAuth, req: &Request, brand_id: Path<Uuid>) -> ApiResult<Deleted> {
        self.delete(auth, req, GroupKind::Brand, brand_id.0).await
    }

    /// Creates a category (owner, admin); names are unique ignoring case.
    #[oai(path = "/categories", method = "post", operation_id = "create_category")]
    async fn create_category(&self, auth: BearerAuth, req: &Request, body: Json<GroupIn>) -> ApiResult<Created> {
        self.create(auth, req, GroupKind::Category, body.0).await
    }

    /// Categories by name (or `sort=created`), keyset pages (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/categories", method = "get", operation_id = "list_categories")]
    async fn list_categories(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        is_active: Query<Option<bool>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<CategoryPage>> {
        let params = ListParams(search.0, is_active.0, sort.0, limit.0, cursor.0);
        let (page, total, limit) = self.list(auth, req, GroupKind::Category, params).await?;
        let categories = page.items.iter().map(Into::into).collect();
        Ok(Json(CategoryPage { categories, total, limit, next_cursor: next_cursor(page.next) }))
    }

    /// One category.
    #[oai(path = "/categories/:category_id", method = "get", operation_id = "get_category")]
    async fn get_category(
        &self,
        auth: BearerAuth,
        req: &Request,
        category_id: Path<Uuid>,
    ) -> ApiResult<Json<GroupOut>> {
        self.get(auth, req, GroupKind::Category, category_id.0).await
    }

    /// Changes a category (owner, admin).
    #[oai(path = "/categories/:category_id", method = "patch", operation_id = "update_category")]
    async fn update_category(
        &self,
        auth: BearerAuth,
        req: &Request,
        category_id: Path<Uuid>,
        body: Json<GroupIn>,
    ) -> ApiResult<Json<GroupOut>> {
        self.update(auth, req, GroupKind::Category, category_id.0, body.0).await
    }

    /// Deletes a category no product uses (owner, admin); 409 says how many products use it.
    #[oai(path = "/categories/:category_id", method = "delete", operation_id = "delete_category")]
    async fn delete_category(&self, auth: BearerAuth, req: &Request, category_id: Path<Uuid>) -> ApiResult<Deleted> {
        self.delete(auth, req, GroupKind::Category, category_id.0).await
    }
}
