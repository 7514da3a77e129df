//! Request and response bodies of the loan endpoints: products and options.
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::loan_applications::{
    Closure, LoanPurpose, LoanStatus, NotRecommendedReason, RejectReason,
};
use entity::loan_products::{
    self, BorrowerKind, GuaranteeType, ProductStatus, SubsidyKind, SuspendedBy,
};
use entity::loan_reveals::RevealField;
use entity::loan_subsidy_claims::ClaimStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::{ApplicationAction, ClaimAction, ProductAction};
use crate::choices::Choice;
use crate::error::ApiResult;
use crate::media::MediaLink;
use crate::mentoring::queries::json_list;
use crate::workflow::{NextStep, TimelineEntry};

/// A product's terms: what a cadre entered and the bank confirmed. An application keeps a copy
/// of them as they were at submission (`productTerms`), and every later check reads the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductTerms {
    pub code: String,
    pub name: String,
    pub description: String,
    pub bank_id: Uuid,
    /// The league unit where it is offered: youth whose home region it covers may apply.
    pub area_unit_code: String,
    pub borrower_kinds: Vec<BorrowerKind>,
    pub min_amount_fen: i64,
    pub max_amount_fen: i64,
    /// The ceiling for businesses (经营主体), if it differs.
    pub max_amount_business_fen: Option<i64>,
    /// Amounts are multiples of it (default 100,000 fen = 1,000 yuan).
    pub amount_step_fen: i64,
    pub min_term_months: i32,
    pub max_term_months: i32,
    /// Yearly rate range in basis points (385 = 3.85 %).
    pub rate_min_bp: i32,
    pub rate_max_bp: i32,
    /// How the rate is set (「LPR−15BP」).
    pub rate_note: Option<String>,
    pub guarantee_types: Vec<GuaranteeType>,
    pub subsidy_kind: SubsidyKind,
    /// For `ratio`: the share of the interest paid that is subsidised (‰).
    pub subsidy_ratio_permille: Option<i32>,
    /// Most subsidy per loan (fen).
    pub subsidy_cap_fen: Option<i64>,
    /// Who pays the subsidy.
    pub subsidy_payer_note: Option<String>,
    /// Ages (full years on the China date of applying), inclusive.
    pub age_min: i32,
    pub age_max: i32,
    pub requires_verified_talent: bool,
    /// Whether a borrower may hold another outstanding loan.
    pub allow_concurrent_loans: bool,
    /// Days an approval stays open for disbursement.
    pub offer_valid_days: i32,
    /// China dates, inclusive.
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl ProductTerms {
    pub fn of(p: &loan_products::Model) -> ApiResult<Self> {
        Ok(Self {
            code: p.code.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            bank_id: p.bank_id,
            area_unit_code: p.area_unit_code.clone(),
            borrower_kinds: json_list("borrower_kinds", &p.borrower_kinds)?,
            min_amount_fen: p.min_amount_fen,
            max_amount_fen: p.max_amount_fen,
            max_amount_business_fen: p.max_amount_business_fen,
            amount_step_fen: p.amount_step_fen,
            min_term_months: p.min_term_months,
            max_term_months: p.max_term_months,
            rate_min_bp: p.rate_min_bp,
            rate_max_bp: p.rate_max_bp,
            rate_note: p.rate_note.clone(),
            guarantee_types: json_list("guarantee_types", &p.guarantee_types)?,
            subsidy_kind: p.subsidy_kind,
            subsidy_ratio_permille: p.subsidy_ratio_permille,
            subsidy_cap_fen: p.subsidy_cap_fen,
            subsidy_payer_note: p.subsidy_payer_note.clone(),
            age_min: p.age_min,
            age_max: p.age_max,
            requires_verified_talent: p.requires_verified_talent,
            allow_concurrent_loans: p.allow_concurrent_loans,
            offer_valid_days: p.offer_valid_days,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
        })
    }
}

