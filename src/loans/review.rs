//! The league step: cadres covering the applicant read and supervise; only the applicant's
//! local unit (its county unit, or 梅河口 / 长白山) returns (≤3 times, with a reason), recommends
//! (≤ the amount applied for, on the product's step) or declines to recommend.
use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::notifications::NotificationKind;
use entity::sharing_consents::ConsentSubject;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::applications::{LOANS_PAGE, notify_bank};
use super::dto::{
    AdminApplicationFilter, AdminLoanApplicationView, NonRecommendationRequest, RecommendRequest,
    ReturnRequest,
};
use super::kept_lists;
use super::rules;
use super::state::ApplicationAction;
use super::views::{ListRow, admin_item, admin_view, terms_of};
use crate::app_state::AppState;
use crate::auth::{Cadre, CadreScope};
use crate::choices::Labelled;
use crate::consents::{self, Subject as ConsentOf};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_partial_apart};
use crate::time::to_china;
use crate::workflow::{Actor, Transition};

/// An application a cadre may see: its home region lies in their unit (else 404).
pub async fn visible_application(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<loan_applications::Model> {
    let app = loan_applications::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("贷款申请"))?;
    cadre.ensure_visible(&app.region_code, "贷款申请")?;
    Ok(app)
}

/// Applications of homes in the caller's unit (or the part `region` names), those still waiting
/// first by their review deadline. `overdueReview=true`: only those still `submitted` after it.
#[utoipa::path(
    tag = "loans",
    operation_id = "list_admin_loan_applications",
    security(("bearer" = [])),
    params(AdminApplicationFilter, PageQuery),
    responses(
        (status = 200, body = Page<AdminLoanApplicationView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/loan-applications")]
pub async fn list_admin_loan_applications(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminApplicationFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    // Every cadre of the unit reads the same page (an item says whether *their* unit acts on
    // it, nothing about who asked): kept per loan list stamp (`kept_lists`).
    let key = format!(
        "admin-loans|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{parts:?}",
        kept_lists::stamp(&state.db).await?,
        cadre.unit.id,
        filter.region,
        filter.status,
        filter.product_id,
        filter.bank_id,
        filter.overdue_review
    );
    let build = async {
        let mut q = loan_applications::Entity::find().filter(scope.condition(A::RegionCode));
        if let Some(s) = filter.status {
            q = q.filter(A::Status.eq(s));
        }
        if let Some(p) = filter.product_id {
            q = q.filter(A::ProductId.eq(p));
        }
        if let Some(b) = filter.bank_id {
            q = q.filter(A::BankId.eq(b));
        }
        if filter.overdue_review == Some(true) {
            q = q
                .filter(A::Status.eq(LoanStatus::Submitted))
                .filter(A::ReviewDueAt.lte(Utc::now()));
        }
        let (rows, total) = page_partial_apart::<_, ListRow>(
            q,
            |q| {
                ListRow::joined(q)
                    .order_by_asc(A::ReviewDueAt)
                    .order_by_asc(A::Id)
            },
            &state.db,
            parts,
        )
        .await?;
        let items: Vec<AdminLoanApplicationView> = rows
            .iter()
            .map(|row| admin_item(&state, &cadre, row, None))
            .collect();
        Ok(Page::new(items, total, parts))
    };
    state.shared_answers.json(key, build).await
}

/// One application with its history (404 outside the caller's unit).
#[utoipa::path(
    tag = "loans",
    operation_id = "get_admin_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AdminLoanApplicationView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/loan-applications/{id}")]
pub async fn get_admin_loan_application(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AdminLoanApplicationView>> {
    let app = visible_application(&state.db, &cadre, *id).await?;
    Ok(web::Json(admin_view(&state, &cadre, app).await?))
}

/// The application for a local-unit action: 404 outside the caller's unit, 403
/// `LOCAL_UNIT_ONLY` for the units above the local one.
async fn local_application(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<loan_applications::Model> {
    let app = visible_application(db, cadre, id).await?;
    cadre.ensure_local_unit(&app.region_code)?;
    Ok(app)
}

/// Recommend an application to its bank with an amount (≤ the amount applied for, ≥ the
/// product's minimum, on its step), as a cadre of the applicant's local unit, naming the version
/// reviewed. The bank then has `JIQING_LOAN_BANK_DAYS` to decide.
#[utoipa::path(
    tag = "loans",
    operation_id = "recommend_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RecommendRequest,
    responses(
        (status = 200, body = AdminLoanApplicationView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (another cadre decided first), APPLICATION_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "recommendedAmountFen: RANGE")
    )
)]
#[post("/admin/loan-applications/{id}/recommendations")]
pub async fn recommend_loan_application(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RecommendRequest>,
) -> ApiResult<web::Json<AdminLoanApplicationView>> {
    let now = Utc::now();
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let actor = Actor::cadre(&cadre);
    let bank_days = state.settings.loans.bank_days;
    let txn = crate::db::begin(&state.db).await?;
    let current = local_application(&txn, &cadre, *id).await?;
    let terms = terms_of(&current)?;
    if let Some(e) =
        rules::recommended_amount_error(&terms, current.amount_fen, body.recommended_amount_fen)
    {
        return Err(ApiError::Validation(vec![e]));
    }
    let bank_due = now + Duration::days(bank_days.into());
    let applied = Transition::new(&current, ApplicationAction::Recommend, &actor)
        .seen(Some(body.version))
        .set(
            A::RecommendedAmountFen,
            Expr::value(body.recommended_amount_fen),
        )
        .set(A::RecommendationNote, Expr::value(note.clone()))
        .set(A::RecommendedBy, Expr::value(cadre.user_id))
        .set(A::RecommendedAt, Expr::value(now))
        .set(A::BankDueAt, Expr::value(bank_due))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(note)
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        let app = applied.record();
        if let Some(user) = app.applicant_user_id {
            sent.push(
                notify(
                    &txn,
                    user,
                    NotificationKind::LoanRecommended,
                    "贷款申请已获推荐",
                    &format!(
                        "您的贷款申请（编号{}）已由团组织推荐至合作银行，推荐金额{}。",
                        app.number,
                        rules::amount_label(body.recommended_amount_fen)
                    ),
                    Some(LOANS_PAGE),
                )
                .await?,
            );
        }
        notify_bank(
            &txn,
            app.bank_id,
            NotificationKind::LoanRecommended,
            "新的推荐贷款申请",
            &format!(
                "团组织推荐了贷款申请（编号{}），请于{}前受理并审批。",
                app.number,
                to_china(bank_due).format("%Y-%m-%d")
            ),
        )
        .await?;
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        admin_view(&state, &cadre, applied.into_record()).await?,
    ))
}

