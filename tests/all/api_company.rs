//! Companies, company selection and tenant resolution through the whole HTTP app.

use crate::harness::{landline, nit, phone, unique, TestApp};
use crate::on_every_backend;
use poem::http::Method;
use serde_json::json;

on_every_backend!(
    create_company_makes_owner_and_main_pdv,
    company_input_is_validated_and_unique,
    select_company_and_tenant_context,
    company_me_patch_and_pdvs,
    patch_by_id_answers_404_for_foreign_companies,
    viewer_reads_pdvs_but_cannot_write,
    system_endpoints_and_headers,
);

async fn create_company_makes_owner_and_main_pdv(t: TestApp) {
    let login = t.user(&format!("co-{}@example.com", unique())).await;
    let access = login["access_token"].as_str().unwrap();
    assert_eq!(t.get("/company/my_companies", Some(access)).await.expect(200), json!([]));
    let name = format!("Tienda {}", unique());
    let body =
        json!({"name": name, "phone_number": phone(), "nit": nit(), "address": "Cra 7 # 1-2", "uniquePDV": true});
    let created = t.post("/company/", Some(access), body).await.expect(201);
    assert_eq!(created["main_pdv_created"], true);
    assert_eq!(created["unique_pdv"], true);
    let company = created["id"].as_str().unwrap();
    let mine = t.get("/company/my_companies", Some(access)).await.expect(200);
    assert_eq!(mine[0]["id"], company);
    assert_eq!(mine[0]["role"], "owner");
    let ctx = t.select(access, company).await;
    let me = t.get("/company/me", Some(&ctx)).await.expect(200);
    assert_eq!(me["user_role"], "owner");
    assert_eq!(me["pdvs"].as_array().unwrap().len(), 1);
    assert_eq!(me["pdvs"][0]["name"], "Principal");
    assert_eq!(me["pdvs"][0]["is_main"], true);
    assert_eq!(me["pdvs"][0]["address"], "Cra 7 # 1-2");
    // The DV is computed from the NIT.
    let dv = ally360::kernel::validate::nit_check_digit(me["nit"].as_str().unwrap());
    assert_eq!(me["dv"], dv);
}

async fn company_input_is_validated_and_unique(t: TestApp) {
    let login = t.user(&format!("dup-{}@example.com", unique())).await;
    let access = login["access_token"].as_str().unwrap();
    let bad = t
        .post(
            "/company",
            Some(access),
            json!({"name": " ", "phone_number": "123", "nit": "12", "quantity_employees": "many"}),
        )
        .await;
    let problem = bad.problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "phone_number", "nit", "quantity_employees"]);
    t.post(
        "/company",
        Some(access),
        json!({"name": "Tienda DV", "phone_number": phone(), "nit": "900373115", "dv": "5"}),
    )
    .await
    .problem(422, "validation_failed");
    let (name, ph, n) = (format!("Única {}", unique()), phone(), nit());
    t.post("/company", Some(access), json!({"name": name, "phone_number": ph, "nit": n})).await.expect(201);
    let same_name = t
        .post("/company", Some(access), json!({"name": name.to_uppercase(), "phone_number": phone(), "nit": nit()}))
        .await;
    assert_eq!(same_name.problem(409, "company_name_taken")["errors"][0]["field"], "name");
    t.post("/company", Some(access), json!({"name": format!("Otra {}", unique()), "phone_number": ph, "nit": nit()}))
        .await
        .problem(409, "company_phone_taken");
    t.post("/company", Some(access), json!({"name": format!("Otra {}", unique()), "phone_number": phone(), "nit": n}))
        .await
        .problem(409, "company_nit_taken");
    // Nothing half-written: the failed attempts left one company.
    assert_eq!(t.get("/company/my_companies", Some(access)).await.expect(200).as_array().unwrap().len(), 1);
    t.post("/company", None, json!({"name": "x"})).await.expect(401);
}

async fn select_company_and_tenant_context(t: TestApp) {
    let owner = t.owner().await;
    let ctx =
        t.post("/auth/select-company", Some(&owner.access), json!({"company_id": owner.company})).await.expect(200);
    assert_eq!(ctx["tenant_id"], owner.company.as_str());
    assert_eq!(ctx["user_role"], "owner");
    assert_eq!(ctx["expires_in"], 1800);
    let legacy = t
        .post(&format!("/company/select-company?company_id={}", owner.company), Some(&owner.access), json!({}))
        .await
        .expect(200);
    assert_eq!(legacy["tenant_id"], owner.company.as_str());
    // Access token + header works; no tenant at all is 400; a bad header is 400.
    let header = [("X-Company-ID", owner.company.as_str())];
    t.call(Method::GET, "/company/me", Some(&owner.access), &header, None).await.expect(200);
    t.get("/company/me", Some(&owner.access)).await.problem(400, "tenant_required");
    t.call(Method::GET, "/company/me", Some(&owner.access), &[("X-Company-ID", "nope")], None)
        .await
        .problem(400, "invalid_company_id");
    // A context token with a different header is 403.
    let other = t.owner().await;
    t.call(Method::GET, "/company/me", Some(&owner.context), &[("X-Company-ID", other.company.as_str())], None)
        .await
        .problem(403, "tenant_mismatch");
    // Not a member: 403, with access token + header or at selection.
    t.call(Method::GET, "/company/me", Some(&owner.access), &[("X-Company-ID", other.company.as_str())], None)
        .await
        .problem(403, "not_a_member");
    t.post("/auth/select-company", Some(&owner.access), json!({"company_id": other.company}))
        .await
        .problem(403, "not_a_member");
    let context = t.get("/auth/context", Some(&owner.context)).await.expect(200);
    assert_eq!(context["tenant_id"], owner.company.as_str());
    assert_eq!(context["user_role"], "owner");
    assert_eq!(context["companies"].as_array().unwrap().len(), 1);
    let plain = t.get("/auth/context", Some(&owner.access)).await.expect(200);
    assert!(plain["tenant_id"].is_null());
}

