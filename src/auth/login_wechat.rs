use actix_web::{post, web};
use chrono::Utc;
use entity::users;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};
use uuid::Uuid;

use super::dto::{TokenResponse, WechatLoginRequest};
use super::sessions;
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;

/// What we learned about the person behind a login code.
struct WechatIdentity {
    openid: String,
    unionid: Option<String>,
    session_key: Option<String>,
}

async fn identify(state: &AppState, code: &str) -> ApiResult<WechatIdentity> {
    if let Some(name) = code.strip_prefix("dev:") {
        if !state.settings.dev_login_enabled() {
            return Err(ApiError::Unauthorized(
                "WECHAT_CODE_INVALID",
                "登录凭证无效或已使用，请重新登录".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 32 {
            return Err(ApiError::field(
                "code",
                "LENGTH",
                "开发登录名长度应为1至32个字符",
            ));
        }
        return Ok(WechatIdentity {
            openid: format!("dev_{name}"),
            unionid: None,
            session_key: None,
        });
    }
    let s = state.wechat.code_to_session(code).await?;
    Ok(WechatIdentity {
        openid: s.openid,
        unionid: s.unionid,
        session_key: Some(s.session_key),
    })
}

async fn find_or_create(state: &AppState, who: WechatIdentity) -> ApiResult<users::Model> {
    let now = Utc::now();
    let session_key_enc = who.session_key.as_deref().map(|k| state.cipher.encrypt(k));
    let existing = users::Entity::find()
        .filter(users::Column::Openid.eq(&who.openid))
        .one(&state.db)
        .await?;
    if let Some(user) = existing {
        // Every wx.login rotates the session key: keep only the newest.
        let mut active: users::ActiveModel = user.into();
        if session_key_enc.is_some() {
            active.session_key_enc = Set(session_key_enc);
        }
        if who.unionid.is_some() {
            active.unionid = Set(who.unionid);
        }
        active.updated_at = Set(now);
        return Ok(active.update(&state.db).await?);
    }
    let suffix: String = who
        .openid
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let created = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        openid: Set(Some(who.openid.clone())),
        unionid: Set(who.unionid),
        session_key_enc: Set(session_key_enc),
        username: Set(None),
        password_hash: Set(None),
        display_name: Set(format!("吉青{suffix}")),
        phone_enc: Set(None),
        phone_index: Set(None),
        is_student: Set(false),
        is_mentor: Set(false),
        staff_role: Set(None),
        cadre_level: Set(None),
        region_code: Set(None),
        league_unit_id: Set(None),
        bank_id: Set(None),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db)
    .await;
    match created {
        Ok(user) => Ok(user),
        // Two first logins of the same person raced: the other one created the row.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            users::Entity::find()
                .filter(users::Column::Openid.eq(&who.openid))
                .one(&state.db)
                .await?
                .ok_or_else(|| {
                    ApiError::Unexpected(anyhow::anyhow!("user vanished after conflict"))
                })
        }
        Err(e) => Err(e.into()),
    }
}

/// Log in from the mini-program with a `wx.login()` code.
///
/// Creates the account on first login. The WeChat session key stays on the server.
#[utoipa::path(
    tag = "auth",
    operation_id = "login_wechat",
    request_body = WechatLoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorEnvelope, description = "WECHAT_CODE_INVALID: bad or used code"),
        (status = 403, body = ErrorEnvelope, description = "WECHAT_USER_BLOCKED: high-risk user"),
        (status = 422, body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope, description = "WECHAT_RATE_LIMITED"),
        (status = 503, body = ErrorEnvelope, description = "WECHAT_UNAVAILABLE (retryable)")
    )
)]
#[post("/auth/wechat-login")]
pub async fn login_wechat(
    state: web::Data<AppState>,
    body: Json<WechatLoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let who = identify(&state, body.code.trim()).await?;
    let user = find_or_create(&state, who).await?;
    if user.disabled {
        return Err(ApiError::Forbidden(
            "ACCOUNT_DISABLED",
            "账号已停用，请联系管理员".into(),
        ));
    }
    Ok(web::Json(
        sessions::start(&state, &user, entity::auth_sessions::LoginMethod::Wechat).await?,
    ))
}
