//! Invitations through the whole HTTP app.

use crate::harness::{unique, Owner, TestApp};
use crate::on_every_backend;
use serde_json::{json, Value};

on_every_backend!(
    invite_new_user_and_accept,
    invite_existing_user_and_accept,
    invitation_rules,
    reinvite_refreshes_and_revoke_kills_the_link,
    invitation_expires_after_seven_days,
);

async fn invite(t: &TestApp, owner: &Owner, role: &str) -> (String, String) {
    let email = format!("inv-{}@example.com", unique());
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email.to_uppercase(), "role": role}))
        .await
        .expect(200);
    let token = t.emailed_token(&email, "accept-invitation").await.expect("invitation email");
    (email, token)
}

fn profile() -> Value {
    json!({"first_name": "Nuevo", "last_name": "Miembro"})
}

async fn invite_new_user_and_accept(t: TestApp) {
    let owner = t.owner().await;
    let (email, token) = invite(&t, &owner, "seller").await;
    let mail = t.mailer.sent_to(&email).pop().unwrap();
    assert!(mail.subject.starts_with("Te han invitado a Empresa"));
    let info = t.get(&format!("/auth/invitation/{token}"), None).await.expect(200);
    assert_eq!(info["invitee_email"], email.as_str());
    assert_eq!(info["role"], "seller");
    assert_eq!(info["user_exists"], false);
    assert_eq!(info["company_id"], owner.company.as_str());
    let accepted = t
        .post(
            "/auth/accept-invitation",
            None,
            json!({"token": token, "password": "member-pass-1", "profile": profile()}),
        )
        .await
        .expect(200);
    assert_eq!(accepted["company_id"], owner.company.as_str());
    // The account is active and verified: sign in works at once.
    let login = t.login(&email, "member-pass-1").await;
    assert_eq!(login["user"]["email_verified"], true);
    assert_eq!(login["companies"][0]["role"], "seller");
    t.post("/auth/accept-invitation", None, json!({"token": token, "password": "member-pass-1", "profile": profile()}))
        .await
        .problem(400, "invalid_invitation");
    let listed = t.get("/auth/invitations?status=accepted", Some(&owner.context)).await.expect(200);
    assert_eq!(listed[0]["status"], "accepted");
    assert_eq!(listed[0]["is_accepted"], true);
}

async fn invite_existing_user_and_accept(t: TestApp) {
    let owner = t.owner().await;
    let other = t.owner().await;
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": other.email, "role": "accountant"}))
        .await
        .expect(200);
    let token = t.emailed_token(&other.email, "accept-invitation").await.unwrap();
    assert_eq!(t.get(&format!("/auth/invitation/{token}"), None).await.expect(200)["user_exists"], true);
    t.post("/auth/accept-invitation", None, json!({"token": token, "password": "whatever-1", "profile": profile()}))
        .await
        .problem(409, "account_exists");
    // Someone else's account cannot take it.
    let stranger = t.user(&format!("stranger-{}@example.com", unique())).await;
    t.post(
        "/auth/accept-invitation/existing",
        Some(stranger["access_token"].as_str().unwrap()),
        json!({"token": token}),
    )
    .await
    .problem(403, "invitation_email_mismatch");
    t.post("/auth/accept-invitation/existing", Some(&other.access), json!({"token": token})).await.expect(200);
    let mine = t.get("/company/my_companies", Some(&other.access)).await.expect(200);
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let ctx = t.select(&other.access, &owner.company).await;
    assert_eq!(t.get("/company/me", Some(&ctx)).await.expect(200)["user_role"], "accountant");
}

