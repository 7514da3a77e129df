//! The event logs of the domains that exist today (conventions §3): `talent_events` (profiles),
//! `volunteer_events` (reports and corrections), `training_events` (trainings and enrollments).
use sea_orm_migration::prelude::*;

use crate::event_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [(&str, bool); 3] = [
    ("talent_events", false),
    ("volunteer_events", true),
    ("training_events", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, several_subjects) in TABLES {
            event_table::create(manager, table, several_subjects).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in TABLES {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
