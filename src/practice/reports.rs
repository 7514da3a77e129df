//! The practice report (实践报告): the student writes it once on duty (a draft may be saved
//! partly done, with up to 9 photos) and submits it until `due_on` 23:59:59 China time; a cadre
//! of the position's local unit accepts it or returns it with a reason (the student edits and
//! submits again) and may move the due date later.
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus};
use entity::practice_campaigns;
use entity::practice_positions;
use entity::practice_reports::{self, Column as R, PracticeReportStatus};
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::applications::own_application;
use super::dto::{
    MyPracticeReportView, PracticeReportDeadlineRequest, PracticeReportDecision,
    PracticeReportRequest, PracticeReportReviewRequest, StaffApplicationDetailView, VersionRequest,
};
use super::endings::MY_PAGE;
use super::report_views::{report_of, report_view};
use super::selection::Selector;
use super::state::PracticeReportAction;
use super::views::staff_detail;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::input::text::visible_len;
use crate::media::{Attachment, MediaField, MediaPurpose};
use crate::notifications::{deliver, notify};
use crate::test_hooks;
use crate::time::{start_of_day, today_in_china};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Applied, NextActor, NextStep, Subject, Transition};

/// Report photos: uploads with purpose `practice_report`.
pub const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::PracticeReport);
/// What a report is to the media store (`attached_kind`).
pub const MEDIA_KIND: &str = "practice_report";
pub const TITLE_MIN: usize = 2;
pub const TITLE_MAX: usize = 40;
pub const BODY_MIN: usize = 300;
pub const BODY_MAX: usize = 5000;

/// `ends_on` + the campaign's `report_due_days`.
async fn first_due_on(
    db: &impl ConnectionTrait,
    a: &practice_applications::Model,
) -> ApiResult<NaiveDate> {
    let p = reload::<practice_positions::Model>(db, a.position_id).await?;
    let c = reload::<practice_campaigns::Model>(db, a.campaign_id).await?;
    Ok(p.ends_on + Duration::days(c.report_due_days.into()))
}

/// A report is written on duty or after the practice (not before the report for duty, not
/// after a drop).
fn ensure_writable(a: &practice_applications::Model) -> ApiResult<()> {
    if matches!(
        a.status,
        ApplicationStatus::OnDuty | ApplicationStatus::Completed
    ) {
        Ok(())
    } else {
        Err(ApiError::Conflict(
            "REPORT_NOT_OPEN",
            "到岗报到后才能撰写和提交实践报告".into(),
        ))
    }
}

fn report_next_step(r: &practice_reports::Model) -> Option<NextStep> {
    let deadline = start_of_day(r.due_on + Duration::days(1));
    match r.status {
        PracticeReportStatus::Draft => {
            Some(NextStep::new(NextActor::You, "请完成并提交实践报告").due(deadline))
        }
        PracticeReportStatus::Returned => {
            Some(NextStep::new(NextActor::You, "报告已退回，请修改后重新提交").due(deadline))
        }
        PracticeReportStatus::Submitted => {
            Some(NextStep::new(NextActor::CountyLeague, "等待团组织审核"))
        }
        PracticeReportStatus::Accepted => None,
    }
}

async fn my_view(state: &AppState, r: practice_reports::Model) -> ApiResult<MyPracticeReportView> {
    let timeline = timeline(
        &state.db,
        practice_reports::Model::EVENTS,
        r.id,
        Some(r.student_user_id),
        Audience::Person,
    )
    .await?;
    Ok(MyPracticeReportView {
        next_step: report_next_step(&r),
        report: report_view(state, r),
        timeline,
    })
}

fn locked(status: PracticeReportStatus) -> ApiError {
    ApiError::Conflict("REPORT_LOCKED", format!("报告{}，不能修改", status.label()))
}

