//! Applications as each reader sees them: the youth (with `nextStep`), cadres (masked personal
//! data), with their timelines.
use chrono::{DateTime, NaiveDate, Utc};
use entity::loan_applications::{self, Closure, LoanPurpose, LoanStatus};
use entity::loan_products::{BorrowerKind, GuaranteeType};
use entity::{banks, loan_products, loan_subsidy_claims};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DerivePartialModel, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::dto::{
    AdminLoanApplicationView, BankLoanApplicationView, LoanApplicationView, ProductTerms,
    SubsidyClaimView,
};
use super::queries::banks_by_id;
use super::state::{ApplicationAction, Deadlines, application_next_step};
use crate::app_state::AppState;
use crate::auth::CadreScope;
use crate::choices::Labelled;
use crate::crypto::{mask_id_number, mask_name, mask_phone};
use crate::error::{ApiError, ApiResult};
use crate::media::MediaLink;
use crate::mentoring::queries::json_list;
use crate::time::to_china;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::{Subject, TimelineEntry};

/// The product terms an application keeps (its snapshot).
pub fn terms_of(app: &loan_applications::Model) -> ApiResult<ProductTerms> {
    serde_json::from_str(&app.product_terms).map_err(|e| {
        ApiError::Unexpected(anyhow::Error::new(e).context("loan_applications.product_terms"))
    })
}

/// The stored document keys.
pub fn attachment_keys(app: &loan_applications::Model) -> ApiResult<Vec<String>> {
    json_list("attachments", &app.attachments)
}

async fn bank_name(db: &impl ConnectionTrait, app: &loan_applications::Model) -> ApiResult<String> {
    Ok(banks_by_id(db, [app.bank_id])
        .await?
        .remove(&app.bank_id)
        .map(|b| b.name)
        .unwrap_or_default())
}

/// What a list item shows of an application: every column the views read but the product's
/// terms snapshot, the documents and the bookkeeping ones, with the product's and the bank's
/// names joined to the page ([`ListRow::joined`]). A page of full rows decoded about 65 columns a
/// row, the 690-byte snapshot among them, under prefixed aliases built one by one: a fifth of the
/// bank queue's time (`perf`, `bench/loans.sh`). Detail views build one from the full row.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "loan_applications::Entity")]
pub struct ListRow {
    pub id: Uuid,
    pub number: String,
    pub applicant_user_id: Option<Uuid>,
    pub product_id: Uuid,
    pub borrower_kind: BorrowerKind,
    pub region_code: String,
    pub applicant_name: Option<String>,
    pub applicant_phone_enc: Option<String>,
    pub applicant_id_number_enc: Option<String>,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: LoanPurpose,
    pub purpose_detail: Option<String>,
    pub business_name: Option<String>,
    pub business_registered: bool,
    pub unified_credit_code: Option<String>,
    pub annual_revenue_fen: Option<i64>,
    pub existing_debt_fen: Option<i64>,
    pub jobs_created: Option<i32>,
    pub guarantee_type: GuaranteeType,
    pub guarantee_detail: Option<String>,
    pub status: LoanStatus,
    pub return_count: i32,
    pub recommended_amount_fen: Option<i64>,
    pub recommendation_note: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub review_due_at: DateTime<Utc>,
    pub bank_due_at: Option<DateTime<Utc>>,
    pub resubmit_due_at: Option<DateTime<Utc>>,
    pub approved_amount_fen: Option<i64>,
    pub approved_rate_bp: Option<i32>,
    pub approved_term_months: Option<i32>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub disbursed_amount_fen: Option<i64>,
    pub disbursed_on: Option<NaiveDate>,
    pub maturity_on: Option<NaiveDate>,
    pub bank_reference: Option<String>,
    pub overdue_since: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub closure: Option<Closure>,
    pub reason_code: Option<String>,
    pub reason_note: Option<String>,
    pub version: i32,
    #[sea_orm(from_expr = "Expr::col((banks::Entity, banks::Column::Name))")]
    pub bank_name: String,
    /// The product's name (a published product's terms never change: the same as the
    /// snapshot's).
    #[sea_orm(from_expr = "Expr::col((loan_products::Entity, loan_products::Column::Name))")]
    pub product_name: String,
}

