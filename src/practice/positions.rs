//! Positions (实践岗位): the local unit's cadres create, edit, publish, close and cancel them in a
//! campaign; students list those of their home county (and the city-wide ones of their top-level
//! unit) with the seats left.
use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use entity::host_units;
use entity::practice_campaigns::{self, CampaignStatus};
use entity::practice_positions::{self, Column as P, PositionStatus};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    CancelRequest, PositionDetailView, PositionFilter, PositionRequest, PositionView,
    StudentPositionFilter, VersionRequest,
};
use super::rules::MAX_MAJORS;
use super::state::PositionAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::league::{LeagueTree, LeagueUnit, UnitScope};
use crate::pagination::{Page, PageQuery};
use crate::regions::{RegionCode, RegionLevel};
use crate::time::to_china;
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Audience, Subject, Transition, events, timeline::timeline};

/// The top-level unit (a city's unit, 梅河口, 长白山) a unit belongs to: itself when its parent
/// is the province.
pub fn top_level(tree: &LeagueTree, unit: &Arc<LeagueUnit>) -> Arc<LeagueUnit> {
    let mut current = unit.clone();
    while let Some(parent) = current.parent_code.as_deref().and_then(|c| tree.unit(c)) {
        if parent.parent_code.is_none() {
            break;
        }
        current = parent.clone();
    }
    current
}

/// Where a student homed in `home_region` may apply: positions of their local unit, and the
/// `open_to_city` ones of their top-level unit. `None` when the home region has no unit.
pub struct StudentArea {
    pub local: Arc<LeagueUnit>,
    pub top: Arc<LeagueUnit>,
}

impl StudentArea {
    pub fn of(tree: &LeagueTree, home_region: &str) -> Option<Self> {
        let local = tree.owner(home_region)?.clone();
        let top = top_level(tree, &local);
        Some(Self { local, top })
    }

    /// Whether a position at `region` is open to the student (403 `OUTSIDE_HOME_REGION` if not).
    pub fn admits(&self, tree: &LeagueTree, region: &str, open_to_city: bool) -> bool {
        tree.owner(region).is_some_and(|u| u.id == self.local.id)
            || (open_to_city && self.top.scope.covers(region))
    }

    /// The same rule as SQL on `practice_positions`.
    fn condition(&self, tree: &LeagueTree) -> Condition {
        Condition::any()
            .add(local_scope(tree, &self.local).condition(P::RegionCode))
            .add(
                Condition::all()
                    .add(P::OpenToCity.eq(true))
                    .add(self.top.scope.condition(P::RegionCode)),
            )
    }
}

/// The places a unit owns itself (its scope minus the units below it): a county unit's whole
/// scope, a city's without its counties.
fn local_scope(tree: &LeagueTree, unit: &LeagueUnit) -> UnitScope {
    let mut scope = unit.scope.clone();
    for child in tree.children(&unit.code) {
        scope.exclude.extend(child.scope.include.iter().cloned());
    }
    scope
}

pub fn view(p: practice_positions::Model, host_name: String) -> PositionView {
    PositionView {
        id: p.id,
        campaign_id: p.campaign_id,
        host_unit_id: p.host_unit_id,
        host_name,
        category_label: p.category.label().to_owned(),
        mode_label: p.mode.label().to_owned(),
        status_label: p.status.label().to_owned(),
        majors: serde_json::from_str(&p.majors).unwrap_or_default(),
        degree_levels: serde_json::from_str(&p.degree_levels).unwrap_or_default(),
        slots_left: (p.slots - p.taken).max(0),
        region_code: p.region_code,
        title: p.title,
        description: p.description,
        category: p.category,
        slots: p.slots,
        taken: p.taken,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        daily_hours: p.daily_hours,
        mode: p.mode,
        open_to_city: p.open_to_city,
        allowance_fen_per_day: p.allowance_fen_per_day,
        insurance_by_host: p.insurance_by_host,
        status: p.status,
        version: p.version,
        published_at: p.published_at.map(to_china),
        created_at: to_china(p.created_at),
    }
}

