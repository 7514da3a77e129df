use actix_web::{HttpResponse, post, web};

use super::dto::{RefreshRequest, TokenResponse};
use super::extractors::CurrentUser;
use super::sessions;
use crate::app_state::AppState;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::input::Json;

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used ends the whole login
/// (it was copied), and both holders must log in again.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_token",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = ErrorEnvelope, description = "INVALID_REFRESH_TOKEN or REFRESH_TOKEN_REUSED")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_token(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    Ok(web::Json(
        sessions::rotate(&state, &body.refresh_token).await?,
    ))
}

/// End the caller's login: its access and refresh tokens stop working.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, body = ErrorEnvelope)
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, me: CurrentUser) -> ApiResult<HttpResponse> {
    sessions::revoke(&state.db, me.session_id, "logout").await?;
    Ok(HttpResponse::NoContent().finish())
}
