//! Submit, edit, list and read manual reports (`supervision.md` §3). A report is made by a cadre
//! of its own unit for one indicator and one ended period, once (409 `REPORT_EXISTS`); it can
//! be edited while submitted or returned, never once approved (409 `REPORT_LOCKED`).
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::kpi_manual_reports::{self, Column as C, ManualReportStatus};
use entity::media::MediaPurpose;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::access::{self, detail, ensure_maker, insert_error, visible};
use super::dto::{
    CreateManualReportRequest, ManualReportFilter, ManualReportView, UpdateManualReportRequest,
};
use super::kinds::{self, ManualKind, Period};
use super::state::{self, ReportAction};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::media::{Attachment, MediaField};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::today_in_china;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Transition, events};

const EVIDENCE: MediaField = MediaField::new("evidenceMedia", MediaPurpose::KpiEvidence);
/// `media.attached_kind` of a report's evidence.
const MEDIA_KIND: &str = "kpi_manual_report";

/// The manual kind of the indicator named in `field`: unknown → 422 `UNKNOWN_INDICATOR`; one the
/// system counts itself → 422 `NOT_MANUAL`.
pub fn manual_kind(code: &str, field: &str) -> ApiResult<&'static ManualKind> {
    let code = code.trim();
    if crate::kpi::catalogue::find(code).is_none() {
        return Err(ApiError::field(
            field,
            "UNKNOWN_INDICATOR",
            format!("没有名为“{code}”的考核指标"),
        ));
    }
    kinds::find(code)
        .ok_or_else(|| ApiError::field(field, "NOT_MANUAL", "该指标由系统自动统计，不能人工填报"))
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Submit a unit's figures for one indicator and ended period, as a cadre of that unit.
#[utoipa::path(
    tag = "kpi",
    operation_id = "create_kpi_manual_report",
    security(("bearer" = [])),
    request_body = CreateManualReportRequest,
    responses(
        (status = 201, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION (a unit outside the caller's); AREA_UNIT_ONLY (a unit below it)"),
        (status = 409, body = ErrorEnvelope, description = "REPORT_EXISTS"),
        (status = 422, body = ErrorEnvelope, description = "indicatorCode: UNKNOWN_INDICATOR, NOT_MANUAL; areaUnitCode: UNKNOWN_UNIT, LEVEL; period: FORMAT, RANGE (not yet ended, or before the baseline); values.*: REQUIRED, RANGE, UNKNOWN_FIELD; evidenceMedia: MEDIA_KEY_INVALID")
    )
)]
#[post("/admin/kpi/manual-reports")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<CreateManualReportRequest>,
) -> ApiResult<HttpResponse> {
    let kind = manual_kind(&body.indicator_code, "indicatorCode")?;
    let unit = cadre
        .tree()
        .unit(body.area_unit_code.trim())
        .ok_or_else(|| ApiError::field("areaUnitCode", "UNKNOWN_UNIT", "请填写本单位的团组织代码"))?
        .clone();
    if !cadre.covers_unit(&unit) {
        return Err(ApiError::forbidden_region());
    }
    if !access::reports_here(&unit) {
        return Err(ApiError::field(
            "areaUnitCode",
            "LEVEL",
            "团省委的数据由各市（州）、县级团组织上报汇总，不单独填报",
        ));
    }
    ensure_maker(&cadre, &unit.code)?;
    let now = Utc::now();
    let today = today_in_china(now);
    let id = Uuid::now_v7();
    let mut errors: Vec<FieldError> = Vec::new();
    let period = kinds::period(kind, &body.period, today, state.settings.kpi_baseline_on)
        .map_err(|e| errors.push(e))
        .ok();
    let values = kinds::values(kind, &body.values)
        .map_err(|e| errors.extend(e))
        .ok();
    let record = Attachment::new(MEDIA_KIND, id);
    errors.extend(
        EVIDENCE
            .check(&state.db, cadre.user_id, &body.evidence_media, record)
            .await?,
    );
    let (Some(period), Some(values), true) = (period, values, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let txn = crate::db::begin(&state.db).await?;
    let report = kpi_manual_reports::ActiveModel {
        id: Set(id),
        indicator_code: Set(kind.indicator.to_owned()),
        area_unit_code: Set(unit.code.clone()),
        period: Set(period.to_string()),
        period_end: Set(period.end()),
        values_json: Set(serde_json::to_string(&values).unwrap_or_else(|_| "{}".into())),
        evidence: Set(trimmed(&body.evidence)),
        evidence_media: Set(crate::choices::json_text(&body.evidence_media)),
        status: Set(ManualReportStatus::Submitted),
        submitted_by: Set(cadre.user_id),
        approved_by: Set(None),
        accepted_by: Set(None),
        reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(insert_error)?;
    EVIDENCE
        .attach(&txn, cadre.user_id, &body.evidence_media, record)
        .await?;
    record_creation(
        &txn,
        &report,
        ReportAction::Submit,
        &Actor::cadre(&cadre),
        events::payload(&*body),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, report).await?))
}

