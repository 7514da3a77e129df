//! Youth apply: the side-effect-free eligibility check, the submission (`Idempotency-Key`, two
//! consents for the named bank, one open application per person), their own applications, the
//! resubmission of a returned one, withdrawing and declining an offer.
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{Datelike, Duration, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::loan_borrowers::{self, Column as B};
use entity::loan_products::{self, ProductStatus};
use entity::notifications::NotificationKind;
use entity::sharing_consents::{ConsentPurpose, ConsentSubject, RecipientKind};
use entity::users::{self, StaffRole};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::dto::{
    EligibilityRequest, EligibilityView, LoanApplicationRequest, LoanApplicationView, ProductTerms,
    WithdrawalRequest,
};
use super::eligibility::{self, Check, in_progress, outstanding_loan};
use super::queries::banks_by_id;
use super::rules::{self, Ask};
use super::state::ApplicationAction;
use super::views::{ListRow, local_short_name, my_item, my_view, terms_of};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::json_text;
use crate::consents::{self, NewConsent, Recipient, Subject as ConsentOf};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::media::{Attachment, MediaField, MediaPurpose};
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_partial_apart};
use crate::talents::profile_required;
use crate::validation::normalize_unified_credit_code;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Transition, events};

/// The documents of an application.
pub const ATTACHMENTS: MediaField = MediaField::new("attachments", MediaPurpose::LoanDocument);
/// `attached_kind` of loan applications' media.
pub const MEDIA_KIND: &str = "loan_application";
/// The mini-program page of a youth's loan applications.
pub const LOANS_PAGE: &str = "/pages/loans/mine";

