//! What a host supervisor reads: their host's positions with the applications counted per
//! status, a position's applicants, one application with its history. Anything of another host
//! is 404. A suspended host's supervisors still read.
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::practice_applications::{self, Column as A};
use entity::practice_positions::{self, Column as P, PositionStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::dto::{
    ApplicationStatusFilter, HostPositionFilter, HostPositionView, StaffApplicationDetailView,
    StaffApplicationView,
};
use super::views::{Reader, counts, staff_detail, staff_views};
use crate::app_state::AppState;
use crate::auth::HostSupervisor;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::today_in_china;
use crate::workflow::Subject;
use crate::workflow::transition::reload;

/// The positions of the caller's host units (drafts left out), latest start first, each with
/// its applications per status (`applications.submitted` wait for a decision).
#[utoipa::path(
    tag = "practice",
    operation_id = "list_my_host_positions",
    security(("bearer" = [])),
    params(PageQuery, HostPositionFilter),
    responses(
        (status = 200, body = Page<HostPositionView>),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "A bad page or filter")
    )
)]
#[get("/me/host/positions")]
pub async fn list_my_host_positions(
    state: web::Data<AppState>,
    host: HostSupervisor,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<HostPositionFilter>,
) -> ApiResult<web::Json<Page<HostPositionView>>> {
    let parts = page.parts()?;
    let mut q = practice_positions::Entity::find()
        .filter(P::HostUnitId.is_in(host.host_unit_ids.clone()))
        .filter(P::Status.ne(PositionStatus::Draft));
    if let Some(c) = filter.campaign_id {
        q = q.filter(P::CampaignId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    let q = q.order_by_desc(P::StartsOn).order_by_desc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let mut per = counts(&state.db, &ids).await?;
    let items = super::positions::views(&state.db, rows)
        .await?
        .into_iter()
        .map(|p| HostPositionView {
            applications: per.remove(&p.id).unwrap_or_default(),
            position: p,
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// The applications of one of the caller's positions, oldest first (optionally of one status).
#[utoipa::path(
    tag = "practice",
    operation_id = "list_host_applications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The position"), PageQuery, ApplicationStatusFilter),
    responses(
        (status = 200, body = Page<StaffApplicationView>),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "Not a position of the caller's host"),
        (status = 422, body = ErrorEnvelope, description = "A bad page or filter")
    )
)]
#[get("/me/host/positions/{id}/applications")]
pub async fn list_host_applications(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<ApplicationStatusFilter>,
) -> ApiResult<HttpResponse> {
    let parts = page.parts()?;
    let stamp = ApplicantsStamp::of(&state.db, *id)
        .await?
        .filter(|s| host.supervises(s.host_unit_id) && s.status != PositionStatus::Draft)
        .ok_or_else(|| ApiError::not_found(practice_positions::Model::NAME))?;
    // Every supervisor of the host reads the same page; it is kept under the stamp (see
    // `ApplicantsStamp`) and never longer than `JIQING_LIST_MAX_STALE_MS`.
    let key = format!(
        "host-applicants|{id}|{}|{}|{}|{:?}|{parts:?}|{}",
        stamp.position_version,
        stamp.applications,
        stamp.versions,
        filter.status,
        today_in_china(Utc::now())
    );
    state
        .shared_answers
        .json(key, applicants_page(&state, *id, filter.status, parts))
        .await
}

/// What a position's applicant page is built from, in one statement: the position's host,
/// status and version, and its applications' number and the sum of their versions. Every change
/// of an application passes a conditional transition that adds one to its version, and an
/// application is never deleted, so the sum moves with each change: a page kept under the same
/// stamp is the page the database would give now, except for what the stamp does not see (a
/// student's profile, the host's name), which the time bound of the kept answers covers.
#[derive(Debug, FromQueryResult)]
struct ApplicantsStamp {
    host_unit_id: Uuid,
    status: PositionStatus,
    position_version: i32,
    applications: i64,
    versions: i64,
}

impl ApplicantsStamp {
    async fn of(db: &impl ConnectionTrait, position: Uuid) -> ApiResult<Option<Self>> {
        Ok(practice_positions::Entity::find_by_id(position)
            .select_only()
            .column(P::HostUnitId)
            .column(P::Status)
            .column_as(P::Version, "position_version")
            .column_as(
                Expr::cust(
                    "(SELECT count(*) FROM practice_applications a \
                     WHERE a.position_id = practice_positions.id)",
                ),
                "applications",
            )
            .column_as(
                Expr::cust(
                    "(SELECT coalesce(sum(a.version), 0) FROM practice_applications a \
                     WHERE a.position_id = practice_positions.id)",
                ),
                "versions",
            )
            .into_model::<Self>()
            .one(db)
            .await?)
    }
}

/// A page of a position's applicants, built afresh (see [`list_host_applications`]).
async fn applicants_page(
    state: &AppState,
    position: Uuid,
    status: Option<entity::practice_applications::ApplicationStatus>,
    parts: (u64, u64),
) -> ApiResult<Page<StaffApplicationView>> {
    let mut q = practice_applications::Entity::find().filter(A::PositionId.eq(position));
    if let Some(s) = status {
        q = q.filter(A::Status.eq(s));
    }
    let q = q.order_by_asc(A::CreatedAt).order_by_asc(A::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(Page::new(
        staff_views(state, rows, Reader::Host).await?,
        total,
        parts,
    ))
}

/// One application of the caller's host, with its history.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_host_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host")
    )
)]
#[get("/me/host/applications/{id}")]
pub async fn get_host_application(
    state: web::Data<AppState>,
    host: HostSupervisor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let a = reload::<practice_applications::Model>(&state.db, *id)
        .await
        .ok()
        .filter(|a| host.supervises(a.host_unit_id))
        .ok_or_else(|| ApiError::not_found(practice_applications::Model::NAME))?;
    Ok(web::Json(staff_detail(&state, a, Reader::Host).await?))
}
