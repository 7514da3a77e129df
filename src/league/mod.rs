//! League units (团组织): the tree a cadre's scope and the roll-ups follow
//! (`supervision.md` §1, docs/league-units.md).
mod dto;
mod handlers;
pub mod rollup;
pub mod tree;

pub use dto::LeagueUnitView;
pub use tree::{LeagueTree, LeagueUnit, UnitScope};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_league_units)
        .service(handlers::get_league_unit)
        .service(handlers::list_league_unit_children);
}
