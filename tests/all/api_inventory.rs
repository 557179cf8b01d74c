//! Stock, movements, transfers and the kardex through the whole HTTP app.

use crate::api_catalog::{main_pdv, pdv};
use crate::harness::{Owner, TestApp};
use crate::on_every_backend;
use serde_json::{json, Value};

on_every_backend!(
    movements_follow_their_sign_and_the_one_rule,
    transfers_move_every_line_or_none,
    kardex_reads_like_a_card_across_pages,
    roles_on_inventory,
);

pub async fn product(t: &TestApp, o: &Owner, sku: &str, pdv: &str, qty: &str, cost: &str) -> String {
    let body = json!({"name": format!("Producto {sku}"), "sku": sku, "priceBase": cost,
        "stocks": [{"pdv_id": pdv, "quantity": qty}]});
    t.post("/products", Some(&o.context), body).await.expect(201)["id"].as_str().unwrap().to_string()
}

pub fn movement(product: &str, pdv: &str, kind: &str, qty: &str) -> Value {
    json!({"product_id": product, "pdv_id": pdv, "movement_type": kind, "quantity": qty, "reason": "conteo"})
}

pub async fn quantity_at(t: &TestApp, o: &Owner, product: &str, pdv: &str) -> String {
    let rows = t.get(&format!("/stock/product/{product}"), Some(&o.context)).await.expect(200);
    let row = rows.as_array().unwrap().iter().find(|r| r["pdv_id"] == pdv);
    row.map_or("0".to_string(), |r| r["quantity"].as_str().unwrap().to_string())
}

