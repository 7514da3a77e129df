//! Suspending and reinstating staff accounts. A cadre acts on cadre accounts inside their own
//! region (their own level or below); bank officers are the province's. Suspending ends every
//! session of the account at once: its access tokens fail on the next request
//! (`SESSION_ENDED`), its refresh tokens too, and password login answers `ACCOUNT_DISABLED`.
//! Reinstating lets the person log in again; ended sessions stay ended.
use actix_web::{post, web};
use chrono::Utc;
use entity::users::StaffRole;
use entity::{auth_sessions, users};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::dto::StaffView;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};

/// The staff account `id`, if the cadre may suspend or reinstate it; else as if it did not
/// exist (ids outside the region cannot be probed), or 403 for the cadre's own account.
async fn manageable(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<users::Model> {
    let missing = || ApiError::not_found("工作人员账号");
    let user = users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    match user.staff_role {
        Some(StaffRole::Cadre) => {
            let unit = user
                .league_unit_id
                .and_then(|id| state.league.by_id(id))
                .ok_or_else(missing)?;
            if !cadre.covers_unit(unit) {
                return Err(missing());
            }
        }
        Some(StaffRole::BankOfficer) if cadre.is_province() => {}
        _ => return Err(missing()),
    }
    if user.id == cadre.user_id {
        return Err(ApiError::Forbidden(
            "CANNOT_SUSPEND_SELF",
            "不能停用或启用自己的账号".into(),
        ));
    }
    Ok(user)
}

async fn set_disabled(
    state: &AppState,
    user: users::Model,
    disabled: bool,
) -> ApiResult<StaffView> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    users::Entity::update_many()
        .col_expr(users::Column::Disabled, Expr::value(disabled))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    if disabled {
        auth_sessions::Entity::update_many()
            .col_expr(auth_sessions::Column::RevokedAt, Expr::value(now))
            .col_expr(
                auth_sessions::Column::RevokedReason,
                Expr::value("account_suspended"),
            )
            .filter(auth_sessions::Column::UserId.eq(user.id))
            .filter(auth_sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(StaffView::new(
        users::Model { disabled, ..user },
        &state.league,
    ))
}

/// Suspend a staff account and end all its sessions at once. Repeating it changes nothing.
#[utoipa::path(
    tag = "staff",
    operation_id = "suspend_staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The staff account")),
    responses(
        (status = 200, body = StaffView, description = "Suspended (`disabled: true`)"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED, CANNOT_SUSPEND_SELF"),
        (status = 404, body = ErrorEnvelope, description = "No such staff account inside the caller's region")
    )
)]
#[post("/admin/staff/{id}/suspensions")]
#[tracing::instrument(skip(state, cadre), fields(cadre = %cadre.user_id))]
pub async fn suspend_staff(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StaffView>> {
    let user = manageable(&state, &cadre, *id).await?;
    tracing::info!(staff = %user.id, "staff account suspended");
    Ok(web::Json(set_disabled(&state, user, true).await?))
}

/// Reinstate a suspended staff account: the person may log in again.
#[utoipa::path(
    tag = "staff",
    operation_id = "reinstate_staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The staff account")),
    responses(
        (status = 200, body = StaffView, description = "Reinstated (`disabled: false`)"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED, CANNOT_SUSPEND_SELF"),
        (status = 404, body = ErrorEnvelope, description = "No such staff account inside the caller's region")
    )
)]
#[post("/admin/staff/{id}/reinstatements")]
#[tracing::instrument(skip(state, cadre), fields(cadre = %cadre.user_id))]
pub async fn reinstate_staff(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StaffView>> {
    let user = manageable(&state, &cadre, *id).await?;
    tracing::info!(staff = %user.id, "staff account reinstated");
    Ok(web::Json(set_disabled(&state, user, false).await?))
}
