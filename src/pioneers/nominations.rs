//! 青年先锋 nominations (`supervision.md` §5): by the youth (self) while the round is open, or by
//! a cadre covering the nominee; qualified by the nominee's local unit; shortlisted, publicised
//! (with the nominee's `pioneer_publicity` consent) and named by the round's unit. Naming takes a
//! place of the round's quota by one conditional update of the round (lock order: round, then
//! nomination) and records a recognition of the round's unit, which the parent unit confirms.
use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use entity::media::MediaPurpose;
use entity::notifications::NotificationKind;
use entity::pioneer_nominations::{
    self as nominations, Column as N, NominatedByKind, NominationStatus, PioneerCategory,
};
use entity::pioneer_rounds::{self as rounds, CadreLevel, Column as RC, RoundStatus};
use entity::recognitions::{RecognitionKind, RecognitionLevel};
use entity::sharing_consents::{ConsentPurpose, ConsentSubject, RecipientKind};
use entity::talent_profiles::{self, TalentStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
};
use uuid::Uuid;

use super::recognitions::{NewRecognition, insert as insert_recognition};
use super::round_dto::{
    MyNominationView, NominationDetailView, NominationFilter, NominationRequest,
    NominationStepRequest, NominationView, PublicityConsentRequest, QualifyDecision,
    QualifyRequest, ShortlistDecision, ShortlistRequest, WithdrawNominationRequest,
};
use super::rounds::{
    MIN_AGE, PUBLIC, PUBLICITY_CONSENT, ensure_round_unit, find_round, publicity_end, round_scope,
};
use super::state::NominationAction as A;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::choices::{Labelled, json_text};
use crate::consents::{self, NewConsent, Recipient};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::media::{Attachment, MediaField};
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::talents::queries::{json_list, profile_required};
use crate::talents::rules::age_on;
use crate::time::{to_china, today_in_china};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};
use crate::youth_homes::access::{place_names, trimmed};

pub const MEDIA: MediaField = MediaField::new("media", MediaPurpose::PioneerNomination);
/// `media.attached_kind` of a nomination's materials.
pub const MEDIA_KIND: &str = "pioneer_nomination";
const LINK: &str = "/pages/pioneers/mine";

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::Conflict(code, message.into())
}

fn already_nominated() -> ApiError {
    conflict("ALREADY_NOMINATED", "该青年已在本轮评选中被推荐")
}

fn publicity_not_ended() -> ApiError {
    conflict("PUBLICITY_NOT_ENDED", "公示期未满，暂不能命名")
}

fn objection_open() -> ApiError {
    conflict("OBJECTION_OPEN", "该推荐有尚未核查的异议，暂不能命名")
}

fn consent_required() -> ApiError {
    conflict(
        "NOMINEE_CONSENT_REQUIRED",
        "被推荐人尚未同意公开姓名、所在村和事迹，暂不能公示",
    )
}

fn subject(id: Uuid) -> consents::Subject {
    consents::Subject {
        kind: ConsentSubject::PioneerNomination,
        id,
    }
}

/// The nominee's notice of a step (in the step's transaction).
async fn tell(
    txn: &DatabaseTransaction,
    n: &nominations::Model,
    kind: NotificationKind,
    body: &str,
) -> ApiResult<entity::notifications::Model> {
    notify(txn, n.user_id, kind, "青年先锋评选", body, Some(LINK)).await
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<nominations::Model> {
    nominations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(nominations::Model::NAME))
}

