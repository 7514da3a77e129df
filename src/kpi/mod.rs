//! Supervision (督导考核, `supervision.md` §2–§3, docs/supervision.md): the indicator
//! catalogue, the report per league unit with targets, gaps and snapshots.
pub mod catalogue;
pub mod compute;
mod dto;
pub mod goals;
mod handlers;
pub mod report;
pub mod sources;
pub mod status;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_kpi_indicators)
        .service(handlers::get_kpi_report)
        .service(handlers::export_kpi_report)
        .service(handlers::list_kpi_gaps);
}
