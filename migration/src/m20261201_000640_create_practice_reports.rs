//! 返家乡 practice, fifth part: the student's practice report (实践报告).
//!
//! `practice_reports`: one per placement (unique `application_id`), written by the student
//! (draft → submitted until `due_on` 23:59:59 China), reviewed by the local unit (accepted or
//! returned with a reason); `due_on` = the position's `ends_on` + the campaign's
//! `report_due_days`, moved later by a cadre. Photos are media keys (`practice_report`), the
//! keys kept as a JSON array. Events: subject `report` in `practice_events`.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_reports")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id").unique_key())
                    .col(uuid("student_user_id"))
                    .col(uuid("campaign_id"))
                    // The position's place (the cadres' guard and to-do lists).
                    .col(string_len("region_code", 12))
                    .col(string_len_null("topic", 32))
                    .col(string_len_null("title", 80))
                    .col(text_null("body"))
                    .col(text("photos"))
                    .col(string_len("status", 16))
                    .col(date("due_on"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(text_null("review_reason"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_reports_application")
                            .from("practice_reports", "application_id")
                            .to("practice_applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                // The reports to review, by place.
                "CREATE INDEX IF NOT EXISTS idx_practice_reports_region \
                 ON practice_reports (region_code, status)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table("practice_reports")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
