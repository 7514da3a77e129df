//! Media upload (photos and documents for the workflow domains): `POST /api/v1/media` stores a
//! checked, metadata-free file and answers a key; records hold keys in fields such as `photos`
//! ([`MediaField`]); responses give signed short-lived URLs ([`MediaStore::links`]) that
//! `GET /api/v1/media/{key}` serves without a token; `media-cleanup` removes what no record took.
//! How a domain uses it: docs/media.md.
pub mod cleanup;
pub mod dto;
mod fields;
pub mod sanitize;
mod serve;
pub mod store;
mod upload;

pub use entity::media::MediaPurpose;
pub use fields::{Attachment, KeyProblem, MediaField, release};
pub use sanitize::accepts_pdf;
pub use store::{MediaLink, MediaStore};
pub use upload::MAX_FILE_BYTES;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload::upload_media).service(serve::get_media);
}
