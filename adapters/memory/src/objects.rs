//! Object storage in memory, with URLs signed by HMAC that the service itself serves.

use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::{ObjectInfo, ObjectStore, PresignedUrl};
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

/// Stored bytes and their content type.
type Stored = (Vec<u8>, Option<String>);

/// Objects kept in process. Presigned URLs point at `{base_url}/objects/{key}` with an expiry and an
/// HMAC signature over method, key, expiry and content type; [`MemoryObjectStore::check_url`]
/// validates them when the service receives the request.
pub struct MemoryObjectStore {
    base_url: String,
    key: Vec<u8>,
    objects: Mutex<HashMap<String, Stored>>,
}

impl MemoryObjectStore {
    /// A store whose URLs start with `base_url` and are signed with `signing_key`.
    pub fn new(base_url: &str, signing_key: &[u8]) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            key: signing_key.to_vec(),
            objects: Mutex::default(),
        }
    }

    fn signature(&self, method: &str, key: &str, expires: i64, content_type: &str) -> String {
        let mut mac =
            HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("hmac takes any key length"));
        mac.update(format!("{method}\n{key}\n{expires}\n{content_type}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn sign(&self, method: &'static str, key: &str, content_type: &str, ttl: Duration) -> PresignedUrl {
        let expires_at = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default();
        let expires = expires_at.timestamp();
        let sig = self.signature(method, key, expires, content_type);
        let url = format!(
            "{}/objects/{key}?expires={expires}&ct={}&sig={sig}",
            self.base_url,
            content_type.replace('/', "%2F")
        );
        PresignedUrl { url, method, expires_at }
    }

    /// Whether a request for `key` with these query values carries a valid, unexpired signature.
    pub fn check_url(&self, method: &str, key: &str, expires: i64, content_type: &str, sig: &str) -> bool {
        expires > Utc::now().timestamp() && self.signature(method, key, expires, content_type) == sig
    }

    /// Stores bytes (the handler of a presigned PUT calls this after `check_url`).
    pub fn put(&self, key: &str, bytes: Vec<u8>, content_type: Option<String>) {
        if let Ok(mut objects) = self.objects.lock() {
            objects.insert(key.to_owned(), (bytes, content_type));
        }
    }

    /// Reads bytes (the handler of a presigned GET calls this after `check_url`).
    pub fn get(&self, key: &str) -> Option<Stored> {
        self.objects.lock().ok()?.get(key).cloned()
    }
}

#[async_trait::async_trait]
impl ObjectStore for MemoryObjectStore {
    async fn presign_put(&self, key: &str, content_type: &str, ttl: Duration) -> CoreResult<PresignedUrl> {
        Ok(self.sign("PUT", key, content_type, ttl))
    }
    async fn presign_get(&self, key: &str, ttl: Duration) -> CoreResult<PresignedUrl> {
        Ok(self.sign("GET", key, "", ttl))
    }
    async fn stat(&self, key: &str) -> CoreResult<Option<ObjectInfo>> {
        let objects = self.objects.lock().map_err(CoreError::internal)?;
        Ok(objects.get(key).map(|(b, ct)| ObjectInfo { size: b.len() as u64, content_type: ct.clone() }))
    }
    async fn get(&self, key: &str) -> CoreResult<Option<Vec<u8>>> {
        Ok(self.objects.lock().map_err(CoreError::internal)?.get(key).map(|(b, _)| b.clone()))
    }
    async fn copy(&self, from: &str, to: &str) -> CoreResult<()> {
        let mut objects = self.objects.lock().map_err(CoreError::internal)?;
        let object = objects.get(from).cloned().ok_or(CoreError::NotFound { entity: "object" })?;
        objects.insert(to.to_owned(), object);
        Ok(())
    }
    async fn delete(&self, key: &str) -> CoreResult<()> {
        self.objects.lock().map_err(CoreError::internal)?.remove(key);
        Ok(())
    }
    async fn ping(&self) -> CoreResult<()> {
        Ok(())
    }
}
