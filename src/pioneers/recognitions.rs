//! Recognitions (表彰荣誉, `supervision.md` §5): a cadre covering a talent records an honour
//! with evidence (a 青年先锋 naming records one for the round's unit); a cadre of the recording
//! unit's parent unit or above (for the province's own: another province cadre) confirms it,
//! never the recorder; the recording unit or a unit above it revokes it with a reason. Only
//! confirmed, unrevoked recognitions count in `township_typical_coverage` and
//! `village_typical_coverage` (no unit grades itself); every change of what counts drops their
//! cached counts for the talent's home.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use entity::media::MediaPurpose;
use entity::recognitions::{
    self as recognitions, Column as R, RecognitionKind, RecognitionLevel, RecognitionStatus,
};
use entity::talent_profiles::{self, TalentStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    ConfirmRecognitionRequest, RecognitionDetailView, RecognitionFilter, RecognitionRequest,
    RecognitionView, RevokeRecognitionRequest, TalentLine,
};
use super::state::RecognitionAction as A;
use crate::app_state::AppState;
use crate::auth::{Cadre, CadreScope};
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::league::LeagueUnit;
use crate::media::{Attachment, MediaField};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::today_in_china;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};
use crate::youth_homes::access::{parent_unit_only, place_names, same_actor};

/// The KPI lines recognitions feed.
pub const INDICATORS: [&str; 2] = ["township_typical_coverage", "village_typical_coverage"];
pub const EVIDENCE: MediaField = MediaField::new("evidence", MediaPurpose::Recognition);
/// `media.attached_kind` of a recognition's evidence.
pub const MEDIA_KIND: &str = "recognition";

/// Drop the cached 青年典型 counts of the talent's home and every area above it.
pub async fn counts_changed(state: &AppState, home: &str) {
    crate::kpi::compute::invalidate(state, &INDICATORS, home).await;
}

