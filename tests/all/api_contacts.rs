//! Contacts through the whole HTTP app.

use crate::harness::{unique, Owner, TestApp};
use crate::join::futures_join;
use crate::on_every_backend;
use serde_json::{json, Value};

on_every_backend!(
    nits_written_any_way_are_one_contact,
    contact_input_is_validated_per_field,
    concurrent_creates_of_one_nit_give_one_contact,
    update_applies_fields_and_clears_nulls,
    delete_restore_and_the_final_consumer,
    lists_search_filter_paginate_and_count,
    bulk_changes_are_all_or_nothing,
    attachments_are_real_files,
    roles_are_enforced_on_contacts,
);

fn nit_base() -> String {
    format!("8{}", &unique()[24..32].chars().map(|c| char::from(b'0' + (c as u8) % 10)).collect::<String>())
}

async fn create(t: &TestApp, o: &Owner, body: Value) -> Value {
    t.post("/contacts", Some(&o.context), body).await.expect(201)
}

async fn nits_written_any_way_are_one_contact(t: TestApp) {
    let o = t.owner().await;
    let c = create(&t, &o, json!({"name": "Proveedor Uno", "type": ["provider", "provider"], "id_type": "NIT", "id_number": "900.123.456-8", "phone_primary": "601 234 5678"})).await;
    assert_eq!((c["id_number"].as_str(), c["dv"].as_str()), (Some("900123456"), Some("8")));
    assert_eq!(c["type"], json!(["provider"]));
    assert_eq!(c["person_type"], "juridica");
    assert_eq!(c["phone_primary"], "+576012345678");
    for written in ["900123456-8", "900123456", "900 123 456"] {
        let dup = t
            .post("/contacts", Some(&o.context), json!({"name": "Otro", "id_type": "NIT", "id_number": written}))
            .await;
        let body = dup.problem(409, "contact_exists");
        assert!(body["detail"].as_str().unwrap().contains(c["id"].as_str().unwrap()), "names the existing contact");
    }
    let wrong = t
        .post(
            "/contacts",
            Some(&o.context),
            json!({"name": "X", "id_type": "NIT", "id_number": "900123456", "dv": "1"}),
        )
        .await;
    assert_eq!(wrong.problem(422, "validation_failed")["errors"][0]["message"], "check digit incorrect, should be 8");
    let found = t.get("/contacts?search=900.123.456", Some(&o.context)).await.expect(200);
    assert_eq!(found["items"][0]["id"], c["id"]);
    let detail = t.get(&format!("/contacts/{}", c["id"].as_str().unwrap()), Some(&o.context)).await.expect(200);
    assert_eq!(detail["attachments"], json!([]));
}

