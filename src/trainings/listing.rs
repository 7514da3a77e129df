//! What youth see: the trainings open to them, one training, the category list.
use actix_web::{get, web};
use chrono::{DateTime, Duration, Utc};
use entity::talent_profiles;
use entity::trainings::{self, Column as T};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use uuid::Uuid;

use super::dto::{TrainingCategoryChoice, TrainingFilter, TrainingPhase, TrainingView};
use super::rules::{Category, TrainingStatus};
use crate::app_state::AppState;
use crate::auth::{CurrentUser, InlineSession};
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery};
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

/// Trainings organised by the county, city or province above `user`'s home township or village
/// (`organiser_regions_above`), or every training when they have no talent profile yet — decided
/// inside the listing statement, so the list costs no separate look-up of the home region.
fn organised_above_home_of(user: Uuid) -> Condition {
    let profile = || {
        Query::select()
            .expr(Expr::val(1))
            .from(talent_profiles::Entity)
            .and_where(talent_profiles::Column::UserId.eq(user))
            .to_owned()
    };
    let mut above = profile();
    above
        .and_where(Expr::cust(
            "length(talent_profiles.home_region_code) IN (9, 12)",
        ))
        .and_where(Expr::cust(
            "trainings.region_code IN (\
             substr(talent_profiles.home_region_code, 1, 2) || '0000', \
             substr(talent_profiles.home_region_code, 1, 4) || '00', \
             substr(talent_profiles.home_region_code, 1, 6))",
        ));
    Condition::any()
        .add(Expr::exists(above))
        .add(Expr::exists(profile()).not())
}

/// Trainings the caller may join: organised by their home county, city or the province
/// (everything, for someone without a talent profile yet), soonest first. The caller's session
/// is checked inside the listing statement (`InlineSession`).
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_trainings",
    security(("bearer" = [])),
    params(PageQuery, TrainingFilter),
    responses(
        (status = 200, body = Page<TrainingView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    user: InlineSession,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<TrainingFilter>,
) -> ApiResult<web::Json<Page<TrainingView>>> {
    user.settle(async {
        let parts = page.parts()?;
        let now = Utc::now();
        let query = apply_filter(trainings::Entity::find(), &filter, now)
            .filter(organised_above_home_of(user.user_id))
            .filter(user.is_live());
        let page = crate::pagination::fetch_page(
            query.order_by_asc(T::StartsAt).order_by_asc(T::Id),
            &state.db,
            parts,
            |t| TrainingView::new(t, now),
        )
        .await?;
        let rows = !page.items.is_empty();
        Ok((web::Json(page), rows))
    })
    .await
}

/// One training.
#[utoipa::path(
    tag = "trainings",
    operation_id = "get_training",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = TrainingView),
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
