//! Sales under concurrency, on memory and PostgreSQL: 500 confirms racing in one PDV take every number
//! once, racing payments never pay more than is owed, the last units are sold once and refused confirms
//! take no number, and after a random concurrent workload every invoice keeps the invariants of Part C §2.

use crate::api_inventory::quantity_at;
use crate::harness::{Answer, TestApp};
use crate::join::join_all;
use crate::on_every_backend;
use crate::sales_fixture::*;
use ally360::kernel::CoreResult;
use ally360::ports::{RateDecision, RateLimiter};
use ally360::AppPorts;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

on_every_backend!(
    five_hundred_confirms_take_every_number_once,
    racing_payments_never_overpay,
    the_last_units_are_sold_once_and_refusals_take_no_number,
    a_random_sales_workload_keeps_the_invariants,
);

type Call<'a> = Pin<Box<dyn Future<Output = Answer> + Send + 'a>>;

fn d(v: &Value) -> Decimal {
    s(v).parse().unwrap_or_else(|_| panic!("not a decimal: {v}"))
}

/// Posts every (path, body) at once; the answers in order.
async fn race(t: &TestApp, token: Option<&str>, calls: &[(String, Value)]) -> Vec<Answer> {
    join_all(calls.iter().map(|(path, body)| Box::pin(t.post(path, token, body.clone())) as Call).collect()).await
}

/// The printed numbers `prefix`000001..`prefix`00000n.
fn numbers(prefix: &str, n: i64) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i:06}")).collect()
}

/// The active range of `kind` of the shop's PDV.
async fn active_range(t: &TestApp, shop: &Shop, kind: &str) -> Value {
    let ranges = t.get(&format!("/numbering-ranges?pdv_id={}", shop.pdv), shop.token()).await.expect(200);
    ranges.as_array().unwrap().iter().find(|r| r["kind"] == kind && r["is_active"] == true).expect("a range").clone()
}

/// No request budget: 500 drafts and 500 confirms are more than the 600 requests a minute one company
/// may send (`tenant_api_limit`), and the budget is not what this test is about.
struct Unlimited;

#[async_trait::async_trait]
impl RateLimiter for Unlimited {
    async fn check(&self, _key: &str, limit: u32, _window: Duration) -> CoreResult<RateDecision> {
        Ok(RateDecision { allowed: true, remaining: limit, retry_after: Duration::ZERO })
    }
}

async fn five_hundred_confirms_take_every_number_once(t: TestApp) {
    let t = TestApp::on(AppPorts { rate_limiter: Arc::new(Unlimited), ..t.app.ports.clone() }, t.mailer.clone());
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "CONF-1", &shop.pdv, "1000", "1000").await;
    let started = Instant::now();
    let mut drafts = Vec::new();
    let draft = ("/invoices".to_string(), invoice_body(&shop, "DRAFT", json!([line(&p, "1")])));
    for _ in 0..10 {
        for a in race(&t, shop.token(), &vec![draft.clone(); 50]).await {
            drafts.push(id(&a.expect(201)));
        }
    }
    let created = started.elapsed();
    let confirms: Vec<(String, Value)> = drafts.iter().map(|d| (format!("/invoices/{d}/confirm"), json!({}))).collect();
    let started = Instant::now();
    let answers = race(&t, shop.token(), &confirms).await;
    eprintln!("500 drafts created in {created:?}, confirmed concurrently in {:?}", started.elapsed());
    let mut got: Vec<String> = answers.into_iter().map(|a| s(&a.expect(200)["number"]).to_string()).collect();
    got.sort();
    assert_eq!(got, numbers("F-", 500), "every number once, none skipped");
    let next = t.get(&format!("/invoices/next-number/{}", shop.pdv), shop.token()).await.expect(200);
    assert_eq!((s(&next["next_number"]), next["current_sequence"].as_i64()), ("F-000501", Some(501)));
    let range = t.get(&format!("/numbering-ranges/{}", s(&next["range_id"])), shop.token()).await.expect(200);
    assert_eq!((range["next_number"].as_i64(), range["remaining"].as_i64()), (Some(501), Some(4500)));
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "500");
    let open = t.get("/invoices?status=OPEN&limit=1", shop.token()).await.expect(200);
    assert_eq!(open["total"], 500);
}

