use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::loan_products::{BorrowerKind, GuaranteeType};

/// A youth's loan application: routed by `region_code` (the home region at submission) to the
/// local unit, recommended to the product's bank, decided and disbursed by it. `product_terms` is
/// the product as it was at submission (every later check reads it). The applicant's phone and
/// ID number are encrypted; retention clears personal fields of applications that ended without
/// a loan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub applicant_user_id: Option<Uuid>,
    pub talent_profile_id: Option<Uuid>,
    pub product_id: Uuid,
    pub bank_id: Uuid,
    pub product_terms: String,
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
    /// JSON array of media keys (`loan_document`).
    pub attachments: String,
    pub status: LoanStatus,
    pub return_count: i32,
    pub recommended_amount_fen: Option<i64>,
    pub recommendation_note: Option<String>,
    pub recommended_by: Option<Uuid>,
    pub recommended_at: Option<DateTimeUtc>,
    pub submitted_at: DateTimeUtc,
    pub review_due_at: DateTimeUtc,
    pub bank_due_at: Option<DateTimeUtc>,
    pub resubmit_due_at: Option<DateTimeUtc>,
    /// When the bank accepted the referral (受理): a later withdrawal stays visible to it.
    pub accepted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub approved_amount_fen: Option<i64>,
    pub approved_rate_bp: Option<i32>,
    pub approved_term_months: Option<i32>,
    pub approved_at: Option<DateTimeUtc>,
    pub offer_expires_at: Option<DateTimeUtc>,
    pub disbursed_amount_fen: Option<i64>,
    pub disbursed_on: Option<Date>,
    pub maturity_on: Option<Date>,
    pub disbursed_at: Option<DateTimeUtc>,
    pub bank_reference: Option<String>,
    pub overdue_since: Option<Date>,
    pub closed_on: Option<Date>,
    pub closure: Option<Closure>,
    pub subsidy_claimed_fen: i64,
    pub reason_code: Option<String>,
    pub reason_note: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub version: i32,
    pub anonymised_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The product's bank (lists read its name in the same statement as the page).
    #[sea_orm(
        belongs_to = "super::banks::Entity",
        from = "Column::BankId",
        to = "super::banks::Column::Id"
    )]
    Bank,
    /// The product (lists read its name in the same statement as the page, not the snapshot).
    #[sea_orm(
        belongs_to = "super::loan_products::Entity",
        from = "Column::ProductId",
        to = "super::loan_products::Column::Id"
    )]
    Product,
}

impl Related<super::banks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Bank.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// Where an application stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    /// Waiting for the local unit.
    Submitted,
    /// Sent back to the youth to fix (≤3 times).
    Returned,
    /// Recommended to the bank.
    Recommended,
    /// The local unit declined to recommend it.
    NotRecommended,
    /// The bank accepted the referral (受理).
    BankReviewing,
    /// The bank approved: an offer until `offer_expires_at`.
    Approved,
    /// The bank rejected it.
    Rejected,
    /// Withdrawn by the youth (or an offer declined).
    Withdrawn,
    /// An offer not disbursed, or a return not resubmitted, in time.
    Lapsed,
    /// Paid out (贷款发放).
    Disbursed,
    /// Reported overdue by the bank.
    Overdue,
    /// Repaid or written off.
    Closed,
}

/// What the money is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(24))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum LoanPurpose {
    /// 种植业
    Planting,
    /// 畜牧养殖
    AnimalHusbandry,
    /// 水产养殖
    Aquaculture,
    /// 农产品加工
    Processing,
    /// 农村电商
    Ecommerce,
    /// 乡村旅游
    RuralTourism,
    /// 购置农机设备
    Equipment,
    /// 流动资金
    WorkingCapital,
    /// 其他
    Other,
}

/// How a loan ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// 已结清
    Repaid,
    /// 已核销
    WrittenOff,
}

/// Why the local unit declines to recommend.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum NotRecommendedReason {
    /// 非创业青年或无实际经营项目
    NotEntrepreneur,
    /// 项目不具备可行性
    ProjectNotViable,
    /// 材料不全或信息不实
    IncompleteInformation,
    /// 不符合政策
    OutsidePolicy,
    /// 其他
    Other,
}

/// Why the bank rejects.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// 征信不良
    CreditRecord,
    /// 经营风险
    BusinessRisk,
    /// 担保不足
    InsufficientGuarantee,
    /// 材料不全
    IncompleteDocuments,
    /// 不符合政策
    OutsidePolicy,
    /// 其他
    Other,
}
