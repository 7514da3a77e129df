//! Completion records and the per-category, per-region counts (the trainee-times targets).
use std::collections::BTreeMap;

use actix_web::{get, post, web};
use chrono::{Duration, Utc};
use entity::notifications::NotificationKind;
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings::{self, Column as T};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::admin::find_visible;
use super::dto::{
    CompletionRequest, CompletionResult, RegionCount, StatsQuery, TrainingCategoryCount,
    TrainingStats,
};
use super::rules::{Category, EnrollmentStatus as S, TrainingStatus};
use super::seats::{lock_training, training_link};
use super::state::EnrollmentAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::league::UnitScope;
use crate::league::rollup::rollup;
use crate::notifications::{deliver, notify};
use crate::time::start_of_day;
use crate::workflow::{Actor, Transition};
use sea_orm::Iterable;

/// Mark participants as having completed the training: the listed enrollments, and/or everyone
/// enrolled who checked in. Marking someone twice changes nothing.
#[utoipa::path(
    tag = "trainings",
    operation_id = "create_completions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CompletionRequest,
    responses(
        (status = 200, body = CompletionResult),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "TRAINING_NOT_STARTED, TRAINING_CANCELLED"),
        (status = 422, body = ErrorEnvelope, description = "enrollmentIds: NOT_ENROLLED")
    )
)]
#[post("/admin/trainings/{id}/completions")]
pub async fn create_completions(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<CompletionRequest>,
) -> ApiResult<web::Json<CompletionResult>> {
    let now = Utc::now();
    let training = find_visible(&state.db, &cadre, id.into_inner()).await?;
    if training.status != TrainingStatus::Published {
        return Err(ApiError::Conflict(
            "TRAINING_CANCELLED",
            "培训已取消".into(),
        ));
    }
    if now < training.starts_at {
        return Err(ApiError::Conflict(
            "TRAINING_NOT_STARTED",
            "培训尚未开始，不能标记结业".into(),
        ));
    }
    if body.enrollment_ids.is_empty() && !body.from_attendance {
        return Err(ApiError::field(
            "enrollmentIds",
            "REQUIRED",
            "请选择结业人员，或按签到记录标记",
        ));
    }
    let enrolled = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training.id))
        .filter(E::Status.eq(S::Enrolled))
        .all(&state.db)
        .await?;
    let by_id: BTreeMap<Uuid, &enrollments::Model> = enrolled.iter().map(|e| (e.id, e)).collect();
    if let Some(stranger) = body
        .enrollment_ids
        .iter()
        .find(|id| !by_id.contains_key(id))
    {
        return Err(ApiError::field(
            "enrollmentIds",
            "NOT_ENROLLED",
            format!("{stranger}不是本培训的已报名人员"),
        ));
    }
    let chosen: Vec<&enrollments::Model> = enrolled
        .iter()
        .filter(|e| {
            e.completed_at.is_none()
                && (body.enrollment_ids.contains(&e.id)
                    || (body.from_attendance && e.checked_in_at.is_some()))
        })
        .collect();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    // The training's row first, as every transaction that changes several enrollments does.
    lock_training(&txn, training.id).await?;
    let mut sent = Vec::new();
    for e in chosen {
        let marked = Transition::new(e, EnrollmentAction::Complete, &actor)
            .only_if(E::CompletedAt.is_null())
            .set(E::CompletedAt, Expr::value(now))
            .set(E::CompletedBy, Expr::value(cadre.user_id))
            .set(E::UpdatedAt, Expr::value(now))
            .attempt(&txn)
            .await?
            .is_some();
        if marked {
            sent.push(
                notify(
                    &txn,
                    e.user_id,
                    NotificationKind::TrainingCompleted,
                    "培训已结业",
                    &format!(
                        "您已完成「{}」，结业记录已存入您的培训档案。",
                        training.title
                    ),
                    Some(&training_link(training.id)),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    let marked = sent.len() as u64;
    deliver(&state, sent);
    let completed_total = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training.id))
        .filter(E::CompletedAt.is_not_null())
        .count(&state.db)
        .await?;
    Ok(web::Json(CompletionResult {
        marked,
        completed_total,
    }))
}

/// Completions (trainee-times) per category and per region one level down, counted by the
/// youth's home region, plus the trainings organised inside the region.
#[utoipa::path(
    tag = "trainings",
    operation_id = "get_training_stats",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, body = TrainingStats),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings/stats")]
