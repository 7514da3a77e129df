//! Saving a talent profile with an ID number someone else registered answers 409, which tells
//! the caller the number is in the pool. Each such conflict is recorded for the province, and a
//! per-user daily counter limits how often anyone can ask.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: the record outlives a withdrawn (deleted) profile.
        manager
            .create_table(
                Table::create()
                    .table("id_number_conflicts")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("home_region_code", 12))
                    .col(uuid("holder_profile_id"))
                    .col(string_len("holder_region_code", 12))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_id_number_conflicts_created")
                    .table("id_number_conflicts")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("id_number_conflict_days")
                    .if_not_exists()
                    .col(uuid("user_id"))
                    .col(date("day"))
                    .col(integer("conflicts").default(0))
                    .primary_key(Index::create().col("user_id").col("day"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["id_number_conflict_days", "id_number_conflicts"] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
