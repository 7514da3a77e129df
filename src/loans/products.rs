//! Cadres set up loan products (four-eyes): a province or top-level cadre drafts the terms and
//! sends them to the bank, the bank's officer confirms them (`bank_products.rs`), another cadre
//! publishes. Published terms never change: a new version is a clone.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::banks;
use entity::loan_products::{self, Column as P, ProductStatus, SubsidyKind, SuspendedBy};
use entity::users::CadreLevel;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
};
use uuid::Uuid;

use super::dto::{
    AdminLoanProductView, AdminProductFilter, LoanProductRequest, ProductCloneRequest,
    ProductSuspensionRequest, ProductVersionRequest,
};
use super::queries::{admin_view, banks_by_id, managed_product, may_manage, visible_product};
use super::rules::{self, TermNumbers};
use super::state::ProductAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Audience, Subject, Transition, events, timeline::timeline};

/// 409 for a product code already in use.
fn code_taken() -> ApiError {
    ApiError::Conflict(
        "PRODUCT_CODE_TAKEN",
        "该产品代码已被使用，请换一个代码".into(),
    )
}

/// A unique violation on `loan_products` can only be its code.
fn unique_is_code(e: DbErr) -> ApiError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => code_taken(),
        _ => e.into(),
    }
}

fn code_field(code: &str) -> Option<FieldError> {
    (!rules::valid_product_code(code)).then(|| {
        FieldError::new(
            "code",
            "FORMAT",
            "产品代码应为2至20位大写字母、数字或下划线",
        )
    })
}

/// The numbers of a request with the defaults filled in.
fn numbers(b: &LoanProductRequest) -> TermNumbers {
    TermNumbers {
        min_amount_fen: b.min_amount_fen,
        max_amount_fen: b.max_amount_fen,
        max_amount_business_fen: b.max_amount_business_fen,
        amount_step_fen: b.amount_step_fen.unwrap_or(rules::DEFAULT_AMOUNT_STEP_FEN),
        min_term_months: b.min_term_months,
        max_term_months: b.max_term_months,
        rate_min_bp: b.rate_min_bp,
        rate_max_bp: b.rate_max_bp,
        subsidy_kind: b.subsidy_kind,
        subsidy_ratio_permille: match b.subsidy_kind {
            SubsidyKind::Ratio => b.subsidy_ratio_permille,
            _ => None,
        },
        subsidy_cap_fen: match b.subsidy_kind {
            SubsidyKind::None => None,
            _ => b.subsidy_cap_fen,
        },
        age_min: b.age_min.unwrap_or(rules::DEFAULT_AGE_MIN),
        age_max: b.age_max.unwrap_or(rules::DEFAULT_AGE_MAX),
        quota_fen: b.quota_fen,
        offer_valid_days: b
            .offer_valid_days
            .unwrap_or(rules::DEFAULT_OFFER_VALID_DAYS),
    }
}

/// The area a cadre may offer a product in (403 outside their unit, or for county cadres), and
/// every field rule of the request (422, all at once).
async fn check(state: &AppState, cadre: &Cadre, b: &LoanProductRequest) -> ApiResult<TermNumbers> {
    let unit = state
        .league
        .unit(&b.area_unit_code)
        .ok_or_else(|| ApiError::field("areaUnitCode", "UNKNOWN_UNIT", "请指定一个团组织代码"))?;
    if !cadre.covers_unit(unit) {
        return Err(ApiError::forbidden_region());
    }
    if cadre.level == CadreLevel::County {
        return Err(ApiError::Forbidden(
            "PROVINCE_OR_CITY_ONLY",
            "贷款产品由省级或市（州）级团组织设立".into(),
        ));
    }
    let n = numbers(b);
    let mut errors: Vec<FieldError> = code_field(&b.code).into_iter().collect();
    errors.extend(rules::check_terms(&n));
    if b.valid_to < b.valid_from {
        errors.push(FieldError::new(
            "validTo",
            "RANGE",
            "有效期截止日期不能早于开始日期",
        ));
    }
    let bank = banks::Entity::find_by_id(b.bank_id).one(&state.db).await?;
    if !bank.is_some_and(|b| b.active) {
        errors.push(FieldError::new(
            "bankId",
            "UNKNOWN_BANK",
            "合作银行不存在或已停用",
        ));
    }
    if errors.is_empty() {
        Ok(n)
    } else {
        Err(ApiError::Validation(errors))
    }
}

