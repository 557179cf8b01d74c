//! Product images end to end on the production adapters: PostgreSQL holds the rows, the S3 server
//! (Garage) holds the files; the browser PUTs to and GETs from S3 with the presigned URLs.

use crate::harness::{database_url, store, Backend, TestApp};
use crate::s3::s3_config;
use ally360::ports::ObjectStore;
use ally360_minio::S3ObjectStore;
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn product_images_live_in_s3_and_leave_with_their_product() {
    let Some(config) = s3_config() else { return };
    if database_url().is_none() {
        return;
    }
    let objects = Arc::new(S3ObjectStore::new(&config).unwrap());
    objects.ensure_bucket().await.unwrap();
    let mailer = Arc::new(ally360_memory::LogMailer::new());
    let ports = ally360::AppPorts {
        store: store(Backend::Postgres).await,
        objects: objects.clone(),
        mailer: mailer.clone(),
        ..crate::harness::test_ports()
    };
    let t = TestApp::with_objects(ports, mailer, None);
    let o = t.owner().await;
    let p = t.post("/products", Some(&o.context), json!({"name": "Lámpara", "sku": "LAM-S3"})).await.expect(201);
    let base = format!("/products/{}/images", p["id"].as_str().unwrap());
    let up = t
        .post(
            &format!("{base}/upload-url"),
            Some(&o.context),
            json!({"filename": "lampara.webp", "content_type": "image/webp"}),
        )
        .await
        .expect(200);
    let url = up["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&config.public_url), "signed for S3: {url}");
    let http = reqwest::Client::new();
    let image: Vec<u8> = (0..20_000u32).map(|i| (i * 13 % 251) as u8).collect();
    let put = http.put(url).header("Content-Type", "image/webp").body(image.clone()).send().await.unwrap();
    assert_eq!(put.status().as_u16(), 200);
    let attached = t.post(&base, Some(&o.context), json!({"key": up["key"], "file_name": "lampara.webp"})).await;
    let attached = attached.expect(201);
    assert_eq!((attached["file_size"].as_u64(), attached["is_primary"].as_bool()), (Some(20_000), Some(true)));
    let download = attached["url"].as_str().unwrap().to_string();
    let got = http.get(&download).send().await.unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap().to_vec(), image);
    let final_key = up["key"].as_str().unwrap().replacen("/uploads/", "/", 1);
    assert!(objects.stat(&final_key).await.unwrap().is_some());
    t.delete(&format!("/products/{}", p["id"].as_str().unwrap()), Some(&o.context)).await.expect(204);
    assert_eq!(objects.stat(&final_key).await.unwrap(), None, "the file left with its product");
    assert_eq!(http.get(&download).send().await.unwrap().status().as_u16(), 404);
}
