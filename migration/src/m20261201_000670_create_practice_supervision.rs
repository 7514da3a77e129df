//! 返家乡 practice, supervision (issue 12 points 7–8): what the jobs need to act exactly once,
//! and the indexes of the stats, the to-do counts and retention.
//!
//! - `practice_application_digests`: per position, when its supervisors were last told about
//!   new applications (`practice.application_received`, at most once an hour). A conditional
//!   update `WHERE last_sent_at <= now - 1 h` claims the next notice, so two instances (or a
//!   request and the digest job) never both send.
//! - `practice_report_reminders`: one row per placement and due date once `practice.report_due`
//!   went out (primary key `(application_id, due_on)`, inserted `ON CONFLICT DO NOTHING` in the
//!   notice's transaction): reruns and other instances skip it; a later due date (an extension)
//!   gets its own reminder.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_application_digests")
                    .if_not_exists()
                    .col(uuid("position_id").primary_key())
                    .col(timestamp_with_time_zone("last_sent_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practice_report_reminders")
                    .if_not_exists()
                    .col(uuid("application_id"))
                    .col(date("due_on"))
                    .col(timestamp_with_time_zone("sent_at"))
                    .primary_key(Index::create().col("application_id").col("due_on"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // Stats of one campaign by place (the province's roll-up reads one range of it).
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_campaign_region \
             ON practice_applications (campaign_id, region_code)",
            "CREATE INDEX IF NOT EXISTS idx_practice_reports_campaign_region \
             ON practice_reports (campaign_id, region_code)",
            // The reminder job: reports by due date.
            "CREATE INDEX IF NOT EXISTS idx_practice_reports_due \
             ON practice_reports (due_on, status)",
            // Retention: finished applications by end, the student's last end.
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_ended \
             ON practice_applications (status, ended_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in [
            "DROP INDEX IF EXISTS idx_practice_applications_campaign_region",
            "DROP INDEX IF EXISTS idx_practice_reports_campaign_region",
            "DROP INDEX IF EXISTS idx_practice_reports_due",
            "DROP INDEX IF EXISTS idx_practice_applications_ended",
        ] {
            db.execute_unprepared(sql).await?;
        }
        for t in ["practice_report_reminders", "practice_application_digests"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
