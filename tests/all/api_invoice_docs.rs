//! Credit notes, idempotent retries, the PDF and its email, and the sales reports, through the HTTP app.

use crate::api_catalog::pdv;
use crate::api_inventory::quantity_at;
use crate::harness::TestApp;
use crate::on_every_backend;
use crate::sales_fixture::*;
use poem::http::Method;
use serde_json::{json, Value};

on_every_backend!(
    credit_notes_reverse_lines_and_refund_the_rest,
    idempotent_retries_replay_the_first_result,
    the_pdf_is_real_and_reaches_the_customer,
    reports_count_open_and_paid_net_of_credit_notes,
);

async fn credit_notes_reverse_lines_and_refund_the_rest(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "NC-1", &shop.pdv, "10", "100000").await;
    let inv = open_invoice(&t, &shop, json!([line(&p, "3")])).await;
    let url = format!("/invoices/{}", id(&inv));
    let line_id = s(&inv["line_items"][0]["id"]).to_string();
    let part = json!({"reason": "Devolución de una unidad", "lines": [{"invoice_line_id": line_id, "quantity": "1"}]});
    let first = t.post(&format!("{url}/credit-notes"), shop.token(), part).await.expect(201);
    assert_eq!(
        (s(&first["number"]), s(&first["total_amount"]), s(&first["applied_amount"]), s(&first["refund_amount"])),
        ("NC-000001", "119000.00", "119000.00", "0.00")
    );
    assert_eq!((s(&first["invoice"]["status"]), s(&first["invoice"]["balance_due"])), ("OPEN", "238000.00"));
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "8", "the unit came back");
    let too_many = json!({"reason": "x", "lines": [{"invoice_line_id": line_id, "quantity": "3"}]});
    let e = t.post(&format!("{url}/credit-notes"), shop.token(), too_many).await.problem(422, "validation_failed");
    assert_eq!((s(&e["errors"][0]["field"]), s(&e["errors"][0]["code"])), ("lines[0].quantity", "exceeds_remaining"));
    t.post(&format!("{url}/payments"), shop.token(), json!({"amount": "238000", "method": "cash"})).await.expect(201);
    // Everything left, on a PAID invoice: nothing is owed, so all of it is refunded, and how must be said.
    let e = t
        .post(&format!("{url}/credit-notes"), shop.token(), json!({"reason": "Devolución total"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(e["errors"][0]["field"], "refund_method");
    let full = json!({"reason": "Devolución total", "refund_method": "cash"});
    let rest = t.post(&format!("{url}/credit-notes"), shop.token(), full).await.expect(201);
    assert_eq!(
        (s(&rest["number"]), s(&rest["total_amount"]), s(&rest["applied_amount"]), s(&rest["refund_amount"])),
        ("NC-000002", "238000.00", "0.00", "238000.00")
    );
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "10");
    let got = t.get(&url, shop.token()).await.expect(200);
    assert_eq!(
        (s(&got["credited_amount"]), s(&got["refunded_amount"]), s(&got["status"])),
        ("119000.00", "238000.00", "PAID")
    );
    assert_eq!(got["line_items"][0]["credited_quantity"], "3");
    let notes = t.get(&format!("{url}/credit-notes"), shop.token()).await.expect(200);
    let credited: f64 = notes.as_array().unwrap().iter().map(|n| s(&n["total_amount"]).parse::<f64>().unwrap()).sum();
    assert_eq!(credited, 357000.0, "the credit notes add up to the invoice exactly");
    t.post(&format!("{url}/credit-notes"), shop.token(), json!({"reason": "otra"}))
        .await
        .problem(409, "fully_credited");
    t.post(&format!("{url}/cancel"), shop.token(), json!({"reason": "x"})).await.problem(409, "invoice_paid");
    let pay = s(&got["payments"][0]["id"]).to_string();
    t.post(&format!("{url}/payments/{pay}/void"), shop.token(), json!({"reason": "x"}))
        .await
        .problem(409, "invoice_has_refunds");
    // Without restock the goods stay out; a draft takes no credit note.
    let inv = open_invoice(&t, &shop, json!([line(&p, "2")])).await;
    let keep = json!({"reason": "Descuento posventa", "restock": false});
    t.post(&format!("/invoices/{}/credit-notes", id(&inv)), shop.token(), keep).await.expect(201);
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "8");
    let draft =
        t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&p, "1")]))).await.expect(201);
    t.post(&format!("/invoices/{}/credit-notes", id(&draft)), shop.token(), json!({"reason": "x"}))
        .await
        .problem(409, "invoice_not_creditable");
}