async fn racing_payments_never_overpay(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "PAY-1", &shop.pdv, "5", "100000").await;
    let inv = open_invoice(&t, &shop, json!([line(&p, "1")])).await;
    assert_eq!(inv["amount_payable"], "119000.00", "T = 119 000, paid in quarters of 29 750");
    let url = format!("/invoices/{}", id(&inv));
    let pay = (format!("{url}/payments"), json!({"amount": "29750", "method": "cash"}));
    let (mut ok, mut refused) = (0, 0);
    for a in race(&t, shop.token(), &vec![pay; 20]).await {
        if a.status.as_u16() == 201 {
            ok += 1;
        } else {
            a.problem(409, "amount_exceeds_balance");
            refused += 1;
        }
    }
    assert_eq!((ok, refused), (4, 16));
    let got = t.get(&url, shop.token()).await.expect(200);
    assert_eq!(
        (s(&got["status"]), s(&got["paid_amount"]), s(&got["balance_due"]), s(&got["payment_status"])),
        ("PAID", "119000.00", "0.00", "paid")
    );
    let payments = got["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 4, "refused payments leave no row");
    assert_eq!(payments.iter().map(|p| d(&p["amount"])).sum::<Decimal>(), Decimal::from(119_000));
}

async fn the_last_units_are_sold_once_and_refusals_take_no_number(t: TestApp) {
    let shop = shop(&t).await;
    let p = product(&t, &shop.o, "LAST-1", &shop.pdv, "10", "5000").await;
    let buy = ("/invoices".to_string(), invoice_body(&shop, "OPEN", json!([line(&p, "1")])));
    let mut sold = Vec::new();
    let mut refused = 0;
    for a in race(&t, shop.token(), &vec![buy; 25]).await {
        if a.status.as_u16() == 201 {
            sold.push(s(&a.body["number"]).to_string());
        } else {
            a.problem(409, "insufficient_stock");
            refused += 1;
        }
    }
    assert_eq!((sold.len(), refused), (10, 15));
    sold.sort();
    assert_eq!(sold, numbers("F-", 10), "ten consecutive numbers: refused confirms take none");
    assert_eq!(quantity_at(&t, &shop.o, &p, &shop.pdv).await, "0");
    let next = t.get(&format!("/invoices/next-number/{}", shop.pdv), shop.token()).await.expect(200);
    assert_eq!(next["next_number"], "F-000011");
    let all = t.get("/invoices?limit=1", shop.token()).await.expect(200);
    assert_eq!(all["total"], 10, "a refused create leaves no draft behind");
    let moves = t.get(&format!("/movements?product_id={p}&movement_type=SALE&limit=100"), shop.token()).await;
    assert_eq!(moves.expect(200)["items"].as_array().unwrap().len(), 10);
}

/// A tiny deterministic xorshift64.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn pick<'a, T>(&mut self, of: &'a [T]) -> &'a T {
        &of[self.below(of.len() as u64) as usize]
    }
}

/// What the workload knows: every invoice created (as first returned) and every payment recorded.
struct Known {
    invoices: Vec<Value>,
    payments: Vec<(String, String)>,
}

fn create_op(rng: &mut Rng, shop: &Shop, products: &[String]) -> (String, Value) {
    let items: Vec<Value> = (0..1 + rng.below(3))
        .map(|_| {
            let qty = (1 + rng.below(3)).to_string();
            json!({"product_id": rng.pick(products), "quantity": qty, "discount_pct": rng.pick(&["0", "5", "12.5", "33.33"])})
        })
        .collect();
    let status = if rng.below(2) == 0 { "DRAFT" } else { "OPEN" };
    ("/invoices".into(), invoice_body(shop, status, json!(items)))
}

/// One random operation on what is known; many are refused (409/422), which is expected.
fn random_op(rng: &mut Rng, k: &Known, shop: &Shop, products: &[String]) -> (String, Value) {
    let choice = rng.below(10);
    if k.invoices.is_empty() || choice < 2 {
        return create_op(rng, shop, products);
    }
    let inv = rng.pick(&k.invoices);
    let url = format!("/invoices/{}", id(inv));
    match choice {
        2 | 3 => (format!("{url}/confirm"), json!({})),
        4..=6 => {
            let payable = d(&inv["amount_payable"]);
            let amount = match rng.below(6) {
                5 => payable + Decimal::new(1, 2),
                q => (payable * Decimal::from(q + 1) / Decimal::from(4)).round_dp(2).min(payable),
            };
            (format!("{url}/payments"), json!({"amount": amount.to_string(), "method": "cash"}))
        }
        7 => (format!("{url}/cancel"), json!({"reason": "Anulada en prueba"})),
        9 if !k.payments.is_empty() => {
            let (inv, pay) = rng.pick(&k.payments);
            (format!("/invoices/{inv}/payments/{pay}/void"), json!({"reason": "rebotado"}))
        }
        _ => {
            let mut body = json!({"reason": "Devolución", "refund_method": "cash", "restock": rng.below(4) != 0});
            if rng.below(2) == 0 {
                let l = rng.pick(inv["line_items"].as_array().unwrap());
                body["lines"] = json!([{"invoice_line_id": l["id"], "quantity": "1"}]);
            }
            (format!("{url}/credit-notes"), body)
        }
    }
}