async fn detail(
    state: &AppState,
    cadre: &Cadre,
    p: loan_products::Model,
) -> ApiResult<AdminLoanProductView> {
    let timeline = timeline(
        &state.db,
        loan_products::Model::EVENTS,
        p.id,
        None,
        Audience::Staff,
    )
    .await?;
    let banks = banks_by_id(&state.db, [p.bank_id]).await?;
    let manageable = may_manage(cadre, &p.area_unit_code);
    let mut view = admin_view(&state.league, &banks, p, manageable)?;
    view.timeline = Some(timeline);
    Ok(view)
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Create a product as a draft, for a bank and an offer area inside the caller's unit (province
/// and top-level cadres).
#[utoipa::path(
    tag = "loans",
    operation_id = "create_loan_product",
    security(("bearer" = [])),
    request_body = LoanProductRequest,
    responses(
        (status = 201, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, PROVINCE_OR_CITY_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "PRODUCT_CODE_TAKEN"),
        (status = 422, body = ErrorEnvelope, description = "code: FORMAT; amounts, terms, rates, ages: RANGE; bankId: UNKNOWN_BANK; areaUnitCode: UNKNOWN_UNIT")
    )
)]
#[post("/admin/loan-products")]
pub async fn create_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<LoanProductRequest>,
) -> ApiResult<HttpResponse> {
    let n = check(&state, &cadre, &body).await?;
    let now = Utc::now();
    let b = &*body;
    let txn = crate::db::begin(&state.db).await?;
    let p = loan_products::ActiveModel {
        id: Set(Uuid::now_v7()),
        bank_id: Set(b.bank_id),
        code: Set(b.code.clone()),
        name: Set(b.name.clone()),
        description: Set(b.description.clone()),
        area_unit_code: Set(b.area_unit_code.clone()),
        borrower_kinds: Set(json_text(&rules::distinct(&b.borrower_kinds))),
        min_amount_fen: Set(n.min_amount_fen),
        max_amount_fen: Set(n.max_amount_fen),
        max_amount_business_fen: Set(n.max_amount_business_fen),
        amount_step_fen: Set(n.amount_step_fen),
        min_term_months: Set(n.min_term_months),
        max_term_months: Set(n.max_term_months),
        rate_min_bp: Set(n.rate_min_bp),
        rate_max_bp: Set(n.rate_max_bp),
        rate_note: Set(text(&b.rate_note)),
        guarantee_types: Set(json_text(&rules::distinct(&b.guarantee_types))),
        subsidy_kind: Set(n.subsidy_kind),
        subsidy_ratio_permille: Set(n.subsidy_ratio_permille),
        subsidy_cap_fen: Set(n.subsidy_cap_fen),
        subsidy_payer_note: Set(text(&b.subsidy_payer_note)),
        age_min: Set(n.age_min),
        age_max: Set(n.age_max),
        requires_verified_talent: Set(b.requires_verified_talent.unwrap_or(true)),
        allow_concurrent_loans: Set(b.allow_concurrent_loans.unwrap_or(false)),
        quota_fen: Set(n.quota_fen),
        committed_fen: Set(0),
        offer_valid_days: Set(n.offer_valid_days),
        valid_from: Set(b.valid_from),
        valid_to: Set(b.valid_to),
        status: Set(ProductStatus::Draft),
        created_by: Set(cadre.user_id),
        created_unit_code: Set(cadre.unit.code.clone()),
        bank_confirmed_by: Set(None),
        bank_confirmed_at: Set(None),
        change_request_note: Set(None),
        published_by: Set(None),
        published_at: Set(None),
        suspended_by_kind: Set(None),
        cloned_from_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(unique_is_code)?;
    record_creation(
        &txn,
        &p,
        ProductAction::Create,
        &Actor::cadre(&cadre),
        events::payload(b),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, &cadre, p).await?))
}

