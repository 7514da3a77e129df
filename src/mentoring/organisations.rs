//! The registry of youth organisations (致富带头人组织, 青年创业协会, 青年电商协会, 青年社会组织)
//! per league unit and level: cadres covering the owning unit register, edit and dissolve them;
//! a cadre of the parent unit other than the creator verifies them (four-eyes, conventions §9).
use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::mentor_profiles;
use entity::mentorships::EndedBy;
use entity::org_mentor_assignments::{self as assignments, Column as OA};
use entity::youth_organisations::{self as orgs, Column as O, OrgLevel, OrgStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::dto::{
    DissolveOrganisationRequest, OrgAssignmentView, OrganisationDetailView, OrganisationFilter,
    OrganisationRequest, OrganisationView, VerifyOrganisationRequest,
};
use super::queries::{region_units, unit_name};
use super::refusals;
use super::state::YouthOrgAction as A;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::league::LeagueUnit;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::regions::code::{RegionCode, RegionLevel};
use crate::time::{to_china, today_in_china};
use crate::validation::normalize_unified_credit_code;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Action, Actor, Applied, Subject, Transition, events};

pub const NAME: &str = "青年组织";

/// The checked place of an organisation: its unit, township and registration number.
struct Place {
    township_code: Option<String>,
    registration_no: Option<String>,
}

/// Whether an organisation of `level` may belong to `unit`: the province's unit, a top-level
/// unit, a county unit, or (township level) a local unit, which has no units below it.
fn level_fits(state: &AppState, unit: &LeagueUnit, level: OrgLevel) -> bool {
    use entity::users::CadreLevel as L;
    match level {
        OrgLevel::Province => unit.level == L::Province,
        OrgLevel::City => unit.level == L::City,
        OrgLevel::County => unit.level == L::County,
        OrgLevel::Township => {
            unit.level != L::Province && state.league.children(&unit.code).is_empty()
        }
    }
}

