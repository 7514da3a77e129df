//! The bank step: an officer sees only the applications recommended to their own bank
//! (anything else is 404, in lists too), accepts the referral (受理), approves (quota reserved in
//! the same transaction) or rejects, and disburses.
use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::loan_borrowers::{self, Column as B};
use entity::loan_products::{self, Column as P};
use entity::notifications::NotificationKind;
use entity::sharing_consents::ConsentSubject;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Select,
};
use uuid::Uuid;

use super::applications::{LOANS_PAGE, ensure_borrower};
use super::dto::{
    ApplicationVersionRequest, BankApplicationFilter, BankLoanApplicationView, DecisionRequest,
    DisbursementRequest, LoanDecision,
};
use super::kept_lists;
use super::rules::{self, amount_label, rate_label};
use super::state::ApplicationAction;
use super::views::{ListRow, bank_item, bank_view, terms_of};
use crate::app_state::AppState;
use crate::auth::BankOfficer;
use crate::choices::Labelled;
use crate::consents::{self, Subject as ConsentOf};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_partial_apart};
use crate::time::{to_china, today_in_china};
use crate::workflow::{Actor, Applied, Transition};

/// What the officer's bank may see: its applications once recommended, except those withdrawn
/// before it accepted the referral.
pub fn of_bank(bank_id: Uuid) -> Select<loan_applications::Entity> {
    loan_applications::Entity::find()
        .filter(A::BankId.eq(bank_id))
        .filter(A::RecommendedAt.is_not_null())
        .filter(
            Condition::any()
                .add(A::Status.ne(LoanStatus::Withdrawn))
                .add(A::AcceptedAt.is_not_null()),
        )
}

/// An application of the officer's bank by id (anything else is 404).
pub async fn bank_application(
    db: &impl ConnectionTrait,
    officer: &BankOfficer,
    id: Uuid,
) -> ApiResult<loan_applications::Model> {
    of_bank(officer.bank_id)
        .filter(A::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("贷款申请"))
}

/// The bank's queue, by the date its decision is due (`status`: one of recommended,
/// bank_reviewing, approved, disbursed, overdue, …).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_bank_loan_applications",
    security(("bearer" = [])),
    params(BankApplicationFilter, PageQuery),
    responses((status = 200, body = Page<BankLoanApplicationView>))
)]
#[get("/admin/bank/loan-applications")]
pub async fn list_bank_loan_applications(
    state: web::Data<AppState>,
    officer: BankOfficer,
    filter: crate::input::Query<BankApplicationFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let parts = page.parts()?;
    let status = filter.status;
    // Every officer of the bank reads the same page: kept per loan list stamp (`kept_lists`).
    let key = format!(
        "bank-loans|{}|{}|{status:?}|{parts:?}",
        kept_lists::stamp(&state.db).await?,
        officer.bank_id
    );
    let build = async {
        let mut q = of_bank(officer.bank_id);
        if let Some(s) = status {
            q = q.filter(A::Status.eq(s));
        }
        let (rows, total) = page_partial_apart::<_, ListRow>(
            q,
            |q| {
                ListRow::joined(q)
                    .order_by_asc(A::BankDueAt)
                    .order_by_asc(A::Id)
            },
            &state.db,
            parts,
        )
        .await?;
        let items: Vec<BankLoanApplicationView> = rows
            .iter()
            .map(|row| bank_item(&state, row, None))
            .collect();
        Ok(Page::new(items, total, parts))
    };
    state.shared_answers.json(key, build).await
}

/// One application of the bank with its history.
#[utoipa::path(
    tag = "loans",
    operation_id = "get_bank_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/bank/loan-applications/{id}")]
pub async fn get_bank_loan_application(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let app = bank_application(&state.db, &officer, *id).await?;
    Ok(web::Json(bank_view(&state, app).await?))
}

async fn tell_youth(
    txn: &DatabaseTransaction,
    app: &loan_applications::Model,
    kind: NotificationKind,
    title: &str,
    body: &str,
) -> ApiResult<Vec<entity::notifications::Model>> {
    Ok(match app.applicant_user_id {
        Some(user) => vec![notify(txn, user, kind, title, body, Some(LOANS_PAGE)).await?],
        None => Vec::new(),
    })
}

