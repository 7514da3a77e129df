//! Bank officers and the products of their bank: confirm the terms or ask for changes, suspend
//! and resume for the bank. Drafts and other banks' products do not exist for them (404).
use actix_web::{get, post, web};
use entity::loan_products::{self, Column as P, ProductStatus, SuspendedBy};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{
    AdminLoanProductView, BankProductFilter, ProductChangeRequest, ProductSuspensionRequest,
    ProductVersionRequest,
};
use super::products::{Step, run};
use super::queries::{admin_view, bank_product, banks_by_id};
use super::state::ProductAction;
use crate::app_state::AppState;
use crate::auth::BankOfficer;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::{Actor, Subject, events};

async fn detail(
    state: &AppState,
    p: loan_products::Model,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let timeline = timeline(
        &state.db,
        loan_products::Model::EVENTS,
        p.id,
        None,
        Audience::Staff,
    )
    .await?;
    let banks = banks_by_id(&state.db, [p.bank_id]).await?;
    let mut view = admin_view(&state.league, &banks, p, false)?;
    view.timeline = Some(timeline);
    Ok(web::Json(view))
}

#[allow(clippy::too_many_arguments)]
async fn act(
    state: &AppState,
    officer: &BankOfficer,
    id: Uuid,
    action: ProductAction,
    version: Option<i32>,
    reason: Option<String>,
    step: Step,
    payload: Option<String>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let txn = crate::db::begin(&state.db).await?;
    let current = bank_product(&txn, officer.bank_id, id).await?;
    let actor = Actor::bank_officer(officer);
    let applied = run(
        &txn, &current, &actor, action, version, reason, step, payload,
    )
    .await?;
    txn.commit().await?;
    detail(state, applied.into_record()).await
}

/// The products of the officer's bank that were sent to it (every status but draft).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_bank_loan_products",
    security(("bearer" = [])),
    params(BankProductFilter, PageQuery),
    responses((status = 200, body = Page<AdminLoanProductView>))
)]
#[get("/admin/bank/loan-products")]
pub async fn list_bank_loan_products(
    state: web::Data<AppState>,
    officer: BankOfficer,
    filter: crate::input::Query<BankProductFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AdminLoanProductView>>> {
    let parts = page.parts()?;
    let mut q = loan_products::Entity::find()
        .filter(P::BankId.eq(officer.bank_id))
        .filter(P::Status.ne(ProductStatus::Draft));
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    let q = q.order_by_desc(P::UpdatedAt).order_by_desc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let banks = banks_by_id(&state.db, [officer.bank_id]).await?;
    let items = rows
        .into_iter()
        .map(|p| admin_view(&state.league, &banks, p, false))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// Confirm the terms of a product awaiting the bank, naming the version read (a later edit
/// clears the confirmation; a stale version is 409 `PRODUCT_CHANGED`).
#[utoipa::path(
    tag = "loans",
    operation_id = "confirm_bank_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED")
    )
)]
#[post("/admin/bank/loan-products/{id}/confirmations")]
pub async fn confirm_bank_loan_product(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请注明所确认条款的版本号",
        ));
    };
    act(
        &state,
        &officer,
        *id,
        ProductAction::ConfirmTerms,
        Some(version),
        None,
        Step::Confirm {
            by: officer.user.id(),
        },
        events::payload(&*body),
    )
    .await
}

/// Ask for changes to the terms: the product goes back to the cadres as a draft.
#[utoipa::path(
    tag = "loans",
    operation_id = "request_changes_bank_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductChangeRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/bank/loan-products/{id}/change-requests")]
pub async fn request_changes_bank_loan_product(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ProductChangeRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let note = body.note.trim().to_owned();
    act(
        &state,
        &officer,
        *id,
        ProductAction::RequestChanges,
        body.version,
        Some(note.clone()),
        Step::RequestChanges { note },
        events::payload(&*body),
    )
    .await
}

/// Suspend a published product of the bank (only the bank resumes it).
#[utoipa::path(
    tag = "loans",
    operation_id = "suspend_bank_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductSuspensionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/bank/loan-products/{id}/suspensions")]
pub async fn suspend_bank_loan_product(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ProductSuspensionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    act(
        &state,
        &officer,
        *id,
        ProductAction::Suspend,
        body.version,
        reason,
        Step::Suspend(SuspendedBy::Bank),
        events::payload(&*body),
    )
    .await
}

/// Resume a product the bank suspended (one the league suspended: 403
/// `SUSPENDED_BY_OTHER_SIDE`).
#[utoipa::path(
    tag = "loans",
    operation_id = "resume_bank_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "SUSPENDED_BY_OTHER_SIDE"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/bank/loan-products/{id}/resumptions")]
pub async fn resume_bank_loan_product(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    act(
        &state,
        &officer,
        *id,
        ProductAction::Resume,
        body.version,
        None,
        Step::Resume(SuspendedBy::Bank),
        events::payload(&*body),
    )
    .await
}
