use actix_web::{get, post, web};
use chrono::{Duration, Utc};
use entity::{volunteer_activities as activities, volunteer_signups as signups};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::activities::activity_cancelled;
use super::dto::{
    CodeKind, CodeQuery, CodeView, MakeupRequest, RosterLine, ScanRequest, SignupView,
};
use super::ledger::{self, NewEntry};
use super::rules::{EntrySource, Point, activity_minutes, served_minutes, within_radius};
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::leaderboards::sync;
use crate::pagination::{Page, PageQuery};
use crate::talents;
use crate::time::to_china;
use entity::volunteer_activities::ActivityStatus;
use entity::volunteer_signups::SignupStatus;

/// Check-in opens this long before the start.
const EARLY_CHECKIN: i64 = 60;
/// Self check-out closes this long after the end; later, the organiser makes it up.
const LATE_CHECKOUT: i64 = 120;

fn purpose(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::In => "volunteer-in",
        CodeKind::Out => "volunteer-out",
    }
}

async fn activity(state: &AppState, id: Uuid) -> ApiResult<activities::Model> {
    activities::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("志愿活动"))
}

/// The organiser's rotating check-in or check-out code, to show as a QR code.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_volunteer_check_in_code",
    security(("bearer" = [])),
    params(CodeQuery),
    responses(
        (status = 200, body = CodeView),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ACTIVITY_CANCELLED")
    )
)]
#[get("/admin/volunteer/activities/{id}/check-in-code")]
pub async fn get_volunteer_check_in_code(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    q: crate::input::Query<CodeQuery>,
) -> ApiResult<web::Json<CodeView>> {
    let a = activity(&state, *id).await?;
    cadre.ensure_visible(&a.region_code, "志愿活动")?;
    if a.status == ActivityStatus::Cancelled {
        return Err(activity_cancelled());
    }
    let issued = state.checkin_codes.issue(purpose(q.kind), a.id, Utc::now());
    Ok(web::Json(CodeView {
        code: issued.code,
        expires_at: to_china(issued.expires_at),
    }))
}

fn check_scan(
    state: &AppState,
    a: &activities::Model,
    kind: CodeKind,
    body: &ScanRequest,
) -> ApiResult<()> {
    state
        .checkin_codes
        .verify(purpose(kind), a.id, &body.code, Utc::now())?;
    if let (Some(lat), Some(lng), Some(radius)) = (a.lat_e6, a.lng_e6, a.radius_m) {
        let centre = Point {
            lat_e6: lat,
            lng_e6: lng,
        };
        let at = match (body.latitude, body.longitude) {
            (Some(la), Some(lo)) => Point::from_degrees(la, lo)
                .ok_or_else(|| ApiError::field("latitude", "RANGE", "经纬度超出范围"))?,
            _ => {
                return Err(ApiError::field(
                    "latitude",
                    "LOCATION_REQUIRED",
                    "本活动需要在活动地点签到，请允许获取位置",
                ));
            }
        };
        if !within_radius(centre, radius, at) {
            return Err(ApiError::field(
                "latitude",
                "OUTSIDE_AREA",
                format!("您不在活动地点{radius}米范围内"),
            ));
        }
    }
    Ok(())
}

async fn my_signup(state: &AppState, activity: Uuid, user: Uuid) -> ApiResult<signups::Model> {
    signups::Entity::find()
        .filter(signups::Column::ActivityId.eq(activity))
        .filter(signups::Column::UserId.eq(user))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::Conflict("NOT_SIGNED_UP", "您未报名该活动".into()))
}

