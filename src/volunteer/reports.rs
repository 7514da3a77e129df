use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use entity::volunteer_reports as reports;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use super::activities::profile_required;
use super::dto::{CreateReportRequest, Decision, DecisionRequest, ReportView, StatusFilter};
use super::ledger::{self, NewEntry};
use super::rules::source;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::leaderboards::sync;
use crate::pagination::{Page, PageQuery};
use crate::talents;

pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";

fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    match req.headers().get("idempotency-key") {
        None => Ok(None),
        Some(v) => match v.to_str().map(str::trim) {
            Ok(k) if !k.is_empty() && k.len() <= 64 => Ok(Some(k.to_owned())),
            _ => Err(ApiError::field(
                "Idempotency-Key",
                "FORMAT",
                "Idempotency-Key 应为1至64个字符",
            )),
        },
    }
}

async fn by_key(state: &AppState, user: Uuid, key: &str) -> ApiResult<Option<reports::Model>> {
    Ok(reports::Entity::find()
        .filter(reports::Column::UserId.eq(user))
        .filter(reports::Column::IdempotencyKey.eq(key))
        .one(&state.db)
        .await?)
}

/// Report service done off the platform; it waits for a cadre of the youth's region. Send an
/// `Idempotency-Key` header: a repeat with the same key returns the first report (200).
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_report",
    security(("bearer" = [])),
    request_body = CreateReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–64 characters; repeats return the first result")),
    responses(
        (status = 201, body = ReportView),
        (status = 200, body = ReportView, description = "a repeat of an earlier request with the same Idempotency-Key"),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/me/volunteer/reports")]
pub async fn create_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateReportRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = idempotency_key(&req)?;
    if let Some(k) = &key
        && let Some(first) = by_key(&state, user.id(), k).await?
    {
        return Ok(HttpResponse::Ok().json(ReportView::from(first)));
    }
    body.validate()?;
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
    if body
        .photos
        .iter()
        .any(|p| p.trim().is_empty() || p.len() > 256)
    {
        return Err(ApiError::field("photos", "FORMAT", "照片地址不正确"));
    }
    let home = talents::home_region_of(&state.db, user.id())
        .await?
        .ok_or_else(profile_required)?;
    let inserted = reports::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id()),
        region_code: Set(home.region_code),
        category: Set(body.category.as_str().into()),
        content: Set(body.content.trim().into()),
        place: Set(body.place.trim().into()),
        served_at: Set(served_at),
        minutes: Set(body.minutes),
        description: Set(body.description.trim().into()),
        photos: Set(serde_json::to_string(&body.photos).unwrap_or_else(|_| "[]".into())),
        status: Set(PENDING.into()),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        entry_id: Set(None),
        idempotency_key: Set(key.clone()),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await;
    match inserted {
        Ok(r) => Ok(HttpResponse::Created().json(ReportView::from(r))),
        // A concurrent repeat with the same key won the race: answer with its report.
        Err(e) => match (ApiError::from(e), &key) {
            (ApiError::Conflict("DUPLICATE", _), Some(k)) => {
                let first = by_key(&state, user.id(), k)
                    .await?
                    .ok_or_else(|| ApiError::not_found("志愿服务申报"))?;
                Ok(HttpResponse::Ok().json(ReportView::from(first)))
            }
            (other, _) => Err(other),
        },
    }
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
pub async fn list_my_reports(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ReportView>>> {
    let parts = page.parts()?;
    Ok(web::Json(
        crate::pagination::fetch_page(
            reports::Entity::find()
                .filter(reports::Column::UserId.eq(user.id()))
                .order_by_desc(reports::Column::CreatedAt),
            &state.db,
            parts,
            Into::into,
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
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: web::Query<StatusFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ReportView>>> {
    let parts = page.parts()?;
    let status = filter.status()?;
    let prefix = cadre.region_prefix();
    Ok(web::Json(
        crate::pagination::fetch_page(
            reports::Entity::find()
                .filter(reports::Column::RegionCode.starts_with(prefix))
                .filter(reports::Column::Status.eq(status))
                .order_by_asc(reports::Column::CreatedAt),
            &state.db,
            parts,
            Into::into,
        )
        .await?,
    ))
}

/// Approve (the hours enter the ledger and the leaderboards) or reject (with a reason) a report.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "review_volunteer_report",
    security(("bearer" = [])),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ReportView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already reviewed"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/reports/{id}/reviews")]
pub async fn review_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: web::Json<DecisionRequest>,
) -> ApiResult<web::Json<ReportView>> {
    body.validate()?;
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if body.decision == Decision::Reject && reason.is_none() {
        return Err(ApiError::field("reason", "REQUIRED", "驳回时须说明理由"));
    }
    let report = reports::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("志愿服务申报"))?;
    cadre.ensure_visible(&report.region_code, "志愿服务申报")?;
    let status = match body.decision {
        Decision::Approve => APPROVED,
        Decision::Reject => REJECTED,
    };
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let res = reports::Entity::update_many()
        .col_expr(reports::Column::Status, Expr::value(status))
        .col_expr(
            reports::Column::ReviewReason,
            Expr::value(reason.map(str::to_owned)),
        )
        .col_expr(reports::Column::ReviewedBy, Expr::value(cadre.user_id))
        .col_expr(reports::Column::ReviewedAt, Expr::value(now))
        .filter(reports::Column::Id.eq(report.id))
        .filter(reports::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::Conflict("INVALID_STATE", "该申报已审核".into()));
    }
    let mut written = Vec::new();
    if body.decision == Decision::Approve {
        let seq = ledger::lock_next_seq(&txn).await?;
        let entry = ledger::append(
            &txn,
            seq,
            NewEntry {
                user_id: report.user_id,
                minutes: report.minutes,
                region_code: report.region_code.clone(),
                served_at: report.served_at,
                source: source::SELF_REPORT,
                category: report.category.clone(),
                content: report.content.clone(),
                activity_id: None,
                report_id: Some(report.id),
                reverses_entry_id: None,
                actor_id: cadre.user_id,
                reason: reason.map(str::to_owned),
            },
        )
        .await?;
        reports::Entity::update_many()
            .col_expr(reports::Column::EntryId, Expr::value(entry.id))
            .filter(reports::Column::Id.eq(report.id))
            .exec(&txn)
            .await?;
        written.push(entry);
    }
    txn.commit().await?;
    sync::deliver(&state, &written).await;
    let fresh = reports::Entity::find_by_id(report.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("志愿服务申报"))?;
    Ok(web::Json(fresh.into()))
}
