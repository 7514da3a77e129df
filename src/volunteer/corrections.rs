//! Corrections (the volunteer asks, the organiser decides; approval appends the difference) and
//! revocations of ledger entries.
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::notifications::NotificationKind;
use entity::volunteer_corrections::{self as corrections, CorrectionStatus};
use entity::{volunteer_activities as activities, volunteer_hour_entries as entries};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{CorrectionRequest, CorrectionView, EntryView, RevocationRequest, StatusFilter};
use super::ledger;
use super::rules::{EntrySource, MAX_ENTRY_MINUTES, activity_minutes};
use super::state::CorrectionAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::leaderboards::sync;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, ReviewDecision, ReviewRequest, Subject, Transition, events};

/// The mini-program page of the youth's volunteer records (notification links).
const RECORDS_PAGE: &str = "pages/volunteer/records";

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
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "CORRECTION_PENDING / NOTHING_TO_CORRECT"),
        (status = 422, body = ErrorEnvelope, description = "minutes above the activity's length: RANGE")
    )
)]
#[post("/me/volunteer/corrections")]
pub async fn create_volunteer_correction(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
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
        .filter(corrections::Column::Status.eq(CorrectionStatus::Pending))
        .count(&state.db)
        .await?;
    if pending > 0 {
        return Err(ApiError::Conflict(
            "CORRECTION_PENDING",
            "该记录已有待处理的更正申请".into(),
        ));
    }
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let c = corrections::ActiveModel {
        id: Set(Uuid::now_v7()),
        entry_id: Set(o.entry.id),
        user_id: Set(user.id()),
        region_code: Set(o.organiser_region),
        requested_minutes: Set(body.minutes),
        reason: Set(body.reason.trim().into()),
        status: Set(CorrectionStatus::Pending),
        decision_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        result_entry_id: Set(None),
        version: Set(1),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let payload = events::payload(&*body);
    record_creation(&txn, &c, CorrectionAction::Create, &actor, payload, None).await?;
    txn.commit().await?;
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
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/corrections")]
pub async fn list_volunteer_corrections(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<StatusFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<CorrectionView>>> {
    let parts = page.parts()?;
    let status = filter.status(CorrectionStatus::Pending)?;
    Ok(web::Json(
        crate::pagination::fetch_page(
            corrections::Entity::find()
                .filter(cadre.unit.scope.condition(corrections::Column::RegionCode))
                .filter(corrections::Column::Status.eq(status))
                .order_by_asc(corrections::Column::CreatedAt),
            &state.db,
            parts,
            Into::into,
        )
        .await?,
    ))
}

/// Review a correction (approve, or reject with a reason). Approving appends a correction entry
/// with the difference; the original stays as it was, so the history shows who changed what and
/// why. The same cadre repeating the same decision gets 200. The volunteer is notified.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "review_volunteer_correction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Correction request id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = CorrectionView),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already decided; CORRECTION_CHANGED: `version` is not current"),
        (status = 422, body = ErrorEnvelope, description = "reason REQUIRED when rejecting, LENGTH")
    )
)]
#[post("/admin/volunteer/corrections/{id}/reviews")]
pub async fn review_volunteer_correction(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReviewRequest>,
) -> ApiResult<web::Json<CorrectionView>> {
    use corrections::Column as C;
    let decision = body.decision()?;
    let reason = decision.reason().map(str::to_owned);
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let c = corrections::Entity::find_by_id(*id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(corrections::Model::NAME))?;
    cadre.ensure_visible(&c.region_code, corrections::Model::NAME)?;
    let action = if decision.approved() {
        CorrectionAction::Approve
    } else {
        CorrectionAction::Reject
    };
    let applied = Transition::new(&c, action, &actor)
        .seen(body.version)
        .set(C::DecisionReason, Expr::value(reason.clone()))
        .set(C::DecidedBy, Expr::value(cadre.user_id))
        .set(C::DecidedAt, Expr::value(Utc::now()))
        .reason(reason.clone())
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut written = Vec::new();
    let mut sent = Vec::new();
    if applied.is_done() {
        let (kind, title, text) = match &decision {
            ReviewDecision::Approve(_) => {
                // The sequence lock first: it serialises ledger decisions, so the net read below
                // is current.
                let seq = ledger::lock_next_seq(&txn).await?;
                let o = original(&txn, c.entry_id).await?;
                let delta =
                    i64::from(c.requested_minutes) - ledger::net_minutes(&txn, &o.entry).await?;
                if delta != 0 {
                    let why = format!(
                        "更正：{}{}",
                        c.reason,
                        reason
                            .as_deref()
                            .map(|r| format!("（审核意见：{r}）"))
                            .unwrap_or_default()
                    );
                    let entry = ledger::append(
                        &txn,
                        seq,
                        ledger::reversal_of(
                            &o.entry,
                            delta as i32,
                            EntrySource::Correction,
                            cadre.user_id,
                            why,
                        ),
                    )
                    .await?;
                    corrections::Entity::update_many()
                        .col_expr(C::ResultEntryId, Expr::value(entry.id))
                        .filter(C::Id.eq(c.id))
                        .exec(&txn)
                        .await?;
                    written.push(entry);
                }
                (
                    NotificationKind::VolunteerCorrectionApproved,
                    "志愿服务时长已更正",
                    format!(
                        "「{}」的时长已更正为{}分钟。",
                        o.entry.content, c.requested_minutes
                    ),
                )
            }
            ReviewDecision::Reject(r) => (
                NotificationKind::VolunteerCorrectionRejected,
                "更正申请未通过",
                format!("您的志愿服务时长更正申请未通过。理由：{r}"),
            ),
        };
        sent.push(notify(&txn, c.user_id, kind, title, &text, Some(RECORDS_PAGE)).await?);
    }
    txn.commit().await?;
    sync::deliver(&state, &written).await;
    deliver(&state, sent);
    let fresh = corrections::Entity::find_by_id(c.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(corrections::Model::NAME))?;
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
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_REVOKED"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/entries/{id}/revocations")]
pub async fn create_volunteer_revocation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RevocationRequest>,
) -> ApiResult<HttpResponse> {
    let o = original(&state.db, *id).await?;
    cadre.ensure_visible(&o.organiser_region, "志愿服务记录")?;
    let txn = crate::db::begin(&state.db).await?;
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
            EntrySource::Revocation,
            cadre.user_id,
            body.reason.trim().to_owned(),
        ),
    )
    .await?;
    txn.commit().await?;
    sync::deliver(&state, std::slice::from_ref(&entry)).await;
    Ok(HttpResponse::Created().json(EntryView::from(entry)))
}
