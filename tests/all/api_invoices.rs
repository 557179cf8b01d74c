//! Invoices through the whole HTTP app: totals, lifecycle, numbering, stock, payments and roles.

use crate::api_inventory::quantity_at;
use crate::harness::TestApp;
use crate::on_every_backend;
use crate::sales_fixture::*;
use serde_json::{json, Value};

on_every_backend!(
    an_invoice_adds_up_from_draft_to_paid,
    numbering_ranges_are_legal_and_never_reserve,
    the_stock_rule_holds_and_void_returns_stock,
    credit_limits_are_enforced_at_confirm,
    invoice_input_is_checked_per_field,
    roles_on_invoices,
);

async fn rete(t: &TestApp, s: &Shop) -> String {
    let body = json!({"name": "Retefuente 2.5%", "code": "06", "rate": "0.025", "type": "withholding"});
    id(&t.post("/taxes", s.token(), body).await.expect(201))
}

fn amounts(v: &Value) -> Vec<&str> {
    ["subtotal", "discount_total", "taxes_total", "withholdings_total", "total_amount", "amount_payable", "balance_due"]
        .iter()
        .map(|k| s(&v[*k]))
        .collect()
}

async fn an_invoice_adds_up_from_draft_to_paid(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "INV-1", &shop.pdv, "10", "100000").await;
    let rete = rete(&t, &shop).await;
    let items = json!([
        {"product_id": p, "quantity": "2", "discount_pct": "10"},
        {"product_id": p, "quantity": "1.5", "unit_price": "20000", "tax_ids": [IVA19, rete], "description": "Instalado"}
    ]);
    let draft = t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", items)).await.expect(201);
    assert_eq!((draft["status"].as_str(), draft["number"].as_str()), (Some("DRAFT"), None), "a draft has no number");
    // 2 × 100 000 − 10 % = 180 000 + 19 %; 1.5 × 20 000 = 30 000 + 19 % − 2.5 % withheld.
    assert_eq!(amounts(&draft), ["230000.00", "20000.00", "39900.00", "750.00", "249900.00", "249150.00", "0.00"]);
    let l = &draft["line_items"];
    assert_eq!(
        (s(&l[0]["line_subtotal"]), s(&l[0]["line_total"]), s(&l[0]["name"])),
        ("180000.00", "214200.00", "Producto INV-1")
    );
    assert_eq!(
        (s(&l[1]["line_subtotal"]), s(&l[1]["withholdings"]), s(&l[1]["name"])),
        ("30000.00", "750.00", "Instalado")
    );
    assert_eq!(draft["customer_name"], "Cliente Uno", "the customer is named on create");
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "10", "a draft takes no stock");
    let url = format!("/invoices/{}", id(&draft));
    let patched =
        t.patch(&url, shop.token(), json!({"items": [line(&p, "3")], "notes": "Entrega en tienda"})).await.expect(200);
    assert_eq!(amounts(&patched)[..6], ["300000.00", "0.00", "57000.00", "0.00", "357000.00", "357000.00"]);
    t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "1", "method": "cash"}))
        .await
        .problem(409, "invoice_not_confirmed");
    let open = t.post(&format!("{url}/confirm"), shop.token(), json!({})).await.expect(200);
    assert_eq!((s(&open["status"]), s(&open["number"]), s(&open["balance_due"])), ("OPEN", "F-000001", "357000.00"));
    assert!(open["confirmed_at"].is_string() && open["confirmed_by"].is_string(), "who and when confirmed");
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "7");
    let moves = t.get(&format!("/movements?product_id={p}&limit=1"), shop.token()).await.expect(200);
    let sale = &moves["items"][0];
    assert_eq!((s(&sale["movement_type"]), s(&sale["quantity"])), ("SALE", "-3"));
    assert_eq!(sale["document_number"], "F-000001", "the movement names the invoice");
    t.patch(&url, shop.token(), json!({"notes": "x"})).await.problem(409, "invoice_not_draft");
    t.post(&format!("{url}/confirm"), shop.token(), json!({})).await.problem(409, "invoice_not_draft");
    let next = t.get(&format!("/invoices/next-number/{}", shop.pdv), shop.token()).await.expect(200);
    assert_eq!(next["next_number"], "F-000002");
    let paid = t
        .post(&format!("{url}/payments"), shop.token(), json!({"amount": "7000", "method": "qr_code"}))
        .await
        .expect(201);
    assert_eq!((s(&paid["method"]), s(&paid["invoice"]["payment_status"])), ("qr", "partial"));
    assert_eq!(paid["invoice"]["balance_due"], "350000.00");
    let over = t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "350000.01", "method": "card"})).await;
    assert_eq!(
        over.problem(409, "amount_exceeds_balance")["detail"],
        "the amount 350000.01 is more than the balance due 350000.00"
    );
    let rest = t
        .post(
            &format!("{url}/payments"),
            shop.token(),
            json!({"amount": "350000", "method": "transfer", "reference": "TRX-1"}),
        )
        .await
        .expect(201);
    assert_eq!((s(&rest["invoice"]["status"]), s(&rest["invoice"]["balance_due"])), ("PAID", "0.00"));
    t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "1", "method": "cash"}))
        .await
        .problem(409, "amount_exceeds_balance");
    let got = t.get(&url, shop.token()).await.expect(200);
    assert_eq!(
        (s(&got["status"]), s(&got["paid_amount"]), got["payments"].as_array().unwrap().len()),
        ("PAID", "357000.00", 2)
    );
    assert_eq!(got["tax_summary"][0]["taxable_amount"], "300000.00");
    // Lists: filters, counts per status whatever the status filter, search by number.
    t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&p, "1")]))).await.expect(201);
    let all = t.get("/invoices", shop.token()).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["status"], "DRAFT", "newest first");
    let counts: Vec<(String, u64)> = all["counts_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (s(&c["status"]).to_string(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("DRAFT".into(), 1), ("OPEN".into(), 0), ("PAID".into(), 1), ("VOID".into(), 0)]);
    let found = t.get("/invoices?search=000001&payment_status=paid", shop.token()).await.expect(200);
    assert_eq!((found["total"].as_u64(), found["items"][0]["number"].as_str()), (Some(1), Some("F-000001")));
    let page = t.get("/invoices?limit=1", shop.token()).await.expect(200);
    let next = t.get(&format!("/invoices?limit=1&cursor={}", s(&page["next_cursor"])), shop.token()).await.expect(200);
    assert_eq!((next["items"][0]["number"].as_str(), next["next_cursor"].as_str()), (Some("F-000001"), None));
}

