//! The 希望小屋 registry (`supervision.md` §6): the room's local unit registers, edits and runs a
//! room; a cadre of the parent unit other than the creator accepts (验收) it, which needs at least
//! one feature, one photo and one beneficiary. Photos need the attestation that no child is
//! identifiable on them. Every change of what counts drops the cached `hope_rooms_built` counts.
use std::collections::HashSet;

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::hope_rooms::{self as rooms, Column as R, HopeRoomStatus, RoomHostKind};
use entity::media::MediaPurpose;
use entity::youth_homes;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::dto::{
    AcceptRoomRequest, HopeRoomDetailView, HopeRoomFilter, HopeRoomRequest, HopeRoomStatsView,
    HopeRoomView, PublicHopeRoomView, PublicRoomFilter, RoomCounts, RoomStatsChild,
    RoomStatusAction, RoomStatusChangeRequest,
};
use super::state::{RoomAction as A, counts};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::league::rollup::rollup;
use crate::media::{Attachment, MediaField};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::regions::{RegionCode, RegionLevel};
use crate::talents::queries::json_list;
use crate::time::today_in_china;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};
use crate::youth_homes::access::{
    counts_changed, ensure_checker, local_unit_name, place_names, trimmed,
};

/// The KPI line rooms feed.
pub const INDICATOR: &str = "hope_rooms_built";
pub const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::HopeRoom);
/// `media.attached_kind` of a room's photos.
pub const MEDIA_KIND: &str = "hope_room";

fn incomplete() -> ApiError {
    ApiError::Conflict(
        "ACCEPTANCE_INCOMPLETE",
        "验收前请补全功能（至少1项）、照片（至少1张）和受益人数（至少1人）".into(),
    )
}

/// The room by id, if the caller's unit covers its place (else 404).
async fn visible_room(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<rooms::Model> {
    let r = rooms::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(rooms::Model::NAME))?;
    cadre.ensure_visible(&r.region_code, rooms::Model::NAME)?;
    Ok(r)
}

fn view(state: &AppState, r: rooms::Model, region_name: String) -> ApiResult<HopeRoomView> {
    let local = local_unit_name(&state.league, &r.region_code);
    HopeRoomView::new(r, region_name, local, &state.media)
}

async fn detail(state: &AppState, r: rooms::Model) -> ApiResult<HopeRoomDetailView> {
    let names = place_names(state, [r.region_code.clone()]).await?;
    let name = names.get(&r.region_code).cloned().unwrap_or_default();
    let timeline = timeline(&state.db, rooms::Model::EVENTS, r.id, None, Audience::Staff).await?;
    Ok(HopeRoomDetailView {
        room: view(state, r, name)?,
        timeline,
    })
}

