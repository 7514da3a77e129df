//! Trainings and their enrollments (seats, waiting list, offers, check-in, completion).
//!
//! `trainings.taken` counts the seats held (enrolled + offered) and only moves by conditional
//! updates; `trainings.waitlist_seq` hands out waiting-list numbers, so positions are consistent
//! however many sign-ups arrive at once.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("trainings")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("title", 64))
                    .col(string_len("category", 32))
                    .col(text("description"))
                    .col(string_len("region_code", 12))
                    .col(string_len_null("venue", 128))
                    .col(string_len_null("online_url", 256))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(timestamp_with_time_zone("signup_deadline"))
                    .col(integer("capacity"))
                    .col(integer("taken").default(0))
                    .col(integer("waitlist_seq").default(0))
                    .col(boolean("requires_verified").default(false))
                    .col(boolean("waitlist_open").default(true))
                    .col(integer("offer_valid_minutes"))
                    .col(string_len("status", 16))
                    .col(text_null("cancel_reason"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainings_region")
                            .from("trainings", "region_code")
                            .to("regions", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainings_creator")
                            .from("trainings", "created_by")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("training_enrollments")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("training_id"))
                    .col(uuid("user_id"))
                    .col(string_len("home_region_code", 12))
                    .col(string_len("status", 24))
                    .col(integer_null("waitlist_seq"))
                    .col(timestamp_with_time_zone_null("offer_expires_at"))
                    .col(timestamp_with_time_zone_null("checked_in_at"))
                    .col(string_len_null("check_in_nonce", 64))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(uuid_null("completed_by"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enrollments_training")
                            .from("training_enrollments", "training_id")
                            .to("trainings", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_enrollments_user")
                            .from("training_enrollments", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, &[&str], bool); 5] = [
            // One enrollment per person and training: a double sign-up is a 409.
            (
                "uq_enrollments_training_user",
                &["training_id", "user_id"],
                true,
            ),
            // A check-in nonce is used once per training: a re-upload is not a second check-in.
            (
                "uq_enrollments_training_nonce",
                &["training_id", "check_in_nonce"],
                true,
            ),
            (
                "idx_enrollments_training_status",
                &["training_id", "status", "waitlist_seq"],
                false,
            ),
            (
                "idx_enrollments_offer_expiry",
                &["status", "offer_expires_at"],
                false,
            ),
            ("idx_enrollments_user", &["user_id", "created_at"], false),
        ];
        for (name, cols, unique) in indexes {
            let mut index = Index::create();
            index
                .if_not_exists()
                .name(name)
                .table("training_enrollments");
            for c in cols {
                index.col(*c);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        for (name, col) in [
            ("idx_trainings_region", "region_code"),
            ("idx_trainings_starts", "starts_at"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table("trainings")
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["training_enrollments", "trainings"] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
