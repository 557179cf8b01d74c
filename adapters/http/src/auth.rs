//! Authentication (bearer tokens) and tenant resolution for handlers.

use crate::problem::ApiError;
use ally360::identity::Principal;
use ally360::kernel::{Actor, TenantId};
use ally360::App;
use poem::Request;
use poem_openapi::auth::Bearer;
use poem_openapi::SecurityScheme;

/// A user token: an access token, or a context token bound to one company. Tenant endpoints take
/// the company from the context token or from the `X-Company-ID` header (both must agree).
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_bearer")]
pub struct BearerAuth(pub Principal);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let app = req.data::<App>().ok_or_else(|| {
        poem::Error::from(ApiError::new(
            poem::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "application state missing",
        ))
    })?;
    app.identity.authenticate(&bearer.token).await.map_err(|e| ApiError::from(e).into())
}

/// The company named by the `X-Company-ID` header, if any (400 when it is not a UUID).
pub fn company_header(req: &Request) -> Result<Option<TenantId>, ApiError> {
    match req.header("X-Company-ID").map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<TenantId>().map(Some).map_err(|_| {
            ApiError::new(
                poem::http::StatusCode::BAD_REQUEST,
                "invalid_company_id",
                "X-Company-ID must be a valid UUID",
            )
        }),
    }
}

/// The actor of a tenant request.
pub async fn actor(app: &App, auth: &BearerAuth, req: &Request) -> Result<Actor, ApiError> {
    let header = company_header(req)?;
    Ok(app.tenancy.resolve(&auth.0, header).await?)
}

/// The client's address (the TCP peer: forwarded headers are not trusted blindly).
pub fn client_ip(req: &Request) -> String {
    match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".into(),
    }
}
