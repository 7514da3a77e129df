//! The checkers' steps of a manual report: the parent unit approves (four-eyes: not the maker),
//! returns or unapproves it; the province accepts (not the approver) or unaccepts it. Every
//! step is one conditional update with its `kpi_events` row; a step that changes what counts
//! drops the cached KPI counts it feeds, so the report shows it at once.
use actix_web::{post, web};
use chrono::Utc;
use entity::kpi_manual_reports::{self, Column as C};
use entity::notifications::NotificationKind;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Expr;
use uuid::Uuid;

use super::access::{detail, ensure_parent, ensure_province, visible};
use super::dto::{ManualReportView, ReportReasonRequest, ReportStepRequest};
use super::state::ReportAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::workflow::{Actor, Transition};

const KPI_PAGE: &str = "/pages/admin/kpi/index";

/// Who is told of a step, and what.
struct Notice {
    to: Option<Uuid>,
    kind: NotificationKind,
    title: &'static str,
}

/// Run the step, tell whoever the step names, and drop the cached counts of the indicator for
/// the report's unit and every unit above it.
async fn run(
    state: &AppState,
    current: &kpi_manual_reports::Model,
    t: Transition<'_, kpi_manual_reports::Model>,
    notice: Option<Notice>,
    reason: Option<&str>,
) -> ApiResult<web::Json<ManualReportView>> {
    let txn = crate::db::begin(&state.db).await?;
    let applied = t.run(&txn).await?;
    let mut sent = Vec::new();
    if applied.is_done()
        && let Some(n) = notice
        && let Some(user) = n.to
    {
        let unit = state
            .league
            .unit(&current.area_unit_code)
            .map(|u| u.short_name.clone())
            .unwrap_or_default();
        let indicator = crate::kpi::catalogue::find(&current.indicator_code).map_or("", |i| i.name);
        let body = format!(
            "{unit}{}“{indicator}”上报数据：{}",
            current.period,
            reason.unwrap_or_default()
        );
        sent.push(notify(&txn, user, n.kind, n.title, &body, Some(KPI_PAGE)).await?);
    }
    txn.commit().await?;
    deliver(state, sent);
    if applied.is_done()
        && let Some(unit) = state.league.unit(&current.area_unit_code)
    {
        crate::kpi::compute::invalidate(
            state,
            &[current.indicator_code.as_str()],
            &super::kinds::counted_at(unit),
        )
        .await;
    }
    Ok(web::Json(detail(state, applied.into_record()).await?))
}

fn same_actor_now(stored: Option<Uuid>, me: Uuid, err: impl Fn() -> ApiError) -> Option<ApiError> {
    (stored == Some(me)).then(err)
}

/// Approve a submitted report (it then counts and is locked), as a cadre of a unit above the
/// report's who did not make it.
#[utoipa::path(
    tag = "kpi",
    operation_id = "approve_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReportStepRequest,
    responses(
        (status = 200, body = ManualReportView, description = "approved (also a repeat of the same approval by the same cadre)"),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the maker); PARENT_UNIT_ONLY (the report's own unit)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (naming the current status); REPORT_CHANGED (edited since the version seen)")
    )
)]
#[post("/admin/kpi/manual-reports/{id}/approvals")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn approve_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReportStepRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_parent(&cadre, &current, Some(current.submitted_by))?;
    let actor = Actor::cadre(&cadre);
    let me = cadre.user_id;
    let t = Transition::new(&current, ReportAction::Approve, &actor)
        .seen(Some(body.version))
        // Four-eyes against the stored maker (an edit may have changed it meanwhile).
        .only_if(C::SubmittedBy.ne(me))
        .set(C::ApprovedBy, Expr::value(me))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .or_else(move |now| {
            same_actor_now(Some(now.submitted_by), me, || {
                ApiError::Forbidden(
                    "SAME_ACTOR_NOT_ALLOWED",
                    "上报数据须由上报人以外的上级团组织团干部审核".into(),
                )
            })
        });
    run(&state, &current, t, None, None).await
}

