//! Database connection for both backends, and the migrations.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Connections a PostgreSQL pool opens at most unless told otherwise (`JIQING_DB_POOL_SIZE`).
pub const DEFAULT_POOL_SIZE: u32 = 32;

/// `work_mem` each PostgreSQL connection asks for unless told otherwise (`JIQING_DB_WORK_MEM`).
pub const DEFAULT_WORK_MEM: &str = "32MB";

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, DEFAULT_POOL_SIZE, Some(DEFAULT_WORK_MEM)).await
}

/// [`connect`] with a PostgreSQL pool of at most `pool_size` connections (SQLite keeps its one)
/// whose sessions use `work_mem` (`None`: the server's own setting).
pub async fn connect_with(
    url: &str,
    pool_size: u32,
    work_mem: Option<&str>,
) -> anyhow::Result<DatabaseConnection> {
    if is_sqlite(url) {
        return connect_sqlite(url, 1).await;
    }
    let mut opt = options(url);
    opt.max_connections(pool_size.max(1)).min_connections(1);
    // The KPI report sums the volunteer ledger by village and category (80,000 groups at
    // 1,000,000 records): at PostgreSQL's default 4 MB the aggregate spills to disk, and that
    // one line was half of a cold province report (bench/kpi.sh, BENCHMARKS.md).
    if let Some(work_mem) = work_mem.map(str::to_owned) {
        opt.map_sqlx_postgres_opts(move |o| o.options([("work_mem", work_mem.clone())]));
    }
    Ok(Database::connect(opt).await?)
}

/// A SQLite database in WAL mode with `connections` connections. The service uses one:
/// SQLite allows one writer at a time, and a single connection makes every transaction serial
/// instead of failing with SQLITE_BUSY when a reader upgrades to a writer. More are only for
/// `bench/sqlite-readers.sh`, which measures what parallel readers would give on a read-only
/// load. The connections are kept open for the life of the process (an in-memory database
/// lives in its connection).
pub async fn connect_sqlite(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut opt = options(url);
    opt.max_connections(connections.max(1))
        .min_connections(connections.max(1))
        .idle_timeout(None::<Duration>)
        .max_lifetime(None::<Duration>)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Ok(Database::connect(opt).await?)
}

fn options(url: &str) -> ConnectOptions {
    let mut opt = ConnectOptions::new(url.to_owned());
    opt.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    opt
}

/// Apply every pending migration; applying twice is a no-op.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}
