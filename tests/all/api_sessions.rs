//! Sessions, profile and passwords through the whole HTTP app.

use crate::harness::{unique, TestApp};
use crate::on_every_backend;
use serde_json::json;

on_every_backend!(
    login_accepts_form_and_json_and_refuses_bad_credentials,
    unverified_account_cannot_sign_in,
    refresh_rotates_and_detects_reuse,
    refresh_token_is_not_an_access_token,
    logout_revokes_the_session,
    profile_get_and_patch,
    change_password_closes_other_sessions,
    password_reset_flow,
    eleventh_quick_login_is_rate_limited,
);

async fn login_accepts_form_and_json_and_refuses_bad_credentials(t: TestApp) {
    let email = format!("form-{}@example.com", unique());
    t.user(&email).await;
    let form = t
        .client
        .post("/auth/login")
        .form(&[("username", email.as_str()), ("password", "secret-pass-1"), ("grant_type", "password")])
        .send()
        .await;
    assert_eq!(form.0.status().as_u16(), 200);
    let wrong = t
        .post("/auth/login", None, json!({"username": email, "password": "wrong-pass"}))
        .await
        .problem(401, "invalid_credentials");
    let unknown = t
        .post("/auth/login", None, json!({"username": format!("x{}@example.com", unique()), "password": "wrong-pass"}))
        .await
        .problem(401, "invalid_credentials");
    assert_eq!(wrong["detail"], unknown["detail"]);
}

async fn unverified_account_cannot_sign_in(t: TestApp) {
    let email = format!("unverified-{}@example.com", unique());
    t.register(&email).await;
    t.post("/auth/login", None, json!({"username": email, "password": "wrong-pass"}))
        .await
        .problem(401, "invalid_credentials");
    t.post("/auth/login", None, json!({"username": email, "password": "secret-pass-1"}))
        .await
        .problem(403, "email_not_verified");
}

