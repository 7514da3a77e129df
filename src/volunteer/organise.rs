//! What organisers do with their activities: list them, edit them (signed-up youth hear of a new
//! time or place) and cancel them (every sign-up ends and its youth hears why). Cadres act on
//! the activities of their unit; another unit's activity is 404.
use actix_web::{get, post, put, web};
use chrono::{DateTime, SubsecRound, Utc};
use entity::notifications::NotificationKind;
use entity::volunteer_activities::{self as activities, ActivityStatus, Column as A};
use entity::volunteer_signups::{self as signups, SignupStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::activities::{check_request, with_eligibility};
use super::dto::{
    ActivityDetailView, ActivityRequest, ActivityView, AdminActivityFilter, CancelActivityRequest,
};
use super::state::ActivityAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::time::to_china;
use crate::workflow::{Actor, Audience, Subject, Transition, timeline};

/// The mini-program page of an activity.
fn activity_link(id: Uuid) -> String {
    format!("pages/volunteer/activity?id={id}")
}

/// An activity of the cadre's unit, or 404.
async fn find_visible(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<activities::Model> {
    let a = activities::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(activities::Model::NAME))?;
    cadre.ensure_visible(&a.region_code, activities::Model::NAME)?;
    Ok(a)
}

async fn detail(state: &AppState, a: activities::Model) -> ApiResult<ActivityDetailView> {
    let timeline = timeline::timeline(
        &state.db,
        activities::Model::EVENTS,
        a.id,
        None,
        Audience::Staff,
    )
    .await?;
    let activity = with_eligibility(&state.league, vec![a.into()])
        .pop()
        .ok_or_else(|| ApiError::not_found(activities::Model::NAME))?;
    Ok(ActivityDetailView { activity, timeline })
}

/// Youth whose sign-up still holds a place.
async fn active_signups(
    db: &impl ConnectionTrait,
    activity: Uuid,
) -> ApiResult<Vec<signups::Model>> {
    Ok(signups::Entity::find()
        .filter(signups::Column::ActivityId.eq(activity))
        .filter(signups::Column::Status.eq(SignupStatus::Active))
        .all(db)
        .await?)
}

async fn anyone_checked_in(db: &impl ConnectionTrait, activity: Uuid) -> ApiResult<bool> {
    Ok(signups::Entity::find()
        .filter(signups::Column::ActivityId.eq(activity))
        .filter(signups::Column::CheckedInAt.is_not_null())
        .count(db)
        .await?
        > 0)
}

/// Equal as stored: PostgreSQL keeps microseconds, so a time sent again with nanoseconds is the
/// same time.
fn same_instant(stored: DateTime<Utc>, sent: DateTime<Utc>) -> bool {
    stored.trunc_subsecs(6) == sent.trunc_subsecs(6)
}

fn ended() -> ApiError {
    ApiError::Conflict("ACTIVITY_ENDED", "活动已结束".into())
}

/// The activities of the cadre's unit (or only their own), latest start first.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_admin_volunteer_activities",
    security(("bearer" = [])),
    params(AdminActivityFilter, PageQuery),
    responses(
        (status = 200, body = Page<ActivityView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/activities")]
pub async fn list_admin_volunteer_activities(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminActivityFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ActivityView>>> {
    let parts = page.parts()?;
    let mut q = activities::Entity::find().filter(cadre.unit.scope.condition(A::RegionCode));
    if let Some(status) = filter.status {
        q = q.filter(A::Status.eq(status));
    }
    if filter.mine == Some(true) {
        q = q.filter(A::OrganiserId.eq(cadre.user_id));
    }
    if filter.include_past == Some(false) {
        q = q.filter(A::EndsAt.gt(Utc::now()));
    }
    let mut page = crate::pagination::fetch_page(
        q.order_by_desc(A::StartsAt).order_by_desc(A::Id),
        &state.db,
        parts,
        Into::into,
    )
    .await?;
    page.items = with_eligibility(&state.league, page.items);
    Ok(web::Json(page))
}

/// One activity of the cadre's unit, with its history.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_admin_volunteer_activity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ActivityDetailView),
        (status = 404, body = ErrorEnvelope, description = "no such activity in the cadre's unit")
    )
)]
#[get("/admin/volunteer/activities/{id}")]
pub async fn get_admin_volunteer_activity(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ActivityDetailView>> {
    let a = find_visible(&state.db, &cadre, id.into_inner()).await?;
    Ok(web::Json(detail(&state, a).await?))
}

/// Edit an activity (every field but its region, with the `version` looked at). `wanted` may not
/// drop below the youth signed up; once anyone checked in, its times stay. Signed-up youth are
/// told of a new time or place. The same edit repeated is a 200 that writes nothing.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "update_volunteer_activity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ActivityRequest,
    responses(
        (status = 200, body = ActivityDetailView),
        (status = 404, body = ErrorEnvelope, description = "no such activity in the cadre's unit"),
        (status = 409, body = ErrorEnvelope, description = "ACTIVITY_CHANGED: edited since `version`; ACTIVITY_ENDED; ATTENDANCE_STARTED: times changed after a check-in; INVALID_STATE: cancelled"),
        (status = 422, body = ErrorEnvelope, description = "version REQUIRED; wanted BELOW_TAKEN; regionCode IMMUTABLE; endsAt RANGE, …")
    )
)]
#[put("/admin/volunteer/activities/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_volunteer_activity(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ActivityRequest>,
) -> ApiResult<web::Json<ActivityDetailView>> {
    let id = id.into_inner();
    find_visible(&state.db, &cadre, id).await?;
    let seen = body
        .version
        .ok_or_else(|| ApiError::field("version", "REQUIRED", "请提交所查看的版本号"))?;
    let checked = check_request(&body)?;
    let actor = Actor::cadre(&cadre);
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_visible(&txn, &cadre, id).await?;
    let place = body.place.trim().to_owned();
    let wanted = body.wanted;
    let times_moved = !same_instant(current.starts_at, checked.starts_at)
        || !same_instant(current.ends_at, checked.ends_at);
    let moved = times_moved
        || current.place != place
        || current.lat_e6 != checked.point.map(|p| p.lat_e6)
        || current.lng_e6 != checked.point.map(|p| p.lng_e6);
    // The rules of a live activity; a cancelled one gets INVALID_STATE (or 200 for a repeat)
    // from the transition.
    if current.status == ActivityStatus::Published {
        if body
            .region_code
            .as_ref()
            .is_some_and(|r| *r != current.region_code)
        {
            return Err(ApiError::field(
                "regionCode",
                "IMMUTABLE",
                "活动所在地区发布后不能修改",
            ));
        }
        if current.ends_at <= now && current.version == seen {
            return Err(ended());
        }
        if body.wanted < current.signed_up {
            return Err(ApiError::field(
                "wanted",
                "BELOW_TAKEN",
                format!("招募人数不能少于已报名的{}人", current.signed_up),
            ));
        }
        if times_moved && current.version == seen && anyone_checked_in(&txn, id).await? {
            return Err(ApiError::Conflict(
                "ATTENDANCE_STARTED",
                "已有志愿者签到，活动时间不能再修改".into(),
            ));
        }
    }
    let applied = Transition::new(&current, ActivityAction::Edit, &actor)
        .seen(Some(seen))
        .set(
            A::Category,
            Expr::value(crate::choices::code(body.category)),
        )
        .set(A::Title, Expr::value(body.title.trim()))
        .set(A::Description, Expr::value(body.description.trim()))
        .set(A::Place, Expr::value(place))
        .set(A::LatE6, Expr::value(checked.point.map(|p| p.lat_e6)))
        .set(A::LngE6, Expr::value(checked.point.map(|p| p.lng_e6)))
        .set(A::RadiusM, Expr::value(body.radius_m))
        .set(A::StartsAt, Expr::value(checked.starts_at))
        .set(A::EndsAt, Expr::value(checked.ends_at))
        .set(A::Wanted, Expr::value(body.wanted))
        .set(A::OpenToAll, Expr::value(body.open_to_all))
        // A sign-up racing this edit cannot push the count above the new number wanted.
        .only_if(A::SignedUp.lte(wanted))
        .or_else(move |now| {
            (now.status == ActivityStatus::Published && now.signed_up > wanted).then(|| {
                ApiError::field(
                    "wanted",
                    "BELOW_TAKEN",
                    format!("招募人数不能少于已报名的{}人", now.signed_up),
                )
            })
        })
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() && moved {
        let a = applied.record();
        let text = format!(
            "「{}」的时间或地点已调整：{}开始，地点：{}",
            a.title,
            to_china(a.starts_at).format("%Y-%m-%d %H:%M"),
            a.place
        );
        for s in active_signups(&txn, id).await? {
            sent.push(
                notify(
                    &txn,
                    s.user_id,
                    NotificationKind::VolunteerActivityChanged,
                    "志愿活动信息有变更",
                    &text,
                    Some(&activity_link(id)),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Cancel an activity before it ends and before anyone checked in. Every sign-up ends
/// (`activity_cancelled`) and its youth is told why. The same cadre repeating it is a 200.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "cancel_volunteer_activity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CancelActivityRequest,
    responses(
        (status = 200, body = ActivityDetailView),
        (status = 404, body = ErrorEnvelope, description = "no such activity in the cadre's unit"),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already cancelled; ACTIVITY_ENDED; ATTENDANCE_STARTED: someone checked in (their hours stand); ACTIVITY_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason REQUIRED / LENGTH")
    )
)]
#[post("/admin/volunteer/activities/{id}/cancellations")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn cancel_volunteer_activity(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<CancelActivityRequest>,
) -> ApiResult<web::Json<ActivityDetailView>> {
    let id = id.into_inner();
    find_visible(&state.db, &cadre, id).await?;
    let reason = body.reason.trim().to_owned();
    let actor = Actor::cadre(&cadre);
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_visible(&txn, &cadre, id).await?;
    let applied = Transition::new(&current, ActivityAction::Cancel, &actor)
        .seen(body.version)
        .only_if(A::EndsAt.gt(now))
        .or_else(move |a| (a.status == ActivityStatus::Published && a.ends_at <= now).then(ended))
        .set(A::CancelReason, Expr::value(reason.as_str()))
        .reason(Some(reason.as_str()))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        // The activity row is held by this transaction now, so no check-in can slip in between
        // (a check-in also requires an active sign-up, which ends here).
        let ending = active_signups(&txn, id).await?;
        signups::Entity::update_many()
            .col_expr(
                signups::Column::Status,
                Expr::value(crate::choices::code(SignupStatus::ActivityCancelled)),
            )
            .filter(signups::Column::ActivityId.eq(id))
            .filter(signups::Column::Status.eq(SignupStatus::Active))
            .exec(&txn)
            .await?;
        if anyone_checked_in(&txn, id).await? {
            // Dropping the transaction undoes the cancellation.
            return Err(ApiError::Conflict(
                "ATTENDANCE_STARTED",
                "已有志愿者签到，活动不能取消；请为已签到的志愿者办理签退".into(),
            ));
        }
        let text = format!("您报名的「{}」已取消。原因：{reason}", current.title);
        for s in ending {
            sent.push(
                notify(
                    &txn,
                    s.user_id,
                    NotificationKind::VolunteerActivityCancelled,
                    "志愿活动已取消",
                    &text,
                    Some(&activity_link(id)),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}
