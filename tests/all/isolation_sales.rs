//! Two shops; every sales endpoint probed by one with the other's ids answers 404 (or 422 for an id
//! inside a body), its lists and reports hold nothing of the other, and the other's invoice is untouched.

use crate::harness::{unique, TestApp};
use crate::on_every_backend;
use crate::sales_fixture::*;
use poem::http::Method;
use serde_json::{json, Value};

on_every_backend!(sales_never_see_each_other);

/// A's reports over the day of `date`.
async fn reports(t: &TestApp, shop: &Shop, date: &str) -> Vec<Value> {
    let q = format!("start_date={date}&end_date={date}");
    let mut out = Vec::new();
    for path in ["summary", "top-products", "sales-by-pdv"] {
        out.push(t.get(&format!("/invoices/reports/{path}?{q}"), shop.token()).await.expect(200));
    }
    out
}

fn range_body(pdv: &str) -> Value {
    json!({"pdv_id": pdv, "kind": "invoice", "resolution_number": "18760000001", "prefix": "F-",
        "range_from": 1, "range_to": 5000, "valid_from": "2020-01-01", "valid_to": "2099-12-31"})
}

/// The code of the first field error of a 422.
fn code(v: Value) -> String {
    s(&v["errors"][0]["code"]).to_string()
}

