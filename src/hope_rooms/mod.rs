//! 希望小屋 (`supervision.md` §6, issue 13 point 6): second-classroom rooms in remote village
//! schools or Youth Homes, accepted four-eyes by the parent unit, feeding `hope_rooms_built`.
//! Only counts of beneficiaries are stored, never a child's identity (docs/supervision.md).
mod dto;
mod rooms;
pub mod state;
pub mod todos;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(rooms::get_hope_room_stats)
        .service(rooms::list_hope_rooms)
        .service(rooms::create_hope_room)
        .service(rooms::list_admin_hope_rooms)
        .service(rooms::get_hope_room)
        .service(rooms::update_hope_room)
        .service(rooms::change_hope_room_status)
        .service(rooms::accept_hope_room);
}
