//! Separate consents to give a youth's data to a named recipient outside the league (PIPL Art. 23).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys to the subjects: the record of a consent outlives what it was for.
        manager
            .create_table(
                Table::create()
                    .table("sharing_consents")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("purpose", 32))
                    .col(string_len("recipient_kind", 16))
                    .col(uuid_null("recipient_id"))
                    .col(string_len_null("recipient_name", 128))
                    .col(string_len("subject_kind", 32))
                    .col(uuid_null("subject_id"))
                    .col(string_len("consent_version", 16))
                    .col(timestamp_with_time_zone("granted_at"))
                    .col(timestamp_with_time_zone_null("withdrawn_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sharing_consent_user")
                            .from("sharing_consents", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_sharing_consents_user", ["user_id", "granted_at"]),
            (
                "idx_sharing_consents_subject",
                ["subject_kind", "subject_id"],
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table("sharing_consents")
                        .col(cols[0])
                        .col(cols[1])
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table("sharing_consents")
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
