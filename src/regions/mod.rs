//! The Jilin region tree: look-ups, children, and the "is X inside Y" test every guard uses.
pub mod code;
mod dto;
mod handlers;
pub mod queries;

pub use code::{RegionCode, RegionLevel, is_within, level_of};
pub use dto::RegionView;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_region)
        .service(handlers::list_region_children);
}