/// `POST /admin/loan-products` and `PUT …/{id}`: the terms of a product (a draft, or one
/// awaiting the bank). Numbers not sent take the defaults of `GET /loan-options`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "bankId": "0193a0a0-0000-7000-8000-0000000000b1", "code": "QCD_2027", "name": "青创贷",
    "description": "面向农村创业青年的信用贷款，团组织推荐，合作银行审批。", "areaUnitCode": "220000",
    "borrowerKinds": ["individual", "business"], "minAmountFen": 1000000, "maxAmountFen": 30000000,
    "maxAmountBusinessFen": null, "amountStepFen": 100000, "minTermMonths": 12, "maxTermMonths": 36,
    "rateMinBp": 385, "rateMaxBp": 435, "rateNote": "LPR−15BP", "guaranteeTypes": ["credit", "guarantor"],
    "subsidyKind": "full", "subsidyRatioPermille": null, "subsidyCapFen": null,
    "subsidyPayerNote": "省财政", "ageMin": 18, "ageMax": 45, "requiresVerifiedTalent": true,
    "allowConcurrentLoans": false, "quotaFen": 5_000_000_000_i64, "offerValidDays": 60,
    "validFrom": "2026-12-01", "validTo": "2027-12-31", "version": null
}))]
pub struct LoanProductRequest {
    /// An active partner bank.
    pub bank_id: Uuid,
    /// Unique, `[A-Z0-9_]{2,20}` (`FORMAT`).
    #[schema(
        min_length = 2,
        max_length = 20,
        pattern = "^[A-Z0-9_]{2,20}$",
        example = "QCD_2027"
    )]
    pub code: String,
    /// 2–32 characters (「吉青贷」「青创贷」).
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 32>",
        message = "产品名称应为2至32个字"
    ))]
    #[schema(min_length = 2, max_length = 32)]
    pub name: String,
    /// ≤2000 characters.
    #[validate(length(max = 2000, message = "产品说明不能超过2000个字"))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub description: String,
    /// The league unit where it is offered, inside the caller's unit.
    #[schema(example = "220000")]
    pub area_unit_code: String,
    #[validate(length(min = 1, max = 2, message = "请选择借款人类型"))]
    #[schema(min_items = 1, max_items = 2)]
    pub borrower_kinds: Vec<BorrowerKind>,
    #[schema(minimum = 1)]
    pub min_amount_fen: i64,
    #[schema(minimum = 1)]
    pub max_amount_fen: i64,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_amount_business_fen: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub amount_step_fen: Option<i64>,
    #[schema(minimum = 1, maximum = 60)]
    pub min_term_months: i32,
    #[schema(minimum = 1, maximum = 60)]
    pub max_term_months: i32,
    #[schema(minimum = 0, maximum = 2400)]
    pub rate_min_bp: i32,
    #[schema(minimum = 0, maximum = 2400)]
    pub rate_max_bp: i32,
    #[validate(length(max = 100, message = "利率说明不能超过100个字"))]
    #[schema(max_length = 100)]
    #[serde(default)]
    pub rate_note: Option<String>,
    #[validate(length(min = 1, max = 5, message = "请选择担保方式"))]
    #[schema(min_items = 1, max_items = 5)]
    pub guarantee_types: Vec<GuaranteeType>,
    pub subsidy_kind: SubsidyKind,
    /// Required for `ratio` (1–1000 ‰); ignored otherwise.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub subsidy_ratio_permille: Option<i32>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub subsidy_cap_fen: Option<i64>,
    #[validate(length(max = 64, message = "贴息资金来源不能超过64个字"))]
    #[schema(max_length = 64)]
    #[serde(default)]
    pub subsidy_payer_note: Option<String>,
    /// Default 18; at least 18.
    #[serde(default)]
    #[schema(minimum = 18, maximum = 70)]
    pub age_min: Option<i32>,
    /// Default 45.
    #[serde(default)]
    #[schema(minimum = 18, maximum = 70)]
    pub age_max: Option<i32>,
    /// Default true.
    #[serde(default)]
    pub requires_verified_talent: Option<bool>,
    /// Default false.
    #[serde(default)]
    pub allow_concurrent_loans: Option<bool>,
    /// Total credit line (fen); none when not sent.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub quota_fen: Option<i64>,
    /// Default 60.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub offer_valid_days: Option<i32>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The version edited (`PUT`; a stale one is 409 `PRODUCT_CHANGED`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// The version a product action was decided on (optional; a stale one is 409
