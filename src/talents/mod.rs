//! The talent pool (青年人才库): youth register themselves, cadres verify, search, reveal (logged)
//! and export within their region. Other domains ask it where a youth belongs.
mod admin;
pub mod choices;
pub mod dto;
mod export;
mod id_conflicts;
mod me;
mod options;
pub mod queries;
mod reveal;
pub mod rotation;
pub mod rules;
pub mod state;
pub mod stats;
pub mod todos;

pub use queries::{HomeRegion, home_region_of, masked_names, profile_required};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // The fixed paths `/admin/talents/export`, `/stats` and `/id-number-conflicts` come before
    // `/admin/talents/{id}`.
    cfg.service(options::get_talent_options)
        .service(me::get_my_talent_profile)
        .service(me::save_my_talent_profile)
        .service(me::delete_my_talent_profile)
        .service(export::export_talents)
        .service(stats::get_talent_stats)
        .service(id_conflicts::list_id_number_conflicts)
        .service(admin::list_talents)
        .service(admin::get_talent)
        .service(admin::review_talent)
        .service(reveal::reveal_talent)
        .service(reveal::list_talent_reveals);
}
