//! 青年先锋 selection rounds (`supervision.md` §5): set up by a cadre of the area unit (draft),
//! opened and closed by its cadres. Closing moves every nomination still in the running to
//! `not_selected` (「评选已结束」, notified) and dismisses their open objections, in one
//! transaction. The public sees a round's publicity page and the named pioneers who consented.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{Duration, Utc};
use entity::notifications::NotificationKind;
use entity::pioneer_nominations::{self as nominations, Column as N, NominationStatus};
use entity::pioneer_objections::{self as objections, Column as O, ObjectionStatus};
use entity::pioneer_rounds::{self as rounds, Column as RC, PioneerCategory, RoundStatus};
use entity::talent_profiles;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::round_dto::{
    PioneerFilter, PioneerOptionsView, PublicPioneerView, PublicityView, RoundDetailView,
    RoundFilter, RoundRequest, RoundStepRequest, RoundView,
};
use super::state::{NominationAction, RoundAction};
use crate::app_state::AppState;
use crate::auth::{Cadre, CadreScope, CurrentUser};
use crate::choices::{choices, json_text};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::league::UnitScope;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::regions::RegionCode;
use crate::talents::queries::json_list;
use crate::time::to_china;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};
use crate::youth_homes::access::place_names;

/// The consent text shown before a nominee agrees to publicity (conventions §10).
pub const PUBLICITY_CONSENT: crate::consents::ConsentText = crate::consents::ConsentText {
    version: "2026-12",
    template: "我同意在青年先锋评选公示及命名后，向{recipient}公开我的姓名、所在村、推荐领域和事迹。",
};
/// Who receives the data the consent covers.
pub const PUBLIC: &str = "社会公众";
/// The age below which nobody is nominated (conventions §10).
pub const MIN_AGE: i32 = 18;

pub fn round_unit_only() -> ApiError {
    ApiError::Forbidden("ROUND_UNIT_ONLY", "该事项由组织评选的团组织办理".into())
}

/// A cadre of the round's own unit (403 `ROUND_UNIT_ONLY` otherwise).
pub fn ensure_round_unit(cadre: &CadreScope, round: &rounds::Model) -> ApiResult<()> {
    if cadre.unit.code == round.area_unit_code {
        Ok(())
    } else {
        Err(round_unit_only())
    }
}

/// The scope of a round's area unit.
pub fn round_scope(state: &AppState, round: &rounds::Model) -> UnitScope {
    state
        .league
        .unit(&round.area_unit_code)
        .map(|u| u.scope.clone())
        .unwrap_or(UnitScope {
            include: Vec::new(),
            exclude: Vec::new(),
        })
}

pub async fn find_round(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<rounds::Model> {
    rounds::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(rounds::Model::NAME))
}

/// A round the caller's own unit runs (another branch → 404, a unit above or below → 403
/// `ROUND_UNIT_ONLY`).
async fn own_round(state: &AppState, cadre: &CadreScope, id: Uuid) -> ApiResult<rounds::Model> {
    let r = find_round(&state.db, id).await?;
    ensure_round_visible(cadre, &r)?;
    ensure_round_unit(cadre, &r)?;
    Ok(r)
}

/// A round a cadre reads: of their unit, a unit below it or a unit above it (else 404).
pub fn ensure_round_visible(cadre: &CadreScope, round: &rounds::Model) -> ApiResult<()> {
    if cadre.readable_unit_codes().contains(&round.area_unit_code) {
        Ok(())
    } else {
        Err(ApiError::not_found(rounds::Model::NAME))
    }
}

pub fn round_view(state: &AppState, r: &rounds::Model) -> ApiResult<RoundView> {
    Ok(RoundView {
        id: r.id,
        name: r.name.clone(),
        area_unit_code: r.area_unit_code.clone(),
        area_unit_name: state
            .league
            .unit(&r.area_unit_code)
            .map(|u| u.short_name.clone())
            .unwrap_or_default(),
        level: r.level,
        categories: json_list("categories", &r.categories)?,
        age_min: r.age_min,
        age_max: r.age_max,
        min_years_in_field: r.min_years_in_field,
        nominations_open_at: to_china(r.nominations_open_at),
        nominations_close_at: to_china(r.nominations_close_at),
        publicity_days: r.publicity_days,
        quota: r.quota,
        named_count: r.named_count,
        status: r.status,
        version: r.version,
    })
}

