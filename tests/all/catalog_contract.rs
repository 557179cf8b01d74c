//! The catalog and stock repositories' contract, run on the memory adapter and on PostgreSQL: full
//! records read back equal, one stock row per (item, PDV), the negative-stock rule applied
//! atomically under concurrency, weighted average cost, keyset order, tenant-bound reads.

use crate::harness::{database_url, store, Backend, TestApp};
use ally360::catalog::model::*;
use ally360::catalog::repo::{ListSort, ProductQuery};
use ally360::inventory::model::{Item, Movement, MovementType};
use ally360::kernel::*;
use ally360::ports::{in_tenant, BoxFuture, Store, TenantTx};
use chrono::{DateTime, SubsecRound, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn within<T: Send + 'static>(
    store: &Arc<dyn Store>,
    tenant: TenantId,
    work: impl for<'t> FnOnce(&'t mut dyn TenantTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
) -> CoreResult<T> {
    let actor = Actor { user: UserId::new(), tenant, role: Role::Owner, session: SessionId::new() };
    in_tenant(&**store, &actor, work).await
}

fn product(name: &str, sku: &str, has_variants: bool) -> Product {
    let (at, by) = (now(), UserId::new());
    Product {
        id: ProductId::new(),
        name: name.into(),
        sku: sku.into(),
        description: Some("desc".into()),
        barcode: Some(format!("B{sku}")),
        kind: ProductKind::Product,
        unit: "kg".into(),
        price: Money::new(d("1234.50")),
        cost: Money::new(d("99.99")),
        sell_in_negative: false,
        brand_id: None,
        category_id: None,
        has_variants,
        is_active: true,
        deleted_at: None,
        created_by: by,
        updated_by: by,
        created_at: at,
        updated_at: at,
    }
}

fn movement(item: Item, pdv: PdvId, qty: &str, cost: Option<&str>) -> Movement {
    Movement {
        id: MovementId::new(),
        item,
        pdv_id: pdv,
        movement_type: MovementType::In,
        quantity: Quantity::new(d(qty)),
        unit_cost: cost.map(|c| Money::new(d(c))),
        balance_after: Quantity::ZERO,
        document_type: None,
        document_id: None,
        document_number: None,
        notes: None,
        created_by: UserId::new(),
        created_at: now(),
    }
}

async fn main_pdv(store: &Arc<dyn Store>, tenant: TenantId) -> PdvId {
    within(store, tenant, |tx| Box::pin(async move { tx.pdvs().list().await })).await.unwrap()[0].id
}

