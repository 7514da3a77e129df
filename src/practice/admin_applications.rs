//! Cadres read the applications of their unit (the position's place inside it): a list with
//! filters, one by id with its history. Outside the unit: 404 by id, 403 for a region filter.
use actix_web::{get, web};
use entity::practice_applications::{self, Column as A};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{PracticeApplicationFilter, StaffApplicationDetailView, StaffApplicationView};
use super::views::{Reader, staff_detail, staff_views};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::Subject;
use crate::workflow::transition::reload;

/// Applications at positions in the cadre's unit (or a unit or place inside it), newest first.
/// Applicants' numbers are masked.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_admin_practice_applications",
    security(("bearer" = [])),
    params(PageQuery, PracticeApplicationFilter),
    responses(
        (status = 200, body = Page<StaffApplicationView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/applications")]
pub async fn list_admin_practice_applications(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<PracticeApplicationFilter>,
) -> ApiResult<web::Json<Page<StaffApplicationView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = practice_applications::Entity::find().filter(scope.condition(A::RegionCode));
    if let Some(c) = filter.campaign_id {
        q = q.filter(A::CampaignId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(A::Status.eq(s));
    }
    if let Some(h) = filter.host_unit_id {
        q = q.filter(A::HostUnitId.eq(h));
    }
    if let Some(p) = filter.position_id {
        q = q.filter(A::PositionId.eq(p));
    }
    let q = q.order_by_desc(A::CreatedAt).order_by_desc(A::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        staff_views(&state, rows, Reader::OtherCadre).await?,
        total,
        parts,
    )))
}

/// One application in the cadre's unit, with its history (staff names and internal notes).
/// The local unit's cadres also see the emergency contact of a placement.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_admin_practice_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/applications/{id}")]
pub async fn get_admin_practice_application(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let a = reload::<practice_applications::Model>(&state.db, *id).await?;
    cadre.ensure_visible(&a.region_code, practice_applications::Model::NAME)?;
    let reader = if cadre.ensure_local_unit(&a.region_code).is_ok() {
        Reader::LocalCadre
    } else {
        Reader::OtherCadre
    };
    Ok(web::Json(staff_detail(&state, a, reader).await?))
}
