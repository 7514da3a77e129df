//! The student's daily check-in and check-out with the host's rotating code (`checkin_codes`,
//! purposes `practice-in` / `practice-out`) and a nonce: on the position's practice days,
//! 06:00–22:00 China time, once per China day. The first check-in reports the placement for
//! duty. Practice time is not volunteer service: nothing here touches the hours ledger or the
//! leaderboards.
use actix_web::{HttpRequest, post, web};
use chrono::{DateTime, Utc};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_attendance::{self, AttendanceSource, Column as D};
use entity::practice_positions::{self, PositionStatus};
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::attendance_rules::{PURPOSE_IN, PURPOSE_OUT, attendance_day, capped_minutes};
use super::attendance_sheet::day_view;
use super::dto::AttendanceDayView;
use super::seats;
use super::state::PracticeApplicationAction;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::test_hooks;
use crate::trainings::dto::CheckInRequest;
use crate::workflow::transition::reload;
use crate::workflow::{Actor, Transition};

fn not_placed() -> ApiError {
    ApiError::Conflict(
        "NOT_PLACED",
        "您在该岗位没有已确认的实践安排，不能签到签退".into(),
    )
}

fn nonce_used() -> ApiError {
    ApiError::Conflict("NONCE_USED", "该签到请求标识已被使用，请重新扫码".into())
}

fn already_checked_in() -> ApiError {
    ApiError::Conflict(
        "ALREADY_CHECKED_IN",
        "您今天已签到，每天只能签到一次".into(),
    )
}

/// The published (or closed) position and the caller's placement at it in one of `statuses`.
async fn placement(
    state: &AppState,
    position_id: Uuid,
    user: &CurrentUser,
    statuses: &[ApplicationStatus],
) -> ApiResult<(practice_positions::Model, practice_applications::Model)> {
    let position = practice_positions::Entity::find_by_id(position_id)
        .one(&state.db)
        .await?
        .filter(|p| p.status != PositionStatus::Draft)
        .ok_or_else(|| ApiError::not_found("实践岗位"))?;
    let mine = practice_applications::Entity::find()
        .filter(A::PositionId.eq(position.id))
        .filter(A::StudentUserId.eq(user.id()))
        .filter(A::Status.is_in(statuses.iter().copied()))
        .one(&state.db)
        .await?
        .ok_or_else(not_placed)?;
    Ok((position, mine))
}

/// The day a nonce already answered, if any: the same day → that answer; another day → 409.
fn replay(
    first: practice_attendance::Model,
    day: Option<chrono::NaiveDate>,
) -> ApiResult<AttendanceDayView> {
    if day.is_some_and(|d| d != first.day) {
        return Err(nonce_used());
    }
    Ok(day_view(first))
}

async fn by_nonce(
    state: &AppState,
    application: Uuid,
    column: D,
    nonce: &str,
) -> ApiResult<Option<practice_attendance::Model>> {
    Ok(practice_attendance::Entity::find()
        .filter(D::ApplicationId.eq(application))
        .filter(column.eq(nonce))
        .one(&state.db)
        .await?)
}

async fn check_in(
    state: &AppState,
    user: &CurrentUser,
    position_id: Uuid,
    body: &CheckInRequest,
    now: DateTime<Utc>,
) -> ApiResult<AttendanceDayView> {
    use ApplicationStatus as S;
    let (position, mine) = placement(state, position_id, user, &[S::Confirmed, S::OnDuty]).await?;
    let nonce = body.nonce.trim();
    let day = attendance_day(now, position.starts_on, position.ends_on);
    // A retry of a check-in that went through answers it again, whatever the code is now.
    if let Some(first) = by_nonce(state, mine.id, D::CheckInNonce, nonce).await? {
        return replay(first, day.ok());
    }
    state
        .checkin_codes
        .verify(PURPOSE_IN, position.id, &body.code, now)?;
    let day = day?;
    let txn = crate::db::begin(&state.db).await?;
    // The day's row first: of two check-ins the same day, the second waits here and finds the
    // first (unique per placement and day).
    let inserted = practice_attendance::Entity::insert(practice_attendance::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(mine.id),
        day: Set(day),
        check_in_at: Set(Some(now)),
        check_in_nonce: Set(Some(nonce.to_owned())),
        check_out_at: Set(None),
        check_out_nonce: Set(None),
        minutes: Set(None),
        source: Set(AttendanceSource::Code),
        confirmed_by: Set(None),
        confirmed_by_kind: Set(None),
        confirmed_at: Set(None),
        reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([D::ApplicationId, D::Day])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        txn.rollback().await?;
        // The same nonce landed concurrently (a retry racing the first attempt)?
        return match by_nonce(state, mine.id, D::CheckInNonce, nonce).await? {
            Some(first) => replay(first, Some(day)),
            None => Err(already_checked_in()),
        };
    }
    if mine.status == S::Confirmed {
        // The first check-in is the report for duty (报到).
        let actor = Actor::person(user.id(), ActorKind::Student);
        let moved = Transition::new(&mine, PracticeApplicationAction::ReportForDuty, &actor)
            .set(A::StartedAt, Expr::value(now))
            .set(A::UpdatedAt, Expr::value(now))
            .attempt(&txn)
            .await?;
        if moved.is_some() {
            if let Some(unit) = state.league.owner(&mine.region_code) {
                seats::count_placed(&txn, mine.campaign_id, &unit.code, 1).await?;
            }
        } else {
            // The host reported the student for duty meanwhile; anything else ended it.
            let now_is = reload::<practice_applications::Model>(&txn, mine.id).await?;
            if now_is.status != S::OnDuty {
                txn.rollback().await?;
                return Err(not_placed());
            }
        }
    }
    let row = practice_attendance::Entity::find()
        .filter(D::ApplicationId.eq(mine.id))
        .filter(D::Day.eq(day))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("check-in not stored")))?;
    txn.commit().await?;
    Ok(day_view(row))
}

