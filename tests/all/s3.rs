//! The S3 object store against a real S3 server (Garage, started by `scripts/s3-dev.sh`): presigned
//! URLs work for the right request and are refused when tampered with, expired, or signed with
//! another secret.

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

fn tamper(url: &str) -> String {
    let at = url.find("X-Amz-Signature=").expect("signed url") + "X-Amz-Signature=".len();
    let mut s = url.to_string();
    let flipped = if &s[at..at + 1] == "0" { "1" } else { "0" };
    s.replace_range(at..at + 1, flipped);
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_object_store_contract() {
    let Some(config) = s3_config() else { return };
    let store = S3ObjectStore::new(&config).unwrap();
    store.ensure_bucket().await.unwrap();
    store.ping().await.unwrap();
    let http = reqwest::Client::new();
    let key = format!("t/{}/avatars/2026/12/04/{}-cara.png", uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    assert_eq!(store.stat(&key).await.unwrap(), None);

    let put = store.presign_put(&key, "image/png", Duration::from_secs(120)).await.unwrap();
    assert_eq!(put.method, "PUT");
    // Anonymous and tampered uploads are refused.
    let anonymous = format!("{}/{}/{}", config.endpoint, config.bucket, key);
    assert_eq!(http.put(&anonymous).body(vec![1u8, 2, 3]).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(http.put(tamper(&put.url)).body(vec![1u8, 2, 3]).send().await.unwrap().status().as_u16(), 403);
    let other_secret = S3ObjectStore::new(&S3Config { secret_key: "f".repeat(64), ..config.clone() }).unwrap();
    let forged = other_secret.presign_put(&key, "image/png", Duration::from_secs(120)).await.unwrap();
    assert_eq!(http.put(&forged.url).body(vec![1u8, 2, 3]).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(store.stat(&key).await.unwrap(), None, "nothing was stored by refused uploads");

    let bytes: Vec<u8> = (0..2048u32).map(|i| (i % 251) as u8).collect();
    let uploaded = http.put(&put.url).header("Content-Type", "image/png").body(bytes.clone()).send().await.unwrap();
    assert_eq!(uploaded.status().as_u16(), 200);
    let info = store.stat(&key).await.unwrap().expect("stored");
    assert_eq!((info.size, info.content_type.as_deref()), (2048, Some("image/png")));

    let get = store.presign_get(&key, Duration::from_secs(60)).await.unwrap();
    let down = http.get(&get.url).send().await.unwrap();
    assert_eq!(down.status().as_u16(), 200);
    assert_eq!(down.bytes().await.unwrap().to_vec(), bytes);
    assert_eq!(http.get(tamper(&get.url)).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(http.get(&anonymous).send().await.unwrap().status().as_u16(), 403);
    // An expired URL is refused.
    let short = store.presign_get(&key, Duration::from_secs(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = http.get(&short.url).send().await.unwrap().status().as_u16();
    assert!(matches!(expired, 400 | 403), "an expired URL is refused, got {expired}");

    store.delete(&key).await.unwrap();
    assert_eq!(store.stat(&key).await.unwrap(), None);
    store.delete(&key).await.unwrap();
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