async fn talent(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<Option<talent_profiles::Model>> {
    Ok(talent_profiles::Entity::find_by_id(id).one(db).await?)
}

/// The recognition by id and its talent, if the caller's unit covers the talent's home (else
/// 404).
async fn visible(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<(recognitions::Model, talent_profiles::Model)> {
    let missing = || ApiError::not_found(recognitions::Model::NAME);
    let r = recognitions::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let t = talent(&state.db, r.talent_profile_id)
        .await?
        .ok_or_else(missing)?;
    cadre.ensure_visible(&t.home_region_code, recognitions::Model::NAME)?;
    Ok((r, t))
}

fn unit_name(state: &AppState, code: &str) -> String {
    state
        .league
        .unit(code)
        .map(|u| u.short_name.clone())
        .unwrap_or_default()
}

/// Views of recognitions with their talents' names and homes.
async fn views(
    state: &AppState,
    rows: Vec<recognitions::Model>,
    talents: &HashMap<Uuid, talent_profiles::Model>,
) -> ApiResult<Vec<RecognitionView>> {
    let names = place_names(state, talents.values().map(|t| t.home_region_code.clone())).await?;
    rows.into_iter()
        .map(|r| {
            let (name, home) = talents
                .get(&r.talent_profile_id)
                .map(|t| (t.real_name.clone(), t.home_region_code.clone()))
                .unwrap_or_default();
            let line = TalentLine {
                name,
                home_name: names.get(&home).cloned().unwrap_or_default(),
                home,
                unit_name: unit_name(state, &r.recorded_by_unit_code),
            };
            RecognitionView::new(r, line, &state.media)
        })
        .collect()
}

async fn detail(
    state: &AppState,
    r: recognitions::Model,
    t: talent_profiles::Model,
) -> ApiResult<RecognitionDetailView> {
    let timeline = timeline(
        &state.db,
        recognitions::Model::EVENTS,
        r.id,
        None,
        Audience::Staff,
    )
    .await?;
    let talents = HashMap::from([(t.id, t)]);
    let recognition = views(state, vec![r], &talents)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(recognitions::Model::NAME))?;
    Ok(RecognitionDetailView {
        recognition,
        timeline,
    })
}

/// What a new recognition is.
pub struct NewRecognition {
    pub id: Uuid,
    pub talent_profile_id: Uuid,
    pub kind: RecognitionKind,
    pub level: RecognitionLevel,
    pub title: String,
    pub awarded_on: NaiveDate,
    pub source_round_id: Option<Uuid>,
    pub evidence: Vec<String>,
}

/// Insert a recognition (recorded, waiting for confirmation) by the cadre for their unit, and
/// log it, in the caller's transaction (a naming records one this way).
pub async fn insert(
    txn: &DatabaseTransaction,
    cadre: &CadreScope,
    new: NewRecognition,
    payload: Option<String>,
) -> ApiResult<recognitions::Model> {
    let now = Utc::now();
    let row = recognitions::ActiveModel {
        id: Set(new.id),
        talent_profile_id: Set(new.talent_profile_id),
        kind: Set(new.kind),
        level: Set(new.level),
        title: Set(new.title),
        awarded_on: Set(new.awarded_on),
        source_round_id: Set(new.source_round_id),
        evidence: Set(json_text(&new.evidence)),
        status: Set(RecognitionStatus::Recorded),
        recorded_by: Set(cadre.user_id),
        recorded_by_unit_code: Set(cadre.unit.code.clone()),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        revoked_by: Set(None),
        revoked_at: Set(None),
        revoke_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    record_creation(txn, &row, A::Record, &Actor::cadre(cadre), payload, None).await?;
    Ok(row)
}

/// Record an honour of a verified talent whose home lies inside the caller's unit, with 1–9
/// pieces of evidence. It counts once a cadre of the caller's parent unit confirms it.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "create_recognition",
    security(("bearer" = [])),
    request_body = RecognitionRequest,
    responses(
        (status = 201, body = RecognitionDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; VERIFICATION_REQUIRED (the talent is not verified)"),
        (status = 422, body = ErrorEnvelope, description = "talentProfileId: REFERENCE_NOT_FOUND; title: LENGTH; awardedOn: RANGE (future); evidence: REQUIRED, LENGTH; evidence[i]: MEDIA_KEY_INVALID; UNKNOWN_FIELD")
    )
)]
#[post("/admin/recognitions")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_recognition(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<RecognitionRequest>,
) -> ApiResult<HttpResponse> {
    let Some(t) = talent(&state.db, body.talent_profile_id).await? else {
        return Err(ApiError::field(
            "talentProfileId",
            "REFERENCE_NOT_FOUND",
            "该人才不存在",
        ));
    };
    cadre.ensure_covers(&t.home_region_code)?;
    if t.status != TalentStatus::Verified {
        return Err(ApiError::Forbidden(
            "VERIFICATION_REQUIRED",
            "该青年尚未通过人才认定，暂不能登记表彰荣誉".into(),
        ));
    }
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let mut errors = Vec::new();
    if body.awarded_on > today_in_china(Utc::now()) {
        errors.push(FieldError::new(
            "awardedOn",
            "RANGE",
            "获得荣誉日期不能晚于今天",
        ));
    }
    if body.evidence.is_empty() {
        errors.push(FieldError::new(
            "evidence",
            "REQUIRED",
            "请上传荣誉证书或表彰文件等证明材料",
        ));
    }
    errors.extend(
        EVIDENCE
            .check(&state.db, cadre.user_id, &body.evidence, record)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let txn = crate::db::begin(&state.db).await?;
    let row = insert(
        &txn,
        &cadre,
        NewRecognition {
            id,
            talent_profile_id: t.id,
            kind: body.kind,
            level: body.level,
            title: body.title.trim().to_owned(),
            awarded_on: body.awarded_on,
            source_round_id: None,
            evidence: body.evidence.clone(),
        },
        events::payload(&*body),
    )
    .await?;
    EVIDENCE
        .attach(&txn, cadre.user_id, &body.evidence, record)
        .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, row, t).await?))
}

/// The talents whose home lies in `scope`, as a sub-query on `recognitions.talent_profile_id`.
fn talents_in(scope: &crate::league::UnitScope) -> sea_orm::sea_query::SimpleExpr {
    use talent_profiles::Column as T;
    Expr::col(R::TalentProfileId).in_subquery(
        Query::select()
            .column(T::Id)
            .from(talent_profiles::Entity)
            .cond_where(scope.condition(T::HomeRegionCode))
            .to_owned(),
    )
}

