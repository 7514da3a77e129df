//! Interest subsidies (贴息), four-eyes: the bank claims per period with the interest paid, the
//! local unit verifies, a cadre of the parent unit or the province who is not the verifier
//! approves, the province marks it paid. No subsidy over an overdue period; periods of one loan
//! never overlap; the amount is integer fen and never passes the loan's cap.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use entity::loan_applications::{self, Closure, Column as A, LoanStatus};
use entity::loan_overdue_periods::{self as periods, Column as O};
use entity::loan_products::SubsidyKind;
use entity::loan_subsidy_claims::{self as claims, ClaimStatus, Column as C};
use entity::notifications::NotificationKind;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::applications::LOANS_PAGE;
use super::bank_applications::bank_application;
use super::dto::{
    ClaimFilter, ClaimPaymentRequest, ClaimRejectionRequest, ClaimStepRequest, SubsidyClaimRequest,
    SubsidyClaimView,
};
use super::rules::{self, amount_label};
use super::state::ClaimAction;
use super::views::{claim_view, terms_of};
use crate::app_state::AppState;
use crate::auth::{BankOfficer, Cadre};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

impl IdempotentEntity for claims::Entity {
    fn creator_column() -> C {
        C::SubmittedBy
    }
    fn key_column() -> C {
        C::IdempotencyKey
    }
    fn stored_hash(model: &claims::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

async fn detail(db: &impl ConnectionTrait, c: claims::Model) -> ApiResult<SubsidyClaimView> {
    let t = timeline(db, claims::Model::EVENTS, c.id, None, Audience::Staff).await?;
    let mut v = claim_view(c);
    v.timeline = Some(t);
    Ok(v)
}

fn no_subsidy() -> ApiError {
    ApiError::Conflict("NO_SUBSIDY", "该贷款不享受贴息，或尚未放款、未结清".into())
}

fn cap_reached() -> ApiError {
    ApiError::Conflict("SUBSIDY_CAP_REACHED", "该笔贷款的贴息已达上限".into())
}

/// Claim the subsidy of one period of a disbursed (or repaid) loan, with the interest paid
/// (send an `Idempotency-Key`). The subsidy is computed from the submission's terms and cut to
/// what is left of the cap.
#[utoipa::path(
    tag = "loans",
    operation_id = "create_loan_subsidy_claim",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")),
    request_body = SubsidyClaimRequest,
    responses(
        (status = 201, body = SubsidyClaimView),
        (status = 200, body = SubsidyClaimView, description = "a repeat with the same Idempotency-Key and body"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NO_SUBSIDY, NOT_ELIGIBLE_OVERDUE, SUBSIDY_CAP_REACHED, PERIOD_OVERLAP"),
        (status = 422, body = ErrorEnvelope, description = "periodFrom, periodTo, interestPaidFen: RANGE; IDEMPOTENCY_KEY_REUSED")
    )
)]
#[post("/admin/bank/loan-applications/{id}/subsidy-claims")]
pub async fn create_loan_subsidy_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<SubsidyClaimRequest>,
) -> ApiResult<HttpResponse> {
    let user = officer.user.id();
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) =
        idempotency::first_result::<claims::Entity>(&state.db, user, key.as_ref()).await?
    {
        return Ok(HttpResponse::Ok().json(detail(&state.db, first).await?));
    }
    let app = bank_application(&state.db, &officer, *id).await?;
    let terms = terms_of(&app)?;
    let repaid = app.status == LoanStatus::Closed && app.closure == Some(Closure::Repaid);
    if terms.subsidy_kind == SubsidyKind::None || !(app.status == LoanStatus::Disbursed || repaid) {
        return Err(no_subsidy());
    }
    let (from, to) = (body.period_from, body.period_to);
    let start = app.disbursed_on.unwrap_or(from);
    let end = match (app.maturity_on, app.closed_on) {
        (Some(m), Some(c)) => std::cmp::Ord::min(m, c),
        (Some(m), None) => m,
        (None, c) => c.unwrap_or(to),
    };
    let mut errors = Vec::new();
    if from < start || from > to {
        errors.push(FieldError::new(
            "periodFrom",
            "RANGE",
            "计息期间应在放款日期之后，且起日不晚于止日",
        ));
    }
    if to > end {
        errors.push(FieldError::new(
            "periodTo",
            "RANGE",
            "计息期间不能超过贷款到期或结清日期",
        ));
    }
    if body.interest_paid_fen <= 0 {
        errors.push(FieldError::new(
            "interestPaidFen",
            "RANGE",
            "实付利息应大于0",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if overdue_within(&state.db, app.id, from, to).await? {
        return Err(ApiError::Conflict(
            "NOT_ELIGIBLE_OVERDUE",
            "该计息期间内贷款有逾期，不享受贴息".into(),
        ));
    }
    let cap_left = terms.subsidy_cap_fen.map(|c| c - app.subsidy_claimed_fen);
    let subsidy = rules::subsidy_fen(
        terms.subsidy_kind,
        terms.subsidy_ratio_permille,
        body.interest_paid_fen,
        cap_left,
    );
    if cap_left.is_some() && subsidy == 0 {
        return Err(cap_reached());
    }
    // PostgreSQL cannot type a bare `:cap IS NULL`: no cap binds i64::MAX.
    let cap = terms.subsidy_cap_fen.unwrap_or(i64::MAX);
    let now = Utc::now();
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let actor = Actor::bank_officer(&officer);
    let created =
        idempotency::create_once::<claims::Entity, _>(&state.db, user, key.as_ref(), async |txn| {
            // The application's counter first (it also holds the row against a racing claim or
            // reversal), then the overlap check and the insert.
            let hit = loan_applications::Entity::update_many()
                .col_expr(
                    A::SubsidyClaimedFen,
                    Expr::col(A::SubsidyClaimedFen).add(subsidy),
                )
                .col_expr(A::Version, Expr::col(A::Version).add(1))
                .filter(A::Id.eq(app.id))
                .filter(
                    Condition::any()
                        .add(A::Status.eq(LoanStatus::Disbursed))
                        .add(A::Closure.eq(Closure::Repaid)),
                )
                .filter(Expr::col(A::SubsidyClaimedFen).add(subsidy).lte(cap))
                .exec(txn)
                .await?
                .rows_affected;
            if hit == 0 {
                return Err(cap_reached());
            }
            let overlapping = claims::Entity::find()
                .filter(C::ApplicationId.eq(app.id))
                .filter(C::Status.ne(ClaimStatus::Rejected))
                .filter(C::PeriodFrom.lte(to))
                .filter(C::PeriodTo.gte(from))
                .count(txn)
                .await?;
            if overlapping > 0 {
                return Err(ApiError::Conflict(
                    "PERIOD_OVERLAP",
                    "该计息期间与本笔贷款已申报的期间重叠".into(),
                ));
            }
            let claim = claims::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(app.id),
                region_code: Set(app.region_code.clone()),
                bank_id: Set(app.bank_id),
                period_from: Set(from),
                period_to: Set(to),
                interest_paid_fen: Set(body.interest_paid_fen),
                subsidy_fen: Set(subsidy),
                status: Set(ClaimStatus::Submitted),
                submitted_by: Set(user),
                verified_by: Set(None),
                approved_by: Set(None),
                paid_on: Set(None),
                paid_reference: Set(None),
                reason: Set(None),
                idempotency_key: Set(idempotency_key.clone()),
                request_hash: Set(request_hash),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            record_creation(
                txn,
                &claim,
                ClaimAction::Submit,
                &actor,
                events::payload(&*body),
                idempotency_key,
            )
            .await?;
            Ok(claim)
        })
        .await?;
    let is_new = created.is_new();
    let v = detail(&state.db, created.into_inner()).await?;
    Ok(if is_new {
        HttpResponse::Created().json(v)
    } else {
        HttpResponse::Ok().json(v)
    })
}

/// Whether a reported overdue period of the loan meets `[from, to]`.
async fn overdue_within(
    db: &impl ConnectionTrait,
    application: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<bool> {
    Ok(periods::Entity::find()
        .filter(O::ApplicationId.eq(application))
        .filter(O::FromOn.lte(to))
        .filter(
            Condition::any()
                .add(O::ToOn.is_null())
                .add(O::ToOn.gte(from)),
        )
        .count(db)
        .await?
        > 0)
}

/// Claims of loans in the caller's unit (or the part `region` names).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_loan_subsidy_claims",
    security(("bearer" = [])),
    params(ClaimFilter, PageQuery),
    responses(
        (status = 200, body = Page<SubsidyClaimView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/loan-subsidy-claims")]
pub async fn list_loan_subsidy_claims(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<ClaimFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<SubsidyClaimView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = claims::Entity::find().filter(scope.condition(C::RegionCode));
    if let Some(s) = filter.status {
        q = q.filter(C::Status.eq(s));
    }
    let q = q.order_by_asc(C::CreatedAt).order_by_asc(C::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        rows.into_iter().map(claim_view).collect(),
        total,
        parts,
    )))
}

async fn visible_claim(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<claims::Model> {
    let c = claims::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(claims::Model::NAME))?;
    cadre.ensure_visible(&c.region_code, claims::Model::NAME)?;
    Ok(c)
}

fn same_actor() -> ApiError {
    ApiError::Forbidden(
        "SAME_ACTOR_NOT_ALLOWED",
        "贴息须由核实人以外的团干部审批".into(),
    )
}

/// The approver's side: a cadre of a unit above the claim's local unit (its parent, or the
/// province), who did not verify it.
fn ensure_approver(cadre: &Cadre, c: &claims::Model) -> ApiResult<()> {
    if c.verified_by == Some(cadre.user_id) {
        return Err(same_actor());
    }
    let local = cadre.tree().owner(&c.region_code);
    if local.is_none_or(|u| u.id == cadre.unit.id) {
        return Err(ApiError::Forbidden(
            "PARENT_UNIT_ONLY",
            "贴息由县级团组织的上级团组织或团省委审批".into(),
        ));
    }
    Ok(())
}

async fn step(
    state: &AppState,
    txn: DatabaseTransaction,
    current: &claims::Model,
    t: Transition<'_, claims::Model>,
    notice: Option<(NotificationKind, &str, String)>,
) -> ApiResult<web::Json<SubsidyClaimView>> {
    let applied = t.run(&txn).await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        if applied.record().status == ClaimStatus::Rejected {
            // The claim no longer counts against the loan's cap.
            loan_applications::Entity::update_many()
                .col_expr(
                    A::SubsidyClaimedFen,
                    Expr::col(A::SubsidyClaimedFen).sub(current.subsidy_fen),
                )
                .filter(A::Id.eq(current.application_id))
                .filter(A::SubsidyClaimedFen.gte(current.subsidy_fen))
                .exec(&txn)
                .await?;
        }
        if let Some((kind, title, text)) = notice {
            let owner = loan_applications::Entity::find_by_id(current.application_id)
                .one(&txn)
                .await?
                .and_then(|a| a.applicant_user_id);
            if let Some(user) = owner {
                sent.push(notify(&txn, user, kind, title, &text, Some(LOANS_PAGE)).await?);
            }
        }
    }
    txn.commit().await?;
    deliver(state, sent);
    Ok(web::Json(detail(&state.db, applied.into_record()).await?))
}

/// Verify a claim, as a cadre of the loan's local unit.
#[utoipa::path(
    tag = "loans",
    operation_id = "verify_loan_subsidy_claim",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ClaimStepRequest,
    responses(
        (status = 200, body = SubsidyClaimView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CLAIM_CHANGED")
    )
)]
#[post("/admin/loan-subsidy-claims/{id}/verifications")]
pub async fn verify_loan_subsidy_claim(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ClaimStepRequest>,
) -> ApiResult<web::Json<SubsidyClaimView>> {
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = visible_claim(&txn, &cadre, *id).await?;
    cadre.ensure_local_unit(&current.region_code)?;
    let t = Transition::new(&current, ClaimAction::Verify, &actor)
        .seen(Some(body.version))
        .set(C::VerifiedBy, Expr::value(cadre.user_id))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body);
    step(&state, txn, &current, t, None).await
}