pub async fn get_training_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<StatsQuery>,
) -> ApiResult<web::Json<TrainingStats>> {
    let rollup = rollup(&state.db, &cadre, query.region.as_deref(), "region").await?;
    let db = &state.db;
    let counts = completion_counts(db, &rollup.area.scope, &query).await?;

    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    // Per child, in the roll-up's order: (completions, of which e-commerce).
    let mut by_child = vec![(0u64, 0u64); rollup.children.len()];
    let ecommerce = crate::choices::code(Category::EcommerceLivestream);
    for (home, category, n) in &counts {
        *by_category.entry(category.clone()).or_default() += n;
        if let Some(i) = rollup.child_of(home) {
            by_child[i].0 += n;
            if *category == ecommerce {
                by_child[i].1 += n;
            }
        }
    }
    let organised = trainings::Entity::find()
        .filter(rollup.area.scope.condition(T::RegionCode))
        .filter(T::Status.eq(TrainingStatus::Published))
        .all(db)
        .await?;
    let mut trainings_by_category: std::collections::HashMap<Category, u64> =
        std::collections::HashMap::new();
    for t in &organised {
        *trainings_by_category.entry(t.category).or_default() += 1;
    }
    // Children with completions, in the roll-up's order (units by `sort_order`, places by code).
    let by_region = rollup
        .children
        .iter()
        .zip(by_child)
        .filter(|(_, (completions, _))| *completions > 0)
        .map(|(child, (completions, ecommerce))| RegionCount {
            region_code: child.code.clone(),
            region_name: child.name.clone(),
            completions,
            ecommerce_completions: ecommerce,
        })
        .collect();
    let region = rollup.area.code.clone();
    Ok(web::Json(TrainingStats {
        total_completions: by_category.values().sum(),
        by_category: Category::iter()
            .map(|c| TrainingCategoryCount {
                category: c,
                label: c.label().to_owned(),
                trainings: trainings_by_category.get(&c).copied().unwrap_or(0),
                completions: by_category
                    .get(&crate::choices::code(c))
                    .copied()
                    .unwrap_or(0),
            })
            .collect(),
        by_region,
        region_code: region,
    }))
}

/// `(home region, category, completions)` for youth living inside `scope`.
async fn completion_counts(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    query: &StatsQuery,
) -> ApiResult<Vec<(String, String, u64)>> {
    let e = Alias::new("e");
    let t = Alias::new("t");
    let home = Alias::new("home");
    let category = Alias::new("category");
    let n = Alias::new("n");
    let mut select = Query::select();
    select
        .expr_as(Expr::col((e.clone(), E::HomeRegionCode)), home.clone())
        .expr_as(Expr::col((t.clone(), T::Category)), category.clone())
        .expr_as(Expr::col((e.clone(), E::Id)).count(), n.clone())
        .from_as(enrollments::Entity, e.clone())
        .join_as(
            JoinType::InnerJoin,
            trainings::Entity,
            t.clone(),
            Expr::col((t.clone(), T::Id)).equals((e.clone(), E::TrainingId)),
        )
        .and_where(Expr::col((e.clone(), E::CompletedAt)).is_not_null())
        .cond_where(scope.condition((e.clone(), E::HomeRegionCode)))
        .group_by_col((e.clone(), E::HomeRegionCode))
        .group_by_col((t.clone(), T::Category));
    if let Some(from) = query.from {
        select.and_where(Expr::col((e.clone(), E::CompletedAt)).gte(start_of_day(from)));
    }
    if let Some(to) = query.to {
        select.and_where(
            Expr::col((e.clone(), E::CompletedAt)).lt(start_of_day(to) + Duration::days(1)),
        );
    }
    let stmt = db.get_database_backend().build(&select);
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        let code: String = row.try_get("", "home")?;
        let cat: String = row.try_get("", "category")?;
        let count: i64 = row.try_get("", "n")?;
        out.push((code, cat, u64::try_from(count).unwrap_or(0)));
    }
    Ok(out)
}