/// The nomination by id if the caller's unit covers the nominee's place (else 404).
async fn visible(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<nominations::Model> {
    let n = find(&state.db, id).await?;
    cadre.ensure_visible(&n.region_code, nominations::Model::NAME)?;
    Ok(n)
}

/// Cadre views of nominations, with round names, nominees' names and places.
async fn views(state: &AppState, rows: Vec<nominations::Model>) -> ApiResult<Vec<NominationView>> {
    let rounds: HashMap<Uuid, String> = rounds::Entity::find()
        .filter(RC::Id.is_in(rows.iter().map(|n| n.round_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let names: HashMap<Uuid, String> = talent_profiles::Entity::find()
        .filter(
            talent_profiles::Column::Id
                .is_in(rows.iter().map(|n| n.talent_profile_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.real_name))
        .collect();
    let places = place_names(state, rows.iter().map(|n| n.region_code.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|n| NominationView {
            id: n.id,
            round_id: n.round_id,
            round_name: rounds.get(&n.round_id).cloned().unwrap_or_default(),
            talent_profile_id: n.talent_profile_id,
            nominee_name: names.get(&n.talent_profile_id).cloned().unwrap_or_default(),
            region_name: places.get(&n.region_code).cloned().unwrap_or_default(),
            region_code: n.region_code,
            category: n.category,
            nominated_by_kind: n.nominated_by_kind,
            story: n.story,
            achievements: n.achievements,
            years_in_field: n.years_in_field,
            publicity_consent: n.publicity_consent,
            open_objections: n.open_objections,
            status: n.status,
            reason: n.reason,
            publicity_ends_at: n.publicity_ends_at.map(to_china),
            named_at: n.named_at.map(to_china),
            recognition_id: n.recognition_id,
            version: n.version,
            created_at: to_china(n.created_at),
        })
        .collect())
}

pub async fn view(state: &AppState, n: nominations::Model) -> ApiResult<NominationView> {
    views(state, vec![n])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(nominations::Model::NAME))
}

async fn detail(state: &AppState, n: nominations::Model) -> ApiResult<NominationDetailView> {
    let timeline = timeline(
        &state.db,
        nominations::Model::EVENTS,
        n.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(NominationDetailView {
        nomination: view(state, n).await?,
        timeline,
    })
}

/// The refusals of a nomination of `talent` in `round`, in the spec's order: the window (409
/// `NOMINATIONS_CLOSED`), verification (403 `VERIFICATION_REQUIRED`), the round's area (403
/// `OUTSIDE_ROUND_REGION`), age (403 `AGE_NOT_ELIGIBLE`: 18 on the day, the round's band on the
/// China date of `nominations_close_at`), then the body (422, all at once).
fn eligibility(
    state: &AppState,
    round: &rounds::Model,
    talent: &talent_profiles::Model,
    body: &NominationRequest,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if round.status != RoundStatus::Open
        || now < round.nominations_open_at
        || now >= round.nominations_close_at
    {
        return Err(conflict("NOMINATIONS_CLOSED", "该评选当前不在推荐时间内"));
    }
    if talent.status != TalentStatus::Verified {
        return Err(ApiError::Forbidden(
            "VERIFICATION_REQUIRED",
            "被推荐人须为已认定的青年人才".into(),
        ));
    }
    if !round_scope(state, round).covers(&talent.home_region_code) {
        return Err(ApiError::Forbidden(
            "OUTSIDE_ROUND_REGION",
            "被推荐人的家乡不在本次评选范围内".into(),
        ));
    }
    let today = age_on(talent.date_of_birth, today_in_china(now));
    let at_close = age_on(
        talent.date_of_birth,
        today_in_china(round.nominations_close_at),
    );
    if today < MIN_AGE || at_close < round.age_min || at_close > round.age_max {
        return Err(ApiError::Forbidden(
            "AGE_NOT_ELIGIBLE",
            format!(
                "被推荐人在推荐截止日应为{}至{}周岁，且推荐时已年满18周岁",
                round.age_min, round.age_max
            ),
        ));
    }
    let mut errors = Vec::new();
    let categories: Vec<PioneerCategory> = json_list("categories", &round.categories)?;
    if !categories.contains(&body.category) {
        errors.push(FieldError::new(
            "category",
            "INVALID_VALUE",
            "本次评选不含该领域",
        ));
    }
    if body.years_in_field < round.min_years_in_field {
        errors.push(FieldError::new(
            "yearsInField",
            "RANGE",
            format!("从业年限应不少于{}年", round.min_years_in_field),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn talent_not_found() -> ApiError {
    ApiError::field("talentProfileId", "REFERENCE_NOT_FOUND", "该人才不存在")
}

/// Nominate `talent` in `round` by `actor`, after the checks.
async fn nominate(
    state: &AppState,
    round: &rounds::Model,
    talent: &talent_profiles::Model,
    actor: &Actor,
    kind: NominatedByKind,
    body: &NominationRequest,
) -> ApiResult<nominations::Model> {
    let now = Utc::now();
    eligibility(state, round, talent, body, now)?;
    let by = actor.user_id.unwrap_or_default();
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let errors = MEDIA.check(&state.db, by, &body.media, record).await?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let exists = nominations::Entity::find()
        .filter(N::RoundId.eq(round.id))
        .filter(N::TalentProfileId.eq(talent.id))
        .one(&state.db)
        .await?
        .is_some();
    if exists {
        return Err(already_nominated());
    }
    let txn = crate::db::begin(&state.db).await?;
    // The nominee's counter row first, as the deletion of a talent profile takes it: a deletion
    // racing this nomination either finds it (and refuses) or has finished, and the profile is
    // gone here.
    crate::mentoring::lifecycle::lock_counter(&txn, talent.user_id).await?;
    let still = talent_profiles::Entity::find_by_id(talent.id)
        .one(&txn)
        .await?
        .is_some();
    if !still {
        return Err(match kind {
            NominatedByKind::SelfNominated => profile_required(),
            NominatedByKind::Organisation => talent_not_found(),
        });
    }
    let row = nominations::ActiveModel {
        id: Set(id),
        round_id: Set(round.id),
        talent_profile_id: Set(talent.id),
        user_id: Set(talent.user_id),
        region_code: Set(talent.home_region_code.clone()),
        category: Set(body.category),
        nominated_by_kind: Set(kind),
        nominated_by: Set(by),
        story: Set(body.story.trim().to_owned()),
        achievements: Set(body.achievements.trim().to_owned()),
        years_in_field: Set(body.years_in_field),
        media: Set(json_text(&body.media)),
        publicity_consent: Set(false),
        open_objections: Set(0),
        status: Set(NominationStatus::Nominated),
        reason: Set(None),
        publicity_ends_at: Set(None),
        named_at: Set(None),
        recognition_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            already_nominated()
        } else {
            e.into()
        }
    })?;
    MEDIA.attach(&txn, by, &body.media, record).await?;
    record_creation(&txn, &row, A::Nominate, actor, events::payload(body), None).await?;
    let note = tell(
        &txn,
        &row,
        NotificationKind::PioneerNominated,
        &format!("您已被推荐参加“{}”评选。", round.name),
    )
    .await?;
    txn.commit().await?;
    deliver(state, vec![note]);
    Ok(row)
}

/// Nominate oneself in an open round (a verified talent homed in the round's area, 18 or older).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "create_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NominationRequest,
    responses(
        (status = 201, body = MyNominationView),
        (status = 403, body = ErrorEnvelope, description = "VERIFICATION_REQUIRED; OUTSIDE_ROUND_REGION; AGE_NOT_ELIGIBLE"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED; NOMINATIONS_CLOSED; ALREADY_NOMINATED"),
        (status = 422, body = ErrorEnvelope, description = "category: INVALID_VALUE; yearsInField: RANGE; story: LENGTH; talentProfileId: INVALID_VALUE (someone else); media[i]: MEDIA_KEY_INVALID")
    )
)]
#[post("/pioneer-rounds/{id}/nominations")]
#[tracing::instrument(skip(state, me, body), fields(user = %me.id()))]
pub async fn create_pioneer_nomination(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<NominationRequest>,
) -> ApiResult<HttpResponse> {
    let round = find_round(&state.db, *id).await?;
    if round.status == RoundStatus::Draft {
        return Err(ApiError::not_found(rounds::Model::NAME));
    }
    let talent = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(me.id()))
        .one(&state.db)
        .await?
        .ok_or_else(profile_required)?;
    if body.talent_profile_id.is_some_and(|t| t != talent.id) {
        return Err(ApiError::field(
            "talentProfileId",
            "INVALID_VALUE",
            "只能推荐本人，组织推荐请由团组织办理",
        ));
    }
    let row = nominate(
        &state,
        &round,
        &talent,
        &Actor::youth(me.id()),
        NominatedByKind::SelfNominated,
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(mine(&round, row)))
}

/// Nominate a talent homed inside the caller's unit (organisation nomination).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "create_admin_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NominationRequest,
    responses(
        (status = 201, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; VERIFICATION_REQUIRED; OUTSIDE_ROUND_REGION; AGE_NOT_ELIGIBLE"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOMINATIONS_CLOSED; ALREADY_NOMINATED"),
        (status = 422, body = ErrorEnvelope, description = "talentProfileId: REQUIRED, REFERENCE_NOT_FOUND; category: INVALID_VALUE; yearsInField: RANGE; story: LENGTH")
    )
)]
#[post("/admin/pioneer-rounds/{id}/nominations")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_admin_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<NominationRequest>,
) -> ApiResult<HttpResponse> {
    let round = find_round(&state.db, *id).await?;
    super::rounds::ensure_round_visible(&cadre, &round)?;
    let Some(talent_id) = body.talent_profile_id else {
        return Err(ApiError::field(
            "talentProfileId",
            "REQUIRED",
            "请选择被推荐人",
        ));
    };
    let Some(talent) = talent_profiles::Entity::find_by_id(talent_id)
        .one(&state.db)
        .await?
    else {
        return Err(talent_not_found());
    };
    cadre.ensure_covers(&talent.home_region_code)?;
    let row = nominate(
        &state,
        &round,
        &talent,
        &Actor::cadre(&cadre),
        NominatedByKind::Organisation,
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(detail(&state, row).await?))
}

/// Nominations inside the caller's unit (or `region`), of a round and a status.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_pioneer_nominations",
    security(("bearer" = [])),
    params(NominationFilter, PageQuery),
    responses(
        (status = 200, body = Page<NominationView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/pioneer-nominations")]
pub async fn list_pioneer_nominations(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<NominationFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<NominationView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = nominations::Entity::find().filter(scope.condition(N::RegionCode));
    if let Some(r) = filter.round_id {
        q = q.filter(N::RoundId.eq(r));
    }
    if let Some(s) = filter.status {
        q = q.filter(N::Status.eq(s));
    }
    let q = q.order_by_asc(N::RegionCode).order_by_asc(N::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        views(&state, rows).await?,
        total,
        parts,
    )))
}

/// One nomination with its timeline (404 outside the caller's unit).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "get_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = NominationDetailView), (status = 404, body = ErrorEnvelope))
)]
#[get("/admin/pioneer-nominations/{id}")]
pub async fn get_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    Ok(web::Json(detail(&state, n).await?))
}

