//! Cadres search, read and review the talents of their region.
use actix_web::{get, post, web};
use chrono::Utc;
use entity::notifications::NotificationKind;
use entity::talent_profiles;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{TalentDetailView, TalentFilter, TalentView};
use super::queries::{PROFILE_PAGE, detail, scope_condition, to_views, visible_profile};
use super::state::ProfileAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::workflow::{Actor, ReviewDecision, ReviewRequest, Transition};

/// Talents whose home region lies inside the cadre's region, newest first; ID and phone masked.
#[utoipa::path(
    tag = "talents",
    operation_id = "list_talents",
    security(("bearer" = [])),
    params(TalentFilter, PageQuery),
    responses(
        (status = 200, body = Page<TalentView>),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION for a region filter outside the cadre's own"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION, INVALID_VALUE, LENGTH, RANGE")
    )
)]
#[get("/admin/talents")]
#[tracing::instrument(skip(state, cadre, filter, page), fields(cadre = %cadre.user_id))]
pub async fn list_talents(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<TalentFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<TalentView>>> {
    let parts = page.parts()?;
    let cond = scope_condition(&state.db, &state.cipher, &cadre, &filter).await?;
    let (items, total) = crate::pagination::page_rows(
        talent_profiles::Entity::find()
            .filter(cond)
            .order_by_desc(talent_profiles::Column::Id),
        &state.db,
        parts,
    )
    .await?;
    let items = to_views(&state.db, &state.cipher, items).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One talent of the cadre's region (outside it: 404, as if it did not exist), with its
/// timeline.
#[utoipa::path(
    tag = "talents",
    operation_id = "get_talent",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Talent profile id")),
    responses(
        (status = 200, body = TalentDetailView),
        (status = 404, body = ErrorEnvelope, description = "No such profile in the cadre's region")
    )
)]
#[get("/admin/talents/{id}")]
#[tracing::instrument(skip(state, cadre), fields(cadre = %cadre.user_id))]
pub async fn get_talent(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TalentDetailView>> {
    let p = visible_profile(&state.db, &cadre, *id).await?;
    Ok(web::Json(detail(&state.db, &state.cipher, p).await?))
}

/// Verify or reject a pending profile of the cadre's region (conventions §2).
///
/// `version` must be the revision the cadre looked at: if the youth edited the profile since,
/// the answer is 409 `PROFILE_CHANGED` and nothing changes. The same cadre repeating the same
/// decision gets 200 with the profile; any other review of a profile no longer pending is 409
/// `INVALID_STATE`. Rejecting needs a reason, which the youth sees; the youth is notified.
#[utoipa::path(
    tag = "talents",
    operation_id = "review_talent",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Talent profile id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = TalentDetailView),
        (status = 404, body = ErrorEnvelope, description = "No such profile in the cadre's region"),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: not pending; PROFILE_CHANGED: edited since `version`"),
        (status = 422, body = ErrorEnvelope, description = "reason REQUIRED when rejecting, LENGTH; version REQUIRED")
    )
)]
#[post("/admin/talents/{id}/reviews")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn review_talent(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> ApiResult<web::Json<TalentDetailView>> {
    use talent_profiles::Column as C;
    let decision = body.decision()?;
    let seen = body.required_version()?;
    let actor = Actor::cadre(&cadre);
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let profile = visible_profile(&txn, &cadre, *id).await?;
    let action = if decision.approved() {
        ProfileAction::Verify
    } else {
        ProfileAction::Reject
    };
    let reason = decision.reason().map(str::to_owned);
    let applied = Transition::new(&profile, action, &actor)
        .seen(Some(seen))
        .set(C::ReviewReason, Expr::value(reason.clone()))
        .set(C::ReviewedBy, Expr::value(Some(cadre.user_id)))
        .set(C::ReviewedAt, Expr::value(Some(now)))
        .reason(reason.clone())
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        let (kind, title, text) = match &decision {
            ReviewDecision::Approve(_) => (
                NotificationKind::TalentVerified,
                "人才信息已认定",
                "您的青年人才库登记信息已通过审核认定。".to_owned(),
            ),
            ReviewDecision::Reject(r) => (
                NotificationKind::TalentRejected,
                "人才信息未通过审核",
                format!("审核意见：{r}。请修改后重新提交。"),
            ),
        };
        sent.push(
            notify(
                &txn,
                profile.user_id,
                kind,
                title,
                &text,
                Some(PROFILE_PAGE),
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        detail(&state.db, &state.cipher, applied.into_record()).await?,
    ))
}
