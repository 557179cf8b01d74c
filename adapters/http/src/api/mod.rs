//! The API: one `#[OpenApi]` struct per module, each with its tag.

mod account;
mod auth;
mod catalog_dto;
mod company;
mod contacts;
mod contacts_dto;
mod groups;
mod inventory;
mod inventory_dto;
mod invoice_docs;
mod invoices;
mod members;
mod numbering;
mod pdvs;
mod product_dto;
mod product_out;
mod product_parts;
mod products;
mod sales_dto;
mod sales_out;
mod sales_receipts;
mod sales_reports;
mod system;
mod taxes;

use ally360::App;
use poem_openapi::{OpenApiService, Tags};

/// The tags of the API, one per module.
#[derive(Tags)]
pub enum ApiTags {
    /// Liveness, readiness and service information.
    System,
    /// Registration, verification, sessions and company selection.
    Auth,
    /// The signed-in user's profile and password.
    Account,
    /// Invitations and company members.
    Members,
    /// Companies and their points of sale.
    Company,
    /// Clients and providers.
    Contacts,
    /// Points of sale, brands and categories.
    Catalog,
    /// System and company taxes, and the tax calculator.
    Taxes,
    /// Products and services with variants, taxes, images and stock.
    Products,
    /// Stock per point of sale, movements, transfers and the kardex.
    Inventory,
    /// Sales invoices: lifecycle, payments, credit notes, PDF and email.
    Invoices,
    /// DIAN numbering ranges of the points of sale.
    Numbering,
    /// Sales reports.
    SalesReports,
}

/// Every API of the service.
pub type Apis = (
    system::SystemApi,
    auth::AuthApi,
    account::AccountApi,
    members::MembersApi,
    company::CompanyApi,
    contacts::ContactsApi,
    pdvs::PdvsApi,
    groups::GroupsApi,
    taxes::TaxesApi,
    products::ProductsApi,
    product_parts::ProductPartsApi,
    inventory::InventoryApi,
    invoices::InvoicesApi,
    invoice_docs::InvoiceDocsApi,
    numbering::NumberingApi,
    sales_reports::SalesReportsApi,
);

/// The OpenAPI service over `app`.
pub fn service(app: &App) -> OpenApiService<Apis, ()> {
    let apis = (
        system::SystemApi { app: app.clone() },
        auth::AuthApi { app: app.clone() },
        account::AccountApi { app: app.clone() },
        members::MembersApi { app: app.clone() },
        company::CompanyApi { app: app.clone() },
        contacts::ContactsApi { app: app.clone() },
        pdvs::PdvsApi { app: app.clone() },
        groups::GroupsApi { app: app.clone() },
        taxes::TaxesApi { app: app.clone() },
        products::ProductsApi { app: app.clone() },
        product_parts::ProductPartsApi { app: app.clone() },
        inventory::InventoryApi { app: app.clone() },
        invoices::InvoicesApi { app: app.clone() },
        invoice_docs::InvoiceDocsApi { app: app.clone() },
        numbering::NumberingApi { app: app.clone() },
        sales_reports::SalesReportsApi { app: app.clone() },
    );
    OpenApiService::new(apis, "Ally360 API", "1.0.0")
        .description("Multi-tenant ERP for small businesses. Errors are RFC 9457 problem+json with a stable `code`.")
}