async fn refresh_rotates_and_detects_reuse(t: TestApp) {
    let login = t.user(&format!("rot-{}@example.com", unique())).await;
    let r1 = login["refresh_token"].as_str().unwrap().to_string();
    let rotated = t.post("/auth/refresh", None, json!({"refresh_token": r1})).await.expect(200);
    let r2 = rotated["refresh_token"].as_str().unwrap().to_string();
    let a2 = rotated["access_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    t.get("/auth/me", Some(&a2)).await.expect(200);
    // Replaying the first token: refused, and the whole session is closed.
    t.post("/auth/refresh", None, json!({"refresh_token": r1})).await.problem(401, "refresh_token_reused");
    t.post("/auth/refresh", None, json!({"refresh_token": r2})).await.problem(401, "invalid_refresh_token");
    t.get("/auth/me", Some(&a2)).await.problem(401, "session_revoked");
    t.post("/auth/refresh", None, json!({"refresh_token": "garbage"})).await.problem(401, "invalid_refresh_token");
    let access = login["access_token"].as_str().unwrap();
    t.post("/auth/refresh", None, json!({"refresh_token": access})).await.problem(400, "not_a_refresh_token");
}

async fn refresh_token_is_not_an_access_token(t: TestApp) {
    let login = t.user(&format!("kind-{}@example.com", unique())).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    t.get("/auth/me", Some(refresh)).await.problem(401, "wrong_token_kind");
    t.get("/auth/me", Some("not.a.jwt")).await.problem(401, "invalid_token");
    let missing = t.get("/auth/me", None).await;
    assert_eq!(missing.headers.get("www-authenticate").unwrap(), "Bearer");
    missing.problem(401, "not_authenticated");
}

async fn logout_revokes_the_session(t: TestApp) {
    let email = format!("out-{}@example.com", unique());
    let login = t.user(&email).await;
    let other = t.login(&email, "secret-pass-1").await;
    let access = login["access_token"].as_str().unwrap();
    t.post("/auth/logout", Some(access), json!({})).await.expect(200);
    t.get("/auth/me", Some(access)).await.problem(401, "session_revoked");
    t.post("/auth/refresh", None, json!({"refresh_token": login["refresh_token"]})).await.expect(401);
    // The other session is untouched.
    t.get("/auth/me", Some(other["access_token"].as_str().unwrap())).await.expect(200);
}

async fn profile_get_and_patch(t: TestApp) {
    let login = t.user(&format!("me-{}@example.com", unique())).await;
    let access = login["access_token"].as_str().unwrap();
    let patched = t
        .patch(
            "/auth/me",
            Some(access),
            json!({"profile": {"first_name": "  Ana María ", "phone_number": "601 234 5678"}}),
        )
        .await
        .expect(200);
    assert_eq!(patched["profile"]["first_name"], "Ana María");
    assert_eq!(patched["profile"]["last_name"], "Gómez");
    assert_eq!(patched["profile"]["phone_number"], "+576012345678");
    let cleared = t.patch("/auth/me", Some(access), json!({"profile": {"phone_number": ""}})).await.expect(200);
    assert!(cleared["profile"]["phone_number"].is_null());
    t.patch("/auth/me", Some(access), json!({"profile": {"last_name": "X"}})).await.problem(422, "validation_failed");
    let flag = t.patch("/auth/me/first-login", Some(access), json!({"first_login": false})).await.expect(200);
    assert_eq!(flag["first_login"], false);
    assert_eq!(t.get("/auth/me", Some(access)).await.expect(200)["first_login"], false);
    t.patch("/auth/me/first-login", Some(access), json!({})).await.expect(422);
}

async fn change_password_closes_other_sessions(t: TestApp) {
    let email = format!("pw-{}@example.com", unique());
    let a = t.user(&email).await;
    let b = t.login(&email, "secret-pass-1").await;
    let (a_token, b_token) = (a["access_token"].as_str().unwrap(), b["access_token"].as_str().unwrap());
    let body = |cur: &str, new: &str, confirm: &str| json!({"current_password": cur, "new_password": new, "confirm_password": confirm});
    t.post("/auth/change-password", Some(a_token), body("wrong-pass", "new-pass-22", "new-pass-22"))
        .await
        .problem(400, "wrong_password");
    t.post("/auth/change-password", Some(a_token), body("secret-pass-1", "new-pass-22", "other-pass-33"))
        .await
        .problem(422, "validation_failed");
    t.post("/auth/change-password", Some(a_token), body("secret-pass-1", "secret-pass-1", "secret-pass-1"))
        .await
        .problem(400, "same_password");
    let done = t
        .post("/auth/change-password", Some(a_token), body("secret-pass-1", "new-pass-22", "new-pass-22"))
        .await
        .expect(200);
    assert!(done["changed_at"].is_string());
    t.get("/auth/me", Some(a_token)).await.expect(200);
    t.get("/auth/me", Some(b_token)).await.problem(401, "session_revoked");
    t.post("/auth/login", None, json!({"username": email, "password": "secret-pass-1"})).await.expect(401);
    t.login(&email, "new-pass-22").await;
    t.wait_mail(&email, |m| m.subject == "Tu contraseña de Ally360 cambió").await.expect("change notice");
}

async fn password_reset_flow(t: TestApp) {
    let email = format!("reset-{}@example.com", unique());
    let session = t.user(&email).await;
    let unknown = t
        .post("/auth/request-password-reset", None, json!({"email": format!("no-{}@example.com", unique())}))
        .await
        .expect(200);
    let known = t.post("/auth/request-password-reset", None, json!({"email": email})).await.expect(200);
    assert_eq!(unknown, known);
    let token = t.emailed_token(&email, "reset-password").await.expect("reset email");
    assert!(t.wait_mail(&email, |m| m.text.contains("1 hora")).await.is_some());
    t.post("/auth/reset-password", None, json!({"token": token, "new_password": "short"})).await.expect(422);
    t.post("/auth/reset-password", None, json!({"token": token, "new_password": "reset-pass-9"})).await.expect(200);
    t.post("/auth/reset-password", None, json!({"token": token, "new_password": "reset-pass-10"}))
        .await
        .problem(400, "invalid_token");
    t.get("/auth/me", Some(session["access_token"].as_str().unwrap())).await.problem(401, "session_revoked");
    t.login(&email, "reset-pass-9").await;
    // An expired link is refused.
    t.clock.advance(chrono::Duration::minutes(2));
    t.post("/auth/request-password-reset", None, json!({"email": email})).await.expect(200);
    let late = t.emailed_token(&email, "reset-password").await.unwrap();
    assert_ne!(late, token);
    t.clock.advance(chrono::Duration::minutes(61));
    t.post("/auth/reset-password", None, json!({"token": late, "new_password": "reset-pass-11"}))
        .await
        .problem(400, "invalid_token");
}

async fn eleventh_quick_login_is_rate_limited(t: TestApp) {
    let email = format!("burst-{}@example.com", unique());
    t.user(&email).await;
    // user() signed in once already: nine more fit in the budget of ten a minute.
    for _ in 0..9 {
        t.post("/auth/login", None, json!({"username": email, "password": "wrong-pass"})).await.expect(401);
    }
    let limited = t.post("/auth/login", None, json!({"username": email, "password": "secret-pass-1"})).await;
    let retry: u64 = limited.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(limited.headers.get("ratelimit-limit").unwrap(), "10");
    limited.problem(429, "rate_limited");
    // Another email from the same client has its own budget.
    let other = format!("burst-other-{}@example.com", unique());
    t.post("/auth/login", None, json!({"username": other, "password": "wrong-pass"})).await.expect(401);
    let metrics = t.client.get("/metrics").send().await.0.into_body().into_string().await.unwrap();
    assert!(metrics.contains("rate_limit_rejections_total{scope=\"login\"} 1"), "{metrics}");
    assert!(metrics.contains("http_requests_total{method=\"POST\",route=\"/auth/login\",status=\"429\"} 1"));
}
