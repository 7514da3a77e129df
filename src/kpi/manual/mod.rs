//! Manual reports (`supervision.md` §3, issue 13 point 5): figures only people can count
//! (offline joint e-commerce trainings, 12355 quarterly aggregates), submitted by a unit,
//! approved by a unit above (DHIS2-style: approval is the lock), accepted by the province; the
//! approved and accepted figures feed the KPI report.
mod access;
mod dto;
pub mod kinds;
mod reports;
pub mod state;
mod steps;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(reports::list_kpi_manual_reports)
        .service(reports::create_kpi_manual_report)
        .service(reports::get_kpi_manual_report)
        .service(reports::update_kpi_manual_report)
        .service(steps::approve_kpi_manual_report)
        .service(steps::return_kpi_manual_report)
        .service(steps::unapprove_kpi_manual_report)
        .service(steps::accept_kpi_manual_report)
        .service(steps::unaccept_kpi_manual_report);
}