/// Host names by id, for a page of positions.
pub async fn host_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(host_units::Entity::find()
        .filter(host_units::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect())
}

/// Views of positions, with their hosts' names (one query for the names).
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<practice_positions::Model>,
) -> ApiResult<Vec<PositionView>> {
    let names = host_names(db, rows.iter().map(|p| p.host_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let name = names.get(&p.host_unit_id).cloned().unwrap_or_default();
            view(p, name)
        })
        .collect())
}

async fn one_view(
    db: &impl ConnectionTrait,
    p: practice_positions::Model,
) -> ApiResult<PositionView> {
    Ok(views(db, vec![p]).await?.remove(0))
}

/// The position by id if it lies in the cadre's unit (else 404).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<practice_positions::Model> {
    let p = reload::<practice_positions::Model>(db, id).await?;
    cadre.ensure_visible(&p.region_code, practice_positions::Model::NAME)?;
    Ok(p)
}

/// The position by id if the cadre is its local unit's (else 404, or 403 `LOCAL_UNIT_ONLY`).
pub async fn find_local(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<practice_positions::Model> {
    let p = find_visible(db, cadre, id).await?;
    cadre.ensure_local_unit(&p.region_code)?;
    Ok(p)
}

fn campaign_closed() -> ApiError {
    ApiError::Conflict(
        "CAMPAIGN_CLOSED",
        "实践活动已结束报名，不能再发布或修改岗位".into(),
    )
}

/// A campaign that still takes positions (draft or open), else 409 `CAMPAIGN_CLOSED`.
pub(super) fn ensure_campaign_takes_positions(c: &practice_campaigns::Model) -> ApiResult<()> {
    match c.status {
        CampaignStatus::Draft | CampaignStatus::Open => Ok(()),
        CampaignStatus::Closed | CampaignStatus::Archived => Err(campaign_closed()),
    }
}

/// Every rule of a position request: the place (in the cadre's local unit, which is the host's),
/// the host, the campaign (visible, covering the place, still taking positions), the dates
/// inside the campaign, the majors. Returns the campaign.
pub(super) async fn check(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    body: &PositionRequest,
) -> ApiResult<practice_campaigns::Model> {
    crate::regions::queries::require(db, &body.region_code, "regionCode").await?;
    if RegionCode::parse(&body.region_code).is_none_or(|c| c.level() < RegionLevel::County) {
        return Err(ApiError::field(
            "regionCode",
            "LEVEL",
            "岗位所在地须为县（市、区）、乡镇（街道）或村（社区）",
        ));
    }
    cadre.ensure_local_unit(&body.region_code)?;
    let host = super::hosts::find_local(db, cadre, body.host_unit_id).await?;
    let tree = cadre.tree();
    if tree.owner(&host.region_code).map(|u| u.id) != tree.owner(&body.region_code).map(|u| u.id) {
        return Err(ApiError::field(
            "regionCode",
            "OUTSIDE_HOST_UNIT",
            "岗位所在地须在接收单位所属县级团组织的范围内",
        ));
    }
    let campaign = super::campaigns::find_visible(db, cadre, body.campaign_id).await?;
    ensure_campaign_takes_positions(&campaign)?;
    let mut errors = Vec::new();
    let area_covers = tree
        .unit(&campaign.area_unit_code)
        .is_some_and(|u| u.scope.covers(&body.region_code));
    if !area_covers {
        errors.push(FieldError::new(
            "campaignId",
            "OUTSIDE_CAMPAIGN",
            "岗位所在地不在该实践活动的范围内",
        ));
    }
    if body.ends_on < body.starts_on {
        errors.push(FieldError::new(
            "endsOn",
            "RANGE",
            "结束日期不能早于开始日期",
        ));
    }
    if body.starts_on < campaign.practice_starts_on || body.starts_on > campaign.practice_ends_on {
        errors.push(FieldError::new(
            "startsOn",
            "RANGE",
            format!(
                "开始日期须在实践期（{}至{}）内",
                campaign.practice_starts_on, campaign.practice_ends_on
            ),
        ));
    }
    if body.ends_on > campaign.practice_ends_on || body.ends_on < campaign.practice_starts_on {
        errors.push(FieldError::new(
            "endsOn",
            "RANGE",
            format!(
                "结束日期须在实践期（{}至{}）内",
                campaign.practice_starts_on, campaign.practice_ends_on
            ),
        ));
    }
    if body.majors.len() > MAX_MAJORS {
        errors.push(FieldError::new(
            "majors",
            "LENGTH",
            format!("专业要求最多{MAX_MAJORS}项"),
        ));
    }
    for (i, m) in body.majors.iter().enumerate() {
        if !crate::input::text::fits(m, 1, 32) {
            errors.push(FieldError::new(
                &format!("majors[{i}]"),
                "LENGTH",
                "专业名称长度应为1至32个字",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(campaign)
}

fn dedup<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

fn majors_json(body: &PositionRequest) -> String {
    let majors: Vec<String> = body.majors.iter().map(|m| m.trim().to_owned()).collect();
    crate::choices::json_text(&dedup(&majors))
}

fn degrees_json(body: &PositionRequest) -> String {
    crate::choices::json_text(&dedup(&body.degree_levels))
}

/// Insert a checked position as a draft, with its creation event (also the CSV import's).
pub async fn insert_draft(
    db: &sea_orm::DatabaseTransaction,
    cadre: &Cadre,
    body: &PositionRequest,
    now: DateTime<Utc>,
) -> ApiResult<practice_positions::Model> {
    let p = practice_positions::ActiveModel {
        id: Set(Uuid::now_v7()),
        campaign_id: Set(body.campaign_id),
        host_unit_id: Set(body.host_unit_id),
        region_code: Set(body.region_code.clone()),
        title: Set(body.title.trim().to_owned()),
        description: Set(body.description.trim().to_owned()),
        category: Set(body.category),
        majors: Set(majors_json(body)),
        degree_levels: Set(degrees_json(body)),
        slots: Set(body.slots),
        taken: Set(0),
        starts_on: Set(body.starts_on),
        ends_on: Set(body.ends_on),
        daily_hours: Set(body.daily_hours),
        mode: Set(body.mode),
        open_to_city: Set(body.open_to_city),
        allowance_fen_per_day: Set(body.allowance_fen_per_day),
        insurance_by_host: Set(body.insurance_by_host),
        status: Set(PositionStatus::Draft),
        published_by: Set(None),
        published_at: Set(None),
        version: Set(1),
        created_by: Set(cadre.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    record_creation(
        db,
        &p,
        PositionAction::Create,
        &Actor::cadre(cadre),
        events::payload(body),
        None,
    )
    .await?;
    Ok(p)
}

/// Create a position (a draft) at a host unit of the cadre's local unit, in a campaign the
/// cadre sees whose area covers the place.
#[utoipa::path(
    tag = "practice",
    operation_id = "create_practice_position",
    security(("bearer" = [])),
    request_body = PositionRequest,
    responses(
        (status = 201, body = PositionView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No such host unit or campaign"),
        (status = 409, body = ErrorEnvelope, description = "CAMPAIGN_CLOSED"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: LENGTH, RANGE, LEVEL, UNKNOWN_REGION, OUTSIDE_HOST_UNIT, OUTSIDE_CAMPAIGN")
    )
)]
#[post("/admin/practice/positions")]
pub async fn create_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<PositionRequest>,
) -> ApiResult<HttpResponse> {
    check(&state.db, &cadre, &body).await?;
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let p = insert_draft(&txn, &cadre, &body, now).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(one_view(&state.db, p).await?))
}

/// Edit a draft or published position (every field but its campaign and host). Slots cannot go
/// below the seats already taken (422 `BELOW_TAKEN`).
#[utoipa::path(
    tag = "practice",
    operation_id = "update_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = PositionRequest,
    responses(
        (status = 200, body = PositionView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "POSITION_CHANGED, INVALID_STATE, CAMPAIGN_CLOSED"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: IMMUTABLE, BELOW_TAKEN and those of the create")
    )
)]
#[put("/admin/practice/positions/{id}")]
pub async fn update_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<PositionRequest>,
) -> ApiResult<web::Json<PositionView>> {
    let current = find_local(&state.db, &cadre, id.into_inner()).await?;
    let mut fixed = Vec::new();
    if body.campaign_id != current.campaign_id {
        fixed.push(FieldError::new(
            "campaignId",
            "IMMUTABLE",
            "岗位所属的实践活动不能修改",
        ));
    }
    if body.host_unit_id != current.host_unit_id {
        fixed.push(FieldError::new(
            "hostUnitId",
            "IMMUTABLE",
            "岗位的接收单位不能修改",
        ));
    }
    if !fixed.is_empty() {
        return Err(ApiError::Validation(fixed));
    }
    check(&state.db, &cadre, &body).await?;
    let now = Utc::now();
    let slots = body.slots;
    let txn = crate::db::begin(&state.db).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, PositionAction::Edit, &actor)
        .seen(body.version)
        .only_if(P::Taken.lte(slots))
        .set(P::RegionCode, Expr::value(body.region_code.as_str()))
        .set(P::Title, Expr::value(body.title.trim()))
        .set(P::Description, Expr::value(body.description.trim()))
        .set(
            P::Category,
            Expr::value(crate::choices::code(body.category)),
        )
        .set(P::Majors, Expr::value(majors_json(&body)))
        .set(P::DegreeLevels, Expr::value(degrees_json(&body)))
        .set(P::Slots, Expr::value(slots))
        .set(P::StartsOn, Expr::value(body.starts_on))
        .set(P::EndsOn, Expr::value(body.ends_on))
        .set(P::DailyHours, Expr::value(body.daily_hours))
        .set(P::Mode, Expr::value(crate::choices::code(body.mode)))
        .set(P::OpenToCity, Expr::value(body.open_to_city))
        .set(
            P::AllowanceFenPerDay,
            Expr::value(body.allowance_fen_per_day),
        )
        .set(P::InsuranceByHost, Expr::value(body.insurance_by_host))
        .set(P::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .or_else(move |now: &practice_positions::Model| {
            (now.taken > slots).then(|| {
                ApiError::field(
                    "slots",
                    "BELOW_TAKEN",
                    format!("已有{}人获录用或在岗，招募人数不能少于该人数", now.taken),
                )
            })
        })
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state.db, applied.into_record()).await?))
}