/// 资格审查 by a cadre of the nominee's local unit: `qualified`, or `disqualified` with a reason.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "qualify_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = QualifyRequest,
    responses(
        (status = 200, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; NOMINATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: REQUIRED (disqualified), LENGTH")
    )
)]
#[post("/admin/pioneer-nominations/{id}/qualifications")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn qualify_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<QualifyRequest>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&n.region_code)?;
    let outcome = match body.decision {
        QualifyDecision::Qualified => Outcome {
            action: A::Qualify,
            kind: NotificationKind::PioneerQualified,
            text: "您的青年先锋推荐已通过资格审查。",
            reason_required: None,
        },
        QualifyDecision::Disqualified => Outcome {
            action: A::Disqualify,
            kind: NotificationKind::PioneerDisqualified,
            text: "您的青年先锋推荐未通过资格审查。",
            reason_required: Some("请说明未通过的原因"),
        },
    };
    decide(
        &state,
        &cadre,
        &n,
        outcome,
        body.reason.as_deref(),
        body.version,
        &*body,
    )
    .await
}

/// What a two-way decision does: the action, the nominee's notice, and whether it needs a reason.
struct Outcome {
    action: A,
    kind: NotificationKind,
    text: &'static str,
    reason_required: Option<&'static str>,
}