impl ListRow {
    /// The joins a page query needs for the two names.
    pub fn joined(
        q: sea_orm::Select<loan_applications::Entity>,
    ) -> sea_orm::Select<loan_applications::Entity> {
        q.join(JoinType::InnerJoin, loan_applications::Relation::Bank.def())
            .join(
                JoinType::InnerJoin,
                loan_applications::Relation::Product.def(),
            )
    }

    /// The same fields from a full row (detail views), its names given.
    pub fn of(app: &loan_applications::Model, bank_name: String, product_name: String) -> Self {
        Self {
            id: app.id,
            number: app.number.clone(),
            applicant_user_id: app.applicant_user_id,
            product_id: app.product_id,
            borrower_kind: app.borrower_kind,
            region_code: app.region_code.clone(),
            applicant_name: app.applicant_name.clone(),
            applicant_phone_enc: app.applicant_phone_enc.clone(),
            applicant_id_number_enc: app.applicant_id_number_enc.clone(),
            amount_fen: app.amount_fen,
            term_months: app.term_months,
            purpose: app.purpose,
            purpose_detail: app.purpose_detail.clone(),
            business_name: app.business_name.clone(),
            business_registered: app.business_registered,
            unified_credit_code: app.unified_credit_code.clone(),
            annual_revenue_fen: app.annual_revenue_fen,
            existing_debt_fen: app.existing_debt_fen,
            jobs_created: app.jobs_created,
            guarantee_type: app.guarantee_type,
            guarantee_detail: app.guarantee_detail.clone(),
            status: app.status,
            return_count: app.return_count,
            recommended_amount_fen: app.recommended_amount_fen,
            recommendation_note: app.recommendation_note.clone(),
            submitted_at: app.submitted_at,
            review_due_at: app.review_due_at,
            bank_due_at: app.bank_due_at,
            resubmit_due_at: app.resubmit_due_at,
            approved_amount_fen: app.approved_amount_fen,
            approved_rate_bp: app.approved_rate_bp,
            approved_term_months: app.approved_term_months,
            offer_expires_at: app.offer_expires_at,
            disbursed_amount_fen: app.disbursed_amount_fen,
            disbursed_on: app.disbursed_on,
            maturity_on: app.maturity_on,
            bank_reference: app.bank_reference.clone(),
            overdue_since: app.overdue_since,
            closed_on: app.closed_on,
            closure: app.closure,
            reason_code: app.reason_code.clone(),
            reason_note: app.reason_note.clone(),
            version: app.version,
            bank_name,
            product_name,
        }
    }
}

/// What only a detail view carries: the product terms the application keeps and its documents'
/// links (a list item is a summary: a page of twenty carried 13 KB of terms and signed every
/// document's URL for nobody to open).
pub struct Detail {
    terms: ProductTerms,
    attachments: Vec<MediaLink>,
}

/// A full row as the detail views take it: its list fields (the bank's name looked up) and the
/// detail parts.
async fn detailed(
    state: &AppState,
    app: &loan_applications::Model,
) -> ApiResult<(ListRow, Detail)> {
    let bank = bank_name(&state.db, app).await?;
    let terms = terms_of(app)?;
    let row = ListRow::of(app, bank, terms.name.clone());
    let attachments = state.media.links(&attachment_keys(app)?);
    Ok((row, Detail { terms, attachments }))
}

