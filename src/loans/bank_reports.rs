//! After the disbursement: the bank reports the loan overdue, cured, repaid or written off
//! (nothing closes a loan but its report), and may reverse its own last approval or
//! disbursement within `JIQING_LOAN_REVERSAL_HOURS` (Fineract-style undo).
use actix_web::{post, web};
use chrono::{Duration, Utc};
use entity::loan_applications::{Closure, Column as A, LoanStatus};
use entity::loan_borrowers::{self, Column as B};
use entity::loan_overdue_periods::{self as periods, Column as O};
use entity::loan_products::{self, Column as P};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::applications::release_quota;
use super::bank_applications::{bank_application, finish};
use super::dto::{BankLoanApplicationView, LoanReportKind, ReversalRequest, StatusReportRequest};
use super::state::ApplicationAction;
use crate::app_state::AppState;
use crate::auth::BankOfficer;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::time::today_in_china;
use crate::workflow::{Actor, Subject, Transition, events};

/// One outstanding loan fewer for the borrower (repaid, written off, disbursal reversed).
async fn release_borrower(db: &impl ConnectionTrait, user: Option<Uuid>) -> ApiResult<()> {
    if let Some(user) = user {
        loan_borrowers::Entity::update_many()
            .col_expr(B::OutstandingLoans, Expr::col(B::OutstandingLoans).sub(1))
            .col_expr(B::Version, Expr::col(B::Version).add(1))
            .filter(B::UserId.eq(user))
            .filter(B::OutstandingLoans.gt(0))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Close the loan's open overdue period on `on`.
async fn close_overdue(
    db: &impl ConnectionTrait,
    application: Uuid,
    on: chrono::NaiveDate,
) -> ApiResult<()> {
    periods::Entity::update_many()
        .col_expr(O::ToOn, Expr::value(on))
        .filter(O::ApplicationId.eq(application))
        .filter(O::ToOn.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Report a disbursed loan overdue (since `on`), cured (on `on`), repaid or written off (on
/// `on`). Overdue periods are kept for the subsidy checks; closing releases the borrower.
#[utoipa::path(
    tag = "loans",
    operation_id = "report_loan_status",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = StatusReportRequest,
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "on: RANGE")
    )
)]
#[post("/admin/bank/loan-applications/{id}/status-reports")]
pub async fn report_loan_status(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<StatusReportRequest>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let now = Utc::now();
    let on = body.on;
    let actor = Actor::bank_officer(&officer);
    let txn = crate::db::begin(&state.db).await?;
    let current = bank_application(&txn, &officer, *id).await?;
    if current.disbursed_on.is_some_and(|d| on < d) || on > today_in_china(now) {
        return Err(ApiError::field("on", "RANGE", "日期应在放款日期与今天之间"));
    }
    let action = match body.kind {
        LoanReportKind::Overdue => ApplicationAction::ReportOverdue,
        LoanReportKind::Cured => ApplicationAction::ReportCured,
        LoanReportKind::Repaid => ApplicationAction::ReportRepaid,
        LoanReportKind::WrittenOff => ApplicationAction::WriteOff,
    };
    let mut t = Transition::new(&current, action, &actor)
        .set(A::UpdatedAt, Expr::value(now))
        .payload(&*body);
    t = match body.kind {
        LoanReportKind::Overdue => t.set(A::OverdueSince, Expr::value(on)),
        LoanReportKind::Cured => t.set(A::OverdueSince, Expr::value(None::<chrono::NaiveDate>)),
        LoanReportKind::Repaid => t
            .set(A::ClosedOn, Expr::value(on))
            .set(A::Closure, Expr::value(Closure::Repaid.to_value())),
        LoanReportKind::WrittenOff => t
            .set(A::ClosedOn, Expr::value(on))
            .set(A::Closure, Expr::value(Closure::WrittenOff.to_value())),
    };
    let applied = t.run(&txn).await?;
    if applied.is_done() {
        match body.kind {
            LoanReportKind::Overdue => {
                periods::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    application_id: Set(current.id),
                    from_on: Set(on),
                    to_on: Set(None),
                }
                .insert(&txn)
                .await?;
            }
            LoanReportKind::Cured => close_overdue(&txn, current.id, on).await?,
            LoanReportKind::Repaid | LoanReportKind::WrittenOff => {
                close_overdue(&txn, current.id, on).await?;
                release_borrower(&txn, current.applicant_user_id).await?;
            }
        }
    }
    finish(&state, txn, applied, Vec::new()).await
}

