//! The `ally360` binary: `serve` (default), `worker`, `migrate`, `openapi`.

mod config;
mod objects;
mod wiring;

use anyhow::Context;
use config::Config;

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ALLY_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("ALLY_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    if command == "openapi" {
        print!("{}", wiring::openapi_yaml());
        return Ok(());
    }
    init_tracing();
    let config = Config::from_env()?;
    match command.as_str() {
        "serve" => wiring::serve(config).await,
        "worker" => wiring::worker(config).await,
        "migrate" => {
            let url = config.database_admin_url.or(config.database_url).context("DATABASE_URL is not set")?;
            ally360_postgres::migrate(&url).await.context("migrations failed")?;
            tracing::info!("migrations applied");
            Ok(())
        }
        other => anyhow::bail!("unknown command {other}; use serve, worker, migrate or openapi"),
    }
}
