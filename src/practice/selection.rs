//! Selection (双向选择) by the host unit's supervisor or, alongside or instead of them, a cadre
//! of the position's local unit: offer a seat (taken in the same transaction, 409
//! `POSITION_FULL`), reject with a reason, report a placement for duty, drop it after the start
//! (the seat stays taken).
use actix_web::{post, web};
use chrono::{DateTime, Duration, Utc};
use entity::host_units::{self, HostStatus};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus, Column as A, DeciderKind};
use entity::practice_campaigns;
use entity::practice_positions;
use entity::workflow_events::ActorKind;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Expr;
use uuid::Uuid;

use super::dto::{DecisionReasonRequest, StaffApplicationDetailView, VersionRequest};
use super::endings::{MY_PAGE, end_sharing, practice_started, release_held};
use super::seats;
use super::state::PracticeApplicationAction;
use super::views::{Reader, staff_detail};
use crate::app_state::AppState;
use crate::auth::{Cadre, HostSupervisor};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::time::{start_of_day, to_china, today_in_china};
use crate::workflow::transition::reload;
use crate::workflow::{Actor, Applied, Subject, Transition};

/// Who selects.
pub enum Selector<'a> {
    Host(&'a HostSupervisor),
    Cadre(&'a Cadre),
}

impl Selector<'_> {
    pub(super) fn actor(&self) -> Actor {
        match self {
            Self::Host(h) => Actor::person(h.user.id(), ActorKind::Host),
            Self::Cadre(c) => Actor::cadre(c),
        }
    }

    pub(super) fn kind(&self) -> DeciderKind {
        match self {
            Self::Host(_) => DeciderKind::Host,
            Self::Cadre(_) => DeciderKind::Cadre,
        }
    }

    pub(super) fn user_id(&self) -> Uuid {
        match self {
            Self::Host(h) => h.user.id(),
            Self::Cadre(c) => c.user_id,
        }
    }

    pub(super) fn reader(&self) -> Reader {
        match self {
            Self::Host(_) => Reader::Host,
            Self::Cadre(_) => Reader::LocalCadre,
        }
    }

    /// The application the selector may act on: a supervisor's own host's (else 404; a
    /// suspended host's: 403 `HOST_SUSPENDED`), a cadre's local unit's (404 outside the unit,
    /// 403 `LOCAL_UNIT_ONLY` above the local unit).
    pub(super) async fn find(
        &self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> ApiResult<practice_applications::Model> {
        let a = reload::<practice_applications::Model>(db, id).await;
        match self {
            Self::Host(h) => {
                let a = a
                    .ok()
                    .filter(|a| h.supervises(a.host_unit_id))
                    .ok_or_else(|| ApiError::not_found(practice_applications::Model::NAME))?;
                let host = reload::<host_units::Model>(db, a.host_unit_id).await?;
                if host.status == HostStatus::Suspended {
                    return Err(ApiError::Forbidden(
                        "HOST_SUSPENDED",
                        "接收单位已被暂停，暂不能办理，请联系当地团组织".into(),
                    ));
                }
                Ok(a)
            }
            Self::Cadre(c) => {
                let a = a?;
                c.ensure_visible(&a.region_code, practice_applications::Model::NAME)?;
                c.ensure_local_unit(&a.region_code)?;
                Ok(a)
            }
        }
    }
}

fn not_started() -> ApiError {
    ApiError::Conflict("PRACTICE_NOT_STARTED", "岗位实践尚未开始".into())
}

/// The position and campaign of an application.
async fn context(
    db: &impl ConnectionTrait,
    a: &practice_applications::Model,
) -> ApiResult<(practice_positions::Model, practice_campaigns::Model)> {
    let p = reload::<practice_positions::Model>(db, a.position_id).await?;
    let c = reload::<practice_campaigns::Model>(db, a.campaign_id).await?;
    Ok((p, c))
}

/// Until when an offer made `now` may be confirmed: `offer_valid_hours` later, never past the
/// start of the practice's first day.
pub fn offer_expiry(
    now: DateTime<Utc>,
    valid_hours: i32,
    starts_on: chrono::NaiveDate,
) -> DateTime<Utc> {
    (now + Duration::hours(valid_hours.into())).min(start_of_day(starts_on))
}

async fn respond(
    state: &AppState,
    sel: &Selector<'_>,
    a: practice_applications::Model,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    Ok(web::Json(staff_detail(state, a, sel.reader()).await?))
}

pub async fn offer(
    state: &AppState,
    sel: Selector<'_>,
    id: Uuid,
    body: &VersionRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = Utc::now();
    let actor = sel.actor();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let (position, campaign) = context(&txn, &current).await?;
    if current.status == ApplicationStatus::Submitted {
        if today_in_china(now) >= position.starts_on {
            return Err(practice_started());
        }
        // Lock order: the position (its seat counter), then the application.
        seats::take_seat(&txn, position.id).await?;
    }
    let expires = offer_expiry(now, campaign.offer_valid_hours, position.starts_on);
    let applied = Transition::new(&current, PracticeApplicationAction::Offer, &actor)
        .seen(body.version)
        .set(A::OfferExpiresAt, Expr::value(expires))
        .set(A::OfferedAt, Expr::value(now))
        .set(A::DecidedBy, Expr::value(sel.user_id()))
        .set(
            A::DecidedByKind,
            Expr::value(crate::choices::code(sel.kind())),
        )
        .set(A::UpdatedAt, Expr::value(now))
        .payload(body)
        .run(&txn)
        .await?;
    let record = match applied {
        Applied::Done { record, .. } => record,
        // Nothing changed: give back the seat this call took by rolling back.
        Applied::Repeated(same) => {
            txn.rollback().await?;
            return respond(state, &sel, same).await;
        }
    };
    let sent = vec![
        notify(
            &txn,
            record.student_user_id,
            NotificationKind::PracticeOffered,
            "实践岗位录用通知",
            &format!(
                "您报名的岗位“{}”已录用您，请在{}前确认是否参加，逾期录用失效。",
                position.title,
                to_china(expires).format("%Y-%m-%d %H:%M")
            ),
            Some(MY_PAGE),
        )
        .await?,
    ];
    txn.commit().await?;
    deliver(state, sent);
    respond(state, &sel, record).await
}

pub async fn reject(
    state: &AppState,
    sel: Selector<'_>,
    id: Uuid,
    body: &DecisionReasonRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = Utc::now();
    let actor = sel.actor();
    let reason = body.reason.trim();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let (position, _) = context(&txn, &current).await?;
    // The open count first (lock order); rolled back below unless the application moves.
    if current.status == ApplicationStatus::Submitted {
        release_held(&txn, &current).await?;
    }
    let applied = Transition::new(&current, PracticeApplicationAction::Reject, &actor)
        .seen(body.version)
        .set(A::DecisionReason, Expr::value(reason))
        .set(A::DecidedBy, Expr::value(sel.user_id()))
        .set(
            A::DecidedByKind,
            Expr::value(crate::choices::code(sel.kind())),
        )
        .set(A::EndedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .payload(body)
        .run(&txn)
        .await?;
    let record = match applied {
        Applied::Done { record, .. } => record,
        Applied::Repeated(same) => {
            txn.rollback().await?;
            return respond(state, &sel, same).await;
        }
    };
    end_sharing(&txn, record.id, now).await?;
    let note = notify(
        &txn,
        record.student_user_id,
        NotificationKind::PracticeRejected,
        "实践岗位报名结果",
        &format!(
            "很遗憾，您报名的岗位“{}”未能录用您：{reason}。欢迎报名其他岗位。",
            position.title
        ),
        Some(MY_PAGE),
    )
    .await?;
    txn.commit().await?;
    deliver(state, vec![note]);
    respond(state, &sel, record).await
}

pub async fn drop_placement(
    state: &AppState,
    sel: Selector<'_>,
    id: Uuid,
    body: &DecisionReasonRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = Utc::now();
    let actor = sel.actor();
    let reason = body.reason.trim();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let (position, _) = context(&txn, &current).await?;
    if current.status == ApplicationStatus::Confirmed && today_in_china(now) < position.starts_on {
        return Err(not_started());
    }
    // The seat stays taken and the placement counted: only the 优秀 base shrinks. The counter
    // row first (conventions §6, as an evaluation takes it), rolled back below unless the
    // application moves.
    if current.status == ApplicationStatus::OnDuty
        && let Some(unit) = state.league.owner(&current.region_code)
    {
        seats::count_placed(&txn, current.campaign_id, &unit.code, -1).await?;
    }
    let applied = Transition::new(&current, PracticeApplicationAction::Drop, &actor)
        .seen(body.version)
        .set(A::DroppedReason, Expr::value(reason))
        .set(A::EndedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .payload(body)
        .run(&txn)
        .await?;
    if !applied.is_done() {
        txn.rollback().await?;
        return respond(state, &sel, applied.into_record()).await;
    }
    end_sharing(&txn, current.id, now).await?;
    let note = notify(
        &txn,
        current.student_user_id,
        NotificationKind::PracticeDropped,
        "实践岗位退出通知",
        &format!("您在岗位“{}”的实践已办理退出：{reason}。", position.title),
        Some(MY_PAGE),
    )
    .await?;
    txn.commit().await?;
    deliver(state, vec![note]);
    respond(state, &sel, applied.into_record()).await
}

pub async fn report_duty(
    state: &AppState,
    sel: Selector<'_>,
    id: Uuid,
    body: &VersionRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = Utc::now();
    let actor = sel.actor();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let (position, _) = context(&txn, &current).await?;
    if current.status == ApplicationStatus::Confirmed && today_in_china(now) < position.starts_on {
        return Err(not_started());
    }
    let applied = Transition::new(&current, PracticeApplicationAction::ReportForDuty, &actor)
        .seen(body.version)
        .set(A::StartedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .payload(body)
        .run(&txn)
        .await?;
    if applied.is_done()
        && let Some(unit) = state.league.owner(&current.region_code)
    {
        seats::count_placed(&txn, current.campaign_id, &unit.code, 1).await?;
    }
    txn.commit().await?;
    respond(state, &sel, applied.into_record()).await
}

/// Offer the applicant a seat (before the practice starts): the seat is taken at once (409
/// `POSITION_FULL` when none is left) and the student has until `offerExpiresAt`
/// (`offer_valid_hours`, never past the start) to confirm.
#[utoipa::path(
    tag = "practice",
    operation_id = "offer_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "POSITION_FULL, PRACTICE_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/me/host/applications/{id}/offers")]
pub async fn offer_practice_position(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    offer(&state, Selector::Host(&host), *id, &body).await
}

/// Offer the applicant a seat (before the practice starts): the seat is taken at once (409
/// `POSITION_FULL` when none is left) and the student has until `offerExpiresAt`
/// (`offer_valid_hours`, never past the start) to confirm.
/// (A cadre of the position's local unit, alongside or instead of the host.)
#[utoipa::path(
    tag = "practice",
    operation_id = "offer_practice_position_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "POSITION_FULL, PRACTICE_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/practice/applications/{id}/offers")]
pub async fn offer_practice_position_by_cadre(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    offer(&state, Selector::Cadre(&cadre), *id, &body).await
}

/// Reject an application with a reason (2–200 characters), shown to the student.
#[utoipa::path(
    tag = "practice",
    operation_id = "reject_practice_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionReasonRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/host/applications/{id}/rejections")]
pub async fn reject_practice_application(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<DecisionReasonRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    reject(&state, Selector::Host(&host), *id, &body).await
}

/// Reject an application with a reason (2–200 characters), shown to the student.
/// (A cadre of the position's local unit, alongside or instead of the host.)
#[utoipa::path(
    tag = "practice",
    operation_id = "reject_practice_application_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionReasonRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/rejections")]