/// The student's report of one of their placements (404 until first saved).
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 200, body = MyPracticeReportView),
        (status = 404, body = ErrorEnvelope, description = "Not the caller's application, or no report saved yet")
    )
)]
#[get("/me/practice/applications/{id}/report")]
pub async fn get_practice_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MyPracticeReportView>> {
    let a = own_application(&state.db, &user, *id).await?;
    let r = report_of(&state.db, a.id)
        .await?
        .ok_or_else(|| ApiError::not_found(practice_reports::Model::NAME))?;
    Ok(web::Json(my_view(&state, r).await?))
}

/// Save the report (201 the first time, then 200): a draft, or a returned report being
/// revised. A submitted or accepted report is locked (409 `REPORT_LOCKED`).
#[utoipa::path(
    tag = "practice",
    operation_id = "save_practice_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = PracticeReportRequest,
    responses(
        (status = 200, body = MyPracticeReportView),
        (status = 201, body = MyPracticeReportView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "REPORT_NOT_OPEN (not on duty or completed), REPORT_LOCKED, REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "title, body: LENGTH; photos: LENGTH; photos[i]: MEDIA_KEY_INVALID")
    )
)]
#[put("/me/practice/applications/{id}/report")]
pub async fn save_practice_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PracticeReportRequest>,
) -> ApiResult<HttpResponse> {
    let now = test_hooks::now(&req);
    let a = own_application(&state.db, &user, *id).await?;
    ensure_writable(&a)?;
    let existing = report_of(&state.db, a.id).await?;
    if let Some(r) = &existing
        && !matches!(
            r.status,
            PracticeReportStatus::Draft | PracticeReportStatus::Returned
        )
    {
        return Err(locked(r.status));
    }
    let report_id = existing.as_ref().map_or_else(Uuid::now_v7, |r| r.id);
    let record = Attachment::new(MEDIA_KIND, report_id);
    let bad = PHOTOS
        .check(&state.db, user.id(), &body.photos, record)
        .await?;
    if !bad.is_empty() {
        return Err(ApiError::Validation(bad));
    }
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (title, text) = (clean(&body.title), clean(&body.body));
    let txn = crate::db::begin(&state.db).await?;
    let created = match &existing {
        None => {
            let due_on = first_due_on(&txn, &a).await?;
            let model = practice_reports::ActiveModel {
                id: Set(report_id),
                application_id: Set(a.id),
                student_user_id: Set(a.student_user_id),
                campaign_id: Set(a.campaign_id),
                region_code: Set(a.region_code.clone()),
                topic: Set(body.topic),
                title: Set(title),
                body: Set(text),
                photos: Set(crate::choices::json_text(&body.photos)),
                status: Set(PracticeReportStatus::Draft),
                due_on: Set(due_on),
                submitted_at: Set(None),
                reviewed_by: Set(None),
                reviewed_at: Set(None),
                review_reason: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            let actor = Actor::person(user.id(), ActorKind::Student);
            record_creation(
                &txn,
                &model,
                PracticeReportAction::Create,
                &actor,
                None,
                None,
            )
            .await?;
            true
        }
        Some(r) => {
            let mut update = practice_reports::Entity::update_many()
                .col_expr(R::Topic, Expr::value(body.topic.map(crate::choices::code)))
                .col_expr(R::Title, Expr::value(title))
                .col_expr(R::Body, Expr::value(text))
                .col_expr(
                    R::Photos,
                    Expr::value(crate::choices::json_text(&body.photos)),
                )
                .col_expr(R::Version, Expr::col(R::Version).add(1))
                .col_expr(R::UpdatedAt, Expr::value(now))
                .filter(R::Id.eq(r.id))
                .filter(
                    R::Status.is_in([PracticeReportStatus::Draft, PracticeReportStatus::Returned]),
                );
            if let Some(seen) = body.version {
                update = update.filter(R::Version.eq(seen));
            }
            if update.exec(&txn).await?.rows_affected == 0 {
                let now_is = reload::<practice_reports::Model>(&txn, r.id).await?;
                txn.rollback().await?;
                return Err(
                    if matches!(
                        now_is.status,
                        PracticeReportStatus::Draft | PracticeReportStatus::Returned
                    ) {
                        let (code, message) = practice_reports::Model::CHANGED;
                        ApiError::Conflict(code, message.into())
                    } else {
                        locked(now_is.status)
                    },
                );
            }
            false
        }
    };
    PHOTOS.attach(&txn, user.id(), &body.photos, record).await?;
    txn.commit().await?;
    let saved = reload::<practice_reports::Model>(&state.db, report_id).await?;
    let view = my_view(&state, saved).await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// What a report still lacks to be submitted.
fn incomplete(r: &practice_reports::Model) -> Vec<FieldError> {
    let mut out = Vec::new();
    if r.topic.is_none() {
        out.push(FieldError::new("topic", "REQUIRED", "请选择报告主题"));
    }
    let len = |s: &Option<String>| s.as_deref().map_or(0, visible_len);
    if !(TITLE_MIN..=TITLE_MAX).contains(&len(&r.title)) {
        out.push(FieldError::new(
            "title",
            "LENGTH",
            format!("标题长度应为{TITLE_MIN}至{TITLE_MAX}个字"),
        ));
    }
    if !(BODY_MIN..=BODY_MAX).contains(&len(&r.body)) {
        out.push(FieldError::new(
            "body",
            "LENGTH",
            format!("正文长度应为{BODY_MIN}至{BODY_MAX}个字"),
        ));
    }
    out
}

/// Submit the saved report (from a draft, or again after it was returned) until its due date,
/// 23:59:59 China time (409 `REPORT_OVERDUE` after).
#[utoipa::path(
    tag = "practice",
    operation_id = "submit_practice_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = VersionRequest,
    responses(
        (status = 200, body = MyPracticeReportView),
        (status = 404, body = ErrorEnvelope, description = "Not the caller's application, or no report saved yet"),
        (status = 409, body = ErrorEnvelope, description = "REPORT_NOT_OPEN, REPORT_OVERDUE, INVALID_STATE, REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "The saved report is incomplete: topic REQUIRED, title LENGTH (2–40), body LENGTH (300–5000)")
    )
)]
#[post("/me/practice/applications/{id}/report/submissions")]
pub async fn submit_practice_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<MyPracticeReportView>> {
    let now = test_hooks::now(&req);
    let a = own_application(&state.db, &user, *id).await?;
    ensure_writable(&a)?;
    let r = report_of(&state.db, a.id)
        .await?
        .ok_or_else(|| ApiError::not_found(practice_reports::Model::NAME))?;
    if matches!(
        r.status,
        PracticeReportStatus::Draft | PracticeReportStatus::Returned
    ) {
        if today_in_china(now) > r.due_on {
            return Err(ApiError::Conflict(
                "REPORT_OVERDUE",
                format!("报告提交截止日期（{}）已过，请联系当地团组织", r.due_on),
            ));
        }
        let missing = incomplete(&r);
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
    }
    let actor = Actor::person(user.id(), ActorKind::Student);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, PracticeReportAction::Submit, &actor)
        .seen(body.version)
        .set(R::SubmittedAt, Expr::value(now))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(my_view(&state, applied.into_record()).await?))
}