/// Products the cadre sees: offered in their unit and below (manageable by province and
/// top-level cadres) and in the units above it (read only).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_admin_loan_products",
    security(("bearer" = [])),
    params(AdminProductFilter, PageQuery),
    responses((status = 200, body = Page<AdminLoanProductView>))
)]
#[get("/admin/loan-products")]
pub async fn list_admin_loan_products(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminProductFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AdminLoanProductView>>> {
    let parts = page.parts()?;
    let mut q =
        loan_products::Entity::find().filter(P::AreaUnitCode.is_in(cadre.readable_unit_codes()));
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    if let Some(b) = filter.bank_id {
        q = q.filter(P::BankId.eq(b));
    }
    let q = q.order_by_desc(P::CreatedAt).order_by_desc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let banks = banks_by_id(&state.db, rows.iter().map(|p| p.bank_id)).await?;
    let items = rows
        .into_iter()
        .map(|p| {
            let manageable = may_manage(&cadre, &p.area_unit_code);
            admin_view(&state.league, &banks, p, manageable)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One product with its history.
#[utoipa::path(
    tag = "loans",
    operation_id = "get_admin_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/loan-products/{id}")]
pub async fn get_admin_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let p = visible_product(&state.db, &cadre, *id).await?;
    Ok(web::Json(detail(&state, &cadre, p).await?))
}

fn published_refusal(p: &loan_products::Model) -> Option<ApiError> {
    matches!(
        p.status,
        ProductStatus::Published | ProductStatus::Suspended | ProductStatus::Retired
    )
    .then(|| {
        ApiError::Conflict(
            "PRODUCT_PUBLISHED",
            "已发布的产品条款不能修改，请复制为新版本后修改".into(),
        )
    })
}

/// Change the terms of a draft, or of a product awaiting the bank (which clears the bank's
/// confirmation). A published product is 409 `PRODUCT_PUBLISHED`: clone it.
#[utoipa::path(
    tag = "loans",
    operation_id = "update_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = LoanProductRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, PROVINCE_OR_CITY_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRODUCT_PUBLISHED, PRODUCT_CHANGED, PRODUCT_CODE_TAKEN, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[put("/admin/loan-products/{id}")]
pub async fn update_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<LoanProductRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    // Reach and state first, then the body's rules (which read the banks), then the change.
    let seen = managed_product(&state.db, &cadre, *id).await?;
    if let Some(refusal) = published_refusal(&seen) {
        return Err(refusal);
    }
    let n = check(&state, &cadre, &body).await?;
    let txn = crate::db::begin(&state.db).await?;
    let current = managed_product(&txn, &cadre, *id).await?;
    let b = &*body;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let applied = Transition::new(&current, ProductAction::Edit, &actor)
        .seen(b.version)
        .set(P::BankId, Expr::value(b.bank_id))
        .set(P::Code, Expr::value(b.code.clone()))
        .set(P::Name, Expr::value(b.name.clone()))
        .set(P::Description, Expr::value(b.description.clone()))
        .set(P::AreaUnitCode, Expr::value(b.area_unit_code.clone()))
        .set(
            P::BorrowerKinds,
            Expr::value(json_text(&rules::distinct(&b.borrower_kinds))),
        )
        .set(P::MinAmountFen, Expr::value(n.min_amount_fen))
        .set(P::MaxAmountFen, Expr::value(n.max_amount_fen))
        .set(
            P::MaxAmountBusinessFen,
            Expr::value(n.max_amount_business_fen),
        )
        .set(P::AmountStepFen, Expr::value(n.amount_step_fen))
        .set(P::MinTermMonths, Expr::value(n.min_term_months))
        .set(P::MaxTermMonths, Expr::value(n.max_term_months))
        .set(P::RateMinBp, Expr::value(n.rate_min_bp))
        .set(P::RateMaxBp, Expr::value(n.rate_max_bp))
        .set(P::RateNote, Expr::value(text(&b.rate_note)))
        .set(
            P::GuaranteeTypes,
            Expr::value(json_text(&rules::distinct(&b.guarantee_types))),
        )
        .set(P::SubsidyKind, Expr::value(n.subsidy_kind.to_value()))
        .set(
            P::SubsidyRatioPermille,
            Expr::value(n.subsidy_ratio_permille),
        )
        .set(P::SubsidyCapFen, Expr::value(n.subsidy_cap_fen))
        .set(
            P::SubsidyPayerNote,
            Expr::value(text(&b.subsidy_payer_note)),
        )
        .set(P::AgeMin, Expr::value(n.age_min))
        .set(P::AgeMax, Expr::value(n.age_max))
        .set(
            P::RequiresVerifiedTalent,
            Expr::value(b.requires_verified_talent.unwrap_or(true)),
        )
        .set(
            P::AllowConcurrentLoans,
            Expr::value(b.allow_concurrent_loans.unwrap_or(false)),
        )
        .set(P::QuotaFen, Expr::value(n.quota_fen))
        .set(P::OfferValidDays, Expr::value(n.offer_valid_days))
        .set(P::ValidFrom, Expr::value(b.valid_from))
        .set(P::ValidTo, Expr::value(b.valid_to))
        // The bank confirmed other terms: it must look again.
        .set(P::BankConfirmedBy, Expr::value(None::<Uuid>))
        .set(
            P::BankConfirmedAt,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .set(P::UpdatedAt, Expr::value(now))
        .payload(b)
        .or_else(published_refusal)
        .run(&txn)
        .await
        .map_err(|e| match e {
            ApiError::Conflict("DUPLICATE", _) => code_taken(),
            other => other,
        })?;
    txn.commit().await?;
    Ok(web::Json(
        detail(&state, &cadre, applied.into_record()).await?,
    ))
}

/// What a product transition sets besides its status.
pub enum Step {
    Plain,
    /// The terms go (back) to the bank: any confirmation is void.
    ClearConfirmation,
    Publish {
        by: Uuid,
    },
    Confirm {
        by: Uuid,
    },
    RequestChanges {
        note: String,
    },
    Suspend(SuspendedBy),
    Resume(SuspendedBy),
}

/// The answer when a product is suspended by the other side.
pub fn other_side() -> ApiError {
    ApiError::Forbidden(
        "SUSPENDED_BY_OTHER_SIDE",
        "该产品由另一方暂停，须由暂停方恢复".into(),
    )
}

fn confirmation_required() -> ApiError {
    ApiError::Conflict(
        "BANK_CONFIRMATION_REQUIRED",
        "合作银行确认产品条款后才能发布".into(),
    )
}

/// One product transition (cadres and bank officers): the conditional update with the version
/// seen, what the step sets, and the step's own refusals.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    txn: &DatabaseTransaction,
    current: &loan_products::Model,
    actor: &Actor,
    action: ProductAction,
    version: Option<i32>,
    reason: Option<String>,
    step: Step,
    payload: Option<String>,
) -> ApiResult<crate::workflow::Applied<loan_products::Model>> {
    let now = Utc::now();
    let none_at = Expr::value(None::<chrono::DateTime<Utc>>);
    let t = Transition::new(current, action, actor)
        .seen(version)
        .set(P::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload_json(payload);
    let t = match step {
        Step::Plain => t,
        Step::ClearConfirmation => t
            .set(P::BankConfirmedBy, Expr::value(None::<Uuid>))
            .set(P::BankConfirmedAt, none_at),
        Step::Publish { by } => t
            .only_if(P::BankConfirmedAt.is_not_null())
            .set(P::PublishedBy, Expr::value(by))
            .set(P::PublishedAt, Expr::value(now))
            .or_else(|now| {
                (now.status == ProductStatus::AwaitingBank && now.bank_confirmed_at.is_none())
                    .then(confirmation_required)
            }),
        Step::Confirm { by } => t
            .set(P::BankConfirmedBy, Expr::value(by))
            .set(P::BankConfirmedAt, Expr::value(now))
            .set(P::ChangeRequestNote, Expr::value(None::<String>)),
        Step::RequestChanges { note } => t
            .set(P::ChangeRequestNote, Expr::value(note))
            .set(P::BankConfirmedBy, Expr::value(None::<Uuid>))
            .set(P::BankConfirmedAt, none_at),
        Step::Suspend(side) => t.set(P::SuspendedByKind, Expr::value(side.to_value())),
        Step::Resume(side) => {
            if current.status == ProductStatus::Suspended
                && current.suspended_by_kind.is_some_and(|s| s != side)
            {
                return Err(other_side());
            }
            t.only_if(P::SuspendedByKind.eq(side.to_value()))
                .set(P::SuspendedByKind, Expr::value(None::<String>))
                .or_else(move |now| {
                    (now.status == ProductStatus::Suspended
                        && now.suspended_by_kind.is_some_and(|s| s != side))
                    .then(other_side)
                })
        }
    };
    t.run(txn).await
}

/// A product action of a managing cadre. `check` sees the product as read in the transaction.
#[allow(clippy::too_many_arguments)]
async fn act(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
    action: ProductAction,
    version: Option<i32>,
    reason: Option<String>,
    step: Step,
    check: impl FnOnce(&loan_products::Model) -> ApiResult<()>,
    payload: Option<String>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let txn = crate::db::begin(&state.db).await?;
    let current = managed_product(&txn, cadre, id).await?;
    check(&current)?;
    let actor = Actor::cadre(cadre);
    let applied = run(
        &txn, &current, &actor, action, version, reason, step, payload,
    )
    .await?;
    txn.commit().await?;
    Ok(web::Json(
        detail(state, cadre, applied.into_record()).await?,
    ))
}

fn no_check(_: &loan_products::Model) -> ApiResult<()> {
    Ok(())
}

/// Send a draft to the bank, whose officer confirms the terms or asks for changes.
#[utoipa::path(
    tag = "loans",
    operation_id = "send_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/loan-products/{id}/bank-submissions")]