/// Publish a draft position: students of its area see it while its campaign is open.
#[utoipa::path(
    tag = "practice",
    operation_id = "publish_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = PositionView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, POSITION_CHANGED, CAMPAIGN_CLOSED")
    )
)]
#[post("/admin/practice/positions/{id}/publications")]
pub async fn publish_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<PositionView>> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    let campaign = reload::<practice_campaigns::Model>(&txn, current.campaign_id).await?;
    if current.status == PositionStatus::Draft {
        ensure_campaign_takes_positions(&campaign)?;
    }
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, PositionAction::Publish, &actor)
        .seen(body.version)
        .set(P::PublishedBy, Expr::value(cadre.user_id))
        .set(P::PublishedAt, Expr::value(now))
        .set(P::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state.db, applied.into_record()).await?))
}

/// Stop taking applications for a published position; the applications in hand carry on.
#[utoipa::path(
    tag = "practice",
    operation_id = "close_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = PositionView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, POSITION_CHANGED")
    )
)]
#[post("/admin/practice/positions/{id}/closings")]
pub async fn close_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<PositionView>> {
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, PositionAction::Close, &actor)
        .seen(body.version)
        .set(P::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state.db, applied.into_record()).await?))
}

/// Cancel a position, with a reason, before any placement is on duty (else 409
/// `PRACTICE_STARTED`: drop them one by one). Every open application (submitted, offered,
/// confirmed) ends as `position_cancelled` in the same transaction, and its student is told.
#[utoipa::path(
    tag = "practice",
    operation_id = "cancel_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CancelRequest,
    responses(
        (status = 200, body = PositionView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, POSITION_CHANGED, PRACTICE_STARTED")
    )
)]
#[post("/admin/practice/positions/{id}/cancellations")]
pub async fn cancel_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<CancelRequest>,
) -> ApiResult<web::Json<PositionView>> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, PositionAction::Cancel, &actor)
        .seen(body.version)
        .set(P::UpdatedAt, Expr::value(now))
        .reason(Some(body.reason.trim()))
        .payload(&*body)
        .run(&txn)
        .await?;
    let sent = if applied.is_done() {
        super::cancellation::end_applications(&txn, &actor, &current, body.reason.trim(), now)
            .await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    crate::notifications::deliver(&state, sent);
    Ok(web::Json(one_view(&state.db, applied.into_record()).await?))
}