async fn cadre_report(
    cadre: &Cadre,
    txn: &impl ConnectionTrait,
    id: Uuid,
) -> ApiResult<(
    practice_applications::Model,
    Option<practice_reports::Model>,
)> {
    let a = Selector::Cadre(cadre).find(txn, id).await?;
    let r = report_of(txn, a.id).await?;
    Ok((a, r))
}

/// Accept a submitted report, or return it with a reason (2–200 characters) for the student
/// to revise and submit again.
#[utoipa::path(
    tag = "practice",
    operation_id = "review_practice_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = PracticeReportReviewRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No such application in the caller's unit, or no report"),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (not submitted), REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: REQUIRED to return, LENGTH")
    )
)]
#[post("/admin/practice/applications/{id}/report-reviews")]
pub async fn review_practice_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<PracticeReportReviewRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(&req);
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if body.decision == PracticeReportDecision::Return && reason.is_none() {
        return Err(ApiError::field("reason", "REQUIRED", "退回时请填写原因"));
    }
    let txn = crate::db::begin(&state.db).await?;
    let (a, r) = cadre_report(&cadre, &txn, *id).await?;
    let r = r.ok_or_else(|| ApiError::not_found(practice_reports::Model::NAME))?;
    let actor = Actor::cadre(&cadre);
    let action = match body.decision {
        PracticeReportDecision::Accept => PracticeReportAction::Accept,
        PracticeReportDecision::Return => PracticeReportAction::Return,
    };
    let applied = Transition::new(&r, action, &actor)
        .seen(body.version)
        .set(R::ReviewedBy, Expr::value(cadre.user_id))
        .set(R::ReviewedAt, Expr::value(now))
        .set(R::ReviewReason, Expr::value(reason.map(str::to_owned)))
        .set(R::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if let Applied::Done { record, .. } = &applied
        && record.status == PracticeReportStatus::Returned
    {
        sent.push(
            notify(
                &txn,
                record.student_user_id,
                NotificationKind::PracticeReportReturned,
                "实践报告退回修改",
                &format!(
                    "您的实践报告已被退回：{}。请在{}前修改后重新提交。",
                    reason.unwrap_or_default(),
                    record.due_on
                ),
                Some(MY_PAGE),
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        staff_detail(&state, a, super::views::Reader::LocalCadre).await?,
    ))
}

/// Move a report's due date later (a report not yet written gets its draft, empty, with the new
/// date). An accepted report has no due date to move.
#[utoipa::path(
    tag = "practice",
    operation_id = "extend_practice_report_deadline",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    request_body = PracticeReportDeadlineRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "REPORT_NOT_OPEN (not on duty or completed), INVALID_STATE (accepted)"),
        (status = 422, body = ErrorEnvelope, description = "newDueOn: RANGE (not after the current due date)")
    )
)]
#[post("/admin/practice/applications/{id}/report-deadline-extensions")]
pub async fn extend_practice_report_deadline(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<PracticeReportDeadlineRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now: DateTime<Utc> = test_hooks::now(&req);
    let txn = crate::db::begin(&state.db).await?;
    let (a, existing) = cadre_report(&cadre, &txn, *id).await?;
    ensure_writable(&a)?;
    let actor = Actor::cadre(&cadre);
    let r = match existing {
        Some(r) => r,
        None => {
            let model = practice_reports::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(a.id),
                student_user_id: Set(a.student_user_id),
                campaign_id: Set(a.campaign_id),
                region_code: Set(a.region_code.clone()),
                topic: Set(None),
                title: Set(None),
                body: Set(None),
                photos: Set("[]".into()),
                status: Set(PracticeReportStatus::Draft),
                due_on: Set(first_due_on(&txn, &a).await?),
                submitted_at: Set(None),
                reviewed_by: Set(None),
                reviewed_at: Set(None),
                review_reason: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            record_creation(
                &txn,
                &model,
                PracticeReportAction::Create,
                &actor,
                None,
                None,
            )
            .await?;
            model
        }
    };
    if body.new_due_on <= r.due_on {
        return Err(ApiError::field(
            "newDueOn",
            "RANGE",
            format!("新的截止日期须晚于当前截止日期（{}）", r.due_on),
        ));
    }
    Transition::new(&r, PracticeReportAction::ExtendDeadline, &actor)
        .set(R::DueOn, Expr::value(body.new_due_on))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(
        staff_detail(&state, a, super::views::Reader::LocalCadre).await?,
    ))
}
