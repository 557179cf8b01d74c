//! Two companies; every tenant endpoint probed by one with the other's ids answers 404 (or 403 for
//! selecting a company one does not belong to) and leaks nothing.

use crate::harness::{unique, TestApp};
use crate::on_every_backend;
use poem::http::Method;
use serde_json::json;

on_every_backend!(tenants_never_see_each_other);

async fn tenants_never_see_each_other(t: TestApp) {
    let a = t.owner().await;
    let b = t.owner().await;
    // B has a member and a pending invitation.
    let b_member_email = format!("b-member-{}@example.com", unique());
    t.post("/auth/invite-user", Some(&b.context), json!({"email": b_member_email, "role": "seller"})).await.expect(200);
    let token = t.emailed_token(&b_member_email, "accept-invitation").await.unwrap();
    let joined = t.post("/auth/accept-invitation", None, json!({"token": token, "password": "member-pass-1", "profile": {"first_name": "Beto", "last_name": "Bravo"}})).await.expect(200);
    let b_member = joined["user_id"].as_str().unwrap();
    t.post(
        "/auth/invite-user",
        Some(&b.context),
        json!({"email": format!("b-pending-{}@example.com", unique()), "role": "viewer"}),
    )
    .await
    .expect(200);
    let b_invitation =
        t.get("/auth/invitations", Some(&b.context)).await.expect(200)[0]["id"].as_str().unwrap().to_string();
    let b_owner = t.get("/auth/me", Some(&b.context)).await.expect(200)["id"].as_str().unwrap().to_string();

    // Records of B through A's context: 404.
    t.delete(&format!("/auth/invitations/{b_invitation}"), Some(&a.context)).await.problem(404, "not_found");
    for user in [b_member, b_owner.as_str()] {
        t.patch(&format!("/auth/company/users/{user}/role"), Some(&a.context), json!({"role": "viewer"}))
            .await
            .problem(404, "not_found");
        t.delete(&format!("/auth/company/users/{user}"), Some(&a.context)).await.problem(404, "not_found");
    }
    t.patch(&format!("/company/{}", b.company), Some(&a.context), json!({"name": "Robada"}))
        .await
        .problem(404, "not_found");
    t.patch(&format!("/company/{}", b.company), Some(&a.access), json!({"name": "Robada"}))
        .await
        .problem(404, "not_found");

    // Selecting B is refused; a context token of A naming B is refused.
    t.post("/auth/select-company", Some(&a.access), json!({"company_id": b.company}))
        .await
        .problem(403, "not_a_member");
    for path in ["/company/me", "/company/pdvs", "/auth/company/users", "/auth/invitations"] {
        t.call(Method::GET, path, Some(&a.access), &[("X-Company-ID", b.company.as_str())], None)
            .await
            .problem(403, "not_a_member");
        t.call(Method::GET, path, Some(&a.context), &[("X-Company-ID", b.company.as_str())], None)
            .await
            .problem(403, "tenant_mismatch");
    }

    // A's lists hold only A's data.
    let users = t.get("/auth/company/users", Some(&a.context)).await.expect(200);
    assert_eq!(users["total"], 1);
    assert_eq!(users["users"][0]["email"], a.email.as_str());
    assert_eq!(t.get("/auth/invitations?status=all", Some(&a.context)).await.expect(200), json!([]));
    let pdvs = t.get("/company/pdvs", Some(&a.context)).await.expect(200);
    let b_pdvs = t.get("/company/pdvs", Some(&b.context)).await.expect(200);
    assert_eq!(pdvs["total"], 1);
    assert_ne!(pdvs["pdvs"][0]["id"], b_pdvs["pdvs"][0]["id"]);

    // B's contacts and attachments: 404 through A, and invisible in A's lists.
    let b_contact = t
        .post("/contacts", Some(&b.context), json!({"name": "Secreto de B", "id_type": "CC", "id_number": "12345678"}))
        .await
        .expect(201);
    let cid = b_contact["id"].as_str().unwrap().to_string();
    let up = t
        .post(
            &format!("/contacts/{cid}/attachments/upload-url"),
            Some(&b.context),
            json!({"file_name": "b.pdf", "content_type": "application/pdf"}),
        )
        .await
        .expect(200);
    let path = up["upload_url"].as_str().unwrap().trim_start_matches("http://localhost").to_string();
    assert_eq!(
        t.client.put(path).content_type("application/pdf").body(b"%PDF".to_vec()).send().await.0.status().as_u16(),
        200
    );
    let att = t
        .post(
            &format!("/contacts/{cid}/attachments"),
            Some(&b.context),
            json!({"key": up["key"], "file_name": "b.pdf"}),
        )
        .await
        .expect(201);
    let aid = att["id"].as_str().unwrap();
    t.get(&format!("/contacts/{cid}"), Some(&a.context)).await.problem(404, "not_found");
    t.call(Method::PUT, &format!("/contacts/{cid}"), Some(&a.context), &[], Some(json!({"name": "Robado"})))
        .await
        .problem(404, "not_found");
    t.delete(&format!("/contacts/{cid}"), Some(&a.context)).await.problem(404, "not_found");
    t.post(&format!("/contacts/{cid}/restore"), Some(&a.context), json!({})).await.problem(404, "not_found");
    t.get(&format!("/contacts/{cid}/attachments"), Some(&a.context)).await.problem(404, "not_found");
    t.post(
        &format!("/contacts/{cid}/attachments/upload-url"),
        Some(&a.context),
        json!({"file_name": "x.pdf", "content_type": "application/pdf"}),
    )
    .await
    .problem(404, "not_found");
    t.post(&format!("/contacts/{cid}/attachments"), Some(&a.context), json!({"key": up["key"], "file_name": "x.pdf"}))
        .await
        .problem(404, "not_found");
    t.delete(&format!("/contacts/attachments/{aid}"), Some(&a.context)).await.problem(404, "not_found");
    t.post("/contacts/bulk/deactivate", Some(&a.context), json!({"contact_ids": [cid]}))
        .await
        .problem(404, "not_found");
    let a_list = t.get("/contacts?search=Secreto", Some(&a.context)).await.expect(200);
    assert_eq!(a_list["items"], json!([]));
    let a_number = t.get("/contacts?search=12345678", Some(&a.context)).await.expect(200);
    assert_eq!(a_number["items"], json!([]));
    // The same number is free in A: uniqueness is per company.
    t.post("/contacts", Some(&a.context), json!({"name": "Mío", "id_type": "CC", "id_number": "12345678"}))
        .await
        .expect(201);
    assert_eq!(t.get("/contacts/stats/summary", Some(&a.context)).await.expect(200)["total_contacts"], 2);
    let b_after = t.get(&format!("/contacts/{cid}"), Some(&b.context)).await.expect(200);
    assert_eq!((b_after["name"].as_str(), b_after["is_active"].as_bool()), (Some("Secreto de B"), Some(true)));
    assert_eq!(b_after["attachments"].as_array().unwrap().len(), 1);

    // B is untouched.
    let b_me = t.get("/company/me", Some(&b.context)).await.expect(200);
    assert_ne!(b_me["name"], "Robada");
    assert_eq!(t.get("/auth/invitations", Some(&b.context)).await.expect(200).as_array().unwrap().len(), 1);
    assert_eq!(t.get("/auth/company/users", Some(&b.context)).await.expect(200)["total"], 2);
}
