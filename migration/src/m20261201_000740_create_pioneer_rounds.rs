//! 乡村振兴青年先锋 selection (`supervision.md` §5): rounds, nominations, objections, the
//! per-round objection counters (conventions §6) and `pioneer_events` (subjects `round`,
//! `nomination`).
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
                    .table("pioneer_rounds")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 60))
                    .col(string_len("area_unit_code", 16))
                    .col(string_len("level", 16))
                    .col(text("categories"))
                    .col(integer("age_min"))
                    .col(integer("age_max"))
                    .col(integer("min_years_in_field"))
                    .col(timestamp_with_time_zone("nominations_open_at"))
                    .col(timestamp_with_time_zone("nominations_close_at"))
                    .col(integer("publicity_days"))
                    .col(integer("quota"))
                    .col(integer("named_count").default(0))
                    .col(string_len("status", 16))
                    .col(uuid("created_by"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("pioneer_nominations")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("round_id"))
                    .col(uuid("talent_profile_id"))
                    .col(uuid("user_id"))
                    .col(string_len("region_code", 12))
                    .col(string_len("category", 32))
                    .col(string_len("nominated_by_kind", 16))
                    .col(uuid("nominated_by"))
                    .col(text("story"))
                    .col(text("achievements"))
                    .col(integer("years_in_field"))
                    .col(text("media"))
                    .col(boolean("publicity_consent").default(false))
                    .col(integer("open_objections").default(0))
                    .col(string_len("status", 32))
                    .col(string_len_null("reason", 500))
                    .col(timestamp_with_time_zone_null("publicity_ends_at"))
                    .col(timestamp_with_time_zone_null("named_at"))
                    .col(uuid_null("recognition_id"))
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
                    .name("uq_pioneer_nominations_round_talent")
                    .table("pioneer_nominations")
                    .col("round_id")
                    .col("talent_profile_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_pioneer_nominations_region_status")
                    .table("pioneer_nominations")
                    .col("region_code")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_pioneer_nominations_user")
                    .table("pioneer_nominations")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("pioneer_objections")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("nomination_id"))
                    .col(uuid("round_id"))
                    .col(uuid_null("user_id"))
                    .col(text_null("reason"))
                    .col(string_len("status", 16))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(string_len_null("review_note", 500))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // One open objection per user and nomination (conventions §7).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_pioneer_objections_open \
             ON pioneer_objections (nomination_id, user_id) WHERE status = 'open'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_pioneer_objections_round_status \
             ON pioneer_objections (round_id, status)",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("pioneer_objection_counters")
                    .if_not_exists()
                    .col(uuid("round_id"))
                    .col(uuid("user_id"))
                    .col(integer("filed").default(0))
                    .primary_key(Index::create().col("round_id").col("user_id"))
                    .to_owned(),
            )
            .await?;
        event_table::create(manager, "pioneer_events", true).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "pioneer_events",
            "pioneer_objection_counters",
            "pioneer_objections",
            "pioneer_nominations",
            "pioneer_rounds",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
