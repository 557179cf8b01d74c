//! Company members: roles, removal, listing.

use crate::harness::TestApp;
use crate::on_every_backend;
use serde_json::json;

on_every_backend!(role_changes_and_last_owner, removed_member_loses_access_at_once, members_list_is_paginated,);

async fn role_changes_and_last_owner(t: TestApp) {
    let owner = t.owner().await;
    let me = t.get("/auth/me", Some(&owner.context)).await.expect(200)["id"].as_str().unwrap().to_string();
    t.patch(&format!("/auth/company/users/{me}/role"), Some(&owner.context), json!({"role": "admin"}))
        .await
        .problem(409, "last_owner");
    t.delete(&format!("/auth/company/users/{me}"), Some(&owner.context)).await.problem(409, "last_owner");
    let (admin_id, admin_ctx, _) = t.member(&owner, "admin").await;
    let (seller_id, _, _) = t.member(&owner, "seller").await;
    // Admins manage non-owners but never touch owners.
    let changed = t
        .patch(&format!("/auth/company/users/{seller_id}/role"), Some(&admin_ctx), json!({"role": "viewer"}))
        .await
        .expect(200);
    assert_eq!(changed["role"], "viewer");
    t.patch(&format!("/auth/company/users/{me}/role"), Some(&admin_ctx), json!({"role": "viewer"}))
        .await
        .problem(403, "owner_role_required");
    t.patch(&format!("/auth/company/users/{seller_id}/role"), Some(&admin_ctx), json!({"role": "owner"}))
        .await
        .problem(403, "owner_role_required");
    t.patch(&format!("/auth/company/users/{seller_id}/role"), Some(&admin_ctx), json!({"role": "boss"}))
        .await
        .expect(422);
    // An owner promotes the admin; now the first owner can step down.
    t.patch(&format!("/auth/company/users/{admin_id}/role"), Some(&owner.context), json!({"role": "owner"}))
        .await
        .expect(200);
    t.patch(&format!("/auth/company/users/{me}/role"), Some(&owner.context), json!({"role": "admin"}))
        .await
        .expect(200);
    // The demotion is effective on the next request, with the same token.
    t.patch(&format!("/auth/company/users/{admin_id}/role"), Some(&owner.context), json!({"role": "admin"}))
        .await
        .problem(403, "owner_role_required");
    t.patch(&format!("/auth/company/users/{}/role", uuid::Uuid::now_v7()), Some(&admin_ctx), json!({"role": "viewer"}))
        .await
        .problem(404, "not_found");
}

async fn removed_member_loses_access_at_once(t: TestApp) {
    let owner = t.owner().await;
    let (seller_id, seller_ctx, email) = t.member(&owner, "seller").await;
    t.get("/company/me", Some(&seller_ctx)).await.expect(200);
    t.get("/auth/company/users", Some(&seller_ctx)).await.problem(403, "insufficient_role");
    assert_eq!(t.delete(&format!("/auth/company/users/{seller_id}"), Some(&owner.context)).await.status.as_u16(), 204);
    t.get("/company/me", Some(&seller_ctx)).await.problem(403, "not_a_member");
    let users = t.get("/auth/company/users", Some(&owner.context)).await.expect(200);
    let removed = users["users"].as_array().unwrap().iter().find(|u| u["email"] == email.as_str()).unwrap().clone();
    assert_eq!(removed["is_user_active"], false);
    t.delete(&format!("/auth/company/users/{seller_id}"), Some(&owner.context)).await.problem(404, "not_found");
    // Invited again, the former member comes back with the new role.
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": "accountant"})).await.expect(200);
    let token = t.emailed_token(&email, "accept-invitation").await.unwrap();
    let login = t.login(&email, "member-pass-1").await;
    t.post("/auth/accept-invitation/existing", Some(login["access_token"].as_str().unwrap()), json!({"token": token}))
        .await
        .expect(200);
    let ctx = t.select(login["access_token"].as_str().unwrap(), &owner.company).await;
    assert_eq!(t.get("/company/me", Some(&ctx)).await.expect(200)["user_role"], "accountant");
}

async fn members_list_is_paginated(t: TestApp) {
    let owner = t.owner().await;
    for _ in 0..2 {
        t.member(&owner, "viewer").await;
    }
    let page = t.get("/auth/company/users?page=1&limit=2", Some(&owner.context)).await.expect(200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_pages"], 2);
    assert_eq!(page["users"].as_array().unwrap().len(), 2);
    let last = t.get("/auth/company/users?page=2&limit=2", Some(&owner.context)).await.expect(200);
    assert_eq!(last["users"].as_array().unwrap().len(), 1);
    assert_eq!(last["users"][0]["role"], "owner");
    t.get("/auth/company/users?limit=101", Some(&owner.context)).await.problem(422, "validation_failed");
    t.get("/auth/company/users?page=0", Some(&owner.context)).await.problem(422, "validation_failed");
}