/// Positions in the cadre's unit (or a unit or place inside it), newest first.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_admin_practice_positions",
    security(("bearer" = [])),
    params(PageQuery, PositionFilter),
    responses(
        (status = 200, body = Page<PositionView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/positions")]
pub async fn list_admin_practice_positions(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<PositionFilter>,
) -> ApiResult<web::Json<Page<PositionView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = practice_positions::Entity::find().filter(scope.condition(P::RegionCode));
    if let Some(c) = filter.campaign_id {
        q = q.filter(P::CampaignId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    if let Some(h) = filter.host_unit_id {
        q = q.filter(P::HostUnitId.eq(h));
    }
    if let Some(c) = filter.category {
        q = q.filter(P::Category.eq(c));
    }
    let q = q.order_by_desc(P::CreatedAt).order_by_desc(P::Id);
    let (rows, total) = crate::pagination::page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        views(&state.db, rows).await?,
        total,
        parts,
    )))
}

/// One position with its history, for the cadres of its area.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_admin_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PositionDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/positions/{id}")]
pub async fn get_admin_practice_position(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PositionDetailView>> {
    let p = find_visible(&state.db, &cadre, id.into_inner()).await?;
    let timeline = timeline(
        &state.db,
        practice_positions::Model::EVENTS,
        p.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(web::Json(PositionDetailView {
        position: one_view(&state.db, p).await?,
        timeline,
    }))
}

/// 409 `STUDENT_PROFILE_REQUIRED`.
pub fn student_profile_required() -> ApiError {
    ApiError::Conflict(
        "STUDENT_PROFILE_REQUIRED",
        "请先填写“返家乡”实践档案".into(),
    )
}

/// Published positions of open campaigns a student may apply to: those of their home county
/// (the local unit of their 生源地) and the city-wide ones of their top-level unit. Items carry
/// `slotsLeft`; positions with seats left come first, then by start date.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_practice_positions",
    security(("bearer" = [])),
    params(PageQuery, StudentPositionFilter),
    responses(
        (status = 200, body = Page<PositionView>),
        (status = 409, body = ErrorEnvelope, description = "STUDENT_PROFILE_REQUIRED"),
        (status = 422, body = ErrorEnvelope, description = "Field code UNKNOWN_REGION (region)")
    )
)]
#[get("/practice/positions")]
pub async fn list_practice_positions(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<StudentPositionFilter>,
) -> ApiResult<HttpResponse> {
    let parts = page.parts()?;
    let profile = super::students::profile_of(&state.db, user.id())
        .await?
        .ok_or_else(student_profile_required)?;
    let Some(area) = StudentArea::of(&state.league, &profile.home_region_code) else {
        return Ok(HttpResponse::Ok().json(Page::<PositionView>::new(Vec::new(), 0, parts)));
    };
    // The same page for every student of this local unit (see `SharedAnswers`): `slotsLeft`
    // may be up to the bound behind; applying and offering read the seats in their own
    // transaction.
    let key = format!(
        "practice-positions|{}|{}|{:?}|{:?}|{:?}|{:?}|{parts:?}",
        area.local.code,
        area.top.code,
        filter.campaign_id,
        filter.category,
        filter.mode,
        filter.region
    );
    state
        .shared_answers
        .json(key, student_page(&state, &area, &filter, parts))
        .await
}