/// Approve a verified claim, as a cadre of a unit above the local unit who did not verify it
/// (403 `SAME_ACTOR_NOT_ALLOWED`, then `PARENT_UNIT_ONLY`).
#[utoipa::path(
    tag = "loans",
    operation_id = "approve_loan_subsidy_claim",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ClaimStepRequest,
    responses(
        (status = 200, body = SubsidyClaimView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED, PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CLAIM_CHANGED")
    )
)]
#[post("/admin/loan-subsidy-claims/{id}/approvals")]
pub async fn approve_loan_subsidy_claim(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ClaimStepRequest>,
) -> ApiResult<web::Json<SubsidyClaimView>> {
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = visible_claim(&txn, &cadre, *id).await?;
    ensure_approver(&cadre, &current)?;
    let t = Transition::new(&current, ClaimAction::Approve, &actor)
        .seen(Some(body.version))
        .only_if(C::VerifiedBy.ne(cadre.user_id))
        .set(C::ApprovedBy, Expr::value(cadre.user_id))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body);
    let text = format!(
        "您的贷款贴息{}已审批通过，将由团省委拨付。",
        amount_label(current.subsidy_fen)
    );
    step(
        &state,
        txn,
        &current,
        t,
        Some((
            NotificationKind::LoanSubsidyApproved,
            "贷款贴息已审批",
            text,
        )),
    )
    .await
}

