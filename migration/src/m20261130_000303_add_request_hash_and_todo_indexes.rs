//! Volunteer reports keep the hash of the request that created them (idempotent retries), and the
//! talent review queue gets an index for the staff to-do count.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("volunteer_reports")
                    .add_column(string_len_null("request_hash", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_talent_status_region")
                    .table("talent_profiles")
                    .col("status")
                    .col("home_region_code")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_talent_status_region")
                    .table("talent_profiles")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("volunteer_reports")
                    .drop_column("request_hash")
                    .to_owned(),
            )
            .await
    }
}
