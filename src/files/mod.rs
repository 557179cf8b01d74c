//! Files uploaded by clients straight to object storage: the service hands out a presigned PUT URL
//! for a key it chose, then checks the stored object (size, type) when the client confirms.

use crate::app::Ctx;
use crate::kernel::{CoreError, CoreResult};
use crate::ports::{ObjectInfo, PresignedUrl};
use chrono::{DateTime, Datelike, Utc};
use std::time::Duration;

/// Image types accepted for avatars and logos.
pub const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
/// Largest avatar or logo.
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// Lifetime of an upload URL.
const UPLOAD_TTL: Duration = Duration::from_secs(10 * 60);
/// Lifetime of a download URL.
pub const DOWNLOAD_TTL: Duration = Duration::from_secs(3600);

/// Where and how a client uploads one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadTicket {
    /// The object key to confirm afterwards.
    pub key: String,
    pub url: PresignedUrl,
    /// The `Content-Type` the client must send.
    pub content_type: String,
    pub max_bytes: u64,
}

/// A file name reduced to safe characters (`[A-Za-z0-9._-]`, at most 80).
pub fn sanitize(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect::<String>()
        .trim_matches(|c| c == '.' || c == '-')
        .chars()
        .take(80)
        .collect();
    if clean.is_empty() {
        "file".into()
    } else {
        clean
    }
}

/// `{owner}/{module}/{yyyy}/{mm}/{dd}/{uuid}-{name}`.
pub fn object_key(owner: &str, module: &str, now: DateTime<Utc>, filename: &str) -> String {
    let id = uuid::Uuid::now_v7().simple();
    format!("{owner}/{module}/{:04}/{:02}/{:02}/{id}-{}", now.year(), now.month(), now.day(), sanitize(filename))
}

/// What a kind of upload accepts.
pub(crate) struct Rule {
    pub types: &'static [&'static str],
    pub max_bytes: u64,
}

/// Avatars and logos.
pub(crate) const IMAGES: Rule = Rule { types: &IMAGE_TYPES, max_bytes: MAX_IMAGE_BYTES };

/// A presigned upload of an image under `{owner}/{module}/`.
pub(crate) async fn image_upload(
    ctx: &Ctx,
    owner: &str,
    module: &str,
    filename: &str,
    content_type: &str,
) -> CoreResult<UploadTicket> {
    upload(ctx, owner, module, filename, content_type, &IMAGES).await
}

/// A presigned upload under `{owner}/{module}/` of a file `rule` accepts.
pub(crate) async fn upload(
    ctx: &Ctx,
    owner: &str,
    module: &str,
    filename: &str,
    content_type: &str,
    rule: &Rule,
) -> CoreResult<UploadTicket> {
    let content_type = content_type.trim().to_ascii_lowercase();
    if !rule.types.contains(&content_type.as_str()) {
        let message = format!("must be one of {}", rule.types.join(", "));
        return Err(CoreError::invalid("content_type", "unsupported_type", &message));
    }
    let key = object_key(&format!("{owner}/uploads"), module, ctx.now(), filename);
    let url = ctx.ports.objects.presign_put(&key, &content_type, UPLOAD_TTL).await?;
    Ok(UploadTicket { key, url, content_type, max_bytes: rule.max_bytes })
}

/// Checks an uploaded image (see [`check`]) and returns its final key.
pub(crate) async fn check_image(ctx: &Ctx, key: &str, owner: &str, module: &str) -> CoreResult<(String, ObjectInfo)> {
    check(ctx, key, owner, module, &IMAGES).await
}

/// Checks an uploaded file before it is used: the key must be one handed out for this owner and
/// module, the object must exist, be of an accepted type and size. A rejected object is deleted. An
/// accepted one is moved to its final key (the upload key without `uploads/`), out of reach of the
/// upload URL, which stays valid for a few minutes: nothing can be swapped in after the check.
pub(crate) async fn check(
    ctx: &Ctx,
    key: &str,
    owner: &str,
    module: &str,
    rule: &Rule,
) -> CoreResult<(String, ObjectInfo)> {
    if !key.starts_with(&format!("{owner}/uploads/{module}/")) || key.contains("..") {
        return Err(CoreError::invalid("key", "foreign_key", "this key was not issued for this upload"));
    }
    let info = ctx.ports.objects.stat(key).await?.ok_or_else(|| {
        CoreError::invalid("key", "upload_missing", "nothing was uploaded with this key (or the URL expired)")
    })?;
    let type_ok = info.content_type.as_deref().is_some_and(|t| rule.types.contains(&t));
    if info.size > rule.max_bytes || info.size == 0 || !type_ok {
        ctx.ports.objects.delete(key).await?;
        let message = if type_ok {
            format!("the file must be between 1 byte and {} MB", rule.max_bytes / (1024 * 1024))
        } else {
            format!("the file type must be one of {}", rule.types.join(", "))
        };
        return Err(CoreError::invalid("key", if type_ok { "too_large" } else { "unsupported_type" }, &message));
    }
    let final_key = key.replacen(&format!("{owner}/uploads/"), &format!("{owner}/"), 1);
    ctx.ports.objects.copy(key, &final_key).await?;
    ctx.ports.objects.delete(key).await?;
    Ok((final_key, info))
}

/// Removes an object that was replaced; a failure only leaves garbage behind, so it is logged.
pub(crate) async fn discard(ctx: &Ctx, key: Option<String>) {
    if let Some(key) = key {
        if let Err(e) = ctx.ports.objects.delete(&key).await {
            tracing::warn!(error = %e, key, "could not delete a replaced object");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised_and_keys_dated() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(sanitize("mi foto (1).PNG"), "mi-foto--1-.PNG");
        assert_eq!(sanitize("..."), "file");
        assert_eq!(sanitize(&"a".repeat(200)).len(), 80);
        let now = DateTime::parse_from_rfc3339("2026-03-09T10:00:00Z").unwrap().with_timezone(&Utc);
        let key = object_key("t1", "logos", now, "Logo Final.png");
        assert!(key.starts_with("t1/logos/2026/03/09/"), "{key}");
        assert!(key.ends_with("-Logo-Final.png"));
    }
}