async fn detail(state: &AppState, r: rounds::Model) -> ApiResult<RoundDetailView> {
    let timeline = timeline(
        &state.db,
        rounds::Model::EVENTS,
        r.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(RoundDetailView {
        round: round_view(state, &r)?,
        timeline,
    })
}

/// Set up a round of the caller's unit (draft): categories, ages (never below 18), years in the
/// field, the nomination window, publicity days and the quota of namings.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "create_pioneer_round",
    security(("bearer" = [])),
    request_body = RoundRequest,
    responses(
        (status = 201, body = RoundDetailView),
        (status = 422, body = ErrorEnvelope, description = "name: LENGTH; categories: LENGTH, INVALID_VALUE (twice); ageMin, ageMax, nominationsCloseAt, publicityDays, quota, minYearsInField: RANGE; UNKNOWN_FIELD")
    )
)]
#[post("/admin/pioneer-rounds")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_pioneer_round(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<RoundRequest>,
) -> ApiResult<HttpResponse> {
    checked(&body)?;
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let row = rounds::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(body.name.trim().to_owned()),
        area_unit_code: Set(cadre.unit.code.clone()),
        level: Set(cadre.unit.level),
        categories: Set(json_text(&body.categories)),
        age_min: Set(body.age_min),
        age_max: Set(body.age_max),
        min_years_in_field: Set(body.min_years_in_field),
        nominations_open_at: Set(body.nominations_open_at),
        nominations_close_at: Set(body.nominations_close_at),
        publicity_days: Set(body.publicity_days),
        quota: Set(body.quota),
        named_count: Set(0),
        status: Set(RoundStatus::Draft),
        created_by: Set(cadre.user_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record_creation(
        &txn,
        &row,
        RoundAction::Create,
        &Actor::cadre(&cadre),
        events::payload(&*body),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, row).await?))
}

