//! Entrepreneurship mentors (创业导师, `docs/mentoring.md`): mentors apply and are certified by
//! the league; verified youth find them and ask for long-term pairing (导师帮带) or one-off
//! consultations (项目巡诊/市场对接); cadres assign mentors, watch coverage and keep the registry
//! of youth organisations.
mod admin_mentors;
mod admin_requests;
mod answers;
pub mod dto;
pub mod jobs;
pub mod lifecycle;
mod mentors;
mod options;
mod profile;
pub mod queries;
pub mod refusals;
mod requests;
pub mod rules;
pub mod state;
pub mod todos;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(options::get_mentor_options)
        .service(profile::get_my_mentor_profile)
        .service(profile::save_my_mentor_profile)
        .service(profile::withdraw_my_mentor_profile)
        .service(mentors::list_mentors)
        .service(mentors::get_mentor)
        .service(admin_mentors::list_admin_mentors)
        .service(admin_mentors::get_admin_mentor)
        .service(admin_mentors::review_mentor)
        .service(requests::create_mentorship_request)
        .service(requests::list_my_mentorship_requests)
        .service(requests::get_my_mentorship_request)
        .service(requests::cancel_mentorship_request)
        .service(requests::confirm_mentor_proposal)
        .service(requests::reject_mentor_proposal)
        .service(answers::accept_mentorship_request)
        .service(answers::decline_mentorship_request)
        .service(admin_requests::list_admin_mentorship_requests)
        .service(admin_requests::get_admin_mentorship_request)
        .service(admin_requests::assign_mentor);
}
