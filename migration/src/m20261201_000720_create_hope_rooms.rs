//! 希望小屋 (`supervision.md` §6): rooms with counts of beneficiaries only (never a child's
//! identity), and `hope_room_events`.
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
                    .table("hope_rooms")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 40))
                    .col(string_len("host_kind", 32))
                    .col(string_len_null("school_name", 64))
                    .col(uuid_null("youth_home_id"))
                    .col(string_len("region_code", 12))
                    .col(text("features"))
                    .col(integer("beneficiaries_count"))
                    .col(integer("teacher_trainings_count"))
                    .col(string_len("status", 32))
                    .col(uuid("created_by"))
                    .col(uuid_null("accepted_by"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(date_null("completed_on"))
                    .col(text("photos"))
                    .col(boolean("photos_attestation"))
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
                    .name("idx_hope_rooms_region_status")
                    .table("hope_rooms")
                    .col("region_code")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        event_table::create(manager, "hope_room_events", false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["hope_room_events", "hope_rooms"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