fn not_allowed(why: &str) -> ApiError {
    ApiError::Conflict("REVERSAL_NOT_ALLOWED", format!("不能撤销：{why}"))
}

/// Reverse the bank's own last approval (back to recommended, the quota released) or
/// disbursement (back to approved, the borrower released, the undisbursed rest of the approval
/// committed again — 409 `PRODUCT_QUOTA_EXHAUSTED` when it no longer fits), within
/// `JIQING_LOAN_REVERSAL_HOURS` of it, while it is the last event and no subsidy was claimed.
#[utoipa::path(
    tag = "loans",
    operation_id = "reverse_loan_action",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReversalRequest,
    responses(
        (status = 200, body = BankLoanApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "REVERSAL_NOT_ALLOWED, PRODUCT_QUOTA_EXHAUSTED, INVALID_STATE")
    )
)]
#[post("/admin/bank/loan-applications/{id}/reversals")]
pub async fn reverse_loan_action(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<ReversalRequest>,
) -> ApiResult<web::Json<BankLoanApplicationView>> {
    let now = Utc::now();
    let hours = i64::from(state.settings.loans.reversal_hours);
    let actor = Actor::bank_officer(&officer);
    let txn = crate::db::begin(&state.db).await?;
    let current = bank_application(&txn, &officer, *id).await?;
    let undone = match current.status {
        LoanStatus::Approved => "approve",
        LoanStatus::Disbursed => "disburse",
        _ => return Err(not_allowed("只能撤销本行最近一次审批或放款")),
    };
    let last = events::last(&txn, entity::loan_applications::Model::EVENTS, current.id).await?;
    let Some(last) =
        last.filter(|e| e.action == undone && e.actor_bank_id == Some(officer.bank_id))
    else {
        return Err(not_allowed("审批或放款之后已有其他操作"));
    };
    if last.created_at + Duration::hours(hours) < now {
        return Err(not_allowed(&format!("已超过{hours}小时")));
    }
    if current.subsidy_claimed_fen > 0 {
        return Err(not_allowed("已有贴息申报"));
    }
    let t = Transition::new(&current, ApplicationAction::Reverse, &actor)
        .seen(Some(current.version))
        .only_if(A::SubsidyClaimedFen.eq(0))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(body.reason.trim().to_owned()))
        .payload(&*body);
    let t = if current.status == LoanStatus::Approved {
        if let Some(amount) = current.approved_amount_fen {
            release_quota(&txn, current.product_id, amount).await?;
        }
        t.set(A::ApprovedAmountFen, Expr::value(None::<i64>))
            .set(A::ApprovedRateBp, Expr::value(None::<i32>))
            .set(A::ApprovedTermMonths, Expr::value(None::<i32>))
            .set(A::ApprovedAt, Expr::value(None::<chrono::DateTime<Utc>>))
            .set(
                A::OfferExpiresAt,
                Expr::value(None::<chrono::DateTime<Utc>>),
            )
            .set(A::DecidedAt, Expr::value(None::<chrono::DateTime<Utc>>))
    } else {
        release_borrower(&txn, current.applicant_user_id).await?;
        let rest =
            current.approved_amount_fen.unwrap_or(0) - current.disbursed_amount_fen.unwrap_or(0);
        if rest > 0 {
            let hit = loan_products::Entity::update_many()
                .col_expr(P::CommittedFen, Expr::col(P::CommittedFen).add(rest))
                .filter(P::Id.eq(current.product_id))
                .filter(
                    Condition::any().add(P::QuotaFen.is_null()).add(
                        Expr::col(P::CommittedFen)
                            .add(rest)
                            .lte(Expr::col(P::QuotaFen)),
                    ),
                )
                .exec(&txn)
                .await?
                .rows_affected;
            if hit == 0 {
                return Err(ApiError::Conflict(
                    "PRODUCT_QUOTA_EXHAUSTED",
                    "该贷款产品的授信额度已不足，不能撤销放款".into(),
                ));
            }
        }
        t.set(A::DisbursedAmountFen, Expr::value(None::<i64>))
            .set(A::DisbursedOn, Expr::value(None::<chrono::NaiveDate>))
            .set(A::MaturityOn, Expr::value(None::<chrono::NaiveDate>))
            .set(A::DisbursedAt, Expr::value(None::<chrono::DateTime<Utc>>))
            .set(A::BankReference, Expr::value(None::<String>))
    };
    let applied = t.run(&txn).await?;
    finish(&state, txn, applied, Vec::new()).await
}
