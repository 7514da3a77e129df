//! Youth sign up, see, cancel and accept their places.
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

use super::dto::{EnrollmentView, MyEnrollmentFilter};
use super::rules::{EnrollmentStatus as S, TRAINING_CANCELLED, organiser_regions_above};
use super::seats::{lock_training, release_seat, sign_up, training_link, waitlist_position};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::talents::home_region_of;

async fn view_of(
    db: &impl ConnectionTrait,
    e: enrollments::Model,
    training: &trainings::Model,
) -> ApiResult<EnrollmentView> {
    let position = match (e.status.as_str(), e.waitlist_seq) {
        ("waiting", Some(seq)) => Some(waitlist_position(db, training.id, seq).await?),
        _ => None,
    };
    Ok(EnrollmentView::new(e, training, position))
}

/// Sign up for a training: a seat when one is free, else a place on the waiting list (with the
/// position). Refusals say why.
#[utoipa::path(
    tag = "trainings",
    operation_id = "create_enrollment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = EnrollmentView, description = "status `enrolled`, or `waiting` with `waitlistPosition`"),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, OUTSIDE_TRAINING_REGION, VERIFICATION_REQUIRED"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_ENROLLED, SIGNUP_CLOSED, TRAINING_FULL, TRAINING_CANCELLED, PROFILE_REQUIRED")
    )
)]
#[post("/trainings/{id}/enrollments")]
pub async fn create_enrollment(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let now = Utc::now();
    let training = trainings::Entity::find_by_id(id.into_inner())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    if training.status == TRAINING_CANCELLED {
        return Err(ApiError::Conflict(
            "TRAINING_CANCELLED",
            "该培训已取消".into(),
        ));
    }
    let home = home_region_of(&state.db, user.id()).await?.ok_or_else(|| {
        ApiError::Conflict(
            "PROFILE_REQUIRED",
            "请先填写人才信息（家乡所在地）再报名".into(),
        )
    })?;
    if !organiser_regions_above(&home.region_code).contains(&training.region_code) {
        return Err(ApiError::Forbidden(
            "OUTSIDE_TRAINING_REGION",
            "该培训仅面向主办地区的青年，您的家乡不在其范围内".into(),
        ));
    }
    if training.requires_verified && !home.verified {
        return Err(ApiError::Forbidden(
            "VERIFICATION_REQUIRED",
            "该培训仅限人才信息已审核通过的青年报名".into(),
        ));
    }
    if now > training.signup_deadline {
        return Err(ApiError::Conflict("SIGNUP_CLOSED", "报名已截止".into()));
    }
    let txn = state.db.begin().await?;
    let (enrollment, position) =
        sign_up(&txn, &training, user.id(), &home.region_code, now).await?;
    let link = training_link(training.id);
    let (kind, title, body) = match position {
        None => (
            "training.enrolled",
            "培训报名成功",
            format!("您已成功报名「{}」。", training.title),
        ),
        Some(p) => (
            "training.waiting",
            "已进入候补名单",
            format!(
                "「{}」名额已满，您在候补名单第{p}位；有名额空出时将通知您确认。",
                training.title
            ),
        ),
    };
    let note = notify(&txn, user.id(), kind, title, &body, Some(&link)).await?;
    txn.commit().await?;
    deliver(&state, vec![note]);
    Ok(HttpResponse::Created().json(EnrollmentView::new(enrollment, &training, position)))
}

