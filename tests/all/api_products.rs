//! Products, variants, product taxes, minimum stock and lists through the whole HTTP app.

use crate::api_catalog::{main_pdv, pdv};
use crate::harness::{Owner, TestApp};
use crate::on_every_backend;
use serde_json::{json, Value};

on_every_backend!(
    simple_product_with_taxes_and_initial_stock,
    bad_products_write_nothing,
    variants_keep_their_own_stock,
    archived_products_free_their_sku,
    patch_takes_both_spellings_and_replaces_taxes,
    minimum_quantity_and_low_stock_alerts,
    lists_search_filter_and_walk_by_cursor,
    roles_on_the_catalog,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn system_tax(t: &TestApp, o: &Owner, name: &str) -> String {
    let all = t.get("/taxes?limit=100", Some(&o.context)).await.expect(200);
    id(all["taxes"].as_array().unwrap().iter().find(|t| t["name"] == name).expect("system tax"))
}

async fn simple_product_with_taxes_and_initial_stock(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let iva = system_tax(&t, &o, "IVA 19%").await;
    let brand = id(&t.post("/brands", Some(&o.context), json!({"name": "Colanta"})).await.expect(201));
    let body = json!({"name": "Queso campesino", "sku": "QSO-500", "barCode": "7702001", "unit": "kg",
        "priceSale": "100.50", "priceBase": "70", "brand_id": brand, "tax_ids": [iva, iva],
        "stocks": [{"pdv_id": main, "quantity": "10.5", "min_quantity": "2"}]});
    let p = t.post("/products/simple", Some(&o.context), body).await.expect(201);
    assert_eq!(
        (p["typeProduct"].as_str(), p["kind"].as_str(), p["unit"].as_str()),
        (Some("1"), Some("product"), Some("kg"))
    );
    assert_eq!((p["priceSale"].as_str(), p["priceBase"].as_str()), (Some("100.50"), Some("70.00")));
    assert_eq!((p["quantityStock"].as_str(), p["taxesOption"].as_u64()), (Some("10.5"), Some(1)), "ids de-duplicated");
    assert_eq!(p["brand"]["name"], "Colanta");
    assert_eq!(p["productPdv"][0]["pdv_name"], "Principal");
    assert_eq!(
        (p["productPdv"][0]["quantity"].as_str(), p["productPdv"][0]["min_quantity"].as_str()),
        (Some("10.5"), Some("2"))
    );
    assert_eq!(p["inventoryType"], "Existencias");
    assert_eq!(p["variants"], json!([]), "no hidden default variant");
    let pid = id(&p);
    let calc = t.post(&format!("/products/{pid}/calculate-taxes"), Some(&o.context), json!({})).await.expect(200);
    assert_eq!((calc["lines"][0]["tax_amount"].as_str(), calc["total"].as_str()), (Some("19.10"), Some("119.60")));
    let calc = t.post(&format!("/products/{pid}/calculate-taxes?base_amount=200"), Some(&o.context), json!({})).await;
    assert_eq!(calc.expect(200)["total_taxes"], "38.00");
    let taxes = t.get(&format!("/products/{pid}/taxes"), Some(&o.context)).await.expect(200);
    assert_eq!(taxes[0]["tax"]["name"], "IVA 19%");
    // The initial stock is history: deleting archives instead of removing, and hard delete is 409.
    t.delete(&format!("/products/{pid}?hard=true"), Some(&o.context)).await.problem(409, "product_has_history");
    let got = t.get(&format!("/products/{pid}"), Some(&o.context)).await.expect(200);
    assert_eq!(got["id"], p["id"]);
    // A service keeps no stock.
    let svc = json!({"name": "Instalación", "sku": "SRV-9", "kind": "service", "unit": "hour", "priceSale": "50000"});
    let s = t.post("/products", Some(&o.context), svc).await.expect(201);
    assert_eq!((s["kind"].as_str(), s["inventoryType"].as_str()), (Some("service"), None));
}

async fn bad_products_write_nothing(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let iva19 = system_tax(&t, &o, "IVA 19%").await;
    let iva5 = system_tax(&t, &o, "IVA 5%").await;
    let base = json!({"name": "Café", "sku": "CAFE-1", "barCode": "770123"});
    t.post("/products", Some(&o.context), base.clone()).await.expect(201);
    t.post("/products", Some(&o.context), json!({"name": "Otro", "sku": "cafe-1"})).await.problem(409, "sku_taken");
    t.post("/products", Some(&o.context), json!({"name": "Otro", "sku": "CAFE-2", "barCode": "770123"}))
        .await
        .problem(409, "barcode_taken");
    let two_vats = json!({"name": "Otro", "sku": "CAFE-3", "tax_ids": [iva19, iva5]});
    let p = t.post("/products", Some(&o.context), two_vats).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "multiple_vat");
    let unknown_tax = json!({"name": "Otro", "sku": "CAFE-4", "tax_ids": [uuid::Uuid::now_v7()]});
    t.post("/products", Some(&o.context), unknown_tax).await.problem(404, "not_found");
    let other = t.owner().await;
    let foreign = main_pdv(&t, &other).await;
    let bad_stock = json!({"name": "Otro", "sku": "CAFE-5", "stocks": [
        {"pdv_id": foreign, "quantity": "1"}, {"pdv_id": main, "quantity": "-1"}, {"pdv_id": main, "quantity": "1.2345"}]});
    let p = t.post("/products", Some(&o.context), bad_stock).await.problem(422, "validation_failed");
    let errors: Vec<(String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect();
    for (field, code) in [
        ("stocks[1].quantity", "out_of_range"),
        ("stocks[2].quantity", "out_of_range"),
        ("stocks[2].pdv_id", "duplicate_pdv"),
    ] {
        assert!(errors.contains(&(field.to_string(), code.to_string())), "{field} {code} in {errors:?}");
    }
    let foreign_only = json!({"name": "Otro", "sku": "CAFE-6", "stocks": [{"pdv_id": foreign, "quantity": "1"}]});
    let p = t.post("/products", Some(&o.context), foreign_only).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_pdv", "another company's PDV does not exist here");
    let p = t
        .post(
            "/products",
            Some(&o.context),
            json!({"name": "", "sku": "a b", "unit": "pallet", "priceSale": "-1", "kind": "x"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 5, "{p}");
    let svc =
        json!({"name": "Asesoría", "sku": "ASE-1", "kind": "service", "stocks": [{"pdv_id": main, "quantity": "1"}]});
    let p = t.post("/products", Some(&o.context), svc).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "service_has_no_stock");
    let list = t.get("/products?search=CAFE", Some(&o.context)).await.expect(200);
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "no failed create left anything behind");
    t.get(&format!("/products/{}", uuid::Uuid::now_v7()), Some(&o.context)).await.problem(404, "not_found");
}

async fn variants_keep_their_own_stock(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let body = json!({"name": "Camiseta", "sku": "CAM", "priceSale": "30000", "variants": [
        {"sku": "CAM-M-R", "attributes": {"talla": "M", "color": "rojo"}, "stocks": [{"pdv_id": main, "quantity": "5"}]},
        {"sku": "CAM-L-A", "attributes": {"talla": "L", "color": "azul"}, "price": "32000",
         "stocks": [{"pdv_id": main, "quantity": "3"}, {"pdv_id": norte, "quantity": "2", "min_quantity": "4"}]}]});
    let p = t.post("/products", Some(&o.context), body).await.expect(201);
    assert_eq!((p["typeProduct"].as_str(), p["quantityStock"].as_str()), (Some("2"), Some("10")));
    let principal = p["productPdv"].as_array().unwrap().iter().find(|s| s["pdv_id"] == main.as_str()).unwrap();
    assert_eq!((principal["quantity"].as_str(), principal["variants"].as_array().unwrap().len()), (Some("8"), 2));
    let north = p["productPdv"].as_array().unwrap().iter().find(|s| s["pdv_id"] == norte.as_str()).unwrap();
    assert_eq!((north["is_low_stock"].as_bool(), north["variants"][0]["sku"].as_str()), (Some(true), Some("CAM-L-A")));
    assert_eq!(p["inventoryType"], "Pocas existencias");
    let by_pdv = t.get(&format!("/products/{}/pdv", id(&p)), Some(&o.context)).await.expect(200);
    assert_eq!((by_pdv["totalStock"].as_str(), by_pdv["lowStockAlert"].as_bool()), (Some("10"), Some(true)));
    assert_eq!(by_pdv["stocksPdv"].as_array().unwrap().len(), 2);
    let prices: Vec<&str> = p["variants"].as_array().unwrap().iter().map(|v| v["price"].as_str().unwrap()).collect();
    assert!(prices.contains(&"30000.00") && prices.contains(&"32000.00"), "{prices:?}");
    let pid = id(&p);
    let url = format!("/products/{pid}/variants");
    let added = json!({"sku": "CAM-S-V", "attributes": {"talla": "S", "color": "verde"}, "stocks": [{"pdv_id": norte, "quantity": "1"}]});
    let v = t.post(&url, Some(&o.context), added).await.expect(201);
    t.post(&url, Some(&o.context), json!({"sku": "cam-s-v"})).await.problem(409, "variant_sku_taken");
    let same = json!({"sku": "CAM-X", "attributes": {"talla": "M", "color": "rojo"}});
    t.post(&url, Some(&o.context), same).await.problem(409, "duplicate_attributes");
    let vurl = format!("{url}/{}", id(&v));
    let changed = t.patch(&vurl, Some(&o.context), json!({"price": "35000", "is_active": false})).await.expect(200);
    assert_eq!((changed["price_override"].as_str(), changed["is_active"].as_bool()), (Some("35000.00"), Some(false)));
    let back = t.patch(&vurl, Some(&o.context), json!({"price": null})).await.expect(200);
    assert_eq!((back["price"].as_str(), back["price_override"].as_str()), (Some("30000.00"), None));
    assert_eq!(t.get(&url, Some(&o.context)).await.expect(200).as_array().unwrap().len(), 3);
    let found = t.get("/products?search=cam-l", Some(&o.context)).await.expect(200);
    assert_eq!(found["data"][0]["id"], p["id"], "a variant sku finds its product");
    // Request-level rules: distinct skus and attributes, no product-level stock beside variants.
    let dup = json!({"name": "Gorra", "sku": "GOR", "stocks": [{"pdv_id": main, "quantity": "1"}],
        "variants": [{"sku": "G-1", "attributes": {"color": "negro"}}, {"sku": "g-1", "attributes": {"color": "negro"}}]});
    let p = t.post("/products", Some(&o.context), dup).await.problem(422, "validation_failed");
    let codes: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["stock_on_variants", "duplicate_sku", "duplicate_attributes"]);
    let simple = t.post("/products", Some(&o.context), json!({"name": "Lápiz", "sku": "LAP"})).await.expect(201);
    t.post(&format!("/products/{}/variants", id(&simple)), Some(&o.context), json!({"sku": "LAP-R"}))
        .await
        .problem(409, "product_without_variants");
    let min = json!({"min_quantity": "1"});
    let p = t.patch(&format!("/products/{pid}/stock/{main}/min-quantity"), Some(&o.context), min).await;
    assert_eq!(p.problem(422, "validation_failed")["errors"][0]["field"], "variant_id");
}

