//! The host's side of attendance: the rotating check-in and check-out codes to show (the host
//! supervisor, or a local-unit cadre for a host without one), and days the student could not
//! check in, confirmed by hand with a reason (`source = manual`).
use std::collections::BTreeSet;

use actix_web::{HttpRequest, get, post, web};
use entity::host_units::{self, HostStatus};
use entity::practice_attendance::{self, AttendanceSource, Column as D};
use entity::practice_positions::{self, PositionStatus};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{EntityTrait, Set};
use uuid::Uuid;

use super::attendance_rules::{PURPOSE_IN, PURPOSE_OUT};
use super::dto::{AttendanceConfirmationRequest, StaffApplicationDetailView};
use super::selection::Selector;
use super::state::PracticeApplicationAction;
use super::views::staff_detail;
use crate::app_state::AppState;
use crate::auth::{Cadre, HostSupervisor};
use crate::checkin_codes::ROTATION_SECS;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::test_hooks;
use crate::time::{to_china, today_in_china};
use crate::trainings::dto::CheckInCodeView;
use crate::volunteer::dto::{CodeKind, CodeQuery};
use crate::workflow::transition::reload;
use crate::workflow::{Applied, Transition};

fn purpose(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::In => PURPOSE_IN,
        CodeKind::Out => PURPOSE_OUT,
    }
}

fn code_view(
    state: &AppState,
    p: &practice_positions::Model,
    kind: CodeKind,
    req: &HttpRequest,
) -> ApiResult<web::Json<CheckInCodeView>> {
    if p.status == PositionStatus::Cancelled {
        return Err(ApiError::Conflict(
            "POSITION_CANCELLED",
            "该岗位已取消".into(),
        ));
    }
    let issued = state
        .checkin_codes
        .issue(purpose(kind), p.id, test_hooks::now(req));
    Ok(web::Json(CheckInCodeView {
        code: issued.code,
        expires_at: to_china(issued.expires_at),
        rotation_seconds: ROTATION_SECS,
    }))
}

/// The current check-in (`kind=in`) or check-out (`kind=out`) code of one of the supervisor's
/// positions, to show as a QR code; fetch again when it expires.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_check_in_code",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), CodeQuery),
    responses(
        (status = 200, body = CheckInCodeView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not a position of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "POSITION_CANCELLED")
    )
)]
#[get("/me/host/positions/{id}/check-in-code")]
pub async fn get_practice_check_in_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    q: crate::input::Query<CodeQuery>,
) -> ApiResult<web::Json<CheckInCodeView>> {
    let p = practice_positions::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .filter(|p| host.supervises(p.host_unit_id) && p.status != PositionStatus::Draft)
        .ok_or_else(|| ApiError::not_found("实践岗位"))?;
    let unit = reload::<host_units::Model>(&state.db, p.host_unit_id).await?;
    if unit.status == HostStatus::Suspended {
        return Err(ApiError::Forbidden(
            "HOST_SUSPENDED",
            "接收单位已被暂停，暂不能办理，请联系当地团组织".into(),
        ));
    }
    code_view(&state, &p, q.kind, &req)
}

/// The current check-in or check-out code of a position, for a cadre of its local unit (a host
/// without an active supervisor still needs codes).
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_check_in_code_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), CodeQuery),
    responses(
        (status = 200, body = CheckInCodeView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "POSITION_CANCELLED")
    )
)]
#[get("/admin/practice/positions/{id}/check-in-code")]
pub async fn get_practice_check_in_code_by_cadre(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    q: crate::input::Query<CodeQuery>,
) -> ApiResult<web::Json<CheckInCodeView>> {
    let p = practice_positions::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .filter(|p| p.status != PositionStatus::Draft)
        .ok_or_else(|| ApiError::not_found("实践岗位"))?;
    cadre.ensure_visible(&p.region_code, "实践岗位")?;
    cadre.ensure_local_unit(&p.region_code)?;
    code_view(&state, &p, q.kind, &req)
}

