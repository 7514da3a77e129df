use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use entity::{volunteer_activities as activities, volunteer_signups as signups};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::dto::{
    ActivityFilter, ActivityRequest, ActivityView, MySignupView, SignupView,
    VolunteerCategoryChoice, eligibility_text,
};
use super::rules::{Category, Point, may_sign_up};
use super::state::ActivityAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser, InlineSession};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::league::LeagueTree;
use crate::pagination::{Page, PageQuery};
use crate::workflow::{Actor, events, transition, units};
use crate::{regions, talents};
use entity::volunteer_activities::ActivityStatus;
use entity::volunteer_signups::SignupStatus;
use sea_orm::Iterable;

/// The volunteer categories with their Chinese labels.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_volunteer_categories",
    responses((status = 200, body = [VolunteerCategoryChoice]))
)]
#[get("/volunteer/categories")]
pub async fn list_volunteer_categories() -> web::Json<Vec<VolunteerCategoryChoice>> {
    use crate::choices::Labelled;
    web::Json(
        Category::iter()
            .map(|c| VolunteerCategoryChoice {
                value: c,
                label: c.label().into(),
            })
            .collect(),
    )
}

/// Publish a volunteer activity in the organiser's region. Unless `openToAll`, only youth whose
/// home lies in the organiser's unit may sign up.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_activity",
    security(("bearer" = [])),
    request_body = ActivityRequest,
    responses(
        (status = 201, body = ActivityView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED / OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/activities")]
pub async fn create_volunteer_activity(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let region = match &body.region_code {
        Some(code) => code.clone(),
        None => cadre.own_region("regionCode")?,
    };
    regions::queries::require(&state.db, &region, "regionCode").await?;
    cadre.ensure_covers(&region)?;
    let checked = check_request(&body)?;
    let payload = events::payload(&*body);
    let txn = crate::db::begin(&state.db).await?;
    let activity = activities::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_code: Set(region),
        category: Set(body.category),
        title: Set(body.title.trim().into()),
        description: Set(body.description.trim().into()),
        place: Set(body.place.trim().into()),
        lat_e6: Set(checked.point.map(|p| p.lat_e6)),
        lng_e6: Set(checked.point.map(|p| p.lng_e6)),
        radius_m: Set(body.radius_m),
        starts_at: Set(checked.starts_at),
        ends_at: Set(checked.ends_at),
        wanted: Set(body.wanted),
        signed_up: Set(0),
        organiser_id: Set(cadre.user_id),
        created_at: Set(Utc::now()),
        status: Set(ActivityStatus::Published),
        version: Set(1),
        open_to_all: Set(body.open_to_all),
        unit_code: Set(Some(units::unit_code_of(&cadre))),
        cancel_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    transition::record_creation(
        &txn,
        &activity,
        ActivityAction::Create,
        &Actor::cadre(&cadre),
        payload,
        None,
    )
    .await?;
    txn.commit().await?;
    let view = with_eligibility(&state.league, vec![activity.into()]);
    Ok(HttpResponse::Created().json(view.into_iter().next()))
}

/// An activity's times and check-in point, checked.
pub(super) struct CheckedActivity {
    pub starts_at: chrono::DateTime<Utc>,
    pub ends_at: chrono::DateTime<Utc>,
    pub point: Option<Point>,
}

/// The rules a published or edited activity keeps.
pub(super) fn check_request(body: &ActivityRequest) -> ApiResult<CheckedActivity> {
    let (starts_at, ends_at) = (body.starts_at.to_utc(), body.ends_at.to_utc());
    if ends_at <= starts_at {
        return Err(ApiError::field("endsAt", "RANGE", "结束时间须晚于开始时间"));
    }
    if ends_at - starts_at > chrono::Duration::days(7) {
        return Err(ApiError::field("endsAt", "RANGE", "单次活动不能超过7天"));
    }
    let point = match (body.latitude, body.longitude) {
        (None, None) => None,
        (Some(lat), Some(lng)) => Some(
            Point::from_degrees(lat, lng)
                .ok_or_else(|| ApiError::field("latitude", "RANGE", "经纬度超出范围"))?,
        ),
        _ => {
            return Err(ApiError::field(
                "longitude",
                "REQUIRED",
                "经度和纬度须同时填写",
            ));
        }
    };
    if point.is_some() != body.radius_m.is_some() {
        return Err(ApiError::field(
            "radiusM",
            "REQUIRED",
            "签到位置和签到范围须同时填写",
        ));
    }
    Ok(CheckedActivity {
        starts_at,
        ends_at,
        point,
    })
}

/// State who may sign up with the organising unit's name, from the league tree each instance
/// holds (units are written only by migrations), so a page of activities costs no look-up.
pub(super) fn with_eligibility(
    tree: &LeagueTree,
    mut views: Vec<ActivityView>,
) -> Vec<ActivityView> {
    for v in &mut views {
        let unit = v.unit_code.as_deref().and_then(|c| tree.unit(c));
        v.eligibility = eligibility_text(v.open_to_all, unit.map(|u| u.name.as_str()));
    }
    views
}

/// Published volunteer activities, soonest first (upcoming and running ones unless
/// `includePast`); each states who may sign up.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_volunteer_activities",
    security(("bearer" = [])),
    params(ActivityFilter, PageQuery),
    responses(
        (status = 200, body = Page<ActivityView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/volunteer/activities")]
pub async fn list_volunteer_activities(
    state: web::Data<AppState>,
    user: InlineSession,
    filter: crate::input::Query<ActivityFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ActivityView>>> {
    user.settle(published_activities(&state, &user, &filter, &page))
        .await
        .map(web::Json)
}

/// The body of [`list_volunteer_activities`]: the page, and whether its statement returned rows.
async fn published_activities(
    state: &AppState,
    user: &InlineSession,
    filter: &ActivityFilter,
    page: &PageQuery,
) -> ApiResult<(Page<ActivityView>, bool)> {
    let parts = page.parts()?;
    let mut q = activities::Entity::find()
        .filter(activities::Column::Status.eq(ActivityStatus::Published))
        .filter(user.is_live());
    if let Some(region) = &filter.region {
        let code = regions::queries::require(&state.db, region, "region").await?;
        let prefix = regions::RegionCode::parse(&code.code)
            .map(|c| c.prefix().to_owned())
            .unwrap_or_default();
        q = q
            .filter(activities::Column::RegionCode.gte(prefix.as_str()))
            .filter(activities::Column::RegionCode.lt(regions::code::prefix_end(&prefix)));
    }
    if !filter.include_past.unwrap_or(false) {
        q = q.filter(activities::Column::EndsAt.gt(Utc::now()));
    }
    let mut page = crate::pagination::fetch_page(
        q.order_by_asc(activities::Column::StartsAt)
            .order_by_asc(activities::Column::Id),
        &state.db,
        parts,
        Into::into,
    )
    .await?;
    let found = !page.items.is_empty();
    page.items = with_eligibility(&state.league, page.items);
    Ok((page, found))
}

/// One activity (also a cancelled one, with its status and reason), stating who may sign up.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_volunteer_activity",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ActivityView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/volunteer/activities/{id}")]
pub async fn get_volunteer_activity(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ActivityView>> {
    let a = activities::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("志愿活动"))?;
    let view = with_eligibility(&state.league, vec![a.into()]);
    Ok(web::Json(
        view.into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("志愿活动"))?,
    ))
}

/// Sign up for an activity (youth with a talent profile whose home lies in the organising unit,
/// or anyone's when the activity is open to all). Seats are taken by conditional update, so an
/// activity is never over-filled, and never after it was cancelled.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_signup",
    security(("bearer" = [])),
    responses(
        (status = 201, body = SignupView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY; OUTSIDE_ACTIVITY_AREA: home outside the organising unit and the activity is not open to all"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_SIGNED_UP / ACTIVITY_FULL / ACTIVITY_ENDED / ACTIVITY_CANCELLED / TALENT_PROFILE_REQUIRED")
    )
)]
#[post("/volunteer/activities/{id}/signups")]
pub async fn create_volunteer_signup(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let home = talents::home_region_of(&state.db, user.id())
        .await?
        .ok_or_else(talents::profile_required)?;
    let activity = activities::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("志愿活动"))?;
    if activity.status == ActivityStatus::Cancelled {
        return Err(activity_cancelled());
    }
    if activity.ends_at <= Utc::now() {
        return Err(ApiError::Conflict("ACTIVITY_ENDED", "活动已结束".into()));
    }
    if !may_sign_up(
        &state.league,
        activity.open_to_all,
        activity.unit_code.as_deref(),
        &activity.region_code,
        &home.region_code,
    ) {
        let view = with_eligibility(&state.league, vec![activity.clone().into()]);
        let rule = view
            .into_iter()
            .next()
            .map(|v| v.eligibility)
            .unwrap_or_default();
        return Err(ApiError::Forbidden(
            "OUTSIDE_ACTIVITY_AREA",
            format!("您的家庭所在地不在本活动报名范围内：{rule}"),
        ));
    }
    let txn = crate::db::begin(&state.db).await?;
    if signups::Entity::find()
        .filter(signups::Column::ActivityId.eq(activity.id))
        .filter(signups::Column::UserId.eq(user.id()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(already_signed_up());
    }
    let taken = activities::Entity::update_many()
        .col_expr(
            activities::Column::SignedUp,
            Expr::col(activities::Column::SignedUp).add(1),
        )
        .filter(activities::Column::Id.eq(activity.id))
        .filter(activities::Column::Status.eq(ActivityStatus::Published))
        .filter(Expr::col(activities::Column::SignedUp).lt(Expr::col(activities::Column::Wanted)))
        .exec(&txn)
        .await?;
    if taken.rows_affected == 0 {
        let now = transition::reload::<activities::Model>(&txn, activity.id).await?;
        if now.status == ActivityStatus::Cancelled {
            return Err(activity_cancelled());
        }
        return Err(ApiError::Conflict(
            "ACTIVITY_FULL",
            "该活动志愿者已招满".into(),
        ));
    }
    let signup = signups::ActiveModel {
        id: Set(Uuid::now_v7()),
        activity_id: Set(activity.id),
        user_id: Set(user.id()),
        region_code: Set(home.region_code),
        checked_in_at: Set(None),
        checked_out_at: Set(None),
        entry_id: Set(None),
        created_at: Set(Utc::now()),
        status: Set(SignupStatus::Active),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict("DUPLICATE", _) => already_signed_up(),
        other => other,
    })?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(SignupView::from(signup)))
}