async fn archived_products_free_their_sku(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let body = json!({"name": "Aceite", "sku": "ACE-1", "stocks": [{"pdv_id": main, "quantity": "2"}]});
    let first = t.post("/products", Some(&o.context), body.clone()).await.expect(201);
    t.delete(&format!("/products/{}", id(&first)), Some(&o.context)).await.expect(204);
    t.get(&format!("/products/{}", id(&first)), Some(&o.context)).await.problem(404, "not_found");
    assert_eq!(t.get("/products?search=ACE", Some(&o.context)).await.expect(200)["data"], json!([]));
    let second = t.post("/products", Some(&o.context), body).await.expect(201);
    assert_ne!(second["id"], first["id"]);
    // Without history a product goes for good.
    let bare = t.post("/products", Some(&o.context), json!({"name": "Sal", "sku": "SAL-1"})).await.expect(201);
    t.delete(&format!("/products/{}?hard=true", id(&bare)), Some(&o.context)).await.expect(204);
    t.get(&format!("/products/{}", id(&bare)), Some(&o.context)).await.problem(404, "not_found");
    t.delete(&format!("/products/{}", id(&bare)), Some(&o.context)).await.problem(404, "not_found");
}

async fn patch_takes_both_spellings_and_replaces_taxes(t: TestApp) {
    let o = t.owner().await;
    let iva = system_tax(&t, &o, "IVA 19%").await;
    let inc = system_tax(&t, &o, "INC 8%").await;
    let brand = id(&t.post("/brands", Some(&o.context), json!({"name": "Marca"})).await.expect(201));
    let body = json!({"name": "Pan", "sku": "PAN-1", "brand_id": brand, "tax_ids": [iva]});
    let p = t.post("/products", Some(&o.context), body).await.expect(201);
    let url = format!("/products/{}", id(&p));
    let patch = json!({"priceSale": "12.5", "price_base": "8", "sell_in_negative": true, "barCode": "777",
        "brand_id": null, "tax_ids": [inc], "description": "Tajado"});
    let changed = t.patch(&url, Some(&o.context), patch).await.expect(200);
    assert_eq!((changed["priceSale"].as_str(), changed["priceBase"].as_str()), (Some("12.50"), Some("8.00")));
    assert_eq!((changed["sellInNegative"].as_bool(), changed["barCode"].as_str()), (Some(true), Some("777")));
    assert_eq!((changed["brand"].clone(), changed["taxes"][0]["name"].as_str()), (Value::Null, Some("INC 8%")));
    assert_eq!(changed["name"], "Pan", "unsent fields stay");
    let state = t.patch(&url, Some(&o.context), json!({"state": false})).await.expect(200);
    assert_eq!(state["state"], false);
    let p = t.patch(&url, Some(&o.context), json!({"brand_id": uuid::Uuid::now_v7()})).await;
    assert_eq!(p.problem(422, "validation_failed")["errors"][0]["code"], "unknown_brand");
    t.post("/products", Some(&o.context), json!({"name": "Otro", "sku": "OTRO-1"})).await.expect(201);
    t.patch(&url, Some(&o.context), json!({"sku": "otro-1"})).await.problem(409, "sku_taken");
    t.patch(&url, Some(&o.context), json!({"priceSale": "1.234"})).await.problem(422, "validation_failed");
    let set = t.post(&format!("{url}/taxes"), Some(&o.context), json!([iva, inc])).await.expect(200);
    assert_eq!(set.as_array().unwrap().len(), 2);
    let cleared = t.post(&format!("{url}/taxes"), Some(&o.context), json!([])).await.expect(200);
    assert_eq!(cleared, json!([]));
    let after = t.get(&url, Some(&o.context)).await.expect(200);
    assert_eq!((after["taxesOption"].as_u64(), after["priceSale"].as_str()), (Some(0), Some("12.50")));
}