/// Reject a claim with a reason: a submitted one by the local unit, a verified one by the
/// approver's side. The claim's subsidy no longer counts against the cap.
#[utoipa::path(
    tag = "loans",
    operation_id = "reject_loan_subsidy_claim",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ClaimRejectionRequest,
    responses(
        (status = 200, body = SubsidyClaimView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY, SAME_ACTOR_NOT_ALLOWED, PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CLAIM_CHANGED")
    )
)]
#[post("/admin/loan-subsidy-claims/{id}/rejections")]
pub async fn reject_loan_subsidy_claim(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ClaimRejectionRequest>,
) -> ApiResult<web::Json<SubsidyClaimView>> {
    let actor = Actor::cadre(&cadre);
    let reason = body.reason.trim().to_owned();
    let txn = crate::db::begin(&state.db).await?;
    let current = visible_claim(&txn, &cadre, *id).await?;
    match current.status {
        ClaimStatus::Verified => ensure_approver(&cadre, &current)?,
        _ => cadre.ensure_local_unit(&current.region_code)?,
    }
    let t = Transition::new(&current, ClaimAction::Reject, &actor)
        .seen(Some(body.version))
        .set(C::Reason, Expr::value(reason.clone()))
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(reason))
        .payload(&*body);
    step(&state, txn, &current, t, None).await
}