/// Runs a wave: only 2xx, 409 and 422 are expected; records what was created and paid.
async fn wave(t: &TestApp, shop: &Shop, ops: Vec<(String, Value)>, k: &mut Known) {
    for ((path, body), a) in ops.iter().zip(race(t, shop.token(), &ops).await) {
        let status = a.status.as_u16();
        assert!(matches!(status, 200 | 201 | 409 | 422), "POST {path} {body} answered {status}: {}", a.body);
        if status == 201 && path == "/invoices" {
            k.invoices.push(a.body);
        } else if status == 201 && path.ends_with("/payments") {
            k.payments.push((s(&a.body["invoice_id"]).to_string(), id(&a.body)));
        }
    }
}

fn sum(rows: &Value, key: &str) -> Decimal {
    rows.as_array().unwrap().iter().map(|r| d(&r[key])).sum()
}

/// Part C §2 on one invoice; returns its stock effect per product (sold on OPEN/PAID, minus restocked).
async fn check_invoice(t: &TestApp, shop: &Shop, inv_id: &str, effect: &mut HashMap<String, Decimal>) {
    let i = t.get(&format!("/invoices/{inv_id}"), shop.token()).await.expect(200);
    let lines = &i["line_items"];
    for l in lines.as_array().unwrap() {
        assert_eq!(d(&l["line_gross"]) - d(&l["line_discount"]), d(&l["line_subtotal"]), "{l}");
        assert_eq!(d(&l["line_subtotal"]) + d(&l["taxes_total"]), d(&l["line_total"]), "{l}");
        assert_eq!(sum(&l["line_taxes"], "tax_amount"), d(&l["taxes_total"]), "{l}");
    }
    assert_eq!(sum(lines, "line_gross"), d(&i["subtotal"]), "Σ gross = subtotal: {i}");
    assert_eq!(sum(lines, "line_subtotal") + d(&i["discount_total"]), d(&i["subtotal"]), "{i}");
    assert_eq!(sum(lines, "line_discount"), d(&i["discount_total"]), "{i}");
    assert_eq!(sum(lines, "taxes_total"), d(&i["taxes_total"]), "{i}");
    assert_eq!(sum(lines, "withholdings"), d(&i["withholdings_total"]), "{i}");
    assert_eq!(sum(lines, "line_total"), d(&i["total_amount"]), "Σ line totals = total: {i}");
    assert_eq!(d(&i["subtotal"]) - d(&i["discount_total"]) + d(&i["taxes_total"]), d(&i["total_amount"]));
    assert_eq!(d(&i["total_amount"]) - d(&i["withholdings_total"]), d(&i["amount_payable"]));
    let live: Decimal =
        i["payments"].as_array().unwrap().iter().filter(|p| p["is_void"] == false).map(|p| d(&p["amount"])).sum();
    let (payable, paid, credited) = (d(&i["amount_payable"]), d(&i["paid_amount"]), d(&i["credited_amount"]));
    assert_eq!(paid, live, "paid_amount = Σ live payments: {i}");
    assert_eq!(credited, sum(&i["credit_notes"], "applied_amount"), "{i}");
    assert_eq!(d(&i["refunded_amount"]), sum(&i["credit_notes"], "refund_amount"), "{i}");
    assert!(paid + credited <= payable, "overpaid: {i}");
    assert!(d(&i["refunded_amount"]) <= paid, "refunded more than was paid: {i}");
    let noted = sum(&i["credit_notes"], "total_amount");
    assert!(noted <= d(&i["total_amount"]), "credited more than was sold: {i}");
    let mut credited_qty: HashMap<String, Decimal> = HashMap::new();
    for n in i["credit_notes"].as_array().unwrap() {
        assert_eq!(sum(&n["lines"], "line_total"), d(&n["total_amount"]), "{n}");
        assert_eq!(d(&n["applied_amount"]) + d(&n["refund_amount"]), d(&n["total_amount"]), "{n}");
        for l in n["lines"].as_array().unwrap() {
            *credited_qty.entry(s(&l["invoice_line_id"]).to_string()).or_default() += d(&l["quantity"]);
            if n["restock"] == true {
                *effect.entry(s(&l["product_id"]).to_string()).or_default() += d(&l["quantity"]);
            }
        }
    }
    for l in lines.as_array().unwrap() {
        let c = credited_qty.get(s(&l["id"])).copied().unwrap_or_default();
        assert_eq!(c, d(&l["credited_quantity"]), "credited quantity of {l}");
        assert!(c <= d(&l["quantity"]), "more credited than sold: {l}");
    }
    let all_back = lines.as_array().unwrap().iter().all(|l| l["credited_quantity"] == l["quantity"]);
    assert!(!all_back || noted == d(&i["total_amount"]), "a full credit is exactly the total: {i}");
    let moves = t.get(&format!("/movements?document_id={inv_id}&limit=100"), shop.token()).await.expect(200);
    let net = sum(&moves["items"], "quantity");
    let sold: Decimal = lines.as_array().unwrap().iter().map(|l| d(&l["quantity"])).sum();
    match s(&i["status"]) {
        "DRAFT" => {
            assert!(i["number"].is_null() && paid.is_zero() && moves["items"] == json!([]), "{i}");
            assert_eq!(d(&i["balance_due"]), Decimal::ZERO);
        }
        "VOID" => {
            assert_eq!(net, Decimal::ZERO, "a void invoice's stock effect is zero: {moves}");
            assert!(paid.is_zero() && credited.is_zero() && d(&i["balance_due"]).is_zero(), "{i}");
        }
        status => {
            assert_eq!(net, -sold, "an open invoice's SALE movements: {moves}");
            for l in lines.as_array().unwrap() {
                *effect.entry(s(&l["product_id"]).to_string()).or_default() -= d(&l["quantity"]);
            }
            let balance = d(&i["balance_due"]);
            assert_eq!(balance, payable - paid - credited, "{i}");
            assert_eq!(status == "PAID", balance.is_zero(), "PAID ⇔ nothing owed: {i}");
        }
    }
}

