//! The parts of a product (`/products/{id}/...`): variants, taxes, images, minimum stock.

use super::catalog_dto::{TaxCalculationOut, TaxOut};
use super::product_dto::*;
use super::product_out::*;
use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::dto::{MessageOut, UploadOut};
use crate::problem::ApiResult;
use ally360::kernel::TaxId;
use ally360::App;
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use rust_decimal::Decimal;
use uuid::Uuid;

pub struct ProductPartsApi {
    pub app: App,
}

#[derive(ApiResponse)]
enum VariantCreated {
    /// Created.
    #[oai(status = 201)]
    Variant(Json<VariantOut>),
}

#[derive(ApiResponse)]
enum ImageCreated {
    /// Attached.
    #[oai(status = 201)]
    Image(Json<ImageOut>),
}

/// A tax carried by a product.
#[derive(Object)]
pub struct ProductTaxOut {
    /// The tax id.
    pub id: Uuid,
    pub tax: TaxOut,
}

fn product_taxes(taxes: &[ally360::catalog::tax::Tax]) -> Vec<ProductTaxOut> {
    taxes.iter().map(|t| ProductTaxOut { id: t.id.as_uuid(), tax: t.into() }).collect()
}

#[OpenApi(tag = "ApiTags::Products")]
impl ProductPartsApi {
    /// A product's variants (every role).
    #[oai(path = "/products/:product_id/variants", method = "get", operation_id = "list_variants")]
    async fn variants(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<VariantOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let view = self.app.catalog.product(&actor, product_id.0.into()).await?;
        let price = view.record.product.price;
        Ok(Json(view.record.variants.iter().map(|v| VariantOut::new(v, price)).collect()))
    }

    /// Adds a variant with its initial stock to a product created with variants (owner, admin).
    #[oai(path = "/products/:product_id/variants", method = "post", operation_id = "add_variant")]
    async fn add_variant(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        body: Json<VariantIn>,
    ) -> ApiResult<VariantCreated> {
        let actor = actor(&self.app, &auth, req).await?;
        let id = product_id.0.into();
        let variant = self.app.catalog.add_variant(&actor, id, body.0.into()).await?;
        let price = self.app.catalog.product(&actor, id).await?.record.product.price;
        Ok(VariantCreated::Variant(Json(VariantOut::new(&variant, price))))
    }

