//! Host units (接收单位): their local unit's cadres register, edit, suspend and reinstate them,
//! and bind supervisors (ordinary WeChat users) with single-use invitation codes.
use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Duration, Utc};
use entity::host_supervisors::{self, Column as HS};
use entity::host_units::{self, Column as H, HostStatus};
use entity::users;
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    HostSupervisorView, HostUnitDetailView, HostUnitFilter, HostUnitRequest, HostUnitView,
    InvitationAcceptance, InvitationView, MyHostView, ReasonRequest, VersionRequest,
};
use super::rules::{
    INVITATION_TRIES_PER_HOUR, INVITATION_VALID_DAYS, invitation_code, normalise_code,
};
use super::state::HostAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::choices::Labelled;
use crate::crypto::{mask_phone, token_hash};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery};
use crate::regions::{RegionCode, RegionLevel};
use crate::time::to_china;
use crate::validation::normalize_mainland_mobile;
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Audience, Subject, Transition, timeline::timeline};

/// The host by id if inside the cadre's unit (else 404).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<host_units::Model> {
    let h = reload::<host_units::Model>(db, id).await?;
    cadre.ensure_visible(&h.region_code, host_units::Model::NAME)?;
    Ok(h)
}

/// The host by id if the cadre is its local unit's (else 404, or 403 `LOCAL_UNIT_ONLY` above).
pub async fn find_local(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<host_units::Model> {
    let h = find_visible(db, cadre, id).await?;
    cadre.ensure_local_unit(&h.region_code)?;
    Ok(h)
}

/// Active supervisors (with names) and pending invitations of some hosts.
async fn supervisors_of(
    db: &impl ConnectionTrait,
    hosts: &[Uuid],
    now: DateTime<Utc>,
) -> ApiResult<HashMap<Uuid, (Vec<HostSupervisorView>, u64)>> {
    let rows = host_supervisors::Entity::find()
        .filter(HS::HostUnitId.is_in(hosts.to_vec()))
        .filter(HS::RevokedAt.is_null())
        .order_by_asc(HS::CreatedAt)
        .find_also_related_users(db)
        .await?;
    let mut out: HashMap<Uuid, (Vec<HostSupervisorView>, u64)> = HashMap::new();
    for (s, user) in rows {
        let entry = out.entry(s.host_unit_id).or_default();
        match (s.accepted_at, user) {
            (Some(at), Some(u)) => entry.0.push(HostSupervisorView {
                user_id: u.id,
                display_name: u.display_name,
                accepted_at: to_china(at),
            }),
            (None, _) if s.invite_expires_at > now => entry.1 += 1,
            _ => {}
        }
    }
    Ok(out)
}

/// `host_supervisors` rows with their users, in one query.
trait WithUsers {
    async fn find_also_related_users(
        self,
        db: &impl ConnectionTrait,
    ) -> ApiResult<Vec<(host_supervisors::Model, Option<users::Model>)>>;
}

impl WithUsers for sea_orm::Select<host_supervisors::Entity> {
    async fn find_also_related_users(
        self,
        db: &impl ConnectionTrait,
    ) -> ApiResult<Vec<(host_supervisors::Model, Option<users::Model>)>> {
        let rows = self.all(db).await?;
        let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.user_id).collect();
        let people: HashMap<Uuid, users::Model> = if ids.is_empty() {
            HashMap::new()
        } else {
            users::Entity::find()
                .filter(users::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect()
        };
        Ok(rows
            .into_iter()
            .map(|r| {
                let u = r.user_id.and_then(|id| people.get(&id).cloned());
                (r, u)
            })
            .collect())
    }
}

fn host_view(
    state: &AppState,
    h: host_units::Model,
    people: Option<(Vec<HostSupervisorView>, u64)>,
) -> HostUnitView {
    let (supervisors, pending_invitations) = people.unwrap_or_default();
    HostUnitView {
        id: h.id,
        kind_label: h.kind.label().to_owned(),
        status_label: h.status.label().to_owned(),
        contact_phone: state
            .cipher
            .decrypt(&h.contact_phone_enc)
            .map(|p| mask_phone(&p))
            .unwrap_or_default(),
        name: h.name,
        kind: h.kind,
        region_code: h.region_code,
        address: h.address,
        contact_name: h.contact_name,
        status: h.status,
        supervisors,
        pending_invitations,
        version: h.version,
        created_at: to_china(h.created_at),
    }
}

async fn one_view(state: &AppState, h: host_units::Model) -> ApiResult<HostUnitView> {
    let mut people = supervisors_of(&state.db, &[h.id], Utc::now()).await?;
    let p = people.remove(&h.id);
    Ok(host_view(state, h, p))
}

/// The checked contact phone of a request.
async fn check(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    body: &HostUnitRequest,
) -> ApiResult<String> {
    let phone = normalize_mainland_mobile(&body.contact_phone)
        .ok_or_else(|| ApiError::field("contactPhone", "FORMAT", "请输入正确的手机号码"))?;
    crate::regions::queries::require(db, &body.region_code, "regionCode").await?;
    if RegionCode::parse(&body.region_code).is_none_or(|c| c.level() < RegionLevel::County) {
        return Err(ApiError::field(
            "regionCode",
            "LEVEL",
            "接收单位所在地须为县（市、区）、乡镇（街道）或村（社区）",
        ));
    }
    cadre.ensure_local_unit(&body.region_code)?;
    Ok(phone)
}

/// Register a host unit in the cadre's local unit.
#[utoipa::path(
    tag = "practice",
    operation_id = "create_host_unit",
    security(("bearer" = [])),
    request_body = HostUnitRequest,
    responses(
        (status = 201, body = HostUnitView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: LENGTH, FORMAT, LEVEL, UNKNOWN_REGION")
    )
)]
#[post("/admin/practice/host-units")]
pub async fn create_host_unit(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<HostUnitRequest>,
) -> ApiResult<HttpResponse> {
    let phone = check(&state.db, &cadre, &body).await?;
    let now = Utc::now();
    let b = body.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let h = host_units::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(b.name.trim().to_owned()),
        kind: Set(b.kind),
        region_code: Set(b.region_code),
        address: Set(b.address.trim().to_owned()),
        contact_name: Set(b.contact_name.trim().to_owned()),
        contact_phone_enc: Set(state.cipher.encrypt(&phone)),
        status: Set(HostStatus::Active),
        version: Set(1),
        created_by: Set(cadre.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // No payload: the body holds a phone number.
    record_creation(
        &txn,
        &h,
        HostAction::Create,
        &Actor::cadre(&cadre),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(host_view(&state, h, None)))
}

/// Edit a host unit (every field; it stays in the cadre's local unit).
#[utoipa::path(
    tag = "practice",
    operation_id = "update_host_unit",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = HostUnitRequest,
    responses(
        (status = 200, body = HostUnitView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "HOST_UNIT_CHANGED"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[put("/admin/practice/host-units/{id}")]
pub async fn update_host_unit(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<HostUnitRequest>,
) -> ApiResult<web::Json<HostUnitView>> {
    let current = find_local(&state.db, &cadre, id.into_inner()).await?;
    let phone = check(&state.db, &cadre, &body).await?;
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, HostAction::Edit, &actor)
        .seen(body.version)
        .set(H::Name, Expr::value(body.name.trim()))
        .set(H::Kind, Expr::value(crate::choices::code(body.kind)))
        .set(H::RegionCode, Expr::value(body.region_code.as_str()))
        .set(H::Address, Expr::value(body.address.trim()))
        .set(H::ContactName, Expr::value(body.contact_name.trim()))
        .set(
            H::ContactPhoneEnc,
            Expr::value(state.cipher.encrypt(&phone)),
        )
        .set(H::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state, applied.into_record()).await?))
}

