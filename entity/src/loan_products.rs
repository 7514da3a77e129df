use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 银团合作 loan product: terms entered by a cadre, confirmed by the bank's officer, published
/// by another cadre (four-eyes). Published terms never change: a new version is a clone.
/// `borrower_kinds` and `guarantee_types` are JSON arrays of codes. Money in fen, rates in bp.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub bank_id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub description: String,
    /// The league unit where it is offered.
    pub area_unit_code: String,
    pub borrower_kinds: String,
    pub min_amount_fen: i64,
    pub max_amount_fen: i64,
    pub max_amount_business_fen: Option<i64>,
    pub amount_step_fen: i64,
    pub min_term_months: i32,
    pub max_term_months: i32,
    pub rate_min_bp: i32,
    pub rate_max_bp: i32,
    pub rate_note: Option<String>,
    pub guarantee_types: String,
    pub subsidy_kind: SubsidyKind,
    pub subsidy_ratio_permille: Option<i32>,
    pub subsidy_cap_fen: Option<i64>,
    pub subsidy_payer_note: Option<String>,
    pub age_min: i32,
    pub age_max: i32,
    pub requires_verified_talent: bool,
    pub allow_concurrent_loans: bool,
    /// Total credit line (null: none).
    pub quota_fen: Option<i64>,
    /// Approved and not released.
    pub committed_fen: i64,
    pub offer_valid_days: i32,
    /// China dates, inclusive.
    pub valid_from: Date,
    pub valid_to: Date,
    pub status: ProductStatus,
    pub created_by: Uuid,
    /// The creator's league unit (a checker comes from it or a unit above it).
    pub created_unit_code: String,
    pub bank_confirmed_by: Option<Uuid>,
    pub bank_confirmed_at: Option<DateTimeUtc>,
    /// The bank's last request for changes.
    pub change_request_note: Option<String>,
    pub published_by: Option<Uuid>,
    pub published_at: Option<DateTimeUtc>,
    pub suspended_by_kind: Option<SuspendedBy>,
    pub cloned_from_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a product stands.
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
pub enum ProductStatus {
    /// A cadre is entering the terms.
    Draft,
    /// Sent to the bank: its officer confirms the terms or asks for changes.
    AwaitingBank,
    /// Offered to youth.
    Published,
    /// Not taking applications for now.
    Suspended,
    /// Withdrawn for good.
    Retired,
}

/// Who may borrow.
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
pub enum BorrowerKind {
    /// 个人
    Individual,
    /// 经营主体 (cooperative, family farm, individual business, company)
    Business,
}

/// Guarantee types (担保方式).
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
pub enum GuaranteeType {
    /// 信用
    Credit,
    /// 保证
    Guarantor,
    /// 抵押
    Collateral,
    /// 质押
    Pledge,
    /// 担保基金
    GuaranteeFund,
}

/// Interest subsidy (贴息) rule.
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
    db_type = "String(StringLen::N(8))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum SubsidyKind {
    /// 无贴息
    None,
    /// 全额贴息
    Full,
    /// 按比例贴息
    Ratio,
}

/// Which side suspended a product (only that side resumes it).
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
    db_type = "String(StringLen::N(8))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum SuspendedBy {
    /// 团组织
    League,
    /// 合作银行
    Bank,
}