pub async fn send_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    act(
        &state,
        &cadre,
        *id,
        ProductAction::SendToBank,
        body.version,
        None,
        Step::ClearConfirmation,
        no_check,
        events::payload(&*body),
    )
    .await
}

/// Publish a product the bank confirmed: a cadre other than its creator (four-eyes), of the
/// creator's unit or a unit above it.
#[utoipa::path(
    tag = "loans",
    operation_id = "publish_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the creator), PARENT_UNIT_ONLY (a unit below the creator's), OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "BANK_CONFIRMATION_REQUIRED, INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/loan-products/{id}/publications")]
pub async fn publish_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    let user = cadre.user_id;
    let tree = state.league.clone();
    act(
        &state,
        &cadre,
        *id,
        ProductAction::Publish,
        body.version,
        None,
        Step::Publish { by: user },
        |current| {
            // Four-eyes against the stored maker, inside the transaction (conventions §9).
            if current.created_by == user {
                return Err(ApiError::Forbidden(
                    "SAME_ACTOR_NOT_ALLOWED",
                    "产品须由创建人以外的团干部发布".into(),
                ));
            }
            let maker_unit = tree.unit(&current.created_unit_code);
            if !maker_unit.is_some_and(|u| cadre.covers_unit(u)) {
                return Err(ApiError::Forbidden(
                    "PARENT_UNIT_ONLY",
                    "产品须由创建人所在团组织或其上级团组织的团干部发布".into(),
                ));
            }
            Ok(())
        },
        events::payload(&*body),
    )
    .await
}

