//! Login sessions and refresh-token rotation with reuse (theft) detection.
use chrono::Utc;
use entity::auth_sessions::LoginMethod;
use entity::{auth_sessions, refresh_tokens, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::dto::TokenResponse;
use super::me::me_view;
use crate::app_state::AppState;
use crate::crypto::{random_token, token_hash};
use crate::error::{ApiError, ApiResult};

async fn insert_refresh_token(db: &impl ConnectionTrait, session_id: Uuid) -> ApiResult<String> {
    let token = random_token();
    refresh_tokens::ActiveModel {
        token_hash: Set(token_hash(&token)),
        session_id: Set(session_id),
        created_at: Set(Utc::now()),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

async fn respond(
    state: &AppState,
    user: &users::Model,
    session_id: Uuid,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(user.id, session_id)?,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl.as_secs(),
        refresh_token,
        user: me_view(state, user).await?,
    })
}

/// Start a new login session for `user` and issue its first tokens.
pub async fn start(
    state: &AppState,
    user: &users::Model,
    method: LoginMethod,
) -> ApiResult<TokenResponse> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let session = auth_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        method: Set(method),
        created_at: Set(now),
        expires_at: Set(now + state.settings.refresh_token_ttl),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    let refresh = insert_refresh_token(&txn, session.id).await?;
    txn.commit().await?;
    respond(state, user, session.id, refresh).await
}

pub async fn revoke(db: &impl ConnectionTrait, session_id: Uuid, reason: &str) -> ApiResult<()> {
    auth_sessions::Entity::update_many()
        .col_expr(auth_sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(auth_sessions::Column::RevokedReason, Expr::value(reason))
        .filter(auth_sessions::Column::Id.eq(session_id))
        .filter(auth_sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn invalid() -> ApiError {
    ApiError::Unauthorized("INVALID_REFRESH_TOKEN", "登录已失效，请重新登录".into())
}

/// Exchange a refresh token for new tokens. A token can be used once: presenting an already
/// rotated token means it was copied, so the whole session is revoked.
pub async fn rotate(state: &AppState, presented: &str) -> ApiResult<TokenResponse> {
    let hash = token_hash(presented);
    let Some(token) = refresh_tokens::Entity::find_by_id(hash.clone())
        .one(&state.db)
        .await?
    else {
        return Err(invalid());
    };
    let session = auth_sessions::Entity::find_by_id(token.session_id)
        .one(&state.db)
        .await?
        .ok_or_else(invalid)?;
    if session.revoked_at.is_some() || session.expires_at < Utc::now() {
        return Err(invalid());
    }
    let reused = || {
        ApiError::Unauthorized(
            "REFRESH_TOKEN_REUSED",
            "检测到登录凭证被重复使用，为保护账号安全已退出登录，请重新登录".into(),
        )
    };
    if token.used_at.is_some() {
        revoke(&state.db, session.id, "refresh_token_reused").await?;
        tracing::warn!(session = %session.id, "refresh token reuse: session revoked");
        return Err(reused());
    }
    let txn = crate::db::begin(&state.db).await?;
    // Conditional update: of two concurrent uses of the same token only one can win.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        revoke(&state.db, session.id, "refresh_token_reused").await?;
        return Err(reused());
    }
    let refresh = insert_refresh_token(&txn, session.id).await?;
    txn.commit().await?;
    let user = users::Entity::find_by_id(session.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(invalid)?;
    if user.disabled {
        return Err(invalid());
    }
    respond(state, &user, session.id, refresh).await
}