async fn idempotent_retries_replay_the_first_result(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "IDEM-1", &shop.pdv, "10", "1000").await;
    let body = invoice_body(&shop, "DRAFT", json!([line(&p, "1")]));
    let call = |method: Method, path: String, key: &'static str, body: Value| {
        let token = shop.o.context.clone();
        let t = &t;
        async move { t.call(method, &path, Some(&token), &[("Idempotency-Key", key)], Some(body)).await }
    };
    let first = call(Method::POST, "/invoices".into(), "create-1", body.clone()).await.expect(201);
    let retry = call(Method::POST, "/invoices".into(), "create-1", body.clone()).await.expect(201);
    assert_eq!(first["id"], retry["id"], "the retry returns the first invoice");
    assert_eq!(t.get("/invoices", shop.token()).await.expect(200)["total"], 1, "and creates nothing");
    let other = invoice_body(&shop, "DRAFT", json!([line(&p, "2")]));
    let e = call(Method::POST, "/invoices".into(), "create-1", other).await.problem(422, "validation_failed");
    assert_eq!(
        (s(&e["errors"][0]["field"]), s(&e["errors"][0]["code"])),
        ("Idempotency-Key", "idempotency_key_reused")
    );
    let url = format!("/invoices/{}", id(&first));
    let confirmed = call(Method::POST, format!("{url}/confirm"), "confirm-1", json!({})).await.expect(200);
    let again = call(Method::POST, format!("{url}/confirm"), "confirm-1", json!({})).await.expect(200);
    assert_eq!((s(&confirmed["number"]), s(&again["number"])), ("F-000001", "F-000001"));
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "9", "stock taken once");
    let pay = json!({"amount": "500", "method": "card"});
    let p1 = call(Method::POST, format!("{url}/payments"), "pay-1", pay.clone()).await.expect(201);
    let p2 = call(Method::POST, format!("{url}/payments"), "pay-1", pay).await.expect(201);
    assert_eq!(p1["id"], p2["id"]);
    assert_eq!(
        t.get(&format!("{url}/payments"), shop.token()).await.expect(200).as_array().unwrap().len(),
        1,
        "charged once"
    );
    let credit = json!({"reason": "ajuste", "restock": false, "refund_method": "cash"});
    let n1 = call(Method::POST, format!("{url}/credit-notes"), "nc-1", credit.clone()).await.expect(201);
    let n2 = call(Method::POST, format!("{url}/credit-notes"), "nc-1", credit).await.expect(201);
    assert_eq!((n1["id"] == n2["id"], s(&n2["number"])), (true, "NC-000001"));
    let long = "k".repeat(256);
    let bad = t.call(Method::POST, "/invoices", shop.token(), &[("Idempotency-Key", &long)], Some(body)).await;
    assert_eq!(bad.problem(422, "validation_failed")["errors"][0]["field"], "Idempotency-Key");
}

async fn pdf_of(t: &TestApp, token: &str, invoice: &str) -> (String, Vec<u8>) {
    let resp = t
        .client
        .get(format!("/invoices/{invoice}/pdf"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await;
    resp.assert_status_is_ok();
    let kind = resp.0.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (kind, resp.0.into_body().into_vec().await.unwrap())
}

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF a parser opens");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text")
}