/// A page of the positions open to students of `area`, built afresh (see
/// [`list_practice_positions`]).
async fn student_page(
    state: &AppState,
    area: &StudentArea,
    filter: &StudentPositionFilter,
    parts: (u64, u64),
) -> ApiResult<Page<PositionView>> {
    let open_campaigns = Query::select()
        .column(practice_campaigns::Column::Id)
        .from(practice_campaigns::Entity)
        .and_where(practice_campaigns::Column::Status.eq(CampaignStatus::Open))
        .to_owned();
    let mut q = practice_positions::Entity::find()
        .filter(P::Status.eq(PositionStatus::Published))
        .filter(P::CampaignId.in_subquery(open_campaigns))
        .filter(area.condition(&state.league));
    if let Some(c) = filter.campaign_id {
        q = q.filter(P::CampaignId.eq(c));
    }
    if let Some(c) = filter.category {
        q = q.filter(P::Category.eq(c));
    }
    if let Some(m) = filter.mode {
        q = q.filter(P::Mode.eq(m));
    }
    if let Some(r) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        let code = RegionCode::parse(r)
            .ok_or_else(|| ApiError::field("region", "UNKNOWN_REGION", "行政区划代码不存在"))?;
        let narrowed = UnitScope {
            include: vec![code.prefix().to_owned()],
            exclude: Vec::new(),
        };
        q = q.filter(narrowed.condition(P::RegionCode));
    }
    let q = q
        .order_by_desc(Expr::cust("CASE WHEN taken < slots THEN 1 ELSE 0 END"))
        .order_by_asc(P::StartsOn)
        .order_by_asc(P::Id);
    let (rows, total) = crate::pagination::page_rows(q, &state.db, parts).await?;
    Ok(Page::new(views(&state.db, rows).await?, total, parts))
}