/// `PRODUCT_CHANGED`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 3}))]
pub struct ProductVersionRequest {
    #[serde(default)]
    pub version: Option<i32>,
}

/// Suspend a product, with an optional reason shown on its history.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "年度额度已用完，暂停受理", "version": 4}))]
pub struct ProductSuspensionRequest {
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// The bank asks for changes to the terms.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"note": "利率下限请调整为3.95%", "version": 2}))]
pub struct ProductChangeRequest {
    /// What to change, 2–500 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 500>",
        message = "修改意见应为2至500个字"
    ))]
    #[schema(min_length = 2, max_length = 500)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i32>,
}

/// A new version of a product, as a draft with the same terms and a new code.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "QCD_2028"}))]
pub struct ProductCloneRequest {
    /// Unique, `[A-Z0-9_]{2,20}`.
    #[schema(min_length = 2, max_length = 20, pattern = "^[A-Z0-9_]{2,20}$")]
    pub code: String,
}

/// A product as cadres and bank officers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminLoanProductView {
    pub id: Uuid,
    #[serde(flatten)]
    pub terms: ProductTerms,
    pub bank_name: String,
    pub area_unit_name: String,
    /// 「最高30万元，年利率3.85%–4.35%，贴息：全额」.
    pub summary: String,
    pub status: ProductStatus,
    pub status_label: String,
    /// Total credit line (null: none), and what approvals hold of it.
    pub quota_fen: Option<i64>,
    pub committed_fen: i64,
    pub created_unit_code: String,
    /// Set when the bank confirmed the current terms (an edit clears it).
    pub bank_confirmed_at: Option<DateTime<FixedOffset>>,
    /// The bank's last request for changes.
    pub change_request_note: Option<String>,
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Which side suspended it (only that side resumes it).
    pub suspended_by_kind: Option<SuspendedBy>,
    /// The product this one is a new version of.
    pub cloned_from_id: Option<Uuid>,
    /// Whether the caller may change it (cadres of units below the area read it only).
    pub manageable: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// History, oldest first (detail views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry<ProductStatus, ProductAction>>>,
}

/// A published product offered in the youth's home area.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-0000000000c1", "code": "QCD_2027", "name": "青创贷",
    "description": "面向农村创业青年的信用贷款，团组织推荐，合作银行审批。",
    "bankId": "0193a0a0-0000-7000-8000-0000000000b1", "areaUnitCode": "220000",
    "borrowerKinds": ["individual", "business"], "minAmountFen": 1000000,
    "maxAmountFen": 30000000, "maxAmountBusinessFen": null, "amountStepFen": 100000,
    "minTermMonths": 12, "maxTermMonths": 36, "rateMinBp": 385, "rateMaxBp": 435,
    "rateNote": "LPR−15BP", "guaranteeTypes": ["credit", "guarantor"], "subsidyKind": "full",
    "subsidyRatioPermille": null, "subsidyCapFen": null, "subsidyPayerNote": "省财政",
    "ageMin": 18, "ageMax": 45, "requiresVerifiedTalent": true, "allowConcurrentLoans": false,
    "offerValidDays": 60, "validFrom": "2026-12-01", "validTo": "2027-12-31",
    "bankName": "吉林银行股份有限公司", "bankShortName": "吉林银行", "areaUnitName": "共青团吉林省委员会",
    "summary": "最高30万元，年利率3.85%–4.35%，贴息：全额", "open": true
}))]
pub struct LoanProductView {
    pub id: Uuid,
    #[serde(flatten)]
    pub terms: ProductTerms,
    pub bank_name: String,
    pub bank_short_name: Option<String>,
    pub area_unit_name: String,
    /// 「最高30万元，年利率3.85%–4.35%，贴息：全额」 (the ceiling for the borrower kind asked
    /// for, else for individuals where the product takes them).
    pub summary: String,
    /// Taking applications today (China date within its validity).
    pub open: bool,
}

/// `GET /admin/loan-products` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminProductFilter {
    #[param(inline)]
    pub status: Option<ProductStatus>,
    pub bank_id: Option<Uuid>,
}

/// `GET /admin/bank/loan-products` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BankProductFilter {
    #[param(inline)]
    pub status: Option<ProductStatus>,
}