/// The checked place of a body (a village or township of the caller's local unit), and the
/// host, features and photos rules (422, all at once).
async fn checked(
    state: &AppState,
    cadre: &Cadre,
    body: &HopeRoomRequest,
    record: Attachment,
) -> ApiResult<String> {
    let code = body.region_code.trim();
    let level = RegionCode::parse(code).map(|c| c.level());
    let fits = matches!(level, Some(RegionLevel::Township | RegionLevel::Village));
    if !fits
        || crate::regions::queries::find(&state.db, code)
            .await?
            .is_none()
    {
        return Err(ApiError::field(
            "regionCode",
            "LEVEL",
            "请填写村或乡镇级行政区划代码",
        ));
    }
    cadre.ensure_local_unit(code)?;
    let mut errors = Vec::new();
    match body.host_kind {
        RoomHostKind::School => {
            if trimmed(body.school_name.as_deref()).is_none() {
                errors.push(FieldError::new("schoolName", "REQUIRED", "请填写学校名称"));
            }
        }
        RoomHostKind::YouthHome => match body.youth_home_id {
            None => errors.push(FieldError::new(
                "youthHomeId",
                "REQUIRED",
                "请选择所在的青年之家",
            )),
            Some(id) => {
                let township = &code[..9];
                let fits = youth_homes::Entity::find_by_id(id)
                    .one(&state.db)
                    .await?
                    .is_some_and(|h| h.township_code == township);
                if !fits {
                    errors.push(FieldError::new(
                        "youthHomeId",
                        "INVALID_VALUE",
                        "请选择小屋所在乡镇的青年之家",
                    ));
                }
            }
        },
    }
    let distinct: HashSet<_> = body.features.iter().collect();
    if distinct.len() != body.features.len() {
        errors.push(FieldError::new(
            "features",
            "INVALID_VALUE",
            "同一功能不能重复选择",
        ));
    }
    if !body.photos.is_empty() && !body.photos_attestation {
        errors.push(FieldError::new(
            "photosAttestation",
            "ATTESTATION_REQUIRED",
            "上传照片前请确认：照片中无可识别儿童面部",
        ));
    }
    errors.extend(
        PHOTOS
            .check(&state.db, cadre.user_id, &body.photos, record)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(code.to_owned())
}

/// The host fields kept for the kind: a school's name, or a Youth Home.
fn host_fields(body: &HopeRoomRequest) -> (Option<String>, Option<Uuid>) {
    match body.host_kind {
        RoomHostKind::School => (trimmed(body.school_name.as_deref()), None),
        RoomHostKind::YouthHome => (None, body.youth_home_id),
    }
}

/// Register a room of a village or township of the caller's local unit (planned).
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "create_hope_room",
    security(("bearer" = [])),
    request_body = HopeRoomRequest,
    responses(
        (status = 201, body = HopeRoomDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; LOCAL_UNIT_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "name: LENGTH; regionCode: LEVEL; schoolName, youthHomeId: REQUIRED; youthHomeId, features: INVALID_VALUE; beneficiariesCount: RANGE; photosAttestation: ATTESTATION_REQUIRED; photos[i]: MEDIA_KEY_INVALID; UNKNOWN_FIELD (no child's data is taken)")
    )
)]
#[post("/admin/hope-rooms")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_hope_room(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<HopeRoomRequest>,
) -> ApiResult<HttpResponse> {
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let place = checked(&state, &cadre, &body, record).await?;
    let (school_name, youth_home_id) = host_fields(&body);
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let row = rooms::ActiveModel {
        id: Set(id),
        name: Set(body.name.trim().to_owned()),
        host_kind: Set(body.host_kind),
        school_name: Set(school_name),
        youth_home_id: Set(youth_home_id),
        region_code: Set(place),
        features: Set(json_text(&body.features)),
        beneficiaries_count: Set(body.beneficiaries_count),
        teacher_trainings_count: Set(body.teacher_trainings_count),
        status: Set(HopeRoomStatus::Planned),
        created_by: Set(cadre.user_id),
        accepted_by: Set(None),
        accepted_at: Set(None),
        completed_on: Set(None),
        photos: Set(json_text(&body.photos)),
        photos_attestation: Set(body.photos_attestation),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
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

/// Change a room that is not closed (send the `version` edited), as its local unit.
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "update_hope_room",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = HopeRoomRequest,
    responses(
        (status = 200, body = HopeRoomDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "HOPE_ROOM_CHANGED; INVALID_STATE (closed)"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; as create")
    )
)]
#[put("/admin/hope-rooms/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_hope_room(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<HopeRoomRequest>,
) -> ApiResult<web::Json<HopeRoomDetailView>> {
    let r = visible_room(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&r.region_code)?;
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改的版本号",
        ));
    };
    let record = Attachment::new(MEDIA_KIND, r.id);
    let place = checked(&state, &cadre, &body, record).await?;
    let (school_name, youth_home_id) = host_fields(&body);
    let moved = place != r.region_code;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, A::Edit, &actor)
        .seen(Some(version))
        .set(R::Name, Expr::value(body.name.trim().to_owned()))
        .set(R::HostKind, Expr::value(body.host_kind))
        .set(R::SchoolName, Expr::value(school_name))
        .set(R::YouthHomeId, Expr::value(youth_home_id))
        .set(R::RegionCode, Expr::value(place.clone()))
        .set(R::Features, Expr::value(json_text(&body.features)))
        .set(R::BeneficiariesCount, Expr::value(body.beneficiaries_count))
        .set(
            R::TeacherTrainingsCount,
            Expr::value(body.teacher_trainings_count),
        )
        .set(R::Photos, Expr::value(json_text(&body.photos)))
        .set(R::PhotosAttestation, Expr::value(body.photos_attestation))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    if applied.is_done() {
        PHOTOS
            .attach(&txn, cadre.user_id, &body.photos, record)
            .await?;
    }
    txn.commit().await?;
    if applied.is_done() && moved && counts(r.status) {
        counts_changed(&state, INDICATOR, &r.region_code).await;
        counts_changed(&state, INDICATOR, &place).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// The rooms of the caller's unit (or of the `region` inside it), by place and name.
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "list_admin_hope_rooms",
    security(("bearer" = [])),
    params(HopeRoomFilter, PageQuery),
    responses(
        (status = 200, body = Page<HopeRoomView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/hope-rooms")]
pub async fn list_admin_hope_rooms(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<HopeRoomFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<HopeRoomView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = rooms::Entity::find().filter(scope.condition(R::RegionCode));
    if let Some(s) = filter.status {
        q = q.filter(R::Status.eq(s));
    }
    let q = q
        .order_by_asc(R::RegionCode)
        .order_by_asc(R::Name)
        .order_by_asc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let names = place_names(&state, rows.iter().map(|r| r.region_code.clone())).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.region_code).cloned().unwrap_or_default();
            view(&state, r, name)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One room with its timeline (404 outside the caller's unit).
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "get_hope_room",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = HopeRoomDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/hope-rooms/{id}")]
pub async fn get_hope_room(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HopeRoomDetailView>> {
    let r = visible_room(&state, &cadre, *id).await?;
    Ok(web::Json(detail(&state, r).await?))
}

/// Start building, put in service or close a room, as its local unit (closing a completed room
/// needs a reason).
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "change_hope_room_status",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RoomStatusChangeRequest,
    responses(
        (status = 200, body = HopeRoomDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; HOPE_ROOM_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "reason: REQUIRED (closing a completed room), LENGTH")
    )
)]
#[post("/admin/hope-rooms/{id}/status-changes")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn change_hope_room_status(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RoomStatusChangeRequest>,
) -> ApiResult<web::Json<HopeRoomDetailView>> {
    let r = visible_room(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&r.region_code)?;
    let reason = trimmed(body.reason.as_deref());
    if body.action == RoomStatusAction::Close
        && r.status == HopeRoomStatus::Completed
        && reason.is_none()
    {
        return Err(ApiError::field(
            "reason",
            "REQUIRED",
            "关闭已验收但未投入使用的希望小屋，请说明原因",
        ));
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, body.action.action(), &actor)
        .seen(body.version)
        .set(R::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    if applied.is_done() && body.action == RoomStatusAction::Close {
        counts_changed(&state, INDICATOR, &r.region_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Accept (验收) a room under construction (send the `version` inspected): a cadre of the parent
/// unit of its local unit (the province for 梅河口 and 长白山) or above, other than its creator.
/// It needs at least one feature, one photo and one beneficiary; it is then completed today and
/// counts in `hope_rooms_built`.
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "accept_hope_room",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AcceptRoomRequest,
    responses(
        (status = 200, body = HopeRoomDetailView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the creator); PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ACCEPTANCE_INCOMPLETE; INVALID_STATE; HOPE_ROOM_CHANGED")
    )
)]
#[post("/admin/hope-rooms/{id}/acceptances")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn accept_hope_room(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<AcceptRoomRequest>,
) -> ApiResult<web::Json<HopeRoomDetailView>> {
    let r = visible_room(&state, &cadre, *id).await?;
    if r.accepted_by != Some(cadre.user_id) {
        ensure_checker(&cadre, &r.region_code, r.created_by, "希望小屋验收")?;
    }
    if r.status == HopeRoomStatus::UnderConstruction {
        let features: Vec<String> = json_list("features", &r.features)?;
        let photos: Vec<String> = json_list("photos", &r.photos)?;
        if features.is_empty() || photos.is_empty() || r.beneficiaries_count < 1 {
            return Err(incomplete());
        }
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, A::Accept, &actor)
        .seen(Some(body.version))
        .only_if(R::CreatedBy.ne(cadre.user_id))
        .set(R::AcceptedBy, Expr::value(cadre.user_id))
        .set(R::AcceptedAt, Expr::value(now))
        .set(R::CompletedOn, Expr::value(today_in_china(now)))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, INDICATOR, &r.region_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Rooms of an area (a league unit at or below the caller's, or a township) and of each child:
/// per status, built (completed or in service) and their beneficiaries.
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "get_hope_room_stats",
    security(("bearer" = [])),
    params(crate::youth_homes::dto::StatsFilter),
    responses(
        (status = 200, body = HopeRoomStatsView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/hope-rooms/stats")]
pub async fn get_hope_room_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<crate::youth_homes::dto::StatsFilter>,
) -> ApiResult<web::Json<HopeRoomStatsView>> {
    let r = rollup(&state.db, &cadre, filter.region.as_deref(), "region").await?;
    let facts: Vec<(String, HopeRoomStatus, i32)> = rooms::Entity::find()
        .select_only()
        .column(R::RegionCode)
        .column(R::Status)
        .column(R::BeneficiariesCount)
        .filter(r.area.scope.condition(R::RegionCode))
        .into_tuple()
        .all(&state.db)
        .await?;
    let tally = |only: Option<usize>| {
        let mut c = RoomCounts::default();
        for (code, status, beneficiaries) in &facts {
            if only.is_some() && r.child_of(code) != only {
                continue;
            }
            c.total += 1;
            *c.by_status
                .entry(crate::choices::code(*status))
                .or_default() += 1;
            if counts(*status) {
                c.built += 1;
                c.beneficiaries += i64::from(*beneficiaries);
            }
        }
        c
    };
    let children = r
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| RoomStatsChild {
            code: c.code.clone(),
            name: c.name.clone(),
            rooms: tally(Some(i)),
        })
        .collect();
    Ok(web::Json(HopeRoomStatsView {
        region: r.area.code.clone(),
        region_name: r.area.name.clone(),
        rooms: tally(None),
        children,
    }))
}

/// Completed rooms (completed or in service) of a region, for everyone (no login): place,
/// school or Youth Home, features. Never anything about the children.
#[utoipa::path(
    tag = "hope-rooms",
    operation_id = "list_hope_rooms",
    params(PublicRoomFilter, PageQuery),
    responses(
        (status = 200, body = Page<PublicHopeRoomView>),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/hope-rooms")]
pub async fn list_hope_rooms(
    state: web::Data<AppState>,
    filter: crate::input::Query<PublicRoomFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<PublicHopeRoomView>>> {
    let parts = page.parts()?;
    let mut q = rooms::Entity::find()
        .filter(R::Status.is_in([HopeRoomStatus::Completed, HopeRoomStatus::InService]));
    if let Some(code) = filter
        .region
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let region = RegionCode::parse(code)
            .ok_or_else(|| ApiError::field("region", "UNKNOWN_REGION", "行政区划代码不存在"))?;
        let scope = crate::league::UnitScope {
            include: vec![region.prefix().to_owned()],
            exclude: Vec::new(),
        };
        q = q.filter(scope.condition(R::RegionCode));
    }
    let q = q
        .order_by_asc(R::RegionCode)
        .order_by_asc(R::Name)
        .order_by_asc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let names = place_names(&state, rows.iter().map(|r| r.region_code.clone())).await?;
    let home_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.youth_home_id).collect();
    let homes: std::collections::HashMap<Uuid, String> = if home_ids.is_empty() {
        Default::default()
    } else {
        youth_homes::Entity::find()
            .filter(youth_homes::Column::Id.is_in(home_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(PublicHopeRoomView {
                features: json_list("features", &r.features)?,
                region_name: names.get(&r.region_code).cloned().unwrap_or_default(),
                youth_home_name: r.youth_home_id.and_then(|id| homes.get(&id).cloned()),
                id: r.id,
                name: r.name,
                region_code: r.region_code,
                host_kind: r.host_kind,
                school_name: r.school_name,
                completed_on: r.completed_on,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}
