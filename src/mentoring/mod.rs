//! Entrepreneurship mentors (创业导师, `docs/mentoring.md`): mentors apply and are certified by
//! the league; verified youth find them and ask for long-term pairing (导师帮带) or one-off
//! consultations (项目巡诊/市场对接); cadres assign mentors, watch coverage and keep the registry
//! of youth organisations.
mod admin_mentors;
mod admin_mentorships;
mod admin_requests;
mod answers;
pub mod coverage;
pub mod dto;
pub mod jobs;
pub mod lifecycle;
mod mentors;
mod mentorships;
mod options;
mod org_mentors;
pub mod organisations;
pub mod pairings;
mod profile;
pub mod queries;
mod records;
pub mod refusals;
mod requests;
pub mod retention;
pub mod rules;
pub mod state;
pub mod stats;
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
        .service(admin_requests::assign_mentor)
        .service(mentorships::list_my_mentorships)
        .service(mentorships::get_my_mentorship)
        .service(mentorships::end_mentorship)
        .service(mentorships::complete_mentorship)
        .service(mentorships::extend_mentorship)
        .service(mentorships::rate_mentorship)
        .service(records::create_mentoring_record)
        .service(records::confirm_mentoring_record)
        .service(admin_mentorships::list_admin_mentorships)
        .service(admin_mentorships::get_admin_mentorship)
        .service(admin_mentorships::end_mentorship_by_cadre)
        .service(admin_mentorships::settle_mentoring_record)
        .service(stats::get_mentoring_stats)
        // Before `{id}`: actix matches routes in the order they are registered.
        .service(org_mentors::get_youth_organisation_stats)
        .service(organisations::create_youth_organisation)
        .service(organisations::list_youth_organisations)
        .service(organisations::get_youth_organisation)
        .service(organisations::update_youth_organisation)
        .service(organisations::verify_youth_organisation)
        .service(organisations::dissolve_youth_organisation)
        .service(org_mentors::assign_organisation_mentor)
        .service(org_mentors::end_organisation_mentor);
}
