//! Campaigns: the cadres of the campaign's unit (or above) create, edit, open, close and archive
//! them; cadres of the units below read them (to add positions); students list the open ones.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Duration, Utc};
use entity::practice_campaigns::{self, CampaignStatus, Column as C};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    CampaignDetailView, CampaignFilter, CampaignRequest, CampaignView, VersionRequest,
};
use super::state::CampaignAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::choices::Labelled;
use crate::config::PracticeSettings;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::league::LeagueTree;
use crate::pagination::{Page, PageQuery};
use crate::time::{start_of_day, to_china};
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Audience, Subject, Transition, events, timeline::timeline};

pub fn view(tree: &LeagueTree, c: practice_campaigns::Model, now: DateTime<Utc>) -> CampaignView {
    CampaignView {
        id: c.id,
        season_label: c.season.label().to_owned(),
        area_unit_name: tree
            .unit(&c.area_unit_code)
            .map_or_else(String::new, |u| u.name.clone()),
        status_label: c.status.label().to_owned(),
        accepting_applications: accepting(&c, now),
        name: c.name,
        season: c.season,
        year: c.year,
        area_unit_code: c.area_unit_code,
        applications_open_at: to_china(c.applications_open_at),
        applications_close_at: to_china(c.applications_close_at),
        practice_starts_on: c.practice_starts_on,
        practice_ends_on: c.practice_ends_on,
        min_days: c.min_days,
        offer_valid_hours: c.offer_valid_hours,
        report_due_days: c.report_due_days,
        excellent_cap_permille: c.excellent_cap_permille,
        status: c.status,
        version: c.version,
        created_at: to_china(c.created_at),
    }
}

/// Open, and `open_at <= now < close_at`.
pub fn accepting(c: &practice_campaigns::Model, now: DateTime<Utc>) -> bool {
    c.status == CampaignStatus::Open
        && c.applications_open_at <= now
        && now < c.applications_close_at
}

/// The campaign by id if the cadre sees it (else 404).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<practice_campaigns::Model> {
    let c = reload::<practice_campaigns::Model>(db, id).await?;
    if cadre.readable_unit_codes().contains(&c.area_unit_code) {
        Ok(c)
    } else {
        Err(ApiError::not_found(practice_campaigns::Model::NAME))
    }
}