/// Check in by scanning the organiser's code (and, where the activity asks, from inside its area).
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_check_in",
    security(("bearer" = [])),
    request_body = ScanRequest,
    responses(
        (status = 200, body = SignupView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_SIGNED_UP / ALREADY_CHECKED_IN / OUTSIDE_TIME_WINDOW / ACTIVITY_CANCELLED"),
        (status = 410, body = ErrorEnvelope, description = "CODE_EXPIRED: scan the current code"),
        (status = 422, body = ErrorEnvelope, description = "code: CODE_INVALID; latitude: LOCATION_REQUIRED / OUTSIDE_AREA")
    )
)]
#[post("/volunteer/activities/{id}/check-ins")]
pub async fn create_volunteer_check_in(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ScanRequest>,
) -> ApiResult<web::Json<SignupView>> {
    let a = activity(&state, *id).await?;
    if a.status == ActivityStatus::Cancelled {
        return Err(activity_cancelled());
    }
    check_scan(&state, &a, CodeKind::In, &body)?;
    let signup = my_signup(&state, a.id, user.id()).await?;
    let now = Utc::now();
    if now < a.starts_at - Duration::minutes(EARLY_CHECKIN) || now > a.ends_at {
        return Err(ApiError::Conflict(
            "OUTSIDE_TIME_WINDOW",
            "不在签到时间内（活动开始前1小时至活动结束）".into(),
        ));
    }
    let res = signups::Entity::update_many()
        .col_expr(signups::Column::CheckedInAt, Expr::value(now))
        .filter(signups::Column::Id.eq(signup.id))
        .filter(signups::Column::Status.eq(SignupStatus::Active))
        .filter(signups::Column::CheckedInAt.is_null())
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::Conflict("ALREADY_CHECKED_IN", "您已签到".into()));
    }
    let fresh = signups::Entity::find_by_id(signup.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("报名记录"))?;
    Ok(web::Json(fresh.into()))
}

/// Close a check-in: writes the ledger entry (check-in to check-out, capped at the activity's
/// length) and updates the leaderboards.
async fn close(
    state: &AppState,
    a: &activities::Model,
    signup: &signups::Model,
    out_at: chrono::DateTime<Utc>,
    source_kind: EntrySource,
    actor: Uuid,
    reason: Option<String>,
) -> ApiResult<signups::Model> {
    let Some(in_at) = signup.checked_in_at else {
        return Err(ApiError::Conflict("NOT_CHECKED_IN", "尚未签到".into()));
    };
    if out_at < in_at {
        return Err(ApiError::field(
            "checkedOutAt",
            "RANGE",
            "签退时间不能早于签到时间",
        ));
    }
    let minutes = served_minutes(in_at, out_at, activity_minutes(a.starts_at, a.ends_at));
    let region = talents::home_region_of(&state.db, signup.user_id)
        .await?
        .map(|h| h.region_code)
        .unwrap_or_else(|| signup.region_code.clone());
    let txn = crate::db::begin(&state.db).await?;
    let res = signups::Entity::update_many()
        .col_expr(signups::Column::CheckedOutAt, Expr::value(out_at))
        .filter(signups::Column::Id.eq(signup.id))
        .filter(signups::Column::CheckedInAt.is_not_null())
        .filter(signups::Column::CheckedOutAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::Conflict("ALREADY_CHECKED_OUT", "已签退".into()));
    }
    let mut written = Vec::new();
    if minutes > 0 {
        let seq = ledger::lock_next_seq(&txn).await?;
        let entry = ledger::append(
            &txn,
            seq,
            NewEntry {
                user_id: signup.user_id,
                minutes,
                region_code: region,
                served_at: in_at,
                source: source_kind,
                category: a.category,
                content: a.title.clone(),
                activity_id: Some(a.id),
                report_id: None,
                reverses_entry_id: None,
                actor_id: actor,
                reason,
            },
        )
        .await?;
        signups::Entity::update_many()
            .col_expr(signups::Column::EntryId, Expr::value(entry.id))
            .filter(signups::Column::Id.eq(signup.id))
            .exec(&txn)
            .await?;
        written.push(entry);
    }
    txn.commit().await?;
    sync::deliver(state, &written).await;
    signups::Entity::find_by_id(signup.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("报名记录"))
}

