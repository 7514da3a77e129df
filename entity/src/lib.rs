//! SeaORM entities: data mapping only, no business rules.
pub mod auth_sessions;
pub mod banks;
pub mod refresh_tokens;
pub mod regions;
pub mod talent_profiles;
pub mod users;
pub mod volunteer_activities;
pub mod volunteer_certificates;
pub mod volunteer_corrections;
pub mod volunteer_hour_entries;
pub mod volunteer_ledger_state;
pub mod volunteer_reports;
pub mod volunteer_signups;