/// The campaign by id if the cadre may change it: a cadre of its unit or above. Below: 403.
async fn find_writable(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<practice_campaigns::Model> {
    let c = find_visible(db, cadre, id).await?;
    let mine = cadre
        .tree()
        .unit(&c.area_unit_code)
        .is_some_and(|u| cadre.covers_unit(u));
    if mine {
        Ok(c)
    } else {
        Err(ApiError::Forbidden(
            "CAMPAIGN_UNIT_ONLY",
            "实践活动由发起的团组织管理，下级团组织只能查看".into(),
        ))
    }
}

/// The settings a request asks for, the defaults in force where it names none.
struct Settings {
    min_days: i32,
    offer_valid_hours: i32,
    report_due_days: i32,
    excellent_cap_permille: i32,
}

fn settings_of(body: &CampaignRequest, d: PracticeSettings) -> Settings {
    Settings {
        min_days: body.min_days.unwrap_or(d.min_days as i32),
        offer_valid_hours: body.offer_valid_hours.unwrap_or(d.offer_valid_hours as i32),
        report_due_days: body.report_due_days.unwrap_or(d.report_due_days as i32),
        excellent_cap_permille: body
            .excellent_cap_permille
            .unwrap_or(d.excellent_cap_permille as i32),
    }
}

fn check(body: &CampaignRequest) -> ApiResult<()> {
    if body.applications_close_at <= body.applications_open_at {
        return Err(ApiError::field(
            "applicationsCloseAt",
            "RANGE",
            "报名截止时间须晚于报名开始时间",
        ));
    }
    if body.practice_ends_on < body.practice_starts_on {
        return Err(ApiError::field(
            "practiceEndsOn",
            "RANGE",
            "实践结束日期不能早于开始日期",
        ));
    }
    if body.practice_ends_on > body.practice_starts_on + Duration::days(365) {
        return Err(ApiError::field(
            "practiceEndsOn",
            "RANGE",
            "实践期不能超过一年",
        ));
    }
    let practice_end = start_of_day(body.practice_ends_on + Duration::days(1));
    if body.applications_close_at.with_timezone(&Utc) > practice_end {
        return Err(ApiError::field(
            "applicationsCloseAt",
            "RANGE",
            "报名截止时间不能晚于实践结束日期",
        ));
    }
    Ok(())
}

/// Create a campaign of the cadre's own unit, as a draft. Settings not given take the defaults
/// in force (`GET /practice-options`).
#[utoipa::path(
    tag = "practice",
    operation_id = "create_practice_campaign",
    security(("bearer" = [])),
    request_body = CampaignRequest,
    responses(
        (status = 201, body = CampaignView),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/practice/campaigns")]
pub async fn create_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<CampaignRequest>,
) -> ApiResult<HttpResponse> {
    check(&body)?;
    let now = Utc::now();
    let s = settings_of(&body, state.settings.practice);
    let payload = events::payload(&*body);
    let b = body.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let c = practice_campaigns::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(b.name.trim().to_owned()),
        season: Set(b.season),
        year: Set(b.year),
        area_unit_code: Set(cadre.unit.code.clone()),
        applications_open_at: Set(b.applications_open_at.with_timezone(&Utc)),
        applications_close_at: Set(b.applications_close_at.with_timezone(&Utc)),
        practice_starts_on: Set(b.practice_starts_on),
        practice_ends_on: Set(b.practice_ends_on),
        min_days: Set(s.min_days),
        offer_valid_hours: Set(s.offer_valid_hours),
        report_due_days: Set(s.report_due_days),
        excellent_cap_permille: Set(s.excellent_cap_permille),
        status: Set(CampaignStatus::Draft),
        version: Set(1),
        created_by: Set(cadre.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record_creation(
        &txn,
        &c,
        CampaignAction::Create,
        &Actor::cadre(&cadre),
        payload,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(view(&state.league, c, now)))
}

/// Edit a campaign (every field). The settings and the practice dates change only while it is a
/// draft (409 `CAMPAIGN_SETTINGS_LOCKED` once open); an open campaign may still be renamed or
/// have its application window moved.
#[utoipa::path(
    tag = "practice",
    operation_id = "update_practice_campaign",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CampaignRequest,
    responses(
        (status = 200, body = CampaignView),
        (status = 403, body = ErrorEnvelope, description = "CAMPAIGN_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "CAMPAIGN_SETTINGS_LOCKED, CAMPAIGN_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[put("/admin/practice/campaigns/{id}")]
pub async fn update_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<CampaignRequest>,
) -> ApiResult<web::Json<CampaignView>> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_writable(&txn, &cadre, id.into_inner()).await?;
    check(&body)?;
    let s = settings_of(&body, state.settings.practice);
    if current.status != CampaignStatus::Draft {
        let unchanged = s.min_days == current.min_days
            && s.offer_valid_hours == current.offer_valid_hours
            && s.report_due_days == current.report_due_days
            && s.excellent_cap_permille == current.excellent_cap_permille
            && body.practice_starts_on == current.practice_starts_on
            && body.practice_ends_on == current.practice_ends_on;
        if !unchanged && current.status == CampaignStatus::Open {
            return Err(ApiError::Conflict(
                "CAMPAIGN_SETTINGS_LOCKED",
                "活动已开始报名，实践日期和活动设置只能在草稿状态下修改".into(),
            ));
        }
    }
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, CampaignAction::Edit, &actor)
        .seen(body.version)
        .set(C::Name, Expr::value(body.name.trim()))
        .set(C::Season, Expr::value(crate::choices::code(body.season)))
        .set(C::Year, Expr::value(body.year))
        .set(
            C::ApplicationsOpenAt,
            Expr::value(body.applications_open_at.with_timezone(&Utc)),
        )
        .set(
            C::ApplicationsCloseAt,
            Expr::value(body.applications_close_at.with_timezone(&Utc)),
        )
        .set(C::PracticeStartsOn, Expr::value(body.practice_starts_on))
        .set(C::PracticeEndsOn, Expr::value(body.practice_ends_on))
        .set(C::MinDays, Expr::value(s.min_days))
        .set(C::OfferValidHours, Expr::value(s.offer_valid_hours))
        .set(C::ReportDueDays, Expr::value(s.report_due_days))
        .set(
            C::ExcellentCapPermille,
            Expr::value(s.excellent_cap_permille),
        )
        .set(C::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(view(&state.league, applied.into_record(), now)))
}

async fn act(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
    action: CampaignAction,
    body: &VersionRequest,
) -> ApiResult<web::Json<CampaignView>> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_writable(&txn, cadre, id).await?;
    let actor = Actor::cadre(cadre);
    let applied = Transition::new(&current, action, &actor)
        .seen(body.version)
        .set(C::UpdatedAt, Expr::value(now))
        .payload(body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(view(&state.league, applied.into_record(), now)))
}