async fn decide<T: serde::Serialize>(
    state: &AppState,
    cadre: &Cadre,
    n: &nominations::Model,
    o: Outcome,
    reason: Option<&str>,
    version: Option<i32>,
    body: &T,
) -> ApiResult<web::Json<NominationDetailView>> {
    let reason = trimmed(reason);
    if let (Some(message), None) = (o.reason_required, &reason) {
        return Err(ApiError::field("reason", "REQUIRED", message));
    }
    step(
        state,
        cadre,
        n,
        o.action,
        version,
        reason,
        body,
        Some((o.kind, o.text)),
    )
    .await
}

/// 审核 by a cadre of the round's unit: `shortlisted` (the nominee is asked for the publicity
/// consent), or `not_selected` with a reason.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "shortlist_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ShortlistRequest,
    responses(
        (status = 200, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; NOMINATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: REQUIRED (not_selected), LENGTH")
    )
)]
#[post("/admin/pioneer-nominations/{id}/shortlistings")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn shortlist_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ShortlistRequest>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    let round = find_round(&state.db, n.round_id).await?;
    ensure_round_unit(&cadre, &round)?;
    let outcome = match body.decision {
        ShortlistDecision::Shortlisted => Outcome {
            action: A::Shortlist,
            kind: NotificationKind::PioneerShortlisted,
            text: "您的青年先锋推荐已通过审核。公示前请在“我的推荐”中同意公开姓名、所在村和事迹。",
            reason_required: None,
        },
        ShortlistDecision::NotSelected => Outcome {
            action: A::NotSelect,
            kind: NotificationKind::PioneerNotSelected,
            text: "您的青年先锋推荐未入选。",
            reason_required: Some("请说明未入选的原因"),
        },
    };
    decide(
        &state,
        &cadre,
        &n,
        outcome,
        body.reason.as_deref(),
        body.version,
        &*body,
    )
    .await
}