async fn company_me_patch_and_pdvs(t: TestApp) {
    let owner = t.owner().await;
    let line = landline();
    let patched = t
        .patch(
            "/company/me",
            Some(&owner.context),
            json!({"description": "Ropa", "quantity_employees": "11-50", "phone_number": line}),
        )
        .await
        .expect(200);
    assert_eq!(patched["description"], "Ropa");
    assert_eq!(patched["quantity_employees"], "11-50");
    let digits: String = line.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(patched["phone_number"], format!("+57{digits}"));
    t.patch("/company/me", Some(&owner.context), json!({"quantity_employees": "x"}))
        .await
        .problem(422, "validation_failed");
    let other = t.owner().await;
    let taken = t.get("/company/me", Some(&other.context)).await.expect(200)["name"].as_str().unwrap().to_string();
    t.patch("/company/me", Some(&owner.context), json!({"name": taken})).await.problem(409, "company_name_taken");
    let by_id = t
        .patch(&format!("/company/{}", owner.company), Some(&owner.access), json!({"address": "Calle 1"}))
        .await
        .expect(200);
    assert_eq!(by_id["address"], "Calle 1");
    let pdvs = t.get("/company/pdvs", Some(&owner.context)).await.expect(200);
    assert_eq!(pdvs["total"], 1);
    assert_eq!(pdvs["pdvs"][0]["is_main"], true);
}

async fn patch_by_id_answers_404_for_foreign_companies(t: TestApp) {
    let owner = t.owner().await;
    let other = t.owner().await;
    t.patch(&format!("/company/{}", other.company), Some(&owner.access), json!({"address": "x"}))
        .await
        .problem(404, "not_found");
    t.patch(&format!("/company/{}", other.company), Some(&owner.context), json!({"address": "x"}))
        .await
        .problem(404, "not_found");
    let after = t.get("/company/me", Some(&other.context)).await.expect(200);
    assert!(after["address"].is_null());
}

async fn viewer_reads_pdvs_but_cannot_write(t: TestApp) {
    let owner = t.owner().await;
    let (_, ctx, _) = t.member(&owner, "viewer").await;
    assert_eq!(t.get("/company/me", Some(&ctx)).await.expect(200)["user_role"], "viewer");
    t.patch("/company/me", Some(&ctx), json!({"description": "hack"})).await.problem(403, "insufficient_role");
    // Every role reads the points of sale (spec 20: the original's viewer gap is closed).
    assert_eq!(t.get("/company/pdvs", Some(&ctx)).await.expect(200)["total"], 1);
    t.get("/auth/company/users", Some(&ctx)).await.problem(403, "insufficient_role");
}

async fn system_endpoints_and_headers(t: TestApp) {
    let root = t.get("/", None).await;
    assert_eq!(root.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(root.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(root.headers.get("strict-transport-security").is_some());
    assert!(root.headers.get("x-request-id").is_some());
    assert_eq!(root.expect(200)["message"], "Ally360 API is running");
    assert_eq!(t.get("/health", None).await.expect(200)["status"], "healthy");
    let ready = t.get("/ready", None).await.expect(200);
    assert_eq!(
        (ready["status"].as_str(), ready["database"].as_str(), ready["cache"].as_str()),
        (Some("ready"), Some("up"), Some("up"))
    );
    let echoed = t.call(Method::GET, "/health", None, &[("X-Request-ID", "abc-123")], None).await;
    assert_eq!(echoed.headers.get("x-request-id").unwrap(), "abc-123");
    t.get("/no/such/route", None).await.problem(404, "route_not_found");
    let big = "x".repeat(70 * 1024);
    t.post("/auth/register", None, json!({"email": big})).await.problem(413, "payload_too_large");
    let cors = t
        .call(
            Method::OPTIONS,
            "/auth/login",
            None,
            &[("Origin", "http://app.test"), ("Access-Control-Request-Method", "POST")],
            None,
        )
        .await;
    assert_eq!(cors.headers.get("access-control-allow-origin").unwrap(), "http://app.test");
    let evil = t
        .call(
            Method::OPTIONS,
            "/auth/login",
            None,
            &[("Origin", "http://evil.test"), ("Access-Control-Request-Method", "POST")],
            None,
        )
        .await;
    assert!(evil.headers.get("access-control-allow-origin").is_none());
    let docs = t.client.get("/docs").send().await;
    assert_eq!(docs.0.status().as_u16(), 200);
    let spec = t.get("/openapi.json", None).await.expect(200);
    assert!(spec["paths"]["/auth/login"].is_object());
    let gz = t.client.get("/openapi.json").header("Accept-Encoding", "gzip").send().await;
    assert_eq!(gz.0.headers().get("content-encoding").unwrap(), "gzip");
}
