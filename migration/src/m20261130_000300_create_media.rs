//! Uploaded files (photos, PDFs): who uploaded them, for what, and which record they belong to.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("media")
                    .if_not_exists()
                    .col(string_len("key", 64).primary_key())
                    .col(uuid("owner_user_id"))
                    .col(string_len("purpose", 32))
                    .col(string_len("content_type", 64))
                    .col(big_integer("size_bytes"))
                    .col(string_len("sha256", 64))
                    .col(string_len_null("attached_kind", 32))
                    .col(uuid_null("attached_id"))
                    .col(timestamp_with_time_zone_null("attached_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_media_owner")
                            .from("media", "owner_user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_media_attached")
                    .table("media")
                    .col("attached_kind")
                    .col("attached_id")
                    .to_owned(),
            )
            .await?;
        // The cleanup job's question: unattached files older than the grace period.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_media_unattached ON media (created_at) \
                 WHERE attached_id IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("media").if_exists().to_owned())
            .await
    }
}
