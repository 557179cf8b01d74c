//! Two companies; every catalog endpoint probed by one with the other's ids answers 404 (or 422 for
//! an id inside a body) and leaks nothing.

use crate::api_catalog::main_pdv;
use crate::harness::TestApp;
use crate::on_every_backend;
use serde_json::json;

on_every_backend!(catalogs_never_see_each_other);

async fn catalogs_never_see_each_other(t: TestApp) {
    let a = t.owner().await;
    let b = t.owner().await;
    let (ac, bc) = (Some(a.context.as_str()), Some(b.context.as_str()));
    let b_main = main_pdv(&t, &b).await;
    let b_pdv = t.post("/pdvs", bc, json!({"name": "Bodega B", "address": "B"})).await.expect(201);
    let b_brand = t.post("/brands", bc, json!({"name": "Marca B"})).await.expect(201);
    let b_cat = t.post("/categories", bc, json!({"name": "Categoría B"})).await.expect(201);
    let b_tax = t
        .post("/taxes", bc, json!({"name": "Tasa B", "code": "99", "rate": "0.01", "type": "OTHER"}))
        .await
        .expect(201);
    let body = json!({"name": "Secreto B", "sku": "SEC-B", "barCode": "999", "brand_id": b_brand["id"], "category_id": b_cat["id"],
        "tax_ids": [b_tax["id"]], "variants": [{"sku": "SEC-B-1", "stocks": [{"pdv_id": b_main, "quantity": "5", "min_quantity": "9"}]}]});
    let b_prod = t.post("/products", bc, body).await.expect(201);
    let (pdv, brand, cat, tax, prod) = (
        b_pdv["id"].as_str().unwrap(),
        b_brand["id"].as_str().unwrap(),
        b_cat["id"].as_str().unwrap(),
        b_tax["id"].as_str().unwrap(),
        b_prod["id"].as_str().unwrap(),
    );
    let variant = b_prod["variants"][0]["id"].as_str().unwrap();
    let image_up = json!({"filename": "b.png", "content_type": "image/png"});
    let up = t.post(&format!("/products/{prod}/images/upload-url"), bc, image_up.clone()).await.expect(200);
    let put = t
        .client
        .put(up["upload_url"].as_str().unwrap().trim_start_matches("http://localhost"))
        .content_type("image/png");
    assert_eq!(put.body(b"png".to_vec()).send().await.0.status().as_u16(), 200);
    let image = t
        .post(&format!("/products/{prod}/images"), bc, json!({"key": up["key"], "file_name": "b.png"}))
        .await
        .expect(201);
    let img = image["id"].as_str().unwrap();

    // B's records through A: 404.
    for path in [
        format!("/pdvs/{pdv}"),
        format!("/brands/{brand}"),
        format!("/categories/{cat}"),
        format!("/taxes/{tax}"),
        format!("/products/{prod}"),
    ] {
        t.get(&path, ac).await.problem(404, "not_found");
        t.patch(&path, ac, json!({"name": "Robado"})).await.problem(404, "not_found");
        t.delete(&path, ac).await.problem(404, "not_found");
    }
    t.post(&format!("/pdvs/{pdv}/main"), ac, json!({})).await.problem(404, "not_found");
    for path in ["variants", "taxes", "images"] {
        t.get(&format!("/products/{prod}/{path}"), ac).await.problem(404, "not_found");
    }
    t.post(&format!("/products/{prod}/variants"), ac, json!({"sku": "X-1"})).await.problem(404, "not_found");
    t.patch(&format!("/products/{prod}/variants/{variant}"), ac, json!({"sku": "X-2"})).await.problem(404, "not_found");
    t.post(&format!("/products/{prod}/taxes"), ac, json!([])).await.problem(404, "not_found");
    t.post(&format!("/products/{prod}/calculate-taxes?base_amount=1"), ac, json!({})).await.problem(404, "not_found");
    t.patch(
        &format!("/products/{prod}/stock/{b_main}/min-quantity"),
        ac,
        json!({"min_quantity": "1", "variant_id": variant}),
    )
    .await
    .problem(404, "not_found");
    t.post(&format!("/products/{prod}/images/upload-url"), ac, image_up).await.problem(404, "not_found");
    t.post(&format!("/products/{prod}/images"), ac, json!({"key": up["key"], "file_name": "x.png"}))
        .await
        .problem(404, "not_found");
    t.patch(&format!("/products/{prod}/images/{img}"), ac, json!({"is_primary": true})).await.problem(404, "not_found");
    t.delete(&format!("/products/{prod}/images/{img}"), ac).await.problem(404, "not_found");
    t.post(&format!("/taxes/calculate?base_amount=1&tax_ids={tax}"), ac, json!({})).await.problem(404, "not_found");

    // B's stock, movements and kardex through A: 404, and A's lists hold none of them.
    for path in [
        format!("/stock/product/{prod}"),
        format!("/stock/product/{prod}/summary"),
        format!("/stock/product/{prod}/pdv/{b_main}?variant_id={variant}"),
        format!("/stock/kardex?product_id={prod}"),
    ] {
        t.get(&path, ac).await.problem(404, "not_found");
    }
    t.patch(&format!("/stock/product/{prod}/pdv/{b_main}"), ac, json!({"min_quantity": "1", "variant_id": variant}))
        .await
        .problem(404, "not_found");
    let steal =
        json!({"product_id": prod, "variant_id": variant, "pdv_id": b_main, "movement_type": "OUT", "quantity": "1"});
    t.post("/movements", ac, steal).await.problem(404, "not_found");
    let a_pdv = main_pdv(&t, &a).await;
    let transfer = json!({"from_pdv_id": b_main, "to_pdv_id": a_pdv, "lines": [{"product_id": prod, "variant_id": variant, "quantity": "1"}]});
    let p = t.post("/movements/transfer", ac, transfer).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_pdv");
    assert_eq!(t.get(&format!("/movements?product_id={prod}"), ac).await.expect(200)["items"], json!([]));
    assert_eq!(t.get("/movements", ac).await.expect(200)["items"], json!([]));
    t.patch("/stock/settings", ac, json!({"sell_in_negative": true})).await.expect(200);
    assert_eq!(t.get("/stock/settings", bc).await.expect(200)["sell_in_negative"], false, "settings are per company");

    // B's ids inside A's bodies do not resolve.
    let a_main = main_pdv(&t, &a).await;
    let p = t
        .post("/products", ac, json!({"name": "X", "sku": "X-9", "brand_id": brand}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_brand");
    let p = t
        .post("/products", ac, json!({"name": "X", "sku": "X-9", "category_id": cat}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_category");
    let p =
        t.post("/products", ac, json!({"name": "X", "sku": "X-9", "stocks": [{"pdv_id": pdv, "quantity": "1"}]})).await;
    assert_eq!(p.problem(422, "validation_failed")["errors"][0]["code"], "unknown_pdv");
    t.post("/products", ac, json!({"name": "X", "sku": "X-9", "tax_ids": [tax]})).await.problem(404, "not_found");

    // A's lists hold only A's rows; the same sku and barcode are free in A.
    let lists = [
        ("/pdvs", "pdvs"),
        ("/brands", "brands"),
        ("/categories", "categories"),
        ("/products", "data"),
        ("/products/pdv?low_stock_only=true", "data"),
    ];
    for (path, key) in lists {
        let list = t.get(path, ac).await.expect(200);
        let text = list[key].to_string();
        assert!(!text.contains(" B") && !text.contains(prod), "{path} leaks: {text}");
    }
    let taxes = t.get("/taxes?limit=100", ac).await.expect(200).to_string();
    assert!(!taxes.contains("Tasa B"));
    assert_eq!(t.get("/products?search=SEC", ac).await.expect(200)["data"], json!([]));
    assert_eq!(t.get("/products/alerts/low-stock", ac).await.expect(200)["items"], json!([]));
    let mine =
        json!({"name": "Mío", "sku": "SEC-B", "barCode": "999", "stocks": [{"pdv_id": a_main, "quantity": "1"}]});
    t.post("/products", ac, mine).await.expect(201);
    t.post("/brands", ac, json!({"name": "Marca B"})).await.expect(201);

    // B is untouched.
    let after = t.get(&format!("/products/{prod}"), bc).await.expect(200);
    assert_eq!((after["name"].as_str(), after["quantityStock"].as_str()), (Some("Secreto B"), Some("5")));
    assert_eq!(
        t.get(&format!("/movements?product_id={prod}"), bc).await.expect(200)["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(t.get(&format!("/products/{prod}/images"), bc).await.expect(200).as_array().unwrap().len(), 1);
    assert_eq!(t.get("/products/alerts/low-stock", bc).await.expect(200)["items"].as_array().unwrap().len(), 1);
}
