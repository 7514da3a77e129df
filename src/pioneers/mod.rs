//! 乡村振兴青年先锋 and recognitions (`supervision.md` §5, issue 13 point 6): honours of talents
//! recorded with evidence, confirmed four-eyes by the recording unit's parent unit, feeding
//! `township_typical_coverage` and `village_typical_coverage` (docs/supervision.md).
pub mod dto;
pub mod recognitions;
pub mod state;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(recognitions::create_recognition)
        .service(recognitions::list_recognitions)
        .service(recognitions::get_recognition)
        .service(recognitions::confirm_recognition)
        .service(recognitions::revoke_recognition);
}
