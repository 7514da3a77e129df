//! Cadres watch the requests of youth in their unit and propose mentors: to requests waiting for
//! one, and (as a new request) to expired or declined ones.
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::mentor_profiles::{self as profiles, MentorStatus};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::notifications::NotificationKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    AdminRequestFilter, AssignMentorRequest, MentorshipRequestDetailView, MentorshipRequestView,
};
use super::lifecycle::{MENTORING_PAGE, lock_mentor};
use super::queries::unit_covers_place;
use super::refusals;
use super::requests::{accepts, expiry_from, open_place, request_detail};
use super::state::MentorshipRequestAction as A;
use super::views::{Viewer, request_views};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::league::LeagueTree;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Applied, Transition, events};

/// The requests of youth in the caller's unit (or the `region` inside it), newest first;
/// `status=awaiting_assignment` is the queue waiting for a mentor.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_admin_mentorship_requests",
    security(("bearer" = [])),
    params(AdminRequestFilter, PageQuery),
    responses(
        (status = 200, body = Page<MentorshipRequestView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/mentorship-requests")]
pub async fn list_admin_mentorship_requests(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminRequestFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MentorshipRequestView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = requests::Entity::find().filter(scope.condition(R::MenteeRegionCode));
    if let Some(s) = filter.status {
        q = q.filter(R::Status.eq(s));
    }
    let q = q.order_by_desc(R::CreatedAt).order_by_desc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = request_views(&state.db, &state.cipher, &rows, Viewer::Cadre).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// A request of a youth in the caller's unit (404 outside it).
async fn visible_request(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<requests::Model> {
    let r = requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("导师申请"))?;
    cadre.ensure_visible(&r.mentee_region_code, "导师申请")?;
    Ok(r)
}

/// One request with its history (masked mentee).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_admin_mentorship_request",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/mentorship-requests/{id}")]
pub async fn get_admin_mentorship_request(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let r = visible_request(&state.db, &cadre, *id).await?;
    Ok(web::Json(
        request_detail(&state, r, Viewer::Cadre, cadre.user_id).await?,
    ))
}

/// The mentor a cadre proposes: certified and taking requests of the kind, serving the mentee's
/// home (403 `OUTSIDE_MENTOR_REGION`), and not the mentee themselves.
async fn proposable(
    txn: &DatabaseTransaction,
    tree: &LeagueTree,
    mentor_id: Uuid,
    r: &requests::Model,
) -> ApiResult<profiles::Model> {
    // Lock the mentor row first (lock order; on SQLite the transaction writes before it reads).
    let m = lock_mentor(txn, mentor_id).await?;
    if !matches!(m.status, MentorStatus::Certified | MentorStatus::Suspended) {
        return Err(ApiError::not_found("导师"));
    }
    if Some(m.user_id) == r.mentee_user_id {
        return Err(refusals::self_mentoring());
    }
    if !unit_covers_place(tree, &m.service_unit_code, &r.mentee_region_code) {
        return Err(refusals::outside_mentor_region());
    }
    if !accepts(&m, r.kind) {
        return Err(refusals::not_accepting());
    }
    Ok(m)
}

/// Propose a mentor: to a request waiting for one (it becomes `proposed`, the mentee confirms
/// before the mentor sees it), or to an expired or declined request, which makes a new proposed
/// request (201; once per request: a second is 409 `INVALID_STATE`). Either counts toward the
/// mentee's open requests.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "assign_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignMentorRequest,
    responses(
        (status = 200, body = MentorshipRequestDetailView, description = "The waiting request, now proposed"),
        (status = 201, body = MentorshipRequestDetailView, description = "A new request reassigning an expired or declined one"),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_MENTOR_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "MENTOR_NOT_ACCEPTING, ALREADY_REQUESTED, TOO_MANY_PENDING_REQUESTS, MENTEE_LIMIT_REACHED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "SELF_MENTORING")
    )
)]
#[post("/admin/mentorship-requests/{id}/assignments")]
pub async fn assign_mentor(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<AssignMentorRequest>,
) -> ApiResult<HttpResponse> {
    let r = visible_request(&state.db, &cadre, *id).await?;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    if matches!(r.status, RequestStatus::Expired | RequestStatus::Declined) {
        return reassign(&state, &cadre, &actor, r, body.mentor_id, now).await;
    }
    let txn = crate::db::begin(&state.db).await?;
    let mentor = if r.status == RequestStatus::AwaitingAssignment {
        Some(proposable(&txn, &state.league, body.mentor_id, &r).await?)
    } else {
        None
    };
    let applied = Transition::new(&r, A::Assign, &actor)
        .set(R::MentorProfileId, Expr::value(body.mentor_id))
        .set(R::AssignedBy, Expr::value(cadre.user_id))
        .set(R::AssignedAt, Expr::value(now))
        .set(R::ExpiresAt, Expr::value(expiry_from(&state, now)))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await
        .map_err(|e| match e {
            // Two proposals of one mentor to one mentee.
            ApiError::Conflict("DUPLICATE", _) => refusals::already_requested(),
            other => other,
        })?;
    let mut sent = Vec::new();
    if let (Applied::Done { record, .. }, Some(m)) = (&applied, &mentor) {
        sent.push(notify_proposed(&txn, m, record).await?);
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(HttpResponse::Ok()
        .json(request_detail(&state, applied.into_record(), Viewer::Cadre, cadre.user_id).await?))
}

async fn notify_proposed(
    txn: &DatabaseTransaction,
    m: &profiles::Model,
    r: &requests::Model,
) -> ApiResult<entity::notifications::Model> {
    let Some(mentee) = r.mentee_user_id else {
        return Err(ApiError::not_found("导师申请"));
    };
    notify(
        txn,
        mentee,
        NotificationKind::MentorshipProposed,
        "团组织为您推荐了导师",
        &format!(
            "团组织为您推荐创业导师{}，请确认是否接受推荐。",
            m.real_name
        ),
        Some(MENTORING_PAGE),
    )
    .await
}

/// A new proposed request in place of an expired or declined one (once per request).
async fn reassign(
    state: &AppState,
    cadre: &Cadre,
    actor: &Actor,
    origin: requests::Model,
    mentor_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<HttpResponse> {
    let existing = requests::Entity::find()
        .filter(R::OriginRequestId.eq(origin.id))
        .one(&state.db)
        .await?;
    if let Some(done) = existing {
        // The same cadre proposing the same mentor again: the answer they had.
        if done.assigned_by == Some(cadre.user_id) && done.mentor_profile_id == Some(mentor_id) {
            return Ok(HttpResponse::Ok()
                .json(request_detail(state, done, Viewer::Cadre, cadre.user_id).await?));
        }
        return Err(refusals::already_reassigned());
    }
    let Some(mentee) = origin.mentee_user_id else {
        return Err(ApiError::not_found("导师申请"));
    };
    let settings = &state.settings.mentoring;
    let txn = crate::db::begin(&state.db).await?;
    let m = proposable(&txn, &state.league, mentor_id, &origin).await?;
    open_place(&txn, mentee, origin.kind, settings).await?;
    let row = requests::ActiveModel {
        id: Set(Uuid::now_v7()),
        mentee_user_id: Set(Some(mentee)),
        mentor_profile_id: Set(Some(m.id)),
        origin_request_id: Set(Some(origin.id)),
        kind: Set(origin.kind),
        topic: Set(origin.topic),
        description: Set(origin.description.clone()),
        preferred_mode: Set(origin.preferred_mode),
        mentee_region_code: Set(origin.mentee_region_code.clone()),
        status: Set(RequestStatus::Proposed),
        expires_at: Set(Some(expiry_from(state, now))),
        pending_at: Set(None),
        assigned_by: Set(Some(cadre.user_id)),
        assigned_at: Set(Some(now)),
        responded_at: Set(None),
        response_reason_code: Set(None),
        response_note: Set(None),
        closed_at: Set(None),
        idempotency_key: Set(None),
        request_hash: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        anonymised_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(refusals::request_insert)?;
    record_creation(
        &txn,
        &row,
        A::Reassign,
        actor,
        events::payload(&serde_json::json!({"mentorId": mentor_id, "originRequestId": origin.id})),
        None,
    )
    .await?;
    let sent = vec![notify_proposed(&txn, &m, &row).await?];
    txn.commit().await?;
    deliver(state, sent);
    Ok(HttpResponse::Created()
        .json(request_detail(state, row, Viewer::Cadre, cadre.user_id).await?))
}