pub(super) fn activity_cancelled() -> ApiError {
    ApiError::Conflict("ACTIVITY_CANCELLED", "该活动已取消".into())
}

fn already_signed_up() -> ApiError {
    ApiError::Conflict("ALREADY_SIGNED_UP", "您已报名该活动".into())
}

/// The caller's sign-ups, newest first, with the activity's title and time and the check-in state.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_my_volunteer_signups",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<MySignupView>), (status = 401, body = ErrorEnvelope))
)]
#[get("/me/volunteer/signups")]
pub async fn list_my_volunteer_signups(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MySignupView>>> {
    let parts = page.parts()?;
    let rows = crate::pagination::fetch_page(
        signups::Entity::find()
            .filter(signups::Column::UserId.eq(user.id()))
            .order_by_desc(signups::Column::CreatedAt)
            .order_by_desc(signups::Column::Id),
        &state.db,
        parts,
        |s| s,
    )
    .await?;
    let ids: Vec<Uuid> = rows.items.iter().map(|s| s.activity_id).collect();
    let by_id: std::collections::HashMap<Uuid, activities::Model> = activities::Entity::find()
        .filter(activities::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut items = Vec::with_capacity(rows.items.len());
    for s in rows.items {
        // A sign-up references its activity (foreign key): a missing one is a bug, not a blank.
        let a = by_id.get(&s.activity_id).ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("sign-up {} without its activity", s.id))
        })?;
        items.push(MySignupView::new(s, a));
    }
    Ok(web::Json(Page::new(items, rows.total, parts)))
}

