//! In-app notifications for every domain: `notify` inside the domain's transaction, then
//! `deliver` after it commits (a WeChat subscription message, best effort, when configured).
mod deliver;
pub mod dto;
mod handlers;
mod queries;

pub use deliver::deliver;
pub use queries::notify;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_my_notifications)
        .service(handlers::read_all_notifications)
        .service(handlers::read_notification);
}
