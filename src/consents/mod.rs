//! Separate consents to share a youth's data with a named recipient outside the league (PIPL
//! Art. 23; conventions §10): domains record a grant in the transaction of the action that shares
//! ([`grant`]), end it in the action that stops sharing ([`withdraw`]), and the youth lists them at
//! `GET /api/v1/me/sharing-consents`. How a domain uses it: docs/sharing-consents.md.
pub mod dto;
mod grants;
mod list;

pub use entity::sharing_consents::{ConsentPurpose, ConsentSubject, RecipientKind};
pub use grants::{
    ConsentText, NewConsent, Recipient, Subject, active_for, anonymise, grant, require, withdraw,
};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_my_sharing_consents);
}