/// Check a body's unit (422 `UNKNOWN_UNIT`; 403 `OUTSIDE_REGION` outside the caller's unit),
/// then level, township, registration number and founding date (422, all at once).
async fn checked_place(
    state: &AppState,
    cadre: &Cadre,
    body: &OrganisationRequest,
) -> ApiResult<Place> {
    let unit = state
        .league
        .unit(&body.unit_code)
        .ok_or_else(|| ApiError::field("unitCode", "UNKNOWN_UNIT", "请指定一个团组织代码"))?;
    if !cadre.covers_unit(unit) {
        return Err(ApiError::forbidden_region());
    }
    let mut errors = Vec::new();
    if !level_fits(state, unit, body.level) {
        errors.push(FieldError::new(
            "level",
            "LEVEL",
            "组织层级与所属团组织不符",
        ));
    }
    let township = body
        .township_code
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match (body.level, township) {
        (OrgLevel::Township, None) => errors.push(FieldError::new(
            "townshipCode",
            "REQUIRED",
            "乡镇级组织请填写所在乡镇",
        )),
        (OrgLevel::Township, Some(t)) => {
            let is_township =
                RegionCode::parse(t).is_some_and(|c| c.level() == RegionLevel::Township);
            let exists = crate::regions::queries::find(&state.db, t).await?.is_some();
            if !(is_township && exists && unit.scope.covers(t)) {
                errors.push(FieldError::new(
                    "townshipCode",
                    "LEVEL",
                    "请填写所属团组织辖区内的乡镇代码",
                ));
            }
        }
        (_, Some(_)) => errors.push(FieldError::new(
            "townshipCode",
            "LEVEL",
            "仅乡镇级组织填写所在乡镇",
        )),
        (_, None) => {}
    }
    let registration_no = match body.registration_no.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => match normalize_unified_credit_code(code) {
            Some(c) => Some(c),
            None => {
                errors.push(FieldError::new(
                    "registrationNo",
                    "FORMAT",
                    "统一社会信用代码格式不正确",
                ));
                None
            }
        },
    };
    if body
        .founded_on
        .is_some_and(|d| d > today_in_china(Utc::now()))
    {
        errors.push(FieldError::new(
            "foundedOn",
            "RANGE",
            "成立日期不能晚于今天",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(Place {
        township_code: township.map(str::to_owned),
        registration_no,
    })
}

/// An organisation whose unit lies inside the caller's (404 otherwise).
pub async fn visible_org(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<orgs::Model> {
    let o = orgs::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(NAME))?;
    match state.league.unit(&o.unit_code) {
        Some(u) if cadre.covers_unit(u) => Ok(o),
        _ => Err(ApiError::not_found(NAME)),
    }
}

/// Active assignments per organisation.
async fn active_mentors(db: &impl ConnectionTrait, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Uuid> = assignments::Entity::find()
        .select_only()
        .column(OA::OrgId)
        .filter(OA::OrgId.is_in(ids.iter().copied()))
        .filter(OA::EndedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = HashMap::new();
    for id in rows {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// An organisation with its assignments (active first) and history, for staff.
pub async fn org_detail(state: &AppState, o: orgs::Model) -> ApiResult<OrganisationDetailView> {
    let rows = assignments::Entity::find()
        .filter(OA::OrgId.eq(o.id))
        .order_by_desc(OA::AssignedAt)
        .all(&state.db)
        .await?;
    let mentor_ids: Vec<Uuid> = rows.iter().map(|a| a.mentor_profile_id).collect();
    let names: HashMap<Uuid, String> = if mentor_ids.is_empty() {
        HashMap::new()
    } else {
        mentor_profiles::Entity::find()
            .filter(mentor_profiles::Column::Id.is_in(mentor_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.real_name))
            .collect()
    };
    let active = rows.iter().filter(|a| a.ended_at.is_none()).count() as i64;
    let mut assignments: Vec<OrgAssignmentView> = rows
        .into_iter()
        .map(|a| OrgAssignmentView {
            id: a.id,
            mentor_id: a.mentor_profile_id,
            mentor_name: names.get(&a.mentor_profile_id).cloned().unwrap_or_default(),
            assigned_at: to_china(a.assigned_at),
            ended_at: a.ended_at.map(to_china),
            ended_by_kind: a.ended_by_kind,
            end_reason: a.end_reason,
        })
        .collect();
    assignments.sort_by_key(|a| a.ended_at.is_some());
    let timeline = timeline(&state.db, orgs::Model::EVENTS, o.id, None, Audience::Staff).await?;
    Ok(OrganisationDetailView {
        organisation: OrganisationView::new(&o, unit_name(&state.league, &o.unit_code), active),
        assignments,
        timeline,
    })
}

/// Register an organisation of a unit inside the caller's (unverified until a cadre of the
/// parent unit other than the caller verifies it).
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "create_youth_organisation",
    security(("bearer" = [])),
    request_body = OrganisationRequest,
    responses(
        (status = 201, body = OrganisationDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "unitCode: UNKNOWN_UNIT; level, townshipCode: LEVEL; registrationNo: FORMAT; foundedOn: RANGE")
    )
)]
#[post("/admin/youth-organisations")]
pub async fn create_youth_organisation(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<OrganisationRequest>,
) -> ApiResult<HttpResponse> {
    let place = checked_place(&state, &cadre, &body).await?;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let row = orgs::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(body.name.trim().to_owned()),
        kind: Set(body.kind),
        level: Set(body.level),
        unit_code: Set(body.unit_code.clone()),
        township_code: Set(place.township_code),
        league_affiliated: Set(body.league_affiliated),
        registration_no: Set(place.registration_no),
        founded_on: Set(body.founded_on),
        members_count: Set(body.members_count),
        status: Set(OrgStatus::Active),
        dissolved_on: Set(None),
        dissolve_reason: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        created_by: Set(cadre.user_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record_creation(&txn, &row, A::Create, &actor, events::payload(&*body), None).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(org_detail(&state, row).await?))
}

/// The organisations of the caller's unit and the units below it (or of the `region` unit
/// inside it), by unit and name.
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "list_youth_organisations",
    security(("bearer" = [])),
    params(OrganisationFilter, PageQuery),
    responses(
        (status = 200, body = Page<OrganisationView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_UNIT")
    )
)]
#[get("/admin/youth-organisations")]
pub async fn list_youth_organisations(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<OrganisationFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<OrganisationView>>> {
    let parts = page.parts()?;
    let codes = match region_units(&cadre, filter.region.as_deref())? {
        Some(codes) => codes,
        None => cadre.tree().codes_within(&cadre.unit),
    };
    let mut q = orgs::Entity::find().filter(O::UnitCode.is_in(codes));
    if let Some(k) = filter.kind {
        q = q.filter(O::Kind.eq(k));
    }
    if let Some(l) = filter.level {
        q = q.filter(O::Level.eq(l));
    }
    if let Some(s) = filter.status {
        q = q.filter(O::Status.eq(s));
    }
    match filter.verified {
        Some(true) => q = q.filter(O::VerifiedAt.is_not_null()),
        Some(false) => q = q.filter(O::VerifiedAt.is_null()),
        None => {}
    }
    let q = q
        .order_by_asc(O::UnitCode)
        .order_by_asc(O::Name)
        .order_by_asc(O::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    let counts = active_mentors(&state.db, &ids).await?;
    let items = rows
        .iter()
        .map(|o| {
            OrganisationView::new(
                o,
                unit_name(&state.league, &o.unit_code),
                counts.get(&o.id).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One organisation with its mentor assignments and history (404 outside the caller's unit).
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "get_youth_organisation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OrganisationDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/youth-organisations/{id}")]
pub async fn get_youth_organisation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<OrganisationDetailView>> {
    let o = visible_org(&state, &cadre, *id).await?;
    Ok(web::Json(org_detail(&state, o).await?))
}

/// Change an active organisation (send the `version` edited). A change of kind, level, unit
/// or league affiliation clears its verification.
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "update_youth_organisation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = OrganisationRequest,
    responses(
        (status = 200, body = OrganisationDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION (the new unit)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ORGANISATION_CHANGED, INVALID_STATE (dissolved)"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; as create")
    )
)]
#[put("/admin/youth-organisations/{id}")]
pub async fn update_youth_organisation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<OrganisationRequest>,
) -> ApiResult<web::Json<OrganisationDetailView>> {
    let o = visible_org(&state, &cadre, *id).await?;
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改的版本号",
        ));
    };
    let place = checked_place(&state, &cadre, &body).await?;
    let clears = o.kind != body.kind
        || o.level != body.level
        || o.unit_code != body.unit_code
        || o.league_affiliated != body.league_affiliated;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&o, A::Edit, &actor)
        .seen(Some(version))
        .set(O::Name, Expr::value(body.name.trim().to_owned()))
        .set(O::Kind, Expr::value(body.kind))
        .set(O::Level, Expr::value(body.level))
        .set(O::UnitCode, Expr::value(body.unit_code.clone()))
        .set(O::TownshipCode, Expr::value(place.township_code))
        .set(O::LeagueAffiliated, Expr::value(body.league_affiliated))
        .set(O::RegistrationNo, Expr::value(place.registration_no))
        .set(O::FoundedOn, Expr::value(body.founded_on))
        .set(O::MembersCount, Expr::value(body.members_count))
        .set(O::UpdatedAt, Expr::value(now))
        .payload(&*body);
    if clears {
        t = t
            .set(O::VerifiedBy, Expr::value(Option::<Uuid>::None))
            .set(
                O::VerifiedAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .reason(Some("类型、层级、所属团组织或团属情况变更，需重新核验"));
    }
    let applied = t.run(&txn).await?;
    txn.commit().await?;
    Ok(web::Json(org_detail(&state, applied.into_record()).await?))
}

/// The unit whose cadres (or those above it) verify an organisation of `unit`: its parent, or
/// the province itself for province-level organisations.
fn checker_unit<'a>(state: &'a AppState, unit: &'a LeagueUnit) -> Option<&'a LeagueUnit> {
    match &unit.parent_code {
        Some(p) => state.league.unit(p).map(|u| &**u),
        None => Some(unit),
    }
}

/// Verify an active organisation (send the `version` checked): a cadre of the parent unit of
/// its unit (the province for province-level ones) or above, other than whoever registered it
/// or last changed it (403 `SAME_ACTOR_NOT_ALLOWED`, then 403 `PARENT_UNIT_ONLY`).
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "verify_youth_organisation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VerifyOrganisationRequest,
    responses(
        (status = 200, body = OrganisationDetailView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED, PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ORGANISATION_CHANGED, INVALID_STATE (verified already, dissolved)")
    )
)]
#[post("/admin/youth-organisations/{id}/verifications")]
pub async fn verify_youth_organisation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VerifyOrganisationRequest>,
) -> ApiResult<web::Json<OrganisationDetailView>> {
    let o = visible_org(&state, &cadre, *id).await?;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    // Four-eyes against the stored maker (the creator, or the cadre whose change cleared the
    // last verification), inside the transaction (conventions §9).
    let last = events::last(&txn, orgs::Model::EVENTS, o.id).await?;
    let last_editor = last
        .filter(|e| e.action == A::Edit.as_str())
        .and_then(|e| e.actor_user_id);
    let repeat = o.verified_by == Some(cadre.user_id);
    if !repeat && (o.created_by == cadre.user_id || last_editor == Some(cadre.user_id)) {
        return Err(refusals::same_actor());
    }
    let allowed = state
        .league
        .unit(&o.unit_code)
        .and_then(|u| checker_unit(&state, u))
        .is_some_and(|u| cadre.covers_unit(u));
    if !allowed {
        return Err(refusals::parent_unit_only());
    }
    let applied = Transition::new(&o, A::Verify, &actor)
        .seen(Some(body.version))
        .only_if(O::VerifiedAt.is_null())
        .or_else(|cur| {
            (cur.status == OrgStatus::Active && cur.verified_at.is_some())
                .then(|| ApiError::Conflict("INVALID_STATE", "该组织已通过核验".into()))
        })
        .set(O::VerifiedBy, Expr::value(cadre.user_id))
        .set(O::VerifiedAt, Expr::value(now))
        .set(O::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(org_detail(&state, applied.into_record()).await?))
}

