//! Registration, verification, sessions and company selection (`/auth/...`).

use super::ApiTags;
use crate::auth::{client_ip, company_header, BearerAuth};
use crate::dto::{ContextTokenResponse, MessageOut, TokenResponse, UserCompanyOut};
use crate::problem::ApiResult;
use ally360::identity::RegisterInput;
use ally360::App;
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::{Form, Json};
use poem_openapi::{ApiRequest, ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

pub struct AuthApi {
    pub app: App,
}

/// Profile data given at registration.
#[derive(Object, Deserialize, Default)]
pub struct ProfileIn {
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub dni: Option<String>,
}

/// A registration.
#[derive(Object)]
struct RegisterIn {
    email: String,
    password: String,
    profile: ProfileIn,
}

/// The same answer for new and known emails.
#[derive(Object)]
struct RegisterOut {
    message: String,
    email: String,
    verification_required: bool,
}

#[derive(ApiResponse)]
enum RegisterResponse {
    /// Accepted: a verification email is on its way (or the owner of the address was told).
    #[oai(status = 202)]
    Accepted(Json<RegisterOut>),
}

/// A verification token.
#[derive(Object)]
struct VerifyIn {
    token: String,
    #[oai(default)]
    auto_login: bool,
}

/// The outcome of a verification.
#[derive(Object)]
struct VerifyOut {
    message: String,
    user_id: Uuid,
    is_active: bool,
    access_token: Option<String>,
    refresh_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<u64>,
    /// The first company of the user, if any.
    tenant_id: Option<Uuid>,
}

/// An email address.
#[derive(Object)]
struct EmailIn {
    email: String,
}

/// Credentials (JSON form).
#[derive(Object, Deserialize)]
struct LoginJson {
    /// The email.
    username: String,
    password: String,
}

/// Credentials, as an OAuth2 password form (`username`, `password`) or as JSON.
#[derive(ApiRequest)]
enum LoginIn {
    Form(Form<LoginJson>),
    Json(Json<LoginJson>),
}

/// A refresh token.
#[derive(Object)]
struct RefreshIn {
    refresh_token: String,
}

/// A company to work in.
#[derive(Object)]
struct SelectCompanyIn {
    company_id: Uuid,
}

/// The caller and the company context of the request.
#[derive(Object)]
struct ContextOut {
    user_id: Uuid,
    tenant_id: Option<Uuid>,
    user_role: Option<String>,
    companies: Vec<UserCompanyOut>,
}

impl AuthApi {
    async fn verify(&self, token: &str, auto_login: bool) -> ApiResult<Json<VerifyOut>> {
        let outcome = self.app.identity.verify_email(token, auto_login).await?;
        let tenant_id = match &outcome.tokens {
            Some(_) => self.app.tenancy.user_companies(outcome.user.id).await?.first().map(|(_, c)| c.id.as_uuid()),
            None => None,
        };
        let message = if outcome.tokens.is_some() { "Email verified; session started" } else { "Email verified" };
        let tokens = outcome.tokens;
        Ok(Json(VerifyOut {
            message: message.into(),
            user_id: outcome.user.id.as_uuid(),
            is_active: outcome.user.is_active,
            token_type: tokens.as_ref().map(|_| "bearer".to_string()),
            expires_in: tokens.as_ref().map(|t| t.expires_in),
            access_token: tokens.as_ref().map(|t| t.access_token.clone()),
            refresh_token: tokens.map(|t| t.refresh_token),
            tenant_id,
        }))
    }
}

#[OpenApi(tag = "ApiTags::Auth")]
impl AuthApi {
    /// Registers an account and sends the verification email.
    #[oai(path = "/auth/register", method = "post", operation_id = "register")]
    async fn register(&self, req: &Request, body: Json<RegisterIn>) -> ApiResult<RegisterResponse> {
        let b = body.0;
        let input = RegisterInput {
            email: b.email,
            password: b.password,
            first_name: b.profile.first_name,
            last_name: b.profile.last_name,
            phone_number: b.profile.phone_number,
            dni: b.profile.dni,
        };
        let outcome = self.app.identity.register(input, &client_ip(req)).await?;
        Ok(RegisterResponse::Accepted(Json(RegisterOut {
            message: "Check your email to verify your account".into(),
            email: outcome.email,
            verification_required: true,
        })))
    }

    /// Verifies the email with the token of the link.
    #[oai(path = "/auth/verify-email", method = "post", operation_id = "verify_email")]
    async fn verify_email(&self, body: Json<VerifyIn>) -> ApiResult<Json<VerifyOut>> {
        self.verify(&body.0.token, body.0.auto_login).await
    }

    /// Same as the POST (kept for old links); repeated clicks within minutes answer success again.
    #[oai(path = "/auth/verify-email", method = "get", operation_id = "verify_email_link")]
    async fn verify_email_link(
        &self,
        token: Query<String>,
        auto_login: Query<Option<bool>>,
    ) -> ApiResult<Json<VerifyOut>> {
        self.verify(&token.0, auto_login.0.unwrap_or(false)).await
    }

    /// Sends a new verification link (same answer whether or not the email exists).
    #[oai(path = "/auth/resend-verification", method = "post", operation_id = "resend_verification")]
    async fn resend_verification(&self, req: &Request, body: Json<EmailIn>) -> ApiResult<Json<MessageOut>> {
        self.app.identity.resend_verification(&body.0.email, &client_ip(req)).await?;
        Ok(Json(MessageOut::new("If the account exists and is not verified, a new link was sent")))
    }

    /// Signs in with email (`username`) and password; returns access and refresh tokens.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(&self, req: &Request, body: LoginIn) -> ApiResult<Json<TokenResponse>> {
        let creds = match body {
            LoginIn::Form(f) => f.0,
            LoginIn::Json(j) => j.0,
        };
        let (user, tokens) = self.app.identity.login(&creds.username, &creds.password, &client_ip(req)).await?;
        let companies = self.app.tenancy.user_companies(user.id).await?;
        Ok(Json(TokenResponse::new(&user, tokens, &companies)))
    }

    /// Exchanges a refresh token for new tokens; the old refresh token stops working.
    #[oai(path = "/auth/refresh", method = "post", operation_id = "refresh")]
    async fn refresh(&self, body: Json<RefreshIn>) -> ApiResult<Json<TokenResponse>> {
        let (user, tokens) = self.app.identity.refresh(&body.0.refresh_token).await?;
        let companies = self.app.tenancy.user_companies(user.id).await?;
        Ok(Json(TokenResponse::new(&user, tokens, &companies)))
    }

    /// Ends the session of the token: its access and refresh tokens stop working.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, auth: BearerAuth) -> ApiResult<Json<MessageOut>> {
        self.app.identity.logout(&auth.0).await?;
        Ok(Json(MessageOut::new("Signed out")))
    }

    /// Issues a token bound to one of the caller's companies.
    #[oai(path = "/auth/select-company", method = "post", operation_id = "select_company")]
    async fn select_company(
        &self,
        auth: BearerAuth,
        body: Json<SelectCompanyIn>,
    ) -> ApiResult<Json<ContextTokenResponse>> {
        let token = self.app.tenancy.select_company(&auth.0, body.0.company_id.into()).await?;
        Ok(Json(token.into()))
    }

    /// The caller, the company of the request (if any) and the caller's companies.
    #[oai(path = "/auth/context", method = "get", operation_id = "auth_context")]
    async fn context(&self, auth: BearerAuth, req: &Request) -> ApiResult<Json<ContextOut>> {
        let header = company_header(req)?;
        let actor = match (auth.0.token_tenant, header) {
            (None, None) => None,
            _ => Some(self.app.tenancy.resolve(&auth.0, header).await?),
        };
        let companies = self.app.tenancy.user_companies(auth.0.user).await?;
        Ok(Json(ContextOut {
            user_id: auth.0.user.as_uuid(),
            tenant_id: actor.map(|a| a.tenant.as_uuid()),
            user_role: actor.map(|a| a.role.to_string()),
            companies: companies.iter().map(|(m, c)| UserCompanyOut::new(m, c)).collect(),
        }))
    }
}
