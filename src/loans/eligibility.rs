//! Who may apply for a product (`loans.md`, "Eligibility at submit"): every reason at once for
//! the side-effect-free check, the first one for a submission. Each refusal has its own code so
//! the mini-program can explain it.
use chrono::{DateTime, Utc};
use entity::loan_applications::{self, Column as A};
use entity::loan_borrowers;
use entity::loan_products;
use entity::talent_profiles::{self, TalentStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::dto::{EligibilityReason, ProductTerms};
use super::queries::is_open;
use super::rules::{self, Ask};
use super::state::OPEN_STATUSES;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::league::LeagueTree;
use crate::talents::profile_required;
use crate::talents::rules::age_on;
use crate::time::today_in_china;
use crate::workflow::units::unit_covers;

/// 409 naming the open application's number.
pub fn in_progress(number: &str) -> ApiError {
    ApiError::Conflict(
        "APPLICATION_IN_PROGRESS",
        format!("您已有一笔办理中的贷款申请（编号{number}），办结后才能再次申请"),
    )
}

pub fn outstanding_loan() -> ApiError {
    ApiError::Conflict(
        "OUTSTANDING_LOAN",
        "您有尚未结清的贷款，结清后才能再次申请".into(),
    )
}

/// The caller's open application (one of the partial unique index's statuses), if any.
pub async fn open_application(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<loan_applications::Model>> {
    Ok(loan_applications::Entity::find()
        .filter(A::ApplicantUserId.eq(user_id))
        .filter(A::Status.is_in(OPEN_STATUSES))
        .one(db)
        .await?)
}

/// Whether a youth's loan needs their talent profile: an open application or an outstanding loan
/// (the bank acts on the name and phone; conventions §10 refuses the profile's deletion then).
pub async fn needs_talent_profile(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<bool> {
    if open_application(db, user_id).await?.is_some() {
        return Ok(true);
    }
    Ok(loan_borrowers::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|b| b.outstanding_loans > 0))
}

/// What a submission knows besides the ask: its own field errors (consents, documents,
/// business code), checked at their place in the order.
pub struct Check<'a> {
    pub tree: &'a LeagueTree,
    pub product: &'a loan_products::Model,
    pub terms: &'a ProductTerms,
    pub ask: Ask,
    pub extra_fields: Vec<FieldError>,
    pub now: DateTime<Utc>,
}

/// Every reason the caller may not apply, in the spec's order, with the caller's talent profile.
pub async fn reasons(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    c: Check<'_>,
) -> ApiResult<(Option<talent_profiles::Model>, Vec<ApiError>)> {
    user.require_youth()?;
    let mut out = Vec::new();
    if !is_open(c.product, c.now) {
        out.push(ApiError::Conflict(
            "PRODUCT_NOT_AVAILABLE",
            "该贷款产品当前不受理申请".into(),
        ));
    }
    let profile = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user.id()))
        .one(db)
        .await?;
    match &profile {
        None => out.push(profile_required()),
        Some(p) => {
            if !unit_covers(c.tree, &c.terms.area_unit_code, &p.home_region_code) {
                out.push(ApiError::Forbidden(
                    "OUTSIDE_PRODUCT_REGION",
                    "该贷款产品不在您的家乡所在地区发放".into(),
                ));
            }
            if c.terms.requires_verified_talent && p.status != TalentStatus::Verified {
                out.push(ApiError::Forbidden(
                    "VERIFICATION_REQUIRED",
                    "人才信息经团组织认定后才能申请该贷款".into(),
                ));
            }
            let age = age_on(p.date_of_birth, today_in_china(c.now));
            if age < c.terms.age_min || age > c.terms.age_max {
                out.push(ApiError::Forbidden(
                    "AGE_NOT_ELIGIBLE",
                    format!(
                        "该产品仅面向{}至{}周岁的申请人",
                        c.terms.age_min, c.terms.age_max
                    ),
                ));
            }
        }
    }
    if let Some(open) = open_application(db, user.id()).await? {
        out.push(in_progress(&open.number));
    }
    if !c.terms.allow_concurrent_loans {
        let outstanding = loan_borrowers::Entity::find_by_id(user.id())
            .one(db)
            .await?
            .is_some_and(|b| b.outstanding_loans > 0);
        if outstanding {
            out.push(outstanding_loan());
        }
    }
    let mut fields = rules::ask_errors(c.terms, c.ask);
    fields.extend(c.extra_fields);
    if !fields.is_empty() {
        out.push(ApiError::Validation(fields));
    }
    if user.user.phone_enc.is_none() {
        out.push(ApiError::Conflict(
            "PHONE_REQUIRED",
            "请先绑定微信手机号，便于合作银行与您联系".into(),
        ));
    }
    Ok((profile, out))
}

/// The submission's answer: the first reason (a 422 with every field error when that comes
/// first).
pub fn first_refusal(reasons: Vec<ApiError>) -> ApiResult<()> {
    match reasons.into_iter().next() {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The reasons as the eligibility check lists them.
pub fn listed(reasons: &[ApiError]) -> Vec<EligibilityReason> {
    reasons
        .iter()
        .flat_map(|e| match e {
            ApiError::Validation(fields) => fields
                .iter()
                .map(|f| EligibilityReason {
                    code: f.code.clone(),
                    message: f.message.clone(),
                    field: Some(f.field.clone()),
                })
                .collect::<Vec<_>>(),
            other => vec![EligibilityReason {
                code: other.code().to_owned(),
                message: other.envelope().error.message,
                field: None,
            }],
        })
        .collect()
}
