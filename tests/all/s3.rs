//! The S3 object store against a real S3 server (Garage, started by `scripts/s3-dev.sh`): presigned
//! URLs work for the right request and are refused when tampered with, expired, or signed with
//! another secret.

use crate::ports_contract::{object_store_suite, tamper, Browser};
use ally360::ports::ObjectStore;
use ally360_minio::{S3Config, S3ObjectStore};
use std::time::Duration;

/// The S3 of the tests, when configured (`ALLY_REQUIRE_BACKENDS=1` makes it mandatory).
pub fn s3_config() -> Option<S3Config> {
    let endpoint = std::env::var("ALLY_TEST_S3_ENDPOINT").ok().filter(|u| !u.is_empty());
    let Some(endpoint) = endpoint else {
        assert!(
            std::env::var("ALLY_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "ALLY_REQUIRE_BACKENDS=1 but ALLY_TEST_S3_ENDPOINT is not set"
        );
        eprintln!("skipped: S3 run (ALLY_TEST_S3_ENDPOINT is not set)");
        return None;
    };
    let var =
        |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set with ALLY_TEST_S3_ENDPOINT"));
    Some(S3Config {
        public_url: endpoint.clone(),
        endpoint,
        access_key: var("ALLY_TEST_S3_ACCESS_KEY"),
        secret_key: var("ALLY_TEST_S3_SECRET_KEY"),
        bucket: var("ALLY_TEST_S3_BUCKET"),
        region: "us-east-1".into(),
    })
}

/// The browser: a plain HTTP client.
struct HttpBrowser(reqwest::Client);

#[async_trait::async_trait]
impl Browser for HttpBrowser {
    async fn put(&self, url: &str, content_type: &str, bytes: Vec<u8>) -> u16 {
        self.0.put(url).header("Content-Type", content_type).body(bytes).send().await.unwrap().status().as_u16()
    }
    async fn get(&self, url: &str) -> (u16, Vec<u8>) {
        let resp = self.0.get(url).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.bytes().await.unwrap().to_vec())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_object_store_contract() {
    let Some(config) = s3_config() else { return };
    let store = S3ObjectStore::new(&config).unwrap();
    store.ensure_bucket().await.unwrap();
    let browser = HttpBrowser(reqwest::Client::new());
    object_store_suite(&store, &browser).await;
    // A URL signed with another secret is refused too.
    let key = format!("{}/logos/x.png", uuid::Uuid::now_v7());
    let forger = S3ObjectStore::new(&S3Config { secret_key: "f".repeat(64), ..config.clone() }).unwrap();
    let forged = forger.presign_put(&key, "image/png", Duration::from_secs(60)).await.unwrap();
    assert_eq!(browser.put(&forged.url, "image/png", vec![1, 2, 3]).await, 403);
    assert_eq!(store.stat(&key).await.unwrap(), None);
}

/// The avatar flow of the API with the S3 store: the browser PUTs to S3 and GETs from S3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avatar_goes_up_and_comes_down_through_s3() {
    let Some(config) = s3_config() else { return };
    let store = std::sync::Arc::new(S3ObjectStore::new(&config).unwrap());
    store.ensure_bucket().await.unwrap();
    let mailer = std::sync::Arc::new(ally360_memory::LogMailer::new());
    let ports = ally360::AppPorts { objects: store, mailer: mailer.clone(), ..crate::harness::test_ports() };
    let t = crate::harness::TestApp::with_objects(ports, mailer, None);
    let login = t.user(&format!("s3-avatar-{}@example.com", crate::harness::unique())).await;
    let token = login["access_token"].as_str().unwrap();
    let up = t
        .post(
            "/auth/me/avatar/upload-url",
            Some(token),
            serde_json::json!({"filename": "yo.jpg", "content_type": "image/jpeg"}),
        )
        .await
        .expect(200);
    let url = up["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&config.public_url), "signed for the public URL: {url}");
    let http = reqwest::Client::new();
    let image: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let put = http.put(url).header("Content-Type", "image/jpeg").body(image.clone()).send().await.unwrap();
    assert_eq!(put.status().as_u16(), 200);
    let me = t.post("/auth/me/avatar/confirm", Some(token), serde_json::json!({"key": up["key"]})).await.expect(200);
    let download = me["profile"]["avatar_url"].as_str().unwrap();
    let got = http.get(download).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap().to_vec(), image);
    assert_eq!(http.get(tamper(download)).send().await.unwrap().status().as_u16(), 403);
}
