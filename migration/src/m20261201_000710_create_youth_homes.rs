//! 青年之家 and 标志性服务项目 (`supervision.md` §4): the Youth Homes of the townships with their
//! checks, the signature projects, and `youth_home_events` (subjects `home` and `project`).
use sea_orm_migration::{prelude::*, schema::*};

use crate::event_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("youth_homes")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 64))
                    .col(string_len("township_code", 12))
                    .col(string_len_null("village_code", 12))
                    .col(string_len_null("address", 100))
                    .col(string_len("host_kind", 32))
                    .col(date_null("opened_on"))
                    .col(string_len_null("cloud_platform_id", 32))
                    .col(text("photos"))
                    .col(string_len("status", 32))
                    .col(uuid_null("verified_by"))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    .col(timestamp_with_time_zone_null("last_check_at"))
                    .col(uuid("created_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The national platform's id, once per home (409 CLOUD_PLATFORM_ID_TAKEN).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_youth_homes_cloud_platform_id \
             ON youth_homes (cloud_platform_id) WHERE cloud_platform_id IS NOT NULL",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_youth_homes_township_status")
                    .table("youth_homes")
                    .col("township_code")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("youth_home_checks")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("home_id"))
                    .col(uuid("checked_by"))
                    .col(string_len("checked_by_unit_code", 16))
                    .col(date("checked_on"))
                    .col(string_len("result", 32))
                    .col(string_len_null("note", 2000))
                    .col(text("photos"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_youth_home_checks_home")
                    .table("youth_home_checks")
                    .col("home_id")
                    .col("checked_on")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("signature_projects")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("township_code", 12))
                    .col(uuid_null("youth_home_id"))
                    .col(string_len("name", 40))
                    .col(string_len("category", 32))
                    .col(string_len_null("description", 4000))
                    .col(string_len("frequency", 32))
                    .col(date("started_on"))
                    .col(date_null("ended_on"))
                    .col(string_len("status", 32))
                    .col(uuid_null("verified_by"))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    .col(uuid("created_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_signature_projects_township_status")
                    .table("signature_projects")
                    .col("township_code")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        event_table::create(manager, "youth_home_events", true).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "youth_home_events",
            "signature_projects",
            "youth_home_checks",
            "youth_homes",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
