//! Staff accounts (cadres, bank officers) are a few hundred among the 100,000s of youth in
//! `users`. Every notice to "the unit's cadres" (`staff::accounts::cadres_of_unit`: a lapsed loan
//! offer, a digest, a to-do) asked for them by unit *or* by region code, which no index served:
//! a scan of every user, 44 ms at 100,000 users, once per lapsed offer in the loan sweep
//! (`bench/loans.sh`). A partial index over the staff alone answers it in 0.04 ms.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Partial indexes are the same statement on PostgreSQL and SQLite.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_users_staff ON users (staff_role) \
                 WHERE staff_role IS NOT NULL",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_users_staff")
            .await
            .map(|_| ())
    }
}
