//! Schema migrations, one per change, applied in name order on SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_regions;
mod m20261129_000002_create_identity;
mod m20261129_000100_create_talent_profiles;
mod m20261129_000300_create_volunteer;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_regions::Migration),
            Box::new(m20261129_000002_create_identity::Migration),
            Box::new(m20261129_000100_create_talent_profiles::Migration),
            Box::new(m20261129_000300_create_volunteer::Migration),
        ]
    }
}
