//! `GET /api/v1/media/{key}?exp=…&sig=…`: a file by its signed URL, without a token (image tags
//! and PDF viewers cannot send one). A bad or expired signature is a plain 404.
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::media;
use sea_orm::EntityTrait;
use serde::Deserialize;
use utoipa::IntoParams;

use super::store::is_key;
use super::upload::store_unavailable;
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Signature {
    /// Expiry (Unix seconds), as given in the URL.
    pub exp: Option<String>,
    /// Signature, as given in the URL.
    pub sig: Option<String>,
}

fn missing() -> ApiError {
    ApiError::not_found("文件")
}

/// A file by the signed URL a record's response gave (`photos[].url`). Served with
/// `X-Content-Type-Options: nosniff` and `Cache-Control: private`; PDFs as attachments.
#[utoipa::path(
    tag = "media",
    operation_id = "get_media",
    params(("key" = String, Path, description = "Media key"), Signature),
    responses(
        (status = 200, description = "The file", content(("image/jpeg"), ("image/png"), ("application/pdf"))),
        (status = 404, body = ErrorEnvelope, description = "No such file, or the signature is wrong or expired"),
        (status = 503, body = ErrorEnvelope, description = "MEDIA_STORE_UNAVAILABLE")
    )
)]
#[get("/media/{key}")]
pub async fn get_media(
    state: web::Data<AppState>,
    key: web::Path<String>,
    signature: crate::input::Query<Signature>,
) -> ApiResult<HttpResponse> {
    let key = key.into_inner();
    let expires = signature.exp.as_deref().and_then(|e| e.parse::<i64>().ok());
    let (Some(expires), Some(sig)) = (expires, signature.sig.as_deref()) else {
        return Err(missing());
    };
    if !is_key(&key) || !state.media.verify(&key, expires, sig, Utc::now()) {
        return Err(missing());
    }
    let row = media::Entity::find_by_id(key.clone())
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let bytes = state
        .media
        .get(&key)
        .await
        .map_err(store_unavailable)?
        .ok_or_else(missing)?;
    let mut resp = HttpResponse::Ok();
    resp.content_type(row.content_type.as_str())
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CACHE_CONTROL,
            format!("private, max-age={}", state.media.url_ttl().as_secs()),
        ))
        // Nothing served here may run as a page on the API's origin.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ));
    if row.content_type == "application/pdf" {
        resp.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{key}.pdf\""),
        ));
    }
    Ok(resp.body(bytes))
}
