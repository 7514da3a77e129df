//! 青年之家 and 标志性服务项目 (`supervision.md` §4, issue 13 point 6): the registries that feed
//! `youth_home_township_coverage` and `signature_project_share`, region-guarded, verified
//! four-eyes by the parent unit, with checks, timelines and to-do queues (docs/supervision.md).
pub mod access;
pub mod dto;
mod homes;
mod projects;
pub mod state;
mod stats;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(stats::get_youth_home_stats)
        .service(stats::list_youth_homes)
        .service(homes::create_youth_home)
        .service(homes::list_admin_youth_homes)
        .service(homes::get_youth_home)
        .service(homes::update_youth_home)
        .service(homes::change_youth_home_status)
        .service(homes::verify_youth_home)
        .service(homes::create_youth_home_check)
        .service(projects::create_signature_project)
        .service(projects::list_signature_projects)
        .service(projects::get_signature_project)
        .service(projects::update_signature_project)
        .service(projects::change_signature_project_status)
        .service(projects::verify_signature_project);
}