/// Recognitions of the talents homed in the caller's unit (or the `region` inside it), newest
/// award first.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_recognitions",
    security(("bearer" = [])),
    params(RecognitionFilter, PageQuery),
    responses(
        (status = 200, body = Page<RecognitionView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/recognitions")]
pub async fn list_recognitions(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<RecognitionFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RecognitionView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = recognitions::Entity::find().filter(talents_in(&scope));
    if let Some(s) = filter.status {
        q = q.filter(R::Status.eq(s));
    }
    if let Some(k) = filter.kind {
        q = q.filter(R::Kind.eq(k));
    }
    if let Some(t) = filter.talent_profile_id {
        q = q.filter(R::TalentProfileId.eq(t));
    }
    let q = q.order_by_desc(R::AwardedOn).order_by_desc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.talent_profile_id).collect();
    let talents: HashMap<Uuid, talent_profiles::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        talent_profiles::Entity::find()
            .filter(talent_profiles::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    };
    let items = views(&state, rows, &talents).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One recognition with its timeline (404 outside the caller's unit).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "get_recognition",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RecognitionDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/recognitions/{id}")]
pub async fn get_recognition(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RecognitionDetailView>> {
    let (r, t) = visible(&state, &cadre, *id).await?;
    Ok(web::Json(detail(&state, r, t).await?))
}

/// The units whose recognitions the cadre confirms: those strictly below the cadre's unit
/// (their parent is the cadre's unit or below it), and for the province its own (recorded by
/// another province cadre).
pub fn confirmed_units(cadre: &CadreScope) -> Vec<String> {
    let tree = cadre.tree();
    tree.units_within(&cadre.unit)
        .into_iter()
        .filter(|u| u.code != cadre.unit.code || u.parent_code.is_none())
        .map(|u| u.code.clone())
        .collect()
}

/// Whether the cadre confirms recognitions recorded by `unit`: a cadre of its parent unit or
/// above; the province's own by a province cadre.
fn confirms(cadre: &CadreScope, unit: &LeagueUnit) -> bool {
    match unit
        .parent_code
        .as_deref()
        .and_then(|p| cadre.tree().unit(p))
    {
        Some(parent) => cadre.covers_unit(parent),
        None => cadre.unit.code == unit.code,
    }
}

/// Confirm a recorded recognition (send the `version` checked): a cadre of the recording unit's
/// parent unit or above (for one the province recorded: another province cadre), never the
/// recorder. It then counts in the 青年典型 lines of the talent's village and township.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "confirm_recognition",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ConfirmRecognitionRequest,
    responses(
        (status = 200, body = RecognitionDetailView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the recorder); PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; RECOGNITION_CHANGED")
    )
)]
#[post("/admin/recognitions/{id}/confirmations")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn confirm_recognition(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ConfirmRecognitionRequest>,
) -> ApiResult<web::Json<RecognitionDetailView>> {
    let (r, t) = visible(&state, &cadre, *id).await?;
    if r.confirmed_by != Some(cadre.user_id) {
        if r.recorded_by == cadre.user_id {
            return Err(same_actor("表彰荣誉须由登记人以外的上级团组织团干部确认"));
        }
        let fits = state
            .league
            .unit(&r.recorded_by_unit_code)
            .is_some_and(|u| confirms(&cadre, u));
        if !fits {
            return Err(parent_unit_only("表彰荣誉由登记单位的上级团组织确认"));
        }
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, A::Confirm, &actor)
        .seen(Some(body.version))
        .only_if(R::RecordedBy.ne(cadre.user_id))
        .set(R::ConfirmedBy, Expr::value(cadre.user_id))
        .set(R::ConfirmedAt, Expr::value(now))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, &t.home_region_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record(), t).await?))
}

/// Revoke a recognition, recorded or confirmed, with a reason: a cadre of the recording unit or
/// a unit above it. A confirmed one no longer counts (the cached counts are dropped either way:
/// a confirmation may have landed since it was read).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "revoke_recognition",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RevokeRecognitionRequest,
    responses(
        (status = 200, body = RecognitionDetailView),
        (status = 403, body = ErrorEnvelope, description = "RECORDING_UNIT_ONLY (a unit below or beside the recording unit)"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (revoked already); RECOGNITION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/recognitions/{id}/revocations")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn revoke_recognition(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RevokeRecognitionRequest>,
) -> ApiResult<web::Json<RecognitionDetailView>> {
    let (r, t) = visible(&state, &cadre, *id).await?;
    let covers = state
        .league
        .unit(&r.recorded_by_unit_code)
        .is_some_and(|u| cadre.covers_unit(u));
    if !covers {
        return Err(ApiError::Forbidden(
            "RECORDING_UNIT_ONLY",
            "表彰荣誉由登记单位或其上级团组织撤销".into(),
        ));
    }
    let reason = body.reason.trim().to_owned();
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, A::Revoke, &actor)
        .seen(body.version)
        .set(R::RevokedBy, Expr::value(cadre.user_id))
        .set(R::RevokedAt, Expr::value(now))
        .set(R::RevokeReason, Expr::value(reason.clone()))
        .set(R::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, &t.home_region_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record(), t).await?))
}
