//! Identity: partner banks, users (WeChat youth and password staff), login sessions and refresh tokens.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("banks")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("name", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len_null("openid", 64).unique_key())
                    .col(string_len_null("unionid", 64))
                    .col(text_null("session_key_enc"))
                    .col(string_len_null("username", 64).unique_key())
                    .col(string_len_null("password_hash", 255))
                    .col(string_len("display_name", 64))
                    .col(text_null("phone_enc"))
                    .col(string_len_null("phone_index", 64))
                    .col(boolean("is_student").default(false))
                    .col(boolean("is_mentor").default(false))
                    .col(string_len_null("staff_role", 16))
                    .col(string_len_null("cadre_level", 16))
                    .col(string_len_null("region_code", 12))
                    .col(uuid_null("bank_id"))
                    .col(boolean("disabled").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_region")
                            .from("users", "region_code")
                            .to("regions", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_bank")
                            .from("users", "bank_id")
                            .to("banks", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_users_phone_index")
                    .table("users")
                    .col("phone_index")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("auth_sessions")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("method", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(string_len_null("revoked_reason", 32))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from("auth_sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .if_not_exists()
                    .col(string_len("token_hash", 64).primary_key())
                    .col(uuid("session_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_session")
                            .from("refresh_tokens", "session_id")
                            .to("auth_sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_refresh_tokens_session")
                    .table("refresh_tokens")
                    .col("session_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["refresh_tokens", "auth_sessions", "users", "banks"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
