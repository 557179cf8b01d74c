//! Contract suites for the ports other than the store, one generic suite per port. The memory
//! adapters run them here; the Redis, S3 and SMTP adapters join with their own issue.

use ally360::kernel::{JobId, SessionId, UserId};
use ally360::ports::*;
use ally360::AppPorts;
use ally360_crypto::{Argon2Hasher, HmacTokenIssuer};
use ally360_memory::*;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;

/// Every port on its memory adapter.
pub fn memory_ports() -> AppPorts {
    AppPorts {
        store: Arc::new(MemoryStore::new()),
        hasher: Arc::new(Argon2Hasher::for_tests()),
        tokens: Arc::new(HmacTokenIssuer::new(b"openapi")),
        clock: Arc::new(SystemClock),
        mailer: Arc::new(LogMailer::new()),
        queue: Arc::new(MemoryQueue::new(5)),
        cache: Arc::new(MemoryCache::new()),
        rate_limiter: Arc::new(MemoryRateLimiter::new()),
        objects: Arc::new(MemoryObjectStore::new("http://localhost", b"openapi")),
    }
}

pub async fn cache_suite(cache: &dyn Cache) {
    let key = format!("contract:{}", uuid::Uuid::now_v7());
    assert_eq!(cache.get(&key).await.unwrap(), None);
    cache.set(&key, "v1", Duration::from_secs(30)).await.unwrap();
    assert_eq!(cache.get(&key).await.unwrap().as_deref(), Some("v1"));
    cache.set(&key, "v2", Duration::from_millis(200)).await.unwrap();
    assert_eq!(cache.get(&key).await.unwrap().as_deref(), Some("v2"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(cache.get(&key).await.unwrap(), None, "expired entries are gone");
    cache.set(&key, "v3", Duration::from_secs(30)).await.unwrap();
    cache.delete(&key).await.unwrap();
    assert_eq!(cache.get(&key).await.unwrap(), None);
    cache.delete(&key).await.unwrap();
}

pub async fn rate_limiter_suite(limiter: &dyn RateLimiter) {
    let key = format!("contract:{}", uuid::Uuid::now_v7());
    let window = Duration::from_secs(1);
    for i in 0..3 {
        let d = limiter.check(&key, 3, window).await.unwrap();
        assert!(d.allowed, "request {i} fits");
        assert_eq!(d.remaining, 2 - i);
    }
    let refused = limiter.check(&key, 3, window).await.unwrap();
    assert!(!refused.allowed);
    assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= window);
    assert!(limiter.check(&format!("{key}:other"), 3, window).await.unwrap().allowed, "keys are independent");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(limiter.check(&key, 3, window).await.unwrap().allowed, "the window slides");
}

fn job(to: &str) -> Job {
    let email = Email { to: to.into(), subject: "s".into(), html: "<p>h</p>".into(), text: "h".into() };
    Job { id: JobId::new(), task: Task::SendEmail(email), created_at: Utc::now() }
}

pub async fn queue_suite(queue: &dyn JobQueue, max_attempts: u32) {
    let j = job("a@b.co");
    queue.push(&j).await.unwrap();
    let d = queue.pull("c1", Duration::from_secs(1)).await.unwrap().expect("delivered");
    assert_eq!((d.job.clone(), d.attempt), (j.clone(), 1));
    assert!(queue.pull("c2", Duration::ZERO).await.unwrap().is_none(), "in flight jobs are invisible");
    queue.retry(&d, Duration::ZERO, "boom").await.unwrap();
    let again = queue.pull("c2", Duration::from_secs(1)).await.unwrap().expect("redelivered");
    assert_eq!((again.job.id, again.attempt), (j.id, 2));
    queue.ack(&again).await.unwrap();
    assert!(queue.pull("c1", Duration::ZERO).await.unwrap().is_none());
    // A job that always fails ends in the dead letters.
    let doomed = job("dead@b.co");
    queue.push(&doomed).await.unwrap();
    for _ in 0..max_attempts {
        let d = queue.pull("c1", Duration::from_secs(1)).await.unwrap().expect("delivered");
        queue.retry(&d, Duration::ZERO, "boom").await.unwrap();
    }
    assert!(queue.pull("c1", Duration::ZERO).await.unwrap().is_none());
    assert!(queue.dead_letters().await.unwrap().iter().any(|x| x.id == doomed.id));
    // Delayed retries wait.
    let later = job("later@b.co");
    queue.push(&later).await.unwrap();
    let d = queue.pull("c1", Duration::from_secs(1)).await.unwrap().unwrap();
    queue.retry(&d, Duration::from_millis(300), "later").await.unwrap();
    assert!(queue.pull("c1", Duration::ZERO).await.unwrap().is_none());
    assert!(queue.pull("c1", Duration::from_secs(2)).await.unwrap().is_some());
}

pub async fn hasher_suite(hasher: &dyn PasswordHasher) {
    let h1 = hasher.hash("correct horse").await.unwrap();
    let h2 = hasher.hash("correct horse").await.unwrap();
    assert_ne!(h1, h2, "salted");
    assert!(h1.starts_with("$argon2id$"));
    assert!(hasher.verify("correct horse", &h1).await.unwrap());
    assert!(!hasher.verify("correct horsf", &h1).await.unwrap());
    assert!(!hasher.verify("x", "not a hash").await.unwrap());
}

pub async fn object_store_suite(store: &MemoryObjectStore) {
    let key = format!("t/{}/avatars/a.png", uuid::Uuid::now_v7());
    assert_eq!(store.stat(&key).await.unwrap(), None);
    let put = store.presign_put(&key, "image/png", Duration::from_secs(60)).await.unwrap();
    assert_eq!(put.method, "PUT");
    let query = put.url.split('?').nth(1).unwrap();
    let param = |name: &str| query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap().to_string();
    let expires: i64 = param("expires").parse().unwrap();
    assert!(store.check_url("PUT", &key, expires, "image/png", &param("sig")));
    assert!(!store.check_url("PUT", &key, expires, "image/png", "00"), "tampered signature");
    assert!(!store.check_url("GET", &key, expires, "image/png", &param("sig")), "other method");
    assert!(!store.check_url("PUT", &key, Utc::now().timestamp() - 1, "image/png", &param("sig")), "expired");
    store.put(&key, vec![1, 2, 3], Some("image/png".into()));
    let info = store.stat(&key).await.unwrap().unwrap();
    assert_eq!((info.size, info.content_type.as_deref()), (3, Some("image/png")));
    store.delete(&key).await.unwrap();
    assert_eq!(store.stat(&key).await.unwrap(), None);
    store.delete(&key).await.unwrap();
}

#[tokio::test]
async fn memory_cache_contract() {
    cache_suite(&MemoryCache::new()).await;
}

#[tokio::test]
async fn memory_rate_limiter_contract() {
    rate_limiter_suite(&MemoryRateLimiter::new()).await;
}

#[tokio::test]
async fn memory_queue_contract() {
    queue_suite(&MemoryQueue::new(3), 3).await;
}

#[tokio::test]
async fn argon2_hasher_contract() {
    hasher_suite(&Argon2Hasher::for_tests()).await;
}

#[tokio::test]
async fn memory_object_store_contract() {
    object_store_suite(&MemoryObjectStore::new("http://localhost:8000", b"k")).await;
}

#[tokio::test]
async fn log_mailer_keeps_what_it_sends() {
    let mailer = LogMailer::new();
    let email = Email { to: "a@b.co".into(), subject: "Hola".into(), html: "<p>x</p>".into(), text: "x".into() };
    mailer.send(&email).await.unwrap();
    assert_eq!(mailer.sent_to("a@b.co"), vec![email]);
    assert!(mailer.sent_to("c@d.co").is_empty());
}

#[test]
fn token_issuer_contract() {
    let issuer = HmacTokenIssuer::new(b"contract-secret");
    let now = Utc::now();
    let claims = Claims {
        sub: UserId::new(),
        kind: TokenKind::Context,
        jti: uuid::Uuid::now_v7(),
        sid: SessionId::new(),
        iat: now.timestamp(),
        exp: now.timestamp() + 60,
        email: None,
        user_name: None,
        tenant_id: Some(ally360::kernel::TenantId::new()),
        user_role: Some(ally360::kernel::Role::Seller),
    };
    let token = issuer.sign(&claims).unwrap();
    assert_eq!(issuer.verify(&token, now).unwrap(), claims);
    assert!(issuer.verify(&token, now + chrono::Duration::seconds(61)).is_err());
    assert!(HmacTokenIssuer::new(b"other").verify(&token, now).is_err());
}