/// Withdraw from an activity before checking in; the seat is freed.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "delete_my_volunteer_signup",
    security(("bearer" = [])),
    responses(
        (status = 204),
        (status = 404, body = ErrorEnvelope, description = "not signed up"),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_CHECKED_IN / ACTIVITY_CANCELLED (the sign-up already ended)")
    )
)]
#[delete("/volunteer/activities/{id}/signups/me")]
pub async fn delete_my_volunteer_signup(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let txn = crate::db::begin(&state.db).await?;
    let signup = signups::Entity::find()
        .filter(signups::Column::ActivityId.eq(*id))
        .filter(signups::Column::UserId.eq(user.id()))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("报名记录"))?;
    if signup.status == SignupStatus::ActivityCancelled {
        return Err(activity_cancelled());
    }
    let gone = signups::Entity::delete_many()
        .filter(signups::Column::Id.eq(signup.id))
        .filter(signups::Column::Status.eq(SignupStatus::Active))
        .filter(signups::Column::CheckedInAt.is_null())
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "ALREADY_CHECKED_IN",
            "已签到，不能取消报名".into(),
        ));
    }
    activities::Entity::update_many()
        .col_expr(
            activities::Column::SignedUp,
            Expr::col(activities::Column::SignedUp).sub(1),
        )
        .filter(activities::Column::Id.eq(*id))
        .filter(activities::Column::SignedUp.gt(0))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
