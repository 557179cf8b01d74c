//! The company logo: presigned upload (owner or admin), confirmation, presigned download.

use super::model::Company;
use super::TenancyService;
use crate::files::{self, UploadTicket};
use crate::kernel::{Actor, CoreError, CoreResult, Permission};
use crate::ports::{in_global, PresignedUrl};

impl TenancyService {
    /// A URL to upload a new logo (JPEG, PNG or WebP, at most 5 MB).
    pub async fn logo_upload(&self, actor: &Actor, filename: &str, content_type: &str) -> CoreResult<UploadTicket> {
        actor.require(Permission::CompanyWrite)?;
        files::image_upload(&self.ctx, &actor.tenant.to_string(), "logos", filename, content_type).await
    }

    /// Makes an uploaded image the logo, after checking it; the previous one is deleted.
    pub async fn confirm_logo(&self, actor: &Actor, key: &str) -> CoreResult<Company> {
        actor.require(Permission::CompanyWrite)?;
        let (key, _) = files::check_image(&self.ctx, key, &actor.tenant.to_string(), "logos").await?;
        let (tenant, now) = (actor.tenant, self.ctx.now());
        let (company, replaced) = in_global(self.ctx.store(), move |tx| {
            Box::pin(async move {
                let mut company =
                    tx.companies().by_id(tenant).await?.ok_or(CoreError::NotFound { entity: "company" })?;
                let replaced = company.logo_key.replace(key.clone()).filter(|old| *old != key);
                company.updated_at = now;
                tx.companies().update(&company).await?;
                Ok((company, replaced))
            })
        })
        .await?;
        files::discard(&self.ctx, replaced).await;
        Ok(company)
    }

    /// A short-lived download URL of the company's logo, if there is one.
    pub async fn logo_url(&self, company: &Company) -> CoreResult<Option<PresignedUrl>> {
        match &company.logo_key {
            Some(key) => Ok(Some(self.ctx.ports.objects.presign_get(key, files::DOWNLOAD_TTL).await?)),
            None => Ok(None),
        }
    }
}
