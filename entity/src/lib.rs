//! SeaORM entities: data mapping only, no business rules.
pub mod auth_sessions;
pub mod banks;
pub mod notifications;
pub mod refresh_tokens;
pub mod regions;
pub mod talent_consents;
pub mod talent_profiles;
pub mod talent_reveals;
pub mod training_enrollments;
pub mod trainings;
pub mod users;
