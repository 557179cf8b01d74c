//! Companies and their points of sale (`/company/...`).

use super::ApiTags;
use crate::auth::{actor, BearerAuth};
use crate::dto::{CompanyOut, ConfirmIn, ContextTokenResponse, ImageUrlOut, PdvOut, UploadIn, UploadOut};
use crate::problem::{ApiError, ApiResult};
use ally360::tenancy::{CompanyInput, CompanyPatch};
use ally360::App;
use chrono::{DateTime, Utc};
use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

pub struct CompanyApi {
    pub app: App,
}

/// A new company. `uniquePDV` is accepted as a spelling of `unique_pdv`.
#[derive(Object)]
struct CompanyIn {
    name: String,
    description: Option<String>,
    address: Option<String>,
    phone_number: String,
    /// NIT without check digit (8 to 10 digits).
    nit: String,
    /// Check digit; computed when absent, must match when given.
    dv: Option<String>,
    economic_activity: Option<String>,
    quantity_employees: Option<String>,
    social_reason: Option<String>,
    unique_pdv: Option<bool>,
    #[oai(rename = "uniquePDV")]
    unique_pdv_legacy: Option<bool>,
}

/// Company fields to change (the NIT never changes).
#[derive(Object)]
struct CompanyPatchIn {
    name: Option<String>,
    description: Option<String>,
    address: Option<String>,
    phone_number: Option<String>,
    economic_activity: Option<String>,
    quantity_employees: Option<String>,
    social_reason: Option<String>,
}

impl From<CompanyPatchIn> for CompanyPatch {
    fn from(p: CompanyPatchIn) -> Self {
        Self {
            name: p.name,
            description: p.description,
            address: p.address,
            phone_number: p.phone_number,
            economic_activity: p.economic_activity,
            quantity_employees: p.quantity_employees,
            social_reason: p.social_reason,
        }
    }
}

/// A created company.
#[derive(Object)]
struct CompanyCreatedOut {
    #[oai(flatten)]
    company: CompanyOut,
    main_pdv_created: bool,
}

#[derive(ApiResponse)]
enum CreateResponse {
    /// Created; the caller is its owner.
    #[oai(status = 201)]
    Created(Json<CompanyCreatedOut>),
}

/// One of the caller's companies, with the caller's role.
#[derive(Object)]
struct MyCompanyOut {
    #[oai(flatten)]
    company: CompanyOut,
    role: String,
}

/// The company of the request, as its member sees it.
#[derive(Object)]
struct CompanyMeOut {
    #[oai(flatten)]
    company: CompanyOut,
    logo_url: Option<String>,
    is_active: bool,
    created_at: DateTime<Utc>,
    user_role: String,
    pdvs: Vec<PdvOut>,
}

/// The company's points of sale.
#[derive(Object)]
struct PdvListOut {
    pdvs: Vec<PdvOut>,
    total: u64,
}

#[OpenApi(tag = "ApiTags::Company")]
impl CompanyApi {
    /// Creates a company with its main point of sale; the caller becomes its owner (`/company/` works too).
    #[oai(path = "/company", method = "post", operation_id = "create_company")]
    async fn create(&self, auth: BearerAuth, body: Json<CompanyIn>) -> ApiResult<CreateResponse> {
        let b = body.0;
        let input = CompanyInput {
            name: b.name,
            description: b.description,
            address: b.address,
            phone_number: b.phone_number,
            nit: b.nit,
            dv: b.dv,
            economic_activity: b.economic_activity,
            quantity_employees: b.quantity_employees,
            social_reason: b.social_reason,
            unique_pdv: b.unique_pdv.or(b.unique_pdv_legacy).unwrap_or(false),
        };
        let (company, _) = self.app.tenancy.create_company(&auth.0, input).await?;
        Ok(CreateResponse::Created(Json(CompanyCreatedOut { company: (&company).into(), main_pdv_created: true })))
    }

    /// The caller's active companies with the caller's role (an empty list when none).
    #[oai(path = "/company/my_companies", method = "get", operation_id = "my_companies")]
    async fn mine(&self, auth: BearerAuth) -> ApiResult<Json<Vec<MyCompanyOut>>> {
        let found = self.app.tenancy.user_companies(auth.0.user).await?;
        Ok(Json(found.iter().map(|(m, c)| MyCompanyOut { company: c.into(), role: m.role.to_string() }).collect()))
    }

