//! Registration and email verification through the whole HTTP app.

use crate::harness::{unique, TestApp};
use crate::on_every_backend;
use poem::http::Method;
use serde_json::json;

on_every_backend!(
    register_verify_and_login,
    register_rejects_bad_input_per_field,
    known_email_gets_the_same_answer,
    verification_link_is_single_use_with_grace,
    verification_expires_after_a_day,
    public_endpoints_have_a_per_ip_budget,
    nobody_can_pre_claim_an_unverified_email,
    resend_is_silent_and_throttled,
);

async fn register_verify_and_login(t: TestApp) {
    let email = format!("Ana.{}@Example.COM", unique());
    let body = json!({"email": email, "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez", "phone_number": "300 123 4567", "dni": "1234567"}});
    let answer = t.post("/auth/register", None, body).await.expect(202);
    let lower = email.to_lowercase();
    assert_eq!(answer["email"], lower.as_str());
    assert_eq!(answer["verification_required"], true);
    let token = t.emailed_token(&lower, "verify-email").await.expect("email sent");
    let mail = t.mailer.sent_to(&lower).pop().unwrap();
    assert_eq!(mail.subject, "Verifica tu cuenta en Ally360");
    assert!(mail.html.contains("<a href=") && mail.text.contains("auto_login=true"));
    // Not verified yet: sign-in refused after the password check.
    t.post("/auth/login", None, json!({"username": lower, "password": "secret-pass-1"}))
        .await
        .problem(403, "email_not_verified");
    let verified = t.post("/auth/verify-email", None, json!({"token": token, "auto_login": true})).await.expect(200);
    assert_eq!(verified["is_active"], true);
    let access = verified["access_token"].as_str().expect("auto login token");
    assert!(verified["refresh_token"].is_string());
    let me = t.get("/auth/me", Some(access)).await.expect(200);
    assert_eq!(me["email"], lower.as_str());
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["first_login"], true);
    assert_eq!(me["profile"]["phone_number"], "+573001234567");
    assert_eq!(me["profile"]["dni"], "1.234.567");
    assert_eq!(me["profile"]["full_name"], "Ana Gómez");
    // Upper-case login works too: emails compare case-insensitively.
    let login = t.login(&email, "secret-pass-1").await;
    assert_eq!(login["token_type"], "bearer");
    assert_eq!(login["expires_in"], 1800);
    assert_eq!(login["companies"], json!([]));
}

async fn register_rejects_bad_input_per_field(t: TestApp) {
    let body = json!({"email": "not-an-email", "password": "short", "profile": {"first_name": "A", "last_name": "Gómez", "phone_number": "12"}});
    let problem = t.post("/auth/register", None, body).await.problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "password", "profile.first_name", "profile.phone_number"]);
    // A body of the wrong shape is a 422 too, never a 500.
    t.post("/auth/register", None, json!({"email": 5})).await.problem(422, "invalid_body");
    let raw = t.client.post("/auth/register").content_type("application/json").body("{not json").send().await;
    assert_eq!(raw.0.status().as_u16(), 422);
    assert!(t.mailer.sent_to("not-an-email").is_empty());
}

async fn known_email_gets_the_same_answer(t: TestApp) {
    let email = format!("known-{}@example.com", unique());
    t.user(&email).await;
    let again =
        json!({"email": email, "password": "another-pass", "profile": {"first_name": "Eve", "last_name": "Mala"}});
    let answer = t.post("/auth/register", None, again).await.expect(202);
    assert_eq!(answer["email"], email.as_str());
    t.wait_mail(&email, |m| m.subject == "Ya tienes una cuenta en Ally360").await.expect("notice to the owner");
    // The original password still works; nothing was overwritten.
    t.login(&email, "secret-pass-1").await;
}

async fn verification_link_is_single_use_with_grace(t: TestApp) {
    let email = format!("grace-{}@example.com", unique());
    let token = t.register(&email).await;
    let first = t
        .call(Method::GET, &format!("/auth/verify-email?token={token}&auto_login=true"), None, &[], None)
        .await
        .expect(200);
    assert!(first["access_token"].is_string());
    // A mail scanner clicking again within minutes: success, but no second session.
    let second = t.post("/auth/verify-email", None, json!({"token": token, "auto_login": true})).await.expect(200);
    assert!(second["access_token"].is_null());
    t.clock.advance(chrono::Duration::minutes(11));
    t.post("/auth/verify-email", None, json!({"token": token})).await.problem(400, "token_used");
    t.post("/auth/verify-email", None, json!({"token": "nonsense"})).await.problem(400, "invalid_token");
}

async fn verification_expires_after_a_day(t: TestApp) {
    let email = format!("late-{}@example.com", unique());
    let token = t.register(&email).await;
    t.clock.advance(chrono::Duration::hours(24) + chrono::Duration::seconds(1));
    t.post("/auth/verify-email", None, json!({"token": token})).await.problem(400, "token_expired");
}

async fn resend_is_silent_and_throttled(t: TestApp) {
    let email = format!("resend-{}@example.com", unique());
    let first = t.register(&email).await;
    let unknown = t
        .post("/auth/resend-verification", None, json!({"email": format!("nobody-{}@example.com", unique())}))
        .await
        .expect(200);
    let known = t.post("/auth/resend-verification", None, json!({"email": email})).await.expect(200);
    assert_eq!(unknown["message"], known["message"]);
    // Within the first minute no new link is sent.
    t.run_jobs().await;
    assert_eq!(t.mailer.sent_to(&email).len(), 1);
    t.clock.advance(chrono::Duration::seconds(61));
    t.post("/auth/resend-verification", None, json!({"email": email})).await.expect(200);
    let second = t.emailed_token(&email, "verify-email").await.unwrap();
    assert_ne!(first, second);
    // The new link retired the old one.
    t.post("/auth/verify-email", None, json!({"token": first})).await.expect(400);
    t.post("/auth/verify-email", None, json!({"token": second})).await.expect(200);
}

async fn public_endpoints_have_a_per_ip_budget(t: TestApp) {
    // Thirty password-reset requests a minute per client; the answer never says whether the email exists.
    for _ in 0..30 {
        t.post("/auth/request-password-reset", None, json!({"email": format!("x{}@example.com", unique())}))
            .await
            .expect(200);
    }
    let limited = t.post("/auth/request-password-reset", None, json!({"email": "y@example.com"})).await;
    assert!(limited.headers.get("retry-after").is_some());
    limited.problem(429, "rate_limited");
    // Each action has its own budget.
    t.post("/auth/resend-verification", None, json!({"email": "y@example.com"})).await.expect(200);
}

async fn nobody_can_pre_claim_an_unverified_email(t: TestApp) {
    let email = format!("victim-{}@example.com", unique());
    let profile = json!({"first_name": "Eva", "last_name": "Atacante"});
    // Someone registers the address with their own password and never verifies.
    t.post("/auth/register", None, json!({"email": email, "password": "attacker-pass", "profile": profile}))
        .await
        .expect(202);
    t.clock.advance(chrono::Duration::seconds(61));
    // The owner of the mailbox registers later and follows the link they were sent.
    let body =
        json!({"email": email, "password": "owner-pass-1", "profile": {"first_name": "Ana", "last_name": "Dueña"}});
    t.post("/auth/register", None, body).await.expect(202);
    let token = t.emailed_token(&email, "verify-email").await.unwrap();
    t.post("/auth/verify-email", None, json!({"token": token})).await.expect(200);
    t.login(&email, "owner-pass-1").await;
    t.post("/auth/login", None, json!({"username": email, "password": "attacker-pass"}))
        .await
        .problem(401, "invalid_credentials");
}