async fn check_out(
    state: &AppState,
    user: &CurrentUser,
    position_id: Uuid,
    body: &CheckInRequest,
    now: DateTime<Utc>,
) -> ApiResult<AttendanceDayView> {
    let (position, mine) =
        placement(state, position_id, user, &[ApplicationStatus::OnDuty]).await?;
    let nonce = body.nonce.trim();
    let day = attendance_day(now, position.starts_on, position.ends_on);
    if let Some(first) = by_nonce(state, mine.id, D::CheckOutNonce, nonce).await? {
        return replay(first, day.ok());
    }
    state
        .checkin_codes
        .verify(PURPOSE_OUT, position.id, &body.code, now)?;
    let day = day?;
    let today = practice_attendance::Entity::find()
        .filter(D::ApplicationId.eq(mine.id))
        .filter(D::Day.eq(day))
        .one(&state.db)
        .await?;
    let Some((row, checked_in)) = today.and_then(|r| r.check_in_at.map(|at| (r, at))) else {
        return Err(ApiError::Conflict(
            "NOT_CHECKED_IN",
            "您今天还没有签到，不能签退".into(),
        ));
    };
    let minutes = capped_minutes(checked_in, now, position.daily_hours);
    let hit = practice_attendance::Entity::update_many()
        .col_expr(D::CheckOutAt, Expr::value(now))
        .col_expr(D::CheckOutNonce, Expr::value(nonce))
        .col_expr(D::UpdatedAt, Expr::value(now))
        .col_expr(D::Minutes, Expr::value(minutes))
        .filter(D::Id.eq(row.id))
        .filter(D::CheckOutAt.is_null())
        // A day the host confirmed by hand keeps its minutes.
        .filter(D::ConfirmedBy.is_null())
        .exec(&state.db)
        .await?
        .rows_affected;
    let row = practice_attendance::Entity::find_by_id(row.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("attendance row vanished")))?;
    if hit == 0 {
        if row.check_out_nonce.as_deref() == Some(nonce) {
            return Ok(day_view(row));
        }
        return Err(ApiError::Conflict(
            "ALREADY_CHECKED_OUT",
            "您今天已签退（或当日出勤已由接收单位确认）".into(),
        ));
    }
    Ok(day_view(row))
}

/// Check in for today's practice with the host's current code (the first check-in is the
/// report for duty). The same nonce again returns the original check-in.
#[utoipa::path(
    tag = "practice",
    operation_id = "create_practice_check_in",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The position")),
    request_body = CheckInRequest,
    responses(
        (status = 200, body = AttendanceDayView, description = "checked in (or the same nonce again the same day: the original check-in)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_PLACED, OUTSIDE_PRACTICE_DATES, OUTSIDE_TIME_WINDOW (06:00–22:00 China time), ALREADY_CHECKED_IN, NONCE_USED (a nonce of another day)"),
        (status = 410, body = ErrorEnvelope, description = "CODE_EXPIRED: scan the current code"),
        (status = 422, body = ErrorEnvelope, description = "code: CODE_INVALID")
    )
)]
#[post("/practice/positions/{id}/check-ins")]
pub async fn create_practice_check_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CheckInRequest>,
) -> ApiResult<web::Json<AttendanceDayView>> {
    let now = test_hooks::now(&req);
    Ok(web::Json(check_in(&state, &user, *id, &body, now).await?))
}

/// Check out with the host's current check-out code: the day's minutes are check-out −
/// check-in, capped at the position's daily hours. The same nonce again returns the original.
#[utoipa::path(
    tag = "practice",
    operation_id = "create_practice_check_out",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The position")),
    request_body = CheckInRequest,
    responses(
        (status = 200, body = AttendanceDayView, description = "checked out (or the same nonce again the same day: the original check-out)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_PLACED, OUTSIDE_PRACTICE_DATES, OUTSIDE_TIME_WINDOW, NOT_CHECKED_IN, ALREADY_CHECKED_OUT, NONCE_USED"),
        (status = 410, body = ErrorEnvelope, description = "CODE_EXPIRED: scan the current code"),
        (status = 422, body = ErrorEnvelope, description = "code: CODE_INVALID")
    )
)]
#[post("/practice/positions/{id}/check-outs")]
pub async fn create_practice_check_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CheckInRequest>,
) -> ApiResult<web::Json<AttendanceDayView>> {
    let now = test_hooks::now(&req);
    Ok(web::Json(check_out(&state, &user, *id, &body, now).await?))
}
