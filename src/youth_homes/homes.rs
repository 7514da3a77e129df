//! The Youth Home registry (`supervision.md` §4): the township's local unit registers, edits and
//! runs a home (planned → operating → suspended ↔ operating → closed); a cadre of the parent unit
//! other than the creator verifies it; any cadre covering it checks it (`fail` clears the
//! verification, a later `pass` by a parent-unit cadre restores it). Every change that may move
//! `youth_home_township_coverage` drops its cached KPI counts.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::media::MediaPurpose;
use entity::youth_home_checks::{self as checks, CheckResult, Column as K};
use entity::youth_homes::{self as homes, Column as H, YouthHomeStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};
use uuid::Uuid;

use super::access::{
    Verification, checked_township, checked_village, counts_changed, is_checker, local_unit_name,
    not_future, place_names, trimmed, unverified, verified_by, verify,
};
use super::dto::{
    HomeStatusAction, HomeStatusChangeRequest, VerifyRequest, YouthHomeCheckRequest,
    YouthHomeCheckView, YouthHomeDetailView, YouthHomeFilter, YouthHomeRequest, YouthHomeView,
};
use super::state::HomeAction as A;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::media::{Attachment, MediaField};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

/// The KPI line homes feed.
pub const INDICATOR: &str = "youth_home_township_coverage";
pub const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::YouthHome);
/// `media.attached_kind` of a home's photos.
pub const MEDIA_KIND: &str = "youth_home";
/// `media.attached_kind` of a check's photos.
pub const CHECK_MEDIA_KIND: &str = "youth_home_check";

fn platform_id_taken() -> ApiError {
    ApiError::Conflict(
        "CLOUD_PLATFORM_ID_TAKEN",
        "该青年之家云平台编号已登记在另一个青年之家".into(),
    )
}

/// A unique violation on the platform id: 409 `CLOUD_PLATFORM_ID_TAKEN`.
fn write_error(e: DbErr) -> ApiError {
    if let Some(SqlErr::UniqueConstraintViolation(m)) = e.sql_err()
        && m.contains("cloud_platform_id")
    {
        return platform_id_taken();
    }
    ApiError::from(e)
}

/// The home by id, if the caller's unit covers its township (else 404).
pub async fn visible_home(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<homes::Model> {
    let h = homes::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(homes::Model::NAME))?;
    cadre.ensure_visible(&h.township_code, homes::Model::NAME)?;
    Ok(h)
}

pub async fn home_view(state: &AppState, h: homes::Model) -> ApiResult<YouthHomeView> {
    let names = place_names(state, [h.township_code.clone()]).await?;
    let local = local_unit_name(&state.league, &h.township_code);
    let township = names.get(&h.township_code).cloned().unwrap_or_default();
    YouthHomeView::new(h, township, local, &state.media)
}

async fn detail(state: &AppState, h: homes::Model) -> ApiResult<YouthHomeDetailView> {
    let rows = checks::Entity::find()
        .filter(K::HomeId.eq(h.id))
        .order_by_desc(K::CheckedOn)
        .order_by_desc(K::CreatedAt)
        .all(&state.db)
        .await?;
    let checks = rows
        .into_iter()
        .map(|c| YouthHomeCheckView::new(c, &state.media))
        .collect::<ApiResult<Vec<_>>>()?;
    let timeline = timeline(&state.db, homes::Model::EVENTS, h.id, None, Audience::Staff).await?;
    Ok(YouthHomeDetailView {
        home: home_view(state, h).await?,
        checks,
        timeline,
    })
}

/// The checked fields of a body: township (the caller's local unit), village, dates, photos,
/// the platform id (free).
struct Checked {
    township: String,
    village: Option<String>,
    platform_id: Option<String>,
}