    /// Same as `POST /auth/select-company`, with the company in the query (older clients).
    #[oai(path = "/company/select-company", method = "post", operation_id = "select_company_legacy")]
    async fn select(&self, auth: BearerAuth, company_id: Query<Uuid>) -> ApiResult<Json<ContextTokenResponse>> {
        Ok(Json(self.app.tenancy.select_company(&auth.0, company_id.0.into()).await?.into()))
    }

    /// The company of the request with the caller's role and its points of sale.
    #[oai(path = "/company/me", method = "get", operation_id = "get_company_me")]
    async fn me(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<CompanyMeOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let d = self.app.tenancy.company_detail(&actor).await?;
        let logo_url = self.app.tenancy.logo_url(&d.company).await?.map(|u| u.url);
        let mut company = CompanyOut::from(&d.company);
        company.logo = logo_url.clone();
        Ok(Json(CompanyMeOut {
            company,
            logo_url,
            is_active: d.company.is_active,
            created_at: d.company.created_at,
            user_role: d.role.to_string(),
            pdvs: d.pdvs.iter().map(PdvOut::from).collect(),
        }))
    }

    /// Changes the company of the request (owner or admin).
    #[oai(path = "/company/me", method = "patch", operation_id = "update_company_me")]
    async fn update_me(
        &self,
        auth: BearerAuth,
        req: &Request,
        body: Json<CompanyPatchIn>,
    ) -> ApiResult<Json<CompanyOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json((&self.app.tenancy.update_company(&actor, body.0.into()).await?).into()))
    }

    /// Changes a company by id (owner or admin of it). Another company's id is 404.
    #[oai(path = "/company/:company_id", method = "patch", operation_id = "update_company")]
    async fn update(
        &self,
        auth: BearerAuth,
        company_id: Path<Uuid>,
        body: Json<CompanyPatchIn>,
    ) -> ApiResult<Json<CompanyOut>> {
        let actor = match self.app.tenancy.resolve(&auth.0, Some(company_id.0.into())).await {
            Ok(a) => a,
            Err(_) => return Err(ApiError::new(poem::http::StatusCode::NOT_FOUND, "not_found", "company not found")),
        };
        Ok(Json((&self.app.tenancy.update_company(&actor, body.0.into()).await?).into()))
    }

    /// A URL to upload a logo (owner or admin; JPEG, PNG or WebP, at most 5 MB), valid ten minutes.
    #[oai(path = "/company/me/logo/upload-url", method = "post", operation_id = "logo_upload_url")]
    async fn logo_upload(&self, auth: BearerAuth, req: &Request, body: Json<UploadIn>) -> ApiResult<Json<UploadOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        Ok(Json(self.app.tenancy.logo_upload(&actor, &body.0.filename, &body.0.content_type).await?.into()))
    }

    /// Makes the uploaded image the logo (checked: type and size); the previous one is deleted.
    #[oai(path = "/company/me/logo/confirm", method = "post", operation_id = "logo_confirm")]
    async fn logo_confirm(
        &self,
        auth: BearerAuth,
        req: &Request,
        body: Json<ConfirmIn>,
    ) -> ApiResult<Json<CompanyOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let company = self.app.tenancy.confirm_logo(&actor, &body.0.key).await?;
        let mut out = CompanyOut::from(&company);
        out.logo = self.app.tenancy.logo_url(&company).await?.map(|u| u.url);
        Ok(Json(out))
    }

    /// A one-hour download URL of the logo.
    #[oai(path = "/company/me/logo", method = "get", operation_id = "get_logo")]
    async fn logo(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<ImageUrlOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let detail = self.app.tenancy.company_detail(&actor).await?;
        match self.app.tenancy.logo_url(&detail.company).await? {
            Some(url) => Ok(Json(ImageUrlOut::new(url))),
            None => Err(ApiError::new(poem::http::StatusCode::NOT_FOUND, "not_found", "no logo")),
        }
    }

    /// The points of sale of the company of the request.
    #[oai(path = "/company/pdvs", method = "get", operation_id = "company_pdvs")]
    async fn pdvs(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<PdvListOut>> {
        let actor = actor(&self.app, &auth, req).await?;
        let pdvs = self.app.tenancy.pdvs(&actor).await?;
        Ok(Json(PdvListOut { total: pdvs.len() as u64, pdvs: pdvs.iter().map(PdvOut::from).collect() }))
    }
}
