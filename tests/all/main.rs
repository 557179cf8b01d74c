//! The integration tests: one binary, many modules. Every scenario runs on the memory adapters and,
//! when `ALLY_TEST_DATABASE_URL` is set, again on PostgreSQL (`ALLY_REQUIRE_BACKENDS=1` turns a
//! missing database into a failure instead of a skip).

mod api_auth;
mod api_catalog;
mod api_company;
mod api_contacts;
mod api_inventory;
mod api_invitations;
mod api_invoice_docs;
mod api_invoices;
mod api_members;
mod api_product_images;
mod api_products;
mod api_sessions;
mod api_uploads;
mod catalog_contract;
mod degrade;
mod harness;
mod inventory_concurrency;
mod isolation;
mod isolation_catalog;
mod isolation_sales;
mod join;
mod openapi;
mod ports_contract;
mod query_count;
mod redis;
mod rls;
mod s3;
mod s3_catalog;
mod sales_concurrency;
mod sales_fixture;
mod smtp;
mod store_contract;
