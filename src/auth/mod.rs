//! Identity: WeChat and password login, tokens, the caller's roles and the region guard.
mod dto;
pub mod extractors;
pub mod identity;
mod jwt;
mod login_staff;
mod login_wechat;
mod me;
mod phone;
pub mod sessions;
mod throttle;
mod tokens;
pub mod wechat;

pub use extractors::{BankOfficer, Cadre, CurrentUser, HostSupervisor, InlineSession, Staff};
pub use identity::{CadreLevel, CadreScope, Role, StaffRole};
pub use jwt::JwtKeys;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login_wechat::login_wechat)
        .service(phone::bind_wechat_phone)
        .service(login_staff::login_staff)
        .service(tokens::refresh_token)
        .service(tokens::logout)
        .service(me::get_me);
}
