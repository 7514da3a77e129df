//! The text rule ([`super::text`]) for the parts of the URL: path segments and query parameters.
use std::borrow::Cow;

use actix_web::dev::ServiceRequest;
use actix_web::http::Uri;
use percent_encoding::percent_decode_str;

use super::text::{self, TextKind};
use crate::error::{ApiError, FieldError};

/// Check a request's path and query, normalising query values (NFC, trimmed) in place.
///
/// A path with a control character (or bytes that are not UTF-8) names nothing that can exist:
/// 404. A query parameter with one is 422 `CONTROL_CHARACTER` on that parameter.
pub fn check(req: &mut ServiceRequest) -> Result<(), ApiError> {
    let path_ok = percent_decode_str(req.path())
        .decode_utf8()
        .is_ok_and(|p| !p.chars().any(text::is_forbidden));
    if !path_ok {
        return Err(ApiError::NotFound("NOT_FOUND", "请求的记录不存在".into()));
    }
    let Some(query) = req.uri().query() else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let mut changed = false;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let name: String = key.chars().filter(|c| !text::is_forbidden(*c)).collect();
        let key_ok = name.len() == key.len();
        match text::clean(&value, TextKind::SingleLine) {
            Err(text::ControlCharacterFound) => errors.push(FieldError::new(
                &name,
                text::CONTROL_CHARACTER,
                text::control_message(TextKind::SingleLine),
            )),
            _ if !key_ok => errors.push(FieldError::new(
                &name,
                text::CONTROL_CHARACTER,
                "参数名不能包含控制字符",
            )),
            Ok(Cow::Owned(cleaned)) => {
                changed = true;
                pairs.push((name, cleaned));
            }
            Ok(Cow::Borrowed(_)) => pairs.push((name, value.into_owned())),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if changed {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let uri: Uri = format!("{}?{query}", req.path())
            .parse()
            .map_err(|e| ApiError::Unexpected(anyhow::Error::new(e)))?;
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
    Ok(())
}
