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
    let email =
        Email { to: to.into(), subject: "s".into(), html: "<p>h</p>".into(), text: "h".into(), ..Default::default() };
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

/// A stand-in for the browser that uses presigned URLs.
#[async_trait::async_trait]
pub trait Browser: Sync {
    /// PUTs bytes; the status.
    async fn put(&self, url: &str, content_type: &str, bytes: Vec<u8>) -> u16;
    /// GETs a URL; the status and body.
    async fn get(&self, url: &str) -> (u16, Vec<u8>);
}

/// The same URL with one character of its signature changed.
pub fn tamper(url: &str) -> String {
    let at = ["X-Amz-Signature=", "sig="].iter().find_map(|m| url.rfind(m).map(|i| i + m.len())).expect("signed url");
    let mut s = url.to_string();
    let flipped = if &s[at..at + 1] == "0" { "1" } else { "0" };
    s.replace_range(at..at + 1, flipped);
    s
}

/// The ObjectStore contract, seen from a browser: presigned URLs work for exactly their request,
/// and tampered, unsigned or expired URLs are refused.
pub async fn object_store_suite(store: &dyn ObjectStore, browser: &dyn Browser) {
    let key = format!("{}/avatars/2026/12/04/{}-cara.png", uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    assert_eq!(store.stat(&key).await.unwrap(), None);
    let put = store.presign_put(&key, "image/png", Duration::from_secs(120)).await.unwrap();
    assert_eq!(put.method, "PUT");
    let unsigned = put.url.split('?').next().unwrap().to_string();
    assert!(matches!(browser.put(&unsigned, "image/png", vec![1, 2, 3]).await, 400 | 403), "unsigned upload refused");
    assert_eq!(browser.put(&tamper(&put.url), "image/png", vec![1, 2, 3]).await, 403, "tampered upload refused");
    assert_eq!(store.stat(&key).await.unwrap(), None, "refused uploads store nothing");
    let bytes: Vec<u8> = (0..2048u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(browser.put(&put.url, "image/png", bytes.clone()).await, 200);
    assert_eq!(store.get(&key).await.unwrap(), Some(bytes.clone()), "the service reads what was uploaded");
    let info = store.stat(&key).await.unwrap().expect("stored");
    assert_eq!((info.size, info.content_type.as_deref()), (2048, Some("image/png")));
    let get = store.presign_get(&key, Duration::from_secs(60)).await.unwrap();
    assert_eq!(browser.get(&get.url).await, (200, bytes));
    assert_eq!(browser.get(&tamper(&get.url)).await.0, 403, "tampered download refused");
    assert!(matches!(browser.get(&unsigned).await.0, 400 | 403), "unsigned download refused");
    let short = store.presign_get(&key, Duration::from_secs(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(matches!(browser.get(&short.url).await.0, 400 | 403), "expired download refused");
    let copy = format!("{key}.copy");
    store.copy(&key, &copy).await.unwrap();
    let copied = store.stat(&copy).await.unwrap().expect("copied");
    assert_eq!((copied.size, copied.content_type.as_deref()), (2048, Some("image/png")));
    store.delete(&copy).await.unwrap();
    store.delete(&key).await.unwrap();
    assert_eq!(store.stat(&key).await.unwrap(), None);
    assert_eq!(store.get(&key).await.unwrap(), None);
    store.delete(&key).await.unwrap();
    store.ping().await.unwrap();
}

/// The service itself, serving the memory store's URLs.
struct ServiceBrowser(crate::harness::TestApp);

#[async_trait::async_trait]
impl Browser for ServiceBrowser {
    async fn put(&self, url: &str, content_type: &str, bytes: Vec<u8>) -> u16 {
        let path = url.trim_start_matches("http://localhost");
        self.0.client.put(path).content_type(content_type).body(bytes).send().await.0.status().as_u16()
    }
    async fn get(&self, url: &str) -> (u16, Vec<u8>) {
        let resp = self.0.client.get(url.trim_start_matches("http://localhost")).send().await.0;
        let status = resp.status().as_u16();
        (status, resp.into_body().into_vec().await.unwrap_or_default())
    }
}

#[tokio::test]
async fn memory_object_store_contract() {
    let store = Arc::new(MemoryObjectStore::new("http://localhost", b"k"));
    let mailer = Arc::new(LogMailer::new());
    let ports = AppPorts { objects: store.clone(), mailer: mailer.clone(), ..crate::harness::test_ports() };
    let browser = ServiceBrowser(crate::harness::TestApp::with_objects(ports, mailer, Some(store.clone())));
    object_store_suite(&*store, &browser).await;
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
async fn log_mailer_keeps_what_it_sends() {
    let mailer = LogMailer::new();
    let email = Email {
        to: "a@b.co".into(),
        subject: "Hola".into(),
        html: "<p>x</p>".into(),
        text: "x".into(),
        ..Default::default()
    };
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