async fn numbering_ranges_are_legal_and_never_reserve(t: TestApp) {
    let o = t.owner().await;
    let pdv = crate::api_catalog::main_pdv(&t, &o).await;
    let customer = client(&t, &o, "Cliente Rango", json!({})).await;
    let p = product(&t, &o, "RNG-1", &pdv, "100", "1000").await;
    let shop = Shop { o, pdv: pdv.clone(), customer };
    let body = invoice_body(&shop, "OPEN", json!([line(&p, "1")]));
    t.post("/invoices", shop.token(), body.clone()).await.problem(409, "no_numbering_range");
    assert_eq!(quantity_at(&t, &shop.o, &p, &pdv).await, "100", "a refused confirm writes nothing");
    let r = range(&t, &shop.o, &pdv, "invoice", "FE", 990, 991).await;
    assert_eq!((r["next_number"].as_i64(), r["remaining"].as_i64()), (Some(990), Some(2)));
    let again = json!({"pdv_id": pdv, "resolution_number": "2", "range_from": 1, "range_to": 9, "valid_from": "2020-01-01", "valid_to": "2099-01-01"});
    t.post("/numbering-ranges", shop.token(), again).await.problem(409, "active_range_exists");
    for _ in 0..2 {
        t.get(&format!("/invoices/next-number/{pdv}"), shop.token()).await.expect(200);
    }
    let first = t.post("/invoices", shop.token(), body.clone()).await.expect(201);
    assert_eq!(first["number"], "FE000990", "previews reserve nothing");
    t.post("/invoices", shop.token(), body.clone()).await.expect(201);
    let exhausted = t.post("/invoices", shop.token(), body.clone()).await.problem(409, "numbering_range_exhausted");
    assert!(s(&exhausted["detail"]).contains("FE000991"));
    t.get(&format!("/invoices/next-number/{pdv}"), shop.token()).await.problem(409, "numbering_range_exhausted");
    let url = format!("/numbering-ranges/{}", id(&r));
    let mut change = json!({"pdv_id": pdv, "resolution_number": "18760000001", "prefix": "FX", "range_from": 990, "range_to": 995, "valid_from": "2020-01-01", "valid_to": "2099-12-31"});
    t.call(poem::http::Method::PUT, &url, shop.token(), &[], Some(change.clone())).await.problem(409, "range_in_use");
    change["prefix"] = json!("FE");
    let extended = t.call(poem::http::Method::PUT, &url, shop.token(), &[], Some(change.clone())).await.expect(200);
    assert_eq!((extended["next_number"].as_i64(), extended["remaining"].as_i64()), (Some(992), Some(4)));
    t.delete(&url, shop.token()).await.problem(409, "range_in_use");
    change["valid_to"] = json!("2021-01-01");
    t.call(poem::http::Method::PUT, &url, shop.token(), &[], Some(change)).await.expect(200);
    t.post("/invoices", shop.token(), body.clone()).await.problem(409, "numbering_range_expired");
    let dated = invoice_body(&shop, "OPEN", json!([line(&p, "1")]));
    let mut dated = dated;
    dated["issue_date"] = json!("2020-06-01");
    let old = t.post("/invoices", shop.token(), dated).await.expect(201);
    assert_eq!(old["number"], "FE000992", "the range is checked against the issue date");
    let unused = range(&t, &shop.o, &pdv, "credit_note", "NC", 1, 10).await;
    t.delete(&format!("/numbering-ranges/{}", id(&unused)), shop.token()).await.expect(204);
    let listed = t.get(&format!("/numbering-ranges?pdv_id={pdv}"), shop.token()).await.expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

async fn the_stock_rule_holds_and_void_returns_stock(t: TestApp) {
    let shop = shop(&t).await;
    let a = product(&t, &shop.o, "STK-A", &shop.pdv, "2", "1000").await;
    let b = product(&t, &shop.o, "STK-B", &shop.pdv, "1", "1000").await;
    let short =
        t.post("/invoices", shop.token(), invoice_body(&shop, "OPEN", json!([line(&a, "3"), line(&b, "2")]))).await;
    let detail = short.problem(409, "insufficient_stock")["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("'Producto STK-A' disponible 2, solicitado 3")
            && detail.contains("'Producto STK-B' disponible 1"),
        "{detail}"
    );
    assert_eq!(quantity_at(&t, &shop.o, &a, &shop.pdv).await, "2", "nothing of a refused invoice is written");
    let next = t.get(&format!("/invoices/next-number/{}", shop.pdv), shop.token()).await.expect(200);
    assert_eq!(next["next_number"], "F-000001", "a refused confirm takes no number");
    // The product's own flag lets it go below zero.
    t.patch(&format!("/products/{b}"), shop.token(), json!({"sellInNegative": true})).await.expect(200);
    let inv = open_invoice(&t, &shop, json!([line(&a, "2"), line(&b, "3")])).await;
    assert_eq!(inv["number"], "F-000001");
    assert_eq!(
        (quantity_at(&t, &shop.o, &a, &shop.pdv).await, quantity_at(&t, &shop.o, &b, &shop.pdv).await),
        ("0".into(), "-2".into())
    );
    let url = format!("/invoices/{}", id(&inv));
    t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": ""})).await.problem(422, "validation_failed");
    let void =
        t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": "Error de digitación"})).await.expect(200);
    assert_eq!(
        (s(&void["status"]), s(&void["notes"]), s(&void["void_reason"])),
        ("VOID", "[ANULADA] Error de digitación", "Error de digitación")
    );
    assert_eq!(void["number"], "F-000001", "a void invoice keeps its number");
    assert_eq!(
        (quantity_at(&t, &shop.o, &a, &shop.pdv).await, quantity_at(&t, &shop.o, &b, &shop.pdv).await),
        ("2".into(), "1".into())
    );
    let moves = t.get(&format!("/movements?product_id={a}&limit=1"), shop.token()).await.expect(200);
    assert_eq!((s(&moves["items"][0]["movement_type"]), s(&moves["items"][0]["quantity"])), ("SALE_RETURN", "2"));
    t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": "otra vez"})).await.problem(409, "invoice_void");
    t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "1", "method": "cash"}))
        .await
        .problem(409, "invoice_void");
    // With a payment it cannot be voided; voiding the payment reopens the balance and then it can.
    let inv = open_invoice(&t, &shop, json!([line(&a, "1")])).await;
    let url = format!("/invoices/{}", id(&inv));
    let pay =
        t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "1190", "method": "cash"})).await.expect(201);
    assert_eq!(pay["invoice"]["status"], "PAID");
    t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": "x"})).await.problem(409, "invoice_paid");
    let voided = t
        .post(&format!("{url}/payments/{}/void", id(&pay)), shop.token(), json!({"reason": "rebotado"}))
        .await
        .expect(200);
    assert_eq!(
        (voided["is_void"].as_bool(), s(&voided["invoice"]["status"]), s(&voided["invoice"]["balance_due"])),
        (Some(true), "OPEN", "1190.00")
    );
    t.post(&format!("{url}/payments/{}/void", id(&pay)), shop.token(), json!({"reason": "x"}))
        .await
        .problem(409, "payment_void");
    t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": "sin pago"})).await.expect(200);
    // A draft is voided without stock effect.
    let draft =
        t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&a, "1")]))).await.expect(201);
    t.post(&format!("/invoices/{}/cancel", id(&draft)), shop.token(), json!({"reason": "no va"})).await.expect(200);
    assert_eq!(quantity_at(&t, &shop.o, &a, &shop.pdv).await, "2");
}

