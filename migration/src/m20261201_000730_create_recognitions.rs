//! Recognitions (表彰荣誉, `supervision.md` §5): honours of talents — 青年先锋 named by a round,
//! 标兵, other honours recorded with evidence — confirmed by the recording unit's parent unit,
//! feeding the 青年典型 lines; and `recognition_events`.
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
                    .table("recognitions")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("talent_profile_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("level", 16))
                    .col(string_len("title", 60))
                    .col(date("awarded_on"))
                    .col(uuid_null("source_round_id"))
                    .col(text("evidence"))
                    .col(string_len("status", 32))
                    .col(uuid("recorded_by"))
                    .col(string_len("recorded_by_unit_code", 16))
                    .col(uuid_null("confirmed_by"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(uuid_null("revoked_by"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(string_len_null("revoke_reason", 200))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        // The KPI source and a talent's honours: by talent and status.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_recognitions_talent_status")
                    .table("recognitions")
                    .col("talent_profile_id")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        // The confirmation queue: by status and recording unit.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_recognitions_status_unit")
                    .table("recognitions")
                    .col("status")
                    .col("recorded_by_unit_code")
                    .to_owned(),
            )
            .await?;
        // One recognition per round and talent (a naming is never recorded twice); outside
        // honours have no round, and NULLs never clash.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("uq_recognitions_round_talent")
                    .table("recognitions")
                    .col("source_round_id")
                    .col("talent_profile_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        event_table::create(manager, "recognition_events", false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["recognition_events", "recognitions"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
