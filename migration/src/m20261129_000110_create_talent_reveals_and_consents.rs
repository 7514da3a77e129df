//! Accountability for the talent pool: every reveal of a full ID number or phone (who, whose, when,
//! why), and every grant or withdrawal of the separate consent for sensitive personal information.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key to talent_profiles: the log outlives a withdrawn (deleted) profile.
        manager
            .create_table(
                Table::create()
                    .table("talent_reveals")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("cadre_id"))
                    .col(uuid("profile_id"))
                    .col(uuid("subject_user_id"))
                    .col(string_len("subject_region_code", 12))
                    .col(text("reason"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_talent_reveal_cadre")
                            .from("talent_reveals", "cadre_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("talent_consents")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("action", 16))
                    .col(string_len("version", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_talent_consent_user")
                            .from("talent_consents", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            ("idx_talent_reveals_created", "talent_reveals", "created_at"),
            ("idx_talent_consents_user", "talent_consents", "user_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table(table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["talent_consents", "talent_reveals"] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
