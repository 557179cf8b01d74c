//! The S3 object store (minio crate): presigned PUT and GET URLs for browsers, stat and delete for
//! the service. Works with MinIO, Garage or any S3 that checks SigV4 signatures.

use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::{ObjectInfo, ObjectStore, PresignedUrl};
use minio::s3::creds::StaticProvider;
use minio::s3::http::BaseUrl;
use minio::s3::response_traits::HasS3Fields;
use minio::s3::types::{Region, S3Api};
use minio::s3::MinioClient;
use std::time::Duration;

/// Where the bucket lives and how to reach it.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// The endpoint the service uses (`http://127.0.0.1:3900`).
    pub endpoint: String,
    /// The endpoint browsers use; presigned URLs are signed for it.
    pub public_url: String,
    pub access_key: String,
    pub secret_key: String,
    pub bucket: String,
    pub region: String,
}

/// The S3 [`ObjectStore`].
pub struct S3ObjectStore {
    internal: MinioClient,
    public: MinioClient,
    bucket: String,
    region: Region,
}

fn client(url: &str, config: &S3Config) -> CoreResult<MinioClient> {
    let mut base: BaseUrl = url.parse().map_err(|e| CoreError::internal(format!("S3 url {url}: {e}")))?;
    base.region = Region::new(config.region.clone()).map_err(CoreError::internal)?;
    let creds = StaticProvider::new(&config.access_key, &config.secret_key, None);
    MinioClient::new(base, Some(creds), None, None).map_err(CoreError::internal)
}

fn unavailable(e: impl std::fmt::Display) -> CoreError {
    tracing::warn!(error = %e, "object store unavailable");
    CoreError::Unavailable("the object store is unavailable".into())
}

fn is_not_found(e: &minio::s3::error::Error) -> bool {
    let text = format!("{e:?}");
    text.contains("NoSuchKey") || text.contains("404") || text.contains("NotFound")
}

impl S3ObjectStore {
    /// A store on `config`; nothing is contacted yet.
    pub fn new(config: &S3Config) -> CoreResult<Self> {
        Ok(Self {
            internal: client(&config.endpoint, config)?,
            public: client(&config.public_url, config)?,
            bucket: config.bucket.clone(),
            region: Region::new(config.region.clone()).map_err(CoreError::internal)?,
        })
    }

    /// Creates the bucket when it is missing.
    pub async fn ensure_bucket(&self) -> CoreResult<()> {
        let exists = self.internal.bucket_exists(&self.bucket).map_err(CoreError::internal)?.build().send().await;
        if exists.map_err(unavailable)?.exists() {
            return Ok(());
        }
        self.internal
            .create_bucket(&self.bucket)
            .map_err(CoreError::internal)?
            .build()
            .send()
            .await
            .map_err(unavailable)?;
        tracing::info!(bucket = %self.bucket, "bucket created");
        Ok(())
    }

    async fn presign(&self, key: &str, method: http::Method, ttl: Duration) -> CoreResult<PresignedUrl> {
        let name: &'static str = if method == http::Method::PUT { "PUT" } else { "GET" };
        let expires_at = chrono::Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default();
        let response = self
            .public
            .get_presigned_object_url(&self.bucket, key, method)
            .map_err(CoreError::internal)?
            .region(self.region.clone())
            .expiry_seconds(ttl.as_secs().clamp(1, 7 * 24 * 3600) as u32)
            .build()
            .send()
            .await
            .map_err(unavailable)?;
        Ok(PresignedUrl { url: response.url, method: name, expires_at })
    }
}

#[async_trait::async_trait]
impl ObjectStore for S3ObjectStore {
    async fn presign_put(&self, key: &str, _content_type: &str, ttl: Duration) -> CoreResult<PresignedUrl> {
        self.presign(key, http::Method::PUT, ttl).await
    }

    async fn presign_get(&self, key: &str, ttl: Duration) -> CoreResult<PresignedUrl> {
        self.presign(key, http::Method::GET, ttl).await
    }

    async fn stat(&self, key: &str) -> CoreResult<Option<ObjectInfo>> {
        let stat = self.internal.stat_object(&self.bucket, key).map_err(CoreError::internal)?.build().send().await;
        match stat {
            Ok(s) => {
                let content_type =
                    s.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
                Ok(Some(ObjectInfo { size: s.size().map_err(CoreError::internal)?, content_type }))
            }
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn get(&self, key: &str) -> CoreResult<Option<Vec<u8>>> {
        let got = self.internal.get_object(&self.bucket, key).map_err(CoreError::internal)?.build().send().await;
        match got {
            Ok(r) => {
                let content = r.content().map_err(unavailable)?;
                let bytes = content.to_segmented_bytes().await.map_err(unavailable)?;
                Ok(Some(bytes.to_bytes().to_vec()))
            }
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn copy(&self, from: &str, to: &str) -> CoreResult<()> {
        let bucket = minio::s3::types::BucketName::new(self.bucket.clone()).map_err(CoreError::internal)?;
        let object = minio::s3::types::ObjectKey::new(from).map_err(CoreError::internal)?;
        let source = minio::s3::builders::CopySource::builder().bucket(bucket).object(object).build();
        self.internal
            .copy_object(&self.bucket, to)
            .map_err(CoreError::internal)?
            .source(source)
            .build()
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> CoreResult<()> {
        let done = self.internal.delete_object(&self.bucket, key).map_err(CoreError::internal)?.build().send().await;
        match done {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn ping(&self) -> CoreResult<()> {
        self.internal
            .bucket_exists(&self.bucket)
            .map_err(CoreError::internal)?
            .build()
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
