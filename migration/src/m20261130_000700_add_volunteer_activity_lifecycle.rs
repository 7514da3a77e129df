//! Volunteer activities get a lifecycle (`published → cancelled`, with `version` and events in
//! `volunteer_events`, kind `activity`), a stated eligibility (`unit_code` of the organising
//! unit, `open_to_all`), and sign-ups a status, so a cancelled activity's sign-ups end instead
//! of disappearing.
//!
//! Existing activities stay published at version 1, open only to youth of their organiser's
//! league unit (their region where they have none); existing sign-ups stay active.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        let activity_columns = [
            string_len("status", 16).default("published").to_owned(),
            integer("version").default(1).to_owned(),
            boolean("open_to_all").default(false).to_owned(),
            string_len_null("unit_code", 16).to_owned(),
            text_null("cancel_reason").to_owned(),
        ];
        for column in activity_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("volunteer_activities")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("volunteer_signups")
                    .add_column(string_len("status", 24).default("active"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE volunteer_activities SET unit_code = \
                 (SELECT COALESCE(lu.code, u.region_code) FROM users u \
                  LEFT JOIN league_units lu ON lu.id = u.league_unit_id \
                  WHERE u.id = volunteer_activities.organiser_id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_volunteer_activities_status_starts")
                    .table("volunteer_activities")
                    .col("status")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .if_exists()
                    .name("idx_volunteer_activities_status_starts")
                    .table("volunteer_activities")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("volunteer_signups")
                    .drop_column("status")
                    .to_owned(),
            )
            .await?;
        for column in [
            "cancel_reason",
            "unit_code",
            "open_to_all",
            "version",
            "status",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("volunteer_activities")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
