//! 返家乡 practice, first part: student profiles, campaigns, host units and their supervisors,
//! and the domain's event log `practice_events` (subjects `campaign`, `host_unit`, …).
//!
//! A host supervisor row is first an invitation (`user_id` null, `invite_code_hash`,
//! `invite_expires_at`), then a binding once accepted. At most one active binding per host and
//! user (partial unique index).
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
                    .table("student_profiles")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("real_name", 64))
                    .col(string_len("gender", 16))
                    .col(date("date_of_birth"))
                    .col(string_len("school_name", 128))
                    .col(string_len("school_province", 64))
                    .col(string_len("major", 64))
                    .col(string_len("degree_level", 16))
                    .col(integer("enrollment_year"))
                    .col(string_len("expected_graduation", 7))
                    .col(string_len("home_region_code", 12))
                    .col(string_len_null("student_number", 64))
                    .col(string_len_null("emergency_contact_name", 64))
                    .col(text_null("emergency_contact_phone_enc"))
                    .col(text_null("id_number_enc"))
                    .col(string_len_null("id_number_index", 128))
                    .col(timestamp_with_time_zone_null("id_number_consent_at"))
                    .col(string_len("consent_version", 16))
                    .col(timestamp_with_time_zone("consent_at"))
                    .col(boolean("verified").default(false))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_student_profiles_user")
                            .from("student_profiles", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practice_campaigns")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 128))
                    .col(string_len("season", 16))
                    .col(integer("year"))
                    .col(string_len("area_unit_code", 16))
                    .col(timestamp_with_time_zone("applications_open_at"))
                    .col(timestamp_with_time_zone("applications_close_at"))
                    .col(date("practice_starts_on"))
                    .col(date("practice_ends_on"))
                    .col(integer("min_days"))
                    .col(integer("offer_valid_hours"))
                    .col(integer("report_due_days"))
                    .col(integer("excellent_cap_permille"))
                    .col(string_len("status", 16))
                    .col(integer("version").default(1))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("host_units")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 128))
                    .col(string_len("kind", 32))
                    .col(string_len("region_code", 12))
                    .col(string_len("address", 256))
                    .col(string_len("contact_name", 64))
                    .col(text("contact_phone_enc"))
                    .col(string_len("status", 16))
                    .col(integer("version").default(1))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_host_units_region")
                            .from("host_units", "region_code")
                            .to("regions", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("host_supervisors")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("host_unit_id"))
                    .col(uuid_null("user_id"))
                    .col(uuid("invited_by"))
                    .col(string_len("invite_code_hash", 64))
                    .col(timestamp_with_time_zone("invite_expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(uuid_null("revoked_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_host_supervisors_host")
                            .from("host_supervisors", "host_unit_id")
                            .to("host_units", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // One profile per user.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_student_profiles_user ON student_profiles (user_id)",
            "CREATE INDEX IF NOT EXISTS idx_student_profiles_home ON student_profiles (home_region_code)",
            "CREATE INDEX IF NOT EXISTS idx_practice_campaigns_area ON practice_campaigns (area_unit_code, status)",
            "CREATE INDEX IF NOT EXISTS idx_host_units_region ON host_units (region_code)",
            // A code is looked up by its hash; each is unique.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_host_supervisors_code ON host_supervisors (invite_code_hash)",
            // One active binding per host and user.
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_host_supervisors_active ON host_supervisors (host_unit_id, user_id) \
             WHERE accepted_at IS NOT NULL AND revoked_at IS NULL",
            "CREATE INDEX IF NOT EXISTS idx_host_supervisors_user ON host_supervisors (user_id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        event_table::create(manager, "practice_events", true).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practice_events",
            "host_supervisors",
            "host_units",
            "practice_campaigns",
            "student_profiles",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