/// Every invoice of the shop, following the cursor.
async fn all_invoices(t: &TestApp, shop: &Shop) -> Vec<Value> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let url = format!("/invoices?limit=100{}", cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default());
        let page = t.get(&url, shop.token()).await.expect(200);
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

async fn a_random_sales_workload_keeps_the_invariants(t: TestApp) {
    let shop = shop(&t).await;
    let mut products = Vec::new();
    for (n, price) in ["10000", "3333", "12345.67"].iter().enumerate() {
        products.push(product(&t, &shop.o, &format!("RSW-{n}"), &shop.pdv, "12", price).await);
    }
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut k = Known { invoices: Vec::new(), payments: Vec::new() };
    let first: Vec<_> = (0..15).map(|_| create_op(&mut rng, &shop, &products)).collect();
    wave(&t, &shop, first, &mut k).await;
    for _ in 0..3 {
        let ops: Vec<_> = (0..15).map(|_| random_op(&mut rng, &k, &shop, &products)).collect();
        wave(&t, &shop, ops, &mut k).await;
    }
    let listed = all_invoices(&t, &shop).await;
    assert_eq!(listed.len(), k.invoices.len(), "every invoice created, and only those, is listed");
    let mut effect: HashMap<String, Decimal> = HashMap::new();
    let mut seqs = Vec::new();
    let mut notes = Vec::new();
    for inv in &listed {
        check_invoice(&t, &shop, s(&inv["id"]), &mut effect).await;
        if let Some(n) = inv["number"].as_str() {
            seqs.push(n.strip_prefix("F-").expect("prefix").parse::<i64>().expect("number"));
        }
        let got = t.get(&format!("/invoices/{}/credit-notes", s(&inv["id"])), shop.token()).await.expect(200);
        notes.extend(got.as_array().unwrap().iter().map(|n| s(&n["number"]).to_string()));
    }
    seqs.sort();
    let confirmed = seqs.len() as i64;
    assert_eq!(seqs, (1..=confirmed).collect::<Vec<_>>(), "invoice numbers 1..N, each once, no gap");
    notes.sort();
    assert_eq!(notes, numbers("NC-", notes.len() as i64), "credit-note numbers 1..M, each once");
    let next = t.get(&format!("/invoices/next-number/{}", shop.pdv), shop.token()).await.expect(200);
    assert_eq!(next["current_sequence"].as_i64(), Some(confirmed + 1));
    let nc = active_range(&t, &shop, "credit_note").await;
    assert_eq!(nc["next_number"].as_i64(), Some(notes.len() as i64 + 1));
    for p in &products {
        let q: Decimal = quantity_at(&t, &shop.o, p, &shop.pdv).await.parse().unwrap();
        assert!(q >= Decimal::ZERO, "no product sells below zero");
        assert_eq!(q, Decimal::from(12) + effect.get(p).copied().unwrap_or_default(), "stock of {p}");
    }
    let statuses: Vec<&str> = listed.iter().map(|i| s(&i["status"])).collect();
    eprintln!(
        "workload: {} invoices {statuses:?}, {} payments, {} credit notes",
        listed.len(),
        k.payments.len(),
        notes.len()
    );
    assert!(confirmed > 0 && !k.payments.is_empty(), "the workload did something");
}