/// Suspend a published product for the league (only the league resumes it).
#[utoipa::path(
    tag = "loans",
    operation_id = "suspend_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductSuspensionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/loan-products/{id}/suspensions")]
pub async fn suspend_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductSuspensionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    act(
        &state,
        &cadre,
        *id,
        ProductAction::Suspend,
        body.version,
        text(&body.reason),
        Step::Suspend(SuspendedBy::League),
        no_check,
        events::payload(&*body),
    )
    .await
}

/// Resume a product the league suspended (one the bank suspended: 403
/// `SUSPENDED_BY_OTHER_SIDE`).
#[utoipa::path(
    tag = "loans",
    operation_id = "resume_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "SUSPENDED_BY_OTHER_SIDE, OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/loan-products/{id}/resumptions")]
pub async fn resume_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    act(
        &state,
        &cadre,
        *id,
        ProductAction::Resume,
        body.version,
        None,
        Step::Resume(SuspendedBy::League),
        no_check,
        events::payload(&*body),
    )
    .await
}

/// Retire a published or suspended product for good (open applications keep their terms).
#[utoipa::path(
    tag = "loans",
    operation_id = "retire_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductVersionRequest,
    responses(
        (status = 200, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, PRODUCT_CHANGED")
    )
)]
#[post("/admin/loan-products/{id}/retirements")]
pub async fn retire_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductVersionRequest>,
) -> ApiResult<web::Json<AdminLoanProductView>> {
    act(
        &state,
        &cadre,
        *id,
        ProductAction::Retire,
        body.version,
        None,
        Step::Plain,
        no_check,
        events::payload(&*body),
    )
    .await
}

