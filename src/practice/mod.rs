//! 返家乡 university-student social practice (`docs/practice.md`): student profiles, campaigns,
//! host units and their supervisors, positions, applications and selection.
mod admin_applications;
pub mod applications;
mod attendance;
pub mod attendance_rules;
mod attendance_sheet;
mod campaigns;
mod cancellation;
mod certificates;
mod checkins;
mod closing_dto;
mod closing_views;
mod completion;
pub mod digest;
pub mod dto;
mod endings;
mod evaluations;
mod export;
mod host_notices;
mod host_reads;
mod hosts;
mod imports;
pub mod lapse;
mod options;
pub mod positions;
pub mod reminders;
mod report_views;
mod reports;
pub mod retention;
pub mod rules;
pub mod seats;
mod selection;
pub mod state;
pub mod stats;
mod students;
pub mod todos;
mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(options::get_practice_options)
        .service(students::get_my_student_profile)
        .service(students::save_my_student_profile)
        .service(students::delete_my_student_profile)
        .service(campaigns::create_practice_campaign)
        .service(campaigns::list_admin_practice_campaigns)
        .service(campaigns::get_practice_campaign)
        .service(campaigns::update_practice_campaign)
        .service(campaigns::open_practice_campaign)
        .service(campaigns::close_practice_campaign)
        .service(campaigns::archive_practice_campaign)
        .service(campaigns::list_practice_campaigns)
        .service(hosts::create_host_unit)
        .service(hosts::list_host_units)
        .service(hosts::get_host_unit)
        .service(hosts::update_host_unit)
        .service(hosts::suspend_host_unit)
        .service(hosts::reinstate_host_unit)
        .service(hosts::invite_host_supervisor)
        .service(hosts::revoke_host_supervisor)
        .service(hosts::accept_host_invitation)
        .service(hosts::list_my_host_units)
        // Before `…/positions/{id}`, which would take `import-template` for an id.
        .service(imports::get_practice_position_template)
        .service(imports::import_practice_positions)
        .service(positions::create_practice_position)
        .service(positions::list_admin_practice_positions)
        .service(positions::get_admin_practice_position)
        .service(positions::update_practice_position)
        .service(positions::publish_practice_position)
        .service(positions::close_practice_position)
        .service(positions::cancel_practice_position)
        .service(positions::list_practice_positions)
        .service(positions::get_practice_position)
        .service(applications::create_practice_application)
        .service(applications::list_my_practice_applications)
        .service(applications::get_my_practice_application)
        .service(applications::confirm_practice_offer)
        .service(applications::decline_practice_offer)
        .service(applications::withdraw_practice_application)
        .service(host_reads::list_my_host_positions)
        .service(host_reads::list_host_applications)
        .service(host_reads::get_host_application)
        .service(selection::offer_practice_position)
        .service(selection::reject_practice_application)
        .service(selection::drop_practice_application)
        .service(selection::report_practice_duty)
        // Before `…/applications/{id}`, which would take `export` for an id.
        .service(export::export_practice_applications)
        .service(stats::get_practice_stats)
        .service(admin_applications::list_admin_practice_applications)
        .service(admin_applications::get_admin_practice_application)
        .service(selection::offer_practice_position_by_cadre)
        .service(selection::reject_practice_application_by_cadre)
        .service(selection::drop_practice_application_by_cadre)
        .service(selection::report_practice_duty_by_cadre)
        .service(checkins::create_practice_check_in)
        .service(checkins::create_practice_check_out)
        .service(attendance::get_practice_check_in_code)
        .service(attendance::get_practice_check_in_code_by_cadre)
        .service(attendance::confirm_practice_attendance)
        .service(attendance::confirm_practice_attendance_by_cadre)
        .service(reports::get_practice_report)
        .service(reports::save_practice_report)
        .service(reports::submit_practice_report)
        .service(reports::review_practice_report)
        .service(reports::extend_practice_report_deadline)
        .service(completion::complete_practice)
        .service(completion::complete_practice_by_cadre)
        .service(evaluations::evaluate_practice)
        .service(evaluations::evaluate_practice_by_cadre)
        .service(certificates::issue_practice_certificate)
        .service(certificates::issue_practice_certificates)
        .service(certificates::list_my_practice_certificates)
        .service(certificates::check_practice_certificate);
}
