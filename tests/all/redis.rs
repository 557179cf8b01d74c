//! The Redis adapters: the cache, rate limiter and queue contract suites on a real Redis, reclaim of
//! a dead worker's job, and the service degrading (not dying) while Redis is down.

use crate::harness::{test_ports, unique, TestApp};
use crate::ports_contract::{cache_suite, queue_suite, rate_limiter_suite};
use ally360::ports::{JobQueue, RateLimiter, Task};
use ally360::AppPorts;
use ally360_memory::LogMailer;
use ally360_redis::{QueueConfig, RedisCache, RedisConn, RedisQueue, RedisRateLimiter};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The Redis of the tests, when configured (`ALLY_REQUIRE_BACKENDS=1` makes it mandatory).
fn redis_url() -> Option<String> {
    let url = std::env::var("ALLY_TEST_REDIS_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("ALLY_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "ALLY_REQUIRE_BACKENDS=1 but ALLY_TEST_REDIS_URL is not set"
        );
        eprintln!("skipped: Redis run (ALLY_TEST_REDIS_URL is not set)");
    }
    url
}

fn queue_config(visibility: Duration) -> QueueConfig {
    QueueConfig { stream: format!("ally360:test:{}", unique()), group: "workers".into(), max_attempts: 3, visibility }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_cache_contract() {
    let Some(url) = redis_url() else { return };
    cache_suite(&RedisCache::new(Arc::new(RedisConn::new(&url).unwrap()))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_rate_limiter_contract() {
    let Some(url) = redis_url() else { return };
    let limiter = RedisRateLimiter::new(Arc::new(RedisConn::new(&url).unwrap()));
    rate_limiter_suite(&limiter).await;
    // Atomic under concurrency: 50 racing checks of a budget of 10 let exactly 10 through.
    let limiter = Arc::new(limiter);
    let key = format!("ally360:test:race:{}", unique());
    let checks = (0..50).map(|_| {
        let (l, k) = (limiter.clone(), key.clone());
        tokio::spawn(async move { l.check(&k, 10, Duration::from_secs(60)).await.unwrap().allowed })
    });
    let mut allowed = 0;
    for c in checks.collect::<Vec<_>>() {
        allowed += usize::from(c.await.unwrap());
    }
    assert_eq!(allowed, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_queue_contract() {
    let Some(url) = redis_url() else { return };
    queue_suite(&RedisQueue::new(&url, queue_config(Duration::from_secs(60))).unwrap(), 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_job_is_reclaimed() {
    let Some(url) = redis_url() else { return };
    let queue = RedisQueue::new(&url, queue_config(Duration::from_millis(300))).unwrap();
    let job = ally360::ports::Job {
        id: ally360::kernel::JobId::new(),
        task: Task::SendEmail(ally360::ports::Email {
            to: "x@y.co".into(),
            subject: "s".into(),
            html: "h".into(),
            text: "t".into(),
            ..Default::default()
        }),
        created_at: chrono::Utc::now(),
    };
    queue.push(&job).await.unwrap();
    let first = queue.pull("worker-that-dies", Duration::from_secs(1)).await.unwrap().unwrap();
    assert_eq!(first.job.id, job.id);
    assert!(queue.pull("survivor", Duration::ZERO).await.unwrap().is_none(), "still owned by the first worker");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let again = queue.pull("survivor", Duration::ZERO).await.unwrap().expect("reclaimed");
    assert_eq!((again.job.id, again.attempt), (job.id, 2));
    queue.ack(&again).await.unwrap();
    assert!(queue.pull("survivor", Duration::ZERO).await.unwrap().is_none());
}

/// A Redis of the test's own, on a private port, that the test can kill and restart.
struct PrivateRedis {
    port: u16,
    child: Option<Child>,
}

impl PrivateRedis {
    fn start(port: u16) -> Self {
        let mut r = Self { port, child: None };
        r.restart();
        r
    }
    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server");
        self.child = Some(child);
        std::thread::sleep(Duration::from_millis(300));
    }
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_serving_while_redis_is_down_and_no_job_is_lost() {
    if redis_url().is_none() {
        return;
    }
    let mut redis = PrivateRedis::start(16_379 + (std::process::id() % 1000) as u16);
    let conn = Arc::new(RedisConn::new(&redis.url()).unwrap());
    let mailer = Arc::new(LogMailer::new());
    let ports = AppPorts {
        mailer: mailer.clone(),
        cache: Arc::new(RedisCache::new(conn.clone())),
        rate_limiter: Arc::new(RedisRateLimiter::new(conn)),
        queue: Arc::new(RedisQueue::new(&redis.url(), QueueConfig::default()).unwrap()),
        ..test_ports()
    };
    let t = TestApp::on(ports, mailer.clone());
    let owner = t.owner().await;
    assert_eq!(t.get("/ready", None).await.expect(200)["cache"], "up");

    redis.kill();
    // Signing in (rate limiter down), tenant requests (cache down) and registering all still work.
    t.login(&owner.email, "secret-pass-1").await;
    t.get("/company/me", Some(&owner.context)).await.expect(200);
    let email = format!("while-down-{}@example.com", unique());
    let body =
        json!({"email": email, "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez"}});
    t.post("/auth/register", None, body).await.expect(202);
    let ready = t.get("/ready", None).await.expect(200);
    assert_eq!((ready["status"].as_str(), ready["cache"].as_str()), (Some("degraded"), Some("down")));
    assert!(t.app.jobs.relay_outbox(100).await.is_err(), "the queue is down: the job waits in the outbox");
    assert!(mailer.sent_to(&email).is_empty());
    let metrics = t.app.metrics.render();
    assert!(metrics.contains("rate_limit_failures_total{scope=\"login\"}"), "{metrics}");

    redis.restart();
    let token = t.emailed_token(&email, "verify-email").await;
    assert!(token.is_some(), "the email queued while Redis was down went out once it came back");
    assert_eq!(t.get("/ready", None).await.expect(200)["status"], "ready");
}
