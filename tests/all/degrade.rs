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

/// A mailer that always fails.
struct BrokenMailer;

#[async_trait::async_trait]
impl ally360::ports::Mailer for BrokenMailer {
    async fn send(&self, _: &ally360::ports::Email) -> ally360::kernel::CoreResult<()> {
        Err(ally360::kernel::CoreError::Unavailable("smtp down".into()))
    }
}

#[tokio::test]
async fn a_dead_lettered_job_is_not_relayed_again() {
    let log = Arc::new(LogMailer::new());
    let queue = Arc::new(ally360_memory::MemoryQueue::new(1));
    let ports = AppPorts { mailer: Arc::new(BrokenMailer), queue: queue.clone(), ..test_ports() };
    let t = TestApp::on(ports, log);
    let body = json!({"email": "dead@example.com", "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez"}});
    t.post("/auth/register", None, body).await.expect(202);
    let report = t.app.jobs.drain("w").await.unwrap();
    assert_eq!((report.relayed, report.failed), (1, 1));
    assert_eq!(ally360::ports::JobQueue::dead_letters(&*queue).await.unwrap().len(), 1);
    // Long after the stale-relay window the outbox has nothing to send again.
    t.clock.advance(chrono::Duration::hours(1));
    assert_eq!(t.app.jobs.relay_outbox(100).await.unwrap(), 0);
}

#[tokio::test]
async fn no_configured_origin_means_no_cross_origin_access() {
    let app = ally360::App::new(test_ports(), ally360::Settings::default());
    let config = ally360_http::HttpConfig { cors_origins: vec![], max_body_bytes: 1024, docs: false };
    let client = poem::test::TestClient::new(ally360_http::router(app, &config, None));
    let resp = client
        .options("/auth/login")
        .header("Origin", "http://evil.test")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await;
    assert!(resp.0.headers().get("access-control-allow-origin").is_none());
    assert_eq!(client.get("/docs").send().await.0.status().as_u16(), 404, "docs can be turned off");
}