async fn invitation_rules(t: TestApp) {
    let owner = t.owner().await;
    let (admin_email, token) = invite(&t, &owner, "admin").await;
    t.post("/auth/accept-invitation", None, json!({"token": token, "password": "admin-pass-1", "profile": profile()}))
        .await
        .expect(200);
    let admin = t.login(&admin_email, "admin-pass-1").await;
    let admin_ctx = t.select(admin["access_token"].as_str().unwrap(), &owner.company).await;
    // Only an owner invites an owner.
    t.post(
        "/auth/invite-user",
        Some(&admin_ctx),
        json!({"email": format!("o-{}@example.com", unique()), "role": "owner"}),
    )
    .await
    .problem(403, "owner_role_required");
    t.post(
        "/auth/invite-user",
        Some(&admin_ctx),
        json!({"email": format!("s-{}@example.com", unique()), "role": "seller"}),
    )
    .await
    .expect(200);
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": "bad", "role": "boss"}))
        .await
        .problem(422, "validation_failed");
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": admin_email, "role": "viewer"}))
        .await
        .problem(409, "already_member");
    t.post(
        "/auth/invite-user",
        Some(&owner.access),
        json!({"email": format!("x-{}@example.com", unique()), "role": "viewer"}),
    )
    .await
    .problem(400, "tenant_required");
    t.get("/auth/invitation/not-a-token", None).await.problem(400, "invalid_invitation");
    t.get("/auth/invitations?limit=101", Some(&owner.context)).await.expect(422);
    t.get("/auth/invitations?status=weird", Some(&owner.context)).await.expect(422);
    let pending = t.call(poem::http::Method::GET, "/auth/invitations", Some(&owner.context), &[], None).await;
    assert_eq!(pending.headers.get("x-total-count").unwrap(), "1");
    let body = pending.expect(200);
    assert_eq!(body[0]["status"], "pending");
    assert_eq!(body[0]["invited_by_name"], "Nuevo Miembro");
}

async fn reinvite_refreshes_and_revoke_kills_the_link(t: TestApp) {
    let owner = t.owner().await;
    let (email, first) = invite(&t, &owner, "viewer").await;
    t.clock.advance(chrono::Duration::seconds(5));
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": "seller"})).await.expect(200);
    let second = t.emailed_token(&email, "accept-invitation").await.unwrap();
    assert_ne!(first, second);
    t.get(&format!("/auth/invitation/{first}"), None).await.problem(400, "invalid_invitation");
    let info = t.get(&format!("/auth/invitation/{second}"), None).await.expect(200);
    assert_eq!(info["role"], "seller");
    let listed = t.get("/auth/invitations", Some(&owner.context)).await.expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let id = listed[0]["id"].as_str().unwrap();
    assert_eq!(t.delete(&format!("/auth/invitations/{id}"), Some(&owner.context)).await.status.as_u16(), 204);
    t.get(&format!("/auth/invitation/{second}"), None).await.problem(400, "invalid_invitation");
    assert_eq!(
        t.get("/auth/invitations?status=revoked", Some(&owner.context)).await.expect(200)[0]["status"],
        "revoked"
    );
    // After a revocation the same email can be invited again.
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": "viewer"})).await.expect(200);
    t.delete(&format!("/auth/invitations/{}", uuid::Uuid::now_v7()), Some(&owner.context))
        .await
        .problem(404, "not_found");
}

async fn invitation_expires_after_seven_days(t: TestApp) {
    let owner = t.owner().await;
    let (email, token) = invite(&t, &owner, "viewer").await;
    t.clock.advance(chrono::Duration::days(7) + chrono::Duration::seconds(1));
    t.get(&format!("/auth/invitation/{token}"), None).await.problem(400, "invalid_invitation");
    // A week later the old context token has long expired: sign in again.
    let login = t.login(&owner.email, "secret-pass-1").await;
    let owner = crate::harness::Owner {
        context: t.select(login["access_token"].as_str().unwrap(), &owner.company).await,
        ..owner
    };
    assert_eq!(
        t.get("/auth/invitations?status=expired", Some(&owner.context)).await.expect(200)[0]["invitee_email"],
        email.as_str()
    );
    // Inviting again after expiry works and gives a fresh link.
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": "viewer"})).await.expect(200);
    let fresh = t.emailed_token(&email, "accept-invitation").await.unwrap();
    t.get(&format!("/auth/invitation/{fresh}"), None).await.expect(200);
}
