//! Supervision (督导考核, `supervision.md` §2–§3, docs/supervision.md): the indicator
//! catalogue, the report per league unit with targets, gaps and snapshots, and the province's
//! region flags that narrow it.
pub mod catalogue;
pub mod compute;
pub mod digest;
mod dto;
mod facts;
mod flags;
pub mod goals;
mod handlers;
pub mod manual;
mod meeting;
pub mod report;
pub mod snapshot;
pub mod sources;
pub mod status;
pub mod targets;
mod volunteer;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_kpi_indicators)
        .service(handlers::get_kpi_report)
        .service(handlers::export_kpi_report)
        .service(handlers::list_kpi_gaps)
        .service(targets::list_kpi_targets)
        .service(targets::get_kpi_target_allocation)
        .service(targets::set_kpi_target)
        .service(flags::list_region_flags)
        .service(flags::set_region_flag)
        .service(flags::delete_region_flag);
    manual::routes(cfg);
}