/// Return a submitted report to its unit with a reason (the maker is told).
#[utoipa::path(
    tag = "kpi",
    operation_id = "return_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReportReasonRequest,
    responses(
        (status = 200, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/kpi/manual-reports/{id}/returns")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn return_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReportReasonRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_parent(&cadre, &current, None)?;
    let actor = Actor::cadre(&cadre);
    let reason = body.reason.trim().to_owned();
    let t = Transition::new(&current, ReportAction::Return, &actor)
        .seen(Some(body.version))
        .set(C::Reason, Expr::value(reason.clone()))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(reason.clone()))
        .payload(&*body);
    let notice = Notice {
        to: Some(current.submitted_by),
        kind: NotificationKind::KpiManualReportReturned,
        title: "上报数据被退回",
    };
    run(
        &state,
        &current,
        t,
        Some(notice),
        Some(&format!("被退回，{reason}")),
    )
    .await
}

/// Unapprove an approved report with a reason: it stops counting and its unit may edit it again.
/// An accepted report must be unaccepted first (409 `INVALID_STATE`).
#[utoipa::path(
    tag = "kpi",
    operation_id = "unapprove_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReportReasonRequest,
    responses(
        (status = 200, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (accepted: unaccept first); REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/kpi/manual-reports/{id}/unapprovals")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn unapprove_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReportReasonRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_parent(&cadre, &current, None)?;
    let actor = Actor::cadre(&cadre);
    let reason = body.reason.trim().to_owned();
    let t = Transition::new(&current, ReportAction::Unapprove, &actor)
        .seen(Some(body.version))
        .set(C::ApprovedBy, Expr::value(Option::<Uuid>::None))
        .set(C::Reason, Expr::value(reason.clone()))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(reason))
        .payload(&*body);
    run(&state, &current, t, None, None).await
}

/// Accept an approved report, as a province cadre who did not approve it.
#[utoipa::path(
    tag = "kpi",
    operation_id = "accept_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReportStepRequest,
    responses(
        (status = 200, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the approver); PARENT_UNIT_ONLY (not a province cadre)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; REPORT_CHANGED")
    )
)]
#[post("/admin/kpi/manual-reports/{id}/acceptances")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn accept_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReportStepRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_province(&cadre, current.approved_by)?;
    let actor = Actor::cadre(&cadre);
    let me = cadre.user_id;
    let t = Transition::new(&current, ReportAction::Accept, &actor)
        .seen(Some(body.version))
        .only_if(C::ApprovedBy.ne(me))
        .set(C::AcceptedBy, Expr::value(me))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .or_else(move |now| {
            same_actor_now(now.approved_by, me, || {
                ApiError::Forbidden(
                    "SAME_ACTOR_NOT_ALLOWED",
                    "上报数据须由审核人以外的团省委团干部接收".into(),
                )
            })
        });
    run(&state, &current, t, None, None).await
}

/// Unaccept an accepted report with a reason (back to approved; the approver is told).
#[utoipa::path(
    tag = "kpi",
    operation_id = "unaccept_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReportReasonRequest,
    responses(
        (status = 200, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "PARENT_UNIT_ONLY (not a province cadre)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/kpi/manual-reports/{id}/unacceptances")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn unaccept_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReportReasonRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_province(&cadre, None)?;
    let actor = Actor::cadre(&cadre);
    let reason = body.reason.trim().to_owned();
    let t = Transition::new(&current, ReportAction::Unaccept, &actor)
        .seen(Some(body.version))
        .set(C::AcceptedBy, Expr::value(Option::<Uuid>::None))
        .set(C::Reason, Expr::value(reason.clone()))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(reason.clone()))
        .payload(&*body);
    let notice = Notice {
        to: current.approved_by,
        kind: NotificationKind::KpiManualReportUnaccepted,
        title: "上报数据被撤销接收",
    };
    run(
        &state,
        &current,
        t,
        Some(notice),
        Some(&format!("被团省委撤销接收，{reason}")),
    )
    .await
}
