//! Points of sale, brands, categories and taxes through the whole HTTP app.

use crate::harness::{Owner, TestApp};
use crate::join::futures_join;
use crate::on_every_backend;
use serde_json::{json, Value};

on_every_backend!(
    pdvs_have_exactly_one_main_and_are_never_deleted_with_stock,
    pdv_input_and_locations_are_checked,
    brands_and_categories_are_unique_and_never_silently_cleared,
    group_lists_page_by_name_with_cursors,
    taxes_system_and_own_with_one_calculator,
    concurrent_main_switches_leave_one_main,
);

pub async fn main_pdv(t: &TestApp, o: &Owner) -> String {
    let pdvs = t.get("/pdvs", Some(&o.context)).await.expect(200);
    let main = pdvs["pdvs"].as_array().unwrap().iter().find(|p| p["is_main"] == true).expect("a main pdv");
    main["id"].as_str().unwrap().to_string()
}

pub async fn pdv(t: &TestApp, o: &Owner, name: &str) -> String {
    let body = json!({"name": name, "address": "Calle 1 # 2-3"});
    t.post("/pdvs", Some(&o.context), body).await.expect(201)["id"].as_str().unwrap().to_string()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn pdvs_have_exactly_one_main_and_are_never_deleted_with_stock(t: TestApp) {
    let o = t.owner().await;
    let principal = main_pdv(&t, &o).await;
    let norte = pdv(&t, &o, "Norte").await;
    let switched = t.post(&format!("/pdvs/{norte}/main"), Some(&o.context), json!({})).await.expect(200);
    assert_eq!(switched["is_main"], true);
    let old = t.get(&format!("/pdvs/{principal}"), Some(&o.context)).await.expect(200);
    assert_eq!(old["is_main"], false, "making one main unmakes the other");
    let listed = t.get("/pdvs", Some(&o.context)).await.expect(200);
    let mains = listed["pdvs"].as_array().unwrap().iter().filter(|p| p["is_main"] == true).count();
    assert_eq!((mains, listed["total"].as_u64()), (1, Some(2)));
    // The main PDV cannot stop being main by itself, be deactivated or deleted.
    let url = format!("/pdvs/{norte}");
    t.patch(&url, Some(&o.context), json!({"is_main": false})).await.problem(409, "main_pdv_protected");
    t.patch(&url, Some(&o.context), json!({"is_active": false})).await.problem(409, "main_pdv_protected");
    t.delete(&url, Some(&o.context)).await.problem(409, "main_pdv_protected");
    // Creating with is_main moves the flag in the same operation.
    let sur = t
        .post("/pdvs", Some(&o.context), json!({"name": "Sur", "address": "Cra 9", "is_main": true}))
        .await
        .expect(201);
    assert_eq!(sur["is_main"], true);
    assert_eq!(t.get(&url, Some(&o.context)).await.expect(200)["is_main"], false);
    // A PDV with stock or history is 409; it can be deactivated; an empty one goes for good.
    let body = json!({"name": "Arroz", "sku": "ARZ-1", "stocks": [{"pdv_id": norte, "quantity": "4"}]});
    t.post("/products/simple", Some(&o.context), body).await.expect(201);
    t.delete(&url, Some(&o.context)).await.problem(409, "pdv_in_use");
    let off = t.patch(&url, Some(&o.context), json!({"is_active": false})).await.expect(200);
    assert_eq!(off["is_active"], false);
    let inactive = json!({"name": "Frijol", "sku": "FRJ-1", "stocks": [{"pdv_id": norte, "quantity": "1"}]});
    let p = t.post("/products", Some(&o.context), inactive).await.problem(422, "validation_failed");
    assert_eq!(
        (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("stocks[0].pdv_id"), Some("inactive_pdv"))
    );
    t.delete(&format!("/pdvs/{principal}"), Some(&o.context)).await.expect(204);
    t.get(&format!("/pdvs/{principal}"), Some(&o.context)).await.problem(404, "not_found");
    assert_eq!(t.get("/pdvs", Some(&o.context)).await.expect(200)["total"], 2);
}

async fn pdv_input_and_locations_are_checked(t: TestApp) {
    let o = t.owner().await;
    let p = t.post("/pdvs", Some(&o.context), json!({"name": "", "phone_number": "123"})).await;
    let p = p.problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "address", "phone_number"]);
    // Medellín (2) is in Antioquia (2); Barranquilla (19) is not.
    let ok = json!({"name": "Medellín", "address": "Cl 10", "phone_number": "604 444 5555", "department_id": 2, "city_id": 2});
    let created = t.post("/pdvs", Some(&o.context), ok).await.expect(201);
    assert_eq!(created["phone_number"], "+576044445555");
    assert_eq!(
        (created["department"]["name"].as_str(), created["city"]["code"].as_str()),
        (Some("Antioquia"), Some("05001"))
    );
    let url = format!("/pdvs/{}", id(&created));
    let p = t.patch(&url, Some(&o.context), json!({"city_id": 19})).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "city_not_in_department", "checked against the stored department");
    let p = t
        .post("/pdvs", Some(&o.context), json!({"name": "X", "address": "Y", "department_id": 999}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_department");
    t.post("/pdvs", Some(&o.context), json!({"name": "MEDELLÍN", "address": "Otra"}))
        .await
        .problem(409, "pdv_name_taken");
    t.patch(&url, Some(&o.context), json!({"name": "principal"})).await.problem(409, "pdv_name_taken");
    t.patch(&url, Some(&o.context), json!({"address": null})).await.problem(422, "validation_failed");
    let renamed = t.patch(&url, Some(&o.context), json!({"name": "Medellín Centro", "phone_number": null})).await;
    let renamed = renamed.expect(200);
    assert_eq!((renamed["name"].as_str(), renamed["phone_number"].as_str()), (Some("Medellín Centro"), None));
    assert_eq!(renamed["city"]["name"], "Medellín", "unsent fields stay");
}

async fn brands_and_categories_are_unique_and_never_silently_cleared(t: TestApp) {
    let o = t.owner().await;
    for (path, code, in_use) in
        [("/brands", "brand_name_taken", "brand_in_use"), ("/categories", "category_name_taken", "category_in_use")]
    {
        let g = t.post(path, Some(&o.context), json!({"name": "Hogar", "description": "Casa"})).await.expect(201);
        t.post(path, Some(&o.context), json!({"name": " hogar "})).await.problem(409, code);
        t.post(path, Some(&o.context), json!({"name": "  "})).await.problem(422, "validation_failed");
        let other = t.post(path, Some(&o.context), json!({"name": "Otro"})).await.expect(201);
        let url = format!("{path}/{}", id(&other));
        t.patch(&url, Some(&o.context), json!({"name": "HOGAR"})).await.problem(409, code);
        let changed = t.patch(&url, Some(&o.context), json!({"description": "Nueva"})).await.expect(200);
        assert_eq!((changed["name"].as_str(), changed["description"].as_str()), (Some("Otro"), Some("Nueva")));
        let field = if path == "/brands" { "brand_id" } else { "category_id" };
        let sku = format!("SKU-{}", &path[1..4]);
        t.post("/products", Some(&o.context), json!({"name": "Silla", "sku": sku, field: id(&g)})).await.expect(201);
        let p = t.delete(&format!("{path}/{}", id(&g)), Some(&o.context)).await.problem(409, in_use);
        assert!(p["detail"].as_str().unwrap().starts_with("1 product"), "{p}");
        let products = t.get(&format!("/products?{field}={}", id(&g)), Some(&o.context)).await.expect(200);
        assert_eq!(products["data"].as_array().unwrap().len(), 1, "the product keeps its {field}");
        t.delete(&url, Some(&o.context)).await.expect(204);
        t.get(&url, Some(&o.context)).await.problem(404, "not_found");
    }
    let unknown = json!({"name": "Mesa", "sku": "MESA-1", "brand_id": uuid::Uuid::now_v7()});
    let p = t.post("/products", Some(&o.context), unknown).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_brand");
}

async fn group_lists_page_by_name_with_cursors(t: TestApp) {
    let o = t.owner().await;
    for name in ["delta", "Alfa", "charlie", "Bravo", "eco"] {
        t.post("/categories", Some(&o.context), json!({"name": name})).await.expect(201);
    }
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("/categories?limit=2&cursor={c}"),
            None => "/categories?limit=2".to_string(),
        };
        let page = t.get(&url, Some(&o.context)).await.expect(200);
        assert_eq!(page["total"], 5);
        seen.extend(page["categories"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ["Alfa", "Bravo", "charlie", "delta", "eco"]);
    // By creation, the same walk by cursor.
    let first = t.get("/categories?sort=created&limit=3", Some(&o.context)).await.expect(200);
    let names = |v: &Value| -> Vec<String> {
        v["categories"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&first), ["delta", "Alfa", "charlie"]);
    let next = first["next_cursor"].as_str().unwrap();
    let rest = t.get(&format!("/categories?sort=created&cursor={next}"), Some(&o.context)).await.expect(200);
    assert_eq!((names(&rest), rest["next_cursor"].as_str()), (vec!["Bravo".to_string(), "eco".to_string()], None));
    let forged = ally360::kernel::encode_key("ayer", uuid::Uuid::now_v7());
    t.get(&format!("/categories?sort=created&cursor={forged}"), Some(&o.context))
        .await
        .problem(422, "validation_failed");
    t.get("/categories?sort=price", Some(&o.context)).await.problem(422, "validation_failed");
    let pdvs = t.get("/pdvs?sort=created&limit=1", Some(&o.context)).await.expect(200);
    assert_eq!(pdvs["pdvs"][0]["name"], "Principal", "the first PDV is the one created with the company");
    let taxes = t.get("/taxes?sort=created&limit=100", Some(&o.context)).await.expect(200);
    assert_eq!(taxes["taxes"].as_array().unwrap().len(), taxes["total"].as_u64().unwrap() as usize);
    let found = t.get("/categories?search=AR", Some(&o.context)).await.expect(200);
    assert_eq!((found["total"].as_u64(), found["categories"][0]["name"].as_str()), (Some(1), Some("charlie")));
    t.get("/categories?cursor=zz", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/categories?limit=101", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/brands", Some(&o.context)).await.expect(200);
}

async fn taxes_system_and_own_with_one_calculator(t: TestApp) {
    let o = t.owner().await;
    let all = t.get("/taxes?limit=100", Some(&o.context)).await.expect(200);
    let iva = all["taxes"].as_array().unwrap().iter().find(|t| t["name"] == "IVA 19%").expect("seeded IVA 19%").clone();
    assert_eq!(
        (iva["rate"].as_str(), iva["code"].as_str(), iva["company_id"].as_str()),
        (Some("0.1900"), Some("01"), None)
    );
    assert!(all["total"].as_u64().unwrap() >= 5);
    let body = json!({"name": "Retefuente 2.5%", "code": "06", "rate": "0.025", "type": "withholding"});
    let rete = t.post("/taxes", Some(&o.context), body.clone()).await.expect(201);
    assert_eq!(
        (rete["type"].as_str(), rete["is_withholding"].as_bool(), rete["is_editable"].as_bool()),
        (Some("WITHHOLDING"), Some(true), Some(true))
    );
    t.post("/taxes", Some(&o.context), body).await.problem(409, "tax_name_taken");
    let p = t.post("/taxes", Some(&o.context), json!({"name": "X", "code": "01", "rate": "1.5", "type": "VAT"})).await;
    assert_eq!(p.problem(422, "validation_failed")["errors"][0]["field"], "rate");
    let p = t.post("/taxes", Some(&o.context), json!({"name": "Y"})).await.problem(422, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "code, rate and type are required");
    t.patch(&format!("/taxes/{}", id(&iva)), Some(&o.context), json!({"rate": "0.5"})).await.problem(403, "system_tax");
    t.delete(&format!("/taxes/{}", id(&iva)), Some(&o.context)).await.problem(403, "system_tax");
    // One calculator: half-up per tax on the same base, withholdings subtracted.
    let url = format!("/taxes/calculate?base_amount=100.5&tax_ids={}&tax_ids={}", id(&iva), id(&rete));
    let calc = t.post(&url, Some(&o.context), json!({})).await.expect(200);
    assert_eq!(calc["lines"][0]["tax_amount"], "19.10");
    assert_eq!(calc["lines"][1]["tax_amount"], "2.51");
    assert_eq!(
        (calc["total_taxes"].as_str(), calc["total_withholdings"].as_str(), calc["total"].as_str()),
        (Some("19.10"), Some("2.51"), Some("117.09"))
    );
    let unknown = format!("/taxes/calculate?base_amount=10&tax_ids={}", uuid::Uuid::now_v7());
    t.post(&unknown, Some(&o.context), json!({})).await.problem(404, "not_found");
    let negative = format!("/taxes/calculate?base_amount=-1&tax_ids={}", id(&iva));
    t.post(&negative, Some(&o.context), json!({})).await.problem(422, "validation_failed");
    // A tax a product carries cannot be deleted; an unused one can.
    let prod = json!({"name": "Servicio", "sku": "SRV-1", "kind": "service", "tax_ids": [id(&rete)]});
    t.post("/products", Some(&o.context), prod).await.expect(201);
    let p = t.delete(&format!("/taxes/{}", id(&rete)), Some(&o.context)).await.problem(409, "tax_in_use");
    assert!(p["detail"].as_str().unwrap().starts_with("1 product"));
    let renamed = t.patch(&format!("/taxes/{}", id(&rete)), Some(&o.context), json!({"name": "Retención 2.5%"})).await;
    assert_eq!(renamed.expect(200)["rate"], "0.0250");
    let spare = t
        .post(
            "/taxes",
            Some(&o.context),
            json!({"name": "ReteICA", "code": "07", "rate": "0.00966", "type": "MUNICIPAL"}),
        )
        .await
        .expect(201);
    t.delete(&format!("/taxes/{}", id(&spare)), Some(&o.context)).await.expect(204);
    // Another company sees the system taxes but not this one.
    let other = t.owner().await;
    t.get(&format!("/taxes/{}", id(&rete)), Some(&other.context)).await.problem(404, "not_found");
    t.get(&format!("/taxes/{}", id(&iva)), Some(&other.context)).await.expect(200);
}

async fn concurrent_main_switches_leave_one_main(t: TestApp) {
    let o = t.owner().await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(pdv(&t, &o, &format!("Sede {n}")).await);
    }
    let paths: Vec<String> = ids.iter().map(|id| format!("/pdvs/{id}/main")).collect();
    let calls = paths.iter().map(|path| t.post(path, Some(&o.context), json!({})));
    for status in futures_join(calls).await {
        assert!(matches!(status, 200 | 409), "{status}");
    }
    let listed = t.get("/pdvs", Some(&o.context)).await.expect(200);
    let mains = listed["pdvs"].as_array().unwrap().iter().filter(|p| p["is_main"] == true).count();
    assert_eq!(mains, 1, "exactly one main PDV after concurrent switches");
}
