//! Volunteer service (志愿服务): activities, sign-ups with check-in/out, self-reported service
//! awaiting review, the append-only hours ledger, correction requests and certificates.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.if_not_exists().name(name).table(table.to_owned());
    for c in cols {
        idx.col(ToString::to_string(c));
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("volunteer_activities")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("region_code", 12))
                    .col(string_len("category", 32))
                    .col(string_len("title", 64))
                    .col(text("description"))
                    .col(string_len("place", 128))
                    .col(big_integer_null("lat_e6"))
                    .col(big_integer_null("lng_e6"))
                    .col(integer_null("radius_m"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(integer("wanted"))
                    .col(integer("signed_up").default(0))
                    .col(uuid("organiser_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vact_region")
                            .from("volunteer_activities", "region_code")
                            .to("regions", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_vact_region",
            "volunteer_activities",
            &["region_code"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_vact_starts",
            "volunteer_activities",
            &["starts_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("volunteer_signups")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("activity_id"))
                    .col(uuid("user_id"))
                    .col(string_len("region_code", 12))
                    .col(timestamp_with_time_zone_null("checked_in_at"))
                    .col(timestamp_with_time_zone_null("checked_out_at"))
                    .col(uuid_null("entry_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vsign_activity")
                            .from("volunteer_signups", "activity_id")
                            .to("volunteer_activities", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vsign_user")
                            .from("volunteer_signups", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_vsign_activity_user",
            "volunteer_signups",
            &["activity_id", "user_id"],
            true,
        )
        .await?;

        // One row: the ledger's sequence counter. Every ledger write increments it inside its
        // transaction, which serialises ledger writes and makes `seq` follow commit order.
        manager
            .create_table(
                Table::create()
                    .table("volunteer_ledger_state")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(big_integer("last_seq"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("volunteer_ledger_state")
                    .columns(["id", "last_seq"])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("volunteer_hour_entries")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(big_integer_uniq("seq"))
                    .col(uuid("user_id"))
                    .col(integer("minutes"))
                    .col(string_len("region_code", 12))
                    .col(timestamp_with_time_zone("served_at"))
                    .col(string_len("source", 16))
                    .col(string_len("category", 32))
                    .col(string_len("content", 128))
                    .col(uuid_null("activity_id"))
                    .col(uuid_null("report_id"))
                    .col(uuid_null("reverses_entry_id"))
                    .col(uuid("actor_id"))
                    .col(text_null("reason"))
                    .col(boolean("board_applied").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vhe_user")
                            .from("volunteer_hour_entries", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_vhe_user",
            "volunteer_hour_entries",
            &["user_id", "served_at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_vhe_region_served",
            "volunteer_hour_entries",
            &["region_code", "served_at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_vhe_served",
            "volunteer_hour_entries",
            &["served_at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_vhe_reverses",
            "volunteer_hour_entries",
            &["reverses_entry_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_vhe_applied",
            "volunteer_hour_entries",
            &["board_applied", "seq"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("volunteer_reports")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("region_code", 12))
                    .col(string_len("category", 32))
                    .col(string_len("content", 128))
                    .col(string_len("place", 128))
                    .col(timestamp_with_time_zone("served_at"))
                    .col(integer("minutes"))
                    .col(text("description"))
                    .col(text("photos"))
                    .col(string_len("status", 16))
                    .col(text_null("review_reason"))
                    .col(uuid_null("reviewed_by"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(uuid_null("entry_id"))
                    .col(string_len_null("idempotency_key", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_vrep_user")
                            .from("volunteer_reports", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_vrep_region_status",
            "volunteer_reports",
            &["region_code", "status"],
            false,
        )
        .await?;
        index(
            manager,
            "uq_vrep_idem",
            "volunteer_reports",
            &["user_id", "idempotency_key"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("volunteer_corrections")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("entry_id"))
                    .col(uuid("user_id"))
                    .col(string_len("region_code", 12))
                    .col(integer("requested_minutes"))
                    .col(text("reason"))
                    .col(string_len("status", 16))
                    .col(text_null("decision_reason"))
                    .col(uuid_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(uuid_null("result_entry_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_vcorr_region_status",
            "volunteer_corrections",
            &["region_code", "status"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("volunteer_certificates")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("number", 32))
                    .col(uuid("user_id"))
                    .col(string_len("real_name", 32))
                    .col(string_len("id_number_masked", 32))
                    .col(date("period_from"))
                    .col(date("period_to"))
                    .col(integer("minutes"))
                    .col(text("content"))
                    .col(string_len("issuer", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "volunteer_certificates",
            "volunteer_corrections",
            "volunteer_reports",
            "volunteer_hour_entries",
            "volunteer_ledger_state",
            "volunteer_signups",
            "volunteer_activities",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
