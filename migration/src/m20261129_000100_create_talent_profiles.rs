//! The talent pool (青年人才库): one profile per youth, personal data encrypted, ID unique by blind index.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("talent_profiles")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid_uniq("user_id"))
                    .col(string_len("real_name", 32))
                    .col(string_len("gender", 16))
                    .col(date("date_of_birth"))
                    .col(text("phone_enc"))
                    .col(string_len("phone_index", 64))
                    .col(text("id_number_enc"))
                    .col(string_len_uniq("id_number_index", 64))
                    .col(string_len("home_region_code", 12))
                    .col(string_len("education", 32))
                    .col(text("industries"))
                    .col(text("categories"))
                    .col(string_len_null("business_name", 64))
                    .col(string_len_null("business_type", 32))
                    .col(string_len("political_status", 32))
                    .col(text("skills"))
                    .col(text("introduction"))
                    .col(string_len("status", 16))
                    .col(integer("version").default(1))
                    .col(text_null("review_reason"))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(string_len("consent_version", 16))
                    .col(timestamp_with_time_zone("consent_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_talent_user")
                            .from("talent_profiles", "user_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_talent_region")
                            .from("talent_profiles", "home_region_code")
                            .to("regions", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_talent_region", "home_region_code"),
            ("idx_talent_status", "status"),
            ("idx_talent_phone_index", "phone_index"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table("talent_profiles")
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("talent_profiles").to_owned())
            .await
    }
}