    /// Changes a variant (owner, admin); `price: null` makes it sell at the product's price.
    #[oai(path = "/products/:product_id/variants/:variant_id", method = "patch", operation_id = "update_variant")]
    async fn update_variant(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        variant_id: Path<Uuid>,
        body: Json<VariantPatch>,
    ) -> ApiResult<Json<VariantOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let id = product_id.0.into();
        let variant = self.app.catalog.update_variant(&actor, id, variant_id.0.into(), body.0.into()).await?;
        let price = self.app.catalog.product(&actor, id).await?.record.product.price;
        Ok(Json(VariantOut::new(&variant, price)))
    }

    /// A product's taxes (every role).
    #[oai(path = "/products/:product_id/taxes", method = "get", operation_id = "list_product_taxes")]
    async fn taxes(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<ProductTaxOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(product_taxes(&self.app.catalog.product_taxes(&actor, product_id.0.into()).await?)))
    }

    /// Replaces a product's taxes with these ids (owner, admin): de-duplicated, at most one VAT;
    /// an empty array removes them all.
    #[oai(path = "/products/:product_id/taxes", method = "post", operation_id = "set_product_taxes")]
    async fn set_taxes(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        body: Json<Vec<Uuid>>,
    ) -> ApiResult<Json<Vec<ProductTaxOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ids = body.0.into_iter().map(TaxId::from_uuid).collect();
        Ok(Json(product_taxes(&self.app.catalog.set_product_taxes(&actor, product_id.0.into(), ids).await?)))
    }

    /// The product's taxes on `base_amount` (default: its sale price), with the one calculator.
    #[oai(path = "/products/:product_id/calculate-taxes", method = "post", operation_id = "calculate_product_taxes")]
    async fn calculate(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        base_amount: Query<Option<Decimal>>,
    ) -> ApiResult<Json<TaxCalculationOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = self.app.catalog.product_tax_calculation(&actor, product_id.0.into(), base_amount.0).await?;
        Ok(Json(b.into()))
    }

    /// Sets the minimum quantity at a point of sale, for low-stock alerts (owner, admin).
    #[oai(
        path = "/products/:product_id/stock/:pdv_id/min-quantity",
        method = "patch",
        operation_id = "set_min_quantity"
    )]
    async fn min_quantity(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        pdv_id: Path<Uuid>,
        body: Json<MinQuantityIn>,
    ) -> ApiResult<Json<StockLevelOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let variant = body.0.variant_id.map(Into::into);
        let level = self
            .app
            .catalog
            .set_min_quantity(&actor, product_id.0.into(), pdv_id.0.into(), variant, body.0.min_quantity)
            .await?;
        Ok(Json((&level).into()))
    }

    /// A URL to upload a product image (JPEG, PNG or WebP, at most 5 MB; at most 10 per product).
    #[oai(path = "/products/:product_id/images/upload-url", method = "post", operation_id = "product_image_upload_url")]
    async fn image_upload(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        body: Json<ImageUploadIn>,
    ) -> ApiResult<Json<UploadOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let ticket =
            self.app.catalog.image_upload(&actor, product_id.0.into(), &body.0.filename, &body.0.content_type).await?;
        Ok(Json(ticket.into()))
    }

    /// Attaches an uploaded image (checked: type, size); it goes last (owner, admin).
    #[oai(path = "/products/:product_id/images", method = "post", operation_id = "attach_product_image")]
    async fn attach_image(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        body: Json<ImageAttachIn>,
    ) -> ApiResult<ImageCreated> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = body.0;
        let image = self
            .app
            .catalog
            .attach_image(&actor, product_id.0.into(), &b.key, &b.file_name, b.is_primary.unwrap_or(false))
            .await?;
        Ok(ImageCreated::Image(Json((&image).into())))
    }

    /// A product's images in order, with short-lived URLs (every role).
    #[oai(path = "/products/:product_id/images", method = "get", operation_id = "list_product_images")]
    async fn images(&self, auth: BearerAuth, req: &Request, product_id: Path<Uuid>) -> ApiResult<Json<Vec<ImageOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let images = self.app.catalog.images(&actor, product_id.0.into()).await?;
        Ok(Json(images.iter().map(Into::into).collect()))
    }

    /// Makes an image the primary one and/or moves it; answers every image in the new order.
    #[oai(path = "/products/:product_id/images/:image_id", method = "patch", operation_id = "update_product_image")]
    async fn update_image(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        image_id: Path<Uuid>,
        body: Json<ImagePatch>,
    ) -> ApiResult<Json<Vec<ImageOut>>> {
        let actor = actor(&self.app, &auth, req).await?;
        let b = body.0;
        let images = self
            .app
            .catalog
            .update_image(
                &actor,
                product_id.0.into(),
                image_id.0.into(),
                b.is_primary.unwrap_or(false),
                b.position.map(|p| p as usize),
            )
            .await?;
        Ok(Json(images.iter().map(Into::into).collect()))
    }

    /// Deletes an image and its file (owner, admin).
    #[oai(path = "/products/:product_id/images/:image_id", method = "delete", operation_id = "delete_product_image")]
    async fn delete_image(
        &self,
        auth: BearerAuth,
        req: &Request,
        product_id: Path<Uuid>,
        image_id: Path<Uuid>,
    ) -> ApiResult<Json<MessageOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        self.app.catalog.delete_image(&actor, product_id.0.into(), image_id.0.into()).await?;
        Ok(Json(MessageOut::new("Imagen eliminada exitosamente")))
    }
}