/// Dissolve an active organisation (on a date not in the future, default today), with a
/// reason: its mentor assignments end with it.
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "dissolve_youth_organisation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DissolveOrganisationRequest,
    responses(
        (status = 200, body = OrganisationDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ORGANISATION_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH; dissolvedOn: RANGE")
    )
)]
#[post("/admin/youth-organisations/{id}/dissolutions")]
pub async fn dissolve_youth_organisation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<DissolveOrganisationRequest>,
) -> ApiResult<web::Json<OrganisationDetailView>> {
    let o = visible_org(&state, &cadre, *id).await?;
    let now = Utc::now();
    let today = today_in_china(now);
    let on = body.dissolved_on.unwrap_or(today);
    if on > today || o.founded_on.is_some_and(|f| on < f) {
        return Err(ApiError::field(
            "dissolvedOn",
            "RANGE",
            "撤销日期应在成立日期之后，且不晚于今天",
        ));
    }
    let reason = body.reason.trim().to_owned();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&o, A::Dissolve, &actor)
        .seen(body.version)
        .set(O::DissolvedOn, Expr::value(on))
        .set(O::DissolveReason, Expr::value(reason.clone()))
        .set(O::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .payload(&*body)
        .run(&txn)
        .await?;
    if let Applied::Done { record, .. } = &applied {
        assignments::Entity::update_many()
            .col_expr(OA::EndedAt, Expr::value(now))
            .col_expr(OA::EndedByKind, Expr::value(EndedBy::System))
            .col_expr(OA::EndReason, Expr::value("组织已撤销"))
            .filter(OA::OrgId.eq(record.id))
            .filter(OA::EndedAt.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(web::Json(org_detail(&state, applied.into_record()).await?))
}