/// Suspend a host unit: its supervisors can still read but no longer act (403
/// `HOST_SUSPENDED`); the local unit's cadres act instead.
#[utoipa::path(
    tag = "practice",
    operation_id = "suspend_host_unit",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = HostUnitView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE")
    )
)]
#[post("/admin/practice/host-units/{id}/suspensions")]
pub async fn suspend_host_unit(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReasonRequest>,
) -> ApiResult<web::Json<HostUnitView>> {
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, HostAction::Suspend, &actor)
        .set(H::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(body.reason.trim()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state, applied.into_record()).await?))
}

/// Reinstate a suspended host unit.
#[utoipa::path(
    tag = "practice",
    operation_id = "reinstate_host_unit",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = HostUnitView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE")
    )
)]
#[post("/admin/practice/host-units/{id}/reinstatements")]
pub async fn reinstate_host_unit(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<HostUnitView>> {
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, HostAction::Reinstate, &actor)
        .seen(body.version)
        .set(H::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(one_view(&state, applied.into_record()).await?))
}

/// Host units of the cadre's unit (or of a unit or place inside it).
#[utoipa::path(
    tag = "practice",
    operation_id = "list_host_units",
    security(("bearer" = [])),
    params(PageQuery, HostUnitFilter),
    responses(
        (status = 200, body = Page<HostUnitView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/host-units")]
pub async fn list_host_units(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<HostUnitFilter>,
) -> ApiResult<web::Json<Page<HostUnitView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = host_units::Entity::find().filter(scope.condition(H::RegionCode));
    if let Some(s) = filter.status {
        q = q.filter(H::Status.eq(s));
    }
    if let Some(k) = filter.kind {
        q = q.filter(H::Kind.eq(k));
    }
    let q = q.order_by_desc(H::CreatedAt).order_by_desc(H::Id);
    let (rows, total) = crate::pagination::page_rows(q, &state.db, parts).await?;
    let ids: Vec<Uuid> = rows.iter().map(|h| h.id).collect();
    let mut people = supervisors_of(&state.db, &ids, Utc::now()).await?;
    let items = rows
        .into_iter()
        .map(|h| {
            let p = people.remove(&h.id);
            host_view(&state, h, p)
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One host unit with its supervisors and history.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_host_unit",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = HostUnitDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/host-units/{id}")]
pub async fn get_host_unit(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HostUnitDetailView>> {
    let h = find_visible(&state.db, &cadre, id.into_inner()).await?;
    let timeline = timeline(
        &state.db,
        host_units::Model::EVENTS,
        h.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(web::Json(HostUnitDetailView {
        host: one_view(&state, h).await?,
        timeline,
    }))
}

/// Invite a supervisor: a single-use code of 8 characters, valid for 7 days, shown once (only
/// its hash is kept). Whoever enters it in the mini-program becomes a supervisor of the host.
#[utoipa::path(
    tag = "practice",
    operation_id = "invite_host_supervisor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = InvitationView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[post("/admin/practice/host-units/{id}/invitations")]
pub async fn invite_host_supervisor(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let expires_at = now + Duration::days(INVITATION_VALID_DAYS);
    let code = invitation_code();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id.into_inner()).await?;
    host_supervisors::ActiveModel {
        id: Set(Uuid::now_v7()),
        host_unit_id: Set(current.id),
        user_id: Set(None),
        invited_by: Set(cadre.user_id),
        invite_code_hash: Set(token_hash(&code)),
        invite_expires_at: Set(expires_at),
        accepted_at: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let actor = Actor::cadre(&cadre);
    Transition::new(&current, HostAction::Invite, &actor)
        .set(H::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(InvitationView {
        code,
        expires_at: to_china(expires_at),
    }))
}

/// Remove a supervisor from a host unit.
#[utoipa::path(
    tag = "practice",
    operation_id = "revoke_host_supervisor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("userId" = Uuid, Path)),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No such host unit or supervisor")
    )
)]
#[delete("/admin/practice/host-units/{id}/supervisors/{userId}")]
pub async fn revoke_host_supervisor(
    state: web::Data<AppState>,
    cadre: Cadre,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, user_id) = path.into_inner();
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let current = find_local(&txn, &cadre, id).await?;
    let hit = host_supervisors::Entity::update_many()
        .col_expr(HS::RevokedAt, Expr::value(now))
        .col_expr(HS::RevokedBy, Expr::value(cadre.user_id))
        .filter(HS::HostUnitId.eq(current.id))
        .filter(HS::UserId.eq(user_id))
        .filter(HS::AcceptedAt.is_not_null())
        .filter(HS::RevokedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if hit == 0 {
        return Err(ApiError::not_found("带教负责人"));
    }
    let actor = Actor::cadre(&cadre);
    Transition::new(&current, HostAction::RevokeSupervisor, &actor)
        .set(H::UpdatedAt, Expr::value(now))
        .payload(&serde_json::json!({ "userId": user_id }))
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

fn wrong_code() -> ApiError {
    ApiError::NotFound(
        "INVITATION_NOT_FOUND",
        "邀请码不正确，请核对后重新输入".into(),
    )
}

/// Accept an invitation: the caller (a WeChat user) becomes a supervisor of the host unit. The
/// code goes in the body, never the path. Used → 409 `INVITATION_USED`; expired or withdrawn →
/// 410 `INVITATION_EXPIRED`; 10 wrong codes per user per hour → 429 `INVITATION_TRIES_EXHAUSTED`.
#[utoipa::path(
    tag = "practice",
    operation_id = "accept_host_invitation",
    security(("bearer" = [])),
    request_body = InvitationAcceptance,
    responses(
        (status = 201, body = MyHostView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "INVITATION_NOT_FOUND"),
        (status = 409, body = ErrorEnvelope, description = "INVITATION_USED, ALREADY_SUPERVISOR"),
        (status = 410, body = ErrorEnvelope, description = "INVITATION_EXPIRED"),
        (status = 429, body = ErrorEnvelope, description = "INVITATION_TRIES_EXHAUSTED")
    )
)]
#[post("/host-invitations/acceptances")]
pub async fn accept_host_invitation(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<InvitationAcceptance>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = format!("practice:invitation-tries:{}", user.id());
    let window = std::time::Duration::from_secs(3600);
    let exhausted = || ApiError::RateLimited {
        code: "INVITATION_TRIES_EXHAUSTED",
        message: "邀请码输错次数过多，请一小时后再试".into(),
        retry_after_secs: window.as_secs(),
    };
    let tries = state
        .cache
        .get(&key)
        .await?
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    if tries >= INVITATION_TRIES_PER_HOUR {
        return Err(exhausted());
    }
    let hash = token_hash(&normalise_code(&body.code));
    let now = Utc::now();
    let Some(invite) = host_supervisors::Entity::find()
        .filter(HS::InviteCodeHash.eq(hash))
        .one(&state.db)
        .await?
    else {
        let n = state.cache.incr_window(&key, window).await?;
        return Err(if n > INVITATION_TRIES_PER_HOUR {
            exhausted()
        } else {
            wrong_code()
        });
    };
    let explain = |i: &host_supervisors::Model| -> ApiError {
        if i.accepted_at.is_some() {
            ApiError::Conflict("INVITATION_USED", "该邀请码已被使用".into())
        } else {
            ApiError::Gone(
                "INVITATION_EXPIRED",
                "邀请码已过期或已作废，请联系团组织重新邀请".into(),
            )
        }
    };
    let txn = crate::db::begin(&state.db).await?;
    let hit = host_supervisors::Entity::update_many()
        .col_expr(HS::UserId, Expr::value(user.id()))
        .col_expr(HS::AcceptedAt, Expr::value(now))
        .filter(HS::Id.eq(invite.id))
        .filter(HS::AcceptedAt.is_null())
        .filter(HS::RevokedAt.is_null())
        .filter(HS::InviteExpiresAt.gt(now))
        .exec(&txn)
        .await
        .map_err(ApiError::from)
        .map_err(|e| match e {
            ApiError::Conflict("DUPLICATE", _) => {
                ApiError::Conflict("ALREADY_SUPERVISOR", "您已是该接收单位的带教负责人".into())
            }
            e => e,
        })?
        .rows_affected;
    if hit == 0 {
        drop(txn);
        let now_row = host_supervisors::Entity::find_by_id(invite.id)
            .one(&state.db)
            .await?
            .unwrap_or(invite);
        return Err(explain(&now_row));
    }
    let host = reload::<host_units::Model>(&txn, invite.host_unit_id).await?;
    let actor = Actor::person(user.id(), ActorKind::Host);
    let host = Transition::new(&host, HostAction::BindSupervisor, &actor)
        .set(H::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?
        .into_record();
    txn.commit().await?;
    Ok(HttpResponse::Created().json(MyHostView {
        host_unit_id: host.id,
        name: host.name,
        kind: host.kind,
        region_code: host.region_code,
        status: host.status,
        accepted_at: to_china(now),
    }))
}

/// The host units the caller supervises.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_my_host_units",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<MyHostView>))
)]
#[get("/me/host/units")]
pub async fn list_my_host_units(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<Vec<MyHostView>>> {
    let rows = host_supervisors::Entity::find()
        .filter(HS::UserId.eq(user.id()))
        .filter(HS::AcceptedAt.is_not_null())
        .filter(HS::RevokedAt.is_null())
        .all(&state.db)
        .await?;
    let hosts: HashMap<Uuid, host_units::Model> = host_units::Entity::find()
        .filter(H::Id.is_in(rows.iter().map(|r| r.host_unit_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    Ok(web::Json(
        rows.into_iter()
            .filter_map(|r| {
                let h = hosts.get(&r.host_unit_id)?.clone();
                Some(MyHostView {
                    host_unit_id: h.id,
                    name: h.name,
                    kind: h.kind,
                    region_code: h.region_code,
                    status: h.status,
                    accepted_at: to_china(r.accepted_at?),
                })
            })
            .collect(),
    ))
}