/// Open a draft campaign: students may apply inside its application window.
#[utoipa::path(
    tag = "practice",
    operation_id = "open_practice_campaign",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = CampaignView),
        (status = 403, body = ErrorEnvelope, description = "CAMPAIGN_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CAMPAIGN_CHANGED")
    )
)]
#[post("/admin/practice/campaigns/{id}/openings")]
pub async fn open_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<CampaignView>> {
    act(&state, &cadre, id.into_inner(), CampaignAction::Open, &body).await
}

/// Close an open campaign: no new applications; the applications in hand carry on.
#[utoipa::path(
    tag = "practice",
    operation_id = "close_practice_campaign",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = CampaignView),
        (status = 403, body = ErrorEnvelope, description = "CAMPAIGN_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CAMPAIGN_CHANGED")
    )
)]
#[post("/admin/practice/campaigns/{id}/closings")]
pub async fn close_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<CampaignView>> {
    act(
        &state,
        &cadre,
        id.into_inner(),
        CampaignAction::Close,
        &body,
    )
    .await
}

/// Archive a closed campaign.
#[utoipa::path(
    tag = "practice",
    operation_id = "archive_practice_campaign",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = CampaignView),
        (status = 403, body = ErrorEnvelope, description = "CAMPAIGN_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CAMPAIGN_CHANGED")
    )
)]
#[post("/admin/practice/campaigns/{id}/archivings")]
pub async fn archive_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<CampaignView>> {
    act(
        &state,
        &cadre,
        id.into_inner(),
        CampaignAction::Archive,
        &body,
    )
    .await
}

/// Campaigns the cadre sees: their unit's, those above (the province's) and those below.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_admin_practice_campaigns",
    security(("bearer" = [])),
    params(PageQuery, CampaignFilter),
    responses((status = 200, body = Page<CampaignView>))
)]
#[get("/admin/practice/campaigns")]
pub async fn list_admin_practice_campaigns(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<CampaignFilter>,
) -> ApiResult<web::Json<Page<CampaignView>>> {
    let parts = page.parts()?;
    let now = Utc::now();
    let mut q = practice_campaigns::Entity::find()
        .filter(C::AreaUnitCode.is_in(cadre.readable_unit_codes()));
    if let Some(s) = filter.status {
        q = q.filter(C::Status.eq(s));
    }
    if let Some(y) = filter.year {
        q = q.filter(C::Year.eq(y));
    }
    let q = q.order_by_desc(C::ApplicationsOpenAt).order_by_desc(C::Id);
    let tree = state.league.clone();
    Ok(web::Json(
        crate::pagination::fetch_page(q, &state.db, parts, |c| view(&tree, c, now)).await?,
    ))
}

/// One campaign with its history.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_campaign",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CampaignDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/campaigns/{id}")]
pub async fn get_practice_campaign(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CampaignDetailView>> {
    let c = find_visible(&state.db, &cadre, id.into_inner()).await?;
    let timeline = timeline(
        &state.db,
        practice_campaigns::Model::EVENTS,
        c.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(web::Json(CampaignDetailView {
        campaign: view(&state.league, c, Utc::now()),
        timeline,
    }))
}

/// Campaigns students see: open (default) or closed ones, never drafts.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_practice_campaigns",
    security(("bearer" = [])),
    params(PageQuery, CampaignFilter),
    responses(
        (status = 200, body = Page<CampaignView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/practice/campaigns")]
pub async fn list_practice_campaigns(
    state: web::Data<AppState>,
    _user: CurrentUser,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<CampaignFilter>,
) -> ApiResult<web::Json<Page<CampaignView>>> {
    let parts = page.parts()?;
    let now = Utc::now();
    let status = filter.status.unwrap_or(CampaignStatus::Open);
    if status == CampaignStatus::Draft {
        return Err(ApiError::field(
            "status",
            "INVALID_VALUE",
            "草稿活动不对外公布",
        ));
    }
    let mut q = practice_campaigns::Entity::find().filter(C::Status.eq(status));
    if let Some(y) = filter.year {
        q = q.filter(C::Year.eq(y));
    }
    let q = q.order_by_desc(C::ApplicationsOpenAt).order_by_desc(C::Id);
    let tree = state.league.clone();
    Ok(web::Json(
        crate::pagination::fetch_page(q, &state.db, parts, |c| view(&tree, c, now)).await?,
    ))
}
