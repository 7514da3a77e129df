//! Check-in by a rotating signed code: the organiser shows it, an enrolled youth submits it with
//! a nonce. The nonce is unique per training (database index), so a re-upload returns the first
//! check-in instead of making a second one.
use actix_web::{get, post, web};
use chrono::Utc;
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::admin::find_visible;
use super::dto::{CheckInCodeView, CheckInRequest, CheckInView};
use super::rules::{CHECKIN_PURPOSE, EnrollmentStatus as S, TrainingStatus, check_in_window};
use super::state::EnrollmentAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::checkin_codes::ROTATION_SECS;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::time::to_china;
use crate::workflow::{Actor, Transition};

/// The current check-in code of a training, to show as a QR code (fetch again when it expires).
#[utoipa::path(
    tag = "trainings",
    operation_id = "get_check_in_code",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CheckInCodeView),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings/{id}/check-in-code")]
pub async fn get_check_in_code(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CheckInCodeView>> {
    let training = find_visible(&state.db, &cadre, id.into_inner()).await?;
    let issued = state
        .checkin_codes
        .issue(CHECKIN_PURPOSE, training.id, Utc::now());
    Ok(web::Json(CheckInCodeView {
        code: issued.code,
        expires_at: to_china(issued.expires_at),
        rotation_seconds: ROTATION_SECS,
    }))
}

fn view(e: &enrollments::Model) -> Option<CheckInView> {
    Some(CheckInView {
        training_id: e.training_id,
        enrollment_id: e.id,
        checked_in_at: to_china(e.checked_in_at?),
        nonce: e.check_in_nonce.clone()?,
    })
}

/// Check in to a training with the organiser's current code. The same nonce again returns the
/// original check-in; refusals say why.
#[utoipa::path(
    tag = "trainings",
    operation_id = "create_check_in",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CheckInRequest,
    responses(
        (status = 200, body = CheckInView, description = "checked in (or the same nonce again: the original check-in)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_ENROLLED, ALREADY_CHECKED_IN, OUTSIDE_TIME_WINDOW, TRAINING_CANCELLED, NONCE_USED"),
        (status = 410, body = ErrorEnvelope, description = "CODE_EXPIRED: scan the current code"),
        (status = 422, body = ErrorEnvelope, description = "code: CODE_INVALID")
    )
)]
#[post("/trainings/{id}/check-ins")]
pub async fn create_check_in(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CheckInRequest>,
) -> ApiResult<web::Json<CheckInView>> {
    let now = Utc::now();
    let training = trainings::Entity::find_by_id(id.into_inner())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    let nonce = body.nonce.trim();
    let by_nonce = |nonce: &str| {
        enrollments::Entity::find()
            .filter(E::TrainingId.eq(training.id))
            .filter(E::CheckInNonce.eq(nonce))
            .one(&state.db)
    };
    if let Some(first) = by_nonce(nonce).await? {
        return replay(&first, &user);
    }
    if training.status == TrainingStatus::Cancelled {
        return Err(ApiError::Conflict(
            "TRAINING_CANCELLED",
            "该培训已取消".into(),
        ));
    }
    state
        .checkin_codes
        .verify(CHECKIN_PURPOSE, training.id, &body.code, now)?;
    check_in_window(training.starts_at, training.ends_at, now)
        .map_err(|why| ApiError::Conflict("OUTSIDE_TIME_WINDOW", why.into()))?;
    let mine = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training.id))
        .filter(E::UserId.eq(user.id()))
        .filter(E::Status.eq(S::Enrolled))
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(
                "NOT_ENROLLED",
                "您未报名该培训（或报名未确认），不能签到".into(),
            )
        })?;
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let done = Transition::new(&mine, EnrollmentAction::CheckIn, &actor)
        .only_if(E::CheckedInAt.is_null())
        .set(E::CheckedInAt, Expr::value(now))
        .set(E::CheckInNonce, Expr::value(nonce))
        .set(E::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .or_else(|e| {
            Some(if e.checked_in_at.is_some() {
                ApiError::Conflict("ALREADY_CHECKED_IN", "您已签到，无需重复签到".into())
            } else {
                ApiError::Conflict(
                    "NOT_ENROLLED",
                    "您未报名该培训（或报名未确认），不能签到".into(),
                )
            })
        })
        .run(&txn)
        .await;
    let row = match done {
        Ok(applied) => {
            txn.commit().await?;
            applied.into_record()
        }
        // The same nonce landed concurrently (a retry racing the first attempt); on PostgreSQL
        // the failed insert ended the transaction, so look from outside it.
        Err(ApiError::Conflict("DUPLICATE", m)) => {
            txn.rollback().await?;
            return match by_nonce(nonce).await? {
                Some(first) => replay(&first, &user),
                None => Err(ApiError::Conflict("DUPLICATE", m)),
            };
        }
        Err(e) => return Err(e),
    };
    view(&row)
        .map(web::Json)
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("check-in not stored")))
}

fn replay(first: &enrollments::Model, user: &CurrentUser) -> ApiResult<web::Json<CheckInView>> {
    if first.user_id != user.id() {
        return Err(ApiError::Conflict(
            "NONCE_USED",
            "该签到请求标识已被使用，请重新扫码".into(),
        ));
    }
    view(first)
        .map(web::Json)
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("check-in without time")))
}
