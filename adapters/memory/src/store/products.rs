//! A tenant's products, variants, images and product taxes in memory.

use super::{seed, MemTx, TenantData};
use ally360::catalog::model::{GroupKind, Product, ProductImage, Variant};
use ally360::catalog::repo::{ListSort, ProductQuery, ProductRecord, ProductRepo};
use ally360::kernel::*;
use async_trait::async_trait;

fn clash(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_some() && a == b
}

fn record(data: &TenantData, p: &Product) -> ProductRecord {
    let mut variants: Vec<Variant> = data.variants.values().filter(|v| v.product_id == p.id).cloned().collect();
    variants.sort_by_key(|v| v.id);
    let tax_ids = data.product_taxes.get(&p.id).cloned().unwrap_or_default();
    let mut taxes: Vec<_> =
        seed::system_taxes().iter().chain(data.taxes.values()).filter(|t| tax_ids.contains(&t.id)).cloned().collect();
    taxes.sort_by_key(|t| t.id);
    let mut images: Vec<ProductImage> = data.images.values().filter(|i| i.product_id == p.id).cloned().collect();
    images.sort_by_key(|i| (i.sort_order, i.created_at));
    let mut stock: Vec<_> = data.stocks.values().filter(|s| s.item.product_id == p.id).cloned().collect();
    stock.sort_by_key(|s| s.id);
    let mut pdv_names: Vec<(PdvId, String)> =
        stock.iter().filter_map(|s| data.pdvs.get(&s.pdv_id).map(|pdv| (pdv.id, pdv.name.clone()))).collect();
    pdv_names.sort();
    pdv_names.dedup();
    let group = |kind, id: Option<GroupId>| id.and_then(|id| data.group(kind, id)).map(|g| (g.id, g.name.clone()));
    ProductRecord {
        product: p.clone(),
        variants,
        taxes,
        images,
        stock,
        brand: group(GroupKind::Brand, p.brand_id),
        category: group(GroupKind::Category, p.category_id),
        pdv_names,
    }
}

fn matches(data: &TenantData, p: &Product, q: &ProductQuery) -> bool {
    let text = q.search.as_ref().map(|s| s.to_lowercase());
    let hit = |v: &str| text.as_ref().is_some_and(|t| v.to_lowercase().contains(t));
    let exact = |b: &Option<String>| q.search.is_some() && b.as_ref() == q.search.as_ref();
    let variant_hit = || data.variants.values().any(|v| v.product_id == p.id && (hit(&v.sku) || exact(&v.barcode)));
    let key = match q.sort {
        ListSort::Name => p.name.to_lowercase(),
        ListSort::Created => p.created_at.timestamp_micros().to_string(),
    };
    let after_ok = q.after.as_ref().is_none_or(|(k, id)| match q.sort {
        ListSort::Name => (key.as_str(), p.id.as_uuid()) > (k.as_str(), *id),
        ListSort::Created => {
            let k: i64 = k.parse().unwrap_or(i64::MAX);
            (p.created_at.timestamp_micros(), p.id.as_uuid()) > (k, *id)
        }
    });
    p.deleted_at.is_none()
        && q.category.is_none_or(|c| p.category_id == Some(c))
        && q.brand.is_none_or(|b| p.brand_id == Some(b))
        && q.is_active.is_none_or(|a| p.is_active == a)
        && (!q.low_stock_only
            || data
                .stocks
                .values()
                .any(|s| s.item.product_id == p.id && s.is_low() && q.low_stock_pdv.is_none_or(|pdv| s.pdv_id == pdv)))
        && q.with_stock_at.is_none_or(|pdv| {
            data.stocks.values().any(|s| s.item.product_id == p.id && s.pdv_id == pdv && s.quantity > Quantity::ZERO)
        })
        && (text.is_none() || hit(&p.name) || hit(&p.sku) || exact(&p.barcode) || variant_hit())
        && after_ok
}

