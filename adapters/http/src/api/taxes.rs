//! Taxes (`/taxes/...`) and the tax calculator.

use super::catalog_dto::*;
use super::pdvs::{name_query, next_cursor, ListParams};
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::kernel::TaxId;
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use rust_decimal::Decimal;
use uuid::Uuid;

pub struct TaxesApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Tax(Json<TaxOut>),
}

#[derive(ApiResponse)]
enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(tag = "ApiTags::Taxes")]
impl TaxesApi {
    /// Creates a company tax (owner, admin). Withholdings (WITHHOLDING, MUNICIPAL) are subtracted.
    #[oai(path = "/taxes", method = "post", operation_id = "create_tax")]
    async fn create(&self, auth: BearerAuth, req: &Request, body: Json<TaxIn>) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Created::Tax(Json((&self.app.catalog.create_tax(&actor, body.0.into()).await?).into())))
    }

    /// The system taxes and the company's own, by name (or `sort=created`) (every role).
    #[oai(path = "/taxes", method = "get", operation_id = "list_taxes")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        search: Query<Option<String>>,
        sort: Query<Option<String>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<TaxPage>> {
        let query = name_query(ListParams(search.0, None, sort.0, limit.0, cursor.0))?;
        let actor = actor(&self.app, &auth, req).await?;
        let limit = query.limit;
        let (page, total) = self.app.catalog.taxes(&actor, query).await?;
        Ok(Json(TaxPage {
            taxes: page.items.iter().map(Into::into).collect(),
            total,
            limit,
            next_cursor: next_cursor(page.next),
        }))
    }

    /// Applies taxes to a tax-exclusive base: each rounded half-up to 2 decimals; withholdings
    /// subtracted. Unknown ids are 404 (every role).
    #[oai(path = "/taxes/calculate", method = "post", operation_id = "calculate_taxes")]
    async fn calculate(
        &self,
        auth: BearerAuth,
        req: &Request,
        base_amount: Query<Decimal>,
        tax_ids: Query<Vec<Uuid>>,
    ) -> ApiResult<Json<TaxCalculationOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ids = tax_ids.0.into_iter().map(TaxId::from_uuid).collect();
        Ok(Json(self.app.catalog.calculate_taxes(&actor, base_amount.0, ids).await?.into()))
    }

    /// One tax the company can see.
    #[oai(path = "/taxes/:tax_id", method = "get", operation_id = "get_tax")]
    async fn get(&self, auth: BearerAuth, req: &Request, tax_id: Path<Uuid>) -> ApiResult<Json<TaxOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.tax(&actor, tax_id.0.into()).await?).into()))
    }

    /// Changes a company tax (owner, admin); system taxes are 403.
    #[oai(path = "/taxes/:tax_id", method = "patch", operation_id = "update_tax")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        tax_id: Path<Uuid>,
        body: Json<TaxIn>,
    ) -> ApiResult<Json<TaxOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.catalog.update_tax(&actor, tax_id.0.into(), body.0.into()).await?).into()))
    }

    /// Deletes a company tax no product carries (owner, admin); 409 says how many do.
    #[oai(path = "/taxes/:tax_id", method = "delete", operation_id = "delete_tax")]
    async fn delete(&self, auth: BearerAuth, req: &Request, tax_id: Path<Uuid>) -> ApiResult<Deleted> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.catalog.delete_tax(&actor, tax_id.0.into()).await?;
        Ok(Deleted::Done)
    }
}