async fn minimum_quantity_and_low_stock_alerts(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let body = json!({"name": "Leche", "sku": "LEC-1", "stocks": [{"pdv_id": main, "quantity": "3"}]});
    let p = t.post("/products", Some(&o.context), body).await.expect(201);
    let none = t.get("/products/alerts/low-stock", Some(&o.context)).await.expect(200);
    assert_eq!(none["items"], json!([]), "no minimum, no alert");
    let url = format!("/products/{}/stock/{main}/min-quantity", id(&p));
    let level = t.patch(&url, Some(&o.context), json!({"min_quantity": "3"})).await.expect(200);
    assert_eq!(
        (level["quantity"].as_str(), level["is_low_stock"].as_bool()),
        (Some("3"), Some(false)),
        "3 is not below 3"
    );
    let level = t.patch(&url, Some(&o.context), json!({"min_quantity": "3.5"})).await.expect(200);
    assert_eq!(level["is_low_stock"], true);
    let empty = json!({"name": "Huevos", "sku": "HUE-1"});
    let h = t.post("/products", Some(&o.context), empty).await.expect(201);
    t.patch(
        &format!("/products/{}/stock/{main}/min-quantity", id(&h)),
        Some(&o.context),
        json!({"min_quantity": "12"}),
    )
    .await
    .expect(200);
    let alerts = t.get("/products/alerts/low-stock?limit=1", Some(&o.context)).await.expect(200);
    assert_eq!(
        (alerts["items"][0]["product_name"].as_str(), alerts["items"][0]["pdv_name"].as_str()),
        (Some("Huevos"), Some("Principal"))
    );
    let cursor = alerts["next_cursor"].as_str().unwrap();
    let rest =
        t.get(&format!("/products/alerts/low-stock?limit=1&cursor={cursor}"), Some(&o.context)).await.expect(200);
    assert_eq!((rest["items"][0]["product_sku"].as_str(), rest["next_cursor"].as_str()), (Some("LEC-1"), None));
    let norte = pdv(&t, &o, "Norte").await;
    let at_norte = t.get(&format!("/products/alerts/low-stock?pdv_id={norte}"), Some(&o.context)).await.expect(200);
    assert_eq!(at_norte["items"], json!([]));
    t.patch(&url, Some(&o.context), json!({"min_quantity": "-1"})).await.problem(422, "validation_failed");
    let unknown_pdv = format!("/products/{}/stock/{}/min-quantity", id(&p), uuid::Uuid::now_v7());
    t.patch(&unknown_pdv, Some(&o.context), json!({"min_quantity": "1"})).await.problem(404, "not_found");
    let view = t.get(&format!("/products/{}", id(&p)), Some(&o.context)).await.expect(200);
    assert_eq!(view["productPdv"][0]["min_quantity"], "3.5");
    // The per-PDV view: every product with its stock at one PDV, or only the low ones.
    let by_pdv = t.get(&format!("/products/pdv?pdv_id={main}"), Some(&o.context)).await.expect(200);
    let rows = by_pdv["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1]["name"].as_str(), rows[1]["totalStock"].as_str()), (Some("Leche"), Some("3")));
    let low = t.get(&format!("/products/pdv?pdv_id={main}&low_stock_only=true&search=hue"), Some(&o.context)).await;
    let low = low.expect(200);
    assert_eq!(low["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        (low["data"][0]["name"].as_str(), low["data"][0]["lowStockAlert"].as_bool()),
        (Some("Huevos"), Some(true))
    );
    let elsewhere = t.get(&format!("/products/pdv?pdv_id={norte}&low_stock_only=true"), Some(&o.context)).await;
    assert_eq!(elsewhere.expect(200)["data"], json!([]));
}

async fn lists_search_filter_and_walk_by_cursor(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let cat = id(&t.post("/categories", Some(&o.context), json!({"name": "Bebidas"})).await.expect(201));
    for (name, sku, stock) in [
        ("Jugo de mora", "JUG-1", "1"),
        ("agua 100%", "AGU-1", "0"),
        ("Gaseosa", "GAS_1", "2"),
        ("Cerveza", "CER-1", "0"),
        ("Bonyurt", "BON-1", "5"),
    ] {
        let body = json!({"name": name, "sku": sku, "barCode": format!("77{}", &sku[..3]), "category_id": cat,
            "stocks": [{"pdv_id": main, "quantity": stock}]});
        t.post("/products", Some(&o.context), body).await.expect(201);
    }
    t.post("/products", Some(&o.context), json!({"name": "Zapato", "sku": "ZAP-1", "state": false})).await.expect(201);
    let names = |v: &Value| -> Vec<String> {
        v["data"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
    };
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let url = format!("/products?limit=2{}", cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default());
        let page = t.get(&url, Some(&o.context)).await.expect(200);
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ["agua 100%", "Bonyurt", "Cerveza", "Gaseosa", "Jugo de mora", "Zapato"]);
    let by_created = t.get("/products?sort=created&limit=3", Some(&o.context)).await.expect(200);
    assert_eq!(names(&by_created), ["Jugo de mora", "agua 100%", "Gaseosa"]);
    let next = by_created["next_cursor"].as_str().unwrap();
    let rest = t.get(&format!("/products?sort=created&cursor={next}"), Some(&o.context)).await.expect(200);
    assert_eq!(names(&rest), ["Cerveza", "Bonyurt", "Zapato"]);
    assert_eq!(names(&t.get("/products?search=MORA", Some(&o.context)).await.expect(200)), ["Jugo de mora"]);
    assert_eq!(names(&t.get("/products?search=100%25", Some(&o.context)).await.expect(200)), ["agua 100%"]);
    assert_eq!(
        names(&t.get("/products?search=_", Some(&o.context)).await.expect(200)),
        ["Gaseosa"],
        "wildcards are literal"
    );
    assert_eq!(
        names(&t.get("/products?search=77BON", Some(&o.context)).await.expect(200)),
        ["Bonyurt"],
        "exact barcode"
    );
    assert_eq!(
        names(&t.get("/products?search=77B", Some(&o.context)).await.expect(200)),
        Vec::<String>::new(),
        "barcodes match whole"
    );
    let stocked = t.get(&format!("/products?pdv_id={main}"), Some(&o.context)).await.expect(200);
    assert_eq!(names(&stocked), ["Bonyurt", "Gaseosa", "Jugo de mora"]);
    let filtered = t.get(&format!("/products?category_id={cat}&is_active=true&limit=100"), Some(&o.context)).await;
    assert_eq!(filtered.expect(200)["data"].as_array().unwrap().len(), 5);
    assert_eq!(names(&t.get("/products?is_active=false", Some(&o.context)).await.expect(200)), ["Zapato"]);
    t.get("/products?limit=101", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/products?cursor=nope", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/products?sort=price", Some(&o.context)).await.problem(422, "validation_failed");
    let forged = ally360::kernel::encode_key("yesterday", uuid::Uuid::now_v7());
    t.get(&format!("/products?sort=created&cursor={forged}"), Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/products?category_id=nope", Some(&o.context)).await.problem(422, "invalid_parameter");
}

async fn roles_on_the_catalog(t: TestApp) {
    let o = t.owner().await;
    let p = t.post("/products", Some(&o.context), json!({"name": "Mesa", "sku": "MES-1"})).await.expect(201);
    let url = format!("/products/{}", id(&p));
    let main = main_pdv(&t, &o).await;
    let (_, admin, _) = t.member(&o, "admin").await;
    t.post("/products", Some(&admin), json!({"name": "Silla", "sku": "SIL-1"})).await.expect(201);
    t.post("/pdvs", Some(&admin), json!({"name": "Bodega", "address": "Km 3"})).await.expect(201);
    for role in ["seller", "accountant", "viewer"] {
        let (_, ctx, _) = t.member(&o, role).await;
        assert_eq!(t.get(&url, Some(&ctx)).await.expect(200)["id"], p["id"], "{role} reads products");
        t.get("/products", Some(&ctx)).await.expect(200);
        t.get("/pdvs", Some(&ctx)).await.expect(200);
        t.get("/taxes", Some(&ctx)).await.expect(200);
        t.get("/brands", Some(&ctx)).await.expect(200);
        t.get("/products/alerts/low-stock", Some(&ctx)).await.expect(200);
        t.post(&format!("{url}/calculate-taxes?base_amount=10"), Some(&ctx), json!({})).await.expect(200);
        t.post("/products", Some(&ctx), json!({"name": "X", "sku": "X-1"})).await.problem(403, "insufficient_role");
        t.patch(&url, Some(&ctx), json!({"name": "Y"})).await.problem(403, "insufficient_role");
        t.delete(&url, Some(&ctx)).await.problem(403, "insufficient_role");
        t.post("/pdvs", Some(&ctx), json!({"name": "Z", "address": "Z"})).await.problem(403, "insufficient_role");
        t.post("/brands", Some(&ctx), json!({"name": "Z"})).await.problem(403, "insufficient_role");
        t.post("/taxes", Some(&ctx), json!({"name": "Z", "code": "1", "rate": "0.1", "type": "OTHER"}))
            .await
            .problem(403, "insufficient_role");
        t.patch(&format!("{url}/stock/{main}/min-quantity"), Some(&ctx), json!({"min_quantity": "1"}))
            .await
            .problem(403, "insufficient_role");
        t.post(
            &format!("{url}/images/upload-url"),
            Some(&ctx),
            json!({"filename": "a.png", "content_type": "image/png"}),
        )
        .await
        .problem(403, "insufficient_role");
    }
}
