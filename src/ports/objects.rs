//! Object storage with presigned URLs: clients upload and download directly.

use crate::kernel::CoreResult;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A URL a client may use without credentials until it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignedUrl {
    /// The full URL.
    pub url: String,
    /// `PUT` or `GET`.
    pub method: &'static str,
    /// When the URL stops working.
    pub expires_at: DateTime<Utc>,
}

/// What the store knows of a stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Size in bytes.
    pub size: u64,
    /// Content type recorded at upload, if any.
    pub content_type: Option<String>,
}

/// Stores objects by key.
///
/// Contract: a presigned PUT URL accepts one upload to exactly that key until it expires; a tampered
/// or expired URL is refused by the store; `stat` and `get` of a missing key are `Ok(None)`; `delete`
/// of a missing key is `Ok`.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait ObjectStore: Send + Sync {
    /// A URL to upload `key`.
    async fn presign_put(&self, key: &str, content_type: &str, ttl: Duration) -> CoreResult<PresignedUrl>;
    /// A URL to download `key`.
    async fn presign_get(&self, key: &str, ttl: Duration) -> CoreResult<PresignedUrl>;
    /// Size and type of a stored object.
    async fn stat(&self, key: &str) -> CoreResult<Option<ObjectInfo>>;
    /// The bytes of a stored object (for the service's own use, e.g. a logo printed on a PDF).
    async fn get(&self, key: &str) -> CoreResult<Option<Vec<u8>>>;
    /// Copies an object inside the store (content and content type); `from` stays.
    async fn copy(&self, from: &str, to: &str) -> CoreResult<()>;
    /// Removes an object.
    async fn delete(&self, key: &str) -> CoreResult<()>;
    /// Whether the store answers (for `/ready`).
    async fn ping(&self) -> CoreResult<()>;
}
