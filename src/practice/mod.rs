//! 返家乡 university-student social practice (`docs/practice.md`): student profiles, campaigns,
//! host units and their supervisors, positions.
mod campaigns;
pub mod dto;
mod hosts;
mod options;
pub mod positions;
pub mod rules;
pub mod state;
mod students;

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
        .service(positions::create_practice_position)
        .service(positions::list_admin_practice_positions)
        .service(positions::get_admin_practice_position)
        .service(positions::update_practice_position)
        .service(positions::publish_practice_position)
        .service(positions::close_practice_position)
        .service(positions::cancel_practice_position)
        .service(positions::list_practice_positions)
        .service(positions::get_practice_position);
}