async fn catalog_suite(store: Arc<dyn Store>, t: &TestApp) {
    let a: TenantId = t.owner().await.company.parse().unwrap();
    let b: TenantId = t.owner().await.company.parse().unwrap();
    let pdv = main_pdv(&store, a).await;
    let at = now();
    let brand = Group {
        id: GroupId::new(),
        kind: GroupKind::Brand,
        name: "Ñandú".into(),
        description: None,
        is_active: true,
        created_at: at,
        updated_at: at,
    };
    let mut p = product("Café molido", "CAF-1", true);
    p.brand_id = Some(brand.id);
    let variant = Variant {
        id: VariantId::new(),
        product_id: p.id,
        sku: "CAF-1-500".into(),
        barcode: Some("770500".into()),
        attributes: [("peso".to_string(), "500 g".to_string())].into(),
        price: Some(Money::new(d("10.10"))),
        is_active: true,
        created_at: at,
        updated_at: at,
    };
    let image = ProductImage {
        id: ImageId::new(),
        product_id: p.id,
        object_key: format!("{a}/products/x.png"),
        file_name: "x.png".into(),
        file_size: 42,
        content_type: "image/png".into(),
        is_primary: true,
        sort_order: 0,
        created_at: at,
    };
    let item = Item { product_id: p.id, variant_id: Some(variant.id) };
    let iva: TaxId = "01900000-0000-7000-8000-000000000019".parse().unwrap();
    let (g, pr, v, im) = (brand.clone(), p.clone(), variant.clone(), image.clone());
    let record = within(&store, a, move |tx| {
        Box::pin(async move {
            tx.groups().insert(&g).await?;
            tx.products().insert(&pr).await?;
            tx.products().insert_variant(&v).await?;
            tx.products().insert_image(&im).await?;
            tx.products().set_taxes(pr.id, &[iva]).await?;
            let first =
                tx.stock().apply(&movement(item, pdv, "10", Some("100")), false).await?.map(|m| m.balance_after);
            let second =
                tx.stock().apply(&movement(item, pdv, "10", Some("200")), false).await?.map(|m| m.balance_after);
            assert_eq!((first, second), (Some(Quantity::new(d("10"))), Some(Quantity::new(d("20")))));
            tx.stock().set_min(item, pdv, Quantity::new(d("25")), at).await?;
            Ok(tx.products().records(&[pr.id]).await?.remove(0))
        })
    })
    .await
    .unwrap();
    assert_eq!(record.product, p);
    assert_eq!(record.variants, vec![variant.clone()]);
    assert_eq!(record.images, vec![image]);
    assert_eq!(record.taxes.iter().map(|t| (t.id, t.name.as_str())).collect::<Vec<_>>(), [(iva, "IVA 19%")]);
    assert_eq!(record.brand, Some((brand.id, "Ñandú".to_string())));
    assert_eq!(record.stock.len(), 1, "one row per (item, PDV)");
    let level = &record.stock[0];
    assert_eq!((level.quantity, level.min_quantity), (Quantity::new(d("20")), Quantity::new(d("25"))));
    assert_eq!(level.avg_cost, Money::new(d("150")), "weighted average of 10 @ 100 and 10 @ 200");
    assert!(level.is_low());
    assert_eq!(record.pdv_names, vec![(pdv, "Principal".to_string())]);

    // The rule: a decrement past zero is refused (nothing written) unless negative stock is allowed.
    let refused = within(&store, a, move |tx| {
        Box::pin(async move { tx.stock().apply(&movement(item, pdv, "-21", None), false).await })
    })
    .await
    .unwrap();
    assert!(refused.is_none());
    let allowed = within(&store, a, move |tx| {
        Box::pin(async move { tx.stock().apply(&movement(item, pdv, "-21", None), true).await })
    })
    .await
    .unwrap()
    .expect("allowed");
    assert_eq!(allowed.balance_after, Quantity::new(d("-1")));
    assert_eq!(allowed.unit_cost, Some(Money::new(d("150"))), "a removal is recorded at the average cost");

    // Concurrent decrements of the last units: exactly as many succeed as there are units.
    let simple = product("Arepa", "ARE-1", false);
    let sitem = Item { product_id: simple.id, variant_id: None };
    let s = simple.clone();
    within(&store, a, move |tx| {
        Box::pin(async move {
            tx.products().insert(&s).await?;
            tx.stock().apply(&movement(sitem, pdv, "10", None), false).await
        })
    })
    .await
    .unwrap();
    let racers = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            within(&store, a, move |tx| {
                Box::pin(async move { tx.stock().apply(&movement(sitem, pdv, "-1", None), false).await })
            })
            .await
            .unwrap()
            .is_some()
        })
    });
    let mut wins = 0;
    for r in racers.collect::<Vec<_>>() {
        wins += usize::from(r.await.unwrap());
    }
    assert_eq!(wins, 10);
    let id = simple.id;
    let levels = within(&store, a, move |tx| Box::pin(async move { tx.stock().levels(&[id]).await })).await.unwrap();
    assert_eq!(levels.iter().map(|l| l.quantity).collect::<Vec<_>>(), [Quantity::ZERO]);

    // Keyset order by name and by creation.
    let q = ProductQuery { after: Some(("arepa".into(), simple.id.as_uuid())), limit: 10, ..Default::default() };
    let names = within(&store, a, move |tx| Box::pin(async move { tx.products().page(&q).await })).await.unwrap();
    assert_eq!(names.iter().map(|r| r.product.name.as_str()).collect::<Vec<_>>(), ["Café molido"]);
    let key = p.created_at.timestamp_micros().to_string();
    let q =
        ProductQuery { sort: ListSort::Created, after: Some((key, p.id.as_uuid())), limit: 10, ..Default::default() };
    let created = within(&store, a, move |tx| Box::pin(async move { tx.products().page(&q).await })).await.unwrap();
    assert_eq!(created.iter().map(|r| r.product.id).collect::<Vec<_>>(), [simple.id]);

    // Another tenant sees none of it, and may reuse the skus.
    let (pid, bid) = (p.id, brand.id);
    let seen = within(&store, b, move |tx| {
        Box::pin(async move {
            let records = tx.products().records(&[pid]).await?;
            let group = tx.groups().by_id(GroupKind::Brand, bid).await?;
            let page = tx.products().page(&ProductQuery { limit: 10, ..Default::default() }).await?;
            tx.products().insert(&product("Café", "CAF-1", false)).await?;
            Ok((records.len(), group.is_none(), page.len()))
        })
    })
    .await
    .unwrap();
    assert_eq!(seen, (0, true, 0));
    let clash =
        within(&store, a, |tx| Box::pin(async move { tx.products().insert(&product("Otro", "caf-1", false)).await }))
            .await;
    assert!(matches!(clash, Err(CoreError::Conflict { code: "sku_taken", .. })), "{clash:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_catalog_contract() {
    let t = TestApp::new(Backend::Memory).await;
    catalog_suite(t.app.ports.store.clone(), &t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_catalog_contract() {
    if database_url().is_none() {
        return;
    }
    let t = TestApp::new(Backend::Postgres).await;
    catalog_suite(store(Backend::Postgres).await, &t).await;
}
