//! The evaluation of a placement (实践评价): after its last day the host supervisor or a cadre of
//! the position's local unit grades it 优秀/良好/合格/不合格 with a comment; an on-duty placement
//! is completed by it. The grade may change until the certificate exists. 优秀 is capped per
//! campaign and local unit (`practice_grade_quota`, conventions §6):
//! `excellent ≤ max(1, floor(placed × excellent_cap_permille ÷ 1000))`, taken by one conditional
//! update in the evaluation's transaction and given back when a grade moves away from 优秀.
use actix_web::{HttpRequest, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_campaigns;
use entity::practice_evaluations::{self, Column as E, PracticeGrade};
use entity::practice_grade_quota::{self, Column as Q};
use entity::practice_positions;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::closing_dto::EvaluationRequest;
use super::closing_views::evaluation_of;
use super::dto::StaffApplicationDetailView;
use super::seats;
use super::selection::Selector;
use super::state::PracticeApplicationAction;
use super::views::staff_detail;
use crate::app_state::AppState;
use crate::auth::{Cadre, HostSupervisor};
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::test_hooks;
use crate::time::today_in_china;
use crate::workflow::transition::reload;
use crate::workflow::{Applied, Subject, Transition};

/// 409 `PRACTICE_NOT_ENDED`: completing and evaluating wait until the day after `ends_on`
/// (China).
pub fn not_ended(ends_on: NaiveDate) -> ApiError {
    ApiError::Conflict(
        "PRACTICE_NOT_ENDED",
        format!("岗位实践至{ends_on}结束，结束后才能办理"),
    )
}

/// Whether the practice of `position` is over on the China date of `now`.
pub fn has_ended(position: &practice_positions::Model, now: DateTime<Utc>) -> bool {
    today_in_china(now) > position.ends_on
}

fn quota_reached() -> ApiError {
    ApiError::Conflict(
        "EXCELLENT_QUOTA_REACHED",
        "本单位本次实践活动的“优秀”名额已用完，可先调整其他学生的评价".into(),
    )
}

/// The local unit whose 优秀 quota a placement at `region_code` counts in (as `placed` does).
pub fn quota_unit(state: &AppState, region_code: &str) -> ApiResult<String> {
    state
        .league
        .owner(region_code)
        .map(|u| u.code.clone())
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("no local unit owns {region_code}")))
}

/// One more 优秀 while below the cap: `excellent + 1 <= max(1, placed × cap ÷ 1000)`, written
/// as a CASE (two-argument `max` exists only in SQLite, `GREATEST` only in PostgreSQL).
/// Zero rows: 409 `EXCELLENT_QUOTA_REACHED`.
pub async fn take_excellent(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    unit_code: &str,
    cap_permille: i32,
) -> ApiResult<()> {
    seats::ensure_quota_row(db, campaign, unit_code).await?;
    let share = || Expr::col(Q::Placed).mul(cap_permille).div(1000);
    let allowed = CaseStatement::new()
        .case(share().lt(1), Expr::val(1))
        .finally(share());
    let hit = practice_grade_quota::Entity::update_many()
        .col_expr(Q::Excellent, Expr::col(Q::Excellent).add(1))
        .filter(Q::CampaignId.eq(campaign))
        .filter(Q::UnitCode.eq(unit_code))
        .filter(Expr::col(Q::Excellent).add(1).lte(allowed))
        .exec(db)
        .await?
        .rows_affected;
    if hit == 0 {
        return Err(quota_reached());
    }
    Ok(())
}

