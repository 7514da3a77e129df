//! Database connection for both backends, and the migrations.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Connections a PostgreSQL pool opens at most unless told otherwise (`JIQING_DB_POOL_SIZE`).
pub const DEFAULT_POOL_SIZE: u32 = 32;

/// SQLite connections unless told otherwise (`JIQING_SQLITE_CONNECTIONS`): one writer at a time
/// and readers beside it (WAL). On two cores `bench/sqlite-readers.sh` measured four at 1.7-2.1x
/// the reads of one, and 2.1x the profile saves made beside 48 readers (BENCHMARKS.md).
pub const DEFAULT_SQLITE_CONNECTIONS: u32 = 4;

/// `work_mem` each PostgreSQL connection asks for unless told otherwise (`JIQING_DB_WORK_MEM`).
pub const DEFAULT_WORK_MEM: &str = "32MB";

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, DEFAULT_POOL_SIZE, Some(DEFAULT_WORK_MEM)).await
}

/// [`connect`] with a pool of at most `pool_size` connections (PostgreSQL) or exactly
/// `pool_size` (SQLite; an in-memory database keeps one, as it lives in its connection) whose
/// PostgreSQL sessions use `work_mem` (`None`: the server's own setting).
pub async fn connect_with(
    url: &str,
    pool_size: u32,
    work_mem: Option<&str>,
) -> anyhow::Result<DatabaseConnection> {
    if is_sqlite(url) {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        return connect_sqlite(url, if in_memory { 1 } else { pool_size }).await;
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

/// A SQLite database in WAL mode with `connections` connections: statements outside a transaction
/// and reads run side by side; SQLite lets one of them write at a time, and the others wait for
/// it (`busy_timeout`). Every transaction begins with the write lock ([`begin`]), so none fails
/// with SQLITE_BUSY by upgrading from reader to writer beside another writer. The connections are
/// kept open for the life of the process (an in-memory database lives in its connection).
pub async fn connect_sqlite(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    let connections = connections.max(1);
    if connections > 1 {
        // Switching a new file to WAL takes an exclusive lock that does not wait for others:
        // connections opened side by side would fail with "database is locked". One connection
        // switches it first (the mode is kept in the file); the pool's then find it done.
        sqlite_pool(url, 1).await?.close().await?;
    }
    sqlite_pool(url, connections).await
}

async fn sqlite_pool(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut opt = options(url);
    opt.max_connections(connections)
        .min_connections(connections)
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

/// Begin a transaction. Every transaction of the service begins here, not with
/// `TransactionTrait::begin`: on SQLite it takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`),
/// waiting up to `busy_timeout` for another writer. A deferred transaction that reads first and
/// writes later would fail at once with SQLITE_BUSY when another connection wrote in between, a
/// wait `busy_timeout` cannot cover. PostgreSQL ignores the mode.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
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