/// Check out by scanning the organiser's check-out code; records the hours.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_check_out",
    security(("bearer" = [])),
    request_body = ScanRequest,
    responses(
        (status = 200, body = SignupView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_SIGNED_UP / NOT_CHECKED_IN / ALREADY_CHECKED_OUT / CHECKOUT_CLOSED"),
        (status = 410, body = ErrorEnvelope, description = "CODE_EXPIRED: scan the current code"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/volunteer/activities/{id}/check-outs")]
pub async fn create_volunteer_check_out(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ScanRequest>,
) -> ApiResult<web::Json<SignupView>> {
    let a = activity(&state, *id).await?;
    check_scan(&state, &a, CodeKind::Out, &body)?;
    let signup = my_signup(&state, a.id, user.id()).await?;
    let now = Utc::now();
    if now > a.ends_at + Duration::minutes(LATE_CHECKOUT) {
        return Err(ApiError::Conflict(
            "CHECKOUT_CLOSED",
            "签退已截止，请联系活动组织者补录".into(),
        ));
    }
    let done = close(
        &state,
        &a,
        &signup,
        now,
        EntrySource::Checkin,
        user.id(),
        None,
    )
    .await?;
    Ok(web::Json(done.into()))
}

/// Make up a forgotten check-out (organiser only); the hours are marked as added by hand and
/// capped at the activity's length.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_makeup",
    security(("bearer" = [])),
    request_body = MakeupRequest,
    responses(
        (status = 200, body = SignupView),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOT_SIGNED_UP / NOT_CHECKED_IN / ALREADY_CHECKED_OUT"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/volunteer/activities/{id}/makeups")]
pub async fn create_volunteer_makeup(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<MakeupRequest>,
) -> ApiResult<web::Json<SignupView>> {
    let a = activity(&state, *id).await?;
    cadre.ensure_visible(&a.region_code, "志愿活动")?;
    let out_at = body.checked_out_at.to_utc();
    if out_at > Utc::now() {
        return Err(ApiError::field(
            "checkedOutAt",
            "RANGE",
            "签退时间不能晚于当前时间",
        ));
    }
    let signup = my_signup(&state, a.id, body.user_id).await?;
    let done = close(
        &state,
        &a,
        &signup,
        out_at,
        EntrySource::ManualMakeup,
        cadre.user_id,
        Some(body.reason.trim().to_owned()),
    )
    .await?;
    Ok(web::Json(done.into()))
}

/// Who signed up for an activity and where they stand (the organiser uses it to make up a
/// forgotten check-out).
#[utoipa::path(
    tag = "volunteer",
    operation_id = "list_volunteer_signups",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<RosterLine>),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/volunteer/activities/{id}/signups")]
pub async fn list_volunteer_signups(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RosterLine>>> {
    let parts = page.parts()?;
    let a = activity(&state, *id).await?;
    cadre.ensure_visible(&a.region_code, "志愿活动")?;
    let rows = crate::pagination::fetch_page(
        signups::Entity::find()
            .filter(signups::Column::ActivityId.eq(a.id))
            .order_by_asc(signups::Column::CreatedAt)
            .order_by_asc(signups::Column::Id),
        &state.db,
        parts,
        |s| s,
    )
    .await?;
    let ids: Vec<Uuid> = rows.items.iter().map(|s| s.user_id).collect();
    let names = crate::talents::masked_names(&state.db, &ids).await?;
    let items = rows
        .items
        .into_iter()
        .map(|s| RosterLine {
            name: names.get(&s.user_id).cloned().unwrap_or_else(|| "*".into()),
            user_id: s.user_id,
            checked_in_at: s.checked_in_at.map(to_china),
            checked_out_at: s.checked_out_at.map(to_china),
            entry_id: s.entry_id,
        })
        .collect();
    Ok(web::Json(Page::new(items, rows.total, parts)))
}
