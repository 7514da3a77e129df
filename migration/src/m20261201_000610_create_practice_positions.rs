//! 返家乡 practice, second part: the positions local-unit cadres offer in a campaign
//! (`practice_positions`). `taken` is the seat counter (offered, confirmed, on duty, completed,
//! certified and dropped placements), moved only by conditional updates.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_positions")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("campaign_id"))
                    .col(uuid("host_unit_id"))
                    .col(string_len("region_code", 12))
                    .col(string_len("title", 64))
                    .col(text("description"))
                    .col(string_len("category", 32))
                    .col(text("majors"))
                    .col(text("degree_levels"))
                    .col(integer("slots"))
                    .col(integer("taken").default(0))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(integer("daily_hours"))
                    .col(string_len("mode", 16))
                    .col(boolean("open_to_city").default(false))
                    .col(big_integer_null("allowance_fen_per_day"))
                    .col(boolean("insurance_by_host").default(false))
                    .col(string_len("status", 16))
                    .col(uuid_null("published_by"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(integer("version").default(1))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_positions_campaign")
                            .from("practice_positions", "campaign_id")
                            .to("practice_campaigns", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_positions_host")
                            .from("practice_positions", "host_unit_id")
                            .to("host_units", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_positions_region")
                            .from("practice_positions", "region_code")
                            .to("regions", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // A student's list: published positions of a campaign in a range of region codes.
            "CREATE INDEX IF NOT EXISTS idx_practice_positions_list \
             ON practice_positions (campaign_id, status, region_code)",
            // Cadre lists by place; a host's positions.
            "CREATE INDEX IF NOT EXISTS idx_practice_positions_region ON practice_positions (region_code)",
            "CREATE INDEX IF NOT EXISTS idx_practice_positions_host ON practice_positions (host_unit_id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table("practice_positions")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