/// Return an application to the youth with what to fix (at most three times, then 409
/// `RETURN_LIMIT_REACHED`); they have `JIQING_LOAN_RESUBMIT_DAYS` to resubmit.
#[utoipa::path(
    tag = "loans",
    operation_id = "return_loan_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReturnRequest,
    responses(
        (status = 200, body = AdminLoanApplicationView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "RETURN_LIMIT_REACHED, INVALID_STATE, APPLICATION_CHANGED")
    )
)]
#[post("/admin/loan-applications/{id}/returns")]
pub async fn return_loan_application(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ReturnRequest>,
) -> ApiResult<web::Json<AdminLoanApplicationView>> {
    let now = Utc::now();
    let reason = body.reason.trim().to_owned();
    let actor = Actor::cadre(&cadre);
    let due = now + Duration::days(state.settings.loans.resubmit_days.into());
    let txn = crate::db::begin(&state.db).await?;
    let current = local_application(&txn, &cadre, *id).await?;
    let limit = || {
        ApiError::Conflict(
            "RETURN_LIMIT_REACHED",
            format!(
                "该申请已退回{}次，不能再退回，请推荐或不予推荐",
                rules::RETURN_LIMIT
            ),
        )
    };
    let applied = Transition::new(&current, ApplicationAction::Return, &actor)
        .seen(Some(body.version))
        .only_if(A::ReturnCount.lt(rules::RETURN_LIMIT))
        .set(A::ReturnCount, Expr::col(A::ReturnCount).add(1))
        .set(A::ResubmitDueAt, Expr::value(due))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(reason.clone()))
        .payload(&*body)
        .or_else(|now| {
            (now.status == LoanStatus::Submitted && now.return_count >= rules::RETURN_LIMIT)
                .then(limit)
        })
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done()
        && let Some(user) = applied.record().applicant_user_id
    {
        sent.push(
            notify(
                &txn,
                user,
                NotificationKind::LoanReturned,
                "贷款申请被退回修改",
                &format!(
                    "您的贷款申请（编号{}）需要修改：{reason}。请于{}前修改后重新提交。",
                    applied.record().number,
                    to_china(due).format("%Y-%m-%d %H:%M")
                ),
                Some(LOANS_PAGE),
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        admin_view(&state, &cadre, applied.into_record()).await?,
    ))
}

/// Decline to recommend an application, with a reason code (final): nothing goes to the bank.
#[utoipa::path(
    tag = "loans",
    operation_id = "decline_loan_recommendation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NonRecommendationRequest,
    responses(
        (status = 200, body = AdminLoanApplicationView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, APPLICATION_CHANGED")
    )
)]
#[post("/admin/loan-applications/{id}/non-recommendations")]
pub async fn decline_loan_recommendation(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<NonRecommendationRequest>,
) -> ApiResult<web::Json<AdminLoanApplicationView>> {
    let now = Utc::now();
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let label = body.reason_code.label();
    let shown = match &note {
        Some(n) => format!("{label}：{n}"),
        None => label.to_owned(),
    };
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = local_application(&txn, &cadre, *id).await?;
    let applied = Transition::new(&current, ApplicationAction::DeclineRecommendation, &actor)
        .seen(Some(body.version))
        .set(A::ReasonCode, Expr::value(body.reason_code.to_value()))
        .set(A::ReasonNote, Expr::value(note))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(shown.clone()))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
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
        if let Some(user) = app.applicant_user_id {
            sent.push(
                notify(
                    &txn,
                    user,
                    NotificationKind::LoanNotRecommended,
                    "贷款申请未获推荐",
                    &format!("您的贷款申请（编号{}）未获推荐：{shown}。", app.number),
                    Some(LOANS_PAGE),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        admin_view(&state, &cadre, applied.into_record()).await?,
    ))
}
