//! 返家乡 practice, sixth part: the closing of a placement (evaluation and certificate).
//!
//! - `practice_evaluations`: one per placement (unique `application_id`), the host's or a
//!   local-unit cadre's grade (优秀/良好/合格/不合格) and comment, changeable until the
//!   certificate exists. `unit_code` is the local unit whose 优秀 quota
//!   (`practice_grade_quota.excellent`) the grade counts in, kept so a regrade releases the
//!   place it took.
//! - `practice_certificates`: at most one per placement (unique `application_id`, so two
//!   cadres issuing at once get one certificate), a public `number` (`JQFX-<year>-<8 random
//!   characters>`, unique) and a snapshot of what it certifies, the name only masked (张**).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("practice_evaluations")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id").unique_key())
                    .col(uuid("campaign_id"))
                    .col(string_len("unit_code", 16))
                    .col(string_len("grade", 16))
                    // Cleared by retention.
                    .col(text_null("comment"))
                    .col(uuid("evaluated_by"))
                    .col(string_len("evaluated_by_kind", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_evaluations_application")
                            .from("practice_evaluations", "application_id")
                            .to("practice_applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practice_certificates")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id").unique_key())
                    .col(string_len("number", 32).unique_key())
                    .col(uuid("student_user_id"))
                    .col(uuid("campaign_id"))
                    .col(string_len("region_code", 12))
                    // The snapshot: never the full name.
                    .col(string_len("holder_name", 64))
                    .col(string_len_null("school_name", 64))
                    .col(string_len_null("host_name", 64))
                    .col(string_len_null("position_title", 64))
                    .col(string_len("campaign_name", 128))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(integer("days_confirmed"))
                    .col(string_len("grade", 16))
                    .col(string_len("issuer_name", 128))
                    .col(uuid("issued_by"))
                    .col(string_len("issued_by_unit_code", 16))
                    .col(timestamp_with_time_zone("issued_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_practice_certificates_application")
                            .from("practice_certificates", "application_id")
                            .to("practice_applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                // A student's own certificates.
                "CREATE INDEX IF NOT EXISTS idx_practice_certificates_student \
                 ON practice_certificates (student_user_id, issued_at)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["practice_certificates", "practice_evaluations"] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