/// The rules across fields of a round (422, all at once).
fn checked(body: &RoundRequest) -> ApiResult<()> {
    let mut errors = Vec::new();
    let mut cats = body.categories.clone();
    cats.sort_by_key(|c| crate::choices::code(*c));
    cats.dedup();
    if cats.len() != body.categories.len() {
        errors.push(FieldError::new(
            "categories",
            "INVALID_VALUE",
            "同一领域不能重复选择",
        ));
    }
    if body.age_max < body.age_min {
        errors.push(FieldError::new(
            "ageMax",
            "RANGE",
            "最高年龄不能低于最低年龄",
        ));
    }
    if body.nominations_close_at <= body.nominations_open_at {
        errors.push(FieldError::new(
            "nominationsCloseAt",
            "RANGE",
            "推荐截止时间应晚于开始时间",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Change a draft or open round of the caller's unit (send the `version` edited). The quota never
/// drops below the namings made (422 `BELOW_TAKEN`).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "update_pioneer_round",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RoundRequest,
    responses(
        (status = 200, body = RoundDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (closed); ROUND_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; quota: BELOW_TAKEN; as create")
    )
)]
#[put("/admin/pioneer-rounds/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_pioneer_round(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RoundRequest>,
) -> ApiResult<web::Json<RoundDetailView>> {
    let r = own_round(&state, &cadre, *id).await?;
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改的版本号",
        ));
    };
    checked(&body)?;
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, RoundAction::Edit, &actor)
        .seen(Some(version))
        .only_if(RC::NamedCount.lte(body.quota))
        .or_else(|cur| {
            (cur.named_count > body.quota)
                .then(|| ApiError::field("quota", "BELOW_TAKEN", "命名名额不能少于已命名人数"))
        })
        .set(RC::Name, Expr::value(body.name.trim().to_owned()))
        .set(RC::Categories, Expr::value(json_text(&body.categories)))
        .set(RC::AgeMin, Expr::value(body.age_min))
        .set(RC::AgeMax, Expr::value(body.age_max))
        .set(RC::MinYearsInField, Expr::value(body.min_years_in_field))
        .set(RC::NominationsOpenAt, Expr::value(body.nominations_open_at))
        .set(
            RC::NominationsCloseAt,
            Expr::value(body.nominations_close_at),
        )
        .set(RC::PublicityDays, Expr::value(body.publicity_days))
        .set(RC::Quota, Expr::value(body.quota))
        .set(RC::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// The rounds of the caller's unit, the units below it and above it.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_admin_pioneer_rounds",
    security(("bearer" = [])),
    params(RoundFilter, PageQuery),
    responses((status = 200, body = Page<RoundView>))
)]
#[get("/admin/pioneer-rounds")]
pub async fn list_admin_pioneer_rounds(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<RoundFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RoundView>>> {
    let q = rounds::Entity::find().filter(RC::AreaUnitCode.is_in(cadre.readable_unit_codes()));
    round_page(&state, q, &filter, &page).await
}

/// A page of rounds, by `status`, the latest nomination window first.
async fn round_page(
    state: &AppState,
    mut q: sea_orm::Select<rounds::Entity>,
    filter: &RoundFilter,
    page: &PageQuery,
) -> ApiResult<web::Json<Page<RoundView>>> {
    let parts = page.parts()?;
    if let Some(s) = filter.status {
        q = q.filter(RC::Status.eq(s));
    }
    let q = q.order_by_desc(RC::NominationsOpenAt).order_by_desc(RC::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = rows
        .iter()
        .map(|r| round_view(state, r))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One round with its timeline (404 for a round of another branch of the tree).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "get_pioneer_round",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RoundDetailView), (status = 404, body = ErrorEnvelope))
)]
#[get("/admin/pioneer-rounds/{id}")]
pub async fn get_pioneer_round(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RoundDetailView>> {
    let r = find_round(&state.db, *id).await?;
    ensure_round_visible(&cadre, &r)?;
    Ok(web::Json(detail(&state, r).await?))
}

/// Open a draft round for nominations (within its window), as a cadre of its unit.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "open_pioneer_round",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RoundStepRequest,
    responses(
        (status = 200, body = RoundDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; ROUND_CHANGED")
    )
)]
#[post("/admin/pioneer-rounds/{id}/openings")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn open_pioneer_round(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RoundStepRequest>,
) -> ApiResult<web::Json<RoundDetailView>> {
    let r = own_round(&state, &cadre, *id).await?;
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, RoundAction::Open, &actor)
        .seen(body.version)
        .set(RC::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Close a round, as a cadre of its unit: every nomination still in the running becomes
/// `not_selected` (「评选已结束」, the nominee is notified) and their open objections are
/// dismissed, in the same transaction.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "close_pioneer_round",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RoundStepRequest,
    responses(
        (status = 200, body = RoundDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; ROUND_CHANGED")
    )
)]
#[post("/admin/pioneer-rounds/{id}/closings")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn close_pioneer_round(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RoundStepRequest>,
) -> ApiResult<web::Json<RoundDetailView>> {
    let r = own_round(&state, &cadre, *id).await?;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let system = Actor::system();
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, RoundAction::Close, &actor)
        .seen(body.version)
        .set(RC::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut notes = Vec::new();
    if applied.is_done() {
        let running = nominations::Entity::find()
            .filter(N::RoundId.eq(r.id))
            .filter(N::Status.is_in(super::state::RUNNING))
            .all(&txn)
            .await?;
        for n in &running {
            let done = Transition::new(n, NominationAction::CloseRound, &system)
                .set(N::OpenObjections, Expr::value(0))
                .set(N::Reason, Expr::value("评选已结束"))
                .set(N::UpdatedAt, Expr::value(now))
                .reason(Some("评选已结束"))
                .run(&txn)
                .await?;
            if done.is_done() {
                notes.push(
                    notify(
                        &txn,
                        n.user_id,
                        NotificationKind::PioneerNotSelected,
                        "青年先锋评选结果",
                        &format!("“{}”评选已结束，您未入选。感谢您的参与。", r.name),
                        Some("/pages/pioneers/mine"),
                    )
                    .await?,
                );
            }
        }
        objections::Entity::update_many()
            .col_expr(
                O::Status,
                Expr::value(crate::choices::code(ObjectionStatus::Dismissed)),
            )
            .col_expr(O::ReviewedAt, Expr::value(now))
            .col_expr(O::ReviewNote, Expr::value("评选已结束"))
            .filter(O::RoundId.eq(r.id))
            .filter(O::Status.eq(ObjectionStatus::Open))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    deliver(&state, notes);
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Rounds that are not drafts, for youth (`status=open`: those taking nominations).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_pioneer_rounds",
    security(("bearer" = [])),
    params(RoundFilter, PageQuery),
    responses((status = 200, body = Page<RoundView>))
)]
#[get("/pioneer-rounds")]
pub async fn list_pioneer_rounds(
    state: web::Data<AppState>,
    _me: CurrentUser,
    filter: crate::input::Query<RoundFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RoundView>>> {
    let q = rounds::Entity::find().filter(RC::Status.ne(RoundStatus::Draft));
    round_page(&state, q, &filter, &page).await
}

/// The categories, the minimum age and the publicity consent text.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "get_pioneer_options",
    security(("bearer" = [])),
    responses((status = 200, body = PioneerOptionsView))
)]
#[get("/pioneer-options")]
pub async fn get_pioneer_options(_me: CurrentUser) -> web::Json<PioneerOptionsView> {
    web::Json(PioneerOptionsView {
        categories: choices::<PioneerCategory>(),
        min_age: MIN_AGE,
        publicity_consent_version: PUBLICITY_CONSENT.version.into(),
        publicity_consent_text: PUBLICITY_CONSENT.render(PUBLIC),
    })
}