/// Commit what the transition did, or roll back the counters taken before it when it was a
/// repeat (nothing may be written then).
pub async fn finish(
    state: &AppState,
    txn: DatabaseTransaction,
    applied: Applied<loan_applications::Model>,
    sent: Vec<entity::notifications::Model>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    if applied.is_done() {
        txn.commit().await?;
        deliver(state, sent);
    } else {
        txn.rollback().await?;
    }
    Ok(web::Json(bank_view(state, applied.into_record()).await?))
}

/// Accept the referral (受理): the application is in the bank's review.
#[utoipa::path(
    tag = "loans",
    operation_id = "accept_loan_referral",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ApplicationVersionRequest,
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, APPLICATION_CHANGED")
    )
)]
#[post("/admin/bank/loan-applications/{id}/acceptances")]
pub async fn accept_loan_referral(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ApplicationVersionRequest>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let now = Utc::now();
    let actor = Actor::bank_officer(&officer);
    let txn = crate::db::begin(&state.db).await?;
    let current = bank_application(&txn, &officer, *id).await?;
    let applied = Transition::new(&current, ApplicationAction::AcceptReferral, &actor)
        .seen(body.version)
        .set(A::AcceptedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        sent = tell_youth(
            &txn,
            applied.record(),
            NotificationKind::LoanAcceptedByBank,
            "银行已受理贷款申请",
            &format!(
                "您的贷款申请（编号{}）已由合作银行受理审查。",
                current.number
            ),
        )
        .await?;
    }
    finish(&state, txn, applied, sent).await
}

fn quota_exhausted() -> ApiError {
    ApiError::Conflict(
        "PRODUCT_QUOTA_EXHAUSTED",
        "该贷款产品的授信额度已用完，暂不能审批".into(),
    )
}

/// Reserve `amount` of the product's quota (the product row first, conditional).
async fn reserve_quota(db: &impl ConnectionTrait, product_id: Uuid, amount: i64) -> ApiResult<()> {
    let hit = loan_products::Entity::update_many()
        .col_expr(P::CommittedFen, Expr::col(P::CommittedFen).add(amount))
        .filter(P::Id.eq(product_id))
        .filter(
            Condition::any().add(P::QuotaFen.is_null()).add(
                Expr::col(P::CommittedFen)
                    .add(amount)
                    .lte(Expr::col(P::QuotaFen)),
            ),
        )
        .exec(db)
        .await?
        .rows_affected;
    if hit == 0 {
        return Err(quota_exhausted());
    }
    Ok(())
}

fn range(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, "RANGE", message)
}