async fn credit_limits_are_enforced_at_confirm(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "CRD-1", &shop.pdv, "50", "100000").await;
    let limited =
        client(&t, &shop.o, "Cliente Con Cupo", json!({"credit_limit": "150000", "payment_terms_days": 30})).await;
    let body = |status: &str| json!({"pdv_id": shop.pdv, "customer_id": limited, "status": status, "issue_date": "2026-03-01", "items": [line(&p, "1")]});
    let first = t.post("/invoices", shop.token(), body("OPEN")).await.expect(201);
    assert_eq!(first["due_date"], "2026-03-31", "due date from the customer's payment terms");
    let refused = t.post("/invoices", shop.token(), body("OPEN")).await.problem(409, "credit_limit_exceeded");
    assert!(s(&refused["detail"]).contains("owes 119000.00"), "{refused}");
    let draft = t.post("/invoices", shop.token(), body("DRAFT")).await.expect(201);
    let url = format!("/invoices/{}/confirm", id(&draft));
    let (_, seller, _) = t.member(&shop.o, "seller").await;
    t.post(&format!("{url}?override_credit_limit=true"), Some(&seller), json!({}))
        .await
        .problem(403, "insufficient_role");
    t.post(&url, Some(&seller), json!({})).await.problem(409, "credit_limit_exceeded");
    let over = t.post(&format!("{url}?override_credit_limit=true"), shop.token(), json!({})).await.expect(200);
    assert!(over["credit_override_by"].is_string(), "the override is recorded");
    // Paying reduces the open balance, so the next invoice fits again.
    for inv in [&first, &over] {
        t.post(
            &format!("/invoices/{}/payments", id(inv)),
            shop.token(),
            json!({"amount": "119000", "method": "cash", "payment_date": "2026-03-02"}),
        )
        .await
        .expect(201);
    }
    t.post("/invoices", shop.token(), body("OPEN")).await.expect(201);
}