/// `GET /loan-products` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ProductFilter {
    /// Only products for this kind of borrower; the summary names its ceiling.
    #[param(inline)]
    pub borrower_kind: Option<BorrowerKind>,
}

/// A consent text and its version.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanConsentText {
    pub version: &'static str,
    /// `{recipient}` stands for the bank's name.
    pub text: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanConsents {
    /// 征信查询授权 for the product's bank (`creditInquiryConsent`).
    pub credit_inquiry: LoanConsentText,
    /// Sharing the application with the product's bank (`bankSharingConsent`).
    pub bank_sharing: LoanConsentText,
}

/// The limits and defaults in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanLimits {
    /// Days the local unit has to review a submission.
    pub review_days: u32,
    /// Days the bank has to decide a recommended application.
    pub bank_days: u32,
    /// Days to resubmit a returned application.
    pub resubmit_days: u32,
    /// Hours within which a bank may reverse its own last approval or disbursement.
    pub reversal_hours: u32,
    pub return_limit: i32,
    pub attachments_max: usize,
    pub term_months_max: i32,
    pub rate_max_bp: i32,
    pub age_min_floor: i32,
    pub default_amount_step_fen: i64,
    pub default_age_min: i32,
    pub default_age_max: i32,
    pub default_offer_valid_days: i32,
}

/// `GET /loan-options`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanOptionsView {
    pub borrower_kinds: Vec<Choice>,
    pub guarantee_types: Vec<Choice>,
    pub subsidy_kinds: Vec<Choice>,
    pub purposes: Vec<Choice>,
    pub product_statuses: Vec<Choice>,
    pub application_statuses: Vec<Choice>,
    /// Why a local unit declines to recommend.
    pub not_recommended_reasons: Vec<Choice>,
    /// Why a bank rejects.
    pub reject_reasons: Vec<Choice>,
    pub closures: Vec<Choice>,
    pub consents: LoanConsents,
    pub limits: LoanLimits,
}

/// `POST /loan-applications` and `PUT /me/loan-applications/{id}` (resubmitting a returned
/// one): what the youth asks for, their business, the guarantee, documents and the two
/// separate consents for the product's bank.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "productId": "0193a0a0-0000-7000-8000-0000000000c1", "borrowerKind": "individual",
    "amountFen": 20000000, "termMonths": 24, "purpose": "animal_husbandry",
    "purposeDetail": "扩建肉牛养殖棚舍，新增存栏30头", "businessName": "德惠市青禾肉牛养殖场",
    "businessRegistered": false, "unifiedCreditCode": null, "annualRevenueFen": 80000000,
    "existingDebtFen": 0, "jobsCreated": 4, "guaranteeType": "credit", "guaranteeDetail": null,
    "attachments": [], "creditInquiryConsent": true, "bankSharingConsent": true,
    "consentVersion": "2026-12", "version": null
}))]
pub struct LoanApplicationRequest {
    /// A published product offered in the home area (on a resubmission: the same product).
    pub product_id: Uuid,
    pub borrower_kind: BorrowerKind,
    /// Within the product's range for the borrower kind, on its step.
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    #[schema(minimum = 1, maximum = 60)]
    pub term_months: i32,
    pub purpose: LoanPurpose,
    /// 10–500 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 500>",
        message = "请用10至500个字说明贷款用途"
    ))]
    #[schema(min_length = 10, max_length = 500)]
    pub purpose_detail: String,
    /// ≤64.
    #[validate(length(max = 64, message = "经营主体名称不能超过64个字"))]
    #[schema(max_length = 64)]
    #[serde(default)]
    pub business_name: Option<String>,
    /// A registered business gives its unified social credit code.
    #[serde(default)]
    pub business_registered: bool,
    /// GB 32100; required when `businessRegistered`.
    #[schema(min_length = 18, max_length = 18)]
    #[serde(default)]
    pub unified_credit_code: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0)]
    #[validate(range(min = 0, message = "年营业收入不能为负数"))]
    pub annual_revenue_fen: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    #[validate(range(min = 0, message = "现有负债不能为负数"))]
    pub existing_debt_fen: Option<i64>,
    /// 带动就业 (0–9999).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 9999)]
    #[validate(range(min = 0, max = 9999, message = "带动就业人数应为0至9999"))]
    pub jobs_created: Option<i32>,
    /// One of the product's guarantee types.
    pub guarantee_type: GuaranteeType,
    /// ≤300 characters, no third party's ID number.
    #[validate(length(max = 300, message = "担保说明不能超过300个字"))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub guarantee_detail: Option<String>,
    /// ≤9 uploaded `loan_document` keys (shown to the bank once recommended).
    #[validate(length(max = 9, message = "最多上传9份材料"))]
    #[schema(max_items = 9)]
    #[serde(default)]
    pub attachments: Vec<String>,
    /// 征信查询授权 for the product's bank: must be true.
    #[serde(default)]
    pub credit_inquiry_consent: bool,
    /// Consent to share the application with the product's bank: must be true.
    #[serde(default)]
    pub bank_sharing_consent: bool,
    /// `consents.*.version` of `GET /loan-options`.
    #[serde(default)]
    pub consent_version: String,
    /// On a resubmission: the version edited (409 `APPLICATION_CHANGED` when stale).
    #[serde(default)]
    pub version: Option<i32>,
}