/// A new version of a product: a draft with the same terms and a new code, created by the
/// caller (who then may not publish it), for the bank to confirm again.
#[utoipa::path(
    tag = "loans",
    operation_id = "clone_loan_product",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProductCloneRequest,
    responses(
        (status = 201, body = AdminLoanProductView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRODUCT_CODE_TAKEN"),
        (status = 422, body = ErrorEnvelope, description = "code: FORMAT")
    )
)]
#[post("/admin/loan-products/{id}/clones")]
pub async fn clone_loan_product(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProductCloneRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let source = managed_product(&txn, &cadre, *id).await?;
    if let Some(e) = code_field(&body.code) {
        return Err(ApiError::Validation(vec![e]));
    }
    // Every column is written (`reset_all`), then the fields of a new draft are set.
    let mut copy = loan_products::ActiveModel::from(source.clone()).reset_all();
    copy.id = Set(Uuid::now_v7());
    copy.code = Set(body.code.clone());
    copy.status = Set(ProductStatus::Draft);
    copy.committed_fen = Set(0);
    copy.created_by = Set(cadre.user_id);
    copy.created_unit_code = Set(cadre.unit.code.clone());
    copy.bank_confirmed_by = Set(None);
    copy.bank_confirmed_at = Set(None);
    copy.change_request_note = Set(None);
    copy.published_by = Set(None);
    copy.published_at = Set(None);
    copy.suspended_by_kind = Set(None::<SuspendedBy>);
    copy.cloned_from_id = Set(Some(source.id));
    copy.version = Set(1);
    copy.created_at = Set(now);
    copy.updated_at = Set(now);
    let p = copy.insert(&txn).await.map_err(unique_is_code)?;
    record_creation(
        &txn,
        &p,
        ProductAction::Clone,
        &Actor::cadre(&cadre),
        events::payload(&serde_json::json!({"code": body.code, "clonedFromId": source.id})),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, &cadre, p).await?))
}