/// Mark an approved claim paid (province cadres).
#[utoipa::path(
    tag = "loans",
    operation_id = "pay_loan_subsidy_claim",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ClaimPaymentRequest,
    responses(
        (status = 200, body = SubsidyClaimView),
        (status = 403, body = ErrorEnvelope, description = "PROVINCE_CADRE_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE, CLAIM_CHANGED")
    )
)]
#[post("/admin/loan-subsidy-claims/{id}/payments")]
pub async fn pay_loan_subsidy_claim(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ClaimPaymentRequest>,
) -> ApiResult<web::Json<SubsidyClaimView>> {
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = visible_claim(&txn, &cadre, *id).await?;
    if !cadre.is_province() {
        return Err(ApiError::Forbidden(
            "PROVINCE_CADRE_ONLY",
            "贴息由团省委拨付".into(),
        ));
    }
    let t = Transition::new(&current, ClaimAction::MarkPaid, &actor)
        .seen(Some(body.version))
        .set(C::PaidOn, Expr::value(body.paid_on))
        .set(
            C::PaidReference,
            Expr::value(body.reference.trim().to_owned()),
        )
        .set(C::UpdatedAt, Expr::value(Utc::now()))
        .payload(&*body);
    let text = format!("您的贷款贴息{}已拨付。", amount_label(current.subsidy_fen));
    step(
        &state,
        txn,
        &current,
        t,
        Some((NotificationKind::LoanSubsidyPaid, "贷款贴息已拨付", text)),
    )
    .await
}