#[async_trait]
impl ProductRepo for MemTx {
    async fn insert(&mut self, p: &Product) -> CoreResult<()> {
        let data = self.tenant_data()?;
        let live = |o: &&Product| o.id != p.id && o.deleted_at.is_none() && p.deleted_at.is_none();
        if data.products.values().filter(live).any(|o| o.sku.to_lowercase() == p.sku.to_lowercase()) {
            return Err(CoreError::conflict_on("sku_taken", "sku", "another product has this sku"));
        }
        if data.products.values().filter(live).any(|o| clash(&o.barcode, &p.barcode)) {
            return Err(CoreError::conflict_on("barcode_taken", "barCode", "another product has this barcode"));
        }
        data.products.insert(p.id, p.clone());
        Ok(())
    }
    async fn update(&mut self, p: &Product) -> CoreResult<()> {
        ProductRepo::insert(self, p).await
    }
    async fn by_id(&mut self, id: ProductId) -> CoreResult<Option<Product>> {
        Ok(self.tenant_data()?.products.get(&id).cloned())
    }
    async fn lock(&mut self, id: ProductId) -> CoreResult<Option<Product>> {
        ProductRepo::by_id(self, id).await
    }
    async fn records(&mut self, ids: &[ProductId]) -> CoreResult<Vec<ProductRecord>> {
        let data = self.tenant_data()?;
        Ok(ids.iter().filter_map(|id| data.products.get(id)).map(|p| record(data, p)).collect())
    }
    async fn page(&mut self, q: &ProductQuery) -> CoreResult<Vec<ProductRecord>> {
        let data = self.tenant_data()?;
        let mut rows: Vec<&Product> = data.products.values().filter(|p| matches(data, p, q)).collect();
        match q.sort {
            ListSort::Name => rows.sort_by_key(|p| (p.name.to_lowercase(), p.id)),
            ListSort::Created => rows.sort_by_key(|p| (p.created_at, p.id)),
        }
        Ok(rows.into_iter().take(q.limit as usize).map(|p| record(data, p)).collect())
    }
    async fn delete(&mut self, id: ProductId) -> CoreResult<()> {
        let data = self.tenant_data()?;
        data.products.remove(&id);
        data.variants.retain(|_, v| v.product_id != id);
        data.images.retain(|_, i| i.product_id != id);
        data.product_taxes.remove(&id);
        data.stocks.retain(|_, s| s.item.product_id != id);
        Ok(())
    }
    async fn insert_variant(&mut self, v: &Variant) -> CoreResult<()> {
        let data = self.tenant_data()?;
        let others = || data.variants.values().filter(|o| o.id != v.id);
        if others().any(|o| o.sku.to_lowercase() == v.sku.to_lowercase()) {
            return Err(CoreError::conflict_on("variant_sku_taken", "sku", "another variant has this sku"));
        }
        if others().any(|o| clash(&o.barcode, &v.barcode)) {
            return Err(CoreError::conflict_on("variant_barcode_taken", "barcode", "another variant has this barcode"));
        }
        data.variants.insert(v.id, v.clone());
        Ok(())
    }
    async fn update_variant(&mut self, v: &Variant) -> CoreResult<()> {
        self.insert_variant(v).await
    }
    async fn variant(&mut self, id: VariantId) -> CoreResult<Option<Variant>> {
        Ok(self.tenant_data()?.variants.get(&id).cloned())
    }
    async fn set_taxes(&mut self, product: ProductId, taxes: &[TaxId]) -> CoreResult<()> {
        self.tenant_data()?.product_taxes.insert(product, taxes.to_vec());
        Ok(())
    }
    async fn insert_image(&mut self, image: &ProductImage) -> CoreResult<()> {
        let data = self.tenant_data()?;
        if data.images.values().any(|i| i.object_key == image.object_key) {
            return Err(CoreError::conflict_on("already_attached", "key", "this upload is already attached"));
        }
        data.images.insert(image.id, image.clone());
        Ok(())
    }
    async fn update_image(&mut self, image: &ProductImage) -> CoreResult<()> {
        self.tenant_data()?.images.insert(image.id, image.clone());
        Ok(())
    }
    async fn images(&mut self, product: ProductId) -> CoreResult<Vec<ProductImage>> {
        let mut rows: Vec<ProductImage> =
            self.tenant_data()?.images.values().filter(|i| i.product_id == product).cloned().collect();
        rows.sort_by_key(|i| (i.sort_order, i.created_at));
        Ok(rows)
    }
    async fn delete_image(&mut self, id: ImageId) -> CoreResult<()> {
        self.tenant_data()?.images.remove(&id);
        Ok(())
    }
}