/// `POST /loan-products/{id}/eligibility-checks`: the parts of an application known so far;
/// each one given is checked too.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"borrowerKind": "individual", "amountFen": 20000000, "termMonths": 24, "guaranteeType": "credit"}))]
pub struct EligibilityRequest {
    #[serde(default)]
    pub borrower_kind: Option<BorrowerKind>,
    #[serde(default)]
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub term_months: Option<i32>,
    #[serde(default)]
    pub guarantee_type: Option<GuaranteeType>,
}

/// One reason an application would be refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityReason {
    /// The code the submission would answer (`AGE_NOT_ELIGIBLE`, `RANGE`, …).
    pub code: String,
    pub message: String,
    /// The request field at fault, for field codes (`amountFen`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Every reason at once; nothing is written.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"eligible": false, "reasons": [{"code": "AGE_NOT_ELIGIBLE", "message": "该产品仅面向18至45周岁的申请人"}]}))]
pub struct EligibilityView {
    pub eligible: bool,
    pub reasons: Vec<EligibilityReason>,
}

/// An application as its youth sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-0000000000d1", "number": "JQD-2026-7K3M9Q2X",
    "status": "approved", "statusLabel": "银行已审批", "productId": "0193a0a0-0000-7000-8000-0000000000c1",
    "productName": "青创贷", "bankName": "吉林银行", "borrowerKind": "individual",
    "amountFen": 20000000, "termMonths": 24, "purpose": "animal_husbandry",
    "purposeDetail": "扩建肉牛养殖棚舍，新增存栏30头", "businessName": "德惠市青禾肉牛养殖场",
    "businessRegistered": false, "unifiedCreditCode": null, "annualRevenueFen": 80000000,
    "existingDebtFen": 0, "jobsCreated": 4, "guaranteeType": "credit", "guaranteeDetail": null,
    "attachments": [], "returnCount": 0, "recommendedAmountFen": 20000000,
    "approvedAmountFen": 15000000, "approvedRateBp": 395, "approvedTermMonths": 24,
    "offerExpiresAt": "2027-01-30T10:12:00+08:00", "disbursedAmountFen": null, "disbursedOn": null,
    "maturityOn": null, "bankReference": null, "overdueSince": null, "closedOn": null,
    "closure": null, "reasonCode": null, "submittedAt": "2026-12-01T09:30:00+08:00",
    "reviewDueAt": "2026-12-08T09:30:00+08:00", "bankDueAt": "2026-12-17T16:05:00+08:00",
    "resubmitDueAt": null,
    "productTerms": {
        "code": "QCD_2027", "name": "青创贷",
        "description": "面向农村创业青年的信用贷款，团组织推荐，合作银行审批。",
        "bankId": "0193a0a0-0000-7000-8000-0000000000b1", "areaUnitCode": "220000",
        "borrowerKinds": ["individual", "business"], "minAmountFen": 1000000,
        "maxAmountFen": 30000000, "maxAmountBusinessFen": null, "amountStepFen": 100000,
        "minTermMonths": 12, "maxTermMonths": 36, "rateMinBp": 385, "rateMaxBp": 435,
        "rateNote": "LPR−15BP", "guaranteeTypes": ["credit", "guarantor"], "subsidyKind": "full",
        "subsidyRatioPermille": null, "subsidyCapFen": null, "subsidyPayerNote": "省财政",
        "ageMin": 18, "ageMax": 45, "requiresVerifiedTalent": true,
        "allowConcurrentLoans": false, "offerValidDays": 60, "validFrom": "2026-12-01",
        "validTo": "2027-12-31"
    },
    "version": 4,
    "timeline": [
        {"seq": 1, "at": "2026-12-01T09:30:00+08:00", "action": "submit", "actionLabel": "提交贷款申请",
         "fromStatus": null, "toStatus": "submitted", "actor": {"kind": "youth", "label": "本人"},
         "reason": null},
        {"seq": 2, "at": "2026-12-03T16:05:00+08:00", "action": "recommend", "actionLabel": "县级团组织推荐",
         "fromStatus": "submitted", "toStatus": "recommended",
         "actor": {"kind": "cadre", "label": "共青团德惠市委员会"}, "reason": null},
        {"seq": 3, "at": "2026-12-04T10:00:00+08:00", "action": "accept_referral", "actionLabel": "银行受理",
         "fromStatus": "recommended", "toStatus": "bank_reviewing",
         "actor": {"kind": "bank_officer", "label": "吉林银行"}, "reason": null},
        {"seq": 4, "at": "2026-12-31T10:12:00+08:00", "action": "approve", "actionLabel": "银行审批通过",
         "fromStatus": "bank_reviewing", "toStatus": "approved",
         "actor": {"kind": "bank_officer", "label": "吉林银行"}, "reason": null}
    ],
    "nextStep": {"actor": "bank", "actionLabel": "请与吉林银行联系办理放款", "dueAt": "2027-01-30T10:12:00+08:00"},
    "subsidyClaims": []
}))]
pub struct LoanApplicationView {
    pub id: Uuid,
    /// `JQD-<year>-<8 characters>`, shown to youth and bank.
    pub number: String,
    pub status: LoanStatus,
    pub status_label: String,
    pub product_id: Uuid,
    pub product_name: String,
    pub bank_name: String,
    pub borrower_kind: BorrowerKind,
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
    /// The documents (detail views only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<MediaLink>>,
    /// Times the local unit returned it (≤3).
    pub return_count: i32,
    pub recommended_amount_fen: Option<i64>,
    pub approved_amount_fen: Option<i64>,
    pub approved_rate_bp: Option<i32>,
    pub approved_term_months: Option<i32>,
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub disbursed_amount_fen: Option<i64>,
    pub disbursed_on: Option<NaiveDate>,
    pub maturity_on: Option<NaiveDate>,
    /// The bank's own reference of the loan (借据号).
    pub bank_reference: Option<String>,
    /// Overdue since (as the bank reported).
    pub overdue_since: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub closure: Option<Closure>,
    /// Why it was not recommended or rejected (a code of `GET /loan-options`).
    pub reason_code: Option<String>,
    pub submitted_at: DateTime<FixedOffset>,
    pub review_due_at: DateTime<FixedOffset>,
    pub bank_due_at: Option<DateTime<FixedOffset>>,
    pub resubmit_due_at: Option<DateTime<FixedOffset>>,
    /// The product's terms as they were at submission (detail views only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_terms: Option<ProductTerms>,
    pub version: i32,
    /// History, oldest first (detail views): cadres shown as their league unit, bank officers
    /// as the bank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry<LoanStatus, ApplicationAction>>>,
    /// Who acts next and by when (null once it ended).
    pub next_step: Option<NextStep>,
    /// The loan's interest subsidy (贴息) claims, oldest period first (the youth's detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subsidy_claims: Option<Vec<SubsidyClaimView>>,
}