/// Approve (amount ≥ the product's minimum and ≤ both the amount applied for and the product's
/// ceiling; rate and term within the terms of the submission; the quota reserved in the same
/// transaction, else 409 `PRODUCT_QUOTA_EXHAUSTED`) or reject with a reason code. The offer then
/// stays open `offerValidDays`.
#[utoipa::path(
    tag = "loans",
    operation_id = "decide_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRODUCT_QUOTA_EXHAUSTED, INVALID_STATE, APPLICATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "amountFen, rateBp, termMonths: RANGE or REQUIRED; reasonCode: REQUIRED")
    )
)]
#[post("/admin/bank/loan-applications/{id}/decisions")]
pub async fn decide_loan_application(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<DecisionRequest>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let now = Utc::now();
    let actor = Actor::bank_officer(&officer);
    let current = bank_application(&state.db, &officer, *id).await?;
    let terms = terms_of(&current)?;
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    match body.decision {
        LoanDecision::Approve => {
            let mut errors = Vec::new();
            let max = std::cmp::Ord::min(
                rules::max_amount_for(
                    current.borrower_kind,
                    terms.max_amount_fen,
                    terms.max_amount_business_fen,
                ),
                current.amount_fen,
            );
            match body.amount_fen {
                None => errors.push(FieldError::new("amountFen", "REQUIRED", "请填写审批金额")),
                Some(a) if a < terms.min_amount_fen || a > max => errors.push(range(
                    "amountFen",
                    format!(
                        "审批金额应在{}至{}之间",
                        amount_label(terms.min_amount_fen),
                        amount_label(max)
                    ),
                )),
                _ => {}
            }
            match body.rate_bp {
                None => errors.push(FieldError::new("rateBp", "REQUIRED", "请填写执行年利率")),
                Some(r) if r < terms.rate_min_bp || r > terms.rate_max_bp => errors.push(range(
                    "rateBp",
                    format!(
                        "执行年利率应在{}至{}之间",
                        rate_label(terms.rate_min_bp),
                        rate_label(terms.rate_max_bp)
                    ),
                )),
                _ => {}
            }
            match body.term_months {
                None => errors.push(FieldError::new("termMonths", "REQUIRED", "请填写贷款期限")),
                Some(t) if t < terms.min_term_months || t > terms.max_term_months => {
                    errors.push(range(
                        "termMonths",
                        format!(
                            "贷款期限应为{}至{}个月",
                            terms.min_term_months, terms.max_term_months
                        ),
                    ))
                }
                _ => {}
            }
            let (Some(amount), Some(rate), Some(term), true) = (
                body.amount_fen,
                body.rate_bp,
                body.term_months,
                errors.is_empty(),
            ) else {
                return Err(ApiError::Validation(errors));
            };
            let expires = now + Duration::days(terms.offer_valid_days.into());
            let txn = crate::db::begin(&state.db).await?;
            let current = bank_application(&txn, &officer, *id).await?;
            // The product row first, then the application (conventions §6).
            if matches!(
                current.status,
                LoanStatus::Recommended | LoanStatus::BankReviewing
            ) {
                reserve_quota(&txn, current.product_id, amount).await?;
            }
            let applied = Transition::new(&current, ApplicationAction::Approve, &actor)
                .seen(Some(body.version))
                .set(A::ApprovedAmountFen, Expr::value(amount))
                .set(A::ApprovedRateBp, Expr::value(rate))
                .set(A::ApprovedTermMonths, Expr::value(term))
                .set(A::ApprovedAt, Expr::value(now))
                .set(A::OfferExpiresAt, Expr::value(expires))
                .set(A::DecidedAt, Expr::value(now))
                .set(A::UpdatedAt, Expr::value(now))
                .reason(note)
                .payload(&*body)
                .run(&txn)
                .await?;
            let mut sent = Vec::new();
            if applied.is_done() {
                sent = tell_youth(
                    &txn,
                    applied.record(),
                    NotificationKind::LoanApproved,
                    "贷款已审批通过",
                    &format!(
                        "您的贷款申请（编号{}）已获批准：金额{}，年利率{}，期限{}个月。请于{}前与银行办理放款手续。",
                        current.number,
                        amount_label(amount),
                        rate_label(rate),
                        term,
                        to_china(expires).format("%Y-%m-%d")
                    ),
                )
                .await?;
            }
            finish(&state, txn, applied, sent).await
        }
        LoanDecision::Reject => {
            let Some(code) = body.reason_code else {
                return Err(ApiError::field(
                    "reasonCode",
                    "REQUIRED",
                    "请选择未批准的原因",
                ));
            };
            let shown = match &note {
                Some(n) => format!("{}：{n}", code.label()),
                None => code.label().to_owned(),
            };
            let txn = crate::db::begin(&state.db).await?;
            let current = bank_application(&txn, &officer, *id).await?;
            let applied = Transition::new(&current, ApplicationAction::Reject, &actor)
                .seen(Some(body.version))
                .set(A::ReasonCode, Expr::value(code.to_value()))
                .set(A::ReasonNote, Expr::value(note))
                .set(A::DecidedAt, Expr::value(now))
                .set(A::UpdatedAt, Expr::value(now))
                .reason(Some(shown.clone()))
                .payload(&*body)
                .run(&txn)
                .await?;
            let mut sent = Vec::new();
            if applied.is_done() {
                consents::withdraw(
                    &txn,
                    ConsentOf {
                        kind: ConsentSubject::LoanApplication,
                        id: current.id,
                    },
                    None,
                    now,
                )
                .await?;
                sent = tell_youth(
                    &txn,
                    applied.record(),
                    NotificationKind::LoanRejected,
                    "贷款申请未获银行批准",
                    &format!(
                        "您的贷款申请（编号{}）未获批准：{}。",
                        current.number,
                        code.label()
                    ),
                )
                .await?;
            }
            finish(&state, txn, applied, sent).await
        }
    }
}

