//! Daily jobs record each China date they finished, so they run once a day across instances.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("job_runs")
                    .if_not_exists()
                    .col(string_len("job", 64))
                    .col(date("run_on"))
                    .col(timestamp_with_time_zone("finished_at"))
                    .primary_key(Index::create().col("job").col("run_on"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("job_runs").if_exists().to_owned())
            .await
    }
}
