//! Mentoring (创业导师, `mentoring.md`): mentor profiles, mentorship requests, the mentees'
//! counters, mentorships (pairings), guidance records (辅导记录) and `mentoring_events`.
//!
//! Limits are counters moved by conditional updates (`mentor_profiles.active_mentees`,
//! `mentee_counters`) and partial unique indexes, never count-then-insert (conventions §6, §7).
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
                    .table("mentor_profiles")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id").unique_key())
                    .col(string_len("real_name", 20))
                    .col(string_len_null("organisation", 64))
                    .col(string_len_null("title", 64))
                    .col(text("expertise"))
                    .col(text("industries"))
                    .col(text("bio"))
                    .col(string_len("service_unit_code", 16))
                    .col(text("service_modes"))
                    .col(integer("capacity").default(5))
                    .col(integer("active_mentees").default(0))
                    .col(boolean("accepting").default(true))
                    .col(boolean("accepting_consultations").default(true))
                    .col(string_len("status", 16))
                    .col(string_len("consent_version", 16))
                    .col(timestamp_with_time_zone("consent_at"))
                    .col(string_len_null("review_reason", 200))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(integer_null("median_response_hours"))
                    .col(integer("completed_mentorships").default(0))
                    .col(integer("rating_count").default(0))
                    .col(integer("rating_sum").default(0))
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
                    .name("idx_mentor_profiles_status_unit")
                    .table("mentor_profiles")
                    .col("status")
                    .col("service_unit_code")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("mentorship_requests")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid_null("mentee_user_id"))
                    .col(uuid_null("mentor_profile_id"))
                    .col(uuid_null("origin_request_id"))
                    .col(string_len("kind", 16))
                    .col(string_len("topic", 32))
                    .col(text_null("description"))
                    .col(string_len("preferred_mode", 16))
                    .col(string_len("mentee_region_code", 12))
                    .col(string_len("status", 24))
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(timestamp_with_time_zone_null("pending_at"))
                    .col(uuid_null("assigned_by"))
                    .col(timestamp_with_time_zone_null("assigned_at"))
                    .col(timestamp_with_time_zone_null("responded_at"))
                    .col(string_len_null("response_reason_code", 24))
                    .col(string_len_null("response_note", 200))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(string_len_null("idempotency_key", 64))
                    .col(string_len_null("request_hash", 64))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // One open request per mentee and mentor (409 ALREADY_REQUESTED).
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_mentorship_requests_open \
             ON mentorship_requests (mentee_user_id, mentor_profile_id) \
             WHERE status IN ('proposed','pending')",
            // One reassignment per expired or declined request.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_mentorship_requests_origin \
             ON mentorship_requests (origin_request_id)",
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_mentorship_requests_idempotency \
             ON mentorship_requests (idempotency_key, mentee_user_id)",
            "CREATE INDEX IF NOT EXISTS idx_mentorship_requests_mentor_status \
             ON mentorship_requests (mentor_profile_id, status)",
            "CREATE INDEX IF NOT EXISTS idx_mentorship_requests_region_status \
             ON mentorship_requests (mentee_region_code, status)",
            "CREATE INDEX IF NOT EXISTS idx_mentorship_requests_status_expires \
             ON mentorship_requests (status, expires_at)",
            "CREATE INDEX IF NOT EXISTS idx_mentorship_requests_mentee \
             ON mentorship_requests (mentee_user_id, created_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("mentee_counters")
                    .if_not_exists()
                    .col(uuid("user_id").primary_key())
                    .col(integer("open_requests").default(0))
                    .col(integer("active_long_term").default(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("mentorships")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("request_id").unique_key())
                    .col(uuid("mentor_profile_id"))
                    .col(uuid_null("mentee_user_id"))
                    .col(string_len("mentee_region_code", 12))
                    .col(string_len("kind", 16))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(date("planned_end_on"))
                    .col(boolean("extended").default(false))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(string_len_null("ended_by_kind", 16))
                    .col(string_len_null("end_reason", 200))
                    .col(text_null("mentor_summary"))
                    .col(integer("records_count").default(0))
                    .col(integer("counted_records").default(0))
                    .col(integer_null("mentee_rating"))
                    .col(string_len_null("mentee_comment", 200))
                    .col(timestamp_with_time_zone_null("rated_at"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .to_owned(),
            )
            .await?;
        for sql in [
            // One active pair per mentor and mentee, of either kind (409 ALREADY_PAIRED).
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_mentorships_active_pair \
             ON mentorships (mentor_profile_id, mentee_user_id) WHERE status = 'active'",
            "CREATE INDEX IF NOT EXISTS idx_mentorships_mentor_status \
             ON mentorships (mentor_profile_id, status)",
            "CREATE INDEX IF NOT EXISTS idx_mentorships_region_status \
             ON mentorships (mentee_region_code, status)",
            "CREATE INDEX IF NOT EXISTS idx_mentorships_mentee_status \
             ON mentorships (mentee_user_id, status)",
            "CREATE INDEX IF NOT EXISTS idx_mentorships_status_planned_end \
             ON mentorships (status, planned_end_on)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("mentoring_records")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("mentorship_id"))
                    .col(uuid("mentor_user_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("mode", 16))
                    .col(integer("minutes"))
                    .col(text_null("summary"))
                    .col(text("photos"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("confirm_due_at"))
                    .col(string_len_null("dispute_note", 200))
                    .col(uuid_null("settled_by"))
                    .col(string_len_null("settle_note", 200))
                    .col(string_len_null("idempotency_key", 64))
                    .col(string_len_null("request_hash", 64))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for sql in [
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_mentoring_records_idempotency \
             ON mentoring_records (idempotency_key, mentor_user_id)",
            "CREATE INDEX IF NOT EXISTS idx_mentoring_records_mentorship \
             ON mentoring_records (mentorship_id, occurred_at)",
            "CREATE INDEX IF NOT EXISTS idx_mentoring_records_status_due \
             ON mentoring_records (status, confirm_due_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        event_table::create(manager, "mentoring_events", true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "mentoring_events",
            "mentoring_records",
            "mentorships",
            "mentee_counters",
            "mentorship_requests",
            "mentor_profiles",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