async fn checked(
    state: &AppState,
    cadre: &Cadre,
    body: &YouthHomeRequest,
    record: Attachment,
    except: Option<Uuid>,
) -> ApiResult<Checked> {
    let township = checked_township(&state.db, cadre, &body.township_code, "townshipCode").await?;
    let mut errors = Vec::new();
    let village = checked_village(
        &state.db,
        &township,
        body.village_code.as_deref(),
        "villageCode",
        &mut errors,
    )
    .await?;
    not_future(body.opened_on, "openedOn", &mut errors);
    errors.extend(
        PHOTOS
            .check(&state.db, cadre.user_id, &body.photos, record)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let platform_id = trimmed(body.cloud_platform_id.as_deref());
    if let Some(p) = &platform_id {
        let mut q = homes::Entity::find().filter(H::CloudPlatformId.eq(p.as_str()));
        if let Some(id) = except {
            q = q.filter(H::Id.ne(id));
        }
        if q.count(&state.db).await? > 0 {
            return Err(platform_id_taken());
        }
    }
    Ok(Checked {
        township,
        village,
        platform_id,
    })
}

/// Register a Youth Home of a township of the caller's local unit (planned, or operating when
/// `openedOn` is given; unverified until the parent unit verifies it).
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "create_youth_home",
    security(("bearer" = [])),
    request_body = YouthHomeRequest,
    responses(
        (status = 201, body = YouthHomeDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; LOCAL_UNIT_ONLY (a unit above the township's local unit)"),
        (status = 409, body = ErrorEnvelope, description = "CLOUD_PLATFORM_ID_TAKEN"),
        (status = 422, body = ErrorEnvelope, description = "name: LENGTH; townshipCode, villageCode: LEVEL; openedOn: RANGE; photos[i]: MEDIA_KEY_INVALID")
    )
)]
#[post("/admin/youth-homes")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_youth_home(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<YouthHomeRequest>,
) -> ApiResult<HttpResponse> {
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let c = checked(&state, &cadre, &body, record, None).await?;
    let now = Utc::now();
    let status = if body.opened_on.is_some() {
        YouthHomeStatus::Operating
    } else {
        YouthHomeStatus::Planned
    };
    let txn = crate::db::begin(&state.db).await?;
    let row = homes::ActiveModel {
        id: Set(id),
        name: Set(body.name.trim().to_owned()),
        township_code: Set(c.township.clone()),
        village_code: Set(c.village),
        address: Set(trimmed(body.address.as_deref())),
        host_kind: Set(body.host_kind),
        opened_on: Set(body.opened_on),
        cloud_platform_id: Set(c.platform_id),
        photos: Set(json_text(&body.photos)),
        status: Set(status),
        verified_by: Set(None),
        verified_at: Set(None),
        last_check_at: Set(None),
        created_by: Set(cadre.user_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(write_error)?;
    PHOTOS
        .attach(&txn, cadre.user_id, &body.photos, record)
        .await?;
    record_creation(
        &txn,
        &row,
        A::Create,
        &Actor::cadre(&cadre),
        events::payload(&*body),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, row).await?))
}

/// The homes of the caller's unit (or of the `region` inside it), by township and name.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "list_admin_youth_homes",
    security(("bearer" = [])),
    params(YouthHomeFilter, PageQuery),
    responses(
        (status = 200, body = Page<YouthHomeView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/youth-homes")]
pub async fn list_admin_youth_homes(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<YouthHomeFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<YouthHomeView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = homes::Entity::find().filter(scope.condition(H::TownshipCode));
    if let Some(s) = filter.status {
        q = q.filter(H::Status.eq(s));
    }
    match filter.verified {
        Some(true) => q = q.filter(H::VerifiedAt.is_not_null()),
        Some(false) => q = q.filter(H::VerifiedAt.is_null()),
        None => {}
    }
    let q = q
        .order_by_asc(H::TownshipCode)
        .order_by_asc(H::Name)
        .order_by_asc(H::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let names = place_names(&state, rows.iter().map(|h| h.township_code.clone())).await?;
    let items = rows
        .into_iter()
        .map(|h| {
            let township = names.get(&h.township_code).cloned().unwrap_or_default();
            let local = local_unit_name(&state.league, &h.township_code);
            YouthHomeView::new(h, township, local, &state.media)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One home with its checks and timeline (404 outside the caller's unit).
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "get_youth_home",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = YouthHomeDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/youth-homes/{id}")]
pub async fn get_youth_home(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<YouthHomeDetailView>> {
    let h = visible_home(&state, &cadre, *id).await?;
    Ok(web::Json(detail(&state, h).await?))
}

/// Change a home that is not closed (send the `version` edited), as its local unit. Moving it
/// to another township clears its verification.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "update_youth_home",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = YouthHomeRequest,
    responses(
        (status = 200, body = YouthHomeDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "YOUTH_HOME_CHANGED; INVALID_STATE (closed); CLOUD_PLATFORM_ID_TAKEN"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; as create")
    )
)]
#[put("/admin/youth-homes/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_youth_home(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<YouthHomeRequest>,
) -> ApiResult<web::Json<YouthHomeDetailView>> {
    let h = visible_home(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&h.township_code)?;
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改的版本号",
        ));
    };
    let record = Attachment::new(MEDIA_KIND, h.id);
    let c = checked(&state, &cadre, &body, record, Some(h.id)).await?;
    let moved = c.township != h.township_code;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&h, A::Edit, &actor)
        .seen(Some(version))
        .set(H::Name, Expr::value(body.name.trim().to_owned()))
        .set(H::TownshipCode, Expr::value(c.township.clone()))
        .set(H::VillageCode, Expr::value(c.village))
        .set(H::Address, Expr::value(trimmed(body.address.as_deref())))
        .set(H::HostKind, Expr::value(body.host_kind))
        .set(H::OpenedOn, Expr::value(body.opened_on.or(h.opened_on)))
        .set(H::CloudPlatformId, Expr::value(c.platform_id))
        .set(H::Photos, Expr::value(json_text(&body.photos)))
        .set(H::UpdatedAt, Expr::value(now))
        .payload(&*body);
    if moved {
        t = unverified(t).reason(Some("所在乡镇变更，需重新核验"));
    }
    let applied = t.run(&txn).await.map_err(|e| match e {
        // The platform id is the table's only unique key.
        ApiError::Conflict("DUPLICATE", _) => platform_id_taken(),
        other => other,
    })?;
    if applied.is_done() {
        PHOTOS
            .attach(&txn, cadre.user_id, &body.photos, record)
            .await?;
    }
    txn.commit().await?;
    if applied.is_done() && moved {
        counts_changed(&state, INDICATOR, &h.township_code).await;
        counts_changed(&state, INDICATOR, &c.township).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Open, suspend, resume or close a home, as the township's local unit.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "change_youth_home_status",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = HomeStatusChangeRequest,
    responses(
        (status = 200, body = YouthHomeDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; YOUTH_HOME_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "on: RANGE; reason: LENGTH")
    )
)]
#[post("/admin/youth-homes/{id}/status-changes")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn change_youth_home_status(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<HomeStatusChangeRequest>,
) -> ApiResult<web::Json<YouthHomeDetailView>> {
    let h = visible_home(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&h.township_code)?;
    let mut errors = Vec::new();
    not_future(Some(body.on), "on", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&h, body.action.action(), &actor)
        .seen(body.version)
        .set(H::UpdatedAt, Expr::value(now))
        .reason(trimmed(body.reason.as_deref()))
        .payload(&*body);
    if body.action == HomeStatusAction::Open {
        t = t.set(H::OpenedOn, Expr::value(body.on));
    }
    let applied = t.run(&txn).await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, INDICATOR, &h.township_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Verify a home that is not closed (send the `version` checked): a cadre of the parent unit of
/// its township's local unit (the province for 梅河口 and 长白山) or above, other than its
/// creator.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "verify_youth_home",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VerifyRequest,
    responses(
        (status = 200, body = YouthHomeDetailView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the creator); PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (verified already, closed); YOUTH_HOME_CHANGED")
    )
)]
#[post("/admin/youth-homes/{id}/verifications")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn verify_youth_home(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VerifyRequest>,
) -> ApiResult<web::Json<YouthHomeDetailView>> {
    let h = visible_home(&state, &cadre, *id).await?;
    let v = Verification {
        place: &h.township_code,
        maker: h.created_by,
        verified_by: h.verified_by,
        indicator: INDICATOR,
        what: "青年之家核验",
    };
    let home = verify(&state, &cadre, &h, A::Verify, v, &body, |cur| {
        cur.status != YouthHomeStatus::Closed && cur.verified_at.is_some()
    })
    .await?;
    Ok(web::Json(detail(&state, home).await?))
}