/// Public lines of nominations (name, village, category, story, round).
pub async fn public_lines(
    state: &AppState,
    rows: Vec<nominations::Model>,
) -> ApiResult<Vec<PublicPioneerView>> {
    let round_ids: Vec<Uuid> = rows.iter().map(|n| n.round_id).collect();
    let talent_ids: Vec<Uuid> = rows.iter().map(|n| n.talent_profile_id).collect();
    let rounds: std::collections::HashMap<Uuid, String> = rounds::Entity::find()
        .filter(RC::Id.is_in(round_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let names: std::collections::HashMap<Uuid, String> = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::Id.is_in(talent_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.real_name))
        .collect();
    let places = place_names(state, rows.iter().map(|n| n.region_code.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|n| PublicPioneerView {
            nomination_id: n.id,
            name: names.get(&n.talent_profile_id).cloned().unwrap_or_default(),
            region_name: places.get(&n.region_code).cloned().unwrap_or_default(),
            region_code: n.region_code,
            category: n.category,
            story: n.story,
            achievements: n.achievements,
            round_id: n.round_id,
            round_name: rounds.get(&n.round_id).cloned().unwrap_or_default(),
            publicity_ends_at: n.publicity_ends_at.map(to_china),
            named_at: n.named_at.map(to_china),
        })
        .collect())
}

/// A round's publicity page (公示, no login): the nominations in publicity, with what the nominees
/// consented to show. Objections are never shown.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "get_pioneer_publicity",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PublicityView), (status = 404, body = ErrorEnvelope))
)]
#[get("/pioneer-rounds/{id}/publicity")]
pub async fn get_pioneer_publicity(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PublicityView>> {
    let r = find_round(&state.db, *id).await?;
    if r.status == RoundStatus::Draft {
        return Err(ApiError::not_found(rounds::Model::NAME));
    }
    let rows = nominations::Entity::find()
        .filter(N::RoundId.eq(r.id))
        .filter(N::Status.is_in([
            NominationStatus::InPublicity,
            NominationStatus::ObjectionReview,
        ]))
        .filter(N::PublicityConsent.eq(true))
        .order_by_asc(N::RegionCode)
        .order_by_asc(N::Id)
        .all(&state.db)
        .await?;
    Ok(web::Json(PublicityView {
        round: round_view(&state, &r)?,
        items: public_lines(&state, rows).await?,
    }))
}

/// Named pioneers (no login) who consented to publicity, by region prefix and category.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_pioneers",
    params(PioneerFilter, PageQuery),
    responses(
        (status = 200, body = Page<PublicPioneerView>),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/pioneers")]
pub async fn list_pioneers(
    state: web::Data<AppState>,
    filter: crate::input::Query<PioneerFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<PublicPioneerView>>> {
    let parts = page.parts()?;
    let mut q = nominations::Entity::find()
        .filter(N::Status.eq(NominationStatus::Named))
        .filter(N::PublicityConsent.eq(true));
    if let Some(code) = filter
        .region
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let region = RegionCode::parse(code)
            .ok_or_else(|| ApiError::field("region", "UNKNOWN_REGION", "行政区划代码不存在"))?;
        q = q.filter(N::RegionCode.starts_with(region.prefix()));
    }
    if let Some(c) = filter.category {
        q = q.filter(N::Category.eq(c));
    }
    let q = q.order_by_desc(N::NamedAt).order_by_desc(N::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        public_lines(&state, rows).await?,
        total,
        parts,
    )))
}

/// The instant publicity of a nomination publicised now ends.
pub fn publicity_end(round: &rounds::Model, now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    now + Duration::days(i64::from(round.publicity_days))
}
