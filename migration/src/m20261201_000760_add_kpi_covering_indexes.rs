//! Indexes that hold every column the KPI report's province-wide counts read, so PostgreSQL
//! answers them from the index alone instead of reading the wide rows (a talent profile carries
//! its encrypted ID number and phone, a loan application its whole file): on the benchmark data a
//! cold province report read 46 MB of talent profiles five times over and 129 MB of loan
//! applications.
//!
//! - talents by status and home, with the categories, user and id the lines read (replaces
//!   `idx_talent_status_region`, whose columns it starts with);
//! - talents by home with their id (the recognitions' join; replaces `idx_talent_region`);
//! - loans paid out, by disbursement date, with home and purpose;
//! - 返家乡 placements, by confirmation time, with home and position.
//!
//! SQLite has no `INCLUDE`: there the extra columns end the index key, which covers as well.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, key columns, covered columns, partial condition)
const INDEXES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "idx_talent_status_region_cover",
        "talent_profiles",
        "status, home_region_code",
        "categories, user_id, id",
        "",
    ),
    (
        "idx_talent_region_id",
        "talent_profiles",
        "home_region_code",
        "id",
        "",
    ),
    (
        "idx_loan_applications_disbursed",
        "loan_applications",
        "disbursed_on",
        "region_code, purpose",
        "disbursed_on IS NOT NULL",
    ),
    (
        "idx_practice_applications_confirmed",
        "practice_applications",
        "confirmed_at",
        "region_code, position_id",
        "confirmed_at IS NOT NULL",
    ),
];

/// The indexes these replace, and how to make them again on the way down.
const REPLACED: &[(&str, &str)] = &[
    (
        "idx_talent_status_region",
        "talent_profiles (status, home_region_code)",
    ),
    ("idx_talent_region", "talent_profiles (home_region_code)"),
];

fn create(backend: DatabaseBackend) -> Vec<String> {
    INDEXES
        .iter()
        .map(|(name, table, key, covered, partial)| {
            let columns = match backend {
                DatabaseBackend::Postgres => format!("({key}) INCLUDE ({covered})"),
                _ => format!("({key}, {covered})"),
            };
            let partial = if partial.is_empty() {
                String::new()
            } else {
                format!(" WHERE {partial}")
            };
            format!("CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}{partial}")
        })
        .chain(
            REPLACED
                .iter()
                .map(|(name, _)| format!("DROP INDEX IF EXISTS {name}")),
        )
        .collect()
}

fn drop() -> Vec<String> {
    REPLACED
        .iter()
        .map(|(name, on)| format!("CREATE INDEX IF NOT EXISTS {name} ON {on}"))
        .chain(
            INDEXES
                .iter()
                .map(|(name, ..)| format!("DROP INDEX IF EXISTS {name}")),
        )
        .collect()
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_connection().get_database_backend();
        run(manager, create(backend)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, drop()).await
    }
}
