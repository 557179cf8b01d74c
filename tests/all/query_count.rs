//! No N+1: a page of products (or invoices) costs the same number of SQL statements whatever its size. The
//! statements are counted from sqlx's own `sqlx::query` events, on a single-threaded runtime so that
//! only this test's statements reach the counting subscriber.

use crate::harness::{database_url, Backend, TestApp};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};

/// Counts the statements sqlx runs.
struct StatementCounter(Arc<AtomicUsize>);

impl tracing::Subscriber for StatementCounter {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.target() == "sqlx::query" {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        meta.target() == "sqlx::query"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn a_product_page_costs_the_same_statements_whatever_its_size() {
    if database_url().is_none() {
        return;
    }
    let t = TestApp::new(Backend::Postgres).await;
    let o = t.owner().await;
    let iva = t.get("/taxes?limit=100", Some(&o.context)).await.expect(200)["taxes"][0]["id"].clone();
    let main = crate::api_catalog::main_pdv(&t, &o).await;
    for n in 0..25 {
        let mut body = json!({"name": format!("Producto {n:02}"), "sku": format!("P-{n:02}"), "tax_ids": [iva],
            "stocks": [{"pdv_id": main, "quantity": "3", "min_quantity": "1"}]});
        if n % 5 == 0 {
            body["variants"] = json!([{"sku": format!("P-{n:02}-A"), "attributes": {"talla": "A"}}]);
            body["stocks"] = json!([]);
        }
        t.post("/products", Some(&o.context), body).await.expect(201);
    }
    let count = Arc::new(AtomicUsize::new(0));
    let _counting = tracing::subscriber::set_default(StatementCounter(count.clone()));
    let mut statements = Vec::new();
    for limit in [1, 20, 1, 20] {
        count.store(0, Ordering::SeqCst);
        let page = t.get(&format!("/products?limit={limit}"), Some(&o.context)).await.expect(200);
        assert_eq!(page["data"].as_array().unwrap().len(), limit);
        statements.push(count.load(Ordering::SeqCst));
    }
    assert!(statements[2] > 0, "sqlx statements are counted: {statements:?}");
    assert_eq!(statements[2], statements[3], "a page of 20 costs what a page of 1 costs: {statements:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn invoices_cost_the_same_statements_whatever_their_size() {
    if database_url().is_none() {
        return;
    }
    use crate::sales_fixture::*;
    let t = TestApp::new(Backend::Postgres).await;
    let shop = shop(&t).await;
    let mut products = Vec::new();
    for n in 0..20 {
        products.push(product(&t, &shop.o, &format!("QC-{n:02}"), &shop.pdv, "100", "1000").await);
    }
    let mut ids = Vec::new();
    for n in 0..21 {
        let items: Vec<_> = products.iter().take(if n == 0 { 1 } else { 20 }).map(|p| line(p, "1")).collect();
        let inv = open_invoice(&t, &shop, json!(items)).await;
        t.post(&format!("/invoices/{}/payments", id(&inv)), shop.token(), json!({"amount": "1", "method": "cash"}))
            .await
            .expect(201);
        ids.push(id(&inv));
    }
    let count = Arc::new(AtomicUsize::new(0));
    let _counting = tracing::subscriber::set_default(StatementCounter(count.clone()));
    let mut lists = Vec::new();
    for limit in [1, 20, 1, 20] {
        count.store(0, Ordering::SeqCst);
        let page = t.get(&format!("/invoices?limit={limit}"), shop.token()).await.expect(200);
        assert_eq!(page["items"].as_array().unwrap().len(), limit);
        lists.push(count.load(Ordering::SeqCst));
    }
    assert!(lists[2] > 0 && lists[2] == lists[3], "a page of 20 costs what a page of 1 costs: {lists:?}");
    // One invoice read: the same statements for 1 line and for 20 lines, payments and credit notes.
    let mut reads = Vec::new();
    for invoice in [&ids[0], &ids[1], &ids[0], &ids[1]] {
        count.store(0, Ordering::SeqCst);
        let got = t.get(&format!("/invoices/{invoice}"), shop.token()).await.expect(200);
        assert!(!got["line_items"].as_array().unwrap().is_empty());
        reads.push(count.load(Ordering::SeqCst));
    }
    assert_eq!(reads[2], reads[3], "one invoice costs the same whatever its lines: {reads:?}");
}
