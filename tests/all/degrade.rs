//! With the database down the service keeps answering: 503 problem+json, and `/ready` says so.

use crate::harness::{test_ports, TestApp};
use ally360::AppPorts;
use ally360_memory::LogMailer;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn database_down_gives_503_not_a_crash() {
    // Nothing listens on port 1.
    let options = ally360_postgres::as_app_role("postgres://postgres@127.0.0.1:1/ally360").unwrap();
    let pool =
        sqlx::postgres::PgPoolOptions::new().acquire_timeout(Duration::from_millis(500)).connect_lazy_with(options);
    let store = Arc::new(ally360_postgres::PgStore::new(pool));
    let mailer = Arc::new(LogMailer::new());
    let t = TestApp::on(AppPorts { store, mailer: mailer.clone(), ..test_ports() }, mailer);
    assert_eq!(t.get("/health", None).await.expect(200)["status"], "healthy");
    let ready = t.get("/ready", None).await.expect(503);
    assert_eq!((ready["status"].as_str(), ready["database"].as_str()), (Some("not_ready"), Some("down")));
    let body = json!({"email": "down@example.com", "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez"}});
    let problem = t.post("/auth/register", None, body).await.problem(503, "unavailable");
    assert!(!problem["detail"].as_str().unwrap().contains("127.0.0.1"), "internals stay out of responses");
}
