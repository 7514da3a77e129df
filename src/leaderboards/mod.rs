//! Volunteer-hours leaderboards: individuals inside any region and regions inside their parent,
//! for this week / month / year / all time, served from sorted sets in the cache and kept equal
//! to the ledger (see `sync`).
pub mod dto;
mod handlers;
pub mod keys;
pub mod queries;
pub mod snapshots;
pub mod sync;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_volunteer_hours_leaderboard)
        .service(handlers::get_region_leaderboard);
}