/// The caller's enrollments, newest first (`completed=true`: their training record).
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_my_enrollments",
    security(("bearer" = [])),
    params(PageQuery, MyEnrollmentFilter),
    responses(
        (status = 200, body = Page<EnrollmentView>),
        (status = 401, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/me/enrollments")]
pub async fn list_my_enrollments(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: web::Query<PageQuery>,
    filter: web::Query<MyEnrollmentFilter>,
) -> ApiResult<web::Json<Page<EnrollmentView>>> {
    let parts = page.parts()?;
    let mut query = enrollments::Entity::find().filter(E::UserId.eq(user.id()));
    if filter.completed == Some(true) {
        query = query.filter(E::CompletedAt.is_not_null());
    }
    let paginator = query
        .find_also_related(trainings::Entity)
        .order_by_desc(E::CreatedAt)
        .order_by_desc(E::Id)
        .paginate(&state.db, parts.1);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for (e, t) in paginator.fetch_page(parts.0 - 1).await? {
        if let Some(t) = t {
            items.push(view_of(&state.db, e, &t).await?);
        }
    }
    Ok(web::Json(Page::new(items, total, parts)))
}

async fn mine(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<enrollments::Model> {
    enrollments::Entity::find_by_id(id)
        .filter(E::UserId.eq(user.id()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("报名记录"))
}

/// Leave a training (enrolled, waiting or offered). A freed seat goes to the next person waiting.
#[utoipa::path(
    tag = "trainings",
    operation_id = "cancel_enrollment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "enrollment id")),
    responses(
        (status = 200, body = EnrollmentView),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: not active any more")
    )
)]
#[post("/me/enrollments/{id}/cancel")]
pub async fn cancel_enrollment(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EnrollmentView>> {
    let now = Utc::now();
    let current = mine(&state.db, &user, id.into_inner()).await?;
    let txn = state.db.begin().await?;
    let training = lock_training(&txn, current.training_id).await?;
    let current = mine(&txn, &user, current.id).await?;
    let status = S::parse(&current.status)
        .filter(|s| s.is_active())
        .ok_or_else(|| ApiError::Conflict("INVALID_STATE", "该报名已不在有效状态".into()))?;
    if current.checked_in_at.is_some() || current.completed_at.is_some() {
        return Err(ApiError::Conflict(
            "INVALID_STATE",
            "已签到的报名不能取消".into(),
        ));
    }
    enrollments::Entity::update_many()
        .col_expr(E::Status, Expr::value(S::Cancelled.as_str()))
        .col_expr(E::CancelledAt, Expr::value(now))
        .col_expr(E::UpdatedAt, Expr::value(now))
        .filter(E::Id.eq(current.id))
        .filter(E::Status.eq(status.as_str()))
        .exec(&txn)
        .await?;
    let sent = if status.holds_seat() {
        release_seat(&txn, training.id, now).await?
    } else {
        Vec::new()
    };
    let current = mine(&txn, &user, current.id).await?;
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(EnrollmentView::new(current, &training, None)))
}

/// Accept a seat offered from the waiting list, before the offer expires.
#[utoipa::path(
    tag = "trainings",
    operation_id = "accept_offer",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "enrollment id")),
    responses(
        (status = 200, body = EnrollmentView),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NO_OFFER: nothing to accept (a repeat after accepting is a 200)"),
        (status = 410, body = ErrorEnvelope, description = "OFFER_LAPSED")
    )
)]
#[post("/me/enrollments/{id}/accept")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EnrollmentView>> {
    let now = Utc::now();
    let current = mine(&state.db, &user, id.into_inner()).await?;
    let accepted = enrollments::Entity::update_many()
        .col_expr(E::Status, Expr::value(S::Enrolled.as_str()))
        .col_expr(E::UpdatedAt, Expr::value(now))
        .filter(E::Id.eq(current.id))
        .filter(E::Status.eq(S::Offered.as_str()))
        .filter(E::OfferExpiresAt.gt(now))
        .exec(&state.db)
        .await?
        .rows_affected
        == 1;
    let current = mine(&state.db, &user, current.id).await?;
    // A repeated accept (a retry on a weak network) gets the same answer.
    if !accepted && current.status != S::Enrolled.as_str() {
        return Err(match current.status.as_str() {
            "offered" | "lapsed" => ApiError::Gone(
                "OFFER_LAPSED",
                "候补名额已过确认时限，已顺延给下一位".into(),
            ),
            _ => ApiError::Conflict("NO_OFFER", "没有待确认的候补名额".into()),
        });
    }
    let training = trainings::Entity::find_by_id(current.training_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    Ok(web::Json(EnrollmentView::new(current, &training, None)))
}