/// Confirm days by hand: each becomes a counted day of the position's daily hours (`source =
/// manual`, or a short or unfinished code day made whole), logged on the placement's timeline.
pub async fn confirm_days(
    state: &AppState,
    sel: Selector<'_>,
    id: Uuid,
    body: &AttendanceConfirmationRequest,
    req: &HttpRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(req);
    let reason = body.reason.trim();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let position = reload::<practice_positions::Model>(&txn, current.position_id).await?;
    let today = today_in_china(now);
    let days: BTreeSet<_> = body.days.iter().copied().collect();
    let mut fields = Vec::new();
    for (i, day) in body.days.iter().enumerate() {
        if *day < position.starts_on || *day > position.ends_on {
            fields.push(FieldError::new(
                &format!("days[{i}]"),
                "RANGE",
                format!(
                    "{day}不在岗位实践日期（{}至{}）内",
                    position.starts_on, position.ends_on
                ),
            ));
        } else if *day > today {
            fields.push(FieldError::new(
                &format!("days[{i}]"),
                "FUTURE",
                format!("{day}尚未到来，不能确认"),
            ));
        }
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    let actor = sel.actor();
    let applied = Transition::new(
        &current,
        PracticeApplicationAction::ConfirmAttendance,
        &actor,
    )
    .seen(body.version)
    .set(
        entity::practice_applications::Column::UpdatedAt,
        Expr::value(now),
    )
    .reason(Some(reason))
    .payload(body)
    .run(&txn)
    .await?;
    if let Applied::Repeated(same) = applied {
        txn.rollback().await?;
        return Ok(web::Json(staff_detail(state, same, sel.reader()).await?));
    }
    let full_day = position.daily_hours * 60;
    let kind = sel.kind();
    for day in days {
        practice_attendance::Entity::insert(practice_attendance::ActiveModel {
            id: Set(Uuid::now_v7()),
            application_id: Set(current.id),
            day: Set(day),
            check_in_at: Set(None),
            check_in_nonce: Set(None),
            check_out_at: Set(None),
            check_out_nonce: Set(None),
            minutes: Set(Some(full_day)),
            source: Set(AttendanceSource::Manual),
            confirmed_by: Set(Some(sel.user_id())),
            confirmed_by_kind: Set(Some(kind)),
            confirmed_at: Set(Some(now)),
            reason: Set(Some(reason.to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
        })
        // A day checked in by code keeps its times and source; the confirmation makes it whole.
        .on_conflict(
            OnConflict::columns([D::ApplicationId, D::Day])
                .update_columns([
                    D::Minutes,
                    D::ConfirmedBy,
                    D::ConfirmedByKind,
                    D::ConfirmedAt,
                    D::Reason,
                    D::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let record = applied.into_record();
    txn.commit().await?;
    Ok(web::Json(staff_detail(state, record, sel.reader()).await?))
}

/// Confirm days the student worked but could not check in (1–31 China dates within the
/// practice, not after today) with a reason: each counts as a full day of the daily hours.
#[utoipa::path(
    tag = "practice",
    operation_id = "confirm_practice_attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AttendanceConfirmationRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (not on duty or completed), APPLICATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "days: LENGTH; days[i]: RANGE, FUTURE; reason: LENGTH")
    )
)]
#[post("/me/host/applications/{id}/attendance-confirmations")]
pub async fn confirm_practice_attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<AttendanceConfirmationRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    confirm_days(&state, Selector::Host(&host), *id, &body, &req).await
}

/// Confirm days the student worked but could not check in, as a cadre of the position's local
/// unit (alongside or instead of the host).
#[utoipa::path(
    tag = "practice",
    operation_id = "confirm_practice_attendance_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AttendanceConfirmationRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (not on duty or completed), APPLICATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "days: LENGTH; days[i]: RANGE, FUTURE; reason: LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/attendance-confirmations")]
pub async fn confirm_practice_attendance_by_cadre(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<AttendanceConfirmationRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    confirm_days(&state, Selector::Cadre(&cadre), *id, &body, &req).await
}
