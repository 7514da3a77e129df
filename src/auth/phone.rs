use actix_web::{post, web};
use chrono::Utc;
use entity::users;
use sea_orm::{ActiveModelTrait, Set};

use super::dto::{MeView, PhoneBindRequest};
use super::extractors::CurrentUser;
use super::me::me_view;
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::validation::normalize_mainland_mobile;

/// Bind the caller's phone number through WeChat's phone-number button.
///
/// In development without WeChat, `dev:<mobile number>` binds that number.
#[utoipa::path(
    tag = "auth",
    operation_id = "bind_wechat_phone",
    security(("bearer" = [])),
    request_body = PhoneBindRequest,
    responses(
        (status = 200, body = MeView),
        (status = 422, body = ErrorEnvelope, description = "PHONE_CODE_INVALID"),
        (status = 503, body = ErrorEnvelope, description = "WECHAT_UNAVAILABLE (retryable)")
    )
)]
#[post("/auth/wechat-phone")]
pub async fn bind_wechat_phone(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: Json<PhoneBindRequest>,
) -> ApiResult<web::Json<MeView>> {
    me.require_youth()?;
    let code = body.code.trim();
    let raw = match code.strip_prefix("dev:") {
        Some(number) if state.settings.dev_login_enabled() => number.to_owned(),
        _ => {
            let info = state.wechat.phone_number(&state.cache, code).await?;
            if info.country_code != "86" {
                return Err(ApiError::field(
                    "code",
                    "PHONE_NOT_MAINLAND",
                    "目前仅支持中国大陆手机号",
                ));
            }
            info.pure_phone_number
        }
    };
    let phone = normalize_mainland_mobile(&raw)
        .ok_or_else(|| ApiError::field("code", "PHONE_INVALID", "手机号格式不正确"))?;
    let mut user: users::ActiveModel = me.user.clone().into();
    user.phone_enc = Set(Some(state.cipher.encrypt(&phone)));
    user.phone_index = Set(Some(state.cipher.blind_index("phone", &phone)));
    user.updated_at = Set(Utc::now());
    let user = user.update(&state.db).await?;
    Ok(web::Json(me_view(&state, &user).await?))
}
