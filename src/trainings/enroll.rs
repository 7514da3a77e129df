//! Youth sign up, see, cancel and accept their places.
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::notifications::NotificationKind;
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::dto::{EnrollmentView, MyEnrollmentFilter};
use super::rules::{EnrollmentStatus as S, TrainingStatus, organiser_regions_above};
use super::seats::{lock_training, release_seat, sign_up, training_link};
use super::state::{EnrollmentAction, holds_seat};
use crate::app_state::AppState;
use crate::auth::{CurrentUser, InlineSession};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::notifications::{deliver, notify};
use crate::pagination::{EXTRA, Page, PageQuery, TOTAL, WithExtra, total_column};
use crate::talents::{home_region_of, profile_required};
use crate::workflow::{Actor, Transition};

/// People before a waiting enrollment on its training's list (what `waitlist_position` counts),
/// as a column of the listing statement.
const AHEAD_ON_WAITLIST: &str = "CASE WHEN training_enrollments.status = 'waiting' THEN \
     (SELECT COUNT(*) FROM training_enrollments AS ahead \
      WHERE ahead.training_id = training_enrollments.training_id \
        AND ahead.status = 'waiting' \
        AND ahead.waitlist_seq < training_enrollments.waitlist_seq) ELSE 0 END";

/// Sign up for a training: a seat when one is free, else a place on the waiting list (with the
/// position). Refusals say why.
#[utoipa::path(
    tag = "trainings",
    operation_id = "create_enrollment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = EnrollmentView, description = "status `enrolled`, or `waiting` with `waitlistPosition`"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, OUTSIDE_TRAINING_REGION, VERIFICATION_REQUIRED"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_ENROLLED, SIGNUP_CLOSED, TRAINING_FULL, TRAINING_CANCELLED, TALENT_PROFILE_REQUIRED")
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
    if training.status == TrainingStatus::Cancelled {
        return Err(ApiError::Conflict(
            "TRAINING_CANCELLED",
            "该培训已取消".into(),
        ));
    }
    let home = home_region_of(&state.db, user.id())
        .await?
        .ok_or_else(profile_required)?;
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
    let txn = crate::db::begin(&state.db).await?;
    let (enrollment, position) =
        sign_up(&txn, &training, user.id(), &home.region_code, now).await?;
    let link = training_link(training.id);
    let (kind, title, body) = match position {
        None => (
            NotificationKind::TrainingEnrolled,
            "培训报名成功",
            format!("您已成功报名「{}」。", training.title),
        ),
        Some(p) => (
            NotificationKind::TrainingWaiting,
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
    Ok(HttpResponse::Created().json(EnrollmentView::new(enrollment, &training, position, now)))
}

/// The caller's enrollments, newest first (`completed=true`: their training record).
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_my_enrollments",
    security(("bearer" = [])),
    params(PageQuery, MyEnrollmentFilter),
    responses(
        (status = 200, body = Page<EnrollmentView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/me/enrollments")]
pub async fn list_my_enrollments(
    state: web::Data<AppState>,
    user: InlineSession,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<MyEnrollmentFilter>,
) -> ApiResult<web::Json<Page<EnrollmentView>>> {
    user.settle(my_enrollments(&state, &user, &page, &filter))
        .await
        .map(web::Json)
}

/// The body of [`list_my_enrollments`]: the page, and whether its statement returned rows.
async fn my_enrollments(
    state: &AppState,
    user: &InlineSession,
    page: &PageQuery,
    filter: &MyEnrollmentFilter,
) -> ApiResult<(Page<EnrollmentView>, bool)> {
    let parts = page.parts()?;
    let mut query = enrollments::Entity::find()
        .filter(E::UserId.eq(user.user_id))
        .filter(user.is_live());
    if filter.completed == Some(true) {
        query = query.filter(E::CompletedAt.is_not_null());
    }
    // The page, its trainings, the total and every waiting place's position: one statement,
    // whatever the page size.
    let rows: Vec<(WithExtra<enrollments::Model>, Option<trainings::Model>)> = query
        .clone()
        .find_also_related(trainings::Entity)
        .column_as(total_column(), TOTAL)
        .column_as(Expr::cust(AHEAD_ON_WAITLIST), EXTRA)
        .order_by_desc(E::CreatedAt)
        .order_by_desc(E::Id)
        .offset((parts.0 - 1) * parts.1)
        .limit(parts.1)
        .into_model()
        .all(&state.db)
        .await?;
    let found = !rows.is_empty();
    let total = match rows.first() {
        Some((r, _)) => r.row.total.max(0) as u64,
        None if parts.0 <= 1 => 0,
        None => query.count(&state.db).await?,
    };
    let now = Utc::now();
    let items = rows
        .into_iter()
        .filter_map(|(r, t)| {
            let t = t?;
            let e = r.row.row;
            let position = (e.status == S::Waiting && e.waitlist_seq.is_some())
                .then(|| r.extra.max(0) as u64 + 1);
            Some(EnrollmentView::new(e, &t, position, now))
        })
        .collect();
    Ok((Page::new(items, total, parts), found))
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

/// Leave a training (enrolled, waiting or offered). A freed seat goes to the next person
/// waiting. Repeating it is a 200 with the enrollment as it is.
#[utoipa::path(
    tag = "trainings",
    operation_id = "cancel_enrollment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "enrollment id")),
    responses(
        (status = 200, body = EnrollmentView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: not active any more, or checked in")
    )
)]
#[post("/me/enrollments/{id}/cancellations")]
pub async fn cancel_enrollment(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EnrollmentView>> {
    let now = Utc::now();
    let current = mine(&state.db, &user, id.into_inner()).await?;
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let training = lock_training(&txn, current.training_id).await?;
    let current = mine(&txn, &user, current.id).await?;
    let applied = Transition::new(&current, EnrollmentAction::Cancel, &actor)
        .only_if(E::CheckedInAt.is_null())
        .only_if(E::CompletedAt.is_null())
        .set(E::CancelledAt, Expr::value(now))
        .set(E::UpdatedAt, Expr::value(now))
        .or_else(|e| {
            (e.checked_in_at.is_some() || e.completed_at.is_some())
                .then(|| ApiError::Conflict("INVALID_STATE", "已签到的报名不能取消".into()))
        })
        .run(&txn)
        .await?;
    let sent = if applied.is_done() && holds_seat(current.status) {
        release_seat(&txn, training.id, now).await?
    } else {
        Vec::new()
    };
    let training = lock_training(&txn, training.id).await?;
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(EnrollmentView::new(
        applied.into_record(),
        &training,
        None,
        now,
    )))
}

/// Accept a seat offered from the waiting list, before the offer expires. Repeating it is a 200.
#[utoipa::path(
    tag = "trainings",
    operation_id = "accept_offer",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "enrollment id")),
    responses(
        (status = 200, body = EnrollmentView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NO_OFFER: nothing to accept"),
        (status = 410, body = ErrorEnvelope, description = "OFFER_LAPSED")
    )
)]
#[post("/me/enrollments/{id}/acceptances")]
pub async fn accept_offer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EnrollmentView>> {
    let now = Utc::now();
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let current = mine(&txn, &user, id.into_inner()).await?;
    let applied = Transition::new(&current, EnrollmentAction::Accept, &actor)
        .only_if(E::OfferExpiresAt.gt(now))
        .set(E::UpdatedAt, Expr::value(now))
        .or_else(|e| {
            Some(match e.status {
                S::Offered | S::Lapsed => ApiError::Gone(
                    "OFFER_LAPSED",
                    "候补名额已过确认时限，已顺延给下一位".into(),
                ),
                _ => ApiError::Conflict("NO_OFFER", "没有待确认的候补名额".into()),
            })
        })
        .run(&txn)
        .await?;
    txn.commit().await?;
    let training = trainings::Entity::find_by_id(current.training_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    Ok(web::Json(EnrollmentView::new(
        applied.into_record(),
        &training,
        None,
        now,
    )))
}
