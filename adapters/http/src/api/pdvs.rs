//! Points of sale (`/pdvs/...`).

use super::catalog_dto::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::{ApiError, ApiResult};
use ally360::catalog::repo::{ListSort, NameQuery};
use ally360::kernel::{decode_key, encode_key, PageRequest};
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct PdvsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Pdv(Json<PdvDetailOut>),
}

#[derive(ApiResponse)]
enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Done,
}

/// The order of a list: `name` (default) or `created`.
pub fn list_sort(raw: Option<&str>) -> Result<ListSort, ApiError> {
    match raw.map(str::trim) {
        None | Some("") | Some("name") => Ok(ListSort::Name),
        Some("created") | Some("created_at") => Ok(ListSort::Created),
        Some(_) => Err(ApiError::invalid("sort", "invalid_sort", "name or created")),
    }
}

/// The common list parameters: search, active flag, sort, limit and cursor.
pub struct ListParams(pub Option<String>, pub Option<bool>, pub Option<String>, pub Option<i64>, pub Option<String>);

/// A list query from the common parameters.
pub fn name_query(p: ListParams) -> Result<NameQuery, ApiError> {
    let page = PageRequest::new(p.3, None)?;
    Ok(NameQuery {
        search: p.0,
        is_active: p.1,
        sort: list_sort(p.2.as_deref())?,
        after: p.4.as_deref().map(|c| decode_key("cursor", c)).transpose()?,
        limit: page.limit,
    })
}

/// The wire cursor of a keyset position.
pub fn next_cursor(next: Option<(String, Uuid)>) -> Option<String> {
    next.map(|(key, id)| encode_key(&key, id))
}

#[OpenApi(tag = "ApiTags::Catalog")]
impl PdvsApi {
    /// Creates a point of sale (owner, admin). The department and city must exist and agree.
    #[oai(path = "/pdvs", method = "post", operation_id = "create_pdv")]
    async fn create(&self, auth: BearerAuth, req: &Request, body: Json<PdvIn>) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Created::Pdv(Json((&self.app.catalog.create_pdv(&actor, body.0.into()).await?).into())))
    }

    /// Points of sale by name (or `sort=created`), keyset pages (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/pdvs", method = "get", operation_id = "list_pdvs")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        is_active: Query<Option<bool>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<PdvPage>> {
        let query = name_query(ListParams(search.0, is_active.0, sort.0, limit.0, cursor.0))?;
        let actor = actor(&self.app, &auth, req).await?;
        let limit = query.limit;
        let (page, total) = self.app.catalog.pdvs(&actor, query).await?;
        Ok(Json(PdvPage {
            pdvs: page.items.iter().map(Into::into).collect(),
            total,
            limit,
            next_cursor: next_cursor(page.next),
        }))
    }

    /// One point of sale.
    #[oai(path = "/pdvs/:pdv_id", method = "get", operation_id = "get_pdv")]
    async fn get(&self, auth: BearerAuth, req: &Request, pdv_id: Path<Uuid>) -> ApiResult<Json<PdvDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.pdv(&actor, pdv_id.0.into()).await?).into()))
    }

    /// Changes a point of sale (owner, admin). The main one stays active and main until another is made main.
    #[oai(path = "/pdvs/:pdv_id", method = "patch", operation_id = "update_pdv")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        pdv_id: Path<Uuid>,
        body: Json<PdvIn>,
    ) -> ApiResult<Json<PdvDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.update_pdv(&actor, pdv_id.0.into(), body.0.into()).await?).into()))
    }

    /// Makes this point of sale the main one, in one operation (owner, admin).
    #[oai(path = "/pdvs/:pdv_id/main", method = "post", operation_id = "make_main_pdv")]
    async fn make_main(&self, auth: BearerAuth, req: &Request, pdv_id: Path<Uuid>) -> ApiResult<Json<PdvDetailOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.make_main_pdv(&actor, pdv_id.0.into()).await?).into()))
    }

    /// Deletes an empty point of sale (owner, admin); one with stock or history is 409: deactivate it.
    #[oai(path = "/pdvs/:pdv_id", method = "delete", operation_id = "delete_pdv")]
    async fn delete(&self, auth: BearerAuth, req: &Request, pdv_id: Path<Uuid>) -> ApiResult<Deleted> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.catalog.delete_pdv(&actor, pdv_id.0.into()).await?;
        Ok(Deleted::Done)
    }
}
