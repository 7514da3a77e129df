//! Every subject whose changes are logged as events carries a `version` (conventions §2, §3):
//! each event-writing action adds one, and the event's `seq` is the version after the change.
//! Existing rows start at 1; their timelines begin with the next change.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = [
    "trainings",
    "training_enrollments",
    "volunteer_reports",
    "volunteer_corrections",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(integer("version").default(1))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("version")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
