//! 返家乡 practice, fourth part: attendance (在岗考勤).
//!
//! `practice_attendance`: one row per placement and China day (unique → a second check-in the
//! same day is 409 `ALREADY_CHECKED_IN`, also under a race). A row comes from the student's
//! check-in with the host's rotating code (`source = code`, the nonces unique per placement so
//! a retry returns the first answer) or from the host's or cadre's confirmation of a missing
//! day (`source = manual`, `confirmed_by` and `reason` set).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_attendance")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id"))
                    .col(date("day"))
                    .col(timestamp_with_time_zone_null("check_in_at"))
                    .col(string_len_null("check_in_nonce", 64))
                    .col(timestamp_with_time_zone_null("check_out_at"))
                    .col(string_len_null("check_out_nonce", 64))
                    .col(integer_null("minutes"))
                    .col(string_len("source", 8))
                    .col(uuid_null("confirmed_by"))
                    .col(string_len_null("confirmed_by_kind", 16))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(text_null("reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_attendance_application")
                            .from("practice_attendance", "application_id")
                            .to("practice_applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // Once per placement and China day.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_attendance_day \
             ON practice_attendance (application_id, day)",
            // A nonce answers one check-in (or check-out) only: a retry gets the first answer.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_attendance_in_nonce \
             ON practice_attendance (application_id, check_in_nonce)",
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_attendance_out_nonce \
             ON practice_attendance (application_id, check_out_nonce)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table("practice_attendance")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
