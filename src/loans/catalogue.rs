//! Youth see the products offered in their home area: published, still valid, with an offer
//! area (a league unit) covering their home region.
use actix_web::{get, web};
use chrono::Utc;
use entity::loan_products::{self, Column as P, ProductStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use uuid::Uuid;

use super::dto::{LoanProductView, ProductFilter};
use super::queries::{banks_by_id, youth_view};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::talents::{home_region_of, profile_required};
use crate::time::today_in_china;

/// Published products whose area covers the caller's home region and whose validity has not
/// ended (talent profile required).
async fn offered(state: &AppState, user: &CurrentUser) -> ApiResult<Select<loan_products::Entity>> {
    user.require_youth()?;
    let home = home_region_of(&state.db, user.id())
        .await?
        .ok_or_else(profile_required)?;
    Ok(loan_products::Entity::find()
        .filter(P::Status.eq(ProductStatus::Published))
        .filter(P::AreaUnitCode.is_in(state.league.codes_covering(&home.region_code)))
        .filter(P::ValidTo.gte(today_in_china(Utc::now()))))
}

/// The products offered in the caller's home area, as 「最高30万元，年利率3.85%–4.35%，贴息：全额」
/// summaries computed from their terms; `borrowerKind` keeps those for that kind of borrower
/// (and names its ceiling).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_loan_products",
    security(("bearer" = [])),
    params(ProductFilter, PageQuery),
    responses(
        (status = 200, body = Page<LoanProductView>),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED")
    )
)]
#[get("/loan-products")]
pub async fn list_loan_products(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: crate::input::Query<ProductFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<LoanProductView>>> {
    let parts = page.parts()?;
    let mut q = offered(&state, &user).await?;
    if let Some(kind) = filter.borrower_kind {
        let code = crate::choices::code(kind);
        q = q.filter(Expr::col(P::BorrowerKinds).like(format!("%\"{code}\"%")));
    }
    let q = q.order_by_desc(P::PublishedAt).order_by_desc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let banks = banks_by_id(&state.db, rows.iter().map(|p| p.bank_id)).await?;
    let now = Utc::now();
    let items = rows
        .iter()
        .map(|p| youth_view(&state.league, &banks, p, filter.borrower_kind, now))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One product offered in the caller's home area (404 otherwise).
#[utoipa::path(
    tag = "loans",
    operation_id = "get_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = LoanProductView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED")
    )
)]
#[get("/loan-products/{id}")]
pub async fn get_loan_product(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<LoanProductView>> {
    let p = offered(&state, &user)
        .await?
        .filter(P::Id.eq(*id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("贷款产品"))?;
    let banks = banks_by_id(&state.db, [p.bank_id]).await?;
    Ok(web::Json(youth_view(
        &state.league,
        &banks,
        &p,
        None,
        Utc::now(),
    )?))
}
