//! Stock (`/stock/...`) and movements (`/movements/...`): levels, settings, kardex, posting and transfers.

use super::inventory_dto::*;
use super::pdvs::next_cursor;
use super::product_dto::MinQuantityIn;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::problem::ApiResult;
use ally360::inventory::model::{InventorySettings, MovementQuery, MovementType};
use ally360::inventory::{MovementInput, TransferInput};
use ally360::kernel::{decode_key, time_of_key, CoreError, MovementId, PageRequest};
use ally360::App;
use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

pub struct InventoryApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum Posted {
    /// Posted.
    #[oai(status = 201)]
    Movement(Json<MovementOut>),
}

#[derive(ApiResponse)]
enum Transferred {
    /// Both legs of every line were posted.
    #[oai(status = 201)]
    Transfer(Json<TransferOut>),
}

/// The filters common to movement lists and the kardex.
struct Filters {
    product: Option<Uuid>,
    variant: Option<Uuid>,
    pdv: Option<Uuid>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    limit: Option<i64>,
    cursor: Option<String>,
}

fn query(f: Filters) -> Result<MovementQuery, crate::problem::ApiError> {
    let page = PageRequest::new(f.limit, None)?;
    let after = match f.cursor.as_deref() {
        Some(c) => {
            let (key, id) = decode_key("cursor", c)?;
            Some((time_of_key(&key)?, MovementId::from_uuid(id)))
        }
        None => None,
    };
    Ok(MovementQuery {
        product: f.product.map(Into::into),
        variant: f.variant.map(|v| Some(v.into())),
        pdv: f.pdv.map(Into::into),
        from: f.from,
        to: f.to,
        after,
        limit: page.limit,
        ..Default::default()
    })
}