/// An application as cadres see it: personal data masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminLoanApplicationView {
    #[serde(flatten)]
    pub application: LoanApplicationView,
    /// 张** (the full name only through a logged reveal).
    pub applicant_name: Option<String>,
    /// 138****1234.
    pub applicant_phone: Option<String>,
    /// The applicant's home region at submission (the routing key).
    pub region_code: String,
    /// The local unit that recommends it.
    pub local_unit_code: String,
    pub local_unit_name: String,
    pub recommendation_note: Option<String>,
    pub reason_note: Option<String>,
    /// Still `submitted` after `reviewDueAt`.
    pub overdue_review: bool,
    /// Whether the caller's unit is the local unit (only it returns, recommends or declines).
    pub local_unit_acts: bool,
}

/// `GET /admin/loan-applications` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminApplicationFilter {
    #[param(inline)]
    pub status: Option<LoanStatus>,
    /// A league unit code or a township/village inside the caller's unit.
    pub region: Option<String>,
    pub product_id: Option<Uuid>,
    pub bank_id: Option<Uuid>,
    /// Only applications still `submitted` after their review deadline.
    pub overdue_review: Option<bool>,
}

/// Recommend an application to the bank.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"recommendedAmountFen": 15000000, "note": "经营稳定，同意推荐", "version": 1}))]
pub struct RecommendRequest {
    /// ≤ the amount applied for, ≥ the product's minimum, on its step.
    #[schema(minimum = 1)]
    pub recommended_amount_fen: i64,
    /// Shown on the timeline (≤500).
    #[validate(length(max = 500, message = "推荐意见不能超过500个字"))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: Option<String>,
    /// The version reviewed.
    pub version: i32,
}

