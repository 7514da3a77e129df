use std::sync::LazyLock;
use std::time::Duration;

use actix_web::{HttpRequest, post, web};
use entity::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::dto::{StaffLoginRequest, TokenResponse};
use super::sessions;
use crate::app_state::AppState;
use crate::crypto::{hash_password, verify_password};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;

fn limited(retry: Option<Duration>, window: Duration) -> ApiError {
    ApiError::RateLimited {
        code: "LOGIN_RATE_LIMITED",
        message: "登录尝试过于频繁，请稍后再试".into(),
        retry_after_secs: retry.unwrap_or(window).as_secs().max(1),
    }
}

/// A hash to verify against when the account does not exist, so timing does not reveal
/// which usernames exist. Immutable, so sharing it inside a process is safe.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no such account").unwrap_or_default());

/// Password login for league cadres and partner-bank officers.
///
/// Limited per account (failed attempts) and per IP (all attempts); the counters live in the
/// shared cache, so the limit holds across server instances.
#[utoipa::path(
    tag = "auth",
    operation_id = "login_staff",
    request_body = StaffLoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorEnvelope, description = "BAD_CREDENTIALS"),
        (status = 422, body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope, description = "LOGIN_RATE_LIMITED, with Retry-After")
    )
)]
#[post("/auth/login")]
pub async fn login_staff(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<StaffLoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let s = &state.settings;
    let username = body.username.trim().to_lowercase();
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let ip_key = format!("login:ip:{ip}");
    let account_key = format!("login:account:{username}");

    if state.cache.incr_window(&ip_key, s.login_window).await?
        > i64::from(s.login_max_attempts_per_ip)
    {
        return Err(limited(state.cache.ttl(&ip_key).await?, s.login_window));
    }
    let failures: i64 = state
        .cache
        .get(&account_key)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if failures >= i64::from(s.login_max_failures_per_account) {
        return Err(limited(
            state.cache.ttl(&account_key).await?,
            s.login_window,
        ));
    }

    let user = users::Entity::find()
        .filter(users::Column::Username.eq(&username))
        .one(&state.db)
        .await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = body.password.clone();
    let ok = web::block(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("password check failed: {e}")))?;
    let user = match user {
        Some(u) if ok && u.staff_role.is_some() => u,
        _ => {
            state
                .cache
                .incr_window(&account_key, s.login_window)
                .await?;
            return Err(ApiError::Unauthorized(
                "BAD_CREDENTIALS",
                "用户名或密码错误".into(),
            ));
        }
    };
    if user.disabled {
        return Err(ApiError::Forbidden(
            "ACCOUNT_DISABLED",
            "账号已停用，请联系管理员".into(),
        ));
    }
    state.cache.del(&account_key).await?;
    Ok(web::Json(
        sessions::start(&state, &user, entity::auth_sessions::LoginMethod::Password).await?,
    ))
}
