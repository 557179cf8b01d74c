//! The signed-in user's profile and password (`/auth/me`, password change and reset).

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::dto::{ConfirmIn, ImageUrlOut, MessageOut, UploadIn, UploadOut, UserOut};
use crate::problem::{ApiError, ApiResult};
use ally360::identity::ProfilePatch;
use ally360::App;
use chrono::{DateTime, Utc};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

pub struct AccountApi {
    pub app: App,
}

/// Profile fields to change; a blank phone clears it.
#[derive(Object, Default)]
struct ProfilePatchIn {
    first_name: Option<String>,
    last_name: Option<String>,
    phone_number: Option<String>,
}

/// Changes to the caller's account.
#[derive(Object)]
struct MePatchIn {
    profile: Option<ProfilePatchIn>,
}

/// The onboarding flag.
#[derive(Object)]
struct FirstLoginIn {
    first_login: bool,
}

/// A password change.
#[derive(Object)]
struct ChangePasswordIn {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// The outcome of a password change or reset.
#[derive(Object)]
struct PasswordChangedOut {
    message: String,
    user_id: Uuid,
    changed_at: Option<DateTime<Utc>>,
}

/// An email address.
#[derive(Object)]
struct ResetRequestIn {
    email: String,
}

/// A new password with the token of a reset link.
#[derive(Object)]
struct ResetIn {
    token: String,
    new_password: String,
}

impl AccountApi {
    async fn with_avatar(&self, user: &ally360::identity::model::User) -> ApiResult<Json<UserOut>> {
        let mut out = UserOut::from(user);
        out.profile.avatar_url = self.app.identity.avatar_url(user).await?.map(|u| u.url);
        Ok(Json(out))
    }
}

#[OpenApi(tag = "ApiTags::Account")]
impl AccountApi {
    /// The caller's account (with a one-hour avatar URL).
    #[oai(path = "/auth/me", method = "get", operation_id = "get_me")]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Json<UserOut>> {
        let user = self.app.identity.me(&auth.0).await?;
        self.with_avatar(&user).await
    }

    /// A URL to upload an avatar (JPEG, PNG or WebP, at most 5 MB), valid ten minutes.
    #[oai(path = "/auth/me/avatar/upload-url", method = "post", operation_id = "avatar_upload_url")]
    async fn avatar_upload(&self, auth: BearerAuth, body: Json<UploadIn>) -> ApiResult<Json<UploadOut>> {
        Ok(Json(self.app.identity.avatar_upload(&auth.0, &body.0.filename, &body.0.content_type).await?.into()))
    }

    /// Makes the uploaded image the avatar (checked: type and size); the previous one is deleted.
    #[oai(path = "/auth/me/avatar/confirm", method = "post", operation_id = "avatar_confirm")]
    async fn avatar_confirm(&self, auth: BearerAuth, body: Json<ConfirmIn>) -> ApiResult<Json<UserOut>> {
        let user = self.app.identity.confirm_avatar(&auth.0, &body.0.key).await?;
        self.with_avatar(&user).await
    }

    /// A one-hour download URL of the avatar.
    #[oai(path = "/auth/me/avatar", method = "get", operation_id = "get_avatar")]
    async fn avatar(&self, auth: BearerAuth) -> ApiResult<Json<ImageUrlOut>> {
        let user = self.app.identity.me(&auth.0).await?;
        match self.app.identity.avatar_url(&user).await? {
            Some(url) => Ok(Json(ImageUrlOut::new(url))),
            None => Err(ApiError::new(poem::http::StatusCode::NOT_FOUND, "not_found", "no avatar")),
        }
    }

    /// Changes the caller's profile (only the fields given).
    #[oai(path = "/auth/me", method = "patch", operation_id = "update_me")]
    async fn update_me(&self, auth: BearerAuth, body: Json<MePatchIn>) -> ApiResult<Json<UserOut>> {
        let p = body.0.profile.unwrap_or_default();
        let patch = ProfilePatch { first_name: p.first_name, last_name: p.last_name, phone_number: p.phone_number };
        Ok(Json((&self.app.identity.update_profile(&auth.0, patch).await?).into()))
    }

    /// Sets the onboarding flag.
    #[oai(path = "/auth/me/first-login", method = "patch", operation_id = "set_first_login")]
    async fn first_login(&self, auth: BearerAuth, body: Json<FirstLoginIn>) -> ApiResult<Json<UserOut>> {
        Ok(Json((&self.app.identity.set_first_login(&auth.0, body.0.first_login).await?).into()))
    }

    /// Changes the password; every other session is closed.
    #[oai(path = "/auth/change-password", method = "post", operation_id = "change_password")]
    async fn change_password(
        &self,
        auth: BearerAuth,
        body: Json<ChangePasswordIn>,
    ) -> ApiResult<Json<PasswordChangedOut>> {
        let b = body.0;
        let at = self
            .app
            .identity
            .change_password(&auth.0, &b.current_password, &b.new_password, &b.confirm_password)
            .await?;
        Ok(Json(PasswordChangedOut {
            message: "Password changed".into(),
            user_id: auth.0.user.as_uuid(),
            changed_at: Some(at),
        }))
    }

    /// Sends a one-hour reset link (same answer whether or not the email exists).
    #[oai(path = "/auth/request-password-reset", method = "post", operation_id = "request_password_reset")]
    async fn request_reset(&self, req: &poem::Request, body: Json<ResetRequestIn>) -> ApiResult<Json<MessageOut>> {
        self.app.identity.request_password_reset(&body.0.email, &crate::auth::client_ip(req)).await?;
        Ok(Json(MessageOut::new("If the email exists, a reset link was sent")))
    }

    /// Sets a new password with a reset token; every session is closed.
    #[oai(path = "/auth/reset-password", method = "post", operation_id = "reset_password")]
    async fn reset(&self, req: &poem::Request, body: Json<ResetIn>) -> ApiResult<Json<PasswordChangedOut>> {
        let user =
            self.app.identity.reset_password(&body.0.token, &body.0.new_password, &crate::auth::client_ip(req)).await?;
        Ok(Json(PasswordChangedOut { message: "Password reset".into(), user_id: user.as_uuid(), changed_at: None }))
    }
}
