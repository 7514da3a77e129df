//! Applications as each reader sees them: the youth (with `nextStep`), cadres (masked personal
//! data), with their timelines.
use chrono::{DateTime, Utc};
use entity::loan_applications::{self, LoanStatus};
use entity::{banks, loan_subsidy_claims};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::dto::{
    AdminLoanApplicationView, BankLoanApplicationView, LoanApplicationView, ProductTerms,
    SubsidyClaimView,
};
use super::queries::banks_by_id;
use super::state::{Deadlines, application_next_step};
use crate::app_state::AppState;
use crate::auth::CadreScope;
use crate::choices::Labelled;
use crate::crypto::{mask_id_number, mask_name, mask_phone};
use crate::error::{ApiError, ApiResult};
use crate::mentoring::queries::json_list;
use crate::time::to_china;
use crate::workflow::Subject;
use crate::workflow::timeline::{Audience, timeline};

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

/// The name of an application's bank as lists read it, joined to the page (the `*_named` views
/// take it instead of one look-up per row).
pub fn bank_name_of(bank: &Option<banks::Model>) -> String {
    bank.as_ref().map(|b| b.name.clone()).unwrap_or_default()
}

/// The fields every reader sees; `detail` adds the product terms and the documents' links, which
/// lists leave out (a list item is a summary: a page of twenty carried 13 KB of terms and signed
/// every document's URL for nobody to open).
fn base(
    state: &AppState,
    app: &loan_applications::Model,
    bank_name: String,
    detail: bool,
) -> ApiResult<LoanApplicationView> {
    let terms = terms_of(app)?;
    let attachments = if detail {
        Some(state.media.links(&attachment_keys(app)?))
    } else {
        None
    };
    Ok(LoanApplicationView {
        id: app.id,
        number: app.number.clone(),
        status: app.status,
        status_label: app.status.label().to_owned(),
        product_id: app.product_id,
        product_name: terms.name.clone(),
        bank_name,
        borrower_kind: app.borrower_kind,
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
        attachments,
        return_count: app.return_count,
        recommended_amount_fen: app.recommended_amount_fen,
        approved_amount_fen: app.approved_amount_fen,
        approved_rate_bp: app.approved_rate_bp,
        approved_term_months: app.approved_term_months,
        offer_expires_at: app.offer_expires_at.map(to_china),
        disbursed_amount_fen: app.disbursed_amount_fen,
        disbursed_on: app.disbursed_on,
        maturity_on: app.maturity_on,
        bank_reference: app.bank_reference.clone(),
        overdue_since: app.overdue_since,
        closed_on: app.closed_on,
        closure: app.closure,
        reason_code: app.reason_code.clone(),
        submitted_at: to_china(app.submitted_at),
        review_due_at: to_china(app.review_due_at),
        bank_due_at: app.bank_due_at.map(to_china),
        resubmit_due_at: app.resubmit_due_at.map(to_china),
        product_terms: detail.then_some(terms),
        version: app.version,
        timeline: None,
        next_step: None,
        subsidy_claims: None,
    })
}

fn deadlines(app: &loan_applications::Model) -> Deadlines {
    Deadlines {
        review_due_at: Some(app.review_due_at),
        resubmit_due_at: app.resubmit_due_at,
        bank_due_at: app.bank_due_at,
        offer_expires_at: app.offer_expires_at,
        maturity_on: app.maturity_on,
    }
}

/// The youth's view of their application, with its timeline and next step.
pub async fn my_view(
    state: &AppState,
    app: loan_applications::Model,
) -> ApiResult<LoanApplicationView> {
    let bank = bank_name(&state.db, &app).await?;
    let mut view = my_summary(state, &app, bank, true)?;
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
    view.timeline = Some(
        timeline(
            &state.db,
            loan_applications::Model::EVENTS,
            app.id,
            app.applicant_user_id,
            Audience::Person,
        )
        .await?,
    );
    Ok(view)
}

/// The youth's view of their application without its timeline (their list unless `detail`),
/// `bank` being its bank's name.
pub fn my_summary(
    state: &AppState,
    app: &loan_applications::Model,
    bank: String,
    detail: bool,
) -> ApiResult<LoanApplicationView> {
    let mut view = base(state, app, bank.clone(), detail)?;
    let local = local_short_name(state, &app.region_code);
    view.next_step = application_next_step(app.status, &local, &bank, deadlines(app));
    Ok(view)
}

