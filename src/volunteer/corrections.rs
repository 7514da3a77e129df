use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::{
    volunteer_activities as activities, volunteer_corrections as corrections,
    volunteer_hour_entries as entries,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use super::dto::{
    CorrectionRequest, CorrectionView, Decision, DecisionRequest, EntryView, RevocationRequest,
    StatusFilter,
};
use super::ledger;
use super::reports::{APPROVED, PENDING, REJECTED};
use super::rules::{MAX_ENTRY_MINUTES, activity_minutes, source};
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::leaderboards::sync;
use crate::pagination::{Page, PageQuery};

/// An entry that records service (not itself a reversal), with the region whose cadres
/// organise it and the most it may count.
struct Original {
    entry: entries::Model,
    organiser_region: String,
    cap: i32,
}

async fn original(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<Original> {
    let entry = entries::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|e| e.reverses_entry_id.is_none())
        .ok_or_else(|| ApiError::not_found("志愿服务记录"))?;
    let activity = match entry.activity_id {
        Some(a) => activities::Entity::find_by_id(a).one(db).await?,
        None => None,
    };
    Ok(Original {
        organiser_region: activity
            .as_ref()
            .map(|a| a.region_code.clone())
            .unwrap_or_else(|| entry.region_code.clone()),
        cap: activity
            .map(|a| activity_minutes(a.starts_at, a.ends_at))
            .unwrap_or(MAX_ENTRY_MINUTES),
        entry,
    })
}

/// Ask the organiser to correct the minutes of one of the caller's records.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_correction",
    security(("bearer" = [])),
    request_body = CorrectionRequest,
    responses(
        (status = 201, body = CorrectionView),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "CORRECTION_PENDING / NOTHING_TO_CORRECT"),
        (status = 422, body = ErrorEnvelope, description = "minutes above the activity's length: RANGE")
    )
)]
#[post("/me/volunteer/corrections")]
pub async fn request_correction(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let o = original(&state.db, body.entry_id).await?;
    if o.entry.user_id != user.id() {
        return Err(ApiError::not_found("志愿服务记录"));
    }
    if body.minutes > o.cap {
        return Err(ApiError::field(
            "minutes",
            "RANGE",
            format!("不能超过活动时长{}分钟", o.cap),
        ));
    }
    if ledger::net_minutes(&state.db, &o.entry).await? == i64::from(body.minutes) {
        return Err(ApiError::Conflict(
            "NOTHING_TO_CORRECT",
            "记录的时长与申请相同".into(),
        ));
    }
    let pending = corrections::Entity::find()
        .filter(corrections::Column::EntryId.eq(o.entry.id))
        .filter(corrections::Column::Status.eq(PENDING))
        .count(&state.db)
        .await?;
    if pending > 0 {
        return Err(ApiError::Conflict(
            "CORRECTION_PENDING",
            "该记录已有待处理的更正申请".into(),
        ));
    }
    let c = corrections::ActiveModel {
        id: Set(Uuid::now_v7()),
        entry_id: Set(o.entry.id),
        user_id: Set(user.id()),
        region_code: Set(o.organiser_region),
        requested_minutes: Set(body.minutes),
        reason: Set(body.reason.trim().into()),
        status: Set(PENDING.into()),
        decision_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        result_entry_id: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    Ok(HttpResponse::Created().json(CorrectionView::from(c)))
}

/// Correction requests for activities and youth in the cadre's region (pending by default).
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_volunteer_corrections",
    security(("bearer" = [])),
    params(StatusFilter, PageQuery),
    responses(
        (status = 200, body = Page<CorrectionView>),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/corrections")]
pub async fn list_corrections(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: web::Query<StatusFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<CorrectionView>>> {
    let parts = page.parts()?;
    let status = filter.status()?;
    let prefix = cadre.region_prefix();
    Ok(web::Json(
        crate::pagination::fetch_page(
            corrections::Entity::find()
                .filter(corrections::Column::RegionCode.starts_with(prefix))
                .filter(corrections::Column::Status.eq(status))
                .order_by_asc(corrections::Column::CreatedAt),
            &state.db,
            parts,
            Into::into,
        )
        .await?,
    ))
}

/// Decide a correction. Approving appends a correction entry with the difference; the original
/// stays as it was, so the history shows who changed what and why.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "decide_volunteer_correction",
    security(("bearer" = [])),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = CorrectionView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already decided"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/corrections/{id}/decisions")]
pub async fn decide_correction(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: web::Json<DecisionRequest>,
) -> ApiResult<web::Json<CorrectionView>> {
    body.validate()?;
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if body.decision == Decision::Reject && reason.is_none() {
        return Err(ApiError::field("reason", "REQUIRED", "驳回时须说明理由"));
    }
    let c = corrections::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("更正申请"))?;
    cadre.ensure_visible(&c.region_code, "更正申请")?;
    let status = if body.decision == Decision::Approve {
        APPROVED
    } else {
        REJECTED
    };
    let txn = state.db.begin().await?;
    let res = corrections::Entity::update_many()
        .col_expr(corrections::Column::Status, Expr::value(status))
        .col_expr(
            corrections::Column::DecisionReason,
            Expr::value(reason.map(str::to_owned)),
        )
        .col_expr(corrections::Column::DecidedBy, Expr::value(cadre.user_id))
        .col_expr(corrections::Column::DecidedAt, Expr::value(Utc::now()))
        .filter(corrections::Column::Id.eq(c.id))
        .filter(corrections::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::Conflict("INVALID_STATE", "该申请已处理".into()));
    }
    let mut written = Vec::new();
    if body.decision == Decision::Approve {
        // The sequence lock first: it serialises ledger decisions, so the net read below is current.
        let seq = ledger::lock_next_seq(&txn).await?;
        let o = original(&txn, c.entry_id).await?;
        let delta = i64::from(c.requested_minutes) - ledger::net_minutes(&txn, &o.entry).await?;
        if delta != 0 {
            let why = format!(
                "更正：{}{}",
                c.reason,
                reason
                    .map(|r| format!("（审核意见：{r}）"))
                    .unwrap_or_default()
            );
            let entry = ledger::append(
                &txn,
                seq,
                ledger::reversal_of(
                    &o.entry,
                    delta as i32,
                    source::CORRECTION,
                    cadre.user_id,
                    why,
                ),
            )
            .await?;
            corrections::Entity::update_many()
                .col_expr(corrections::Column::ResultEntryId, Expr::value(entry.id))
                .filter(corrections::Column::Id.eq(c.id))
                .exec(&txn)
                .await?;
            written.push(entry);
        }
    }
    txn.commit().await?;
    sync::deliver(&state, &written).await;
    let fresh = corrections::Entity::find_by_id(c.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("更正申请"))?;
    Ok(web::Json(fresh.into()))
}

/// Revoke a record (e.g. found untrue): appends an entry reversing what it still counts.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_revocation",
    security(("bearer" = [])),
    request_body = RevocationRequest,
    responses(
        (status = 201, body = EntryView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_REVOKED"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/entries/{id}/revocations")]
pub async fn revoke_entry(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: web::Json<RevocationRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let o = original(&state.db, *id).await?;
    cadre.ensure_visible(&o.organiser_region, "志愿服务记录")?;
    let txn = state.db.begin().await?;
    let seq = ledger::lock_next_seq(&txn).await?;
    let net = ledger::net_minutes(&txn, &o.entry).await?;
    if net <= 0 {
        return Err(ApiError::Conflict("ALREADY_REVOKED", "该记录已撤销".into()));
    }
    let entry = ledger::append(
        &txn,
        seq,
        ledger::reversal_of(
            &o.entry,
            -(net as i32),
            source::REVOCATION,
            cadre.user_id,
            body.reason.trim().to_owned(),
        ),
    )
    .await?;
    txn.commit().await?;
    sync::deliver(&state, std::slice::from_ref(&entry)).await;
    Ok(HttpResponse::Created().json(EntryView::from(entry)))
}
