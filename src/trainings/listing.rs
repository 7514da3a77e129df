//! What youth see: the trainings open to them, one training, the category list.
use actix_web::{get, web};
use chrono::{DateTime, Duration, Utc};
use entity::trainings::{self, Column as T};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use uuid::Uuid;

use super::dto::{TrainingCategoryChoice, TrainingFilter, TrainingPhase, TrainingView};
use super::rules::{Category, TrainingStatus, organiser_regions_above};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery};
use crate::talents::home_region_of;
use crate::time::start_of_day;
use sea_orm::Iterable;

/// The category, phase and date filters shared by the youth and cadre lists.
pub fn apply_filter(
    mut query: Select<trainings::Entity>,
    filter: &TrainingFilter,
    now: DateTime<Utc>,
) -> Select<trainings::Entity> {
    if let Some(c) = filter.category {
        query = query.filter(T::Category.eq(c));
    }
    query = match filter.status {
        None => query.filter(T::Status.eq(TrainingStatus::Published)),
        Some(TrainingPhase::Open) => query
            .filter(T::Status.eq(TrainingStatus::Published))
            .filter(T::SignupDeadline.gte(now)),
        Some(TrainingPhase::Closed) => query
            .filter(T::Status.eq(TrainingStatus::Published))
            .filter(T::SignupDeadline.lt(now)),
        Some(TrainingPhase::Cancelled) => query.filter(T::Status.eq(TrainingStatus::Cancelled)),
    };
    if let Some(from) = filter.from {
        query = query.filter(T::StartsAt.gte(start_of_day(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(T::StartsAt.lt(start_of_day(to) + Duration::days(1)));
    }
    query
}

/// Trainings the caller may join: organised by their home county, city or the province
/// (everything, for someone without a talent profile yet), soonest first.
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_trainings",
    security(("bearer" = [])),
    params(PageQuery, TrainingFilter),
    responses(
        (status = 200, body = Page<TrainingView>),
        (status = 401, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<TrainingFilter>,
) -> ApiResult<web::Json<Page<TrainingView>>> {
    let parts = page.parts()?;
    let now = Utc::now();
    let mut query = apply_filter(trainings::Entity::find(), &filter, now);
    if let Some(home) = home_region_of(&state.db, user.id()).await? {
        query = query.filter(T::RegionCode.is_in(organiser_regions_above(&home.region_code)));
    }
    Ok(web::Json(
        crate::pagination::fetch_page(
            query.order_by_asc(T::StartsAt).order_by_asc(T::Id),
            &state.db,
            parts,
            |t| TrainingView::new(t, now),
        )
        .await?,
    ))
}

/// One training.
#[utoipa::path(
    tag = "trainings",
    operation_id = "get_training",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = TrainingView),
        (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/trainings/{id}")]
pub async fn get_training(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TrainingView>> {
    let training = trainings::Entity::find_by_id(id.into_inner())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    Ok(web::Json(TrainingView::new(training, Utc::now())))
}

/// Training categories with their Chinese labels.
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_training_categories",
    responses((status = 200, body = Vec<TrainingCategoryChoice>))
)]
#[get("/training-categories")]
pub async fn list_training_categories() -> web::Json<Vec<TrainingCategoryChoice>> {
    web::Json(
        Category::iter()
            .map(|c| TrainingCategoryChoice {
                value: c,
                label: c.label().to_owned(),
            })
            .collect(),
    )
}
