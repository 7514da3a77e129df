//! Youth organisations (省、市、县三级青年创业组织体系 and other youth organisations) and the
//! mentors assigned to them (`mentoring.md`). Verification is four-eyes (parent unit, ≠ creator).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("youth_organisations")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("name", 64))
                    .col(string_len("kind", 32))
                    .col(string_len("level", 16))
                    .col(string_len("unit_code", 16))
                    .col(string_len_null("township_code", 12))
                    .col(boolean("league_affiliated"))
                    .col(string_len_null("registration_no", 18))
                    .col(date_null("founded_on"))
                    .col(integer_null("members_count"))
                    .col(string_len("status", 16))
                    .col(date_null("dissolved_on"))
                    .col(string_len_null("dissolve_reason", 200))
                    .col(uuid_null("verified_by"))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    .col(uuid("created_by"))
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
                    .name("idx_youth_organisations_unit_status")
                    .table("youth_organisations")
                    .col("unit_code")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("org_mentor_assignments")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("org_id"))
                    .col(uuid("mentor_profile_id"))
                    .col(uuid("assigned_by"))
                    .col(timestamp_with_time_zone("assigned_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(string_len_null("ended_by_kind", 16))
                    .col(string_len_null("end_reason", 200))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // One active assignment per organisation and mentor (409 ALREADY_ASSIGNED).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_org_mentor_assignments_active \
             ON org_mentor_assignments (org_id, mentor_profile_id) WHERE ended_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_org_mentor_assignments_mentor \
             ON org_mentor_assignments (mentor_profile_id) WHERE ended_at IS NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["org_mentor_assignments", "youth_organisations"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
