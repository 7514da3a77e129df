//! The service on the SQLite file of `DATABASE_URL` with `SQLITE_CONNECTIONS` connections (the
//! service itself keeps one), for `bench/sqlite-readers.sh`: on a read-only load, what would
//! parallel WAL readers give the embedded default?
use std::net::TcpListener;

use jiqing::app_state::AppState;
use jiqing::config::Settings;
use jiqing::db;
use jiqing::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    anyhow::ensure!(
        db::is_sqlite(&settings.database_url),
        "DATABASE_URL must name a SQLite file"
    );
    let connections = std::env::var("SQLITE_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut state = AppState::connect(settings.clone()).await?;
    state.db = db::connect_sqlite(&settings.database_url, connections).await?;
    let listener = TcpListener::bind(&settings.bind)?;
    Application::serve(state, listener)?
        .run_until_stopped()
        .await?;
    Ok(())
}
