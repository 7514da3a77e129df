//! Staff accounts (cadres, bank officers) and partner banks, managed by cadres inside their region.
mod accounts;
mod banks;
pub mod dto;
mod suspensions;

pub use accounts::{NewStaff, cadres_of_unit, create_account};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(accounts::create_staff)
        .service(accounts::list_staff)
        .service(suspensions::suspend_staff)
        .service(suspensions::reinstate_staff)
        .service(banks::create_bank)
        .service(banks::list_banks);
}