/// The fields every reader sees; a [`Detail`] adds the product terms and the documents' links.
fn base(row: &ListRow, detail: Option<Detail>) -> LoanApplicationView {
    let (terms, attachments) = match detail {
        Some(d) => (Some(d.terms), Some(d.attachments)),
        None => (None, None),
    };
    LoanApplicationView {
        id: row.id,
        number: row.number.clone(),
        status: row.status,
        status_label: row.status.label().to_owned(),
        product_id: row.product_id,
        product_name: row.product_name.clone(),
        bank_name: row.bank_name.clone(),
        borrower_kind: row.borrower_kind,
        amount_fen: row.amount_fen,
        term_months: row.term_months,
        purpose: row.purpose,
        purpose_detail: row.purpose_detail.clone(),
        business_name: row.business_name.clone(),
        business_registered: row.business_registered,
        unified_credit_code: row.unified_credit_code.clone(),
        annual_revenue_fen: row.annual_revenue_fen,
        existing_debt_fen: row.existing_debt_fen,
        jobs_created: row.jobs_created,
        guarantee_type: row.guarantee_type,
        guarantee_detail: row.guarantee_detail.clone(),
        attachments,
        return_count: row.return_count,
        recommended_amount_fen: row.recommended_amount_fen,
        approved_amount_fen: row.approved_amount_fen,
        approved_rate_bp: row.approved_rate_bp,
        approved_term_months: row.approved_term_months,
        offer_expires_at: row.offer_expires_at.map(to_china),
        disbursed_amount_fen: row.disbursed_amount_fen,
        disbursed_on: row.disbursed_on,
        maturity_on: row.maturity_on,
        bank_reference: row.bank_reference.clone(),
        overdue_since: row.overdue_since,
        closed_on: row.closed_on,
        closure: row.closure,
        reason_code: row.reason_code.clone(),
        submitted_at: to_china(row.submitted_at),
        review_due_at: to_china(row.review_due_at),
        bank_due_at: row.bank_due_at.map(to_china),
        resubmit_due_at: row.resubmit_due_at.map(to_china),
        product_terms: terms,
        version: row.version,
        timeline: None,
        next_step: None,
        subsidy_claims: None,
    }
}

fn deadlines(row: &ListRow) -> Deadlines {
    Deadlines {
        review_due_at: Some(row.review_due_at),
        resubmit_due_at: row.resubmit_due_at,
        bank_due_at: row.bank_due_at,
        offer_expires_at: row.offer_expires_at,
        maturity_on: row.maturity_on,
    }
}

/// The history of an application as `audience` reads it.
async fn history(
    state: &AppState,
    row: &ListRow,
    audience: Audience,
) -> ApiResult<Vec<TimelineEntry<LoanStatus, ApplicationAction>>> {
    timeline(
        &state.db,
        loan_applications::Model::EVENTS,
        row.id,
        row.applicant_user_id,
        audience,
    )
    .await
}

/// The youth's view of their application, with its timeline and next step.
pub async fn my_view(
    state: &AppState,
    app: loan_applications::Model,
) -> ApiResult<LoanApplicationView> {
    let (row, detail) = detailed(state, &app).await?;
    let mut view = my_item(state, &row, Some(detail));
    view.subsidy_claims = Some(
        loan_subsidy_claims::Entity::find()
            .filter(loan_subsidy_claims::Column::ApplicationId.eq(app.id))
            .order_by_asc(loan_subsidy_claims::Column::PeriodFrom)
            .all(&state.db)
            .await?
            .into_iter()
            .map(claim_view)
            .collect(),
    );
    view.timeline = Some(history(state, &row, Audience::Person).await?);
    Ok(view)
}

/// The youth's view of their application without its timeline (a list item without `detail`).
pub fn my_item(state: &AppState, row: &ListRow, detail: Option<Detail>) -> LoanApplicationView {
    let mut view = base(row, detail);
    let local = local_short_name(state, &row.region_code);
    view.next_step = application_next_step(row.status, &local, &row.bank_name, deadlines(row));
    view
}

/// The short name of the local unit of a place (「德惠市团委」, 「梅河口市团委」).
pub fn local_short_name(state: &AppState, region_code: &str) -> String {
    state
        .league
        .owner(region_code)
        .map_or_else(|| "县级团委".to_owned(), |u| u.short_name.clone())
}