/// Record a check of an operating or suspended home, as any cadre covering it: `fail` clears its
/// verification (it stops counting at once); `pass` by a cadre of the parent unit or above
/// restores it.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "create_youth_home_check",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = YouthHomeCheckRequest,
    responses(
        (status = 201, body = YouthHomeDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (planned, closed)"),
        (status = 422, body = ErrorEnvelope, description = "checkedOn: RANGE; note: LENGTH; photos[i]: MEDIA_KEY_INVALID")
    )
)]
#[post("/admin/youth-homes/{id}/checks")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_youth_home_check(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<YouthHomeCheckRequest>,
) -> ApiResult<HttpResponse> {
    let h = visible_home(&state, &cadre, *id).await?;
    let check_id = Uuid::now_v7();
    let record = Attachment::new(CHECK_MEDIA_KIND, check_id);
    let mut errors = Vec::new();
    not_future(Some(body.checked_on), "checkedOn", &mut errors);
    errors.extend(
        PHOTOS
            .check(&state.db, cadre.user_id, &body.photos, record)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let restores = body.result == CheckResult::Pass
        && h.verified_at.is_none()
        && h.created_by != cadre.user_id
        && is_checker(&cadre, &h.township_code);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&h, A::Check, &actor)
        .set(H::LastCheckAt, Expr::value(now))
        .set(H::UpdatedAt, Expr::value(now))
        .reason(trimmed(body.note.as_deref()))
        .payload(&*body);
    match body.result {
        CheckResult::Fail => t = unverified(t),
        CheckResult::Pass if restores => t = verified_by(t, cadre.user_id, now),
        CheckResult::Pass => {}
    }
    let applied = t.run(&txn).await?;
    if applied.is_done() {
        checks::ActiveModel {
            id: Set(check_id),
            home_id: Set(h.id),
            checked_by: Set(cadre.user_id),
            checked_by_unit_code: Set(cadre.unit.code.clone()),
            checked_on: Set(body.checked_on),
            result: Set(body.result),
            note: Set(trimmed(body.note.as_deref())),
            photos: Set(json_text(&body.photos)),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        PHOTOS
            .attach(&txn, cadre.user_id, &body.photos, record)
            .await?;
    }
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, INDICATOR, &h.township_code).await;
    }
    Ok(HttpResponse::Created().json(detail(&state, applied.into_record()).await?))
}
