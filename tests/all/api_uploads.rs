//! Avatars and logos through the presigned flow, on the memory store whose signed URLs the service
//! serves itself (the S3 run of the same flow is in `s3.rs`).

use crate::harness::{unique, TestApp};
use crate::on_every_backend;
use poem::http::StatusCode;
use serde_json::{json, Value};

on_every_backend!(avatar_upload_confirm_and_download, logo_upload_is_for_owners_and_admins);

/// The path and query of a URL the service serves (`http://localhost/objects/...`).
fn local(url: &str) -> String {
    url.trim_start_matches("http://localhost").to_string()
}

async fn put(t: &TestApp, url: &str, content_type: &str, bytes: Vec<u8>) -> StatusCode {
    t.client.put(local(url)).content_type(content_type).body(bytes).send().await.0.status()
}

async fn ticket(t: &TestApp, path: &str, token: &str, content_type: &str) -> Value {
    t.post(path, Some(token), json!({"filename": "Mi Foto.png", "content_type": content_type})).await.expect(200)
}

async fn avatar_upload_confirm_and_download(t: TestApp) {
    let login = t.user(&format!("avatar-{}@example.com", unique())).await;
    let token = login["access_token"].as_str().unwrap();
    t.get("/auth/me/avatar", Some(token)).await.problem(404, "not_found");
    t.post("/auth/me/avatar/upload-url", Some(token), json!({"filename": "x.gif", "content_type": "image/gif"}))
        .await
        .problem(422, "validation_failed");
    let up = ticket(&t, "/auth/me/avatar/upload-url", token, "image/png").await;
    let (key, url) = (up["key"].as_str().unwrap().to_string(), up["upload_url"].as_str().unwrap().to_string());
    assert!(key.contains("/avatars/") && key.ends_with("-Mi-Foto.png"), "{key}");
    assert_eq!(up["max_bytes"], 5 * 1024 * 1024);
    // Confirming before the upload, or someone else's key, is refused.
    t.post("/auth/me/avatar/confirm", Some(token), json!({"key": key})).await.problem(422, "validation_failed");
    t.post("/auth/me/avatar/confirm", Some(token), json!({"key": "users/other/avatars/2026/01/01/x.png"}))
        .await
        .problem(422, "validation_failed");
    // A tampered URL and a wrong content type are refused; the real upload works.
    let tampered = url.replace("sig=", "sig=0");
    assert_eq!(put(&t, &tampered, "image/png", vec![1, 2, 3]).await, StatusCode::FORBIDDEN);
    assert_eq!(put(&t, &url, "text/html", vec![1, 2, 3]).await, StatusCode::FORBIDDEN);
    let image: Vec<u8> = (0..4096u32).map(|i| (i % 256) as u8).collect();
    assert_eq!(put(&t, &url, "image/png", image.clone()).await, StatusCode::OK);
    let me = t.post("/auth/me/avatar/confirm", Some(token), json!({"key": key})).await.expect(200);
    let avatar = me["profile"]["avatar_url"].as_str().expect("avatar url").to_string();
    let download = t.get("/auth/me/avatar", Some(token)).await.expect(200);
    assert_eq!(download["expires_in"], "1 hour");
    let got = t.client.get(local(download["url"].as_str().unwrap())).send().await;
    assert_eq!(got.0.status(), StatusCode::OK);
    assert_eq!(got.0.into_body().into_vec().await.unwrap(), image);
    assert!(t.get("/auth/me", Some(token)).await.expect(200)["profile"]["avatar_url"].is_string());
    assert_eq!(t.client.get(local(&avatar.replace("sig=", "sig=f"))).send().await.0.status(), StatusCode::FORBIDDEN);

    // Too big: refused and deleted.
    let big = ticket(&t, "/auth/me/avatar/upload-url", token, "image/jpeg").await;
    assert_eq!(
        put(&t, big["upload_url"].as_str().unwrap(), "image/jpeg", vec![0; 5 * 1024 * 1024 + 1]).await,
        StatusCode::OK
    );
    let refused = t.post("/auth/me/avatar/confirm", Some(token), json!({"key": big["key"]})).await;
    assert_eq!(refused.problem(422, "validation_failed")["errors"][0]["code"], "too_large");
    let still = t.get("/auth/me/avatar", Some(token)).await.expect(200);
    let final_key = key.replacen("/uploads/", "/", 1);
    assert!(still["url"].as_str().unwrap().contains(&final_key), "the previous avatar stays");
    // The upload URL cannot replace the checked file: it only reaches the (now removed) upload key.
    assert_eq!(put(&t, &url, "image/png", vec![9; 10]).await, StatusCode::OK);
    let again = t.get("/auth/me/avatar", Some(token)).await.expect(200);
    let got = t.client.get(local(again["url"].as_str().unwrap())).send().await;
    assert_eq!(got.0.into_body().into_vec().await.unwrap(), image);
}

async fn logo_upload_is_for_owners_and_admins(t: TestApp) {
    let owner = t.owner().await;
    let (_, viewer_ctx, _) = t.member(&owner, "viewer").await;
    t.post("/company/me/logo/upload-url", Some(&viewer_ctx), json!({"filename": "l.png", "content_type": "image/png"}))
        .await
        .problem(403, "insufficient_role");

    let first = ticket(&t, "/company/me/logo/upload-url", &owner.context, "image/webp").await;
    assert!(first["key"].as_str().unwrap().starts_with(&format!("{}/uploads/logos/", owner.company)));
    assert_eq!(put(&t, first["upload_url"].as_str().unwrap(), "image/webp", vec![7; 100]).await, StatusCode::OK);
    t.post("/company/me/logo/confirm", Some(&owner.context), json!({"key": first["key"]})).await.expect(200);
    let second = ticket(&t, "/company/me/logo/upload-url", &owner.context, "image/png").await;
    assert_eq!(put(&t, second["upload_url"].as_str().unwrap(), "image/png", vec![8; 100]).await, StatusCode::OK);
    let company =
        t.post("/company/me/logo/confirm", Some(&owner.context), json!({"key": second["key"]})).await.expect(200);
    let second_final = second["key"].as_str().unwrap().replacen("/uploads/", "/", 1);
    assert!(company["logo"].as_str().unwrap().contains(&second_final));
    // The replaced logo and the upload copies are gone from storage.
    for key in
        [first["key"].as_str().unwrap().replacen("/uploads/", "/", 1), first["key"].as_str().unwrap().to_string()]
    {
        assert_eq!(t.app.ports.objects.stat(&key).await.unwrap(), None, "{key}");
    }
    // Every member reads it.
    let me = t.get("/company/me", Some(&viewer_ctx)).await.expect(200);
    assert!(me["logo_url"].is_string());
    t.get("/company/me/logo", Some(&viewer_ctx)).await.expect(200);
    // Another company cannot confirm this company's keys.
    let other = t.owner().await;
    t.post("/company/me/logo/confirm", Some(&other.context), json!({"key": second["key"]}))
        .await
        .problem(422, "validation_failed");
}
