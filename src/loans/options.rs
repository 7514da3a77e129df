//! `GET /loan-options`: every list with Chinese labels, the consent texts and the limits.
use actix_web::{get, web};
use entity::loan_applications::{
    Closure, LoanPurpose, LoanStatus, NotRecommendedReason, RejectReason,
};
use entity::loan_products::{BorrowerKind, GuaranteeType, ProductStatus, SubsidyKind};

use super::dto::{LoanConsentText, LoanConsents, LoanLimits, LoanOptionsView};
use super::rules;
use crate::app_state::AppState;
use crate::choices::choices;
use crate::consents::ConsentText;

fn consent(c: ConsentText) -> LoanConsentText {
    LoanConsentText {
        version: c.version,
        text: c.template,
    }
}

/// The lists loans choose from (borrower kinds, guarantee types, purposes, statuses, reason
/// codes), the two consent texts a youth agrees to for the product's bank, and the limits and
/// defaults in force. Needs no login.
#[utoipa::path(
    tag = "loans",
    operation_id = "get_loan_options",
    responses((status = 200, body = LoanOptionsView))
)]
#[get("/loan-options")]
pub async fn get_loan_options(state: web::Data<AppState>) -> web::Json<LoanOptionsView> {
    let l = state.settings.loans;
    web::Json(LoanOptionsView {
        borrower_kinds: choices::<BorrowerKind>(),
        guarantee_types: choices::<GuaranteeType>(),
        subsidy_kinds: choices::<SubsidyKind>(),
        purposes: choices::<LoanPurpose>(),
        product_statuses: choices::<ProductStatus>(),
        application_statuses: choices::<LoanStatus>(),
        not_recommended_reasons: choices::<NotRecommendedReason>(),
        reject_reasons: choices::<RejectReason>(),
        closures: choices::<Closure>(),
        consents: LoanConsents {
            credit_inquiry: consent(rules::CREDIT_INQUIRY_CONSENT),
            bank_sharing: consent(rules::BANK_SHARING_CONSENT),
        },
        limits: LoanLimits {
            review_days: l.review_days,
            bank_days: l.bank_days,
            resubmit_days: l.resubmit_days,
            reversal_hours: l.reversal_hours,
            return_limit: rules::RETURN_LIMIT,
            attachments_max: rules::ATTACHMENTS_MAX,
            term_months_max: rules::TERM_MONTHS_MAX,
            rate_max_bp: rules::RATE_MAX_BP,
            age_min_floor: rules::AGE_MIN_FLOOR,
            default_amount_step_fen: rules::DEFAULT_AMOUNT_STEP_FEN,
            default_age_min: rules::DEFAULT_AGE_MIN,
            default_age_max: rules::DEFAULT_AGE_MAX,
            default_offer_valid_days: rules::DEFAULT_OFFER_VALID_DAYS,
        },
    })
}