/// One cadre step of a nomination with its notice.
#[allow(clippy::too_many_arguments)]
async fn step<T: serde::Serialize>(
    state: &AppState,
    cadre: &Cadre,
    n: &nominations::Model,
    action: A,
    version: Option<i32>,
    reason: Option<String>,
    body: &T,
    notice: Option<(NotificationKind, &str)>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let actor = Actor::cadre(cadre);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(n, action, &actor)
        .seen(version)
        .set(N::UpdatedAt, Expr::value(Utc::now()))
        .payload(body);
    if let Some(r) = reason.clone() {
        t = t.set(N::Reason, Expr::value(r)).reason(reason);
    }
    let applied = t.run(&txn).await?;
    let mut notes = Vec::new();
    if let (true, Some((kind, text))) = (applied.is_done(), notice) {
        notes.push(tell(&txn, applied.record(), kind, text).await?);
    }
    txn.commit().await?;
    deliver(state, notes);
    Ok(web::Json(detail(state, applied.into_record()).await?))
}

/// 公示 by a cadre of the round's unit: needs the nominee's publicity consent (409
/// `NOMINEE_CONSENT_REQUIRED`); publicity ends `publicityDays` later.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "publicise_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NominationStepRequest,
    responses(
        (status = 200, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NOMINEE_CONSENT_REQUIRED; INVALID_STATE; NOMINATION_CHANGED")
    )
)]
#[post("/admin/pioneer-nominations/{id}/publicisations")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn publicise_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<NominationStepRequest>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    let round = find_round(&state.db, n.round_id).await?;
    ensure_round_unit(&cadre, &round)?;
    if n.status == NominationStatus::Shortlisted && !n.publicity_consent {
        return Err(consent_required());
    }
    let now = Utc::now();
    let ends = publicity_end(&round, now);
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&n, A::Publicise, &actor)
        .seen(body.version)
        .only_if(N::PublicityConsent.eq(true))
        .or_else(|cur| {
            (cur.status == NominationStatus::Shortlisted && !cur.publicity_consent)
                .then(consent_required)
        })
        .set(N::PublicityEndsAt, Expr::value(ends))
        .set(N::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut notes = Vec::new();
    if applied.is_done() {
        let text = format!(
            "您的青年先锋推荐已进入公示，公示期至{}。",
            to_china(ends).format("%Y-%m-%d %H:%M")
        );
        notes.push(
            tell(
                &txn,
                applied.record(),
                NotificationKind::PioneerInPublicity,
                &text,
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, notes);
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

fn recognition_level(level: CadreLevel) -> RecognitionLevel {
    match level {
        CadreLevel::Province => RecognitionLevel::Province,
        CadreLevel::City => RecognitionLevel::City,
        CadreLevel::County => RecognitionLevel::County,
    }
}

/// 命名 by a cadre of the round's unit, once publicity has ended without an open objection:
/// takes a place of the quota (`named_count < quota`, one conditional update; 409
/// `QUOTA_REACHED`) and records a recognition of the round's unit (`pioneer_named`), which counts
/// once the parent unit confirms it.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "name_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NominationStepRequest,
    responses(
        (status = 200, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PUBLICITY_NOT_ENDED; OBJECTION_OPEN; QUOTA_REACHED; INVALID_STATE; NOMINATION_CHANGED")
    )
)]
#[post("/admin/pioneer-nominations/{id}/namings")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn name_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<NominationStepRequest>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    let round = find_round(&state.db, n.round_id).await?;
    ensure_round_unit(&cadre, &round)?;
    let now = Utc::now();
    let not_ended = |cur: &nominations::Model| {
        cur.status == NominationStatus::InPublicity && cur.publicity_ends_at.is_none_or(|e| e > now)
    };
    if n.status == NominationStatus::ObjectionReview {
        return Err(objection_open());
    }
    if not_ended(&n) {
        return Err(publicity_not_ended());
    }
    let actor = Actor::cadre(&cadre);
    let recognition = Uuid::now_v7();
    let txn = crate::db::begin(&state.db).await?;
    if n.status == NominationStatus::InPublicity {
        // The round first (lock order: parent, then child).
        let took = rounds::Entity::update_many()
            .col_expr(RC::NamedCount, Expr::col(RC::NamedCount).add(1))
            .filter(RC::Id.eq(round.id))
            .filter(Expr::col(RC::NamedCount).lt(Expr::col(RC::Quota)))
            .exec(&txn)
            .await?
            .rows_affected;
        if took == 0 {
            return Err(conflict("QUOTA_REACHED", "本次评选的命名名额已满"));
        }
    }
    let applied = Transition::new(&n, A::Name, &actor)
        .seen(body.version)
        .only_if(N::PublicityEndsAt.lte(now))
        .only_if(N::OpenObjections.eq(0))
        .or_else(move |cur| {
            if cur.status == NominationStatus::ObjectionReview {
                Some(objection_open())
            } else if not_ended(cur) {
                Some(publicity_not_ended())
            } else {
                None
            }
        })
        .set(N::NamedAt, Expr::value(now))
        .set(N::RecognitionId, Expr::value(recognition))
        .set(N::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut notes = Vec::new();
    if applied.is_done() {
        let title: String = round.name.chars().take(60).collect();
        insert_recognition(
            &txn,
            &cadre,
            NewRecognition {
                id: recognition,
                talent_profile_id: n.talent_profile_id,
                kind: RecognitionKind::PioneerNamed,
                level: recognition_level(round.level),
                title,
                awarded_on: today_in_china(now),
                source_round_id: Some(round.id),
                evidence: Vec::new(),
            },
            None,
        )
        .await?;
        let text = format!("恭喜！您已被命名为“{}”乡村振兴青年先锋。", round.name);
        notes.push(
            tell(
                &txn,
                applied.record(),
                NotificationKind::PioneerNamed,
                &text,
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, notes);
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Withdraw a nomination before it is named, as the cadre who nominated it (403
/// `NOMINATOR_ONLY` for anyone else).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "withdraw_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = WithdrawNominationRequest,
    responses(
        (status = 200, body = NominationDetailView),
        (status = 403, body = ErrorEnvelope, description = "NOMINATOR_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/pioneer-nominations/{id}/withdrawals")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn withdraw_pioneer_nomination(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<WithdrawNominationRequest>,
) -> ApiResult<web::Json<NominationDetailView>> {
    let n = visible(&state, &cadre, *id).await?;
    if n.nominated_by_kind != NominatedByKind::Organisation || n.nominated_by != cadre.user_id {
        return Err(ApiError::Forbidden(
            "NOMINATOR_ONLY",
            "推荐只能由被推荐人本人或推荐的团干部撤回".into(),
        ));
    }
    let n = withdraw(&state, &n, &Actor::cadre(&cadre), &body).await?;
    Ok(web::Json(detail(&state, n).await?))
}

async fn withdraw(
    state: &AppState,
    n: &nominations::Model,
    actor: &Actor,
    body: &WithdrawNominationRequest,
) -> ApiResult<nominations::Model> {
    let now = Utc::now();
    let reason = body.reason.trim().to_owned();
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(n, A::Withdraw, actor)
        .set(N::Reason, Expr::value(reason.clone()))
        .set(N::PublicityConsent, Expr::value(false))
        .set(N::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .payload(body)
        .run(&txn)
        .await?;
    if applied.is_done() {
        consents::withdraw(&txn, subject(n.id), None, now).await?;
    }
    txn.commit().await?;
    Ok(applied.into_record())
}

fn mine(round: &rounds::Model, n: nominations::Model) -> MyNominationView {
    // Objections are never shown to the nominee.
    let status = match n.status {
        NominationStatus::ObjectionReview => NominationStatus::InPublicity,
        s => s,
    };
    MyNominationView {
        id: n.id,
        round_id: n.round_id,
        round_name: round.name.clone(),
        category: n.category,
        status,
        status_label: status.label().into(),
        reason: n.reason,
        publicity_consent: n.publicity_consent,
        publicity_ends_at: n.publicity_ends_at.map(to_china),
        named_at: n.named_at.map(to_china),
    }
}

/// The caller's own nomination (404 for anyone else's).
async fn own(state: &AppState, me: &CurrentUser, id: Uuid) -> ApiResult<nominations::Model> {
    let n = find(&state.db, id).await?;
    if n.user_id == me.id() {
        Ok(n)
    } else {
        Err(ApiError::not_found(nominations::Model::NAME))
    }
}

/// The caller's nominations, newest first.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_my_pioneer_nominations",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MyNominationView>))
)]
#[get("/me/pioneer-nominations")]
pub async fn list_my_pioneer_nominations(
    state: web::Data<AppState>,
    me: CurrentUser,
) -> ApiResult<web::Json<Vec<MyNominationView>>> {
    let rows = nominations::Entity::find()
        .filter(N::UserId.eq(me.id()))
        .order_by_desc(N::CreatedAt)
        .all(&state.db)
        .await?;
    let rounds: HashMap<Uuid, rounds::Model> = rounds::Entity::find()
        .filter(RC::Id.is_in(rows.iter().map(|n| n.round_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(web::Json(
        rows.into_iter()
            .filter_map(|n| Some(mine(rounds.get(&n.round_id)?, n)))
            .collect(),
    ))
}

async fn set_consent(
    state: &AppState,
    n: &nominations::Model,
    on: bool,
    version: Option<&str>,
) -> ApiResult<nominations::Model> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    nominations::Entity::update_many()
        .col_expr(N::PublicityConsent, Expr::value(on))
        .col_expr(N::UpdatedAt, Expr::value(now))
        .filter(N::Id.eq(n.id))
        .exec(&txn)
        .await?;
    match version {
        Some(v) => {
            consents::grant(
                &txn,
                NewConsent {
                    user_id: n.user_id,
                    purpose: ConsentPurpose::PioneerPublicity,
                    recipient: Recipient {
                        kind: RecipientKind::Public,
                        id: None,
                        name: PUBLIC,
                    },
                    subject: subject(n.id),
                    consent_version: v,
                },
                now,
            )
            .await?;
        }
        None => {
            consents::withdraw(
                &txn,
                subject(n.id),
                Some(ConsentPurpose::PioneerPublicity),
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;
    find(&state.db, n.id).await
}

/// Agree that the name, village, category and story are shown in publicity and, once named, on
/// the public list (conventions §10: `agreed: true` and the current `consentVersion`).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "consent_pioneer_publicity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = PublicityConsentRequest,
    responses(
        (status = 200, body = MyNominationView),
        (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope, description = "agreed: CONSENT_REQUIRED; consentVersion: CONSENT_OUTDATED")
    )
)]
#[put("/me/pioneer-nominations/{id}/publicity-consent")]
pub async fn consent_pioneer_publicity(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PublicityConsentRequest>,
) -> ApiResult<web::Json<MyNominationView>> {
    let n = own(&state, &me, *id).await?;
    let errors = PUBLICITY_CONSENT.check("agreed", body.agreed, &body.consent_version);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let n = if n.publicity_consent {
        n
    } else {
        set_consent(&state, &n, true, Some(PUBLICITY_CONSENT.version)).await?
    };
    let round = find_round(&state.db, n.round_id).await?;
    Ok(web::Json(mine(&round, n)))
}

/// Withdraw the publicity consent: a named pioneer leaves the public list; a shortlisted one
/// cannot be publicised.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "withdraw_pioneer_publicity",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = MyNominationView), (status = 404, body = ErrorEnvelope))
)]
#[delete("/me/pioneer-nominations/{id}/publicity-consent")]
pub async fn withdraw_pioneer_publicity(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MyNominationView>> {
    let n = own(&state, &me, *id).await?;
    let n = set_consent(&state, &n, false, None).await?;
    let round = find_round(&state.db, n.round_id).await?;
    Ok(web::Json(mine(&round, n)))
}

/// Withdraw one's own nomination before it is named.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "withdraw_my_pioneer_nomination",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = WithdrawNominationRequest,
    responses(
        (status = 200, body = MyNominationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/pioneer-nominations/{id}/withdrawals")]
pub async fn withdraw_my_pioneer_nomination(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<WithdrawNominationRequest>,
) -> ApiResult<web::Json<MyNominationView>> {
    let n = own(&state, &me, *id).await?;
    let n = withdraw(&state, &n, &Actor::youth(me.id()), &body).await?;
    let round = find_round(&state.db, n.round_id).await?;
    Ok(web::Json(mine(&round, n)))
}
