//! Stock under concurrency, on memory and PostgreSQL: the last units are sold exactly once, transfers
//! racing in both directions keep the total, and after a random concurrent workload every stock row
//! equals the sum of its movements and none went below zero.

use crate::api_catalog::{main_pdv, pdv};
use crate::api_inventory::{movement, product, quantity_at};
use crate::harness::{Owner, TestApp};
use crate::join::join_all;
use crate::on_every_backend;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::HashMap;

on_every_backend!(
    two_hundred_buyers_of_one_hundred_units,
    transfers_racing_both_ways_keep_the_total,
    a_random_workload_keeps_stock_equal_to_its_movements,
);

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// Every movement of a product, by following the cursor.
async fn all_movements(t: &TestApp, o: &Owner, product: &str) -> Vec<Value> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let url = format!(
            "/movements?product_id={product}&limit=100{}",
            cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default()
        );
        let page = t.get(&url, Some(&o.context)).await.expect(200);
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

/// Stock rows equal the sums of their movements and none is negative.
async fn check_invariant(t: &TestApp, o: &Owner, product: &str) -> Decimal {
    let moves = all_movements(t, o, product).await;
    let mut sums: HashMap<String, Decimal> = HashMap::new();
    for m in &moves {
        *sums.entry(m["pdv_id"].as_str().unwrap().to_string()).or_default() += d(&m["quantity"]);
        assert!(d(&m["balance_after"]) >= Decimal::ZERO, "a balance went below zero: {m}");
    }
    let rows = t.get(&format!("/stock/product/{product}"), Some(&o.context)).await.expect(200);
    let mut total = Decimal::ZERO;
    for r in rows.as_array().unwrap() {
        let q = d(&r["quantity"]);
        assert!(q >= Decimal::ZERO);
        assert_eq!(q, sums.get(r["pdv_id"].as_str().unwrap()).copied().unwrap_or_default(), "stock ≠ Σ movements: {r}");
        total += q;
    }
    total
}

async fn statuses(
    calls: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = crate::harness::Answer> + Send + '_>>>,
) -> Vec<u16> {
    join_all(calls).await.into_iter().map(|a| a.status.as_u16()).collect()
}

async fn two_hundred_buyers_of_one_hundred_units(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let p = product(&t, &o, "HOT-1", &main, "100", "10").await;
    let body = movement(&p, &main, "OUT", "1");
    let calls = (0..200).map(|_| Box::pin(t.post("/movements", Some(&o.context), body.clone())) as _).collect();
    let answers = statuses(calls).await;
    assert_eq!(answers.iter().filter(|s| **s == 201).count(), 100, "{answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == 409).count(), 100);
    assert_eq!(quantity_at(&t, &o, &p, &main).await, "0");
    let outs = all_movements(&t, &o, &p).await.into_iter().filter(|m| m["movement_type"] == "OUT").count();
    assert_eq!(outs, 100);
    check_invariant(&t, &o, &p).await;
}

async fn transfers_racing_both_ways_keep_the_total(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let p = product(&t, &o, "RAC-1", &main, "10", "10").await;
    t.post(
        "/movements",
        Some(&o.context),
        json!({"product_id": p, "pdv_id": norte, "movement_type": "IN", "quantity": "10"}),
    )
    .await
    .expect(201);
    let line = |from: &str, to: &str| json!({"from_pdv_id": from, "to_pdv_id": to, "lines": [{"product_id": p, "quantity": "3"}]});
    let (there, back) = (line(&main, &norte), line(&norte, &main));
    let calls = (0..30)
        .map(|i| {
            Box::pin(t.post(
                "/movements/transfer",
                Some(&o.context),
                if i % 2 == 0 { there.clone() } else { back.clone() },
            )) as _
        })
        .collect();
    let answers = statuses(calls).await;
    assert!(answers.iter().all(|s| *s == 201 || *s == 409), "{answers:?}");
    assert!(answers.contains(&201));
    assert_eq!(check_invariant(&t, &o, &p).await, Decimal::from(20), "the total never changes");
}

async fn a_random_workload_keeps_stock_equal_to_its_movements(t: TestApp) {
    let o = t.owner().await;
    let main = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let mut products = Vec::new();
    for n in 0..3 {
        products.push(product(&t, &o, &format!("RND-{n}"), &main, "5", "7").await);
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut bodies = Vec::new();
    for _ in 0..90 {
        let p = &products[next(3) as usize];
        let (at, other) = if next(2) == 0 { (&main, &norte) } else { (&norte, &main) };
        let qty = (1 + next(4)).to_string();
        let (path, body) = match next(4) {
            0 => ("/movements", movement(p, at, "IN", &qty)),
            1 => ("/movements", movement(p, at, "OUT", &qty)),
            2 => ("/movements", movement(p, at, "ADJUSTMENT", &format!("-{qty}"))),
            _ => (
                "/movements/transfer",
                json!({"from_pdv_id": at, "to_pdv_id": other, "lines": [{"product_id": p, "quantity": qty}]}),
            ),
        };
        bodies.push((path, body));
    }
    let calls = bodies.iter().map(|(path, body)| Box::pin(t.post(path, Some(&o.context), body.clone())) as _).collect();
    let answers = statuses(calls).await;
    assert!(answers.iter().all(|s| *s == 201 || *s == 409), "{answers:?}");
    for p in &products {
        check_invariant(&t, &o, p).await;
    }
}
