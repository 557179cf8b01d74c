//! The PostgreSQL store: sqlx, one real transaction per unit of work, row-level security bound to the
//! tenant of the transaction with a transaction-local setting.

mod catalog;
mod contacts;
mod credentials;
mod errors;
mod identity;
mod outbox;
mod product_rows;
mod products;
mod sales;
mod sales_docs;
mod sales_reports;
mod sales_rows;
mod stock;
mod tenancy;
mod tenant;
mod tx;

pub use tx::PgStore;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;

/// The role the service connects as (created by the first migration).
pub const APP_ROLE: &str = "ally360_app";

/// Applies pending migrations, connecting with `admin_url` (a role that may create tables).
pub async fn migrate(admin_url: &str) -> Result<(), sqlx::Error> {
    let pool = PgPoolOptions::new().max_connections(1).connect(admin_url).await?;
    sqlx::migrate!("../../migrations").run(&pool).await?;
    pool.close().await;
    Ok(())
}

/// A pool that connects lazily, so the service starts (and answers 503) while the database is down.
pub fn lazy_pool(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options))
}

/// The connection options of `url` with the user replaced by the service role.
pub fn as_app_role(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    Ok(PgConnectOptions::from_str(url)?.username(APP_ROLE))
}