/// Uploads `jpeg` as the company's logo through the presigned flow.
async fn jpeg_logo(t: &TestApp, token: &str, jpeg: Vec<u8>) {
    let body = json!({"filename": "logo.jpg", "content_type": "image/jpeg"});
    let ticket = t.post("/company/me/logo/upload-url", Some(token), body).await.expect(200);
    let url = s(&ticket["upload_url"]).trim_start_matches("http://localhost").to_string();
    let put = t.client.put(url).content_type("image/jpeg").body(jpeg).send().await;
    put.assert_status_is_ok();
    t.post("/company/me/logo/confirm", Some(token), json!({"key": ticket["key"]})).await.expect(200);
}

async fn the_pdf_is_real_and_reaches_the_customer(t: TestApp) {
    let shop = shop(&t).await;
    // SOI, APP0, a baseline frame header (20 × 40, 3 components), EOI: what the PDF needs of a JPEG.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
    jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x00, 0x28, 0x03]);
    jpeg.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    jpeg_logo(&t, &shop.o.context, jpeg.clone()).await;
    let customer = client(&t, &shop.o, "Muñoz Peñalosa", json!({"id_type": "CC", "id_number": "1020304050"})).await;
    let p = product(&t, &shop.o, "PDF-1", &shop.pdv, "10", "100000").await;
    let body = json!({"pdv_id": shop.pdv, "customer_id": customer, "status": "OPEN", "items": [line(&p, "1")]});
    let inv = t.post("/invoices", shop.token(), body).await.expect(201);
    let (kind, bytes) = pdf_of(&t, &shop.o.context, &id(&inv)).await;
    assert_eq!(kind, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&bytes).to_string();
    assert!(raw.contains("/Subtype /Image /Width 40 /Height 20") && raw.contains("/DCTDecode"), "the logo is printed");
    assert!(bytes.windows(jpeg.len()).any(|w| w == jpeg.as_slice()), "as the very JPEG uploaded");
    let text = pdf_text(&bytes);
    for expected in ["F-000001", "$ 119.000,00", "Muñoz Peñalosa", "Resolución DIAN 18760000001", "Producto PDF-1"] {
        assert!(text.contains(expected), "the PDF text has {expected:?}: {text}");
    }
    // Email: the customer's address by default; the worker renders and attaches the PDF.
    let url = format!("/invoices/{}", id(&inv));
    let queued = t
        .post(&format!("{url}/send-email"), shop.token(), json!({"message": "Gracias por su compra"}))
        .await
        .expect(202);
    assert_eq!(queued["status"], "queued");
    let mail = t
        .wait_mail("muñoz.peñalosa@cliente.co", |e| e.subject.starts_with("Factura F-000001"))
        .await
        .expect("invoice email");
    assert!(mail.text.contains("Gracias por su compra") && mail.text.contains("$ 119.000,00"), "{}", mail.text);
    let attached = &mail.attachments[0];
    assert_eq!(
        (attached.filename.as_str(), attached.content_type.as_str()),
        ("factura_F-000001.pdf", "application/pdf")
    );
    assert!(pdf_text(&attached.content).contains("F-000001"));
    let log = t.get(&format!("{url}/emails"), shop.token()).await.expect(200);
    assert_eq!(
        (s(&log[0]["status"]), log[0]["attempts"].as_i64(), s(&log[0]["task_id"])),
        ("sent", Some(1), s(&queued["task_id"]))
    );
    let e = t
        .post(&format!("{url}/send-email"), shop.token(), json!({"to_email": "no-es-correo"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(e["errors"][0]["field"], "to_email");
    let draft =
        t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&p, "1")]))).await.expect(201);
    t.post(&format!("/invoices/{}/send-email", id(&draft)), shop.token(), json!({}))
        .await
        .problem(409, "invoice_not_confirmed");
    let (_, draft_pdf) = pdf_of(&t, &shop.o.context, &id(&draft)).await;
    assert!(pdf_text(&draft_pdf).contains("BORRADOR"), "a draft prints as a draft");
}