async fn invoice_input_is_checked_per_field(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "VAL-1", &shop.pdv, "5", "1000").await;
    let provider =
        t.post("/contacts", shop.token(), json!({"name": "Proveedor", "type": ["provider"]})).await.expect(201);
    let fields = |v: Value| -> Vec<String> {
        v["errors"].as_array().unwrap().iter().map(|e| s(&e["field"]).to_string()).collect()
    };
    let bad = json!({"pdv_id": shop.pdv, "customer_id": shop.customer, "status": "PAID", "items": [
        {"product_id": p, "quantity": "0"}, {"product_id": p, "quantity": "1.0001", "unit_price": "-1", "discount_pct": "101"}]});
    let p1 = t.post("/invoices", shop.token(), bad).await.problem(422, "validation_failed");
    assert_eq!(
        fields(p1),
        ["status", "items[0].quantity", "items[1].quantity", "items[1].unit_price", "items[1].discount_pct"]
    );
    let empty = json!({"pdv_id": shop.pdv, "customer_id": shop.customer, "items": []});
    assert_eq!(fields(t.post("/invoices", shop.token(), empty).await.problem(422, "validation_failed")), ["items"]);
    let not_client = json!({"pdv_id": shop.pdv, "customer_id": id(&provider), "items": [line(&p, "1")]});
    let e = t.post("/invoices", shop.token(), not_client).await.problem(422, "validation_failed");
    assert_eq!((s(&e["errors"][0]["field"]), s(&e["errors"][0]["code"])), ("customer_id", "not_a_client"));
    let ghost = json!({"pdv_id": shop.pdv, "customer_id": shop.customer, "items": [line(&uuid::Uuid::now_v7().to_string(), "1")]});
    let e = t.post("/invoices", shop.token(), ghost).await.problem(422, "validation_failed");
    assert_eq!((s(&e["errors"][0]["field"]), s(&e["errors"][0]["code"])), ("items[0].product_id", "unknown_product"));
    let due = json!({"pdv_id": shop.pdv, "customer_id": shop.customer, "issue_date": "2026-05-02", "due_date": "2026-05-01", "items": [line(&p, "1")]});
    let e = t.post("/invoices", shop.token(), due).await.problem(422, "validation_failed");
    assert_eq!(e["errors"][0]["code"], "before_issue_date");
    t.patch(&format!("/products/{p}"), shop.token(), json!({"is_active": false})).await.expect(200);
    let e = t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&p, "1")]))).await;
    assert_eq!(
        e.problem(422, "validation_failed")["errors"][0]["code"],
        "unknown_product",
        "an inactive product is not sold"
    );
    t.get(&format!("/invoices/{}", uuid::Uuid::now_v7()), shop.token()).await.problem(404, "not_found");
    t.get("/invoices?status=PARTIAL", shop.token()).await.problem(422, "validation_failed");
    t.get("/invoices?limit=101", shop.token()).await.problem(422, "validation_failed");
}

