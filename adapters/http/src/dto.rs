//! Response shapes shared by several endpoints (field names follow the spec, for existing clients).

use ally360::catalog::model::Pdv;
use ally360::identity::model::User;
use ally360::identity::SessionTokens;
use ally360::tenancy::model::{Company, Membership};
use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

/// A plain confirmation.
#[derive(Object)]
pub struct MessageOut {
    pub message: String,
}

impl MessageOut {
    pub fn new(message: &str) -> Self {
        Self { message: message.into() }
    }
}

/// A user's profile.
#[derive(Object)]
pub struct ProfileOut {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub dni: Option<String>,
    /// Avatar download URL (presigned), when an avatar exists.
    pub avatar_url: Option<String>,
    pub full_name: String,
}

/// A user account.
#[derive(Object)]
pub struct UserOut {
    pub id: Uuid,
    pub email: String,
    pub is_active: bool,
    pub email_verified: bool,
    pub first_login: bool,
    pub profile: ProfileOut,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.as_uuid(),
            email: u.email.clone(),
            is_active: u.is_active,
            email_verified: u.email_verified,
            first_login: u.first_login,
            profile: ProfileOut {
                id: u.id.as_uuid(),
                first_name: u.profile.first_name.clone(),
                last_name: u.profile.last_name.clone(),
                phone_number: u.profile.phone_number.clone(),
                dni: u.profile.dni.clone(),
                avatar_url: None,
                full_name: u.profile.full_name(),
            },
        }
    }
}

/// One of the user's companies.
#[derive(Object)]
pub struct UserCompanyOut {
    /// The membership id.
    pub id: Uuid,
    pub company_id: Uuid,
    pub role: String,
    pub is_active: bool,
    pub joined_at: DateTime<Utc>,
    pub company_name: String,
}

impl UserCompanyOut {
    pub fn new(m: &Membership, c: &Company) -> Self {
        Self {
            id: m.id.as_uuid(),
            company_id: c.id.as_uuid(),
            role: m.role.to_string(),
            is_active: m.is_active,
            joined_at: m.joined_at,
            company_name: c.name.clone(),
        }
    }
}

/// Tokens of a session, with the user and their companies.
#[derive(Object)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single use: every refresh returns a new one.
    pub refresh_token: Option<String>,
    pub user: UserOut,
    pub companies: Vec<UserCompanyOut>,
}

impl TokenResponse {
    pub fn new(user: &User, tokens: SessionTokens, companies: &[(Membership, Company)]) -> Self {
        Self {
            access_token: tokens.access_token,
            token_type: "bearer".into(),
            expires_in: tokens.expires_in,
            refresh_token: Some(tokens.refresh_token),
            user: user.into(),
            companies: companies.iter().map(|(m, c)| UserCompanyOut::new(m, c)).collect(),
        }
    }
}

/// A token bound to one company.
#[derive(Object)]
pub struct ContextTokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    pub tenant_id: Uuid,
    pub company_name: String,
    pub user_role: String,
}

impl From<ally360::tenancy::ContextToken> for ContextTokenResponse {
    fn from(t: ally360::tenancy::ContextToken) -> Self {
        Self {
            access_token: t.access_token,
            token_type: "bearer".into(),
            expires_in: t.expires_in,
            tenant_id: t.company.id.as_uuid(),
            company_name: t.company.name,
            user_role: t.role.to_string(),
        }
    }
}

/// A company.
#[derive(Object)]
pub struct CompanyOut {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub phone_number: String,
    /// NIT base, digits only.
    pub nit: String,
    /// DIAN check digit of the NIT.
    pub dv: u8,
    pub economic_activity: Option<String>,
    pub quantity_employees: String,
    pub social_reason: Option<String>,
    /// Logo download URL (presigned), when a logo exists.
    pub logo: Option<String>,
    pub unique_pdv: bool,
}

impl From<&Company> for CompanyOut {
    fn from(c: &Company) -> Self {
        Self {
            id: c.id.as_uuid(),
            name: c.name.clone(),
            description: c.description.clone(),
            address: c.address.clone(),
            phone_number: c.phone_number.clone(),
            nit: c.nit.clone(),
            dv: c.dv,
            economic_activity: c.economic_activity.clone(),
            quantity_employees: c.quantity_employees.clone(),
            social_reason: c.social_reason.clone(),
            logo: None,
            unique_pdv: c.unique_pdv,
        }
    }
}

/// A point of sale.
#[derive(Object)]
pub struct PdvOut {
    pub id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub phone_number: Option<String>,
    pub is_main: bool,
    pub is_active: bool,
    pub department_id: Option<i32>,
    pub city_id: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Pdv> for PdvOut {
    fn from(p: &Pdv) -> Self {
        Self {
            id: p.id.as_uuid(),
            name: p.name.clone(),
            address: p.address.clone(),
            phone_number: p.phone_number.clone(),
            is_main: p.is_main,
            is_active: p.is_active,
            department_id: p.department_id,
            city_id: p.city_id,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// Where and how to upload a file.
#[derive(Object)]
pub struct UploadOut {
    /// Confirm the upload with this key.
    pub key: String,
    /// PUT the bytes here, with the given `Content-Type`, before `expires_at`.
    pub upload_url: String,
    pub method: String,
    pub content_type: String,
    pub max_bytes: u64,
    pub expires_at: DateTime<Utc>,
}

impl From<ally360::files::UploadTicket> for UploadOut {
    fn from(t: ally360::files::UploadTicket) -> Self {
        Self {
            key: t.key,
            upload_url: t.url.url,
            method: t.url.method.into(),
            content_type: t.content_type,
            max_bytes: t.max_bytes,
            expires_at: t.url.expires_at,
        }
    }
}

/// A file to upload.
#[derive(Object)]
pub struct UploadIn {
    /// The original file name (used, sanitised, in the key).
    pub filename: String,
    /// image/jpeg, image/png or image/webp.
    pub content_type: String,
}

/// An uploaded file to confirm.
#[derive(Object)]
pub struct ConfirmIn {
    pub key: String,
}

/// A short-lived download URL.
#[derive(Object)]
pub struct ImageUrlOut {
    pub url: String,
    /// Kept for older clients: the same URL under the spec's name.
    pub avatar_url: String,
    pub expires_at: DateTime<Utc>,
    pub expires_in: String,
}

impl ImageUrlOut {
    pub fn new(url: ally360::ports::PresignedUrl) -> Self {
        Self { avatar_url: url.url.clone(), url: url.url, expires_at: url.expires_at, expires_in: "1 hour".into() }
    }
}
