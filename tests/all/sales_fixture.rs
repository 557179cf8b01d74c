//! A shop ready to invoice: an owner, the main PDV with an invoice range and a credit-note range, a
//! client and products with stock and VAT.

use crate::api_catalog::main_pdv;
use crate::harness::{Owner, TestApp};
use serde_json::{json, Value};

/// IVA 19 % (seeded system tax).
pub const IVA19: &str = "01900000-0000-7000-8000-000000000019";

pub struct Shop {
    pub o: Owner,
    pub pdv: String,
    pub customer: String,
}

impl Shop {
    pub fn token(&self) -> Option<&str> {
        Some(&self.o.context)
    }
}

/// A numbering range on `pdv` valid all year round.
pub async fn range(t: &TestApp, o: &Owner, pdv: &str, kind: &str, prefix: &str, from: i64, to: i64) -> Value {
    let body = json!({"pdv_id": pdv, "kind": kind, "resolution_number": "18760000001", "prefix": prefix,
        "range_from": from, "range_to": to, "valid_from": "2020-01-01", "valid_to": "2099-12-31"});
    t.post("/numbering-ranges", Some(&o.context), body).await.expect(201)
}

pub async fn client(t: &TestApp, o: &Owner, name: &str, extra: Value) -> String {
    let mut body = json!({"name": name, "type": ["client"], "email": format!("{}@cliente.co", name.replace(' ', ".").to_lowercase())});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    t.post("/contacts", Some(&o.context), body).await.expect(201)["id"].as_str().unwrap().to_string()
}

/// A product with IVA 19 %, `stock` units at `pdv` and sale price `price`.
pub async fn product(t: &TestApp, o: &Owner, sku: &str, pdv: &str, stock: &str, price: &str) -> String {
    let body = json!({"name": format!("Producto {sku}"), "sku": sku, "priceSale": price, "priceBase": "1000",
        "tax_ids": [IVA19], "stocks": [{"pdv_id": pdv, "quantity": stock}]});
    t.post("/products", Some(&o.context), body).await.expect(201)["id"].as_str().unwrap().to_string()
}

pub async fn shop(t: &TestApp) -> Shop {
    let o = t.owner().await;
    let pdv = main_pdv(t, &o).await;
    range(t, &o, &pdv, "invoice", "F-", 1, 5000).await;
    range(t, &o, &pdv, "credit_note", "NC-", 1, 5000).await;
    let customer = client(t, &o, "Cliente Uno", json!({})).await;
    Shop { o, pdv, customer }
}

pub fn line(product: &str, qty: &str) -> Value {
    json!({"product_id": product, "quantity": qty})
}

pub fn invoice_body(s: &Shop, status: &str, items: Value) -> Value {
    json!({"pdv_id": s.pdv, "customer_id": s.customer, "status": status, "items": items})
}

/// Creates an OPEN invoice and returns it.
pub async fn open_invoice(t: &TestApp, s: &Shop, items: Value) -> Value {
    t.post("/invoices", s.token(), invoice_body(s, "OPEN", items)).await.expect(201)
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}