async fn roles_on_invoices(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "ROL-1", &shop.pdv, "5", "1000").await;
    let inv = open_invoice(&t, &shop, json!([line(&p, "1")])).await;
    let url = format!("/invoices/{}", id(&inv));
    let body = invoice_body(&shop, "DRAFT", json!([line(&p, "1")]));
    let (_, viewer, _) = t.member(&shop.o, "viewer").await;
    let (_, accountant, _) = t.member(&shop.o, "accountant").await;
    let (seller_id, seller, _) = t.member(&shop.o, "seller").await;
    let mut credited = body.clone();
    credited["seller_id"] = json!(seller_id);
    let sold = t.post("/invoices", shop.token(), credited).await.expect(201);
    assert_eq!(sold["seller_id"], json!(seller_id), "the sale is credited to the member named");
    let listed = t.get(&format!("/invoices?seller_id={seller_id}"), shop.token()).await.expect(200);
    assert_eq!(listed["total"], 1);
    let mut stranger = body.clone();
    stranger["seller_id"] = json!(uuid::Uuid::now_v7());
    let e = t.post("/invoices", shop.token(), stranger).await.problem(422, "validation_failed");
    assert_eq!((s(&e["errors"][0]["field"]), s(&e["errors"][0]["code"])), ("seller_id", "unknown_seller"));
    for reader in [&viewer, &accountant, &seller] {
        t.get(&url, Some(reader)).await.expect(200);
        t.get("/invoices/reports/comparison", Some(reader)).await.expect(200);
    }
    for forbidden in [&viewer, &accountant] {
        t.post("/invoices", Some(forbidden), body.clone()).await.problem(403, "insufficient_role");
    }
    t.post(&format!("{url}/payments"), Some(&viewer), json!({"amount": "1", "method": "cash"}))
        .await
        .problem(403, "insufficient_role");
    t.post(&format!("{url}/payments"), Some(&accountant), json!({"amount": "1", "method": "cash"})).await.expect(201);
    t.post("/invoices", Some(&seller), body).await.expect(201);
    t.post(&format!("{url}/cancel"), Some(&seller), json!({"reason": "x"})).await.problem(403, "insufficient_role");
    t.post(&format!("{url}/credit-notes"), Some(&seller), json!({"reason": "x"}))
        .await
        .problem(403, "insufficient_role");
    let r = json!({"pdv_id": shop.pdv, "resolution_number": "9", "range_from": 1, "range_to": 9, "valid_from": "2020-01-01", "valid_to": "2099-01-01"});
    t.post("/numbering-ranges", Some(&seller), r).await.problem(403, "insufficient_role");
}
