//! Volunteer service (志愿服务) after 民政部令第67号: activities with check-in/out, self-reported
//! service reviewed by cadres, the append-only hours ledger with corrections and revocations,
//! summaries with star levels, and certificates anyone can check.
mod activities;
mod attendance;
mod corrections;
pub mod dto;
pub mod ledger;
mod reports;
pub mod rules;
mod summary;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(activities::list_categories)
        .service(activities::create_activity)
        .service(activities::list_activities)
        .service(activities::get_activity)
        .service(activities::sign_up)
        .service(activities::list_my_signups)
        .service(activities::withdraw)
        .service(attendance::checkin_code)
        .service(attendance::check_in)
        .service(attendance::check_out)
        .service(attendance::make_up)
        .service(attendance::roster)
        .service(reports::create_report)
        .service(reports::list_my_reports)
        .service(reports::list_reports)
        .service(reports::review_report)
        .service(corrections::request_correction)
        .service(corrections::list_corrections)
        .service(corrections::decide_correction)
        .service(corrections::revoke_entry)
        .service(summary::my_summary)
        .service(summary::issue_certificate)
        .service(summary::check_certificate);
}