fn duplicate_reference() -> ApiError {
    ApiError::Conflict(
        "DUPLICATE_BANK_REFERENCE",
        "该银行业务编号已用于其他放款记录".into(),
    )
}

/// Record the disbursement as the core system booked it: amount ≤ the approved one (the rest
/// of the quota is released), approval date ≤ `disbursedOn` ≤ today (China) < `maturityOn`, a
/// bank reference unique per bank. A retry with the same body answers the same record.
#[utoipa::path(
    tag = "loans",
    operation_id = "disburse_loan",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DisbursementRequest,
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "DUPLICATE_BANK_REFERENCE, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "amountFen, disbursedOn, maturityOn: RANGE")
    )
)]
#[post("/admin/bank/loan-applications/{id}/disbursements")]
pub async fn disburse_loan(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<DisbursementRequest>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let now = Utc::now();
    let today = today_in_china(now);
    let reference = body.bank_reference.trim().to_owned();
    let actor = Actor::bank_officer(&officer);
    let txn = crate::db::begin(&state.db).await?;
    let current = bank_application(&txn, &officer, *id).await?;
    if current.status == LoanStatus::Approved {
        let mut errors = Vec::new();
        if body.amount_fen <= 0 || Some(body.amount_fen) > current.approved_amount_fen {
            errors.push(range("amountFen", "放款金额不能超过审批金额"));
        }
        let approved_on = current.approved_at.map(today_in_china);
        if approved_on.is_some_and(|a| body.disbursed_on < a) || body.disbursed_on > today {
            errors.push(range("disbursedOn", "放款日期应在审批日期与今天之间"));
        }
        if body.maturity_on <= today {
            errors.push(range("maturityOn", "到期日期应晚于今天"));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        // The borrower's guard row first, then the product, then the application.
        if let Some(user) = current.applicant_user_id {
            ensure_borrower(&txn, user).await?;
            loan_borrowers::Entity::update_many()
                .col_expr(B::OutstandingLoans, Expr::col(B::OutstandingLoans).add(1))
                .col_expr(B::Version, Expr::col(B::Version).add(1))
                .filter(B::UserId.eq(user))
                .exec(&txn)
                .await?;
        }
        let rest = current.approved_amount_fen.unwrap_or(0) - body.amount_fen;
        if rest > 0 {
            super::applications::release_quota(&txn, current.product_id, rest).await?;
        }
    }
    let applied = Transition::new(&current, ApplicationAction::Disburse, &actor)
        .set(A::DisbursedAmountFen, Expr::value(body.amount_fen))
        .set(A::DisbursedOn, Expr::value(body.disbursed_on))
        .set(A::MaturityOn, Expr::value(body.maturity_on))
        .set(A::DisbursedAt, Expr::value(now))
        .set(A::BankReference, Expr::value(reference.clone()))
        .set(A::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .or_else(|now_app| {
            (now_app.bank_reference.as_deref() == Some(reference.as_str()))
                .then(duplicate_reference)
        })
        .run(&txn)
        .await
        .map_err(|e| match e {
            ApiError::Conflict("DUPLICATE", _) => duplicate_reference(),
            other => other,
        })?;
    let mut sent = Vec::new();
    if applied.is_done() {
        sent = tell_youth(
            &txn,
            applied.record(),
            NotificationKind::LoanDisbursed,
            "贷款已发放",
            &format!(
                "您的贷款（编号{}）已发放{}，到期日{}。请按期还款。",
                current.number,
                amount_label(body.amount_fen),
                body.maturity_on
            ),
        )
        .await?;
    }
    finish(&state, txn, applied, sent).await
}
