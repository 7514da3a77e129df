//! Volunteer service (志愿服务) after 民政部令第67号: activities with check-in/out, self-reported
//! service reviewed by cadres, the append-only hours ledger with corrections and revocations,
//! summaries with star levels, and certificates anyone can check.
mod activities;
mod attendance;
mod corrections;
pub mod dto;
pub mod ledger;
mod organise;
mod reports;
pub mod rules;
pub mod state;
mod summary;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(activities::list_volunteer_categories)
        .service(activities::create_volunteer_activity)
        .service(organise::list_admin_volunteer_activities)
        .service(organise::get_admin_volunteer_activity)
        .service(organise::update_volunteer_activity)
        .service(organise::cancel_volunteer_activity)
        .service(activities::list_volunteer_activities)
        .service(activities::get_volunteer_activity)
        .service(activities::create_volunteer_signup)
        .service(activities::list_my_volunteer_signups)
        .service(activities::delete_my_volunteer_signup)
        .service(attendance::get_volunteer_check_in_code)
        .service(attendance::create_volunteer_check_in)
        .service(attendance::create_volunteer_check_out)
        .service(attendance::create_volunteer_makeup)
        .service(attendance::list_volunteer_signups)
        .service(reports::create_volunteer_report)
        .service(reports::list_my_volunteer_reports)
        .service(reports::get_my_volunteer_report)
        .service(reports::list_volunteer_reports)
        .service(reports::get_volunteer_report)
        .service(reports::review_volunteer_report)
        .service(corrections::create_volunteer_correction)
        .service(corrections::list_volunteer_corrections)
        .service(corrections::review_volunteer_correction)
        .service(corrections::create_volunteer_revocation)
        .service(summary::get_my_volunteer_summary)
        .service(summary::create_volunteer_certificate)
        .service(summary::get_certificate);
}
