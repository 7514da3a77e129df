//! Youth find mentors: the certified mentors serving their home region.
use actix_web::{HttpResponse, get, web};
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::mentorship_requests::RequestKind;
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{MentorFilter, MentorView};
use super::queries::{unit_covers_place, unit_name};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::talents::{HomeRegion, home_region_of, profile_required};

/// The caller's home, for a youth who may look for a mentor: a verified talent profile.
pub async fn verified_home(db: &impl ConnectionTrait, user: &CurrentUser) -> ApiResult<HomeRegion> {
    user.require_youth()?;
    let home = home_region_of(db, user.id())
        .await?
        .ok_or_else(profile_required)?;
    if !home.verified {
        return Err(ApiError::Forbidden(
            "VERIFICATION_REQUIRED",
            "人才信息审核通过后才能申请创业导师".into(),
        ));
    }
    Ok(home)
}

/// `"code"` inside a stored JSON array of codes.
fn holds(code: &str) -> String {
    format!("%\"{code}\"%")
}

/// The certified mentors serving the caller's home region (their local unit or a unit above
/// it): those with free seats first, then the quickest to answer, then by name.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_mentors",
    security(("bearer" = [])),
    params(MentorFilter, PageQuery),
    responses(
        (status = 200, body = Page<MentorView>),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, VERIFICATION_REQUIRED"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/mentors")]
pub async fn list_mentors(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: crate::input::Query<MentorFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let parts = page.parts()?;
    let home = verified_home(&state.db, &user).await?;
    let units = state.league.codes_covering(&home.region_code);
    // The same page for every youth served by these units (see `SharedAnswers`).
    let key = format!(
        "mentors|{units:?}|{:?}|{:?}|{:?}|{:?}|{parts:?}",
        filter.expertise, filter.industry, filter.mode, filter.kind
    );
    state
        .shared_answers
        .json(key, directory_page(&state, units, &filter, parts))
        .await
}

/// A page of the directory, built afresh (see [`list_mentors`]).
async fn directory_page(
    state: &AppState,
    units: Vec<String>,
    filter: &MentorFilter,
    parts: (u64, u64),
) -> ApiResult<Page<MentorView>> {
    let mut q = profiles::Entity::find()
        .filter(P::Status.eq(MentorStatus::Certified))
        .filter(P::ServiceUnitCode.is_in(units));
    if let Some(e) = filter.expertise {
        q = q.filter(Expr::col(P::Expertise).like(holds(&crate::choices::code(e))));
    }
    if let Some(i) = filter.industry {
        q = q.filter(Expr::col(P::Industries).like(holds(i.as_str())));
    }
    if let Some(m) = filter.mode {
        q = q.filter(Expr::col(P::ServiceModes).like(holds(&crate::choices::code(m))));
    }
    match filter.kind {
        Some(RequestKind::LongTerm) => q = q.filter(P::Accepting.eq(true)),
        Some(RequestKind::Consultation) => q = q.filter(P::AcceptingConsultations.eq(true)),
        None => {}
    }
    let q = q
        .order_by(
            Expr::cust("CASE WHEN capacity > active_mentees THEN 0 ELSE 1 END"),
            Order::Asc,
        )
        .order_by(
            Expr::cust("CASE WHEN median_response_hours IS NULL THEN 1 ELSE 0 END"),
            Order::Asc,
        )
        .order_by_asc(P::MedianResponseHours)
        .order_by_asc(P::RealName)
        .order_by_asc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = rows
        .iter()
        .map(|m| MentorView::new(m, unit_name(&state.league, &m.service_unit_code)))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page::new(items, total, parts))
}

/// A certified mentor serving the caller's home region (404 otherwise).
pub async fn mentor_for_youth(
    state: &AppState,
    home: &HomeRegion,
    id: Uuid,
) -> ApiResult<profiles::Model> {
    profiles::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|m| {
            m.status == MentorStatus::Certified
                && unit_covers_place(&state.league, &m.service_unit_code, &home.region_code)
        })
        .ok_or_else(|| ApiError::not_found("导师"))
}

/// One mentor serving the caller's home region.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, VERIFICATION_REQUIRED"),
        (status = 404, body = ErrorEnvelope, description = "No such certified mentor serving the caller"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED")
    )
)]
#[get("/mentors/{id}")]
pub async fn get_mentor(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorView>> {
    let home = verified_home(&state.db, &user).await?;
    let m = mentor_for_youth(&state, &home, *id).await?;
    Ok(web::Json(MentorView::new(
        &m,
        unit_name(&state.league, &m.service_unit_code),
    )?))
}
