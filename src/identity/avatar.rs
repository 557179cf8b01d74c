//! The user's avatar: presigned upload, confirmation, presigned download.

use super::model::User;
use super::{IdentityService, Principal};
use crate::files::{self, UploadTicket};
use crate::kernel::{CoreError, CoreResult};
use crate::ports::{in_global, PresignedUrl};

impl IdentityService {
    fn avatar_owner(principal: &Principal) -> String {
        format!("users/{}", principal.user)
    }

    /// A URL to upload a new avatar (JPEG, PNG or WebP, at most 5 MB).
    pub async fn avatar_upload(
        &self,
        principal: &Principal,
        filename: &str,
        content_type: &str,
    ) -> CoreResult<UploadTicket> {
        files::image_upload(&self.ctx, &Self::avatar_owner(principal), "avatars", filename, content_type).await
    }

    /// Makes an uploaded image the avatar, after checking it; the previous one is deleted.
    pub async fn confirm_avatar(&self, principal: &Principal, key: &str) -> CoreResult<User> {
        let (key, _) = files::check_image(&self.ctx, key, &Self::avatar_owner(principal), "avatars").await?;
        let (id, now) = (principal.user, self.ctx.now());
        let (user, replaced) = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let mut user = tx.users().by_id(id).await?.ok_or(CoreError::NotFound { entity: "user" })?;
                let replaced = user.profile.avatar_key.replace(key.clone()).filter(|old| *old != key);
                user.updated_at = now;
                tx.users().update(&user).await?;
                Ok((user, replaced))
            })
        })
        .await?;
        files::discard(&self.ctx, replaced).await;
        Ok(user)
    }

    /// A short-lived download URL of `user`'s avatar, if there is one.
    pub async fn avatar_url(&self, user: &User) -> CoreResult<Option<PresignedUrl>> {
        match &user.profile.avatar_key {
            Some(key) => Ok(Some(self.ctx.ports.objects.presign_get(key, files::DOWNLOAD_TTL).await?)),
            None => Ok(None),
        }
    }
}
