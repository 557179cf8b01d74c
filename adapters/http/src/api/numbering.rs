//! DIAN numbering ranges of the points of sale (`/numbering-ranges/...`).

use super::sales_dto::RangeIn;
use super::sales_receipts::RangeOut;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct NumberingApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Created {
    /// Created.
    #[oai(status = 201)]
    Range(Json<RangeOut>),
}

#[derive(ApiResponse)]
enum Deleted {
    /// Deleted.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(tag = "ApiTags::Numbering")]
impl NumberingApi {
    /// Adds a numbering range to a point of sale (owner, admin): one active range per PDV and kind.
    #[oai(path = "/numbering-ranges", method = "post", operation_id = "create_numbering_range")]
    async fn create(&self, auth: BearerAuth, req: &Request, body: Json<RangeIn>) -> ApiResult<Created> {
        let actor = actor(&self.app, &auth, req).await?;
        let range = self.app.sales.create_range(&actor, body.0.into()).await?;
        Ok(Created::Range(Json((&range).into())))
    }

    /// The numbering ranges of one point of sale or of all (every role), active first.
    #[oai(path = "/numbering-ranges", method = "get", operation_id = "list_numbering_ranges")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        pdv_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<Vec<RangeOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ranges = self.app.sales.ranges(&actor, pdv_id.0.map(Into::into)).await?;
        Ok(Json(ranges.iter().map(RangeOut::from).collect()))
    }

    /// One numbering range (every role).
    #[oai(path = "/numbering-ranges/:range_id", method = "get", operation_id = "get_numbering_range")]
    async fn get(&self, auth: BearerAuth, req: &Request, range_id: Path<Uuid>) -> ApiResult<Json<RangeOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.sales.range(&actor, range_id.0.into()).await?).into()))
    }

    /// Replaces a range (owner, admin). Once a number was taken, only `range_to` (never below the last
    /// number taken), the validity and `is_active` may change.
    #[oai(path = "/numbering-ranges/:range_id", method = "put", operation_id = "update_numbering_range")]
    async fn update(
        &self,
        auth: BearerAuth,
        req: &Request,
        range_id: Path<Uuid>,
        body: Json<RangeIn>,
    ) -> ApiResult<Json<RangeOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.sales.update_range(&actor, range_id.0.into(), body.0.into()).await?).into()))
    }

    /// Deletes a range no number was taken from (owner, admin); a used one is 409 `range_in_use`.
    #[oai(path = "/numbering-ranges/:range_id", method = "delete", operation_id = "delete_numbering_range")]
    async fn delete(&self, auth: BearerAuth, req: &Request, range_id: Path<Uuid>) -> ApiResult<Deleted> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.sales.delete_range(&actor, range_id.0.into()).await?;
        Ok(Deleted::Done)
    }
}