/// Return an application to the youth to fix (≤3 times).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "请补充养殖场租赁合同", "version": 1}))]
pub struct ReturnRequest {
    /// What to fix, 2–500 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 500>",
        message = "退回原因应为2至500个字"
    ))]
    #[schema(min_length = 2, max_length = 500)]
    pub reason: String,
    pub version: i32,
}

/// Decline to recommend an application (final).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reasonCode": "project_not_viable", "note": "项目尚在构想阶段", "version": 1}))]
pub struct NonRecommendationRequest {
    pub reason_code: NotRecommendedReason,
    #[validate(length(max = 500, message = "说明不能超过500个字"))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: Option<String>,
    pub version: i32,
}

/// Withdraw one's application (or decline an approved offer).
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "已从其他渠道解决资金"}))]
pub struct WithdrawalRequest {
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub reason: Option<String>,
}

/// An application as the officer of its bank sees it: the applicant's name and phone in full
/// (the ID number only through a logged reveal).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankLoanApplicationView {
    #[serde(flatten)]
    pub application: LoanApplicationView,
    pub applicant_name: Option<String>,
    pub applicant_phone: Option<String>,
    /// 220***********1234.
    pub applicant_id_number_masked: Option<String>,
    pub region_code: String,
    pub local_unit_name: String,
    pub recommendation_note: Option<String>,
}

/// `GET /admin/bank/loan-applications` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BankApplicationFilter {
    #[param(inline)]
    pub status: Option<LoanStatus>,
}

/// A bank action that only names the version seen (accepting a referral).
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 2}))]
pub struct ApplicationVersionRequest {
    #[serde(default)]
    pub version: Option<i32>,
}

/// The bank's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoanDecision {
    Approve,
    Reject,
}

/// `POST …/decisions`: approve with amount, rate and term, or reject with a reason code.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "approve", "amountFen": 15000000, "rateBp": 385, "termMonths": 24, "version": 3}))]
pub struct DecisionRequest {
    pub decision: LoanDecision,
    /// Approve: ≥ the product's minimum, ≤ the amount applied for and the product's ceiling.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub amount_fen: Option<i64>,
    /// Approve: within the product's rate range.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2400)]
    pub rate_bp: Option<i32>,
    /// Approve: within the product's term range.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub term_months: Option<i32>,
    /// Reject: why.
    #[serde(default)]
    pub reason_code: Option<RejectReason>,
    #[validate(length(max = 500, message = "说明不能超过500个字"))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: Option<String>,
    pub version: i32,
}

/// `POST …/disbursements`: the loan as the bank's core system booked it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"amountFen": 15000000, "disbursedOn": "2026-12-10", "maturityOn": "2028-12-10", "bankReference": "B-001"}))]
pub struct DisbursementRequest {
    /// ≤ the approved amount (the rest of the quota is released).
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    /// China date: on or after the approval, not after today.
    pub disbursed_on: NaiveDate,
    /// After today.
    pub maturity_on: NaiveDate,
    /// The bank's own reference (借据号), unique per bank; 1–64 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "银行业务编号应为1至64个字符"
    ))]
    #[schema(min_length = 1, max_length = 64)]
    pub bank_reference: String,
}

