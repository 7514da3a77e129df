use std::sync::LazyLock;

use actix_web::{HttpRequest, post, web};
use entity::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::dto::{StaffLoginRequest, TokenResponse};
use super::sessions;
use super::throttle::LoginThrottle;
use crate::app_state::AppState;
use crate::crypto::{hash_password, verify_password};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;

/// A hash to verify against when the account does not exist, so timing does not reveal
/// which usernames exist. Immutable, so sharing it inside a process is safe.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no such account").unwrap_or_default());

/// Password login for league cadres and partner-bank officers.
///
/// Only failed attempts count: per (account, client address), per client address, and a
/// slower brake per account (see `auth::throttle`); the counters live in the shared cache, so
/// the limits hold across server instances.
#[utoipa::path(
    tag = "auth",
    operation_id = "login_staff",
    request_body = StaffLoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorEnvelope, description = "BAD_CREDENTIALS"),
        (status = 403, body = ErrorEnvelope, description = "ACCOUNT_DISABLED"),
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
    let username = body.username.to_lowercase();
    let address = crate::client_address::of(&req, &state.settings.trusted_proxies);
    let throttle = LoginThrottle::new(&state.cache, &state.settings, &username, &address);
    throttle.check().await?;

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
            throttle.failed().await?;
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
    throttle.succeeded().await?;
    Ok(web::Json(
        sessions::start(&state, &user, entity::auth_sessions::LoginMethod::Password).await?,
    ))
}
