//! 乡村振兴青年先锋 and recognitions (`supervision.md` §5, issue 13 point 6): selection rounds
//! (nomination with the nominee's consent → 资格审查 → 审核 → 公示 with objections → 命名) and
//! honours of talents, confirmed four-eyes by the recording unit's parent unit, feeding
//! `township_typical_coverage` and `village_typical_coverage` (docs/supervision.md).
pub mod dto;
mod nominations;
mod objections;
pub mod profile_use;
pub mod recognitions;
pub mod retention;
pub mod round_dto;
mod rounds;
pub mod state;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(recognitions::create_recognition)
        .service(recognitions::list_recognitions)
        .service(recognitions::get_recognition)
        .service(recognitions::confirm_recognition)
        .service(recognitions::revoke_recognition)
        .service(rounds::list_pioneers)
        .service(rounds::get_pioneer_publicity)
        .service(rounds::get_pioneer_options)
        .service(rounds::list_pioneer_rounds)
        .service(rounds::create_pioneer_round)
        .service(rounds::list_admin_pioneer_rounds)
        .service(rounds::get_pioneer_round)
        .service(rounds::update_pioneer_round)
        .service(rounds::open_pioneer_round)
        .service(rounds::close_pioneer_round)
        .service(nominations::create_pioneer_nomination)
        .service(nominations::create_admin_pioneer_nomination)
        .service(nominations::list_pioneer_nominations)
        .service(nominations::get_pioneer_nomination)
        .service(nominations::qualify_pioneer_nomination)
        .service(nominations::shortlist_pioneer_nomination)
        .service(nominations::publicise_pioneer_nomination)
        .service(nominations::name_pioneer_nomination)
        .service(nominations::withdraw_pioneer_nomination)
        .service(nominations::list_my_pioneer_nominations)
        .service(nominations::consent_pioneer_publicity)
        .service(nominations::withdraw_pioneer_publicity)
        .service(nominations::withdraw_my_pioneer_nomination)
        .service(objections::create_pioneer_objection)
        .service(objections::list_pioneer_objections)
        .service(objections::review_pioneer_objection);
}
