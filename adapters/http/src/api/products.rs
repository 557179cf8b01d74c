//! Products (`/products/...`): create, list, read, change, delete, low-stock alerts.

use super::pdvs::{list_sort, next_cursor};
use super::product_dto::*;
use super::product_out::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::{ApiError, ApiResult};
use ally360::catalog::repo::ProductQuery;
use ally360::kernel::{decode_key, PageRequest, StockId};
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct ProductsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Product(Json<ProductOut>),
}

#[derive(ApiResponse)]
enum Deleted {
    /// Deleted (or archived, when the product has inventory history).
    #[oai(status = 204)]
    Done,
}

/// The search, filters, order, position and size shared by the product lists.
fn product_query(
    search: Option<String>,
    category: Option<Uuid>,
    brand: Option<Uuid>,
    is_active: Option<bool>,
    sort: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
) -> Result<ProductQuery, ApiError> {
    Ok(ProductQuery {
        search,
        category: category.map(Into::into),
        brand: brand.map(Into::into),
        is_active,
        sort: list_sort(sort.as_deref())?,
        after: cursor.as_deref().map(|c| decode_key("cursor", c)).transpose()?,
        limit: PageRequest::new(limit, None)?.limit,
        ..Default::default()
    })
}

#[OpenApi(tag = "ApiTags::Products")]
impl ProductsApi {
    /// Creates a product or service (owner, admin): variants with their own stock, taxes, initial
    /// stock per point of sale (recorded as INITIAL movements). 201 with the product view.
    #[oai(path = "/products", method = "post", operation_id = "create_product")]
    async fn create(&self, auth: BearerAuth, req: &Request, body: Json<ProductIn>) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Created::Product(Json((&self.app.catalog.create_product(&actor, body.0.into()).await?).into())))
    }

    /// Creates a product without variants (owner, admin); `stocks` holds its initial stock.
    #[oai(path = "/products/simple", method = "post", operation_id = "create_simple_product")]
    async fn create_simple(&self, auth: BearerAuth, req: &Request, body: Json<ProductIn>) -> ApiResult<Created> {
        if body.0.variants.as_ref().is_some_and(|v| !v.is_empty()) {
            return Err(ApiError::invalid(
                "variants",
                "not_allowed",
                "a simple product has no variants; use POST /products",
            ));
        }
        self.create(auth, req, body).await
    }

    /// Products with search (name, sku, variant sku; exact barcode) and filters, sorted by name or
    /// creation, keyset pages (every role). `pdv_id` keeps products with stock there.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/products", method = "get", operation_id = "list_products")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        category_id: Query<Option<Uuid>>,
        brand_id: Query<Option<Uuid>>,
        is_active: Query<Option<bool>>,
        pdv_id: Query<Option<Uuid>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ProductPage>> {
        let base = product_query(search.0, category_id.0, brand_id.0, is_active.0, sort.0, limit.0, cursor.0)?;
        let query = ProductQuery { with_stock_at: pdv_id.0.map(Into::into), ..base };
        let query_limit = query.limit;
        let actor = actor(&self.app, &auth, req).await?;
        let page_of = self.app.catalog.products(&actor, query).await?;
        Ok(Json(ProductPage {
            data: page_of.items.iter().map(Into::into).collect(),
            limit: query_limit,
            has_next: page_of.next.is_some(),
            next_cursor: next_cursor(page_of.next),
        }))
    }

    /// Products with their stock per point of sale (only `pdv_id`'s when given), with the list's search,
    /// filters and order; `low_stock_only` keeps products below their minimum (there) (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/products/pdv", method = "get", operation_id = "list_products_stock_by_pdv")]
    async fn list_by_pdv(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        category_id: Query<Option<Uuid>>,
        brand_id: Query<Option<Uuid>>,
        is_active: Query<Option<bool>>,
        pdv_id: Query<Option<Uuid>>,
        low_stock_only: Query<Option<bool>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ProductStockPage>> {
        let base = product_query(search.0, category_id.0, brand_id.0, is_active.0, sort.0, limit.0, cursor.0)?;
        let query = ProductQuery {
            low_stock_only: low_stock_only.0.unwrap_or(false),
            low_stock_pdv: pdv_id.0.map(Into::into),
            ..base
        };
        let query_limit = query.limit;
        let actor = actor(&self.app, &auth, req).await?;
        let page_of = self.app.catalog.products(&actor, query).await?;
        Ok(Json(ProductStockPage {
            data: page_of.items.iter().map(|v| ProductStockOut::at(v, pdv_id.0)).collect(),
            limit: query_limit,
            has_next: page_of.next.is_some(),
            next_cursor: next_cursor(page_of.next),
        }))
    }

    /// Stock levels below their minimum (minimum > 0), optionally at one point of sale (every role).
    #[oai(path = "/products/alerts/low-stock", method = "get", operation_id = "low_stock")]
    async fn low_stock(
        &self,
        auth: BearerAuth,
        req: &Request,
        pdv_id: Query<Option<Uuid>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<LowStockPage>> {
        let page = PageRequest::new(limit.0, None)?;
        let after = cursor.0.as_deref().map(|c| decode_key("cursor", c)).transpose()?;
        let actor = actor(&self.app, &auth, req).await?;
        let after = after.map(|(k, id)| (k, StockId::from_uuid(id)));
        let rows = self.app.catalog.low_stock(&actor, pdv_id.0.map(Into::into), after, page.limit).await?;
        Ok(Json(LowStockPage {
            items: rows.items.iter().map(Into::into).collect(),
            limit: page.limit,
            next_cursor: next_cursor(rows.next),
        }))
    }

    /// One product with variants, taxes, images and stock per point of sale.
    #[oai(path = "/products/:product_id", method = "get", operation_id = "get_product")]
    async fn get(&self, auth: BearerAuth, req: &Request, product_id: Path<Uuid>) -> ApiResult<Json<ProductOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.product(&actor, product_id.0.into()).await?).into()))
    }

    /// A product's stock at every point of sale (variants nested) and whether any is low.
    #[oai(path = "/products/:product_id/pdv", method = "get", operation_id = "product_stock_by_pdv")]
    async fn stock_by_pdv(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
    ) -> ApiResult<Json<ProductStockOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.product(&actor, product_id.0.into()).await?).into()))
    }

    /// Changes a product (owner, admin): only the fields sent; `tax_ids` replaces its taxes.
    #[oai(path = "/products/:product_id", method = "patch", operation_id = "update_product")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        body: Json<ProductPatch>,
    ) -> ApiResult<Json<ProductOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.update_product(&actor, product_id.0.into(), body.0.into()).await?).into()))
    }

    /// Deletes a product (owner, admin). One with inventory history is archived instead (`hard=true`
    /// then answers 409); otherwise it goes with its variants, stock rows and image files.
    #[oai(path = "/products/:product_id", method = "delete", operation_id = "delete_product")]
    async fn delete(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        hard: Query<Option<bool>>,
    ) -> ApiResult<Deleted> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.catalog.delete_product(&actor, product_id.0.into(), hard.0.unwrap_or(false)).await?;
        Ok(Deleted::Done)
    }
}