/// Still `submitted` after its review deadline.
fn overdue_review(row: &ListRow, now: DateTime<Utc>) -> bool {
    row.status == LoanStatus::Submitted && row.review_due_at <= now
}

/// A cadre's view with its timeline.
pub async fn admin_view(
    state: &AppState,
    cadre: &CadreScope,
    app: loan_applications::Model,
) -> ApiResult<AdminLoanApplicationView> {
    let (row, detail) = detailed(state, &app).await?;
    let mut view = admin_item(state, cadre, &row, Some(detail));
    let short = local_short_name(state, &row.region_code);
    let inner = &mut view.application;
    inner.next_step = application_next_step(row.status, &short, &row.bank_name, deadlines(&row));
    inner.timeline = Some(history(state, &row, Audience::Staff).await?);
    Ok(view)
}

/// A cadre's view: name and phone masked (a list item without `detail`).
pub fn admin_item(
    state: &AppState,
    cadre: &CadreScope,
    row: &ListRow,
    detail: Option<Detail>,
) -> AdminLoanApplicationView {
    let view = base(row, detail);
    let local = state.league.owner(&row.region_code);
    let phone = row
        .applicant_phone_enc
        .as_deref()
        .and_then(|enc| state.cipher.decrypt(enc).ok())
        .map(|p| mask_phone(&p));
    AdminLoanApplicationView {
        overdue_review: overdue_review(row, Utc::now()),
        local_unit_acts: local.is_some_and(|u| u.id == cadre.unit.id),
        applicant_name: row.applicant_name.as_deref().map(mask_name),
        applicant_phone: phone,
        region_code: row.region_code.clone(),
        local_unit_code: local.map(|u| u.code.clone()).unwrap_or_default(),
        local_unit_name: local.map(|u| u.name.clone()).unwrap_or_default(),
        recommendation_note: row.recommendation_note.clone(),
        reason_note: row.reason_note.clone(),
        application: view,
    }
}

/// The officer's view with its timeline.
pub async fn bank_view(
    state: &AppState,
    app: loan_applications::Model,
) -> ApiResult<BankLoanApplicationView> {
    let (row, detail) = detailed(state, &app).await?;
    let mut view = bank_item(state, &row, Some(detail));
    view.application.timeline = Some(history(state, &row, Audience::Staff).await?);
    Ok(view)
}

/// The officer's view: name and phone in full, the ID number masked (a list item without
/// `detail`).
pub fn bank_item(
    state: &AppState,
    row: &ListRow,
    detail: Option<Detail>,
) -> BankLoanApplicationView {
    let view = base(row, detail);
    let plain = |enc: &Option<String>| enc.as_deref().and_then(|e| state.cipher.decrypt(e).ok());
    BankLoanApplicationView {
        applicant_name: row.applicant_name.clone(),
        applicant_phone: plain(&row.applicant_phone_enc),
        applicant_id_number_masked: plain(&row.applicant_id_number_enc).map(|i| mask_id_number(&i)),
        local_unit_name: state
            .league
            .owner(&row.region_code)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        region_code: row.region_code.clone(),
        recommendation_note: row.recommendation_note.clone(),
        application: view,
    }
}

/// A claim as shown to staff and, without its timeline, on the youth's application.
pub fn claim_view(c: loan_subsidy_claims::Model) -> SubsidyClaimView {
    SubsidyClaimView {
        id: c.id,
        application_id: c.application_id,
        region_code: c.region_code,
        bank_id: c.bank_id,
        period_from: c.period_from,
        period_to: c.period_to,
        interest_paid_fen: c.interest_paid_fen,
        subsidy_fen: c.subsidy_fen,
        status_label: c.status.label().to_owned(),
        status: c.status,
        paid_on: c.paid_on,
        paid_reference: c.paid_reference,
        reason: c.reason,
        version: c.version,
        created_at: to_china(c.created_at),
        timeline: None,
    }
}
