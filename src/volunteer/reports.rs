//! Self-reported service: the youth reports, a cadre of the youth's home region approves (the
//! hours enter the ledger) or rejects it; both see its timeline.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use entity::notifications::NotificationKind;
use entity::volunteer_reports::{self as reports, ReportStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{CreateReportRequest, MyReportView, ReportDetailView, ReportView, StatusFilter};
use super::ledger::{self, NewEntry};
use super::rules::EntrySource;
use super::state::{self, ReportAction};
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::leaderboards::sync;
use crate::media::{Attachment, MediaField, MediaPurpose, MediaStore};
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::talents;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, ReviewDecision, ReviewRequest, Subject, Transition, events, units};

/// The mini-program page of the youth's volunteer records (notification links).
const REPORTS_PAGE: &str = "pages/volunteer/reports";

/// Report photos: uploads with purpose `volunteer_report`.
pub const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::VolunteerReport);
/// What a report is to the media store (`attached_kind`).
pub const MEDIA_KIND: &str = "volunteer_report";

impl IdempotentEntity for reports::Entity {
    fn creator_column() -> reports::Column {
        reports::Column::UserId
    }
    fn key_column() -> reports::Column {
        reports::Column::IdempotencyKey
    }
    fn stored_hash(model: &reports::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

/// Report service done off the platform; it waits for a cadre of the youth's region. Send an
/// `Idempotency-Key` header: a repeat with the same key and body returns the first report (200);
/// the same key with another body is 422 `IDEMPOTENCY_KEY_REUSED`.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_report",
    security(("bearer" = [])),
    request_body = CreateReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")),
    responses(
        (status = 201, body = ReportView),
        (status = 200, body = ReportView, description = "a repeat of an earlier request with the same Idempotency-Key and body"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED"),
        (status = 422, body = ErrorEnvelope, description = "IDEMPOTENCY_KEY_REUSED; field codes RANGE, LENGTH, FORMAT, MEDIA_KEY_INVALID (photos[i])")
    )
)]
#[post("/me/volunteer/reports")]
pub async fn create_volunteer_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CreateReportRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) =
        idempotency::first_result::<reports::Entity>(&state.db, user.id(), key.as_ref()).await?
    {
        return Ok(HttpResponse::Ok().json(ReportView::new(first, &state.media)));
    }
    let served_at = body.served_at.to_utc();
    let now = Utc::now();
    if served_at > now {
        return Err(ApiError::field(
            "servedAt",
            "RANGE",
            "服务时间不能晚于当前时间",
        ));
    }
    if served_at < now - chrono::Duration::days(366) {
        return Err(ApiError::field(
            "servedAt",
            "RANGE",
            "只能申报一年以内的志愿服务",
        ));
    }
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let bad_photos = PHOTOS
        .check(&state.db, user.id(), &body.photos, record)
        .await?;
    if !bad_photos.is_empty() {
        return Err(ApiError::Validation(bad_photos));
    }
    let home = talents::home_region_of(&state.db, user.id())
        .await?
        .ok_or_else(talents::profile_required)?;
    let actor = Actor::youth(user.id());
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let created = idempotency::create_once::<reports::Entity, _>(
        &state.db,
        user.id(),
        key.as_ref(),
        async |txn| {
            let report = reports::ActiveModel {
                id: Set(id),
                user_id: Set(user.id()),
                region_code: Set(home.region_code),
                category: Set(body.category),
                content: Set(body.content.trim().into()),
                place: Set(body.place.trim().into()),
                served_at: Set(served_at),
                minutes: Set(body.minutes),
                description: Set(body.description.trim().into()),
                photos: Set(crate::choices::json_text(&body.photos)),
                status: Set(ReportStatus::Pending),
                review_reason: Set(None),
                reviewed_by: Set(None),
                reviewed_at: Set(None),
                entry_id: Set(None),
                idempotency_key: Set(idempotency_key.clone()),
                request_hash: Set(request_hash),
                version: Set(1),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            PHOTOS.attach(txn, user.id(), &body.photos, record).await?;
            let payload = events::payload(&*body);
            record_creation(
                txn,
                &report,
                ReportAction::Create,
                &actor,
                payload,
                idempotency_key,
            )
            .await?;
            Ok(report)
        },
    )
    .await?;
    Ok(created.respond(|r| ReportView::new(r, &state.media)))
}

