//! Product images through presigned uploads: at most 10 per product, JPEG/PNG/WebP up to 5 MB,
//! ordered, exactly one primary while any exist.

use super::model::ProductImage;
use super::products::{live, not_found, ProductView};
use super::repo::ProductRecord;
use super::service::CatalogService;
use crate::files::{self, UploadTicket};
use crate::kernel::{validate, Actor, CoreError, CoreResult, ImageId, Permission, ProductId};
use crate::ports::{in_tenant, PresignedUrl, TenantTx};

/// Most images per product.
pub const MAX_IMAGES: usize = 10;

/// An image with a short-lived download URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageView {
    pub image: ProductImage,
    pub url: PresignedUrl,
}

fn too_many() -> CoreError {
    CoreError::conflict("too_many_images", "a product has at most 10 images")
}

fn image_not_found() -> CoreError {
    CoreError::NotFound { entity: "image" }
}

/// Keeps exactly one primary image: `primary` when given, else the current one, else the first.
async fn settle_primary(tx: &mut dyn TenantTx, product: ProductId, primary: Option<ImageId>) -> CoreResult<()> {
    let images = tx.products().images(product).await?;
    let chosen =
        primary.or_else(|| images.iter().find(|i| i.is_primary).map(|i| i.id)).or_else(|| images.first().map(|i| i.id));
    // Unset first, then set: at no point do two images of the product claim to be primary.
    let (set, unset): (Vec<ProductImage>, Vec<ProductImage>) =
        images.into_iter().filter(|i| i.is_primary != (Some(i.id) == chosen)).partition(|i| !i.is_primary);
    for mut image in unset.into_iter().chain(set) {
        image.is_primary = !image.is_primary;
        tx.products().update_image(&image).await?;
    }
    Ok(())
}

impl CatalogService {
    fn owner(actor: &Actor) -> String {
        actor.tenant.to_string()
    }

    /// A URL to upload an image for a product (owner, admin).
    pub async fn image_upload(
        &self,
        actor: &Actor,
        product: ProductId,
        filename: &str,
        content_type: &str,
    ) -> CoreResult<UploadTicket> {
        actor.require(Permission::CatalogWrite)?;
        let count = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                Ok(tx.products().images(product).await?.len())
            })
        })
        .await?;
        if count >= MAX_IMAGES {
            return Err(too_many());
        }
        files::image_upload(&self.ctx, &Self::owner(actor), "products", filename, content_type).await
    }

    /// Adds an uploaded image to the product after checking it (type, size). It goes last; the first
    /// image, or one sent with `is_primary`, becomes the primary one.
    pub async fn attach_image(
        &self,
        actor: &Actor,
        product: ProductId,
        key: &str,
        file_name: &str,
        is_primary: bool,
    ) -> CoreResult<ImageView> {
        actor.require(Permission::CatalogWrite)?;
        let file_name = validate::text("file_name", file_name, 1, 200).map_err(|e| CoreError::Validation(vec![e]))?;
        // Another company's product is 404 before anything about the upload is said.
        in_tenant(self.ctx.store(), actor, move |tx| Box::pin(async move { live(tx, product).await.map(drop) }))
            .await?;
        let (object_key, info) = files::check_image(&self.ctx, key, &Self::owner(actor), "products").await?;
        let mut image = ProductImage {
            id: ImageId::new(),
            product_id: product,
            object_key,
            file_name,
            file_size: info.size,
            content_type: info.content_type.unwrap_or_default(),
            is_primary: false,
            sort_order: 0,
            created_at: self.ctx.now(),
        };
        let stored = image.clone();
        let saved = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                let existing = tx.products().images(product).await?;
                if existing.len() >= MAX_IMAGES {
                    return Err(too_many());
                }
                image.sort_order = existing.iter().map(|i| i.sort_order + 1).max().unwrap_or(0);
                tx.products().insert_image(&image).await?;
                settle_primary(tx, product, is_primary.then_some(image.id)).await?;
                image.is_primary = is_primary || existing.is_empty();
                Ok(image)
            })
        })
        .await;
        match saved {
            Ok(image) => self.image_views(vec![image]).await.map(|mut v| v.remove(0)),
            Err(e) => {
                // The copy made by the check belongs to nobody now.
                files::discard(&self.ctx, Some(stored.object_key)).await;
                Err(e)
            }
        }
    }

    /// A product's images in order, with download URLs (every role).
    pub async fn images(&self, actor: &Actor, product: ProductId) -> CoreResult<Vec<ImageView>> {
        actor.require(Permission::CatalogRead)?;
        let images = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                tx.products().by_id(product).await?.filter(|p| p.deleted_at.is_none()).ok_or_else(not_found)?;
                tx.products().images(product).await
            })
        })
        .await?;
        self.image_views(images).await
    }

    /// Makes an image the primary one and/or moves it to a position (0 = first); returns all images.
    pub async fn update_image(
        &self,
        actor: &Actor,
        product: ProductId,
        id: ImageId,
        make_primary: bool,
        position: Option<usize>,
    ) -> CoreResult<Vec<ImageView>> {
        actor.require(Permission::CatalogWrite)?;
        let images = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                let mut images = tx.products().images(product).await?;
                let at = images.iter().position(|i| i.id == id).ok_or_else(image_not_found)?;
                if let Some(to) = position {
                    let moved = images.remove(at);
                    images.insert(to.min(images.len()), moved);
                    // The (product, order) uniqueness is checked at commit, so rows may share an order mid-way.
                    for (n, image) in images.iter_mut().enumerate() {
                        image.sort_order = n as i32;
                        tx.products().update_image(image).await?;
                    }
                }
                settle_primary(tx, product, make_primary.then_some(id)).await?;
                tx.products().images(product).await
            })
        })
        .await?;
        self.image_views(images).await
    }

    /// Deletes an image and its file (owner, admin); the next image becomes primary if needed.
    pub async fn delete_image(&self, actor: &Actor, product: ProductId, id: ImageId) -> CoreResult<()> {
        actor.require(Permission::CatalogWrite)?;
        let key = in_tenant(self.ctx.store(), actor, move |tx| {
            Box::pin(async move {
                live(tx, product).await?;
                let images = tx.products().images(product).await?;
                let image = images.into_iter().find(|i| i.id == id).ok_or_else(image_not_found)?;
                tx.products().delete_image(id).await?;
                settle_primary(tx, product, None).await?;
                Ok(image.object_key)
            })
        })
        .await?;
        files::discard(&self.ctx, Some(key)).await;
        Ok(())
    }

    pub(super) async fn image_views(&self, images: Vec<ProductImage>) -> CoreResult<Vec<ImageView>> {
        let mut out = Vec::with_capacity(images.len());
        for image in images {
            let url = self.ctx.ports.objects.presign_get(&image.object_key, files::DOWNLOAD_TTL).await?;
            out.push(ImageView { image, url });
        }
        Ok(out)
    }

    /// The reader's view of a record: every image, or only the primary one for lists.
    pub(super) async fn view(&self, mut record: ProductRecord, primary_only: bool) -> CoreResult<ProductView> {
        // One order whatever the adapter: taxes as the calculator lists them, the rest by id.
        record.taxes.sort_by(|a, b| (a.kind, &a.name, a.id).cmp(&(b.kind, &b.name, b.id)));
        record.variants.sort_by_key(|v| v.id);
        record.stock.sort_by_key(|s| s.id);
        let mut images = std::mem::take(&mut record.images);
        if primary_only {
            images.retain(|i| i.is_primary);
        }
        let images = self.image_views(images).await?;
        Ok(ProductView { record, images })
    }
}
