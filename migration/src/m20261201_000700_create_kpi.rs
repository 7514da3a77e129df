//! Supervision (督导考核, `supervision.md` §3): KPI targets set by a unit for the units below,
//! daily snapshots of every indicator per league unit, manual reports (DHIS2-style approval =
//! lock) with their `kpi_events`, and the province's region flags.
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
                    .table("kpi_targets")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("indicator_code", 48))
                    .col(string_len("area_unit_code", 16))
                    .col(date("due_on"))
                    .col(big_integer("value"))
                    .col(string_len_null("note", 800))
                    .col(uuid("set_by"))
                    .col(string_len("set_by_unit_code", 16))
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
                    .name("uq_kpi_targets_indicator_area_due")
                    .table("kpi_targets")
                    .col("indicator_code")
                    .col("area_unit_code")
                    .col("due_on")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("kpi_snapshots")
                    .if_not_exists()
                    .col(string_len("indicator_code", 48))
                    .col(string_len("area_code", 16))
                    .col(date("as_of"))
                    .col(big_integer_null("numerator"))
                    .col(big_integer_null("denominator"))
                    .col(big_integer_null("value"))
                    .col(big_integer_null("target_value"))
                    .col(date_null("target_due_on"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("computed_at"))
                    .primary_key(
                        Index::create()
                            .col("indicator_code")
                            .col("area_code")
                            .col("as_of"),
                    )
                    .to_owned(),
            )
            .await?;
        // Retention sweeps and "the latest snapshot on or before a date" of one area.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_kpi_snapshots_area_as_of")
                    .table("kpi_snapshots")
                    .col("area_code")
                    .col("as_of")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("kpi_manual_reports")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("indicator_code", 48))
                    .col(string_len("area_unit_code", 16))
                    .col(string_len("period", 8))
                    .col(date("period_end"))
                    .col(text("values_json"))
                    .col(string_len_null("evidence", 4000))
                    .col(text("evidence_media"))
                    .col(string_len("status", 16))
                    .col(uuid("submitted_by"))
                    .col(uuid_null("approved_by"))
                    .col(uuid_null("accepted_by"))
                    .col(string_len_null("reason", 800))
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
                    .name("uq_kpi_manual_reports_indicator_area_period")
                    .table("kpi_manual_reports")
                    .col("indicator_code")
                    .col("area_unit_code")
                    .col("period")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_kpi_manual_reports_status")
                    .table("kpi_manual_reports")
                    .col("status")
                    .col("area_unit_code")
                    .to_owned(),
            )
            .await?;
        event_table::create(manager, "kpi_events", false).await?;

        manager
            .create_table(
                Table::create()
                    .table("region_flags")
                    .if_not_exists()
                    .col(string_len("region_code", 12))
                    .col(string_len("flag", 32))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("region_code").col("flag"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "region_flags",
            "kpi_events",
            "kpi_manual_reports",
            "kpi_snapshots",
            "kpi_targets",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