/// What the bank reports about a disbursed loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoanReportKind {
    /// 逾期 since `on`.
    Overdue,
    /// The overdue amount was paid on `on`.
    Cured,
    /// 结清 on `on`.
    Repaid,
    /// 核销 on `on`.
    WrittenOff,
}

/// `POST …/status-reports`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"kind": "repaid", "on": "2028-12-01"}))]
pub struct StatusReportRequest {
    pub kind: LoanReportKind,
    /// China date: not before the disbursement, not after today.
    pub on: NaiveDate,
}

/// `POST …/reversals`: undo the bank's own last approval or disbursement.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "审批金额录入错误"}))]
pub struct ReversalRequest {
    /// 2–200 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "撤销原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

/// `POST …/subsidy-claims`: the interest the borrower paid for a period.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"periodFrom": "2027-01-01", "periodTo": "2027-03-31", "interestPaidFen": 123457}))]
pub struct SubsidyClaimRequest {
    /// China dates, inclusive, inside the loan's life (disbursement to maturity or closing).
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    #[schema(minimum = 1)]
    pub interest_paid_fen: i64,
}

/// A subsidy claim.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubsidyClaimView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub region_code: String,
    pub bank_id: Uuid,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub interest_paid_fen: i64,
    /// `full`: the interest paid; `ratio`: × ‰ ÷ 1000 rounded down; at most the cap left.
    pub subsidy_fen: i64,
    pub status: ClaimStatus,
    pub status_label: String,
    pub paid_on: Option<NaiveDate>,
    pub paid_reference: Option<String>,
    pub reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry<ClaimStatus, ClaimAction>>>,
}

/// `GET /admin/loan-subsidy-claims` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ClaimFilter {
    #[param(inline)]
    pub status: Option<ClaimStatus>,
    /// A league unit code or a township/village inside the caller's unit.
    pub region: Option<String>,
}

/// Verify or approve a claim, naming the version reviewed.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 1}))]
pub struct ClaimStepRequest {
    pub version: i32,
}

/// Reject a claim with a reason.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "计息期间与还款记录不符", "version": 1}))]
pub struct ClaimRejectionRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "退回原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    pub version: i32,
}

/// Mark an approved claim paid.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"paidOn": "2027-04-20", "reference": "CZ-2027-0042", "version": 3}))]
pub struct ClaimPaymentRequest {
    pub paid_on: NaiveDate,
    /// The payment's reference, 1–64 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "拨付凭证号应为1至64个字符"
    ))]
    #[schema(min_length = 1, max_length = 64)]
    pub reference: String,
    pub version: i32,
}

/// `POST …/reveals`: which full value to see, and why (logged).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"field": "phone", "reason": "电话核实经营情况"}))]
pub struct LoanRevealRequest {
    /// Cadres: `name` or `phone`; bank officers: `id_number` (for the 征信 inquiry).
    pub field: RevealField,
    /// 4–200 characters, kept in the log.
    #[validate(custom(
        function = "crate::input::text::visible_length::<4, 200>",
        message = "查看理由长度应为4至200个字"
    ))]
    #[schema(min_length = 4, max_length = 200)]
    pub reason: String,
}

/// The full value revealed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"applicationId": "0193a0a0-0000-7000-8000-0000000000d1", "field": "phone", "value": "13912345678"}))]
pub struct LoanRevealView {
    pub application_id: Uuid,
    pub field: RevealField,
    pub value: String,
}

/// One entry of the loan reveal log (province cadres).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanRevealLogView {
    pub id: Uuid,
    pub application_id: Option<Uuid>,
    pub viewer_user_id: Uuid,
    /// The viewer's display name.
    pub viewer_name: String,
    pub viewer_kind: entity::workflow_events::ActorKind,
    pub field: RevealField,
    pub reason: String,
    /// Rows of an export.
    pub row_count: Option<i32>,
    pub created_at: DateTime<FixedOffset>,
}