pub async fn reject_practice_application_by_cadre(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<DecisionReasonRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    reject(&state, Selector::Cadre(&cadre), *id, &body).await
}

/// Drop a placement on or after the start (中途退出, or a no-show), with a reason: the seat
/// is not freed.
#[utoipa::path(
    tag = "practice",
    operation_id = "drop_practice_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionReasonRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/host/applications/{id}/drops")]
pub async fn drop_practice_application(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<DecisionReasonRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    drop_placement(&state, Selector::Host(&host), *id, &body).await
}

/// Drop a placement on or after the start (中途退出, or a no-show), with a reason: the seat
/// is not freed.
/// (A cadre of the position's local unit, alongside or instead of the host.)
#[utoipa::path(
    tag = "practice",
    operation_id = "drop_practice_application_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionReasonRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/drops")]
pub async fn drop_practice_application_by_cadre(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<DecisionReasonRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    drop_placement(&state, Selector::Cadre(&cadre), *id, &body).await
}

/// Report a confirmed placement for duty (报到) on or after the start.
#[utoipa::path(
    tag = "practice",
    operation_id = "report_practice_duty",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/host/applications/{id}/duty-reports")]
pub async fn report_practice_duty(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    report_duty(&state, Selector::Host(&host), *id, &body).await
}

/// Report a confirmed placement for duty (报到) on or after the start.
/// (A cadre of the position's local unit, alongside or instead of the host.)
#[utoipa::path(
    tag = "practice",
    operation_id = "report_practice_duty_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_STARTED, APPLICATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/duty-reports")]
pub async fn report_practice_duty_by_cadre(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    report_duty(&state, Selector::Cadre(&cadre), *id, &body).await
}
