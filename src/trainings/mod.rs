//! Trainings (培训): cadres publish them; youth sign up (never oversold), wait, accept freed
//! seats, check in by code; cadres record completions and count them per category and region.
mod admin;
mod checkin;
mod completion;
pub mod dto;
mod enroll;
mod listing;
mod participants;
pub mod rules;
pub mod seats;
pub mod state;
mod sweep;

pub use sweep::sweep_lapsed_offers;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // `stats` before `{id}`, so it is not taken for an id.
    cfg.service(completion::get_training_stats)
        .service(admin::create_training)
        .service(admin::list_admin_trainings)
        .service(admin::get_admin_training)
        .service(admin::update_training)
        .service(admin::cancel_training)
        .service(checkin::get_check_in_code)
        .service(completion::create_completions)
        .service(participants::list_participants)
        .service(participants::export_participants)
        .service(listing::list_training_categories)
        .service(listing::list_trainings)
        .service(listing::get_training)
        .service(enroll::create_enrollment)
        .service(enroll::list_my_enrollments)
        .service(enroll::cancel_enrollment)
        .service(enroll::accept_offer)
        .service(checkin::create_check_in);
}