impl IdempotentEntity for loan_applications::Entity {
    fn creator_column() -> A {
        A::ApplicantUserId
    }
    fn key_column() -> A {
        A::IdempotencyKey
    }
    fn stored_hash(model: &loan_applications::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

/// A product youth may ask about: one that was ever published (drafts do not exist for them).
async fn public_product(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<loan_products::Model> {
    loan_products::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| {
            matches!(
                p.status,
                ProductStatus::Published | ProductStatus::Suspended | ProductStatus::Retired
            )
        })
        .ok_or_else(|| ApiError::not_found("贷款产品"))
}

fn ask_of(b: &LoanApplicationRequest) -> Ask {
    Ask {
        borrower_kind: Some(b.borrower_kind),
        amount_fen: Some(b.amount_fen),
        term_months: Some(b.term_months),
        guarantee_type: Some(b.guarantee_type),
    }
}

/// The business code (required and checked for a registered business) and the two consents.
fn own_field_errors(b: &LoanApplicationRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match b.unified_credit_code.as_deref().map(str::trim) {
        None | Some("") if b.business_registered => errors.push(FieldError::new(
            "unifiedCreditCode",
            "REQUIRED",
            "已登记的经营主体请填写统一社会信用代码",
        )),
        Some(code) if !code.is_empty() && normalize_unified_credit_code(code).is_none() => errors
            .push(FieldError::new(
                "unifiedCreditCode",
                "FORMAT",
                "统一社会信用代码应为18位，且校验位正确",
            )),
        _ => {}
    }
    for e in rules::CREDIT_INQUIRY_CONSENT
        .check(
            "creditInquiryConsent",
            b.credit_inquiry_consent,
            &b.consent_version,
        )
        .into_iter()
        .chain(rules::BANK_SHARING_CONSENT.check(
            "bankSharingConsent",
            b.bank_sharing_consent,
            &b.consent_version,
        ))
    {
        if !errors
            .iter()
            .any(|x| x.field == e.field && x.code == e.code)
        {
            errors.push(e);
        }
    }
    errors
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A unique violation of the one-open-application index (PostgreSQL names the index; SQLite
/// names its one column, which no other unique index of the table has alone).
fn is_open_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(m))
        if m.contains("uq_loan_applications_open")
            || m.trim_end().ends_with("loan_applications.applicant_user_id"))
}

/// Insert an application under a savepoint: a racing open application is 409
/// `APPLICATION_IN_PROGRESS` naming it (read after rolling the savepoint back).
async fn insert_open(
    txn: &DatabaseTransaction,
    model: loan_applications::ActiveModel,
    user_id: Uuid,
) -> ApiResult<loan_applications::Model> {
    let savepoint = txn.begin().await?;
    match model.insert(&savepoint).await {
        Ok(m) => {
            savepoint.commit().await?;
            Ok(m)
        }
        Err(e) if is_open_violation(&e) => {
            savepoint.rollback().await?;
            let number = eligibility::open_application(txn, user_id)
                .await?
                .map(|a| a.number)
                .unwrap_or_default();
            Err(in_progress(&number))
        }
        Err(e) => Err(e.into()),
    }
}

/// The borrower's guard row, made on first use, then locked by a conditional update that only
/// passes without an outstanding loan (conventions §6).
pub async fn ensure_borrower(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    loan_borrowers::Entity::insert(loan_borrowers::ActiveModel {
        user_id: Set(user_id),
        outstanding_loans: Set(0),
        version: Set(1),
    })
    .on_conflict(OnConflict::column(B::UserId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn lock_borrower_without_loans(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    ensure_borrower(db, user_id).await?;
    let hit = loan_borrowers::Entity::update_many()
        .col_expr(B::Version, Expr::col(B::Version).add(1))
        .filter(B::UserId.eq(user_id))
        .filter(B::OutstandingLoans.eq(0))
        .exec(db)
        .await?
        .rows_affected;
    if hit == 0 {
        return Err(outstanding_loan());
    }
    Ok(())
}

/// In-app notices to every active officer of a bank.
pub async fn notify_bank(
    db: &impl ConnectionTrait,
    bank_id: Uuid,
    kind: NotificationKind,
    title: &str,
    body: &str,
) -> ApiResult<()> {
    let officers = users::Entity::find()
        .filter(users::Column::StaffRole.eq(StaffRole::BankOfficer))
        .filter(users::Column::BankId.eq(bank_id))
        .filter(users::Column::Disabled.eq(false))
        .all(db)
        .await?;
    for o in officers {
        notify(db, o.id, kind, title, body, None).await?;
    }
    Ok(())
}

/// Check whether the caller may apply for a product, and with what: every reason at once
/// (product, region, profile, verification, age, open application, outstanding loan, the
/// amounts and terms given, the bound phone). Writes nothing.
#[utoipa::path(
    tag = "loans",
    operation_id = "check_loan_eligibility",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EligibilityRequest,
    responses(
        (status = 200, body = EligibilityView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[post("/loan-products/{id}/eligibility-checks")]
pub async fn check_loan_eligibility(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<EligibilityRequest>,
) -> ApiResult<web::Json<EligibilityView>> {
    user.require_youth()?;
    let product = public_product(&state.db, *id).await?;
    let terms = ProductTerms::of(&product)?;
    let (_, reasons) = eligibility::reasons(
        &state.db,
        &user,
        Check {
            tree: &state.league,
            product: &product,
            terms: &terms,
            ask: Ask {
                borrower_kind: body.borrower_kind,
                amount_fen: body.amount_fen,
                term_months: body.term_months,
                guarantee_type: body.guarantee_type,
            },
            extra_fields: Vec::new(),
            now: Utc::now(),
        },
    )
    .await?;
    Ok(web::Json(EligibilityView {
        eligible: reasons.is_empty(),
        reasons: eligibility::listed(&reasons),
    }))
}

/// Apply for a product (send an `Idempotency-Key`: a repeat with the same key and body answers
/// 200 with the first application). The two consents name the product's bank and are recorded
/// in `sharing_consents`; the application waits for the local unit's recommendation until
/// `reviewDueAt` (`JIQING_LOAN_REVIEW_DAYS`).
#[utoipa::path(
    tag = "loans",
    operation_id = "create_loan_application",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")),
    request_body = LoanApplicationRequest,
    responses(
        (status = 201, body = LoanApplicationView),
        (status = 200, body = LoanApplicationView, description = "a repeat of an earlier request with the same Idempotency-Key and body"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, OUTSIDE_PRODUCT_REGION, VERIFICATION_REQUIRED, AGE_NOT_ELIGIBLE"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRODUCT_NOT_AVAILABLE, TALENT_PROFILE_REQUIRED, APPLICATION_IN_PROGRESS (the open application's number in the message), OUTSTANDING_LOAN, PHONE_REQUIRED"),
        (status = 422, body = ErrorEnvelope, description = "IDEMPOTENCY_KEY_REUSED; field codes RANGE (amountFen, termMonths), INVALID_VALUE (borrowerKind, guaranteeType), CONSENT_REQUIRED, CONSENT_OUTDATED, MEDIA_KEY_INVALID, REQUIRED/FORMAT (unifiedCreditCode)")
    )
)]
#[post("/loan-applications")]
pub async fn create_loan_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<LoanApplicationRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) =
        idempotency::first_result::<loan_applications::Entity>(&state.db, user.id(), key.as_ref())
            .await?
    {
        return Ok(HttpResponse::Ok().json(my_view(&state, first).await?));
    }
    let now = Utc::now();
    let product = public_product(&state.db, body.product_id).await?;
    let terms = ProductTerms::of(&product)?;
    let id = Uuid::now_v7();
    let record = Attachment::new(MEDIA_KIND, id);
    let mut extra = own_field_errors(&body);
    extra.extend(
        ATTACHMENTS
            .check(&state.db, user.id(), &body.attachments, record)
            .await?,
    );
    let (profile, reasons) = eligibility::reasons(
        &state.db,
        &user,
        Check {
            tree: &state.league,
            product: &product,
            terms: &terms,
            ask: ask_of(&body),
            extra_fields: extra,
            now,
        },
    )
    .await?;
    eligibility::first_refusal(reasons)?;
    let profile = profile.ok_or_else(profile_required)?;
    let bank_name = banks_by_id(&state.db, [product.bank_id])
        .await?
        .remove(&product.bank_id)
        .map(|b| b.name)
        .unwrap_or_default();
    let settings = state.settings.loans;
    let local = local_short_name(&state, &profile.home_region_code);
    let number = crate::crypto::serial_number("JQD", crate::time::to_china(now).year());
    let actor = Actor::youth(user.id());
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let snapshot = serde_json::to_string(&terms)
        .map_err(|e| ApiError::Unexpected(anyhow::Error::new(e).context("product terms")))?;
    let b = &*body;
    let mut sent = Vec::new();
    let created = idempotency::create_once::<loan_applications::Entity, _>(
        &state.db,
        user.id(),
        key.as_ref(),
        async |txn| {
            if !terms.allow_concurrent_loans {
                lock_borrower_without_loans(txn, user.id()).await?;
            }
            let app = insert_open(
                txn,
                loan_applications::ActiveModel {
                    id: Set(id),
                    number: Set(number.clone()),
                    applicant_user_id: Set(Some(user.id())),
                    talent_profile_id: Set(Some(profile.id)),
                    product_id: Set(product.id),
                    bank_id: Set(product.bank_id),
                    product_terms: Set(snapshot),
                    borrower_kind: Set(b.borrower_kind),
                    region_code: Set(profile.home_region_code.clone()),
                    applicant_name: Set(Some(profile.real_name.clone())),
                    applicant_phone_enc: Set(user.user.phone_enc.clone()),
                    applicant_id_number_enc: Set(Some(profile.id_number_enc.clone())),
                    amount_fen: Set(b.amount_fen),
                    term_months: Set(b.term_months),
                    purpose: Set(b.purpose),
                    purpose_detail: Set(Some(b.purpose_detail.trim().to_owned())),
                    business_name: Set(trimmed(&b.business_name)),
                    business_registered: Set(b.business_registered),
                    unified_credit_code: Set(b
                        .unified_credit_code
                        .as_deref()
                        .and_then(normalize_unified_credit_code)),
                    annual_revenue_fen: Set(b.annual_revenue_fen),
                    existing_debt_fen: Set(b.existing_debt_fen),
                    jobs_created: Set(b.jobs_created),
                    guarantee_type: Set(b.guarantee_type),
                    guarantee_detail: Set(trimmed(&b.guarantee_detail)),
                    attachments: Set(json_text(&b.attachments)),
                    status: Set(LoanStatus::Submitted),
                    return_count: Set(0),
                    submitted_at: Set(now),
                    review_due_at: Set(now + Duration::days(settings.review_days.into())),
                    subsidy_claimed_fen: Set(0),
                    idempotency_key: Set(idempotency_key.clone()),
                    request_hash: Set(request_hash),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                },
                user.id(),
            )
            .await?;
            ATTACHMENTS
                .attach(txn, user.id(), &b.attachments, record)
                .await?;
            let subject = ConsentOf {
                kind: ConsentSubject::LoanApplication,
                id,
            };
            for (purpose, text) in [
                (
                    ConsentPurpose::LoanCreditInquiry,
                    rules::CREDIT_INQUIRY_CONSENT,
                ),
                (ConsentPurpose::LoanBankSharing, rules::BANK_SHARING_CONSENT),
            ] {
                consents::grant(
                    txn,
                    NewConsent {
                        user_id: user.id(),
                        purpose,
                        recipient: Recipient {
                            kind: RecipientKind::Bank,
                            id: Some(product.bank_id),
                            name: &bank_name,
                        },
                        subject,
                        consent_version: text.version,
                    },
                    now,
                )
                .await?;
            }
            record_creation(
                txn,
                &app,
                ApplicationAction::Submit,
                &actor,
                events::payload(b),
                idempotency_key,
            )
            .await?;
            sent.push(
                notify(
                    txn,
                    user.id(),
                    NotificationKind::LoanSubmitted,
                    "贷款申请已提交",
                    &format!("您的贷款申请（编号{number}）已提交，等待{local}推荐。"),
                    Some(LOANS_PAGE),
                )
                .await?,
            );
            Ok(app)
        },
    )
    .await?;
    let is_new = created.is_new();
    if is_new {
        deliver(&state, sent);
    }
    let view = my_view(&state, created.into_inner()).await?;
    Ok(if is_new {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// The caller's applications, newest first.
#[utoipa::path(
    tag = "loans",
    operation_id = "list_my_loan_applications",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<LoanApplicationView>))
)]
#[get("/me/loan-applications")]
pub async fn list_my_loan_applications(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<LoanApplicationView>>> {
    let parts = page.parts()?;
    let q = loan_applications::Entity::find().filter(A::ApplicantUserId.eq(user.id()));
    let (rows, total) = page_partial_apart::<_, ListRow>(
        q,
        |q| {
            ListRow::joined(q)
                .order_by_desc(A::CreatedAt)
                .order_by_desc(A::Id)
        },
        &state.db,
        parts,
    )
    .await?;
    let items = rows.iter().map(|row| my_item(&state, row, None)).collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// The caller's application by id (404 for anyone else's).
pub async fn own_application(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<loan_applications::Model> {
    loan_applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| a.applicant_user_id == Some(user.id()))
        .ok_or_else(|| ApiError::not_found("贷款申请"))
}

/// One of the caller's applications with its timeline (the league unit's and the bank's names,
/// never a person's) and next step.
#[utoipa::path(
    tag = "loans",
    operation_id = "get_my_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = LoanApplicationView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/me/loan-applications/{id}")]
pub async fn get_my_loan_application(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<LoanApplicationView>> {
    let app = own_application(&state.db, &user, *id).await?;
    Ok(web::Json(my_view(&state, app).await?))
}

fn lapsed() -> ApiError {
    ApiError::Conflict(
        "APPLICATION_LAPSED",
        "退回后未在期限内重新提交，申请已失效，请重新申请".into(),
    )
}

/// Resubmit a returned application with changes, naming the version edited, before
/// `resubmitDueAt` (else 409 `APPLICATION_LAPSED`); the product's terms are those of the
/// submission.
#[utoipa::path(
    tag = "loans",
    operation_id = "update_my_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = LoanApplicationRequest,
    responses(
        (status = 200, body = LoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "APPLICATION_CHANGED, APPLICATION_LAPSED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; productId: IMMUTABLE; as the submission")
    )
)]
#[put("/me/loan-applications/{id}")]
pub async fn update_my_loan_application(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<LoanApplicationRequest>,
) -> ApiResult<web::Json<LoanApplicationView>> {
    let now = Utc::now();
    let current = own_application(&state.db, &user, *id).await?;
    let terms = terms_of(&current)?;
    let record = Attachment::new(MEDIA_KIND, current.id);
    let mut errors = Vec::new();
    if body.version.is_none() {
        errors.push(FieldError::new(
            "version",
            "REQUIRED",
            "请注明所修改的版本号",
        ));
    }
    if body.product_id != current.product_id {
        errors.push(FieldError::new(
            "productId",
            "IMMUTABLE",
            "重新提交时不能更换贷款产品，请撤回后重新申请",
        ));
    }
    errors.extend(rules::ask_errors(&terms, ask_of(&body)));
    errors.extend(own_field_errors(&body));
    errors.extend(
        ATTACHMENTS
            .check(&state.db, user.id(), &body.attachments, record)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let b = &*body;
    let review_days = state.settings.loans.review_days;
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let current = own_application(&txn, &user, *id).await?;
    let applied = Transition::new(&current, ApplicationAction::Resubmit, &actor)
        .seen(b.version)
        .only_if(A::ResubmitDueAt.gt(now))
        .set(A::BorrowerKind, Expr::value(b.borrower_kind.to_value()))
        .set(A::AmountFen, Expr::value(b.amount_fen))
        .set(A::TermMonths, Expr::value(b.term_months))
        .set(A::Purpose, Expr::value(b.purpose.to_value()))
        .set(A::PurposeDetail, Expr::value(b.purpose_detail.trim()))
        .set(A::BusinessName, Expr::value(trimmed(&b.business_name)))
        .set(A::BusinessRegistered, Expr::value(b.business_registered))
        .set(
            A::UnifiedCreditCode,
            Expr::value(
                b.unified_credit_code
                    .as_deref()
                    .and_then(normalize_unified_credit_code),
            ),
        )
        .set(A::AnnualRevenueFen, Expr::value(b.annual_revenue_fen))
        .set(A::ExistingDebtFen, Expr::value(b.existing_debt_fen))
        .set(A::JobsCreated, Expr::value(b.jobs_created))
        .set(A::GuaranteeType, Expr::value(b.guarantee_type.to_value()))
        .set(
            A::GuaranteeDetail,
            Expr::value(trimmed(&b.guarantee_detail)),
        )
        .set(A::Attachments, Expr::value(json_text(&b.attachments)))
        .set(
            A::ReviewDueAt,
            Expr::value(now + Duration::days(review_days.into())),
        )
        .set(A::UpdatedAt, Expr::value(now))
        .payload(b)
        .or_else(|now_app| {
            (now_app.status == LoanStatus::Returned
                && now_app.resubmit_due_at.is_some_and(|d| d <= now))
            .then(lapsed)
        })
        .run(&txn)
        .await?;
    if applied.is_done() {
        ATTACHMENTS
            .attach(&txn, user.id(), &b.attachments, record)
            .await?;
    }
    txn.commit().await?;
    Ok(web::Json(my_view(&state, applied.into_record()).await?))
}

/// Withdraw an application not yet approved (an approved offer is declined instead); the
/// sharing with the bank ends. The bank's officers are told when it had reached them.
#[utoipa::path(
    tag = "loans",
    operation_id = "withdraw_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = WithdrawalRequest,
    responses(
        (status = 200, body = LoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE")
    )
)]
#[post("/me/loan-applications/{id}/withdrawals")]
pub async fn withdraw_loan_application(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<WithdrawalRequest>,
) -> ApiResult<web::Json<LoanApplicationView>> {
    end_by_youth(&state, &user, *id, ApplicationAction::Withdraw, &body).await
}

