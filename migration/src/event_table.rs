//! The shape of every `<domain>_events` table (conventions §3), for the migrations that create
//! one. Later migrations call [`create`]; never change what it creates (that would change the
//! meaning of migrations already applied): add a new function for a new shape instead.
use sea_orm_migration::{prelude::*, schema::*};

/// Create an append-only events table. `several_subjects`: the domain logs more than one kind of
/// subject (`request`, `mentorship`, …) and the table gets a `subject_kind` column. `seq` is the
/// subject's `version` after the change, unique per subject, so two racing writers cannot both
/// log the same step. No foreign keys: events outlive the rows they describe.
pub async fn create(
    manager: &SchemaManager<'_>,
    table: &'static str,
    several_subjects: bool,
) -> Result<(), DbErr> {
    let mut t = Table::create();
    t.table(table).if_not_exists().col(uuid("id").primary_key());
    if several_subjects {
        t.col(string_len("subject_kind", 32));
    }
    t.col(uuid("subject_id"))
        .col(integer("seq"))
        .col(string_len("action", 32))
        .col(string_len_null("from_status", 32))
        .col(string_len("to_status", 32))
        .col(uuid_null("actor_user_id"))
        .col(string_len("actor_kind", 16))
        .col(string_len_null("actor_unit_code", 16))
        .col(uuid_null("actor_bank_id"))
        .col(string_len_null("reason", 500))
        .col(string_len_null("internal_note", 500))
        .col(text_null("payload_json"))
        .col(string_len_null("idempotency_key", 64))
        .col(timestamp_with_time_zone("created_at"));
    manager.create_table(t.to_owned()).await?;

    let mut unique = Index::create();
    unique
        .if_not_exists()
        .name(format!("uq_{table}_subject_seq"))
        .table(table)
        .unique();
    if several_subjects {
        unique.col("subject_kind");
    }
    unique.col("subject_id").col("seq");
    manager.create_index(unique.to_owned()).await?;
    // Retention and audit look events up by who acted.
    manager
        .create_index(
            Index::create()
                .if_not_exists()
                .name(format!("idx_{table}_actor"))
                .table(table)
                .col("actor_user_id")
                .to_owned(),
        )
        .await
}