async fn sales_never_see_each_other(t: TestApp) {
    let a = shop(&t).await;
    let a_prod = product(&t, &a.o, "MIO-A", &a.pdv, "10", "1000").await;
    let a_inv = open_invoice(&t, &a, json!([line(&a_prod, "2")])).await;
    let ai = id(&a_inv);
    let date = s(&a_inv["issue_date"]).to_string();
    let a_reports = reports(&t, &a, &date).await;

    // B: an OPEN invoice with a payment, a credit note and an email request; its ranges.
    let b = shop(&t).await;
    let (ac, bc) = (a.token(), b.token());
    let b_prod = product(&t, &b.o, "SECRETO-B", &b.pdv, "10", "50000").await;
    let key = format!("k-{}", unique());
    let body = invoice_body(&b, "OPEN", json!([line(&b_prod, "2")]));
    let b_inv = t.call(Method::POST, "/invoices", bc, &[("Idempotency-Key", &key)], Some(body)).await.expect(201);
    let bi = id(&b_inv);
    let b_line = s(&b_inv["line_items"][0]["id"]).to_string();
    let inv = format!("/invoices/{bi}");
    let pay = t.post(&format!("{inv}/payments"), bc, json!({"amount": "10000", "method": "cash"})).await.expect(201);
    let pid = id(&pay);
    let credit = json!({"reason": "Devolución", "lines": [{"invoice_line_id": b_line, "quantity": "1"}]});
    let note = t.post(&format!("{inv}/credit-notes"), bc, credit).await.expect(201);
    assert_eq!(note["invoice"]["status"], "OPEN", "119 000 − 10 000 paid − 59 500 credited is still owed");
    let to = format!("b-{}@example.com", unique());
    t.post(&format!("{inv}/send-email"), bc, json!({"to_email": to})).await.expect(202);
    let b_ranges = t.get("/numbering-ranges", bc).await.expect(200);
    let b_range_ids: Vec<String> = b_ranges.as_array().unwrap().iter().map(id).collect();
    assert_eq!(b_range_ids.len(), 2);
    let before = t.get(&inv, bc).await.expect(200);
    assert_eq!(reports(&t, &a, &date).await, a_reports, "B's sales change none of A's reports");

    // B's ids in A's paths: 404.
    t.get(&inv, ac).await.problem(404, "not_found");
    t.patch(&inv, ac, json!({"notes": "robada"})).await.problem(404, "not_found");
    t.post(&format!("{inv}/confirm"), ac, json!({})).await.problem(404, "not_found");
    t.post(&format!("{inv}/cancel"), ac, json!({"reason": "x"})).await.problem(404, "not_found");
    t.get(&format!("{inv}/payments"), ac).await.problem(404, "not_found");
    t.post(&format!("{inv}/payments"), ac, json!({"amount": "1", "method": "cash"})).await.problem(404, "not_found");
    for owner_inv in [&bi, &ai] {
        t.post(&format!("/invoices/{owner_inv}/payments/{pid}/void"), ac, json!({"reason": "x"}))
            .await
            .problem(404, "not_found");
    }
    t.get(&format!("{inv}/credit-notes"), ac).await.problem(404, "not_found");
    t.post(&format!("{inv}/credit-notes"), ac, json!({"reason": "x", "refund_method": "cash"}))
        .await
        .problem(404, "not_found");
    t.get(&format!("{inv}/pdf"), ac).await.problem(404, "not_found");
    t.post(&format!("{inv}/send-email"), ac, json!({"to_email": to})).await.problem(404, "not_found");
    t.get(&format!("{inv}/emails"), ac).await.problem(404, "not_found");
    t.get(&format!("/invoices/next-number/{}", b.pdv), ac).await.problem(404, "not_found");
    for r in &b_range_ids {
        let url = format!("/numbering-ranges/{r}");
        t.get(&url, ac).await.problem(404, "not_found");
        t.call(Method::PUT, &url, ac, &[], Some(range_body(&a.pdv))).await.problem(404, "not_found");
        t.delete(&url, ac).await.problem(404, "not_found");
    }

    // B's ids inside A's bodies do not resolve.
    let with = |pdv: &str, customer: &str, product: &str| json!({"pdv_id": pdv, "customer_id": customer, "status": "OPEN", "items": [line(product, "1")]});
    let e = t.post("/invoices", ac, with(&b.pdv, &a.customer, &a_prod)).await.problem(422, "validation_failed");
    assert_eq!(code(e), "unknown_pdv");
    let e = t.post("/invoices", ac, with(&a.pdv, &b.customer, &a_prod)).await.problem(422, "validation_failed");
    assert_eq!(code(e), "unknown_customer");
    let e = t.post("/invoices", ac, with(&a.pdv, &a.customer, &b_prod)).await.problem(422, "validation_failed");
    assert_eq!(code(e), "unknown_product");
    let draft = t.post("/invoices", ac, invoice_body(&a, "DRAFT", json!([line(&a_prod, "1")]))).await.expect(201);
    let a_draft = format!("/invoices/{}", id(&draft));
    for patch in [json!({"pdv_id": b.pdv}), json!({"customer_id": b.customer}), json!({"items": [line(&b_prod, "1")]})]
    {
        t.patch(&a_draft, ac, patch).await.problem(422, "validation_failed");
    }
    let e = t.post("/numbering-ranges", ac, range_body(&b.pdv)).await.problem(422, "validation_failed");
    assert_eq!(code(e), "unknown_pdv");
    let steal =
        json!({"reason": "x", "refund_method": "cash", "lines": [{"invoice_line_id": b_line, "quantity": "1"}]});
    let e = t.post(&format!("/invoices/{ai}/credit-notes"), ac, steal).await.problem(422, "validation_failed");
    assert_eq!(code(e), "unknown_line");
    // The same idempotency key in A is A's own: a new invoice, not B's.
    let mine = invoice_body(&a, "DRAFT", json!([line(&a_prod, "1")]));
    let own = t.call(Method::POST, "/invoices", ac, &[("Idempotency-Key", &key)], Some(mine)).await.expect(201);
    assert_ne!(id(&own), bi);

    // A's lists and reports hold nothing of B.
    let secrets: [&str; 9] =
        [bi.as_str(), &b.pdv, &b.customer, &b_prod, &pid, &b_line, "SECRETO", &b_range_ids[0], &b_range_ids[1]];
    let leaks = |text: String, what: &str| {
        for secret in secrets {
            assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
        }
    };
    let list = t.get("/invoices?limit=100", ac).await.expect(200);
    assert_eq!(list["total"], 3, "A's invoice, A's draft and the keyed draft");
    leaks(list.to_string(), "/invoices");
    for filter in [format!("customer_id={}", b.customer), format!("pdv_id={}", b.pdv), "search=SECRETO".into()] {
        let got = t.get(&format!("/invoices?{filter}"), ac).await.expect(200);
        assert_eq!((got["items"].clone(), got["total"].as_u64()), (json!([]), Some(0)), "/invoices?{filter}");
    }
    let ranges = t.get("/numbering-ranges", ac).await.expect(200);
    assert_eq!(ranges.as_array().unwrap().len(), 2);
    leaks(ranges.to_string(), "/numbering-ranges");
    let by_pdv = t.get(&format!("/numbering-ranges?pdv_id={}", b.pdv), ac).await;
    if by_pdv.status == 200 {
        assert_eq!(by_pdv.body, json!([]), "B's ranges by B's pdv");
    } else {
        assert!(matches!(by_pdv.status.as_u16(), 404 | 422), "{}", by_pdv.body);
    }
    let moves = t.get(&format!("/movements?document_id={bi}"), ac).await.expect(200);
    assert_eq!(moves["items"], json!([]), "B's sale movements");
    let after = reports(&t, &a, &date).await;
    for r in &after {
        leaks(r.to_string(), "a report");
    }
    assert_eq!(after[1]["products"].as_array().unwrap().len(), 1, "A sold one product");
    assert_eq!(after[2]["sales_by_pdv"].as_array().unwrap().len(), 1, "A sold at one pdv");
    let at_b =
        t.get(&format!("/invoices/reports/summary?start_date={date}&end_date={date}&pdv_id={}", b.pdv), ac).await;
    if at_b.status == 200 {
        assert_eq!(at_b.body["total_invoices"], 0, "A's summary at B's pdv: {}", at_b.body);
    } else {
        assert!(matches!(at_b.status.as_u16(), 404 | 422), "{}", at_b.body);
    }

    // B is untouched.
    let now = t.get(&inv, bc).await.expect(200);
    for field in ["status", "number", "paid_amount", "credited_amount", "balance_due", "notes", "updated_at"] {
        assert_eq!(now[field], before[field], "B's {field}");
    }
    assert_eq!(now["payments"], before["payments"]);
    assert_eq!(now["credit_notes"], before["credit_notes"]);
    assert_eq!(t.get(&format!("{inv}/emails"), bc).await.expect(200).as_array().unwrap().len(), 1);
    assert_eq!(t.get("/numbering-ranges", bc).await.expect(200), b_ranges, "B's ranges");
    let next = t.get(&format!("/invoices/next-number/{}", b.pdv), bc).await.expect(200);
    assert_eq!(next["next_number"], "F-000002");
    let stock = crate::api_inventory::quantity_at(&t, &b.o, &b_prod, &b.pdv).await;
    assert_eq!(stock, "9", "10 − 2 sold + 1 credited back");
}