async fn movements_follow_their_sign_and_the_one_rule(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let p = product(&t, &o, "MOV-1", &main, "10", "100").await;
    let m = t
        .post(
            "/movements",
            Some(&o.context),
            json!({"product_id": p, "pdv_id": main, "movement_type": "IN", "quantity": "5", "unit_cost": "130"}),
        )
        .await
        .expect(201);
    assert_eq!(
        (m["quantity"].as_str(), m["balance_after"].as_str(), m["unit_cost"].as_str()),
        (Some("5"), Some("15"), Some("130.00"))
    );
    let refused = t
        .post("/movements", Some(&o.context), movement(&p, &main, "OUT", "20"))
        .await
        .problem(409, "insufficient_stock");
    assert_eq!(
        refused["detail"],
        "Stock insuficiente para 'Producto MOV-1' en 'Principal'. Disponible: 15, Solicitado: 20"
    );
    assert_eq!(quantity_at(&t, &o, &p, &main).await, "15", "a refused movement writes nothing");
    let listed = t.get(&format!("/movements?product_id={p}"), Some(&o.context)).await.expect(200);
    let kinds: Vec<&str> =
        listed["items"].as_array().unwrap().iter().map(|m| m["movement_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["IN", "INITIAL"], "newest first, no trace of the refused one");
    let out = t.post("/movements", Some(&o.context), movement(&p, &main, "OUT", "15")).await.expect(201);
    assert_eq!((out["quantity"].as_str(), out["balance_after"].as_str()), (Some("-15"), Some("0")));
    assert_eq!(out["unit_cost"], "110.00", "an outflow is valued at the weighted average cost");
    for (body, field) in [
        (json!({"product_id": p, "pdv_id": main, "movement_type": "ADJUSTMENT", "quantity": "-1"}), "reason"),
        (movement(&p, &main, "IN", "-3"), "quantity"),
        (movement(&p, &main, "OUT", "0"), "quantity"),
        (movement(&p, &main, "IN", "1.0005"), "quantity"),
        (movement(&p, &main, "TRANSFER_OUT", "1"), "movement_type"),
        (movement(&p, &main, "SALE", "1"), "movement_type"),
    ] {
        let e = t.post("/movements", Some(&o.context), body).await.problem(422, "validation_failed");
        assert_eq!(e["errors"][0]["field"], field, "{e}");
    }
    t.post("/movements", Some(&o.context), movement(&p, &main, "ADJUSTMENT", "-1"))
        .await
        .problem(409, "insufficient_stock");
    let settings = t.patch("/stock/settings", Some(&o.context), json!({"sell_in_negative": true})).await.expect(200);
    assert_eq!(settings["sell_in_negative"], true);
    let neg = t.post("/movements", Some(&o.context), movement(&p, &main, "ADJUSTMENT", "-1")).await.expect(201);
    assert_eq!(neg["balance_after"], "-1", "the company allows negative stock now");
    t.patch("/stock/settings", Some(&o.context), json!({"sell_in_negative": false})).await.expect(200);
    t.post("/movements", Some(&o.context), movement(&p, &main, "OUT", "1")).await.problem(409, "insufficient_stock");
    // A product's own flag allows it for that product only.
    let flexible = product(&t, &o, "MOV-2", &main, "0", "1").await;
    t.patch(&format!("/products/{flexible}"), Some(&o.context), json!({"sellInNegative": true})).await.expect(200);
    assert_eq!(
        t.post("/movements", Some(&o.context), movement(&flexible, &main, "OUT", "2")).await.expect(201)
            ["balance_after"],
        "-2"
    );
    // Services keep no stock; products with variants need the variant; unknown products are 404.
    let svc = t
        .post("/products", Some(&o.context), json!({"name": "Servicio", "sku": "SRV-M", "kind": "service"}))
        .await
        .expect(201);
    let e = t.post("/movements", Some(&o.context), movement(svc["id"].as_str().unwrap(), &main, "IN", "1")).await;
    assert_eq!(e.problem(422, "validation_failed")["errors"][0]["code"], "service_has_no_stock");
    let v = t
        .post("/products", Some(&o.context), json!({"name": "Con talla", "sku": "TAL", "variants": [{"sku": "TAL-M"}]}))
        .await
        .expect(201);
    let e = t.post("/movements", Some(&o.context), movement(v["id"].as_str().unwrap(), &main, "IN", "1")).await;
    assert_eq!(e.problem(422, "validation_failed")["errors"][0]["field"], "variant_id");
    let with_variant = json!({"product_id": v["id"], "variant_id": v["variants"][0]["id"], "pdv_id": main, "movement_type": "IN", "quantity": "4"});
    assert_eq!(t.post("/movements", Some(&o.context), with_variant).await.expect(201)["balance_after"], "4");
    t.post("/movements", Some(&o.context), movement(&uuid::Uuid::now_v7().to_string(), &main, "IN", "1"))
        .await
        .problem(404, "not_found");
    let summary = t.get(&format!("/stock/product/{p}/summary"), Some(&o.context)).await.expect(200);
    assert_eq!((summary["total_quantity"].as_str(), summary["product_sku"].as_str()), (Some("-1"), Some("MOV-1")));
    let one = t.get(&format!("/stock/product/{p}/pdv/{main}"), Some(&o.context)).await.expect(200);
    assert_eq!((one["quantity"].as_str(), one["pdv_name"].as_str()), (Some("-1"), Some("Principal")));
    let norte = pdv(&t, &o, "Norte").await;
    t.get(&format!("/stock/product/{p}/pdv/{norte}"), Some(&o.context)).await.problem(404, "not_found");
    let min = t
        .patch(&format!("/stock/product/{p}/pdv/{norte}"), Some(&o.context), json!({"min_quantity": "2"}))
        .await
        .expect(200);
    assert_eq!((min["quantity"].as_str(), min["is_low_stock"].as_bool()), (Some("0"), Some(true)));
}

async fn transfers_move_every_line_or_none(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let a = product(&t, &o, "TRA-A", &main, "10", "50").await;
    let b = product(&t, &o, "TRA-B", &main, "3", "20").await;
    let too_much = json!({"from_pdv_id": main, "to_pdv_id": norte, "lines": [{"product_id": a, "quantity": "4"}, {"product_id": b, "quantity": "5"}]});
    let e = t.post("/movements/transfer", Some(&o.context), too_much).await.problem(409, "insufficient_stock");
    assert!(e["detail"].as_str().unwrap().contains("TRA-B"), "{e}");
    assert_eq!(
        (quantity_at(&t, &o, &a, &main).await, quantity_at(&t, &o, &a, &norte).await),
        ("10".into(), "0".into()),
        "nothing moved"
    );
    let ok = json!({"from_pdv_id": main, "to_pdv_id": norte, "notes": "reposición", "lines": [{"product_id": a, "quantity": "4"}, {"product_id": b, "quantity": "3"}]});
    let done = t.post("/movements/transfer", Some(&o.context), ok).await.expect(201);
    let moves = done["movements"].as_array().unwrap();
    assert_eq!(moves.len(), 4);
    assert!(moves.iter().all(|m| m["document_id"] == done["transfer_id"] && m["document_type"] == "transfer"));
    let to_norte = moves.iter().find(|m| m["product_id"] == a.as_str() && m["movement_type"] == "TRANSFER_IN").unwrap();
    assert_eq!(
        (to_norte["quantity"].as_str(), to_norte["unit_cost"].as_str()),
        (Some("4"), Some("50.00")),
        "received at the source's average cost"
    );
    assert_eq!((quantity_at(&t, &o, &a, &main).await, quantity_at(&t, &o, &a, &norte).await), ("6".into(), "4".into()));
    assert_eq!((quantity_at(&t, &o, &b, &main).await, quantity_at(&t, &o, &b, &norte).await), ("0".into(), "3".into()));
    let by_doc = t
        .get(&format!("/movements?document_id={}", done["transfer_id"].as_str().unwrap()), Some(&o.context))
        .await
        .expect(200);
    assert_eq!(by_doc["items"].as_array().unwrap().len(), 4);
    let same = json!({"from_pdv_id": main, "to_pdv_id": main, "lines": [{"product_id": a, "quantity": "1"}]});
    assert_eq!(
        t.post("/movements/transfer", Some(&o.context), same).await.problem(422, "validation_failed")["errors"][0]
            ["code"],
        "same_pdv"
    );
    let dup = json!({"from_pdv_id": main, "to_pdv_id": norte, "lines": [{"product_id": a, "quantity": "1"}, {"product_id": a, "quantity": "1"}]});
    assert_eq!(
        t.post("/movements/transfer", Some(&o.context), dup).await.problem(422, "validation_failed")["errors"][0]
            ["code"],
        "duplicate_item"
    );
    t.patch(&format!("/pdvs/{norte}"), Some(&o.context), json!({"is_active": false})).await.expect(200);
    let inactive = json!({"from_pdv_id": main, "to_pdv_id": norte, "lines": [{"product_id": a, "quantity": "1"}]});
    let e = t.post("/movements/transfer", Some(&o.context), inactive).await.problem(422, "validation_failed");
    assert_eq!(
        (e["errors"][0]["field"].as_str(), e["errors"][0]["code"].as_str()),
        (Some("to_pdv_id"), Some("inactive_pdv"))
    );
    assert_eq!(quantity_at(&t, &o, &a, &main).await, "6");
}

async fn kardex_reads_like_a_card_across_pages(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let p = product(&t, &o, "KAR-1", &main, "10", "100").await;
    t.post(
        "/movements",
        Some(&o.context),
        json!({"product_id": p, "pdv_id": main, "movement_type": "IN", "quantity": "10", "unit_cost": "200"}),
    )
    .await
    .expect(201);
    t.post("/movements", Some(&o.context), movement(&p, &main, "OUT", "5")).await.expect(201);
    let whole = t.get(&format!("/stock/kardex?product_id={p}"), Some(&o.context)).await.expect(200);
    let lines = whole["lines"].as_array().unwrap();
    let card: Vec<(&str, &str, &str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["movement"]["movement_type"].as_str().unwrap(),
                l["quantity_in"].as_str().unwrap(),
                l["quantity_out"].as_str().unwrap(),
                l["balance"].as_str().unwrap(),
                l["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        card,
        [
            ("INITIAL", "10", "0", "10", "1000.00"),
            ("IN", "10", "0", "20", "3000.00"),
            ("OUT", "0", "5", "15", "2250.00")
        ]
    );
    assert_eq!(
        (lines[2]["average_cost"].as_str(), whole["closing_balance"].as_str(), whole["opening_balance"].as_str()),
        (Some("150.00"), Some("15"), Some("0"))
    );
    let first = t.get(&format!("/stock/kardex?product_id={p}&limit=2"), Some(&o.context)).await.expect(200);
    assert_eq!(first["closing_balance"], "20");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second =
        t.get(&format!("/stock/kardex?product_id={p}&limit=2&cursor={cursor}"), Some(&o.context)).await.expect(200);
    assert_eq!(
        (second["opening_balance"].as_str(), second["opening_value"].as_str()),
        (Some("20"), Some("3000.00")),
        "a page opens where the previous closed"
    );
    assert_eq!(
        (second["lines"].as_array().unwrap().len(), second["closing_balance"].as_str(), second["next_cursor"].as_str()),
        (1, Some("15"), None)
    );
    let stock = quantity_at(&t, &o, &p, &main).await;
    assert_eq!(stock, "15", "the kardex closes at the stock");
    let later = t
        .get(&format!("/stock/kardex?product_id={p}&date_from=2999-01-01T00:00:00Z"), Some(&o.context))
        .await
        .expect(200);
    assert_eq!((later["opening_balance"].as_str(), later["lines"].as_array().unwrap().len()), (Some("15"), 0));
    t.get(
        &format!("/stock/kardex?product_id={p}&date_from=2999-01-02T00:00:00Z&date_to=2999-01-01T00:00:00Z"),
        Some(&o.context),
    )
    .await
    .problem(422, "validation_failed");
    t.get(&format!("/stock/kardex?product_id={}", uuid::Uuid::now_v7()), Some(&o.context))
        .await
        .problem(404, "not_found");
}

async fn roles_on_inventory(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let p = product(&t, &o, "ROL-1", &main, "10", "1").await;
    let (_, seller, _) = t.member(&o, "seller").await;
    t.post("/movements", Some(&seller), movement(&p, &main, "OUT", "1")).await.expect(201);
    let transfer = json!({"from_pdv_id": main, "to_pdv_id": norte, "lines": [{"product_id": p, "quantity": "1"}]});
    t.post("/movements/transfer", Some(&seller), transfer.clone()).await.expect(201);
    t.patch("/stock/settings", Some(&seller), json!({"sell_in_negative": true}))
        .await
        .problem(403, "insufficient_role");
    for role in ["accountant", "viewer"] {
        let (_, ctx, _) = t.member(&o, role).await;
        t.get(&format!("/stock/product/{p}"), Some(&ctx)).await.expect(200);
        t.get(&format!("/stock/kardex?product_id={p}"), Some(&ctx)).await.expect(200);
        t.get("/movements", Some(&ctx)).await.expect(200);
        t.get("/stock/settings", Some(&ctx)).await.expect(200);
        t.post("/movements", Some(&ctx), movement(&p, &main, "IN", "1")).await.problem(403, "insufficient_role");
        t.post("/movements/transfer", Some(&ctx), transfer.clone()).await.problem(403, "insufficient_role");
    }
    assert_eq!(quantity_at(&t, &o, &p, &main).await, "8");
}