/// Change the figures of a submitted or returned report, as a cadre of its unit (it is
/// submitted again; an approved or accepted one is locked).
#[utoipa::path(
    tag = "kpi",
    operation_id = "update_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = UpdateManualReportRequest,
    responses(
        (status = 200, body = ManualReportView),
        (status = 403, body = ErrorEnvelope, description = "AREA_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "REPORT_LOCKED; REPORT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "values.*: REQUIRED, RANGE, UNKNOWN_FIELD; evidenceMedia: MEDIA_KEY_INVALID")
    )
)]
#[put("/admin/kpi/manual-reports/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<UpdateManualReportRequest>,
) -> ApiResult<web::Json<ManualReportView>> {
    // Read before the transaction: it then starts with its write, so two instances on SQLite
    // queue for the lock instead of failing to upgrade a read.
    let current = visible(&state.db, &cadre, *id).await?;
    ensure_maker(&cadre, &current.area_unit_code)?;
    let kind = manual_kind(&current.indicator_code, "indicatorCode")?;
    let record = Attachment::new(MEDIA_KIND, current.id);
    let mut errors = Vec::new();
    let values = kinds::values(kind, &body.values)
        .map_err(|e| errors.extend(e))
        .ok();
    errors.extend(
        EVIDENCE
            .check(&state.db, cadre.user_id, &body.evidence_media, record)
            .await?,
    );
    let (Some(values), true) = (values, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&current, ReportAction::Edit, &actor)
        .seen(Some(body.version))
        .set(
            C::ValuesJson,
            Expr::value(serde_json::to_string(&values).unwrap_or_else(|_| "{}".into())),
        )
        .set(C::Evidence, Expr::value(trimmed(&body.evidence)))
        .set(
            C::EvidenceMedia,
            Expr::value(crate::choices::json_text(&body.evidence_media)),
        )
        .set(C::SubmittedBy, Expr::value(cadre.user_id))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .or_else(|now| state::counts(now.status).then(access::locked))
        .run(&txn)
        .await?;
    if applied.is_done() {
        EVIDENCE
            .attach(&txn, cadre.user_id, &body.evidence_media, record)
            .await?;
    }
    txn.commit().await?;
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Reports of the caller's unit (or the unit `region` names inside it) and the units below.
#[utoipa::path(
    tag = "kpi",
    operation_id = "list_kpi_manual_reports",
    security(("bearer" = [])),
    params(ManualReportFilter, PageQuery),
    responses(
        (status = 200, body = Page<ManualReportView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION; indicator: UNKNOWN_INDICATOR, NOT_MANUAL; period: FORMAT")
    )
)]
#[get("/admin/kpi/manual-reports")]
pub async fn list_kpi_manual_reports(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<ManualReportFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ManualReportView>>> {
    let parts = page.parts()?;
    let tree = cadre.tree();
    let unit = match filter
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => &cadre.unit,
        Some(code) => {
            let unit = tree.unit(code).ok_or_else(|| {
                ApiError::field(
                    "region",
                    "UNKNOWN_REGION",
                    "没有这个团组织，请填写团组织代码",
                )
            })?;
            if !cadre.covers_unit(unit) {
                return Err(ApiError::forbidden_region());
            }
            unit
        }
    };
    let mut q =
        kpi_manual_reports::Entity::find().filter(C::AreaUnitCode.is_in(tree.codes_within(unit)));
    if let Some(code) = filter.indicator.as_deref().filter(|c| !c.trim().is_empty()) {
        q = q.filter(C::IndicatorCode.eq(manual_kind(code, "indicator")?.indicator));
    }
    if let Some(s) = filter.status {
        q = q.filter(C::Status.eq(s));
    }
    if let Some(p) = filter.period.as_deref().filter(|p| !p.trim().is_empty()) {
        let p = Period::parse(p.trim())
            .ok_or_else(|| ApiError::field("period", "FORMAT", "期间格式如2026-Q1或2026"))?;
        q = q.filter(C::Period.eq(p.to_string()));
    }
    let q = q
        .order_by_desc(C::PeriodEnd)
        .order_by_asc(C::AreaUnitCode)
        .order_by_asc(C::IndicatorCode)
        .order_by_asc(C::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = rows
        .into_iter()
        .map(|r| ManualReportView::new(r, tree, &state.media))
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One report with its timeline.
#[utoipa::path(
    tag = "kpi",
    operation_id = "get_kpi_manual_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ManualReportView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/kpi/manual-reports/{id}")]
pub async fn get_kpi_manual_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ManualReportView>> {
    let r = visible(&state.db, &cadre, *id).await?;
    Ok(web::Json(detail(&state, r).await?))
}