/// One published (or closed or cancelled) position, for anyone logged in; drafts are 404.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_position",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PositionView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/practice/positions/{id}")]
pub async fn get_practice_position(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PositionView>> {
    let p = reload::<practice_positions::Model>(&state.db, id.into_inner()).await?;
    if p.status == PositionStatus::Draft {
        return Err(ApiError::not_found(practice_positions::Model::NAME));
    }
    Ok(web::Json(one_view(&state.db, p).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_student_may_apply_in_the_home_county_and_city_wide_in_the_same_top_level_unit() {
        let tree = crate::league::tree::seeded_tree();
        let nanguan = StudentArea::of(&tree, "220102001001").unwrap();
        assert_eq!(nanguan.local.code, "220102");
        assert_eq!(nanguan.top.code, "220100");
        assert!(nanguan.admits(&tree, "220102001", false));
        assert!(!nanguan.admits(&tree, "220103002001", false));
        assert!(nanguan.admits(&tree, "220103002001", true));
        assert!(!nanguan.admits(&tree, "220502001001", true));
        // 梅河口 is a top-level unit of its own: 通化's city-wide positions are not for it.
        let meihekou = StudentArea::of(&tree, "220581001001").unwrap();
        assert_eq!(meihekou.top.code, "220581");
        assert!(!meihekou.admits(&tree, "220502001001", true));
        assert!(meihekou.admits(&tree, "220581001", false));
        let dongchang = StudentArea::of(&tree, "220502001001").unwrap();
        assert_eq!(dongchang.top.code, "220500");
        assert!(!dongchang.admits(&tree, "220581001001", true));
        // The same rule in SQL: the local unit's own places and the top-level unit's scope.
        let local = local_scope(&tree, &nanguan.local);
        assert!(local.covers("220102001001") && !local.covers("220103002001"));
    }
}