/// The short name of the local unit of a place (「德惠市团委」, 「梅河口市团委」).
pub fn local_short_name(state: &AppState, region_code: &str) -> String {
    state
        .league
        .owner(region_code)
        .map_or_else(|| "县级团委".to_owned(), |u| u.short_name.clone())
}

/// Still `submitted` after its review deadline.
pub fn overdue_review(app: &loan_applications::Model, now: DateTime<Utc>) -> bool {
    app.status == LoanStatus::Submitted && app.review_due_at <= now
}

/// A cadre's view: name and phone masked; with the timeline when `detail`.
pub async fn admin_view(
    state: &AppState,
    cadre: &CadreScope,
    app: loan_applications::Model,
    detail: bool,
) -> ApiResult<AdminLoanApplicationView> {
    let bank = bank_name(&state.db, &app).await?;
    admin_view_named(state, cadre, app, detail, bank).await
}

/// [`admin_view`] with the bank's name already known (lists: [`bank_name_of`]).
pub async fn admin_view_named(
    state: &AppState,
    cadre: &CadreScope,
    app: loan_applications::Model,
    detail: bool,
    bank: String,
) -> ApiResult<AdminLoanApplicationView> {
    let mut view = base(state, &app, bank.clone(), detail)?;
    let local = state.league.owner(&app.region_code);
    let local_unit_code = local.map(|u| u.code.clone()).unwrap_or_default();
    let local_unit_name = local.map(|u| u.name.clone()).unwrap_or_default();
    if detail {
        let short = local_short_name(state, &app.region_code);
        view.next_step = application_next_step(app.status, &short, &bank, deadlines(&app));
        view.timeline = Some(
            timeline(
                &state.db,
                loan_applications::Model::EVENTS,
                app.id,
                app.applicant_user_id,
                Audience::Staff,
            )
            .await?,
        );
    }
    let phone = app
        .applicant_phone_enc
        .as_deref()
        .and_then(|enc| state.cipher.decrypt(enc).ok())
        .map(|p| mask_phone(&p));
    Ok(AdminLoanApplicationView {
        overdue_review: overdue_review(&app, Utc::now()),
        local_unit_acts: local.is_some_and(|u| u.id == cadre.unit.id),
        applicant_name: app.applicant_name.as_deref().map(mask_name),
        applicant_phone: phone,
        region_code: app.region_code.clone(),
        local_unit_code,
        local_unit_name,
        recommendation_note: app.recommendation_note.clone(),
        reason_note: app.reason_note.clone(),
        application: view,
    })
}

/// The officer's view: name and phone in full, the ID number masked; with the timeline.
pub async fn bank_view(
    state: &AppState,
    app: loan_applications::Model,
    detail: bool,
) -> ApiResult<BankLoanApplicationView> {
    let bank = bank_name(&state.db, &app).await?;
    bank_view_named(state, app, detail, bank).await
}

/// [`bank_view`] with the bank's name already known (lists: [`bank_name_of`]).
pub async fn bank_view_named(
    state: &AppState,
    app: loan_applications::Model,
    detail: bool,
    bank: String,
) -> ApiResult<BankLoanApplicationView> {
    let mut view = base(state, &app, bank, detail)?;
    if detail {
        view.timeline = Some(
            timeline(
                &state.db,
                loan_applications::Model::EVENTS,
                app.id,
                app.applicant_user_id,
                Audience::Staff,
            )
            .await?,
        );
    }
    let plain = |enc: &Option<String>| enc.as_deref().and_then(|e| state.cipher.decrypt(e).ok());
    Ok(BankLoanApplicationView {
        applicant_name: app.applicant_name.clone(),
        applicant_phone: plain(&app.applicant_phone_enc),
        applicant_id_number_masked: plain(&app.applicant_id_number_enc).map(|i| mask_id_number(&i)),
        local_unit_name: state
            .league
            .owner(&app.region_code)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        region_code: app.region_code.clone(),
        recommendation_note: app.recommendation_note.clone(),
        application: view,
    })
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
