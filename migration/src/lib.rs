//! Schema migrations, one per change, applied in name order on SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

pub mod event_table;
pub mod league_seed;

mod m20261129_000001_create_regions;
mod m20261129_000002_create_identity;
mod m20261129_000100_create_talent_profiles;
mod m20261129_000110_create_talent_reveals_and_consents;
mod m20261129_000200_create_notifications;
mod m20261129_000201_create_trainings;
mod m20261129_000300_create_volunteer;
mod m20261130_000100_create_league_units;
mod m20261130_000200_add_lifecycle_versions;
mod m20261130_000201_create_event_tables;
mod m20261130_000300_create_media;
mod m20261130_000301_create_sharing_consents;
mod m20261130_000302_create_job_runs;
mod m20261130_000303_add_request_hash_and_todo_indexes;
mod m20261130_000400_create_id_number_conflicts;
mod m20261130_000700_add_volunteer_activity_lifecycle;
mod m20261201_000390_create_youth_organisations;
mod m20261201_000400_create_mentoring;
mod m20261201_000500_create_loans;
mod m20261201_000510_add_loan_list_index;
mod m20261201_000520_add_staff_index;
mod m20261201_000530_add_loan_list_stamp;
mod m20261201_000600_create_practice;
mod m20261201_000610_create_practice_positions;
mod m20261201_000620_create_practice_applications;
mod m20261201_000630_create_practice_attendance;
mod m20261201_000640_create_practice_reports;
mod m20261201_000650_create_practice_closing;
mod m20261201_000670_create_practice_supervision;
mod m20261201_000700_create_kpi;
mod m20261201_000710_create_youth_homes;
mod m20261201_000720_create_hope_rooms;
mod m20261201_000730_create_recognitions;
mod m20261201_000740_create_pioneer_rounds;
mod m20261201_000750_create_volunteer_minutes_monthly;
mod m20261201_000760_add_kpi_covering_indexes;

/// The monthly volunteer minutes (000750), run on its own by the test that shows its backfill
/// counts a ledger written before it.
pub use m20261201_000750_create_volunteer_minutes_monthly::Migration as VolunteerMinutesMonthly;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_regions::Migration),
            Box::new(m20261129_000002_create_identity::Migration),
            Box::new(m20261129_000100_create_talent_profiles::Migration),
            Box::new(m20261129_000110_create_talent_reveals_and_consents::Migration),
            Box::new(m20261129_000200_create_notifications::Migration),
            Box::new(m20261129_000201_create_trainings::Migration),
            Box::new(m20261129_000300_create_volunteer::Migration),
            Box::new(m20261130_000100_create_league_units::Migration),
            Box::new(m20261130_000200_add_lifecycle_versions::Migration),
            Box::new(m20261130_000201_create_event_tables::Migration),
            Box::new(m20261130_000300_create_media::Migration),
            Box::new(m20261130_000301_create_sharing_consents::Migration),
            Box::new(m20261130_000302_create_job_runs::Migration),
            Box::new(m20261130_000303_add_request_hash_and_todo_indexes::Migration),
            Box::new(m20261130_000400_create_id_number_conflicts::Migration),
            Box::new(m20261130_000700_add_volunteer_activity_lifecycle::Migration),
            Box::new(m20261201_000390_create_youth_organisations::Migration),
            Box::new(m20261201_000400_create_mentoring::Migration),
            Box::new(m20261201_000500_create_loans::Migration),
            Box::new(m20261201_000510_add_loan_list_index::Migration),
            Box::new(m20261201_000520_add_staff_index::Migration),
            Box::new(m20261201_000530_add_loan_list_stamp::Migration),
            Box::new(m20261201_000600_create_practice::Migration),
            Box::new(m20261201_000610_create_practice_positions::Migration),
            Box::new(m20261201_000620_create_practice_applications::Migration),
            Box::new(m20261201_000630_create_practice_attendance::Migration),
            Box::new(m20261201_000640_create_practice_reports::Migration),
            Box::new(m20261201_000650_create_practice_closing::Migration),
            Box::new(m20261201_000670_create_practice_supervision::Migration),
            Box::new(m20261201_000700_create_kpi::Migration),
            Box::new(m20261201_000710_create_youth_homes::Migration),
            Box::new(m20261201_000720_create_hope_rooms::Migration),
            Box::new(m20261201_000730_create_recognitions::Migration),
            Box::new(m20261201_000740_create_pioneer_rounds::Migration),
            Box::new(m20261201_000750_create_volunteer_minutes_monthly::Migration),
            Box::new(m20261201_000760_add_kpi_covering_indexes::Migration),
        ]
    }
}
