//! Cadres search, read and review the talents of their region.
use actix_web::{get, post, web};
use chrono::Utc;
use entity::talent_profiles;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;
use validator::Validate;

use super::dto::{ReviewDecision, ReviewRequest, TalentFilter, TalentView};
use super::queries::{
    STATUS_PENDING, STATUS_REJECTED, STATUS_VERIFIED, scope_condition, to_views, visible_profile,
};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery};

/// Talents whose home region lies inside the cadre's region, newest first; ID and phone masked.
#[utoipa::path(
    tag = "talents",
    operation_id = "list_talents",
    security(("bearer" = [])),
    params(TalentFilter, PageQuery),
    responses(
        (status = 200, body = Page<TalentView>),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION for a region filter outside the cadre's own"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION, INVALID_VALUE, LENGTH, RANGE")
    )
)]
#[get("/admin/talents")]
#[tracing::instrument(skip(state, cadre, filter, page), fields(cadre = %cadre.user_id))]
pub async fn list_talents(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: web::Query<TalentFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<TalentView>>> {
    let parts = page.parts()?;
    let cond = scope_condition(&state.db, &state.cipher, &cadre, &filter).await?;
    let paginator = talent_profiles::Entity::find()
        .filter(cond)
        .order_by_desc(talent_profiles::Column::Id)
        .paginate(&state.db, parts.1);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(parts.0 - 1).await?;
    let items = to_views(&state.db, &state.cipher, items).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One talent of the cadre's region (outside it: 404, as if it did not exist).
#[utoipa::path(
    tag = "talents",
    operation_id = "get_talent",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Talent profile id")),
    responses(
        (status = 200, body = TalentView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED"),
        (status = 404, body = ErrorEnvelope, description = "No such profile in the cadre's region")
    )
)]
#[get("/admin/talents/{id}")]
#[tracing::instrument(skip(state, cadre), fields(cadre = %cadre.user_id))]
pub async fn get_talent(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TalentView>> {
    let p = visible_profile(&state.db, &cadre, *id).await?;
    let mut views = to_views(&state.db, &state.cipher, vec![p]).await?;
    views
        .pop()
        .map(web::Json)
        .ok_or_else(|| ApiError::not_found("人才信息"))
}

/// Verify or reject a pending profile of the cadre's region.
///
/// `version` must be the revision the cadre looked at: if the youth edited the profile since,
/// the answer is 409 `PROFILE_CHANGED` and nothing changes. A repeated review is 409
/// `INVALID_STATE`. Rejecting needs a reason, which the youth sees.
#[utoipa::path(
    tag = "talents",
    operation_id = "review_talent",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Talent profile id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = TalentView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED"),
        (status = 404, body = ErrorEnvelope, description = "No such profile in the cadre's region"),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: not pending; PROFILE_CHANGED: edited since `version`"),
        (status = 422, body = ErrorEnvelope, description = "reason REQUIRED when rejecting")
    )
)]
#[post("/admin/talents/{id}/reviews")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn review_talent(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: web::Json<ReviewRequest>,
) -> ApiResult<web::Json<TalentView>> {
    use talent_profiles::Column as C;
    body.validate()?;
    let profile = visible_profile(&state.db, &cadre, *id).await?;
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let (status, reason) = match (body.decision, reason) {
        (ReviewDecision::Verify, r) => (STATUS_VERIFIED, r.map(str::to_owned)),
        (ReviewDecision::Reject, Some(r)) => (STATUS_REJECTED, Some(r.to_owned())),
        (ReviewDecision::Reject, None) => {
            return Err(ApiError::field(
                "reason",
                "REQUIRED",
                "驳回时请填写审核意见",
            ));
        }
    };
    let now = Utc::now();
    let written = talent_profiles::Entity::update_many()
        .col_expr(C::Status, Expr::value(status))
        .col_expr(C::ReviewReason, Expr::value(reason))
        .col_expr(C::ReviewedBy, Expr::value(Some(cadre.user_id)))
        .col_expr(C::ReviewedAt, Expr::value(Some(now)))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(profile.id))
        .filter(C::Status.eq(STATUS_PENDING))
        .filter(C::Version.eq(body.version))
        .exec(&state.db)
        .await?
        .rows_affected;
    let after = visible_profile(&state.db, &cadre, profile.id).await?;
    if written == 0 {
        return Err(if after.status != STATUS_PENDING {
            ApiError::Conflict("INVALID_STATE", "该人才信息不在待审核状态".into())
        } else {
            ApiError::Conflict(
                "PROFILE_CHANGED",
                "该人才信息已被本人修改，请刷新后重新审核".into(),
            )
        });
    }
    let mut views = to_views(&state.db, &state.cipher, vec![after]).await?;
    views
        .pop()
        .map(web::Json)
        .ok_or_else(|| ApiError::not_found("人才信息"))
}