/// A 优秀 given back (a regrade), never below zero.
pub async fn release_excellent(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    unit_code: &str,
) -> ApiResult<()> {
    practice_grade_quota::Entity::update_many()
        .col_expr(Q::Excellent, Expr::col(Q::Excellent).sub(1))
        .filter(Q::CampaignId.eq(campaign))
        .filter(Q::UnitCode.eq(unit_code))
        .filter(Q::Excellent.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// What the timeline shows of an evaluation (≤500 characters): the grade, then the comment.
fn timeline_reason(grade: PracticeGrade, comment: Option<&str>) -> String {
    let mut text = format!("评定为“{}”", grade.label());
    if let Some(c) = comment {
        text.push('：');
        text.push_str(c);
    }
    text.chars().take(500).collect()
}

/// 409 `APPLICATION_CHANGED`: the placement moved since the caller read it.
pub fn changed() -> ApiError {
    let (code, message) = practice_applications::Model::CHANGED;
    ApiError::Conflict(code, message.into())
}

pub async fn evaluate(
    state: &AppState,
    now: DateTime<Utc>,
    sel: Selector<'_>,
    id: Uuid,
    body: &EvaluationRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    use ApplicationStatus as S;
    let comment = body
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let actor = sel.actor();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    let open = matches!(current.status, S::OnDuty | S::Completed);
    let existing = evaluation_of(&txn, current.id).await?;
    // The same evaluator giving the same grade and comment again: nothing to write.
    if current.status == S::Completed
        && existing.as_ref().is_some_and(|e| {
            e.grade == body.grade && e.comment == comment && e.evaluated_by == sel.user_id()
        })
    {
        txn.rollback().await?;
        return Ok(web::Json(staff_detail(state, current, sel.reader()).await?));
    }
    if open {
        let position = reload::<practice_positions::Model>(&txn, current.position_id).await?;
        if !has_ended(&position, now) {
            return Err(not_ended(position.ends_on));
        }
        // The quota row first (the parent), then the application (conventions §6); rolled
        // back below unless the application moves.
        let old = existing.as_ref().map(|e| e.grade);
        if body.grade == PracticeGrade::Excellent && old != Some(PracticeGrade::Excellent) {
            let campaign = reload::<practice_campaigns::Model>(&txn, current.campaign_id).await?;
            let unit = quota_unit(state, &current.region_code)?;
            take_excellent(&txn, campaign.id, &unit, campaign.excellent_cap_permille).await?;
        } else if let Some(e) = existing.as_ref().filter(|e| {
            e.grade == PracticeGrade::Excellent && body.grade != PracticeGrade::Excellent
        }) {
            release_excellent(&txn, e.campaign_id, &e.unit_code).await?;
        }
    }
    let seen = current.version;
    let mut change = Transition::new(&current, PracticeApplicationAction::Evaluate, &actor)
        .seen(body.version)
        // A grade given or a certificate issued meanwhile: look again (the quota moved on the
        // grade this call read).
        .only_if(A::Version.eq(seen))
        .or_else(move |now_is| {
            (now_is.version != seen && matches!(now_is.status, S::OnDuty | S::Completed))
                .then(changed)
        })
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(timeline_reason(body.grade, comment.as_deref())))
        .payload(body);
    if current.status == S::OnDuty {
        change = change.set(A::CompletedAt, Expr::value(now));
    }
    let record = match change.run(&txn).await? {
        Applied::Done { record, .. } => record,
        Applied::Repeated(same) => {
            txn.rollback().await?;
            return Ok(web::Json(staff_detail(state, same, sel.reader()).await?));
        }
    };
    match existing {
        Some(e) => {
            practice_evaluations::Entity::update_many()
                .col_expr(E::Grade, Expr::value(crate::choices::code(body.grade)))
                .col_expr(E::Comment, Expr::value(comment))
                .col_expr(E::EvaluatedBy, Expr::value(sel.user_id()))
                .col_expr(
                    E::EvaluatedByKind,
                    Expr::value(crate::choices::code(sel.kind())),
                )
                .col_expr(E::UpdatedAt, Expr::value(now))
                .filter(E::Id.eq(e.id))
                .exec(&txn)
                .await?;
        }
        None => {
            practice_evaluations::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(record.id),
                campaign_id: Set(record.campaign_id),
                unit_code: Set(quota_unit(state, &record.region_code)?),
                grade: Set(body.grade),
                comment: Set(comment),
                evaluated_by: Set(sel.user_id()),
                evaluated_by_kind: Set(sel.kind()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(web::Json(staff_detail(state, record, sel.reader()).await?))
}

/// Evaluate a placement after its last day: 优秀 (capped per campaign and local unit: 409
/// `EXCELLENT_QUOTA_REACHED`), 良好, 合格 or 不合格, with a comment. An on-duty placement is
/// completed by it; the grade may change until the certificate is issued.
#[utoipa::path(
    tag = "practice",
    operation_id = "evaluate_practice",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EvaluationRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_ENDED, EXCELLENT_QUOTA_REACHED, APPLICATION_CHANGED, INVALID_STATE (not on duty or completed; certified)"),
        (status = 422, body = ErrorEnvelope, description = "grade: INVALID_VALUE; comment: LENGTH")
    )
)]
#[post("/me/host/applications/{id}/evaluations")]
pub async fn evaluate_practice(
    state: web::Data<AppState>,
    req: HttpRequest,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<EvaluationRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(&req);
    evaluate(&state, now, Selector::Host(&host), *id, &body).await
}

/// Evaluate a placement after its last day: 优秀 (capped per campaign and local unit: 409
/// `EXCELLENT_QUOTA_REACHED`), 良好, 合格 or 不合格, with a comment. An on-duty placement is
/// completed by it; the grade may change until the certificate is issued.
/// (A cadre of the position's local unit, alongside or instead of the host; the certificate
/// is then issued by another cadre.)
#[utoipa::path(
    tag = "practice",
    operation_id = "evaluate_practice_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EvaluationRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_ENDED, EXCELLENT_QUOTA_REACHED, APPLICATION_CHANGED, INVALID_STATE (not on duty or completed; certified)"),
        (status = 422, body = ErrorEnvelope, description = "grade: INVALID_VALUE; comment: LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/evaluations")]
pub async fn evaluate_practice_by_cadre(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<EvaluationRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(&req);
    evaluate(&state, now, Selector::Cadre(&cadre), *id, &body).await
}