#[OpenApi(tag = "ApiTags::Inventory")]
impl InventoryApi {
    /// A product's stock at every point of sale (every role).
    #[oai(path = "/stock/product/:product_id", method = "get", operation_id = "product_stock")]
    async fn product_stock(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<StockOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(stock_rows(&self.app.inventory.product_stock(&actor, product_id.0.into()).await?)))
    }

    /// A product's total stock and its stock per point of sale (every role).
    #[oai(path = "/stock/product/:product_id/summary", method = "get", operation_id = "product_stock_summary")]
    async fn summary(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
    ) -> ApiResult<Json<StockSummaryOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let s = self.app.inventory.product_stock(&actor, product_id.0.into()).await?;
        let pdv_stocks = stock_rows(&s);
        Ok(Json(StockSummaryOut {
            product_id: s.product.id.as_uuid(),
            product_name: s.product.name.clone(),
            product_sku: s.product.sku.clone(),
            total_quantity: pdv_stocks.iter().map(|r| r.quantity).sum(),
            pdv_stocks,
        }))
    }

    /// The stock of a product (or one variant) at one point of sale.
    #[oai(path = "/stock/product/:product_id/pdv/:pdv_id", method = "get", operation_id = "product_stock_at_pdv")]
    async fn at_pdv(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        pdv_id: Path<Uuid>,
        variant_id: Query<Option<Uuid>>,
    ) -> ApiResult<Json<StockOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let s = self.app.inventory.product_stock(&actor, product_id.0.into()).await?;
        let row = stock_rows(&s).into_iter().find(|r| r.pdv_id == pdv_id.0 && r.variant_id == variant_id.0);
        Ok(Json(row.ok_or(CoreError::NotFound { entity: "stock" })?))
    }

    /// Sets the minimum quantity of a product (or variant) at a point of sale (owner, admin).
    #[oai(path = "/stock/product/:product_id/pdv/:pdv_id", method = "patch", operation_id = "set_stock_minimum")]
    async fn set_minimum(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        pdv_id: Path<Uuid>,
        body: Json<MinQuantityIn>,
    ) -> ApiResult<Json<StockOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let (product, variant) = (product_id.0, body.0.variant_id);
        self.app
            .catalog
            .set_min_quantity(&actor, product.into(), pdv_id.0.into(), variant.map(Into::into), body.0.min_quantity)
            .await?;
        let s = self.app.inventory.product_stock(&actor, product.into()).await?;
        let row = stock_rows(&s).into_iter().find(|r| r.pdv_id == pdv_id.0 && r.variant_id == variant);
        Ok(Json(row.ok_or(CoreError::NotFound { entity: "stock" })?))
    }

    /// The company's inventory settings.
    #[oai(path = "/stock/settings", method = "get", operation_id = "inventory_settings")]
    async fn settings(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<InventorySettingsDto>> {
        let actor = actor(&self.app, &auth, req).await?;
        let s = self.app.inventory.settings(&actor).await?;
        Ok(Json(InventorySettingsDto { sell_in_negative: s.sell_in_negative }))
    }

    /// Changes the company's inventory settings (owner, admin).
    #[oai(path = "/stock/settings", method = "patch", operation_id = "update_inventory_settings")]
    async fn update_settings(
        &self,
        auth: BearerAuth,
        req: &Request,
        body: Json<InventorySettingsDto>,
    ) -> ApiResult<Json<InventorySettingsDto>> {
        let actor = actor(&self.app, &auth, req).await?;
        let settings = InventorySettings { sell_in_negative: body.0.sell_in_negative };
        let s = self.app.inventory.save_settings(&actor, settings).await?;
        Ok(Json(InventorySettingsDto { sell_in_negative: s.sell_in_negative }))
    }

    /// The kardex of a product: opening balance, movements oldest first with running balance and value at
    /// weighted average cost, closing balance; pages continue from the previous closing (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/stock/kardex", method = "get", operation_id = "kardex")]
    async fn kardex(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Query<Uuid>,
        variant_id: Query<Option<Uuid>>,
        pdv_id: Query<Option<Uuid>>,
        date_from: Query<Option<DateTime<Utc>>>,
        date_to: Query<Option<DateTime<Utc>>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<KardexOut>> {
        let f = Filters {
            product: Some(product_id.0),
            variant: variant_id.0,
            pdv: pdv_id.0,
            from: date_from.0,
            to: date_to.0,
            limit: limit.0,
            cursor: cursor.0,
        };
        let q = query(f)?;
        let actor = actor(&self.app, &auth, req).await?;
        let k = self.app.inventory.kardex(&actor, q).await?;
        Ok(Json(KardexOut::new(&k, next_cursor(k.next.clone()))))
    }

    /// Posts an IN, OUT or ADJUSTMENT (owner, admin, seller): 409 with the available quantity when it
    /// would take stock below zero and the company does not allow it.
    #[oai(path = "/movements", method = "post", operation_id = "post_movement")]
    async fn post(&self, auth: BearerAuth, req: &Request, body: Json<MovementIn>) -> ApiResult<Posted> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = body.0;
        let input = MovementInput {
            product_id: b.product_id,
            variant_id: b.variant_id,
            pdv_id: b.pdv_id,
            movement_type: b.movement_type,
            quantity: b.quantity,
            unit_cost: b.unit_cost,
            reason: b.reason,
            notes: b.notes,
        };
        Ok(Posted::Movement(Json((&self.app.inventory.post_movement(&actor, input).await?).into())))
    }

    /// Movements, newest first, filtered by product, variant, PDV, type, document and dates (every role).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/movements", method = "get", operation_id = "list_movements")]
    async fn list(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Query<Option<Uuid>>,
        variant_id: Query<Option<Uuid>>,
        pdv_id: Query<Option<Uuid>>,
        movement_type: Query<Option<String>>,
        document_id: Query<Option<Uuid>>,
        date_from: Query<Option<DateTime<Utc>>>,
        date_to: Query<Option<DateTime<Utc>>>,
        limit: Query<Option<i64>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<MovementPage>> {
        let kind = match movement_type.0.as_deref() {
            None => None,
            Some(t) => Some(MovementType::parse(t.trim()).ok_or_else(|| {
                CoreError::invalid("movement_type", "invalid_type", "a movement type such as IN, OUT, ADJUSTMENT")
            })?),
        };
        let f = Filters {
            product: product_id.0,
            variant: variant_id.0,
            pdv: pdv_id.0,
            from: date_from.0,
            to: date_to.0,
            limit: limit.0,
            cursor: cursor.0,
        };
        let q = ally360::inventory::model::MovementQuery { kind, document_id: document_id.0, ..query(f)? };
        let actor = actor(&self.app, &auth, req).await?;
        let limit = q.limit;
        let page = self.app.inventory.movements(&actor, q).await?;
        Ok(Json(MovementPage {
            items: page.items.iter().map(Into::into).collect(),
            limit,
            next_cursor: next_cursor(page.next),
        }))
    }

    /// Moves stock between two active points of sale, every line or none (owner, admin, seller).
    #[oai(path = "/movements/transfer", method = "post", operation_id = "transfer_stock")]
    async fn transfer(&self, auth: BearerAuth, req: &Request, body: Json<TransferIn>) -> ApiResult<Transferred> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = body.0;
        let input = TransferInput {
            from_pdv_id: b.from_pdv_id,
            to_pdv_id: b.to_pdv_id,
            lines: b.lines.into_iter().map(Into::into).collect(),
            notes: b.notes,
        };
        let t = self.app.inventory.transfer(&actor, input).await?;
        Ok(Transferred::Transfer(Json(TransferOut {
            transfer_id: t.id,
            movements: t.movements.iter().map(Into::into).collect(),
        })))
    }
}