/// The caller's own reports, newest first.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_my_volunteer_reports",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<ReportView>), (status = 401, body = ErrorEnvelope))
)]
#[get("/me/volunteer/reports")]
pub async fn list_my_volunteer_reports(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ReportView>>> {
    let parts = page.parts()?;
    Ok(web::Json(
        crate::pagination::fetch_page(
            reports::Entity::find()
                .filter(reports::Column::UserId.eq(user.id()))
                .order_by_desc(reports::Column::CreatedAt),
            &state.db,
            parts,
            |r| ReportView::new(r, &state.media),
        )
        .await?,
    ))
}

/// Reports from youth in the cadre's region (pending by default), oldest first.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_volunteer_reports",
    security(("bearer" = [])),
    params(StatusFilter, PageQuery),
    responses(
        (status = 200, body = Page<ReportView>),
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/reports")]
pub async fn list_volunteer_reports(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<StatusFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ReportView>>> {
    let parts = page.parts()?;
    let status = filter.status(ReportStatus::Pending)?;
    Ok(web::Json(
        crate::pagination::fetch_page(
            reports::Entity::find()
                .filter(cadre.unit.scope.condition(reports::Column::RegionCode))
                .filter(reports::Column::Status.eq(status))
                .order_by_asc(reports::Column::CreatedAt),
            &state.db,
            parts,
            |r| ReportView::new(r, &state.media),
        )
        .await?,
    ))
}

/// One of the caller's reports, with its timeline and the next step.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_my_volunteer_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, body = MyReportView),
        (status = 404, body = ErrorEnvelope, description = "No such report of the caller")
    )
)]
#[get("/me/volunteer/reports/{id}")]
pub async fn get_my_volunteer_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MyReportView>> {
    let report = reports::Entity::find_by_id(*id)
        .filter(reports::Column::UserId.eq(user.id()))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(reports::Model::NAME))?;
    let timeline = timeline(
        &state.db,
        reports::Model::EVENTS,
        report.id,
        Some(report.user_id),
        Audience::Person,
    )
    .await?;
    let local_unit = units::local_unit_short_name(&state.db, &report.region_code).await?;
    Ok(web::Json(MyReportView {
        next_step: state::report_next_step(report.status, &local_unit),
        report: ReportView::new(report, &state.media),
        timeline,
    }))
}

async fn visible_report(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<reports::Model> {
    let report = reports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(reports::Model::NAME))?;
    cadre.ensure_visible(&report.region_code, reports::Model::NAME)?;
    Ok(report)
}

async fn detail(
    db: &impl ConnectionTrait,
    media: &MediaStore,
    report: reports::Model,
) -> ApiResult<ReportDetailView> {
    let timeline = timeline(
        db,
        reports::Model::EVENTS,
        report.id,
        Some(report.user_id),
        Audience::Staff,
    )
    .await?;
    Ok(ReportDetailView {
        report: ReportView::new(report, media),
        timeline,
    })
}

/// One report from a youth of the cadre's region, with its timeline.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_volunteer_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, body = ReportDetailView),
        (status = 404, body = ErrorEnvelope, description = "No such report in the cadre's region")
    )
)]
#[get("/admin/volunteer/reports/{id}")]
pub async fn get_volunteer_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ReportDetailView>> {
    let report = visible_report(&state.db, &cadre, *id).await?;
    Ok(web::Json(detail(&state.db, &state.media, report).await?))
}

/// Approve (the hours enter the ledger and the leaderboards) or reject (with a reason) a report.
/// The same cadre repeating the same decision gets 200; another decision on a decided report is
/// 409 `INVALID_STATE`. The youth is notified.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "review_volunteer_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = ReportDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already reviewed; REPORT_CHANGED: `version` is not current"),
        (status = 422, body = ErrorEnvelope, description = "reason REQUIRED when rejecting, LENGTH")
    )
)]
#[post("/admin/volunteer/reports/{id}/reviews")]
pub async fn review_volunteer_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> ApiResult<web::Json<ReportDetailView>> {
    use reports::Column as C;
    let decision = body.decision()?;
    let reason = decision.reason().map(str::to_owned);
    let actor = Actor::cadre(&cadre);
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let report = visible_report(&txn, &cadre, *id).await?;
    let action = if decision.approved() {
        ReportAction::Approve
    } else {
        ReportAction::Reject
    };
    let applied = Transition::new(&report, action, &actor)
        .seen(body.version)
        .set(C::ReviewReason, Expr::value(reason.clone()))
        .set(C::ReviewedBy, Expr::value(cadre.user_id))
        .set(C::ReviewedAt, Expr::value(now))
        .reason(reason.clone())
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut written = Vec::new();
    let mut sent = Vec::new();
    if applied.is_done() {
        let (kind, title, text) = match &decision {
            ReviewDecision::Approve(_) => {
                let seq = ledger::lock_next_seq(&txn).await?;
                let entry = ledger::append(
                    &txn,
                    seq,
                    NewEntry {
                        user_id: report.user_id,
                        minutes: report.minutes,
                        region_code: report.region_code.clone(),
                        served_at: report.served_at,
                        source: EntrySource::SelfReport,
                        category: report.category,
                        content: report.content.clone(),
                        activity_id: None,
                        report_id: Some(report.id),
                        reverses_entry_id: None,
                        actor_id: cadre.user_id,
                        reason: reason.clone(),
                    },
                )
                .await?;
                reports::Entity::update_many()
                    .col_expr(C::EntryId, Expr::value(entry.id))
                    .filter(C::Id.eq(report.id))
                    .exec(&txn)
                    .await?;
                written.push(entry);
                (
                    NotificationKind::VolunteerReportApproved,
                    "志愿服务申报已通过",
                    format!(
                        "「{}」{}分钟已计入您的志愿服务时长。",
                        report.content, report.minutes
                    ),
                )
            }
            ReviewDecision::Reject(r) => (
                NotificationKind::VolunteerReportRejected,
                "志愿服务申报未通过",
                format!("「{}」未通过审核。理由：{r}", report.content),
            ),
        };
        sent.push(notify(&txn, report.user_id, kind, title, &text, Some(REPORTS_PAGE)).await?);
    }
    txn.commit().await?;
    sync::deliver(&state, &written).await;
    deliver(&state, sent);
    let fresh = visible_report(&state.db, &cadre, report.id).await?;
    Ok(web::Json(detail(&state.db, &state.media, fresh).await?))
}
