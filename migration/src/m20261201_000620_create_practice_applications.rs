//! 返家乡 practice, third part: applications and selection (双向选择).
//!
//! - `practice_applications`: one per student and position (unique → 409 `ALREADY_APPLIED`),
//!   the application machine's status and version, the decision, and the copies of the
//!   position's campaign, host and place that the guards and lists filter on.
//! - `practice_student_campaigns`: the per-student, per-campaign guard (conventions §6): the
//!   open-applications counter (submitted + offered) and the one placement, set by a
//!   conditional update `WHERE placed_application_id IS NULL`. A partial unique index on the
//!   applications (one placed application per student and campaign) backs it up.
//! - `practice_grade_quota`: placements that went on duty per campaign and local unit, and the
//!   优秀 grades given, for the 优秀 cap.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_applications")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("position_id"))
                    .col(uuid("campaign_id"))
                    .col(uuid("host_unit_id"))
                    .col(uuid("student_user_id"))
                    // The position's place (region guard of cadre lists).
                    .col(string_len("region_code", 12))
                    // The student's 生源地 at the time of applying (stats by home county).
                    .col(string_len("home_region_code", 12))
                    .col(text_null("motivation"))
                    .col(date_null("available_from"))
                    .col(date_null("available_to"))
                    .col(string_len("status", 24))
                    .col(timestamp_with_time_zone_null("offer_expires_at"))
                    .col(uuid_null("decided_by"))
                    .col(string_len_null("decided_by_kind", 16))
                    .col(text_null("decision_reason"))
                    .col(timestamp_with_time_zone_null("offered_at"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(timestamp_with_time_zone_null("started_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(text_null("dropped_reason"))
                    .col(string_len_null("idempotency_key", 64))
                    .col(string_len_null("request_hash", 64))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_applications_position")
                            .from("practice_applications", "position_id")
                            .to("practice_positions", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practice_student_campaigns")
                    .if_not_exists()
                    .col(uuid("student_user_id"))
                    .col(uuid("campaign_id"))
                    .col(integer("open_applications").default(0))
                    .col(uuid_null("placed_application_id"))
                    .primary_key(Index::create().col("student_user_id").col("campaign_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practice_grade_quota")
                    .if_not_exists()
                    .col(uuid("campaign_id"))
                    .col(string_len("unit_code", 16))
                    .col(integer("placed").default(0))
                    .col(integer("excellent").default(0))
                    .primary_key(Index::create().col("campaign_id").col("unit_code"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // One application per student and position (409 ALREADY_APPLIED).
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_applications_position_student \
             ON practice_applications (position_id, student_user_id)",
            // Idempotency-Key, unique per student.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_applications_key \
             ON practice_applications (student_user_id, idempotency_key)",
            // One placement per student and campaign (409 ALREADY_PLACED); the guard row is the
            // first line, this index the second.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_practice_applications_placed \
             ON practice_applications (campaign_id, student_user_id) \
             WHERE status IN ('confirmed', 'on_duty', 'completed', 'certified', 'dropped')",
            // A host's applicant list; counts per position and status.
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_position \
             ON practice_applications (position_id, status)",
            // Cadre lists by place.
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_region \
             ON practice_applications (region_code, status)",
            // The lapse sweep.
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_offer \
             ON practice_applications (status, offer_expires_at)",
            // The student's own list.
            "CREATE INDEX IF NOT EXISTS idx_practice_applications_student \
             ON practice_applications (student_user_id, created_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practice_grade_quota",
            "practice_student_campaigns",
            "practice_applications",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