async fn contact_input_is_validated_per_field(t: TestApp) {
    let o = t.owner().await;
    let bad = json!({"name": "", "type": [], "email": "nope", "mobile": "123", "id_type": "CC", "id_number": "0123", "person_type": "juridica", "payment_terms_days": 400, "credit_limit": "-1"});
    let problem = t.post("/contacts", Some(&o.context), bad).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["name", "type", "email", "mobile", "id_number", "person_type", "payment_terms_days", "credit_limit"] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
    t.post("/contacts", Some(&o.context), json!({"name": "Sin tipo", "id_number": "1234567"}))
        .await
        .problem(422, "validation_failed");
    t.post("/contacts", Some(&o.context), json!({"name": "NIT sin número", "id_type": "NIT"}))
        .await
        .problem(422, "validation_failed");
    let stranger = t.user(&format!("s-{}@example.com", unique())).await;
    let seller = stranger["user"]["id"].as_str().unwrap();
    let p = t
        .post("/contacts", Some(&o.context), json!({"name": "Con vendedor", "seller_id": seller}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "seller_id");
}

async fn concurrent_creates_of_one_nit_give_one_contact(t: TestApp) {
    let o = t.owner().await;
    let base = nit_base();
    let body = json!({"name": "Carrera", "id_type": "NIT", "id_number": base});
    let calls = (0..20).map(|_| t.post("/contacts", Some(&o.context), body.clone()));
    let answers = futures_join(calls).await;
    let created = answers.iter().filter(|s| **s == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|s| *s == 201 || *s == 409));
    let list = t.get(&format!("/contacts?search={base}"), Some(&o.context)).await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn update_applies_fields_and_clears_nulls(t: TestApp) {
    let o = t.owner().await;
    let c = create(&t, &o, json!({"name": "Cliente", "email": "c@example.com", "id_type": "CC", "id_number": "1.234.567", "billing_address": {"line1": "Cra 1", "city": "Cali"}})).await;
    assert_eq!(c["id_number"], "1234567");
    assert_eq!(c["billing_address"]["country"], "CO");
    let path = format!("/contacts/{}", c["id"].as_str().unwrap());
    let changed = t
        .call(
            poem::http::Method::PUT,
            &path,
            Some(&o.context),
            &[],
            Some(json!({"email": null, "mobile": "3001234567", "credit_limit": "1500000.456"})),
        )
        .await
        .expect(200);
    assert!(changed["email"].is_null());
    assert_eq!(changed["mobile"], "+573001234567");
    assert_eq!(changed["credit_limit"], "1500000.46");
    assert_eq!(changed["name"], "Cliente", "absent fields stay");
    t.call(poem::http::Method::PUT, &path, Some(&o.context), &[], Some(json!({"mobile": "12"})))
        .await
        .problem(422, "validation_failed");
    let other = create(&t, &o, json!({"name": "Otro", "id_type": "CC", "id_number": "7654321"})).await;
    let taken = t
        .call(
            poem::http::Method::PUT,
            &format!("/contacts/{}", other["id"].as_str().unwrap()),
            Some(&o.context),
            &[],
            Some(json!({"id_number": "1234567"})),
        )
        .await;
    taken.problem(409, "contact_exists");
    let (member, _, _) = t.member(&o, "seller").await;
    let with_seller = t
        .call(poem::http::Method::PUT, &path, Some(&o.context), &[], Some(json!({"seller_id": member})))
        .await
        .expect(200);
    assert_eq!(with_seller["seller_id"], member.as_str());
    let filtered = t.get(&format!("/contacts?seller_id={member}"), Some(&o.context)).await.expect(200);
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
}

async fn delete_restore_and_the_final_consumer(t: TestApp) {
    let o = t.owner().await;
    let finals = t.get("/contacts/clients/for-invoices?search=consumidor", Some(&o.context)).await.expect(200);
    assert_eq!(finals[0]["id_number"], "222222222222");
    assert_eq!(finals[0]["is_final_consumer"], true);
    let fc = finals[0]["id"].as_str().unwrap().to_string();
    t.delete(&format!("/contacts/{fc}"), Some(&o.context)).await.problem(409, "final_consumer_protected");
    let c = create(&t, &o, json!({"name": "Borrable", "id_type": "CC", "id_number": "11223344"})).await;
    let id = c["id"].as_str().unwrap();
    t.delete(&format!("/contacts/{id}"), Some(&o.context)).await.expect(200);
    t.get(&format!("/contacts/{id}"), Some(&o.context)).await.problem(404, "not_found");
    t.delete(&format!("/contacts/{id}"), Some(&o.context)).await.problem(404, "not_found");
    let deleted = t.get("/contacts?deleted=true", Some(&o.context)).await.expect(200);
    assert_eq!(deleted["items"][0]["id"], id);
    // The number is free again while deleted; taking it blocks the restore.
    let taker = create(&t, &o, json!({"name": "Nuevo dueño", "id_type": "CC", "id_number": "11223344"})).await;
    t.post(&format!("/contacts/{id}/restore"), Some(&o.context), json!({"reason": "error"}))
        .await
        .problem(409, "contact_exists");
    t.delete(&format!("/contacts/{}", taker["id"].as_str().unwrap()), Some(&o.context)).await.expect(200);
    let restored = t
        .post(&format!("/contacts/{id}/restore"), Some(&o.context), json!({"reason": "lo necesitamos"}))
        .await
        .expect(200);
    assert_eq!(restored["is_active"], true);
    assert!(restored["notes"].as_str().unwrap().contains("]: lo necesitamos"));
    t.post(&format!("/contacts/{id}/restore"), Some(&o.context), json!({})).await.problem(400, "not_deleted");
}

async fn lists_search_filter_paginate_and_count(t: TestApp) {
    let o = t.owner().await;
    for (name, kind) in [
        ("Beta", json!(["client"])),
        ("alfa", json!(["provider"])),
        ("Gamma", json!(["client", "provider"])),
        ("delta", json!(["client"])),
        ("Óscar", json!(["client"])),
        ("Ñandú", json!(["client"])),
    ] {
        create(&t, &o, json!({"name": name, "type": kind, "email": format!("{}@x.co", name.to_lowercase())})).await;
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/contacts?limit=2&cursor={c}"),
            None => "/contacts?limit=2".to_string(),
        };
        let page = t.get(&path, Some(&o.context)).await.expect(200);
        names.extend(page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    // Lower-cased, then byte order: the same in memory and in PostgreSQL, whatever its collation.
    assert_eq!(names, ["alfa", "Beta", "Consumidor final", "delta", "Gamma", "Ñandú", "Óscar"]);
    t.get("/contacts?search=%00", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/auth/company/users?page=100000000000000000", Some(&o.context)).await.problem(422, "validation_failed");
    t.post("/contacts", Some(&o.context), json!({"name": "Nul\u{0}"})).await.problem(422, "validation_failed");
    t.post("/contacts", Some(&o.context), json!({"name": "Rico", "credit_limit": "100000000000000"}))
        .await
        .problem(422, "validation_failed");
    let providers = t.get("/contacts?type=provider", Some(&o.context)).await.expect(200);
    assert_eq!(providers["items"].as_array().unwrap().len(), 2);
    t.get("/contacts?type=boss", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/contacts?cursor=zz", Some(&o.context)).await.problem(422, "validation_failed");
    t.get("/contacts?limit=101", Some(&o.context)).await.problem(422, "validation_failed");
    let by_email = t.get("/contacts?search=GAMMA@X", Some(&o.context)).await.expect(200);
    assert_eq!(by_email["items"][0]["name"], "Gamma");
    let wildcard = t.get("/contacts?search=%25", Some(&o.context)).await.expect(200);
    assert_eq!(wildcard["items"].as_array().unwrap().len(), 0, "% is a literal, not a wildcard");
    let stats = t.get("/contacts/stats/summary", Some(&o.context)).await.expect(200);
    assert_eq!(
        (
            stats["total_contacts"].as_u64(),
            stats["clients"].as_u64(),
            stats["providers"].as_u64(),
            stats["mixed"].as_u64()
        ),
        (Some(7), Some(6), Some(2), Some(1))
    );
    let bills = t.get("/contacts/providers/for-bills", Some(&o.context)).await.expect(200);
    assert_eq!(bills.as_array().unwrap().len(), 2);
}

async fn bulk_changes_are_all_or_nothing(t: TestApp) {
    let o = t.owner().await;
    let a = create(&t, &o, json!({"name": "A"})).await["id"].as_str().unwrap().to_string();
    let b = create(&t, &o, json!({"name": "B", "is_active": false})).await["id"].as_str().unwrap().to_string();
    let ghost = uuid::Uuid::now_v7().to_string();
    let missing = t
        .post("/contacts/bulk/deactivate", Some(&o.context), json!({"contact_ids": [a, ghost]}))
        .await
        .problem(404, "not_found");
    assert_eq!(missing["errors"][0]["message"], ghost.as_str());
    assert_eq!(
        t.get(&format!("/contacts/{a}"), Some(&o.context)).await.expect(200)["is_active"],
        true,
        "nothing changed"
    );
    let done = t
        .post("/contacts/bulk/activate", Some(&o.context), json!({"contact_ids": [a, b], "action": "activate"}))
        .await
        .expect(200);
    let statuses: Vec<&str> =
        done["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"already_active") && statuses.contains(&"activated"));
    assert_eq!(t.get(&format!("/contacts/{b}"), Some(&o.context)).await.expect(200)["is_active"], true);
    let too_many: Vec<String> = (0..501).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    t.post("/contacts/bulk/activate", Some(&o.context), json!({"contact_ids": too_many}))
        .await
        .problem(422, "validation_failed");
}

async fn attachments_are_real_files(t: TestApp) {
    let o = t.owner().await;
    let id = create(&t, &o, json!({"name": "Con archivos"})).await["id"].as_str().unwrap().to_string();
    let base = format!("/contacts/{id}/attachments");
    t.post(
        &format!("{base}/upload-url"),
        Some(&o.context),
        json!({"file_name": "x.exe", "content_type": "application/x-msdownload"}),
    )
    .await
    .problem(422, "validation_failed");
    let up = t
        .post(
            &format!("{base}/upload-url"),
            Some(&o.context),
            json!({"file_name": "RUT 2026.pdf", "content_type": "application/pdf"}),
        )
        .await
        .expect(200);
    let key = up["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("{}/uploads/contacts/", o.company)) && key.ends_with("-RUT-2026.pdf"), "{key}");
    t.post(&base, Some(&o.context), json!({"key": key, "file_name": "RUT 2026.pdf"}))
        .await
        .problem(422, "validation_failed");
    let path = up["upload_url"].as_str().unwrap().trim_start_matches("http://localhost").to_string();
    let put = t.client.put(path).content_type("application/pdf").body(b"%PDF-1.7 test".to_vec()).send().await;
    assert_eq!(put.0.status().as_u16(), 200);
    let a = t
        .post(&base, Some(&o.context), json!({"key": key, "file_name": "RUT 2026.pdf", "description": "RUT"}))
        .await
        .expect(201);
    assert_eq!((a["file_size"].as_u64(), a["content_type"].as_str()), (Some(13), Some("application/pdf")));
    // The upload was moved to its final key: confirming it again finds nothing.
    let again = t.post(&base, Some(&o.context), json!({"key": key, "file_name": "again"})).await;
    assert_eq!(again.problem(422, "validation_failed")["errors"][0]["code"], "upload_missing");
    let second = create(&t, &o, json!({"name": "Otro"})).await["id"].as_str().unwrap().to_string();
    let reuse = json!({"key": key, "file_name": "shared"});
    t.post(&format!("/contacts/{second}/attachments"), Some(&o.context), reuse).await.problem(422, "validation_failed");
    let listed = t.get(&base, Some(&o.context)).await.expect(200);
    let url = listed[0]["file_url"].as_str().unwrap().trim_start_matches("http://localhost").to_string();
    let got = t.client.get(url).send().await;
    assert_eq!(got.0.into_body().into_vec().await.unwrap(), b"%PDF-1.7 test");
    let other = t.owner().await;
    t.post(&base, Some(&other.context), json!({"key": key, "file_name": "steal"})).await.problem(404, "not_found");
    t.delete(&format!("/contacts/attachments/{}", a["id"].as_str().unwrap()), Some(&o.context)).await.expect(200);
    let final_key = key.replacen("/uploads/", "/", 1);
    assert_eq!(t.app.ports.objects.stat(&final_key).await.unwrap(), None, "the file went with the attachment");
    assert_eq!(t.get(&base, Some(&o.context)).await.expect(200), json!([]));
}

async fn roles_are_enforced_on_contacts(t: TestApp) {
    let o = t.owner().await;
    let id = create(&t, &o, json!({"name": "Compartido"})).await["id"].as_str().unwrap().to_string();
    let (_, seller, _) = t.member(&o, "seller").await;
    let (_, accountant, _) = t.member(&o, "accountant").await;
    let (_, viewer, _) = t.member(&o, "viewer").await;
    t.post("/contacts", Some(&seller), json!({"name": "Del vendedor"})).await.expect(201);
    t.delete(&format!("/contacts/{id}"), Some(&seller)).await.problem(403, "insufficient_role");
    t.get("/contacts/stats/summary", Some(&seller)).await.problem(403, "insufficient_role");
    t.post("/contacts", Some(&accountant), json!({"name": "No"})).await.problem(403, "insufficient_role");
    t.get("/contacts/stats/summary", Some(&accountant)).await.expect(200);
    t.post("/contacts", Some(&viewer), json!({"name": "No"})).await.problem(403, "insufficient_role");
    t.get(&format!("/contacts/{id}"), Some(&viewer)).await.expect(200);
    t.get("/contacts?deleted=true", Some(&viewer)).await.problem(403, "insufficient_role");
    t.post("/contacts/bulk/activate", Some(&seller), json!({"contact_ids": [id]}))
        .await
        .problem(403, "insufficient_role");
    let path = format!("/contacts/{id}");
    let put = poem::http::Method::PUT;
    t.call(put.clone(), &path, Some(&seller), &[], Some(json!({"is_active": false})))
        .await
        .problem(403, "insufficient_role");
    t.call(put.clone(), &path, Some(&seller), &[], Some(json!({"notes": "visitado"}))).await.expect(200);
    let finals = t.get("/contacts/clients/for-invoices?search=consumidor", Some(&o.context)).await.expect(200);
    let fc = finals[0]["id"].as_str().unwrap();
    t.call(put, &format!("/contacts/{fc}"), Some(&o.context), &[], Some(json!({"is_active": false})))
        .await
        .problem(409, "final_consumer_protected");
}
