//! ID-number conflicts: a save with a number another account registered is 409
//! `ID_NUMBER_TAKEN`, which tells the caller the number is in the pool. So each conflict is
//! recorded for the province (`GET /admin/talents/id-number-conflicts`), and a user who ran into
//! `JIQING_TALENT_ID_CONFLICTS_PER_DAY` of them today cannot submit a new ID number again until
//! midnight China time (429 `ID_NUMBER_CHECKS_EXHAUSTED`, whether or not the next one would
//! conflict, so the refusal itself tells nothing).
use actix_web::{get, web};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use entity::{id_number_conflict_days as days, id_number_conflicts as conflicts, talent_profiles};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, fetch_page};
use crate::time::{start_of_day, to_china, today_in_china};

fn exhausted(now: DateTime<Utc>) -> ApiError {
    let midnight = start_of_day(today_in_china(now) + Duration::days(1));
    ApiError::RateLimited {
        code: "ID_NUMBER_CHECKS_EXHAUSTED",
        message: "今日提交身份证号的次数过多，请明日再试或联系当地团组织".into(),
        retry_after_secs: Ord::max(
            u64::try_from((midnight - now).num_seconds()).unwrap_or(1),
            1,
        ),
    }
}

fn taken() -> ApiError {
    ApiError::Conflict(
        "ID_NUMBER_TAKEN",
        "该身份证号已被其他账号登记，如有疑问请联系当地团组织".into(),
    )
}

/// Refuse a new ID number when the user has used up today's conflicts.
pub async fn ensure_checks_left(state: &AppState, user_id: Uuid) -> ApiResult<()> {
    let now = Utc::now();
    let used = days::Entity::find_by_id((user_id, today_in_china(now)))
        .one(&state.db)
        .await?
        .map_or(0, |d| d.conflicts);
    if used >= i32::try_from(state.settings.talent_id_conflicts_per_day).unwrap_or(i32::MAX) {
        return Err(exhausted(now));
    }
    Ok(())
}

/// Count and record a conflict; the answer is 409, or 429 when a concurrent conflict used the
/// last one of today.
pub async fn conflict(
    state: &AppState,
    user_id: Uuid,
    home_region_code: &str,
    holder: &talent_profiles::Model,
) -> ApiResult<ApiError> {
    let now = Utc::now();
    let today: NaiveDate = today_in_china(now);
    let limit = i32::try_from(state.settings.talent_id_conflicts_per_day).unwrap_or(i32::MAX);
    let txn = crate::db::begin(&state.db).await?;
    days::Entity::insert(days::ActiveModel {
        user_id: Set(user_id),
        day: Set(today),
        conflicts: Set(0),
    })
    .on_conflict(
        OnConflict::columns([days::Column::UserId, days::Column::Day])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let counted = days::Entity::update_many()
        .col_expr(
            days::Column::Conflicts,
            Expr::col(days::Column::Conflicts).add(1),
        )
        .filter(days::Column::UserId.eq(user_id))
        .filter(days::Column::Day.eq(today))
        .filter(days::Column::Conflicts.lt(limit))
        .exec(&txn)
        .await?;
    if counted.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(exhausted(now));
    }
    record(&txn, user_id, home_region_code, holder, now).await?;
    txn.commit().await?;
    tracing::info!(holder = %holder.id, "talent profile save refused: ID number taken");
    Ok(taken())
}

async fn record(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    home_region_code: &str,
    holder: &talent_profiles::Model,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    conflicts::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        home_region_code: Set(home_region_code.to_owned()),
        holder_profile_id: Set(holder.id),
        holder_region_code: Set(holder.home_region_code.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One refused save: who tried, and whose profile holds the number (never the number itself).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdNumberConflictView {
    pub id: Uuid,
    /// The account that submitted the number.
    pub user_id: Uuid,
    /// The home region that account submitted.
    pub home_region_code: String,
    /// The talent profile registered with the number.
    pub holder_profile_id: Uuid,
    pub holder_region_code: String,
    pub created_at: DateTime<FixedOffset>,
}

impl From<conflicts::Model> for IdNumberConflictView {
    fn from(c: conflicts::Model) -> Self {
        Self {
            id: c.id,
            user_id: c.user_id,
            home_region_code: c.home_region_code,
            holder_profile_id: c.holder_profile_id,
            holder_region_code: c.holder_region_code,
            created_at: to_china(c.created_at),
        }
    }
}

/// ID-number conflicts, newest first (province cadres only): each talent-profile save refused
/// with `ID_NUMBER_TAKEN`, so that probing of the pool shows.
#[utoipa::path(
    tag = "talents",
    operation_id = "list_id_number_conflicts",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<IdNumberConflictView>),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED, PROVINCE_CADRE_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "page RANGE")
    )
)]
#[get("/admin/talents/id-number-conflicts")]
pub async fn list_id_number_conflicts(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<IdNumberConflictView>>> {
    let parts = page.parts()?;
    if !cadre.is_province() {
        return Err(ApiError::Forbidden(
            "PROVINCE_CADRE_ONLY",
            "仅省级团干部可以查看身份证号冲突记录".into(),
        ));
    }
    let query = conflicts::Entity::find()
        .order_by_desc(conflicts::Column::CreatedAt)
        .order_by_desc(conflicts::Column::Id);
    Ok(web::Json(
        fetch_page(query, &state.db, parts, Into::into).await?,
    ))
}