async fn reports_count_open_and_paid_net_of_credit_notes(t: TestApp) {
    let shop = shop(&t).await;
    let norte = pdv(&t, &shop.o, "Norte").await;
    let p = product(&t, &shop.o, "REP-1", &shop.pdv, "50", "1000").await;
    let one = open_invoice(&t, &shop, json!([line(&p, "3")])).await;
    let paid = open_invoice(&t, &shop, json!([line(&p, "1")])).await;
    t.post(&format!("/invoices/{}/payments", id(&paid)), shop.token(), json!({"amount": "1190", "method": "cash"}))
        .await
        .expect(201);
    t.post("/invoices", shop.token(), invoice_body(&shop, "DRAFT", json!([line(&p, "5")]))).await.expect(201);
    let void = open_invoice(&t, &shop, json!([line(&p, "1")])).await;
    t.post(&format!("/invoices/{}/cancel", id(&void)), shop.token(), json!({"reason": "x"})).await.expect(200);
    let l = s(&one["line_items"][0]["id"]).to_string();
    let credit = json!({"reason": "devolución", "lines": [{"invoice_line_id": l, "quantity": "1"}]});
    t.post(&format!("/invoices/{}/credit-notes", id(&one)), shop.token(), credit).await.expect(201);
    let cmp = t.get("/invoices/reports/comparison", shop.token()).await.expect(200);
    let today = s(&cmp["today"]["date"]).to_string();
    // Sold 3570 + 1190 on OPEN and PAID invoices, less the 1190 credited: 3570; the draft and the void don't count.
    assert_eq!(
        (s(&cmp["today"]["total"]), s(&cmp["yesterday"]["total"]), cmp["percentage_change"].as_f64()),
        ("3570.00", "0.00", Some(100.0))
    );
    let sum = t
        .get(&format!("/invoices/reports/summary?start_date={today}&end_date={today}"), shop.token())
        .await
        .expect(200);
    assert_eq!(
        (
            sum["total_invoices"].as_u64(),
            s(&sum["total_amount"]),
            s(&sum["total_tax"]),
            s(&sum["pending_amount"]),
            s(&sum["paid_amount"]),
            s(&sum["cancelled_amount"])
        ),
        (Some(2), "3570.00", "570.00", "2380.00", "1190.00", "1190.00")
    );
    assert_eq!(
        (s(&sum["top_products"][0]["total_quantity"]), s(&sum["top_products"][0]["total_amount"])),
        ("3", "3570.00"),
        "net of the credited unit"
    );
    let week =
        t.get("/invoices/reports/summary?start_date=2026-01-01&end_date=2026-01-03", shop.token()).await.expect(200);
    let days: Vec<&str> = week["daily_sales"].as_array().unwrap().iter().map(|d| s(&d["amount"])).collect();
    assert_eq!(days, ["0.00", "0.00", "0.00"], "every day of the period, zero-filled");
    let (year, month) = (&today[0..4], today[5..7].trim_start_matches('0'));
    let m =
        t.get(&format!("/invoices/reports/monthly-status?year={year}&month={month}"), shop.token()).await.expect(200);
    let counts: Vec<u64> =
        ["total", "draft", "open", "paid", "void"].iter().map(|k| m[*k]["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, [4, 1, 1, 1, 1]);
    assert_eq!((s(&m["paid"]["recaudado"]), s(&m["collected"])), ("1190.00", "1190.00"));
    let top = t.get("/invoices/reports/top-products?period=day", shop.token()).await.expect(200);
    assert_eq!((top["products"][0]["product_id"].as_str(), s(&top["period"])), (Some(p.as_str()), "day"));
    let by_pdv = t.get("/invoices/reports/sales-by-pdv?period=month", shop.token()).await.expect(200);
    let rows: Vec<(&str, &str)> =
        by_pdv["sales_by_pdv"].as_array().unwrap().iter().map(|r| (s(&r["pdv_name"]), s(&r["total_sales"]))).collect();
    assert_eq!(rows, [("Principal", "3570.00"), ("Norte", "0.00")], "every PDV, the ones without sales too");
    assert_eq!(by_pdv["total_amount"], "3570.00");
    let _ = norte;
    t.get(&format!("/invoices/reports/summary?start_date={today}&end_date=2020-01-01"), shop.token())
        .await
        .problem(422, "validation_failed");
    t.get("/invoices/reports/monthly-status?year=2026&month=13", shop.token()).await.problem(422, "validation_failed");
}