/// Decline an approved offer: the quota it held goes back to the product.
#[utoipa::path(
    tag = "loans",
    operation_id = "decline_loan_offer",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = WithdrawalRequest,
    responses(
        (status = 200, body = LoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE")
    )
)]
#[post("/me/loan-applications/{id}/offer-declines")]
pub async fn decline_loan_offer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<WithdrawalRequest>,
) -> ApiResult<web::Json<LoanApplicationView>> {
    end_by_youth(&state, &user, *id, ApplicationAction::DeclineOffer, &body).await
}

/// Give back what an approval holds of a product's quota (conditional, never below zero).
pub async fn release_quota(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    amount_fen: i64,
) -> ApiResult<()> {
    use loan_products::Column as P;
    loan_products::Entity::update_many()
        .col_expr(P::CommittedFen, Expr::col(P::CommittedFen).sub(amount_fen))
        .filter(P::Id.eq(product_id))
        .filter(P::CommittedFen.gte(amount_fen))
        .exec(db)
        .await?;
    Ok(())
}

async fn end_by_youth(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: ApplicationAction,
    body: &WithdrawalRequest,
) -> ApiResult<web::Json<LoanApplicationView>> {
    let now = Utc::now();
    let reason = trimmed(&body.reason);
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let current = own_application(&txn, user, id).await?;
    let applied = Transition::new(&current, action, &actor)
        .set(A::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(body)
        .run(&txn)
        .await?;
    if applied.is_done() {
        let app = applied.record();
        consents::withdraw(
            &txn,
            ConsentOf {
                kind: ConsentSubject::LoanApplication,
                id: app.id,
            },
            None,
            now,
        )
        .await?;
        if let (ApplicationAction::DeclineOffer, Some(amount)) =
            (action, current.approved_amount_fen)
        {
            release_quota(&txn, current.product_id, amount).await?;
        }
        // The bank had it: its officers are told (in-app).
        if matches!(
            current.status,
            LoanStatus::Recommended | LoanStatus::BankReviewing | LoanStatus::Approved
        ) {
            notify_bank(
                &txn,
                current.bank_id,
                NotificationKind::LoanWithdrawn,
                "贷款申请已撤回",
                &format!("贷款申请（编号{}）已由申请人撤回。", current.number),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(web::Json(my_view(state, applied.into_record()).await?))
}
